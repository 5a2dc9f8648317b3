#include "core/name_match.h"

#include <arpa/inet.h>

#include <algorithm>
#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "certkit/error.h"
#include "openssl/x509.h"
#include "openssl/x509v3.h"

namespace certkit {
namespace name_match {
namespace {

std::string Str(const ASN1_STRING* s) {
  return s == nullptr ? "" : std::string(reinterpret_cast<const char*>(ASN1_STRING_get0_data(s)),
                                         static_cast<size_t>(ASN1_STRING_length(s)));
}

// IpBytes converts a SAN's canonical text address to its 4 or 16 bytes.
std::string IpBytes(const std::string& text) {
  uint8_t buf[16];
  if (inet_pton(AF_INET, text.c_str(), buf) == 1) return std::string(reinterpret_cast<char*>(buf), 4);
  if (inet_pton(AF_INET6, text.c_str(), buf) == 1) return std::string(reinterpret_cast<char*>(buf), 16);
  return "";
}

std::string DescribeBase(const GENERAL_NAME* base) {
  switch (base->type) {
    case GEN_DNS:
      return "DNS:" + Str(base->d.dNSName);
    case GEN_EMAIL:
      return "email:" + Str(base->d.rfc822Name);
    case GEN_URI:
      return "URI:" + Str(base->d.uniformResourceIdentifier);
    case GEN_IPADD: {
      const std::string v = Str(base->d.iPAddress);
      char addr[INET6_ADDRSTRLEN] = "?";
      const size_t half = v.size() / 2;
      if (half == 4 || half == 16) inet_ntop(half == 4 ? AF_INET : AF_INET6, v.data(), addr, sizeof(addr));
      int prefix = 0;
      for (size_t i = half; i < v.size(); ++i) {
        for (int b = 7; b >= 0; --b) prefix += (static_cast<unsigned char>(v[i]) >> b) & 1;
      }
      return absl::StrCat("IP:", addr, "/", prefix);
    }
    default:
      return "a name of another form";
  }
}

// Matches: whether |san| lies in |base|; kNotFound-like "not comparable"
// (different form) is reported through |comparable|.
bool Matches(const SubjectAltName& san, const GENERAL_NAME* base, bool* comparable) {
  *comparable = true;
  switch (san.type) {
    case SubjectAltName::Type::kDns:
      if (base->type != GEN_DNS) break;
      return DnsWithin(san.value, Str(base->d.dNSName));
    case SubjectAltName::Type::kIp:
      if (base->type != GEN_IPADD) break;
      return IpWithin(IpBytes(san.value), Str(base->d.iPAddress));
    case SubjectAltName::Type::kEmail:
      if (base->type != GEN_EMAIL) break;
      return EmailWithin(san.value, Str(base->d.rfc822Name));
    case SubjectAltName::Type::kUri:
      if (base->type != GEN_URI) break;
      return UriWithin(san.value, Str(base->d.uniformResourceIdentifier));
  }
  *comparable = false;
  return false;
}

}  // namespace

bool DnsWithin(absl::string_view name, absl::string_view base) {
  if (base.empty()) return true;
  const std::string n = absl::AsciiStrToLower(name), b = absl::AsciiStrToLower(base);
  if (b[0] == '.') return n.size() > b.size() && absl::EndsWith(n, b);
  return n == b || absl::EndsWith(n, "." + b);
}

bool IpWithin(absl::string_view ip, absl::string_view constraint) {
  if (ip.empty() || constraint.size() != 2 * ip.size()) return false;  // different family
  const size_t n = ip.size();
  for (size_t i = 0; i < n; ++i) {
    const unsigned char mask = static_cast<unsigned char>(constraint[n + i]);
    if ((static_cast<unsigned char>(ip[i]) & mask) !=
        (static_cast<unsigned char>(constraint[i]) & mask)) {
      return false;
    }
  }
  return true;
}

bool EmailWithin(absl::string_view addr, absl::string_view constraint) {
  const size_t at = addr.rfind('@');
  if (at == absl::string_view::npos) return false;
  const absl::string_view local = addr.substr(0, at);
  const std::string domain = absl::AsciiStrToLower(addr.substr(at + 1));
  const size_t cat = constraint.rfind('@');
  if (cat != absl::string_view::npos) {
    return constraint.substr(0, cat) == local &&
           absl::AsciiStrToLower(constraint.substr(cat + 1)) == domain;
  }
  const std::string c = absl::AsciiStrToLower(constraint);
  if (!c.empty() && c[0] == '.') return absl::EndsWith(domain, c);
  return domain == c;
}

std::string UriHost(absl::string_view uri) {
  const size_t colon = uri.find(':');
  if (colon == absl::string_view::npos || colon == 0) return "";
  for (size_t i = 0; i < colon; ++i) {  // scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." )
    const unsigned char c = static_cast<unsigned char>(uri[i]);
    if (!(absl::ascii_isalpha(c) || (i > 0 && (absl::ascii_isdigit(c) || c == '+' || c == '-' || c == '.')))) {
      return "";
    }
  }
  absl::string_view rest = uri.substr(colon + 1);
  if (!absl::ConsumePrefix(&rest, "//")) return "";
  absl::string_view authority = rest.substr(0, std::min(rest.find_first_of("/?#"), rest.size()));
  const size_t at = authority.rfind('@');
  if (at != absl::string_view::npos) authority.remove_prefix(at + 1);
  if (!authority.empty() && authority[0] == '[') {
    const size_t close = authority.find(']');
    return close == absl::string_view::npos ? "" : std::string(authority.substr(0, close + 1));
  }
  return std::string(authority.substr(0, std::min(authority.find(':'), authority.size())));
}

bool UriWithin(absl::string_view uri, absl::string_view constraint) {
  const std::string host = absl::AsciiStrToLower(UriHost(uri));
  if (host.empty()) return false;
  const std::string c = absl::AsciiStrToLower(constraint);
  if (!c.empty() && c[0] == '.') return host.size() > c.size() && absl::EndsWith(host, c);
  return host == c;
}

absl::Status CheckSansAgainstCa(const Certificate& ca, const std::vector<SubjectAltName>& sans) {
  bssl::UniquePtr<NAME_CONSTRAINTS> nc(static_cast<NAME_CONSTRAINTS*>(
      X509_get_ext_d2i(ca.native(), NID_name_constraints, nullptr, nullptr)));
  if (!nc) return absl::OkStatus();
  const std::string who = ca.subject().ToRfc4514();
  for (const SubjectAltName& san : sans) {
    bool has_permitted_of_type = false, permitted = false;
    for (size_t i = 0; i < sk_GENERAL_SUBTREE_num(nc->permittedSubtrees); ++i) {
      const GENERAL_SUBTREE* st = sk_GENERAL_SUBTREE_value(nc->permittedSubtrees, i);
      bool comparable = false;
      const bool inside = Matches(san, st->base, &comparable);
      if (!comparable) continue;
      has_permitted_of_type = true;
      permitted = permitted || inside;
    }
    if (has_permitted_of_type && !permitted) {
      return MakeError(ErrorKind::kNameConstraints,
                       absl::StrCat("refusing to issue: ", san.ToString(),
                                    " is outside the permitted subtrees of issuer ", who));
    }
    for (size_t i = 0; i < sk_GENERAL_SUBTREE_num(nc->excludedSubtrees); ++i) {
      const GENERAL_SUBTREE* st = sk_GENERAL_SUBTREE_value(nc->excludedSubtrees, i);
      bool comparable = false;
      // A URI without a host cannot be shown outside an excluded subtree.
      if (Matches(san, st->base, &comparable) ||
          (comparable && san.type == SubjectAltName::Type::kUri && UriHost(san.value).empty())) {
        return MakeError(ErrorKind::kNameConstraints,
                         absl::StrCat("refusing to issue: ", san.ToString(),
                                      " is in the excluded subtree ", DescribeBase(st->base),
                                      " of issuer ", who));
      }
    }
  }
  return absl::OkStatus();
}

}  // namespace name_match
}  // namespace certkit
