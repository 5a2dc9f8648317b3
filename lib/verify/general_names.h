// lib/verify/general_names.h: GeneralName (RFC 5280 4.2.1.6) parsing and the
// syntax rules certkit's verifier applies to names in certificates.
#ifndef CERTKIT_LIB_VERIFY_GENERAL_NAMES_H_
#define CERTKIT_LIB_VERIFY_GENERAL_NAMES_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "openssl/bytestring.h"

namespace certkit {
namespace verify_internal {

// The CHOICE arms of GeneralName, numbered as their context tags.
enum class NameType : int {
  kOtherName = 0,
  kEmail = 1,  // rfc822Name
  kDns = 2,
  kX400 = 3,
  kDirectory = 4,
  kEdiParty = 5,
  kUri = 6,
  kIp = 7,
  kRegisteredId = 8,
};

// One GeneralName. |value| is the IA5String text for kEmail/kDns/kUri, the
// raw octets for kIp, the DER Name (SEQUENCE) for kDirectory, and the
// element contents for the others.
struct GeneralName {
  NameType type;
  std::string value;
};

// ParseGeneralNames parses a DER GeneralNames SEQUENCE (SAN, or a
// GeneralSubtree base when |single| is set, in which case |in| holds exactly
// one GeneralName). kMalformed on any DER error or an empty SEQUENCE.
absl::StatusOr<std::vector<GeneralName>> ParseGeneralNames(CBS in);
absl::StatusOr<GeneralName> ParseGeneralName(CBS* in);

const char* NameTypeName(NameType type);
// Describe renders a name for messages ("DNS:a.example", "IP:10.0.0.1").
std::string Describe(const GeneralName& name);
// FormatIp renders 4 or 16 octets (or 8/32 octets as address/mask).
std::string FormatIp(absl::string_view octets);

// IsValidDnsName: RFC 1034 3.5 preferred name syntax as amended by RFC 1123
// 2.1 (letters, digits, hyphens; labels 1..63 octets, no leading/trailing
// hyphen; total <= 253), ASCII only (IDNs must be A-labels, RFC 5280 7.2).
// With |allow_wildcard| the leftmost label may be exactly "*" (RFC 6125 6.4.3).
bool IsValidDnsName(absl::string_view name, bool allow_wildcard);
// IsValidEmail: "local@domain" with exactly one '@', a non-empty local part
// of printable ASCII without spaces, and a valid DNS domain (RFC 5280 4.2.1.6).
bool IsValidEmail(absl::string_view addr);
// AsciiLower lower-cases ASCII letters only.
std::string AsciiLower(absl::string_view s);
// ParseIpAddress parses dotted-quad IPv4 (no leading zeros) or RFC 4291
// IPv6 text (brackets allowed) into 4 or 16 octets; false when not an IP.
bool ParseIpAddress(absl::string_view text, std::string* octets);
// ParseIpAddressLenient also accepts the legacy inet_aton IPv4 forms (hex,
// octal, leading zeros, fewer parts), to recognise IP literals in CNs.
bool ParseIpAddressLenient(absl::string_view text, std::string* octets);

}  // namespace verify_internal
}  // namespace certkit

#endif  // CERTKIT_LIB_VERIFY_GENERAL_NAMES_H_
