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
  // Bound of the whole exchange: connecting, the preamble, the handshake
  // and the wait for the server's verdict together. A server that stalls or
  // trickles bytes fails with kIo ("... timed out after 2s").
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
// closes the connection. When the server asked for a client certificate
// under TLS 1.3, whose verdict comes after the handshake, it then reads for
// up to a second (within the timeout): an alert or a closed connection is a
// rejection; a session ticket, data or quiet is acceptance.
// Failures: kIo (resolution, connection, the timeout, naming the address
// and the seconds), kTlsHandshake (the server rejected our client
// certificate, or required one we did not give: "the server at H:P rejected
// our client certificate: unknown CA"; another alert by name; BoringSSL's
// reason; a PostgreSQL server that refuses SSL; no certificate sent),
// kInvalidArgument (options, port 0).
absl::StatusOr<ProbeResult> ProbeServer(const std::string& host, uint16_t port,
                                        const ProbeOptions& options);

}  // namespace certkit

#endif  // CERTKIT_PROBE_H_
