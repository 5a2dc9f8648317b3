// lib/verify/public_suffix.h: the Public Suffix List, for refusing wildcard
// certificates that cover a whole registry ("*.com", "*.co.uk",
// "*.s3.amazonaws.com": CABF BR 3.2.2.6).
#ifndef CERTKIT_LIB_VERIFY_PUBLIC_SUFFIX_H_
#define CERTKIT_LIB_VERIFY_PUBLIC_SUFFIX_H_

#include <string>

namespace certkit {
namespace verify_internal {

// The list is read once, lazily, from this file (Debian package
// "publicsuffix"). When it is missing every single-label name (a TLD) is
// treated as a public suffix, which is the minimum rule.
inline constexpr char kPublicSuffixListPath[] = "/usr/share/publicsuffix/public_suffix_list.dat";

// IsPublicSuffix reports whether |domain| (lower-case A-labels, no trailing
// dot) is a public suffix under the PSL algorithm (ICANN and PRIVATE
// sections, '*' and '!' rules).
bool IsPublicSuffix(const std::string& domain);

}  // namespace verify_internal
}  // namespace certkit

#endif  // CERTKIT_LIB_VERIFY_PUBLIC_SUFFIX_H_
