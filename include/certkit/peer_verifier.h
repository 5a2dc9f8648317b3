// certkit/peer_verifier.h: the check a TLS endpoint runs on its peer's
// certificate chain during a handshake: a prepared TrustStore plus the
// identity rule a driver's settings select. CertkitSsl (the C ABI's driver
// shim), its BoringSSL adapter and the bindings all verify peers through it.
#ifndef CERTKIT_PEER_VERIFIER_H_
#define CERTKIT_PEER_VERIFIER_H_

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "certkit/cert.h"
#include "certkit/verify.h"

namespace certkit {

// How a server's name is checked, on top of the chain (never instead of it).
enum class PeerIdentityRule {
  kNone,  // the chain only
  // The address or host name the client connected to: an IP address must be
  // an IP SAN, anything else a DNS SAN. When the leaf has no
  // subjectAltName at all its subject CN is consulted (the DataStax
  // drivers accept keytool-made certificates that way).
  kHost,
  // The host name as a DNS SAN; no CN fallback.
  kDnsName,
};

struct PeerVerifierOptions {
  // false: accept any peer without looking at its chain (VERIFY_NONE; for
  // tests only).
  bool verify_chain = true;
  PeerIdentityRule identity = PeerIdentityRule::kNone;
  // Certificate revocation lists (PEM or DER), checked as VerifyOptions::crls
  // are: a peer certificate a CRL of its issuer lists is refused with
  // kCertRevoked.
  std::vector<std::string> crls;

  // Validate fails with kInvalidArgument when the combination makes no
  // sense (an identity rule without verify_chain).
  absl::Status Validate() const;
};

// PeerVerifier is immutable once made and safe to share between threads and
// handshakes; copying it shares the prepared trust anchors and CRLs. Make one
// when the material is loaded (and again on reload), not per handshake: the
// CRLs are parsed once, here.
class PeerVerifier {
 public:
  // An empty trust store is allowed (every verification then fails with
  // kUnknownIssuer naming the peer), so that an endpoint can be configured
  // step by step. |options| must Validate(). A CRL that cannot be parsed
  // makes every later verification fail with kMalformed.
  PeerVerifier(TrustStore trust = TrustStore(), PeerVerifierOptions options = {});

  // VerifyServer is the client side: |chain| (leaf first, as the server sent
  // it) must verify for serverAuth and, per the identity rule, name
  // |peer_name| (the address or host name connected to; nullopt or empty
  // with an identity rule is kInvalidArgument). Failures carry the
  // verification ErrorKind (kUnknownIssuer, kIdentityMismatch, ...); an
  // empty chain is kTlsHandshake.
  absl::Status VerifyServer(const std::vector<Certificate>& chain,
                            std::optional<absl::string_view> peer_name) const;

  // VerifyClient is the server side: |chain| must verify for clientAuth.
  // Client certificates name users, not hosts, so no identity rule applies.
  absl::Status VerifyClient(const std::vector<Certificate>& chain) const;

  const TrustStore& trust() const { return trust_; }
  const PeerVerifierOptions& options() const { return options_; }

 private:
  // VerifyChain verifies |chain| with |options|; |usable| is a reason the
  // request cannot be verified (reported after the chain's own problems).
  absl::Status VerifyChain(const std::vector<Certificate>& chain, VerifyOptions options,
                           const absl::Status& usable) const;

  struct PreparedCrls;  // |options_.crls|, parsed once

  TrustStore trust_;
  PeerVerifierOptions options_;
  std::shared_ptr<const PreparedCrls> crls_;
};

}  // namespace certkit

#endif  // CERTKIT_PEER_VERIFIER_H_
