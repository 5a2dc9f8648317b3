// lib/verify/crl.h: revocation checking with caller-supplied CRLs
// (RFC 5280 section 5 and 6.3, restricted to complete CRLs issued directly
// by the certificate's issuer).
#ifndef CERTKIT_LIB_VERIFY_CRL_H_
#define CERTKIT_LIB_VERIFY_CRL_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "certkit/verify.h"
#include "openssl/x509.h"
#include "verify/parsed_cert.h"

namespace certkit {
namespace verify_internal {

using CrlList = std::vector<bssl::UniquePtr<X509_CRL>>;

// ParseCrls decodes each entry (PEM "X509 CRL" or DER). kMalformed names the
// index of a CRL that cannot be parsed.
absl::StatusOr<CrlList> ParseCrls(const std::vector<std::string>& crls);

// CheckRevocation checks |cert| (issued by |issuer|) against every CRL whose
// issuer name is |issuer|'s subject: the CRL must verify with the issuer's
// key (5.1.1.3), the issuer's keyUsage (if any) must assert cRLSign
// (6.3.3 (f)), the CRL must be v2 with a non-critical cRLNumber (5.2.3) and
// no unknown critical extension (5.2) nor critical entry extension (5.3),
// thisUpdate must not be after |now| and nextUpdate must be present and
// after it (6.3.3 (a)(2)); a CRL whose issuingDistributionPoint excludes
// |cert| (CA or leaf certificates only, another distribution point) is
// skipped (and when no CRL of the issuer covers |cert|, that is a
// kPolicyViolation: its status is unknown), and an indirect one refused. Then a listed serial (5.1.2.6)
// fails with kCertRevoked ("revoked"); a CRL that breaks one of those rules
// fails with kPolicyViolation.
absl::Status CheckRevocation(const ParsedCert& cert, const ParsedCert& issuer, const CrlList& crls,
                             int64_t now, const std::string& where);

// MissingCrlWarnings returns, for a verified |path| (leaf first) and a
// non-empty |crls|, one warning per certificate whose issuer has no CRL among
// |crls|: its revocation status was not checked. Empty when |crls| is empty.
std::vector<std::string> MissingCrlWarnings(const std::vector<std::shared_ptr<const ParsedCert>>& path,
                                            const CrlList& crls);

// VerifyWithCrls is Verify with |options.crls| ignored and |crls| (parsed
// once, e.g. by a PeerVerifier) consulted instead.
absl::StatusOr<VerifyResult> VerifyWithCrls(const Certificate& leaf,
                                            const std::vector<Certificate>& intermediates,
                                            const TrustStore& trust, const VerifyOptions& options,
                                            const CrlList& crls);

}  // namespace verify_internal
}  // namespace certkit

#endif  // CERTKIT_LIB_VERIFY_CRL_H_
