// lib/verify/rules.h: the per-certificate profile rules, by role in the path.
// Each rule cites the RFC 5280 (or CABF Baseline Requirements) section it
// implements; docs/VERIFY.md lists them all.
#ifndef CERTKIT_LIB_VERIFY_RULES_H_
#define CERTKIT_LIB_VERIFY_RULES_H_

#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "certkit/verify.h"
#include "verify/parsed_cert.h"

namespace certkit {
namespace verify_internal {

// Where a certificate sits, for messages: "leaf", "intermediate #1", "trust anchor".
std::string Position(int index, bool is_anchor);

// CheckValidity: RFC 5280 4.1.2.5 / 6.1.3 (a)(2): notBefore <= now <=
// notAfter, both inclusive, at one-second granularity. kCertExpired /
// kCertNotYetValid with both dates.
absl::Status CheckValidity(const ParsedCert& cert, int64_t now, const std::string& where);

// CheckLeaf applies the end-entity rules (and the identity) to the leaf.
absl::Status CheckLeaf(const ParsedCert& leaf, const VerifyOptions& options, int64_t now);

// CheckIssuer applies the CA rules to a certificate used as an issuer
// (intermediate or trust anchor): it must be able to sign certificates.
absl::Status CheckIssuer(const ParsedCert& ca, bool is_anchor, const VerifyOptions& options,
                         int64_t now, const std::string& where);

// EkuAllows reports whether an extendedKeyUsage list permits |purpose|.
bool EkuAllows(const ParsedCert& cert, Purpose purpose, bool allow_any_eku);

}  // namespace verify_internal
}  // namespace certkit

#endif  // CERTKIT_LIB_VERIFY_RULES_H_
