// lib/verify/general_names.cc: GeneralName parsing and name syntax rules.
#include "verify/general_names.h"

#include <arpa/inet.h>
#include <netinet/in.h>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "certkit/error.h"
#include "openssl/x509.h"

namespace certkit {
namespace verify_internal {

absl::StatusOr<GeneralName> ParseGeneralName(CBS* in) {
  CBS element;
  unsigned tag;
  size_t header_len;
  if (!CBS_get_any_asn1_element(in, &element, &tag, &header_len) ||
      !CBS_skip(&element, header_len)) {
    return MakeError(ErrorKind::kMalformed, "GeneralName is not valid DER");
  }
  if ((tag & CBS_ASN1_CLASS_MASK) != CBS_ASN1_CONTEXT_SPECIFIC) {
    return MakeError(ErrorKind::kMalformed, "GeneralName has a non-context tag");
  }
  const int number = static_cast<int>(tag & CBS_ASN1_TAG_NUMBER_MASK);
  const bool constructed = (tag & CBS_ASN1_CONSTRUCTED) != 0;
  if (number > 8) return MakeError(ErrorKind::kMalformed, "GeneralName has an unknown tag");
  GeneralName name{static_cast<NameType>(number), {}};
  const bool must_construct = number == 0 || number == 3 || number == 4 || number == 5;
  if (constructed != must_construct) {
    return MakeError(ErrorKind::kMalformed,
                     absl::StrCat("GeneralName ", NameTypeName(name.type), " has the wrong form"));
  }
  if (name.type == NameType::kDirectory) {
    // [4] EXPLICIT Name: exactly one SEQUENCE inside.
    CBS seq;
    CBS copy = element;
    if (!CBS_get_asn1_element(&copy, &seq, CBS_ASN1_SEQUENCE) || CBS_len(&copy) != 0) {
      return MakeError(ErrorKind::kMalformed, "directoryName is not a Name");
    }
    name.value.assign(reinterpret_cast<const char*>(CBS_data(&seq)), CBS_len(&seq));
    return name;
  }
  name.value.assign(reinterpret_cast<const char*>(CBS_data(&element)), CBS_len(&element));
  if (name.type == NameType::kEmail || name.type == NameType::kDns || name.type == NameType::kUri) {
    for (unsigned char c : name.value) {
      if (c >= 0x80) {
        return MakeError(ErrorKind::kMalformed,
                         absl::StrCat(NameTypeName(name.type), " name is not an IA5String"));
      }
    }
  }
  return name;
}

absl::StatusOr<std::vector<GeneralName>> ParseGeneralNames(CBS in) {
  CBS seq;
  if (!CBS_get_asn1(&in, &seq, CBS_ASN1_SEQUENCE) || CBS_len(&in) != 0) {
    return MakeError(ErrorKind::kMalformed, "GeneralNames is not a DER SEQUENCE");
  }
  std::vector<GeneralName> names;
  while (CBS_len(&seq) > 0) {
    auto name = ParseGeneralName(&seq);
    if (!name.ok()) return name.status();
    names.push_back(std::move(*name));
  }
  if (names.empty()) return MakeError(ErrorKind::kMalformed, "GeneralNames is empty");
  return names;
}

const char* NameTypeName(NameType type) {
  switch (type) {
    case NameType::kOtherName: return "otherName";
    case NameType::kEmail: return "email";
    case NameType::kDns: return "DNS";
    case NameType::kX400: return "x400Address";
    case NameType::kDirectory: return "directoryName";
    case NameType::kEdiParty: return "ediPartyName";
    case NameType::kUri: return "URI";
    case NameType::kIp: return "IP";
    case NameType::kRegisteredId: return "registeredID";
  }
  return "?";
}

std::string FormatIp(absl::string_view octets) {
  char buf[INET6_ADDRSTRLEN];
  if (octets.size() == 4 && inet_ntop(AF_INET, octets.data(), buf, sizeof(buf))) return buf;
  if (octets.size() == 16 && inet_ntop(AF_INET6, octets.data(), buf, sizeof(buf))) return buf;
  if (octets.size() == 8 || octets.size() == 32) {
    const size_t half = octets.size() / 2;
    return FormatIp(octets.substr(0, half)) + "/" + FormatIp(octets.substr(half));
  }
  return absl::StrCat("<", octets.size(), " octets>");
}

std::string Describe(const GeneralName& name) {
  switch (name.type) {
    case NameType::kEmail:
    case NameType::kDns:
    case NameType::kUri:
      return absl::StrCat(NameTypeName(name.type), ":", name.value);
    case NameType::kIp:
      return absl::StrCat("IP:", FormatIp(name.value));
    case NameType::kDirectory: {
      const uint8_t* p = reinterpret_cast<const uint8_t*>(name.value.data());
      bssl::UniquePtr<X509_NAME> dn(d2i_X509_NAME(nullptr, &p, static_cast<long>(name.value.size())));
      char buf[256];
      if (!dn || X509_NAME_oneline(dn.get(), buf, sizeof(buf)) == nullptr) return "directoryName";
      return absl::StrCat("DirName:", buf);
    }
    default:
      return NameTypeName(name.type);
  }
}

std::string AsciiLower(absl::string_view s) { return absl::AsciiStrToLower(s); }

bool IsValidDnsName(absl::string_view name, bool allow_wildcard) {
  if (name.empty() || name.size() > 253) return false;
  std::vector<absl::string_view> labels = absl::StrSplit(name, '.');
  for (size_t i = 0; i < labels.size(); ++i) {
    absl::string_view label = labels[i];
    if (label.empty() || label.size() > 63) return false;
    if (label == "*" && i == 0 && allow_wildcard) continue;
    if (label.front() == '-' || label.back() == '-') return false;
    for (char c : label) {
      if (!absl::ascii_isalnum(static_cast<unsigned char>(c)) && c != '-') return false;
    }
  }
  return true;
}

bool IsValidEmail(absl::string_view addr) {
  const size_t at = addr.find('@');
  if (at == absl::string_view::npos || at == 0 || addr.find('@', at + 1) != absl::string_view::npos) {
    return false;
  }
  for (char c : addr.substr(0, at)) {
    if (c <= ' ' || c >= 0x7f) return false;
  }
  return IsValidDnsName(addr.substr(at + 1), /*allow_wildcard=*/false);
}

bool ParseIpAddress(absl::string_view text, std::string* octets) {
  if (text.size() >= 2 && text.front() == '[' && text.back() == ']') {
    text = text.substr(1, text.size() - 2);
  }
  std::string s(text);
  unsigned char buf[16];
  if (s.find(':') != std::string::npos) {
    if (inet_pton(AF_INET6, s.c_str(), buf) != 1) return false;
    octets->assign(reinterpret_cast<char*>(buf), 16);
    return true;
  }
  // Dotted quad, each part 0..255 in decimal without leading zeros.
  std::vector<absl::string_view> parts = absl::StrSplit(text, '.');
  if (parts.size() != 4) return false;
  for (size_t i = 0; i < 4; ++i) {
    absl::string_view p = parts[i];
    if (p.empty() || p.size() > 3 || (p.size() > 1 && p[0] == '0')) return false;
    int v = 0;
    for (char c : p) {
      if (!absl::ascii_isdigit(static_cast<unsigned char>(c))) return false;
      v = v * 10 + (c - '0');
    }
    if (v > 255) return false;
    buf[i] = static_cast<unsigned char>(v);
  }
  octets->assign(reinterpret_cast<char*>(buf), 4);
  return true;
}

bool ParseIpAddressLenient(absl::string_view text, std::string* octets) {
  if (ParseIpAddress(text, octets)) return true;
  struct in_addr addr;
  if (text.find(':') != absl::string_view::npos || inet_aton(std::string(text).c_str(), &addr) == 0) {
    return false;
  }
  octets->assign(reinterpret_cast<char*>(&addr.s_addr), 4);
  return true;
}

}  // namespace verify_internal
}  // namespace certkit
