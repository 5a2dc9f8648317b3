#include "certkit/profile_file.h"

#include <set>
#include <vector>

#include <nlohmann/json.hpp>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "certkit/cert.h"
#include "certkit/error.h"
#include "certkit/file.h"
#include "core/oid.h"

namespace certkit {
namespace {

using nlohmann::json;

// Profile files are small; refuse anything that is clearly not one.
constexpr size_t kMaxProfileFileBytes = 1 << 20;

absl::Status Bad(const std::string& where, absl::string_view why) {
  return MakeError(ErrorKind::kInvalidArgument,
                   absl::StrCat("profile file: ", where, ": ", why));
}

// Keys checks that |obj| is an object whose keys are all in |allowed|.
absl::Status Keys(const json& obj, const std::string& where,
                  std::initializer_list<const char*> allowed) {
  if (!obj.is_object()) return Bad(where, "must be a JSON object");
  for (auto it = obj.begin(); it != obj.end(); ++it) {
    bool ok = false;
    for (const char* a : allowed) ok = ok || it.key() == a;
    if (!ok) {
      return Bad(where, absl::StrCat("unknown key '", absl::CHexEscape(it.key()), "'; valid keys: ",
                                     absl::StrJoin(allowed, ", ")));
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<int> Int(const json& v, const std::string& where, int lo, int hi) {
  if (!v.is_number_integer() || v.get<int64_t>() < lo || v.get<int64_t>() > hi) {
    return Bad(where, absl::StrCat("must be an integer from ", lo, " to ", hi));
  }
  return static_cast<int>(v.get<int64_t>());
}

absl::StatusOr<bool> Bool(const json& v, const std::string& where) {
  if (!v.is_boolean()) return Bad(where, "must be true or false");
  return v.get<bool>();
}

absl::StatusOr<std::vector<std::string>> Strings(const json& v, const std::string& where) {
  if (!v.is_array()) return Bad(where, "must be an array of strings");
  std::vector<std::string> out;
  for (size_t i = 0; i < v.size(); ++i) {
    if (!v[i].is_string()) return Bad(absl::StrCat(where, "[", i, "]"), "must be a string");
    out.push_back(v[i].get<std::string>());
  }
  return out;
}

absl::StatusOr<uint32_t> KeyUsage(const json& v, const std::string& where) {
  auto names = Strings(v, where);
  if (!names.ok()) return names.status();
  uint32_t bits = 0;
  for (size_t i = 0; i < names->size(); ++i) {
    auto bit = ParseKeyUsageName((*names)[i]);
    if (!bit.ok()) return Bad(absl::StrCat(where, "[", i, "]"), bit.status().message());
    bits |= *bit;
  }
  return bits;
}

absl::Status ReadProfile(const json& v, const std::string& where, Profile* p) {
  if (auto st = Keys(v, where,
                     {"key_usage", "extended_key_usage", "basic_constraints", "ca", "path_len",
                      "require_san", "allow_sans", "days"});
      !st.ok()) {
    return st;
  }
  if (v.contains("key_usage")) {
    auto ku = KeyUsage(v["key_usage"], where + ".key_usage");
    if (!ku.ok()) return ku.status();
    p->key_usage = *ku;
  }
  if (v.contains("extended_key_usage")) {
    auto names = Strings(v["extended_key_usage"], where + ".extended_key_usage");
    if (!names.ok()) return names.status();
    p->extended_key_usage.clear();
    for (size_t i = 0; i < names->size(); ++i) {
      auto oid = ParseExtendedKeyUsageName((*names)[i]);
      if (!oid.ok()) {
        return Bad(absl::StrCat(where, ".extended_key_usage[", i, "]"), oid.status().message());
      }
      p->extended_key_usage.push_back(*oid);
    }
  }
  struct BoolKey {
    const char* key;
    bool* field;
  };
  for (const BoolKey& b : {BoolKey{"basic_constraints", &p->basic_constraints},
                           BoolKey{"ca", &p->is_ca}, BoolKey{"require_san", &p->require_san},
                           BoolKey{"allow_sans", &p->allow_sans}}) {
    if (!v.contains(b.key)) continue;
    auto value = Bool(v[b.key], absl::StrCat(where, ".", b.key));
    if (!value.ok()) return value.status();
    *b.field = *value;
  }
  if (v.contains("path_len")) {
    auto n = Int(v["path_len"], where + ".path_len", 0, 16);
    if (!n.ok()) return n.status();
    p->path_len = *n;
  }
  if (v.contains("days")) {
    auto n = Int(v["days"], where + ".days", 1, 36500);
    if (!n.ok()) return n.status();
    p->default_days = *n;
  }
  if (p->is_ca && (p->key_usage & kKuKeyCertSign) == 0) {
    return Bad(where, "a CA profile's key_usage must include keyCertSign");
  }
  return absl::OkStatus();
}

absl::Status ReadPolicy(const json& v, SigningPolicy* policy) {
  const std::string where = "policy";
  if (auto st = Keys(v, where, {"subject", "keep_unlisted", "copy_sans"}); !st.ok()) return st;
  *policy = SigningPolicy();
  policy->keep_unlisted = false;  // openssl ca drops fields the policy does not list
  if (v.contains("subject")) {
    const json& fields = v["subject"];
    if (!fields.is_array()) {
      return Bad(where + ".subject", "must be an array of {\"FIELD\": \"supplied|match|optional\"}");
    }
    for (size_t i = 0; i < fields.size(); ++i) {
      const std::string at = absl::StrCat(where, ".subject[", i, "]");
      if (!fields[i].is_object() || fields[i].size() != 1 || !fields[i].begin()->is_string()) {
        return Bad(at, "must be one {\"FIELD\": \"supplied|match|optional\"} pair");
      }
      SigningPolicy::Field f;
      f.type = fields[i].begin().key();
      if (oid::CanonicalType(f.type).empty()) {
        return Bad(at, absl::StrCat("unknown subject field '", absl::CHexEscape(f.type), "'"));
      }
      const std::string rule = absl::AsciiStrToLower(fields[i].begin()->get<std::string>());
      if (rule == "supplied") {
        f.rule = SigningPolicy::Rule::kSupplied;
      } else if (rule == "match") {
        f.rule = SigningPolicy::Rule::kMatch;
      } else if (rule == "optional") {
        f.rule = SigningPolicy::Rule::kOptional;
      } else {
        return Bad(at, absl::StrCat("rule '", absl::CHexEscape(rule),
                                    "' is not supplied, match or optional"));
      }
      policy->fields.push_back(f);
    }
  }
  if (v.contains("keep_unlisted")) {
    auto b = Bool(v["keep_unlisted"], where + ".keep_unlisted");
    if (!b.ok()) return b.status();
    policy->keep_unlisted = *b;
  }
  if (v.contains("copy_sans")) {
    auto b = Bool(v["copy_sans"], where + ".copy_sans");
    if (!b.ok()) return b.status();
    policy->copy_csr_sans = *b;
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<uint32_t> ParseKeyUsageName(absl::string_view name) {
  std::vector<std::string> names;
  for (int bit = 0; bit < 9; ++bit) {
    const std::string n = KeyUsageNames(1u << bit).front();
    if (absl::EqualsIgnoreCase(n, name)) return 1u << bit;
    names.push_back(n);
  }
  return MakeError(ErrorKind::kInvalidArgument,
                   absl::StrCat("unknown key usage '", absl::CHexEscape(name),
                                "'; valid: ", absl::StrJoin(names, ", ")));
}

absl::StatusOr<std::string> ParseExtendedKeyUsageName(absl::string_view name) {
  static const struct {
    const char* name;
    const char* oid;
  } kNames[] = {{"serverAuth", kEkuServerAuth},
                {"clientAuth", kEkuClientAuth},
                {"codeSigning", "1.3.6.1.5.5.7.3.3"},
                {"emailProtection", kEkuEmailProtection},
                {"timeStamping", "1.3.6.1.5.5.7.3.8"},
                {"OCSPSigning", "1.3.6.1.5.5.7.3.9"},
                {"anyExtendedKeyUsage", kEkuAny}};
  for (const auto& n : kNames) {
    if (absl::EqualsIgnoreCase(name, n.name)) return std::string(n.oid);
  }
  if (oid::IsDottedOid(std::string(name))) return std::string(name);
  return MakeError(ErrorKind::kInvalidArgument,
                   absl::StrCat("unknown extended key usage '", absl::CHexEscape(name),
                                "'; use serverAuth, clientAuth, codeSigning, emailProtection, "
                                "timeStamping, OCSPSigning, anyExtendedKeyUsage or a dotted OID"));
}

absl::StatusOr<Profile> ProfileFile::Get(absl::string_view name) const {
  auto it = profiles.find(std::string(name));
  if (it != profiles.end()) return it->second;
  std::vector<std::string> names;
  for (const auto& p : profiles) names.push_back(p.first);
  return MakeError(ErrorKind::kNotFound,
                   absl::StrCat("the profile file has no profile '", absl::CHexEscape(name),
                                "'; it has: ", names.empty() ? "none" : absl::StrJoin(names, ", ")));
}

absl::StatusOr<ProfileFile> ParseProfileFile(absl::string_view text) {
  if (text.size() > kMaxProfileFileBytes) {
    return MakeError(ErrorKind::kLimitExceeded, "profile file: larger than 1 MiB");
  }
  json root = json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
  if (root.is_discarded()) return Bad("document", "not valid JSON");
  if (auto st = Keys(root, "document", {"ca", "policy", "profiles"}); !st.ok()) return st;
  ProfileFile out;
  if (root.contains("ca")) {
    const json& ca = root["ca"];
    if (auto st = Keys(ca, "ca", {"key_usage", "path_len", "days"}); !st.ok()) return st;
    if (ca.contains("key_usage")) {
      auto ku = KeyUsage(ca["key_usage"], "ca.key_usage");
      if (!ku.ok()) return ku.status();
      if ((*ku & kKuKeyCertSign) == 0) return Bad("ca.key_usage", "must include keyCertSign");
      out.ca_key_usage = *ku;
    }
    if (ca.contains("path_len")) {
      auto n = Int(ca["path_len"], "ca.path_len", 0, 16);
      if (!n.ok()) return n.status();
      out.ca_path_len = *n;
    }
    if (ca.contains("days")) {
      auto n = Int(ca["days"], "ca.days", 1, 36500);
      if (!n.ok()) return n.status();
      out.ca_days = *n;
    }
  }
  if (root.contains("policy")) {
    if (auto st = ReadPolicy(root["policy"], &out.policy); !st.ok()) return st;
  }
  if (root.contains("profiles")) {
    const json& profiles = root["profiles"];
    if (!profiles.is_object()) return Bad("profiles", "must be a JSON object of profiles by name");
    for (auto it = profiles.begin(); it != profiles.end(); ++it) {
      auto builtin = Profile::ByName(it.key());
      Profile p;
      if (builtin.ok()) p = *builtin;
      p.name = it.key();
      if (auto st = ReadProfile(it.value(), "profiles." + it.key(), &p); !st.ok()) return st;
      out.profiles[it.key()] = p;
    }
  }
  return out;
}

absl::StatusOr<ProfileFile> LoadProfileFile(const std::string& path) {
  auto text = ReadTextFile(path, kMaxProfileFileBytes);
  if (!text.ok()) return text.status();
  auto file = ParseProfileFile(*text);
  if (!file.ok()) return Annotate(file.status(), absl::StrCat("'", path, "'"));
  return file;
}

}  // namespace certkit
