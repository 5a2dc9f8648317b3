// certkit/probe.h: connecting to a TLS server to see the certificate chain it
// presents, as a driver would before verifying it (`certkit probe`). Only
// the connection is made here; the verdict is PeerVerifier's
// (certkit/peer_verifier.h), so an operator sees exactly what a driver
// using certkit would decide.
#ifndef CERTKIT_PROBE_H_
#define CERTKIT_PROBE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "certkit/cert.h"
#include "certkit/key.h"

namespace certkit {

// What is sent before the TLS handshake.
enum class ProbePreamble {
  kNone,      // TLS from the first byte (Cassandra, CockroachDB, most services)
  kPostgres,  // PostgreSQL's SSLRequest, then TLS (port 5432)
};

struct ProbeOptions {
  // Server Name Indication; empty = the host when it is a name (an IP
  // address is never sent as SNI, per RFC 6066 §3).
  std::string server_name;
  ProbePreamble preamble = ProbePreamble::kNone;
  // Bound of each step: connecting, and every read or write of the
  // handshake. A server that stalls fails with kIo ("timed out").
  absl::Duration timeout = absl::Seconds(10);
  // A client certificate chain (leaf first) and its key, presented when the
  // server asks for one (mutual TLS). Both or neither.
  std::vector<Certificate> client_chain;
  std::optional<PrivateKey> client_key;

  // Validate: kInvalidArgument for a chain without a key or the reverse, a
  // key that is not the leaf's (kKeyMismatch), or a timeout <= 0.
  absl::Status Validate() const;
};

struct ProbeResult {
  std::vector<Certificate> chain;  // as the server sent it, leaf first
  std::string protocol;            // "TLSv1.3", "TLSv1.2"
  std::string cipher;              // the IETF name, e.g. "TLS_AES_128_GCM_SHA256"
  // The server asked for a client certificate (CertificateRequest).
  bool client_certificate_requested = false;
};

// ProbeServer connects to |host|:|port| (a name is resolved; every address
// is tried in turn), runs a TLS 1.2+ handshake WITHOUT verifying the server
// (the caller verifies ProbeResult::chain, e.g. with PeerVerifier), and
// closes the connection. Failures: kIo (resolution, connection, timeout,
// naming the address), kTlsHandshake (the peer's alert or BoringSSL's reason;
// a PostgreSQL server that refuses SSL; no certificate sent),
// kInvalidArgument (options, port 0).
absl::StatusOr<ProbeResult> ProbeServer(const std::string& host, uint16_t port,
                                        const ProbeOptions& options);

}  // namespace certkit

#endif  // CERTKIT_PROBE_H_
