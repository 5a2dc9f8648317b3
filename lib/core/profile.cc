#include "certkit/profile.h"
#include "certkit/profile_file.h"

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "certkit/cert.h"
#include "certkit/error.h"

namespace certkit {

bool NameConstraints::empty() const {
  return permitted_dns.empty() && excluded_dns.empty() && permitted_ip.empty() &&
         excluded_ip.empty() && permitted_email.empty() && excluded_email.empty();
}

uint32_t KeyUsageForKey(uint32_t bits, KeyType key_type) {
  if (key_type == KeyType::kRsa || bits == 0) return bits;
  const uint32_t rsa_only = kKuKeyEncipherment | kKuDataEncipherment;
  if ((bits & rsa_only) == 0) return bits;
  bits &= ~rsa_only;
  if ((bits & (kKuKeyCertSign | kKuCrlSign)) == 0) bits |= kKuDigitalSignature;
  return bits;
}

Profile Profile::Node() {
  Profile p;
  p.name = "node";
  p.key_usage = kKuDigitalSignature | kKuKeyEncipherment;
  p.extended_key_usage = {kEkuServerAuth, kEkuClientAuth};
  p.require_san = true;
  return p;
}

Profile Profile::Server() {
  Profile p = Node();
  p.name = "server";
  p.extended_key_usage = {kEkuServerAuth};
  return p;
}

Profile Profile::Client() {
  Profile p;
  p.name = "client";
  p.key_usage = kKuDigitalSignature | kKuKeyEncipherment;
  p.extended_key_usage = {kEkuClientAuth};
  return p;
}

Profile Profile::Intermediate(std::optional<int> path_len) {
  Profile p;
  p.name = "intermediate";
  p.is_ca = true;
  p.path_len = path_len;
  p.key_usage = kKuKeyCertSign | kKuCrlSign | kKuDigitalSignature;
  p.allow_sans = false;
  p.default_days = 1825;
  return p;
}

Profile Profile::Root(std::optional<int> path_len) {
  Profile p = Intermediate(path_len);
  p.name = "root";
  p.default_days = 3650;
  return p;
}

absl::StatusOr<Profile> Profile::ByName(absl::string_view name) {
  const std::string lower = absl::AsciiStrToLower(name);
  if (lower == "node") return Node();
  if (lower == "server") return Server();
  if (lower == "client") return Client();
  if (lower == "intermediate") return Intermediate();
  return MakeError(ErrorKind::kInvalidArgument,
                   absl::StrCat("unknown profile '", name,
                                "'; valid profiles: node, server, client, intermediate"));
}

namespace {

bool IsDottedOid(absl::string_view text) {
  return !text.empty() && absl::ascii_isdigit(text.front()) &&
         text.find_first_not_of("0123456789.") == absl::string_view::npos;
}

}  // namespace

absl::Status CheckValidityDays(int days) {
  if (days < 1) {
    return MakeError(ErrorKind::kInvalidArgument,
                     absl::StrCat("validity must be at least one day, got ", days));
  }
  return absl::OkStatus();
}

absl::Status Profile::Validate() const {
  absl::Status s = CheckValidityDays(default_days);
  if (!s.ok()) return Annotate(s, absl::StrCat("profile '", name, "'"));
  if (key_usage >= (1u << 9)) {
    return MakeError(ErrorKind::kInvalidArgument,
                     absl::StrCat("key usage bit set ", key_usage,
                                  " has bits beyond decipherOnly (bit 8)"));
  }
  for (const std::string& oid : extended_key_usage) {
    if (!IsDottedOid(oid)) {
      return MakeError(ErrorKind::kInvalidArgument,
                       absl::StrCat("extended key usage '", oid, "' is not a dotted OID"));
    }
  }
  if (path_len.has_value() && *path_len < 0) {
    return MakeError(ErrorKind::kInvalidArgument,
                     absl::StrCat("path length ", *path_len, " is negative"));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::vector<std::string>> ParseExtendedKeyUsages(absl::string_view text) {
  std::vector<std::string> oids;
  for (absl::string_view item : absl::StrSplit(text, ',', absl::SkipWhitespace())) {
    absl::StatusOr<std::string> oid = ParseExtendedKeyUsageName(absl::StripAsciiWhitespace(item));
    if (!oid.ok()) return oid.status();
    oids.push_back(*std::move(oid));
  }
  return oids;
}

SigningPolicy SigningPolicy::Cockroach() {
  SigningPolicy p;
  p.fields = {{"O", Rule::kSupplied}, {"CN", Rule::kSupplied}};
  p.keep_unlisted = true;
  p.copy_csr_sans = true;
  return p;
}

SigningPolicy SigningPolicy::Permissive() { return SigningPolicy(); }

}  // namespace certkit
