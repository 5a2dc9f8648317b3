// lib/verify/path_builder.h: certification path building (RFC 4158 style
// depth-first search with backtracking) and RFC 5280 section 6 validation of
// each complete candidate path.
#ifndef CERTKIT_LIB_VERIFY_PATH_BUILDER_H_
#define CERTKIT_LIB_VERIFY_PATH_BUILDER_H_

#include <memory>
#include <vector>

#include "absl/status/statusor.h"
#include "certkit/verify.h"
#include "verify/crl.h"
#include "verify/parsed_cert.h"

namespace certkit {
namespace verify_internal {

// BuildPath finds a valid path from |leaf| (already checked with CheckLeaf)
// to an anchor of |trust|, trying every candidate issuer (anchors first,
// matched by subject name and, when both are present, AKI/SKI) and
// backtracking past candidates that fail. Returns the path leaf first, or
// the most specific failure seen: a complete path's failure beats a
// rejected candidate issuer, which beats kUnknownIssuer. Signature checks
// and name-constraint comparisons over all candidate paths share one budget,
// options.max_work; spending it ends the search with kLimitExceeded.
absl::StatusOr<std::vector<std::shared_ptr<const ParsedCert>>> BuildPath(
    const std::shared_ptr<const ParsedCert>& leaf,
    const std::vector<std::shared_ptr<const ParsedCert>>& intermediates,
    const TrustStore::Index& anchors, const VerifyOptions& options, const CrlList& crls,
    int64_t now);

// Hard limits of the search (pathological inputs, x509-limbo "pathological").
inline constexpr int kMaxPathCertificates = 32;
inline constexpr int kMaxCandidateVisits = 2048;
// Work units of one signature check (VerifyOptions::max_work).
inline constexpr int64_t kSignatureWork = 1000;

}  // namespace verify_internal
}  // namespace certkit

#endif  // CERTKIT_LIB_VERIFY_PATH_BUILDER_H_
