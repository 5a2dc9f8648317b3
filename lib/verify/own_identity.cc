// lib/verify/own_identity.cc: the live-reload check (certkit/own_identity.h).
#include "certkit/own_identity.h"

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "certkit/error.h"
#include "certkit/rfc3339.h"

namespace certkit {
namespace {

// VerifyChain: |chain|'s leaf verifies under |trust| with the rest of the
// chain as intermediates, any purpose, no identity.
absl::Status VerifyChain(const std::vector<Certificate>& chain, const TrustStore& trust,
                         absl::Time now) {
  VerifyOptions options;
  options.at = now;
  options.purpose = Purpose::kAny;
  const std::vector<Certificate> intermediates(chain.begin() + 1, chain.end());
  absl::StatusOr<VerifyResult> r = Verify(chain.front(), intermediates, trust, options);
  return r.ok() ? absl::OkStatus() : r.status();
}

}  // namespace

absl::Status CheckOwnIdentityReplacement(const std::vector<Certificate>& current_chain,
                                         const TrustStore& current_trust,
                                         const std::vector<Certificate>& next_chain,
                                         const TrustStore& next_trust, absl::Time now) {
  if (next_chain.empty()) return absl::OkStatus();
  if (now == absl::InfinitePast()) now = absl::Now();
  const Certificate& leaf = next_chain.front();
  const std::string who = leaf.subject().ToRfc4514();
  if (now > leaf.not_after()) {
    return MakeError(ErrorKind::kCertExpired,
                     absl::StrCat("the new certificate '", who, "' expired at ",
                                  FormatRfc3339(leaf.not_after()),
                                  "; the current material stays in use"));
  }
  if (now < leaf.not_before()) {
    return MakeError(ErrorKind::kCertNotYetValid,
                     absl::StrCat("the new certificate '", who, "' is not valid before ",
                                  FormatRfc3339(leaf.not_before()),
                                  "; the current material stays in use"));
  }
  if (current_chain.empty() || !VerifyChain(current_chain, current_trust, now).ok()) {
    return absl::OkStatus();
  }
  absl::Status next = VerifyChain(next_chain, next_trust, now);
  if (next.ok()) return next;
  return Annotate(next, absl::StrCat("the new certificate '", who,
                                     "' does not verify under the trust anchors it would be used "
                                     "with, as the current one does; the current material stays "
                                     "in use"));
}

}  // namespace certkit
