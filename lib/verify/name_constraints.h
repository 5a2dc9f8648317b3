// lib/verify/name_constraints.h: RFC 5280 4.2.1.10 / 6.1.3 (b)-(c) name
// constraints.
#ifndef CERTKIT_LIB_VERIFY_NAME_CONSTRAINTS_H_
#define CERTKIT_LIB_VERIFY_NAME_CONSTRAINTS_H_

#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "verify/parsed_cert.h"

namespace certkit {
namespace verify_internal {

// ValidateNameConstraints checks the syntax of a CA's constraints: DNS bases
// are hostnames (no wildcard; a leading period is accepted), IP bases are address+mask
// with a contiguous mask, email bases are a mailbox, a host or ".domain".
// kNameConstraints naming the bad base.
// With |allow_leading_dot_dns| a DNS base may start with a period
// (".example.com": subdomains only), as OpenSSL and Go write and accept it;
// RFC 5280's syntax (and the web PKI profile) does not allow it.
absl::Status ValidateNameConstraints(const NameConstraintsExt& nc, bool allow_leading_dot_dns);

// CheckNameConstraints applies |nc| (from the CA described by |ca|) to every
// name of |cert|: its SANs, its subject DN (directoryName), subject
// emailAddress attributes, and, for the leaf without a SAN extension, subject CNs
// that are hostnames or IP addresses. DNS wildcards in SANs must lie wholly
// inside a permitted subtree and must not overlap an excluded one (the
// defensive reading of CVE-2025-61727). Constraints on name forms certkit
// does not process (URI, otherName, ...) fail when the certificate carries a
// name of that form. A DNS name (not a wildcard) costs one lookup per label
// in the indexed permitted DNS bases; every other check one comparison per
// subtree of the name's type. Each lookup or comparison takes one unit from |budget|, the work
// left for the whole verification; exhausting it fails with kLimitExceeded
// (quadratic blow-up, x509-limbo nc-dos). Violations fail with
// kNameConstraints.
absl::Status CheckNameConstraints(const NameConstraintsExt& nc, const std::string& ca,
                                  const ParsedCert& cert, bool is_leaf, int64_t* budget);

// DnsNameWithin is name_match::DnsWithin (lib/core/name_match.h): |name|
// equals |base| or is a subdomain; ".example.com" means subdomains only.
bool DnsNameWithin(const std::string& name, const std::string& base);

}  // namespace verify_internal
}  // namespace certkit

#endif  // CERTKIT_LIB_VERIFY_NAME_CONSTRAINTS_H_
