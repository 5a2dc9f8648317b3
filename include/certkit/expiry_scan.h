// certkit/expiry_scan.h: an inventory of the certificates in files,
// directories, key stores and live TLS endpoints, with their validity
// (`certkit expiry`), and its Prometheus text form (`certkit expiry
// --format prometheus`, for node_exporter's textfile collector).
//
// The scan reads every regular file under the paths it is given (a
// directory, such as a cluster directory, recursively; symbolic links are
// followed, but never into a directory below itself): PEM files (every CERTIFICATE block), DER
// certificates, and JKS, JCEKS and PKCS#12 key stores (every certificate of
// every entry, opened with the first password that works). Other files
// (keys, CSRs, JSON, ...) hold no expiry and are skipped; private key files
// that group/others can read are reported. What cannot be read is recorded
// as an error of that path and the scan goes on: errors are counted, never
// fatal.
//
// Probing an endpoint (ExpiryScanOptions::probes) records the chain the
// server presents, WITHOUT verifying it: this is an inventory of what is
// served, not a trust decision (`certkit probe --ca` makes that one).
#ifndef CERTKIT_EXPIRY_SCAN_H_
#define CERTKIT_EXPIRY_SCAN_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "certkit/cert.h"
#include "certkit/error.h"
#include "certkit/key.h"

namespace certkit {

struct ExpiryScanOptions {
  // Files and directories to scan, in order.
  std::vector<std::string> paths;
  // Key store passwords, tried in order on every store (none: every store
  // is an error naming the store, kBadPassword).
  std::vector<std::string> store_passwords;
  // TLS endpoints to probe, each "HOST:PORT" or "[IPv6]:PORT".
  std::vector<std::string> probes;
  // Bound of each probe (ProbeOptions::timeout).
  absl::Duration probe_timeout = absl::Seconds(10);
  // A client certificate chain (leaf first) and its key, presented to a
  // probed server that asks for one (a node with require_client_auth
  // refuses the handshake, and shows no chain, without it). Both or
  // neither.
  std::vector<Certificate> probe_client_chain;
  std::optional<PrivateKey> probe_client_key;

  // Validate: kInvalidArgument naming a probe target that is not
  // HOST:PORT with a port in 1..65535; ProbeOptions::Validate's errors for
  // the timeout and the client certificate (a chain without a key or the
  // reverse, kKeyMismatch).
  absl::Status Validate() const;
};

// One certificate found.
struct ScannedCertificate {
  // The file it was read from, as reached from the given path (the path
  // joined with the names below it); "tls://HOST:PORT" for a probe.
  std::string file;
  // The entry's alias in a key store; empty otherwise.
  std::string alias;
  // "pem", "der", "jks", "jceks", "pkcs12", or "tls" for a probe.
  std::string store_type;
  // "HOST:PORT" as given for a probe; empty otherwise.
  std::string probe;
  std::string subject;      // RFC 4514
  std::string subject_cn;   // the subject's CN value, raw; empty when none
  std::string issuer;       // RFC 4514
  std::string issuer_cn;
  std::string serial;       // lower-case hex, no leading zeros
  absl::Time not_before;
  absl::Time not_after;
};

// Why a path (or a probe) could not be read, fully or in part.
struct ScanError {
  std::string path;  // as ScannedCertificate::file
  // The cause, naming what failed (never a password).
  std::string message;
  // The kind of the cause (kBadPassword when no password opened a key
  // store, also when none was given; kNotFound for a path that does not
  // exist; kIo for a probe that got no handshake).
  ErrorKind kind = ErrorKind::kIo;
  // True when the path is a key store and no store password was given.
  bool needs_password = false;
};

// A private key file that group or others can access.
struct InsecureKeyFile {
  std::string path;
  uint32_t mode = 0;  // st_mode & 07777
};

struct ExpiryScan {
  // In scan order: the paths in order (a directory's entries sorted by
  // name), then the probes in order; a store's entries in store order, an
  // entry's chain leaf first; a probe's chain as the server sent it.
  std::vector<ScannedCertificate> certificates;
  std::vector<ScanError> errors;
  std::vector<InsecureKeyFile> insecure_keys;

  // ErrorPathCount is the number of distinct paths (and probes) with an
  // error: the value of x509_read_errors.
  size_t ErrorPathCount() const;
};

// ScanForExpiry scans |options| (see the top of this file). Only an
// invalid |options| fails (Validate()); every problem met while scanning is
// recorded in ExpiryScan::errors. Bounded: each file is read up to 64 MiB,
// each key store's key derivations are bounded as KeyStore::Load's, each
// probe by the probe timeout, and a symbolic link loop is not followed
// round.
absl::StatusOr<ExpiryScan> ScanForExpiry(const ExpiryScanOptions& options);

// ExpiryScanToPrometheus renders |scan| in the Prometheus text exposition
// format 0.0.4 (what node_exporter's textfile collector reads), with the
// metric names of enix/x509-certificate-exporter:
//   x509_cert_not_before, x509_cert_not_after   unix seconds (gauge)
//   x509_cert_expired                           1 when |now| is after not_after, else 0
//   x509_cert_seconds_left                      not_after - |now| (gauge, negative once expired)
//   x509_read_errors                            ErrorPathCount() (gauge)
// Each certificate series carries the labels filepath, filename, alias,
// store_type, probe, subject, subject_CN, issuer, issuer_CN and serial
// (every label on every series; empty values included). The same
// certificate found twice with the same labels (a PEM bundle listing it
// twice) gives one series. Label values are escaped as the format says
// (backslash, double quote and newline as \\, \" and \n), and every other
// character that could control a terminal (EscapeForDisplay: C0/C1
// controls, bidirectional overrides, invalid UTF-8) is written as its
// visible escape with the backslash doubled, so that no control byte is
// printed and a parser reads the value back as the escape text (e.g. a
// tab reads back as the two characters \t). Never fails.
std::string ExpiryScanToPrometheus(const ExpiryScan& scan, absl::Time now);

// PrometheusLabelValue escapes |value| for a label value as described
// above (without the surrounding quotes).
std::string PrometheusLabelValue(const std::string& value);

}  // namespace certkit

#endif  // CERTKIT_EXPIRY_SCAN_H_
