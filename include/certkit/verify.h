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
  // Maximum number of certificates in the path, anchor included.
  int max_depth = 10;
  // Accept a leaf that is itself a CA certificate (basicConstraints CA:TRUE).
  bool allow_ca_leaf = false;
  // Accept a trust anchor that is the leaf itself (a pinned self-signed
  // certificate, as the DataStax guide's keytool-made node certs are).
  bool allow_self_signed_leaf_anchor = true;
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
