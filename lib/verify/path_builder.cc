// lib/verify/path_builder.cc: path building and RFC 5280 section 6 checks.
#include "verify/path_builder.h"

#include <algorithm>
#include <climits>
#include <map>
#include <utility>

#include "absl/strings/str_cat.h"
#include "certkit/error.h"
#include "certkit/name.h"
#include "openssl/x509.h"
#include "verify/name_constraints.h"
#include "verify/rules.h"
#include "verify/trust_index.h"

namespace certkit {
namespace verify_internal {
namespace {

using CertPtr = std::shared_ptr<const ParsedCert>;

// NameOf prints |name| in RFC 4514, like every other certkit message.
std::string NameOf(const X509_NAME* name) {
  return DistinguishedName::FromX509NameFlattened(name).ToRfc4514();
}

class Builder {
 public:
  Builder(const CertPtr& leaf, const std::vector<CertPtr>& intermediates,
          const TrustStore::Index& anchors, const VerifyOptions& options, const CrlList& crls,
          int64_t now)
      : intermediates_(intermediates), index_(anchors), options_(options), crls_(crls),
        now_(now) {
    path_.push_back(leaf);
    best_ = MakeError(ErrorKind::kUnknownIssuer,
                      absl::StrCat("no issuer found for leaf (", leaf->description, "): issuer ",
                                   NameOf(X509_get_issuer_name(leaf->x509)), " is not among the ",
                                   index_.anchors.size(), " trust anchors or ", intermediates.size(),
                                   " intermediates"));
  }

  absl::StatusOr<std::vector<CertPtr>> Run() {
    if (Search()) return path_;
    if (exhausted_) {
      return MakeError(ErrorKind::kLimitExceeded,
                       absl::StrCat("verification gave up: it spent its work budget of ",
                                    options_.max_work, " units (signature checks count ",
                                    kSignatureWork, " each, name-constraint comparisons 1, "
                                    "across all candidate paths; VerifyOptions::max_work)"));
    }
    if (visits_ > kMaxCandidateVisits) {
      // Giving up is the verdict: the issuer may be among the candidates not
      // tried, so the best refusal so far is context, not the cause.
      return MakeError(ErrorKind::kLimitExceeded,
                       absl::StrCat("path building gave up after ", kMaxCandidateVisits,
                                    " candidate issuers; the first refusal was: ", best_.message()));
    }
    return best_;
  }

 private:
  // Priorities of recorded failures; the highest (first seen) is reported.
  enum Priority { kNoIssuer = 0, kDepth = 1, kCandidate = 2, kCompletePath = 3 };

  void Record(absl::Status status, Priority p) {
    if (static_cast<int>(p) > best_priority_) {
      best_priority_ = p;
      best_ = std::move(status);
    }
  }

  // Logical length: leaf + non-self-issued intermediates (6.1.4 (l)).
  int LogicalLength() const {
    int n = 1;
    for (size_t i = 1; i < path_.size(); ++i) n += path_[i]->self_issued ? 0 : 1;
    return n;
  }

  bool InPath(const ParsedCert& c) const {
    for (const CertPtr& p : path_) {
      if (p->der == c.der) return true;
      // The same logical CA again (same name, same key): a cycle.
      if (X509_NAME_cmp(X509_get_subject_name(p->x509), X509_get_subject_name(c.x509)) == 0 &&
          p->spki_der == c.spki_der) {
        return true;
      }
    }
    return false;
  }

  // Spend takes |units| from the work budget; false (and exhausted_) when
  // it is spent.
  bool Spend(int64_t units) {
    work_left_ -= units;
    if (work_left_ < 0) exhausted_ = true;
    return !exhausted_;
  }

  bool SignatureValid(const ParsedCert& child, const ParsedCert& parent) {
    auto key = std::make_pair(&child, &parent);
    auto it = signatures_.find(key);
    if (it != signatures_.end()) return it->second;
    if (!Spend(kSignatureWork)) return false;
    const bool ok = parent.public_key && X509_verify(child.x509, parent.public_key.get()) == 1;
    signatures_[key] = ok;
    return ok;
  }

  std::vector<std::pair<CertPtr, bool>> Candidates(const ParsedCert& cur) const {
    std::vector<std::pair<CertPtr, bool>> out;
    const X509_NAME* issuer = X509_get_issuer_name(cur.x509);
    auto range = index_.by_subject.equal_range(cur.issuer_hash);
    std::vector<size_t> anchor_indexes;
    for (auto it = range.first; it != range.second; ++it) anchor_indexes.push_back(it->second);
    std::sort(anchor_indexes.begin(), anchor_indexes.end());
    for (size_t i : anchor_indexes) {
      const CertPtr& a = index_.parsed[i];
      if (X509_NAME_cmp(issuer, X509_get_subject_name(a->x509)) == 0) out.push_back({a, true});
    }
    for (const CertPtr& c : intermediates_) {
      if (c->subject_hash != cur.issuer_hash || index_.by_der.count(c->der)) continue;
      if (X509_NAME_cmp(issuer, X509_get_subject_name(c->x509)) == 0) out.push_back({c, false});
    }
    // Prefer candidates whose SKI matches the AKI (4.2.1.1 path construction).
    std::stable_sort(out.begin(), out.end(), [&](const auto& a, const auto& b) {
      auto score = [&](const ParsedCert& c) { return !cur.aki_key_id.empty() && c.ski == cur.aki_key_id; };
      return score(*a.first) > score(*b.first);
    });
    return out;
  }

  bool Search() {
    const ParsedCert& cur = *path_.back();
    for (const auto& [cand, is_anchor] : Candidates(cur)) {
      if (++visits_ > kMaxCandidateVisits) return false;
      if (InPath(*cand)) continue;
      const int position = static_cast<int>(path_.size());
      const std::string where = Position(position, is_anchor);
      // AKI/SKI mismatch: not this issuer (RFC 5280 4.2.1.1).
      if (!cur.aki_key_id.empty() && cand->ski_present && cand->ski != cur.aki_key_id) {
        Record(MakeError(ErrorKind::kUnknownIssuer,
                         absl::StrCat("no issuer found for ", Position(position - 1, false), " (",
                                      cur.description, "): ", cand->description,
                                      " has the issuer's name but its subjectKeyIdentifier differs from the "
                                      "authorityKeyIdentifier (RFC 5280 4.2.1.1)")),
               kNoIssuer);
        continue;
      }
      const int logical = LogicalLength() + (is_anchor || !cand->self_issued ? 1 : 0);
      if (logical > options_.max_depth || position + 1 > kMaxPathCertificates ||
          (!is_anchor && logical + 1 > options_.max_depth)) {
        Record(MakeError(ErrorKind::kPathLengthExceeded,
                         absl::StrCat("path through ", cand->description, " exceeds max_depth ",
                                      options_.max_depth)),
               kDepth);
        continue;
      }
      if (auto s = CheckIssuer(*cand, is_anchor, options_, now_, where); !s.ok()) {
        Record(std::move(s), kCandidate);
        continue;
      }
      const std::string child_where = Position(position - 1, false);
      if (!cur.signature_defect.ok()) {
        Record(Annotate(cur.signature_defect, absl::StrCat(child_where, " (", cur.description, ")")), kCandidate);
        continue;
      }
      if (!SignatureValid(cur, *cand)) {
        if (exhausted_) return false;
        Record(MakeError(ErrorKind::kBadSignature,
                         absl::StrCat("signature of ", child_where, " (", cur.description,
                                      ") does not verify with the key of ", where, " (",
                                      cand->description, ")")),
               kCandidate);
        continue;
      }
      path_.push_back(cand);
      if (is_anchor) {
        absl::Status s = ValidatePath();
        if (s.ok()) return true;
        if (exhausted_) return false;
        Record(std::move(s), kCompletePath);
      } else if (Search()) {
        return true;
      }
      path_.pop_back();
      if (visits_ > kMaxCandidateVisits || exhausted_) return false;
    }
    return false;
  }

  // The checks that need the whole path (RFC 5280 6.1.3 (b)(c), 6.1.4 (l)(m)).
  absl::Status ValidatePath() {
    const int n = static_cast<int>(path_.size());
    // 6.1.4 (l)(m): pathLenConstraint, self-issued certificates not counted;
    // the anchor's constraint is honoured too.
    int remaining = path_[n - 1]->path_len.value_or(INT_MAX);
    for (int i = n - 2; i >= 1; --i) {
      const ParsedCert& c = *path_[i];
      if (!c.self_issued) {
        if (remaining <= 0) {
          return MakeError(ErrorKind::kPathLengthExceeded,
                           absl::StrCat(Position(i, false), " (", c.description,
                                        ") exceeds the pathLenConstraint of a CA above it (RFC 5280 4.2.1.9)"));
        }
        if (remaining != INT_MAX) --remaining;
      }
      if (c.path_len) remaining = std::min(remaining, *c.path_len);
    }
    // 6.1.3 (b)(c): each CA's name constraints bind every certificate below
    // it, except self-issued intermediates; the leaf always.
    for (int i = 1; i < n; ++i) {
      const ParsedCert& ca = *path_[i];
      if (!ca.name_constraints.present) continue;
      const std::string ca_name = absl::StrCat(Position(i, i == n - 1), " (", ca.description, ")");
      for (int j = 0; j < i; ++j) {
        if (j != 0 && path_[j]->self_issued) continue;
        if (auto s = CheckNameConstraints(ca.name_constraints, ca_name, *path_[j], j == 0, &work_left_);
            !s.ok()) {
          if (work_left_ < 0) {
            exhausted_ = true;
            return s;
          }
          return Annotate(s, absl::StrCat(Position(j, false), " (", path_[j]->description, ")"));
        }
      }
    }
    // Section 5 / 6.3: revocation, with the CRLs the caller supplied.
    for (int i = 0; i + 1 < n; ++i) {
      if (auto s = CheckRevocation(*path_[i], *path_[i + 1], crls_, now_, Position(i, false)); !s.ok()) {
        return s;
      }
    }
    return absl::OkStatus();
  }

  const std::vector<CertPtr>& intermediates_;
  const TrustStore::Index& index_;
  const VerifyOptions& options_;
  const CrlList& crls_;
  const int64_t now_;
  std::vector<CertPtr> path_;
  std::map<std::pair<const ParsedCert*, const ParsedCert*>, bool> signatures_;
  absl::Status best_;
  int best_priority_ = -1;
  int visits_ = 0;
  int64_t work_left_ = options_.max_work;
  bool exhausted_ = false;
};

}  // namespace

absl::StatusOr<std::vector<std::shared_ptr<const ParsedCert>>> BuildPath(
    const std::shared_ptr<const ParsedCert>& leaf,
    const std::vector<std::shared_ptr<const ParsedCert>>& intermediates,
    const TrustStore::Index& anchors, const VerifyOptions& options, const CrlList& crls,
    int64_t now) {
  Builder builder(leaf, intermediates, anchors, options, crls, now);
  return builder.Run();
}

}  // namespace verify_internal
}  // namespace certkit
