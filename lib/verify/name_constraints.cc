// lib/verify/name_constraints.cc: RFC 5280 4.2.1.10 name constraints.
#include "verify/name_constraints.h"

#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "certkit/error.h"
#include "core/name_match.h"
#include "openssl/mem.h"
#include "openssl/obj.h"
#include "openssl/x509.h"

namespace certkit {
namespace verify_internal {
namespace {

absl::Status NcError(const std::string& msg) { return MakeError(ErrorKind::kNameConstraints, msg); }

bool ValidIpConstraint(const std::string& v) {
  if (v.size() != 8 && v.size() != 32) return false;
  const size_t half = v.size() / 2;
  // 4.2.1.10: address then mask; the mask must be a CIDR prefix.
  bool seen_zero = false;
  for (size_t i = half; i < v.size(); ++i) {
    const unsigned char m = static_cast<unsigned char>(v[i]);
    for (int bit = 7; bit >= 0; --bit) {
      const bool one = (m >> bit) & 1;
      if (one && seen_zero) return false;
      if (!one) seen_zero = true;
    }
  }
  return true;
}

std::string CanonicalValue(const ASN1_STRING* s) {
  unsigned char* utf8 = nullptr;
  const int n = ASN1_STRING_to_UTF8(&utf8, s);
  std::string out = n >= 0 ? std::string(reinterpret_cast<char*>(utf8), static_cast<size_t>(n)) : "";
  OPENSSL_free(utf8);
  // Case-insensitive, whitespace-collapsed comparison (RFC 5280 7.1, simplified).
  std::string folded;
  bool space = false;
  for (char c : std::string(absl::StripAsciiWhitespace(out))) {
    if (absl::ascii_isspace(static_cast<unsigned char>(c))) {
      space = true;
      continue;
    }
    if (space) folded.push_back(' ');
    space = false;
    folded.push_back(absl::ascii_tolower(static_cast<unsigned char>(c)));
  }
  return folded;
}

bssl::UniquePtr<X509_NAME> NameFromDer(const std::string& der) {
  const uint8_t* p = reinterpret_cast<const uint8_t*>(der.data());
  return bssl::UniquePtr<X509_NAME>(d2i_X509_NAME(nullptr, &p, static_cast<long>(der.size())));
}

// DirectoryWithin: the constraint's RDNs are a prefix of the name's.
bool DirectoryWithin(const std::string& name_der, const std::string& constraint_der) {
  auto name = NameFromDer(name_der);
  auto base = NameFromDer(constraint_der);
  if (!name || !base) return false;
  const int nb = X509_NAME_entry_count(base.get());
  if (nb > X509_NAME_entry_count(name.get())) return false;
  for (int i = 0; i < nb; ++i) {
    const X509_NAME_ENTRY* a = X509_NAME_get_entry(name.get(), i);
    const X509_NAME_ENTRY* b = X509_NAME_get_entry(base.get(), i);
    if (OBJ_cmp(X509_NAME_ENTRY_get_object(a), X509_NAME_ENTRY_get_object(b)) != 0 ||
        CanonicalValue(X509_NAME_ENTRY_get_data(a)) != CanonicalValue(X509_NAME_ENTRY_get_data(b))) {
      return false;
    }
  }
  return true;
}

enum class Mode { kPermitted, kExcluded };

// Within reports whether |name| lies in subtree |base| (same type). For a
// wildcard DNS SAN the answer is conservative in the direction that rejects:
// for permitted subtrees every name the pattern could match must be inside,
// for excluded subtrees any overlap counts.
bool Within(const GeneralName& name, const GeneralName& base, Mode mode) {
  switch (name.type) {
    case NameType::kDns: {
      const std::string n = AsciiLower(name.value);
      const std::string b = AsciiLower(base.value);
      if (absl::StartsWith(n, "*.")) {
        const std::string rest = n.substr(2);
        // "*.rest" matches only subdomains of rest: inside ".rest" too.
        const std::string rest_base = absl::StartsWith(b, ".") ? b.substr(1) : b;
        if (DnsNameWithin(rest, b) || rest == rest_base) return true;  // pattern wholly inside
        // Excluded: the base itself (or below it) may be one of the names
        // the pattern matches.
        return mode == Mode::kExcluded && absl::EndsWith(b, "." + rest);
      }
      return DnsNameWithin(n, b);
    }
    case NameType::kIp:
      return name_match::IpWithin(name.value, base.value);
    case NameType::kEmail:
      return name_match::EmailWithin(name.value, base.value);
    case NameType::kDirectory:
      return DirectoryWithin(name.value, base.value);
    case NameType::kUri:
      // The constraint is a host (".example.com": below it); a URI
      // without a host lies in no subtree.
      return name_match::UriWithin(name.value, base.value);
    default:
      return false;
  }
}

absl::Status OutOfBudget() {
  return MakeError(ErrorKind::kLimitExceeded, "too many name constraint comparisons");
}

// CheckPermittedDns applies the permitted DNS subtrees to a non-wildcard DNS
// name: the bases that contain it are "" (every name), the name itself and
// each of its parent domains, with or without a leading period (".p" is
// subdomains of p only, so the name itself is never looked up that way), so
// it looks those up instead of scanning the subtrees. A leading-period base
// only gets here when ValidateNameConstraints allowed it (not under the web
// PKI profile). (Excluded subtrees are scanned: that is where the budget
// bites on x509-limbo's nc-dos inputs.)
absl::Status CheckPermittedDns(const NameConstraintsExt& nc, const std::string& ca,
                               const GeneralName& name, int64_t* budget) {
  if (nc.permitted_dns.empty()) return absl::OkStatus();
  const std::string n = AsciiLower(name.value);
  std::vector<absl::string_view> containing = {absl::string_view(), n};
  for (size_t dot = n.find('.'); dot != std::string::npos; dot = n.find('.', dot + 1)) {
    containing.push_back(absl::string_view(n).substr(dot + 1));
    containing.push_back(absl::string_view(n).substr(dot));
  }
  for (absl::string_view b : containing) {
    if (--*budget < 0) return OutOfBudget();
    if (nc.permitted_dns.count(std::string(b))) return absl::OkStatus();
  }
  return NcError(absl::StrCat(Describe(name), " is outside the permitted subtrees of issuer ", ca));
}

bool Processed(NameType t) {
  return t == NameType::kDns || t == NameType::kIp || t == NameType::kEmail ||
         t == NameType::kDirectory || t == NameType::kUri;
}

}  // namespace

bool DnsNameWithin(const std::string& name, const std::string& base) {
  return name_match::DnsWithin(name, base);
}

absl::Status ValidateNameConstraints(const NameConstraintsExt& nc, bool allow_leading_dot_dns) {
  if (!nc.defect.ok()) return Annotate(nc.defect, "nameConstraints");
  for (const auto* list : {&nc.permitted, &nc.excluded}) {
    for (const GeneralSubtree& st : *list) {
      const GeneralName& b = st.base;
      bool ok = true;
      switch (b.type) {
        case NameType::kDns:
          // A leading period (".example.com": subdomains only) is how
          // OpenSSL, Go and many CAs write DNS constraints.
          ok = b.value.empty() ||
               IsValidDnsName(allow_leading_dot_dns && b.value[0] == '.' ? b.value.substr(1) : b.value,
                              /*allow_wildcard=*/false);
          break;
        case NameType::kIp:
          ok = ValidIpConstraint(b.value);
          break;
        case NameType::kEmail:
          if (b.value.find('@') != std::string::npos) {
            ok = IsValidEmail(b.value);
          } else if (!b.value.empty() && b.value[0] == '.') {
            ok = IsValidDnsName(b.value.substr(1), false);
          } else {
            ok = IsValidDnsName(b.value, false);
          }
          break;
        default:
          break;
      }
      if (!ok) {
        return NcError(absl::StrCat("nameConstraints ", list == &nc.permitted ? "permitted" : "excluded",
                                    " subtree ", Describe(b), " is not a valid ", NameTypeName(b.type),
                                    " constraint (RFC 5280 4.2.1.10)"));
      }
    }
  }
  return absl::OkStatus();
}

absl::Status CheckNameConstraints(const NameConstraintsExt& nc, const std::string& ca,
                                  const ParsedCert& cert, bool is_leaf, int64_t* budget) {
  std::vector<GeneralName> names = cert.sans;
  if (!cert.subject_empty) names.push_back({NameType::kDirectory, cert.subject_der});
  for (const std::string& e : cert.subject_emails) names.push_back({NameType::kEmail, e});
  if (is_leaf && !cert.san_present) {
    // Without SANs a client may fall back to the CN: constrain it too.
    for (const std::string& cn : cert.common_names) {
      std::string ip;
      if (ParseIpAddress(cn, &ip)) {
        names.push_back({NameType::kIp, ip});
      } else if (IsValidDnsName(cn, /*allow_wildcard=*/true)) {
        names.push_back({NameType::kDns, cn});
      }
    }
  }
  for (const GeneralName& name : names) {
    if (name.type == NameType::kDns && !absl::StartsWith(name.value, "*.")) {
      if (absl::Status s = CheckPermittedDns(nc, ca, name, budget); !s.ok()) return s;
    } else {
      bool has_permitted_of_type = false, permitted = false;
      for (const GeneralSubtree& st : nc.permitted) {
        if (st.base.type != name.type) continue;
        if (!Processed(name.type)) {
          return NcError(absl::StrCat("issuer ", ca, " constrains ", NameTypeName(name.type),
                                      " names, which certkit cannot process, and the certificate has one"));
        }
        if (--*budget < 0) return OutOfBudget();
        has_permitted_of_type = true;
        if (Within(name, st.base, Mode::kPermitted)) {
          permitted = true;
          break;
        }
      }
      if (has_permitted_of_type && !permitted) {
        const bool no_host = name.type == NameType::kUri && name_match::UriHost(name.value).empty();
        return NcError(absl::StrCat(Describe(name), no_host ? " (a URI without a host)" : "",
                                    " is outside the permitted subtrees of issuer ", ca));
      }
    }
    for (const GeneralSubtree& st : nc.excluded) {
      if (st.base.type != name.type) continue;
      if (!Processed(name.type)) {
        return NcError(absl::StrCat("issuer ", ca, " constrains ", NameTypeName(name.type),
                                    " names, which certkit cannot process, and the certificate has one"));
      }
      if (--*budget < 0) return OutOfBudget();
      if (name.type == NameType::kUri && name_match::UriHost(name.value).empty()) {
        // Fail closed: without a host it cannot be shown outside the subtree.
        return NcError(absl::StrCat(Describe(name), " has no host, so issuer ", ca,
                                    "'s excluded subtree ", Describe(st.base),
                                    " cannot be checked against it"));
      }
      if (Within(name, st.base, Mode::kExcluded)) {
        return NcError(absl::StrCat(Describe(name), " is in the excluded subtree ", Describe(st.base),
                                    " of issuer ", ca));
      }
    }
  }
  return absl::OkStatus();
}

}  // namespace verify_internal
}  // namespace certkit
