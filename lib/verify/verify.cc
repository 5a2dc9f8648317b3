// lib/verify/verify.cc: the public entry points of certkit/verify.h.
#include "certkit/verify.h"

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "certkit/error.h"
#include "verify/crl.h"
#include "verify/general_names.h"
#include "verify/parsed_cert.h"
#include "verify/path_builder.h"
#include "verify/rules.h"
#include "verify/trust_index.h"

namespace certkit {

using verify_internal::ParsedCert;

PeerIdentity PeerIdentity::Host(std::string host) {
  std::string octets;
  if (verify_internal::ParseIpAddress(host, &octets)) {
    if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
      host = host.substr(1, host.size() - 2);
    }
    return Ip(std::move(host));
  }
  return Dns(std::move(host));
}

void TrustStore::Index::Add(const Certificate& anchor,
                            std::shared_ptr<const verify_internal::ParsedCert> cert) {
  if (by_der.count(cert->der)) return;  // already trusted
  const size_t i = anchors.size();
  anchors.push_back(anchor);
  by_subject.emplace(cert->subject_hash, i);
  by_der.emplace(cert->der, i);
  parsed.push_back(std::move(cert));
}

TrustStore::TrustStore() : index_(std::make_shared<const Index>()) {}
TrustStore::TrustStore(std::vector<Certificate> anchors) {
  auto index = std::make_shared<Index>();
  for (const Certificate& a : anchors) index->Add(a, verify_internal::Parse(a));
  index_ = std::move(index);
}
TrustStore::TrustStore(const TrustStore& o) : index_(o.Snapshot()) {}
TrustStore& TrustStore::operator=(const TrustStore& o) {
  std::shared_ptr<const Index> snapshot = o.Snapshot();
  std::lock_guard<std::mutex> lock(mu_);
  index_ = std::move(snapshot);
  return *this;
}
TrustStore::TrustStore(TrustStore&& o) noexcept {
  std::lock_guard<std::mutex> lock(o.mu_);
  index_ = std::move(o.index_);
  o.index_ = std::make_shared<const Index>();
}
TrustStore& TrustStore::operator=(TrustStore&& o) noexcept {
  if (this == &o) return *this;
  std::shared_ptr<const Index> taken;
  {
    std::lock_guard<std::mutex> lock(o.mu_);
    taken = std::move(o.index_);
    o.index_ = std::make_shared<const Index>();
  }
  std::lock_guard<std::mutex> lock(mu_);
  index_ = std::move(taken);
  return *this;
}
TrustStore::~TrustStore() = default;

void TrustStore::Add(const Certificate& anchor) {
  auto cert = verify_internal::Parse(anchor);  // outside the lock
  std::lock_guard<std::mutex> lock(mu_);
  if (index_->by_der.count(cert->der)) return;
  // Copy-on-write: verifications holding the current index keep it intact.
  auto next = std::make_shared<Index>(*index_);
  next->Add(anchor, std::move(cert));
  index_ = std::move(next);
}

std::shared_ptr<const TrustStore::Index> TrustStore::Snapshot() const {
  std::lock_guard<std::mutex> lock(mu_);
  return index_;
}
std::vector<Certificate> TrustStore::anchors() const { return Snapshot()->anchors; }
size_t TrustStore::size() const { return Snapshot()->anchors.size(); }

void TrustStore::Add(const std::vector<Certificate>& anchors) {
  for (const Certificate& a : anchors) Add(a);
}

absl::Status VerifyOptions::Validate() const {
  if (max_depth < 1 || max_depth > 100) {
    return MakeError(ErrorKind::kInvalidArgument,
                     absl::StrCat("max depth must be 1..100, got ", max_depth));
  }
  return absl::OkStatus();
}

absl::StatusOr<VerifyResult> Verify(const Certificate& leaf,
                                    const std::vector<Certificate>& intermediates,
                                    const TrustStore& trust, const VerifyOptions& options) {
  if (leaf.native() == nullptr) return MakeError(ErrorKind::kInvalidArgument, "leaf certificate is null");
  if (auto st = options.Validate(); !st.ok()) return st;
  auto crls = verify_internal::ParseCrls(options.crls);
  if (!crls.ok()) return crls.status();
  return verify_internal::VerifyWithCrls(leaf, intermediates, trust, options, *crls);
}

namespace verify_internal {

absl::StatusOr<VerifyResult> VerifyWithCrls(const Certificate& leaf,
                                            const std::vector<Certificate>& intermediates,
                                            const TrustStore& trust, const VerifyOptions& options,
                                            const CrlList& crls) {
  if (leaf.native() == nullptr) return MakeError(ErrorKind::kInvalidArgument, "leaf certificate is null");
  if (auto st = options.Validate(); !st.ok()) return st;
  // Validation time at one-second granularity: floor, so a time within the
  // notAfter second is still valid (RFC 5280 4.1.2.5, x509-limbo).
  const absl::Time at = options.at == absl::InfinitePast() ? absl::Now() : options.at;
  const int64_t now = absl::ToUnixSeconds(at);

  auto parsed_leaf = verify_internal::Parse(leaf);
  if (auto s = verify_internal::CheckLeaf(*parsed_leaf, options, now); !s.ok()) return s;

  // One snapshot of the anchors for the whole verification.
  const std::shared_ptr<const TrustStore::Index> anchors = TrustStoreAccess::SnapshotOf(trust);
  // A pinned leaf: the leaf is itself a trust anchor.
  if (options.allow_self_signed_leaf_anchor && anchors->by_der.count(parsed_leaf->der)) {
    VerifyResult pinned;
    pinned.chain = {leaf};
    return pinned;
  }

  std::vector<std::shared_ptr<const ParsedCert>> pool;
  pool.reserve(intermediates.size());
  for (const Certificate& c : intermediates) {
    if (c.native() != nullptr) pool.push_back(verify_internal::Parse(c));
  }
  auto path = verify_internal::BuildPath(parsed_leaf, pool, *anchors, options, crls, now);
  if (!path.ok()) return path.status();
  VerifyResult result;
  for (const auto& c : *path) result.chain.push_back(c->cert);
  result.warnings = verify_internal::MissingCrlWarnings(*path, crls);
  return result;
}

}  // namespace verify_internal

}  // namespace certkit
