// lib/verify/identity.h: does the leaf name the peer? (RFC 6125 / RFC 9525
// for DNS, RFC 5280 4.2.1.6 for IP and email.)
#ifndef CERTKIT_LIB_VERIFY_IDENTITY_H_
#define CERTKIT_LIB_VERIFY_IDENTITY_H_

#include <string>

#include "absl/status/status.h"
#include "certkit/verify.h"
#include "verify/parsed_cert.h"

namespace certkit {
namespace verify_internal {

// CheckIdentity matches |id| against the leaf's SANs only: dNSName for DNS
// (case-insensitive; a wildcard only as the whole leftmost label, matching
// exactly one label, never over a public suffix), iPAddress for IP (v4 and
// v6, compared as octets), rfc822Name for email (domain case-insensitive).
// With |allow_cn_fallback| and no SAN extension at all, the subject CNs are
// compared as a DNS name or IP literal instead. kIdentityMismatch lists the
// names the certificate does have.
absl::Status CheckIdentity(const ParsedCert& leaf, const PeerIdentity& id, bool allow_cn_fallback);

// WildcardAllowed: "*.B" where B has at least two labels and is not a public suffix.
bool WildcardAllowed(const std::string& pattern);

}  // namespace verify_internal
}  // namespace certkit

#endif  // CERTKIT_LIB_VERIFY_IDENTITY_H_
