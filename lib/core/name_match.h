// lib/core/name_match.h (internal): whether a name lies in a name
// constraint's subtree (RFC 5280 4.2.1.10), shared by the CA's issuance
// check (here, certkit_x509) and the verifier (lib/verify).
#ifndef CERTKIT_LIB_CORE_NAME_MATCH_H_
#define CERTKIT_LIB_CORE_NAME_MATCH_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "certkit/cert.h"
#include "certkit/name.h"

namespace certkit {
namespace name_match {

// DnsWithin reports whether |name| equals |base| or is a subdomain of it
// (ASCII case-insensitive); an empty |base| contains every name. A base
// with a leading period (".example.com", as OpenSSL and Go write it)
// contains only the subdomains, not "example.com" itself.
bool DnsWithin(absl::string_view name, absl::string_view base);

// IpWithin: |ip| (4 or 16 address bytes) lies in |constraint| (address
// then mask, 8 or 32 bytes) of the same family.
bool IpWithin(absl::string_view ip, absl::string_view constraint);

// EmailWithin implements the three rfc822Name constraint forms: a mailbox
// (exact; the local part is case-sensitive), a host (the address's domain
// equals it), ".domain" (any subdomain).
bool EmailWithin(absl::string_view addr, absl::string_view constraint);

// UriHost returns the host of |uri| (RFC 3986: "scheme://[userinfo@]host
// [:port][/...]"), or "" when it has no authority ("urn:x", "mailto:a@b")
// or an empty host. An IP literal keeps its brackets.
std::string UriHost(absl::string_view uri);

// UriWithin implements the uniformResourceIdentifier constraint (RFC 5280
// 4.2.1.10): the constraint is a host name; "host.example.com" matches that
// host only (ASCII case-insensitive), ".example.com" any host below
// example.com (not example.com itself). A URI without a host matches no
// constraint (so it fails every permitted URI subtree).
bool UriWithin(absl::string_view uri, absl::string_view constraint);

// CheckSansAgainstCa applies |ca|'s nameConstraints (if any) to |sans|:
// every DNS, IP and email SAN must lie in a permitted subtree of its type
// (when the CA permits any of that type) and in no excluded one; so must a
// URI SAN (UriWithin; one without a host is refused under any URI
// constraint).
// kNameConstraints naming the SAN, the CA and the subtree.
absl::Status CheckSansAgainstCa(const Certificate& ca, const std::vector<SubjectAltName>& sans);

}  // namespace name_match
}  // namespace certkit

#endif  // CERTKIT_LIB_CORE_NAME_MATCH_H_
