// certkit/verify.h: certificate chain verification.
//
// Verify builds a path from a leaf through untrusted intermediates to a trust
// anchor and validates it (RFC 5280 section 6 with a strict profile suited to
// cluster TLS: see docs/VERIFY.md). On failure the status carries the
// ErrorKind (kCertExpired, kUnknownIssuer, kIdentityMismatch, ...) and a
// message naming the certificate in the chain and the rule.
#ifndef CERTKIT_VERIFY_H_
#define CERTKIT_VERIFY_H_

#include <cstdint>
#include <memory>
#include <mutex>
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
// and SKI) and reusable across many verifications from many threads. Every
// method may be called from any thread at any time, on the same store or on
// copies: a verification works on the anchors present when it started, and
// Add publishes a new set (copy-on-write under a mutex) that later
// verifications see. Copies are cheap and independent.
class TrustStore {
 public:
  TrustStore();
  explicit TrustStore(std::vector<Certificate> anchors);
  TrustStore(const TrustStore&);
  TrustStore& operator=(const TrustStore&);
  TrustStore(TrustStore&&) noexcept;
  TrustStore& operator=(TrustStore&&) noexcept;
  ~TrustStore();

  // Add trusts |anchor|; an anchor already present is ignored. Costs a copy
  // of the index (pointers, not certificates): build large stores with the
  // vector constructor. Verifications already running keep the anchors they
  // started with (copy-on-write).
  void Add(const Certificate& anchor);
  void Add(const std::vector<Certificate>& anchors);
  // anchors returns the current anchors (a copy).
  std::vector<Certificate> anchors() const;
  size_t size() const;

  struct Index;  // the prepared form (lib/verify/trust_index.h)

 private:
  friend struct TrustStoreAccess;
  // Snapshot returns the current prepared anchors, which never change.
  std::shared_ptr<const Index> Snapshot() const;

  // std::mutex, which ThreadSanitizer sees even in an uninstrumented abseil.
  mutable std::mutex mu_;
  std::shared_ptr<const Index> index_;  // guarded by mu_
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
  // The work one verification may do, across every candidate path, in
  // units: a signature check costs 1000, a name-constraint comparison (or
  // one DNS label lookup) 1. When it is spent, Verify fails at once with
  // kLimitExceeded saying so. The default takes about 0.1 s on one core at
  // worst and is far above what real chains need: a leaf with 10,000 SANs
  // under a CA with 10,000 name-constraint subtrees uses well under a tenth
  // of it. See docs/SECURITY.md.
  int64_t max_work = 500'000;
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
  // certificate without a matching CRL is not treated as revoked, but when
  // CRLs were given and none is its issuer's, VerifyResult::warnings says so
  // (during a CA rotation: the CRL of the other CA is missing). A CRL that
  // cannot be parsed fails verification with kMalformed.
  std::vector<std::string> crls;

  // Validate fails with kInvalidArgument when max_depth is outside 1..100.
  absl::Status Validate() const;
};

struct VerifyResult {
  // The built path: leaf first, trust anchor last.
  std::vector<Certificate> chain;
  // What the caller should know although the path is valid: each
  // certificate whose issuer published none of the CRLs given (its
  // revocation status was not checked). Empty when no CRL was given.
  std::vector<std::string> warnings;
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
