#include "deprecated.h"

#include <set>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace certkit_cli {

const std::vector<DeprecatedFlag>& DeprecatedFlags() {
  // Key types are --key-type everywhere; --key is a key file only (csr,
  // probe). Key passwords: --key-pass (the key being read or written),
  // --ca-key-pass (the CA key), --new-key-pass (the new password of a key
  // being re-encrypted).
  static const std::vector<DeprecatedFlag> table = {
      {"--key", "--key-type",
       "ca create,ca intermediate,node,client,cluster init,cluster add,cluster renew"},
      {"--passin", "--key-pass", ""},       // inspect, probe
      {"--keypass", "--key-pass", ""},      // keystore *
      {"--src-keypass", "--src-key-pass", ""},  // keystore merge
      {"--passout", "--new-key-pass", ""},  // keystore export-key
  };
  return table;
}

CLI::App* FindCommand(CLI::App* app, const std::vector<std::string>& args, std::string* path) {
  CLI::App* cur = app;
  path->clear();
  for (const std::string& word : args) {
    if (word.empty() || word[0] == '-') break;
    CLI::App* next = nullptr;
    for (CLI::App* s : cur->get_subcommands([](CLI::App*) { return true; })) {
      if (s->check_name(word)) next = s;
    }
    if (next == nullptr) break;
    cur = next;
    *path = path->empty() ? cur->get_name() : absl::StrCat(*path, " ", cur->get_name());
  }
  return cur;
}

namespace {

bool Applies(const DeprecatedFlag& d, CLI::App* cmd, const std::string& path) {
  if (d.commands[0] != '\0') {
    for (absl::string_view c : absl::StrSplit(d.commands, ',')) {
      if (c == path) return true;
    }
    return false;
  }
  return cmd->get_option_no_throw(d.new_name) != nullptr &&
         cmd->get_option_no_throw(d.old_name) == nullptr;
}

}  // namespace

std::vector<std::string> RewriteDeprecatedFlags(CLI::App* app, std::vector<std::string>* args) {
  std::string path;
  CLI::App* cmd = FindCommand(app, *args, &path);
  std::vector<std::string> warnings;
  std::set<std::string> warned;
  for (std::string& arg : *args) {
    if (arg == "--") break;
    if (!absl::StartsWith(arg, "--")) continue;
    for (const DeprecatedFlag& d : DeprecatedFlags()) {
      const std::string old_name = d.old_name;
      std::string rest;
      if (arg == old_name) {
        rest = "";
      } else if (absl::StartsWith(arg, old_name + "=")) {
        rest = arg.substr(old_name.size());
      } else {
        continue;
      }
      if (!Applies(d, cmd, path)) continue;
      arg = absl::StrCat(d.new_name, rest);
      if (warned.insert(old_name).second) {
        warnings.push_back(absl::StrCat("warning: ", old_name, " is deprecated; use ", d.new_name,
                                        " (it will be removed in ", kDeprecatedRemovedIn, ")"));
      }
      break;
    }
  }
  return warnings;
}

}  // namespace certkit_cli
