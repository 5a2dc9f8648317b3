#include "core/oid.h"

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "openssl/nid.h"
#include "openssl/asn1.h"
#include "openssl/obj.h"

namespace certkit {
namespace oid {
namespace {

const Attribute kAttributes[] = {
    {"CN", NID_commonName, StringKind::kUtf8},
    {"OU", NID_organizationalUnitName, StringKind::kUtf8},
    {"O", NID_organizationName, StringKind::kUtf8},
    {"L", NID_localityName, StringKind::kUtf8},
    {"ST", NID_stateOrProvinceName, StringKind::kUtf8},
    {"C", NID_countryName, StringKind::kCountry},
    {"DC", NID_domainComponent, StringKind::kIa5},
    {"emailAddress", NID_pkcs9_emailAddress, StringKind::kIa5},
    {"serialNumber", NID_serialNumber, StringKind::kPrintable},
    {"STREET", NID_streetAddress, StringKind::kUtf8},
    {"title", NID_title, StringKind::kUtf8},
    {"UID", NID_userId, StringKind::kUtf8},
};

struct Alias {
  const char* alias;
  int nid;
};

const Alias kAliases[] = {
    {"commonName", NID_commonName},
    {"organizationalUnitName", NID_organizationalUnitName},
    {"organizationName", NID_organizationName},
    {"localityName", NID_localityName},
    {"S", NID_stateOrProvinceName},
    {"stateOrProvinceName", NID_stateOrProvinceName},
    {"countryName", NID_countryName},
    {"domainComponent", NID_domainComponent},
    {"E", NID_pkcs9_emailAddress},
    {"email", NID_pkcs9_emailAddress},
    {"streetAddress", NID_streetAddress},
    {"T", NID_title},
    {"userId", NID_userId},
};

}  // namespace

const Attribute* FindByNid(int nid) {
  if (nid == NID_undef) return nullptr;
  for (const Attribute& a : kAttributes) {
    if (a.nid == nid) return &a;
  }
  return nullptr;
}

const Attribute* FindByName(absl::string_view name) {
  for (const Attribute& a : kAttributes) {
    if (absl::EqualsIgnoreCase(a.name, name)) return &a;
  }
  for (const Alias& a : kAliases) {
    if (absl::EqualsIgnoreCase(a.alias, name)) return FindByNid(a.nid);
  }
  return nullptr;
}

bool IsDottedOid(absl::string_view text) {
  int arcs = 0;
  size_t digits = 0;
  for (char c : text) {
    if (c == '.') {
      if (digits == 0) return false;
      ++arcs;
      digits = 0;
    } else if (absl::ascii_isdigit(static_cast<unsigned char>(c))) {
      ++digits;
    } else {
      return false;
    }
  }
  return digits > 0 && arcs >= 1;
}

std::string CanonicalType(absl::string_view type) {
  if (const Attribute* a = FindByName(type)) return a->name;
  absl::string_view dotted = type;
  if (absl::StartsWithIgnoreCase(dotted, "OID.")) dotted.remove_prefix(4);
  if (!IsDottedOid(dotted)) return "";
  std::string text(dotted);
  bssl::UniquePtr<ASN1_OBJECT> obj(OBJ_txt2obj(text.c_str(), /*dont_search_names=*/1));
  if (obj == nullptr) return "";
  if (const Attribute* a = FindByNid(OBJ_obj2nid(obj.get()))) return a->name;
  return text;
}

}  // namespace oid
}  // namespace certkit
