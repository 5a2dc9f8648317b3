// lib/verify/identity.cc: peer identity matching.
#include "verify/identity.h"

#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "certkit/error.h"
#include "verify/public_suffix.h"

namespace certkit {
namespace verify_internal {
namespace {

// DnsMatches: RFC 6125 6.4.1 (label-wise, case-insensitive) and 6.4.3
// (wildcard only as the complete leftmost label, matching one label).
bool DnsMatches(const std::string& presented, const std::string& reference) {
  const std::string p = AsciiLower(presented);
  if (!absl::StartsWith(p, "*.")) return p == reference;
  if (!WildcardAllowed(p)) return false;
  const size_t dot = reference.find('.');
  if (dot == 0 || dot == std::string::npos) return false;
  return reference.substr(dot) == p.substr(1);
}

std::string CertNames(const ParsedCert& leaf) {
  std::vector<std::string> names;
  for (const GeneralName& n : leaf.sans) names.push_back(Describe(n));
  if (!leaf.san_present) {
    for (const std::string& cn : leaf.common_names) names.push_back("CN=" + cn);
  }
  if (names.empty()) return "no names";
  return absl::StrJoin(names, ", ");
}

}  // namespace

bool WildcardAllowed(const std::string& pattern) {
  if (!absl::StartsWith(pattern, "*.")) return false;
  const std::string base = AsciiLower(pattern.substr(2));
  if (base.find('.') == std::string::npos) return false;
  return !IsPublicSuffix(base);
}

absl::Status CheckIdentity(const ParsedCert& leaf, const PeerIdentity& id, bool allow_cn_fallback) {
  const bool use_cn = allow_cn_fallback && !leaf.san_present;
  switch (id.kind) {
    case PeerIdentity::Kind::kNone:
      return absl::OkStatus();
    case PeerIdentity::Kind::kDns: {
      std::string ref = AsciiLower(id.value);
      if (!ref.empty() && ref.back() == '.') ref.pop_back();
      if (!IsValidDnsName(ref, /*allow_wildcard=*/false)) {
        return MakeError(ErrorKind::kInvalidArgument,
                         absl::StrCat("expected DNS name \"", id.value, "\" is not a valid hostname"));
      }
      for (const GeneralName& n : leaf.sans) {
        if (n.type == NameType::kDns && DnsMatches(n.value, ref)) return absl::OkStatus();
      }
      if (use_cn) {
        for (const std::string& cn : leaf.common_names) {
          if (AsciiLower(cn) == ref) return absl::OkStatus();
        }
      }
      break;
    }
    case PeerIdentity::Kind::kIp: {
      std::string ref;
      if (!ParseIpAddress(id.value, &ref)) {
        return MakeError(ErrorKind::kInvalidArgument,
                         absl::StrCat("expected IP \"", id.value, "\" is not an IP address"));
      }
      for (const GeneralName& n : leaf.sans) {
        if (n.type == NameType::kIp && n.value == ref) return absl::OkStatus();
      }
      if (use_cn) {
        for (const std::string& cn : leaf.common_names) {
          std::string ip;
          if (ParseIpAddress(cn, &ip) && ip == ref) return absl::OkStatus();
        }
      }
      break;
    }
    case PeerIdentity::Kind::kEmail: {
      const size_t at = id.value.rfind('@');
      if (!IsValidEmail(id.value) || at == std::string::npos) {
        return MakeError(ErrorKind::kInvalidArgument,
                         absl::StrCat("expected email \"", id.value, "\" is not a mailbox"));
      }
      const std::string local = id.value.substr(0, at);
      const std::string domain = AsciiLower(id.value.substr(at + 1));
      for (const GeneralName& n : leaf.sans) {
        if (n.type != NameType::kEmail) continue;
        const size_t nat = n.value.rfind('@');
        if (nat != std::string::npos && n.value.substr(0, nat) == local &&
            AsciiLower(n.value.substr(nat + 1)) == domain) {
          return absl::OkStatus();
        }
      }
      break;
    }
  }
  static const char* const kKinds[] = {"", "DNS name", "IP address", "email address"};
  return MakeError(ErrorKind::kIdentityMismatch,
                   absl::StrCat("certificate ", leaf.description, " does not name ",
                                kKinds[static_cast<int>(id.kind)], " ", id.value,
                                "; it names: ", CertNames(leaf),
                                !leaf.san_present && !allow_cn_fallback && !leaf.common_names.empty()
                                    ? " (the CN is not consulted unless allow_cn_fallback is set)"
                                    : ""));
}

}  // namespace verify_internal
}  // namespace certkit
