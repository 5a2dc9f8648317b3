// certkit/verify.h: certificate chain verification.
//
// Verify builds a path from a leaf through untrusted intermediates to a trust
// anchor and validates it (RFC 5280 section 6 with a strict profile suited to
// cluster TLS: see docs/VERIFY.md). On failure the status carries the
// ErrorKind (kCertExpired, kUnknownIssuer, kIdentityMismatch, ...) and a
// message naming the certificate in the chain and the rule.
#ifndef CERTKIT_VERIFY_H_
#define CERTKIT_VERIFY_H_

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "certkit/cert.h"

namespace certkit {

enum class Purpose {
  kAny,         // no EKU requirement
  kServerAuth,  // id-kp-serverAuth
  kClientAuth,  // id-kp-clientAuth
};

// The name the peer must prove. Exactly one kind, or none.
struct PeerIdentity {
  enum class Kind { kNone, kDns, kIp, kEmail };
  Kind kind = Kind::kNone;
  std::string value;

  static PeerIdentity None() { return {}; }
  static PeerIdentity Dns(std::string name) { return {Kind::kDns, std::move(name)}; }
  static PeerIdentity Ip(std::string ip) { return {Kind::kIp, std::move(ip)}; }
  static PeerIdentity Email(std::string addr) { return {Kind::kEmail, std::move(addr)}; }
  // Host classifies |host| as kIp or kDns.
  static PeerIdentity Host(std::string host);
};

// TrustStore is a set of trust anchors, prepared once (indexed by subject
// and SKI) and reusable across many verifications from many threads.
class TrustStore {
 public:
  TrustStore();
  explicit TrustStore(std::vector<Certificate> anchors);
  TrustStore(const TrustStore&);
  TrustStore& operator=(const TrustStore&);
  TrustStore(TrustStore&&) noexcept;
  TrustStore& operator=(TrustStore&&) noexcept;
  ~TrustStore();

  void Add(const Certificate& anchor);
  const std::vector<Certificate>& anchors() const;
  size_t size() const;

  struct Index;  // implementation detail of lib/verify
  const Index& index() const { return *index_; }

 private:
  std::shared_ptr<Index> index_;
};

struct VerifyOptions {
  // Validation time; absl::InfinitePast() means now.
  absl::Time at = absl::InfinitePast();
  Purpose purpose = Purpose::kAny;
  PeerIdentity identity;
  // Consult the subject CN for a DNS/IP identity when the leaf has no
  // subjectAltName extension at all. A compatibility behaviour for
  // certificates made by the seeds' keytool commands (the DataStax driver
  // accepts them). Off by default.
  bool allow_cn_fallback = false;
  // Maximum number of certificates in the path, leaf and anchor included.
  // Self-issued intermediates (RFC 5280 6.1.4 (l): re-keyed CAs) are not
  // counted; the path builder additionally stops at 32 certificates.
  int max_depth = 10;
  // Accept a leaf that is itself a CA certificate (basicConstraints CA:TRUE).
  bool allow_ca_leaf = false;
  // Accept a trust anchor that is the leaf itself (a pinned self-signed
  // certificate, as the DataStax guide's keytool-made node certs are).
  // The leaf is then accepted after the leaf rules only (validity, key,
  // identity, purpose); no issuer is needed. On by default: pinning a node's
  // own self-signed certificate is the common cluster set-up.
  bool allow_self_signed_leaf_anchor = true;
  // Apply the CA/Browser Forum Baseline Requirements' subscriber and root
  // rules on top of RFC 5280 (the "web PKI" profile): the leaf must carry an
  // extendedKeyUsage (non-critical, without anyExtendedKeyUsage) when a
  // purpose is asked for, must be X.509 v3, its subject CN (if any) must be
  // one of its SAN values, a SAN must not be critical when the subject is
  // non-empty, and trust anchors must not carry an extendedKeyUsage or an
  // authorityKeyIdentifier other than a keyIdentifier equal to their SKI.
  // Off by default because cluster certificates routinely have a CN ("node",
  // a user name) that is not a SAN, and keytool-made certificates have no
  // EKU. The x509-limbo runner turns it on.
  bool webpki_profile = false;
  // Certificate revocation lists (each PEM "X509 CRL" or DER) supplied by the
  // caller. For every non-anchor certificate in the path, each CRL whose
  // issuer is that certificate's issuer is validated (signature by the
  // issuer, cRLSign when the issuer has keyUsage, v2 with a non-critical
  // cRLNumber, no unknown critical extension, thisUpdate not in the future)
  // and a listed serial fails the path (kCertRevoked, "revoked"); a CRL that
  // breaks one of those rules fails it with kPolicyViolation. A
  // certificate without a matching CRL is not treated as revoked. A CRL that
  // cannot be parsed fails verification with kMalformed.
  std::vector<std::string> crls;
};

struct VerifyResult {
  // The built path: leaf first, trust anchor last.
  std::vector<Certificate> chain;
};

// Verify validates |leaf| against |trust| using |intermediates| as untrusted
// path-building material. Returns the chain, or a status whose ErrorKind
// names the failure and whose message names the certificate (by subject and
// its position in the path) and the rule.
absl::StatusOr<VerifyResult> Verify(const Certificate& leaf,
                                    const std::vector<Certificate>& intermediates,
                                    const TrustStore& trust,
                                    const VerifyOptions& options = {});

}  // namespace certkit

#endif  // CERTKIT_VERIFY_H_
