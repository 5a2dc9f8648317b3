// lib/verify/public_suffix.cc: Public Suffix List lookup.
#include "verify/public_suffix.h"

#include <fstream>
#include <string>
#include <unordered_set>

#include "absl/strings/ascii.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"

namespace certkit {
namespace verify_internal {
namespace {

struct SuffixList {
  bool loaded = false;
  std::unordered_set<std::string> rules;       // "co.uk"
  std::unordered_set<std::string> wildcards;   // "*.ck" stored as "ck"
  std::unordered_set<std::string> exceptions;  // "!www.ck" stored as "www.ck"
};

const SuffixList& List() {
  static const SuffixList* list = [] {
    auto* l = new SuffixList;
    std::ifstream in(kPublicSuffixListPath);
    std::string line;
    while (std::getline(in, line)) {
      absl::string_view rule = absl::StripAsciiWhitespace(line);
      if (rule.empty() || absl::StartsWith(rule, "//")) continue;
      rule = rule.substr(0, rule.find_first_of(" \t"));
      bool ascii = true;
      for (unsigned char c : rule) ascii = ascii && c < 0x80;
      if (!ascii) continue;  // U-label rules: certificate names are A-labels
      std::string r = absl::AsciiStrToLower(rule);
      if (absl::ConsumePrefix(&rule, "!")) {
        l->exceptions.insert(r.substr(1));
      } else if (absl::StartsWith(r, "*.")) {
        l->wildcards.insert(r.substr(2));
      } else {
        l->rules.insert(r);
      }
      l->loaded = true;
    }
    return l;
  }();
  return *list;
}

}  // namespace

bool IsPublicSuffix(const std::string& domain) {
  if (domain.empty()) return true;
  const size_t dot = domain.find('.');
  if (dot == std::string::npos) return true;  // a TLD
  const SuffixList& list = List();
  if (!list.loaded) return false;
  if (list.exceptions.count(domain)) return false;
  if (list.rules.count(domain)) return true;
  return list.wildcards.count(domain.substr(dot + 1)) > 0;
}

}  // namespace verify_internal
}  // namespace certkit
