#include "certkit/name.h"

#include <arpa/inet.h>

#include <algorithm>
#include <cstring>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "certkit/error.h"
#include "core/oid.h"
#include "core/x509_ext.h"
#include "openssl/bytestring.h"
#include "openssl/mem.h"
#include "openssl/obj.h"
#include "util/der.h"

namespace certkit {
namespace {

absl::Status DnError(absl::string_view what, size_t pos) {
  return MakeError(ErrorKind::kInvalidArgument,
                   absl::StrCat("invalid distinguished name: ", what, " at position ", pos));
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// IsValidUtf8 reports whether |s| is well-formed UTF-8 (no overlong forms,
// no surrogates, at most U+10FFFF) without Unicode noncharacters (U+FDD0 to
// U+FDEF, U+xxFFFE and U+xxFFFF), which BoringSSL refuses in ASN.1 strings:
// a name certkit accepts must also decode from its own DER.
bool IsValidUtf8(absl::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    size_t n;
    uint32_t cp, min;
    if (c < 0x80) {
      ++i;
      continue;
    } else if ((c & 0xE0) == 0xC0) {
      n = 1, cp = c & 0x1F, min = 0x80;
    } else if ((c & 0xF0) == 0xE0) {
      n = 2, cp = c & 0x0F, min = 0x800;
    } else if ((c & 0xF8) == 0xF0) {
      n = 3, cp = c & 0x07, min = 0x10000;
    } else {
      return false;
    }
    if (i + n >= s.size()) return false;
    for (size_t k = 1; k <= n; ++k) {
      const unsigned char cc = static_cast<unsigned char>(s[i + k]);
      if ((cc & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (cc & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
    if ((cp & 0xFFFE) == 0xFFFE || (cp >= 0xFDD0 && cp <= 0xFDEF)) return false;
    i += n + 1;
  }
  return true;
}

// DecodeDerString turns the DER of a directory string ("#hex" value) into
// UTF-8.
absl::StatusOr<std::string> DecodeDerString(const std::vector<uint8_t>& der, size_t pos) {
  CBS cbs, content;
  CBS_init(&cbs, der.data(), der.size());
  unsigned tag;
  if (!CBS_get_any_asn1(&cbs, &content, &tag) || CBS_len(&cbs) != 0) {
    return DnError("'#' value is not one DER element", pos);
  }
  int type;
  switch (tag) {
    case CBS_ASN1_UTF8STRING: type = V_ASN1_UTF8STRING; break;
    case CBS_ASN1_PRINTABLESTRING: type = V_ASN1_PRINTABLESTRING; break;
    case CBS_ASN1_IA5STRING: type = V_ASN1_IA5STRING; break;
    case CBS_ASN1_VISIBLESTRING: type = V_ASN1_VISIBLESTRING; break;
    case CBS_ASN1_T61STRING: type = V_ASN1_T61STRING; break;
    case CBS_ASN1_BMPSTRING: type = V_ASN1_BMPSTRING; break;
    case CBS_ASN1_UNIVERSALSTRING: type = V_ASN1_UNIVERSALSTRING; break;
    default:
      return MakeError(ErrorKind::kUnsupported,
                       absl::StrCat("invalid distinguished name: '#' value at position ", pos,
                                    " is not a string type (tag ", tag, ")"));
  }
  bssl::UniquePtr<ASN1_STRING> str(ASN1_STRING_type_new(type));
  if (!str || !ASN1_STRING_set(str.get(), CBS_data(&content),
                               static_cast<int>(CBS_len(&content)))) {
    return MakeError(ErrorKind::kInternal, "out of memory");
  }
  unsigned char* utf8 = nullptr;
  const int len = ASN1_STRING_to_UTF8(&utf8, str.get());
  if (len < 0) return DnError("'#' value has an invalid string encoding", pos);
  std::string out(reinterpret_cast<const char*>(utf8), len);
  OPENSSL_free(utf8);
  if (!IsValidUtf8(out)) return DnError("'#' value is not valid UTF-8", pos);
  return out;
}

// Rfc4514Parser reads "CN=a, OU=b" into attributes in text order.
class Rfc4514Parser {
 public:
  explicit Rfc4514Parser(absl::string_view text) : s_(text) {}

  absl::StatusOr<std::vector<NameAttribute>> Run() {
    std::vector<NameAttribute> out;
    SkipSpaces();
    if (i_ == s_.size()) return MakeError(ErrorKind::kInvalidArgument, "empty distinguished name");
    while (true) {
      NameAttribute attr;
      auto type = ParseType();
      if (!type.ok()) return type.status();
      attr.type = *std::move(type);
      auto value = ParseValue();
      if (!value.ok()) return value.status();
      attr.value = *std::move(value);
      out.push_back(std::move(attr));
      if (i_ == s_.size()) break;
      const char sep = s_[i_];
      if (sep == '+') {
        return MakeError(ErrorKind::kUnsupported,
                         absl::StrCat("multi-valued RDN ('+' at position ", i_,
                                      ") is not supported"));
      }
      // ParseValue stops only at a separator or the end.
      ++i_;
      SkipSpaces();
      if (i_ == s_.size()) return DnError(absl::StrCat("nothing after '", std::string(1, sep), "'"), i_);
    }
    return out;
  }

 private:
  void SkipSpaces() {
    while (i_ < s_.size() && s_[i_] == ' ') ++i_;
  }

  absl::StatusOr<std::string> ParseType() {
    SkipSpaces();
    const size_t start = i_;
    while (i_ < s_.size() && s_[i_] != '=') {
      const char c = s_[i_];
      if (c == ',' || c == ';' || c == '+') {
        return DnError(absl::StrCat("missing '=' before '", std::string(1, c), "'"), i_);
      }
      ++i_;
    }
    if (i_ == s_.size()) return DnError("missing '=' after attribute type", start);
    absl::string_view raw = absl::StripTrailingAsciiWhitespace(s_.substr(start, i_ - start));
    if (raw.empty()) return DnError("empty attribute type", start);
    for (size_t k = 0; k < raw.size(); ++k) {
      const char c = raw[k];
      if (!absl::ascii_isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '-') {
        return DnError(absl::StrCat("invalid character '", std::string(1, c),
                                    "' in attribute type"),
                       start + k);
      }
    }
    std::string type = oid::CanonicalType(raw);
    if (type.empty()) {
      return DnError(absl::StrCat("unknown attribute type '", raw, "'"), start);
    }
    ++i_;  // '='
    return type;
  }

  // ParseEscape reads the escape at s_[i_] == '\\' and appends its byte.
  absl::Status ParseEscape(std::string* out) {
    const size_t at = i_;
    if (i_ + 1 >= s_.size()) return DnError("'\\' at end of input", at);
    const char c = s_[i_ + 1];
    if (std::strchr(",+\"\\=<>;# ", c) != nullptr) {
      out->push_back(c);
      i_ += 2;
      return absl::OkStatus();
    }
    const int hi = HexValue(c);
    const int lo = i_ + 2 < s_.size() ? HexValue(s_[i_ + 2]) : -1;
    if (hi < 0 || lo < 0) {
      return DnError(absl::StrCat("invalid escape '\\", std::string(1, c), "'"), at);
    }
    out->push_back(static_cast<char>(hi * 16 + lo));
    i_ += 3;
    return absl::OkStatus();
  }

  absl::StatusOr<std::string> ParseValue() {
    SkipSpaces();
    const size_t start = i_;
    std::string value;
    if (i_ < s_.size() && s_[i_] == '#') {
      ++i_;
      const size_t hex_start = i_;
      while (i_ < s_.size() && absl::ascii_isxdigit(static_cast<unsigned char>(s_[i_]))) ++i_;
      const size_t hex_end = i_;
      SkipSpaces();
      if (i_ < s_.size() && !IsSeparator(s_[i_])) {
        return DnError(absl::StrCat("invalid character '", std::string(1, s_[i_]),
                                    "' in '#' hex value"),
                       i_);
      }
      const size_t n = hex_end - hex_start;
      if (n == 0 || n % 2 != 0) return DnError("odd or empty '#' hex value", hex_start);
      std::vector<uint8_t> der;
      for (size_t k = hex_start; k < hex_end; k += 2) {
        der.push_back(static_cast<uint8_t>(HexValue(s_[k]) * 16 + HexValue(s_[k + 1])));
      }
      return DecodeDerString(der, start);
    }
    if (i_ < s_.size() && s_[i_] == '"') {
      ++i_;
      while (true) {
        if (i_ == s_.size()) return DnError("unterminated quoted value", start);
        const char c = s_[i_];
        if (c == '"') break;
        if (c == '\\') {
          if (auto st = ParseEscape(&value); !st.ok()) return st;
        } else {
          value.push_back(c);
          ++i_;
        }
      }
      ++i_;  // closing quote
      SkipSpaces();
      if (i_ < s_.size() && !IsSeparator(s_[i_])) {
        return DnError(absl::StrCat("unexpected '", std::string(1, s_[i_]),
                                    "' after quoted value"),
                       i_);
      }
    } else {
      size_t keep = 0;  // value length that trailing-space trimming must keep
      while (i_ < s_.size() && !IsSeparator(s_[i_])) {
        const char c = s_[i_];
        if (c == '\\') {
          if (auto st = ParseEscape(&value); !st.ok()) return st;
          keep = value.size();
        } else if (c == '"') {
          return DnError("unescaped '\"' inside value", i_);
        } else {
          value.push_back(c);
          ++i_;
          if (c != ' ') keep = value.size();
        }
      }
      value.resize(keep);
    }
    if (!IsValidUtf8(value)) return DnError("value is not valid UTF-8", start);
    return value;
  }

  static bool IsSeparator(char c) { return c == ',' || c == ';' || c == '+'; }

  absl::string_view s_;
  size_t i_ = 0;
};

absl::StatusOr<std::vector<NameAttribute>> ParseSlashForm(absl::string_view s) {
  if (s.empty() || s[0] != '/') {
    return DnError("slash form must start with '/'", 0);
  }
  std::vector<NameAttribute> out;
  size_t i = 1;
  while (i < s.size()) {
    const size_t start = i;
    // Attribute type up to '='.
    while (i < s.size() && s[i] != '=' && s[i] != '/') ++i;
    if (i == s.size() || s[i] == '/') {
      if (i == start) return DnError("empty component ('//')", start);
      return DnError("missing '=' after attribute type", start);
    }
    absl::string_view raw = absl::StripAsciiWhitespace(s.substr(start, i - start));
    if (raw.empty()) return DnError("empty attribute type", start);
    std::string type = oid::CanonicalType(raw);
    if (type.empty()) return DnError(absl::StrCat("unknown attribute type '", raw, "'"), start);
    ++i;
    std::string value;
    while (i < s.size() && s[i] != '/') {
      const char c = s[i];
      if (c == '\\') {
        if (i + 1 >= s.size()) return DnError("'\\' at end of input", i);
        value.push_back(s[i + 1]);
        i += 2;
      } else if (c == '+') {
        return MakeError(ErrorKind::kUnsupported,
                         absl::StrCat("multi-valued RDN ('+' at position ", i,
                                      ") is not supported; escape it as '\\+'"));
      } else {
        value.push_back(c);
        ++i;
      }
    }
    if (!IsValidUtf8(value)) return DnError("value is not valid UTF-8", start);
    out.push_back({std::move(type), std::move(value)});
    ++i;  // '/' (or past the end)
  }
  if (out.empty()) return MakeError(ErrorKind::kInvalidArgument, "empty distinguished name");
  return out;
}

std::string EscapeRfc4514(absl::string_view v) {
  std::string out;
  for (size_t k = 0; k < v.size(); ++k) {
    const unsigned char c = static_cast<unsigned char>(v[k]);
    if (std::strchr(",+\"\\<>;", c) != nullptr && c != 0) {
      out.push_back('\\');
      out.push_back(static_cast<char>(c));
    } else if ((k == 0 && (c == '#' || c == ' ')) || (k + 1 == v.size() && c == ' ')) {
      out.push_back('\\');
      out.push_back(static_cast<char>(c));
    } else if (c < 0x20 || c == 0x7F) {
      absl::StrAppendFormat(&out, "\\%02X", c);
    } else {
      out.push_back(static_cast<char>(c));
    }
  }
  return out;
}

std::string EscapeSlash(absl::string_view v) {
  std::string out;
  for (char c : v) {
    if (c == '/' || c == '\\' || c == '+') out.push_back('\\');
    out.push_back(c);
  }
  return out;
}

bool IsPrintableStringChar(char c) {
  return absl::ascii_isalnum(static_cast<unsigned char>(c)) ||
         std::strchr(" '()+,-./:=?", c) != nullptr;
}

// ResolveObject returns the ASN1_OBJECT and table entry (may be null) of a
// canonical attribute type.
bssl::UniquePtr<ASN1_OBJECT> ResolveObject(const std::string& type,
                                           const oid::Attribute** attr) {
  *attr = oid::FindByName(type);
  if (*attr != nullptr) return bssl::UniquePtr<ASN1_OBJECT>(OBJ_nid2obj((*attr)->nid));
  return bssl::UniquePtr<ASN1_OBJECT>(OBJ_txt2obj(type.c_str(), 1));
}

// RejectNul refuses a value with an embedded NUL: C code reading the name
// (and every NUL-terminated display) would see a different, shorter value.
absl::Status RejectNul(const std::vector<NameAttribute>& attrs) {
  for (const NameAttribute& a : attrs) {
    if (a.value.find('\0') != std::string::npos) {
      return MakeError(ErrorKind::kInvalidArgument,
                       absl::StrCat(a.type, " value has an embedded NUL character"));
    }
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<DistinguishedName> DistinguishedName::Parse(absl::string_view text) {
  absl::string_view trimmed = absl::StripLeadingAsciiWhitespace(text);
  if (!trimmed.empty() && trimmed[0] == '/') return ParseSlash(trimmed);
  return ParseRfc4514(text);
}

absl::StatusOr<DistinguishedName> DistinguishedName::ParseRfc4514(absl::string_view text) {
  auto attrs = Rfc4514Parser(text).Run();
  if (!attrs.ok()) return attrs.status();
  if (absl::Status st = RejectNul(*attrs); !st.ok()) return st;
  std::reverse(attrs->begin(), attrs->end());
  return DistinguishedName(*std::move(attrs));
}

absl::StatusOr<DistinguishedName> DistinguishedName::ParseSlash(absl::string_view text) {
  auto attrs = ParseSlashForm(text);
  if (!attrs.ok()) return attrs.status();
  if (absl::Status st = RejectNul(*attrs); !st.ok()) return st;
  return DistinguishedName(*std::move(attrs));
}

namespace {

// CopyX509Name converts |name|; with |flatten| unset a multi-valued RDN or an
// undecodable value is an error.
absl::StatusOr<DistinguishedName> CopyX509Name(const X509_NAME* name, bool flatten) {
  if (name == nullptr) return MakeError(ErrorKind::kInvalidArgument, "null X509_NAME");
  std::vector<NameAttribute> attrs;
  const int n = X509_NAME_entry_count(name);
  int last_set = -1;
  for (int k = 0; k < n; ++k) {
    const X509_NAME_ENTRY* entry = X509_NAME_get_entry(name, k);
    const int set = X509_NAME_ENTRY_set(entry);
    if (set == last_set && !flatten) {
      return MakeError(ErrorKind::kUnsupported,
                       absl::StrCat("multi-valued RDN (entry ", k, ") is not supported"));
    }
    last_set = set;
    const ASN1_OBJECT* obj = X509_NAME_ENTRY_get_object(entry);
    NameAttribute attr;
    if (const oid::Attribute* a = oid::FindByNid(OBJ_obj2nid(obj))) {
      attr.type = a->name;
    } else {
      attr.type = x509ext::OidText(obj);
    }
    const ASN1_STRING* data = X509_NAME_ENTRY_get_data(entry);
    unsigned char* utf8 = nullptr;
    const int len = ASN1_STRING_to_UTF8(&utf8, data);
    if (len >= 0) {
      attr.value.assign(reinterpret_cast<const char*>(utf8), len);
      OPENSSL_free(utf8);
    } else if (flatten) {
      attr.value = "#" + absl::BytesToHexString(absl::string_view(
                             reinterpret_cast<const char*>(ASN1_STRING_get0_data(data)),
                             ASN1_STRING_length(data)));
    } else {
      return MakeError(ErrorKind::kMalformed,
                       absl::StrCat("attribute ", attr.type, " has an undecodable value"));
    }
    attrs.push_back(std::move(attr));
  }
  return DistinguishedName(std::move(attrs));
}

}  // namespace

absl::StatusOr<DistinguishedName> DistinguishedName::FromX509Name(const X509_NAME* name) {
  return CopyX509Name(name, /*flatten=*/false);
}

DistinguishedName DistinguishedName::FromX509NameFlattened(const X509_NAME* name) {
  auto dn = CopyX509Name(name, /*flatten=*/true);
  return dn.ok() ? *std::move(dn) : DistinguishedName();
}

std::string DistinguishedName::ToRfc4514() const {
  std::string out;
  for (auto it = rdns_.rbegin(); it != rdns_.rend(); ++it) {
    if (!out.empty()) out += ", ";
    absl::StrAppend(&out, it->type, "=", EscapeRfc4514(it->value));
  }
  return out;
}

std::string DistinguishedName::ToSlash() const {
  std::string out;
  for (const NameAttribute& a : rdns_) absl::StrAppend(&out, "/", a.type, "=", EscapeSlash(a.value));
  return out;
}

namespace {

// An attribute ready to encode: its type and the ASN.1 string type its value
// takes (PrintableString for C and the printable-only types, IA5String for
// email and DC, UTF8String otherwise).
struct ResolvedAttribute {
  bssl::UniquePtr<ASN1_OBJECT> obj;
  int asn1_type = V_ASN1_UTF8STRING;
};

// Resolve checks |a|'s value against its string type. kInvalidArgument for
// unknown types and values the type cannot hold.
absl::StatusOr<ResolvedAttribute> Resolve(const NameAttribute& a) {
  const oid::Attribute* info = nullptr;
  bssl::UniquePtr<ASN1_OBJECT> obj = ResolveObject(oid::CanonicalType(a.type), &info);
  if (!obj) {
    return MakeError(ErrorKind::kInvalidArgument,
                     absl::StrCat("unknown attribute type '", a.type, "'"));
  }
  int asn1_type = V_ASN1_UTF8STRING;
  const oid::StringKind kind = info ? info->kind : oid::StringKind::kUtf8;
  switch (kind) {
    case oid::StringKind::kCountry:
      if (a.value.size() != 2 || !absl::ascii_isalpha(static_cast<unsigned char>(a.value[0])) ||
          !absl::ascii_isalpha(static_cast<unsigned char>(a.value[1]))) {
        return MakeError(ErrorKind::kInvalidArgument,
                         absl::StrCat("country (C) must be two letters, got '", a.value, "'"));
      }
      asn1_type = V_ASN1_PRINTABLESTRING;
      break;
    case oid::StringKind::kPrintable:
      for (char c : a.value) {
        if (!IsPrintableStringChar(c)) {
          return MakeError(ErrorKind::kInvalidArgument,
                           absl::StrCat(a.type, " value '", a.value,
                                        "' has a character that a PrintableString cannot hold: '",
                                        std::string(1, c), "'"));
        }
      }
      asn1_type = V_ASN1_PRINTABLESTRING;
      break;
    case oid::StringKind::kIa5:
      for (char c : a.value) {
        if (static_cast<unsigned char>(c) > 0x7F) {
          return MakeError(ErrorKind::kInvalidArgument,
                           absl::StrCat(a.type, " value '", a.value, "' must be ASCII"));
        }
      }
      asn1_type = V_ASN1_IA5STRING;
      break;
    case oid::StringKind::kUtf8:
      if (!IsValidUtf8(a.value)) {
        return MakeError(ErrorKind::kInvalidArgument,
                         absl::StrCat(a.type, " value is not valid UTF-8"));
      }
      break;
  }
  return ResolvedAttribute{std::move(obj), asn1_type};
}

}  // namespace

absl::StatusOr<bssl::UniquePtr<X509_NAME>> DistinguishedName::ToX509Name() const {
  if (absl::Status st = RejectNul(rdns_); !st.ok()) return st;
  bssl::UniquePtr<X509_NAME> name(X509_NAME_new());
  if (!name) return MakeError(ErrorKind::kInternal, "out of memory");
  for (const NameAttribute& a : rdns_) {
    auto r = Resolve(a);
    if (!r.ok()) return r.status();
    if (!X509_NAME_add_entry_by_OBJ(name.get(), r->obj.get(), r->asn1_type,
                                    reinterpret_cast<const uint8_t*>(a.value.data()),
                                    static_cast<int>(a.value.size()), -1, 0)) {
      return MakeError(ErrorKind::kInvalidArgument,
                       absl::StrCat("cannot encode attribute ", a.type));
    }
  }
  return name;
}

absl::StatusOr<std::vector<uint8_t>> DistinguishedName::ToDer() const {
  bssl::ScopedCBB cbb;
  CBB seq;
  if (!CBB_init(cbb.get(), 64 + 32 * rdns_.size()) ||
      !CBB_add_asn1(cbb.get(), &seq, CBS_ASN1_SEQUENCE)) {
    return MakeError(ErrorKind::kInternal, "out of memory");
  }
  for (const NameAttribute& a : rdns_) {
    auto r = Resolve(a);
    if (!r.ok()) return r.status();
    // RelativeDistinguishedName ::= SET { AttributeTypeAndValue }, one per
    // attribute, as X509_NAME_add_entry_by_OBJ(..., -1, 0) makes them.
    CBB rdn, atv, oid, value;
    if (!CBB_add_asn1(&seq, &rdn, CBS_ASN1_SET) || !CBB_add_asn1(&rdn, &atv, CBS_ASN1_SEQUENCE) ||
        !CBB_add_asn1(&atv, &oid, CBS_ASN1_OBJECT) ||
        !CBB_add_bytes(&oid, OBJ_get0_data(r->obj.get()), OBJ_length(r->obj.get())) ||
        !CBB_add_asn1(&atv, &value, static_cast<unsigned>(r->asn1_type)) ||
        !CBB_add_bytes(&value, reinterpret_cast<const uint8_t*>(a.value.data()), a.value.size()) ||
        !CBB_flush(&seq)) {
      return MakeError(ErrorKind::kInvalidArgument, absl::StrCat("cannot encode attribute ", a.type));
    }
  }
  std::vector<uint8_t> out = FinishCbb(cbb.get());
  if (out.empty()) return MakeError(ErrorKind::kInternal, "cannot encode the name");
  return out;
}

std::string DistinguishedName::Get(absl::string_view type) const {
  const std::string canonical = oid::CanonicalType(type);
  if (canonical.empty()) return "";
  for (auto it = rdns_.rbegin(); it != rdns_.rend(); ++it) {
    if (oid::CanonicalType(it->type) == canonical) return it->value;
  }
  return "";
}

void DistinguishedName::Set(absl::string_view type, absl::string_view value) {
  std::string canonical = oid::CanonicalType(type);
  if (canonical.empty()) canonical = std::string(type);
  bool replaced = false;
  std::vector<NameAttribute> out;
  for (NameAttribute& a : rdns_) {
    if (oid::CanonicalType(a.type) == canonical) {
      if (replaced) continue;
      a.value = std::string(value);
      replaced = true;
    }
    out.push_back(std::move(a));
  }
  if (!replaced) out.push_back({canonical, std::string(value)});
  rdns_ = std::move(out);
}

// --- SubjectAltName -------------------------------------------------------

namespace {

absl::Status SanError(absl::string_view host, absl::string_view why) {
  return MakeError(ErrorKind::kInvalidArgument,
                   absl::StrCat("'", host, "' is not a valid host name or IP address: ", why));
}

absl::Status ValidateDnsName(absl::string_view name) {
  if (name.size() > 253) return SanError(name, "longer than 253 characters");
  std::vector<absl::string_view> labels = absl::StrSplit(name, '.');
  for (size_t k = 0; k < labels.size(); ++k) {
    absl::string_view label = labels[k];
    if (label.empty()) return SanError(name, absl::StrCat("empty label ", k + 1));
    if (label.size() > 63) {
      return SanError(name, absl::StrCat("label ", k + 1, " is longer than 63 characters"));
    }
    if (label == "*") {
      if (k != 0 || labels.size() < 3) {
        return SanError(name, "'*' is only allowed as the leftmost of three or more labels");
      }
      continue;
    }
    if (label.front() == '-' || label.back() == '-') {
      return SanError(name, absl::StrCat("label '", label, "' starts or ends with '-'"));
    }
    for (char c : label) {
      if (!absl::ascii_isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_') {
        return SanError(name, absl::StrCat("invalid character '", std::string(1, c), "'"));
      }
    }
  }
  // A name whose labels are all digits looks like a broken IPv4 address.
  const bool all_numeric = std::all_of(name.begin(), name.end(), [](char c) {
    return c == '.' || absl::ascii_isdigit(static_cast<unsigned char>(c));
  });
  if (all_numeric) return SanError(name, "not a valid IPv4 address");
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<SubjectAltName> SubjectAltName::Ip(absl::string_view v) {
  absl::string_view text = v;
  if (text.size() >= 2 && text.front() == '[' && text.back() == ']') {
    text = text.substr(1, text.size() - 2);
  }
  const std::string s(text);
  uint8_t buf[16];
  char out[INET6_ADDRSTRLEN];
  if (inet_pton(AF_INET, s.c_str(), buf) == 1) {
    inet_ntop(AF_INET, buf, out, sizeof(out));
    return SubjectAltName{Type::kIp, out};
  }
  if (s.find(':') != std::string::npos && inet_pton(AF_INET6, s.c_str(), buf) == 1) {
    inet_ntop(AF_INET6, buf, out, sizeof(out));
    return SubjectAltName{Type::kIp, out};
  }
  return MakeError(ErrorKind::kInvalidArgument,
                   absl::StrCat("'", v, "' is not an IPv4 or IPv6 address"));
}

absl::StatusOr<SubjectAltName> SubjectAltName::Host(absl::string_view host) {
  if (host.empty()) return MakeError(ErrorKind::kInvalidArgument, "empty host name");
  if (host.front() == '[' || host.find(':') != absl::string_view::npos) {
    auto ip = Ip(host);
    if (!ip.ok()) return SanError(host, "not a valid IPv6 address");
    return ip;
  }
  auto ip = Ip(host);
  if (ip.ok()) return ip;
  if (auto st = ValidateDnsName(host); !st.ok()) return st;
  return Dns(host);
}

std::string SubjectAltName::ToString() const {
  switch (type) {
    case Type::kDns:
      return "DNS:" + value;
    case Type::kIp:
      return "IP:" + value;
    case Type::kEmail:
      return "email:" + value;
    case Type::kUri:
      return "URI:" + value;
  }
  return value;
}

absl::StatusOr<std::vector<SubjectAltName>> ParseSubjectAltNames(absl::string_view text) {
  std::vector<SubjectAltName> out;
  for (absl::string_view item : absl::StrSplit(text, ',')) {
    item = absl::StripAsciiWhitespace(item);
    if (item.empty()) continue;
    const size_t colon = item.find(':');
    absl::string_view prefix = colon == absl::string_view::npos ? "" : item.substr(0, colon);
    absl::string_view rest = colon == absl::string_view::npos ? "" : item.substr(colon + 1);
    rest = absl::StripAsciiWhitespace(rest);
    if (absl::EqualsIgnoreCase(prefix, "DNS")) {
      if (auto st = ValidateDnsName(rest); !st.ok()) return st;
      out.push_back(SubjectAltName::Dns(rest));
    } else if (absl::EqualsIgnoreCase(prefix, "IP")) {
      auto ip = SubjectAltName::Ip(rest);
      if (!ip.ok()) return ip.status();
      out.push_back(*ip);
    } else if (absl::EqualsIgnoreCase(prefix, "email")) {
      if (rest.empty() || rest.find('@') == absl::string_view::npos) {
        return MakeError(ErrorKind::kInvalidArgument,
                         absl::StrCat("'", item, "' is not an email address"));
      }
      out.push_back(SubjectAltName::Email(rest));
    } else if (absl::EqualsIgnoreCase(prefix, "URI")) {
      if (rest.empty()) {
        return MakeError(ErrorKind::kInvalidArgument, absl::StrCat("empty URI in '", item, "'"));
      }
      out.push_back(SubjectAltName::Uri(rest));
    } else {
      auto host = SubjectAltName::Host(item);
      if (!host.ok()) return host.status();
      out.push_back(*host);
    }
  }
  if (out.empty()) {
    return MakeError(ErrorKind::kInvalidArgument,
                     absl::StrCat("no subject alternative names in '", text, "'"));
  }
  return out;
}

std::vector<SubjectAltName> FromGeneralNames(const GENERAL_NAMES* names) {
  std::vector<SubjectAltName> out;
  if (names == nullptr) return out;
  for (size_t k = 0; k < sk_GENERAL_NAME_num(names); ++k) {
    const GENERAL_NAME* gen = sk_GENERAL_NAME_value(names, k);
    auto ia5 = [](const ASN1_STRING* s) {
      return std::string(reinterpret_cast<const char*>(ASN1_STRING_get0_data(s)),
                         ASN1_STRING_length(s));
    };
    switch (gen->type) {
      case GEN_DNS:
        out.push_back(SubjectAltName::Dns(ia5(gen->d.dNSName)));
        break;
      case GEN_EMAIL:
        out.push_back(SubjectAltName::Email(ia5(gen->d.rfc822Name)));
        break;
      case GEN_URI:
        out.push_back(SubjectAltName::Uri(ia5(gen->d.uniformResourceIdentifier)));
        break;
      case GEN_IPADD: {
        const ASN1_OCTET_STRING* ip = gen->d.iPAddress;
        char buf[INET6_ADDRSTRLEN];
        const int len = ASN1_STRING_length(ip);
        if (len == 4 && inet_ntop(AF_INET, ASN1_STRING_get0_data(ip), buf, sizeof(buf))) {
          out.push_back({SubjectAltName::Type::kIp, buf});
        } else if (len == 16 &&
                   inet_ntop(AF_INET6, ASN1_STRING_get0_data(ip), buf, sizeof(buf))) {
          out.push_back({SubjectAltName::Type::kIp, buf});
        }
        break;
      }
      default:
        break;
    }
  }
  return out;
}

}  // namespace certkit
