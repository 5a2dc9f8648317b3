// certkit: certificates and key stores for database clusters.
#include <cstdio>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "cmd_cluster_status.h"
#include "commands.h"
#include "common.h"
#include "deprecated.h"
#include "docgen.h"
#include "output.h"

namespace {

using certkit_cli::Esc;

// Leaves returns every runnable (leaf) command under |app|.
void Leaves(CLI::App* app, std::vector<CLI::App*>* out) {
  auto subs = app->get_subcommands([](CLI::App*) { return true; });
  if (subs.empty()) {
    out->push_back(app);
    return;
  }
  for (CLI::App* s : subs) Leaves(s, out);
}

// CommandPath returns "certkit keystore list" for the command that ran.
std::string CommandPath(CLI::App* app) {
  std::string path = app->get_name();
  for (CLI::App* cur = app;;) {
    auto parsed = cur->get_subcommands();
    if (parsed.empty()) break;
    cur = parsed.front();
    path += " " + cur->get_name();
  }
  return path;
}

// CheckCommandNames walks argv through the command groups and reports the
// first word that is not a command of its group: "unknown command 'x'" with
// the nearest name (and, with |json|, the JSON error report). Returns
// kExitUsage after printing, or -1 when fine.
int CheckCommandNames(CLI::App* app, int argc, char** argv, bool json) {
  CLI::App* group = app;
  std::string path = "certkit";
  for (int i = 1; i < argc; ++i) {
    std::string word = argv[i];
    if (word.empty() || word[0] == '-') return -1;  // options: CLI11 reports those
    auto subs = group->get_subcommands([](CLI::App*) { return true; });
    if (subs.empty()) return -1;  // a leaf command's positional arguments
    CLI::App* next = nullptr;
    std::vector<std::string> names;
    for (CLI::App* s : subs) {
      names.push_back(s->get_name());
      if (s->check_name(word)) next = s;
    }
    if (next == nullptr) {
      std::string where = group == app ? "" : " " + group->get_name();
      std::string message = "unknown command '" + Esc(word) + "'";
      if (!where.empty()) message += " for certkit" + where;
      std::string near = certkit_cli::NearestName(word, names);
      if (!near.empty()) message += "; did you mean '" + near + "'?";
      std::fprintf(stderr, "certkit: error: %s\nRun 'certkit help%s' for the list of commands.\n",
                   message.c_str(), where.c_str());
      if (json) certkit_cli::ReportUsageError(path, message, certkit_cli::kExitUsage);
      return certkit_cli::kExitUsage;
    }
    group = next;
    path += " " + group->get_name();
  }
  return -1;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{
      "certkit: CAs, node and client certificates and Java/PKCS#12/PEM key stores for "
      "database clusters (Cassandra, CockroachDB, PostgreSQL)"};
  app.name("certkit");
  app.require_subcommand(1);
  app.set_version_flag("--version", certkit_cli::VersionText());
  certkit_cli::SetExample(&app,
                          "certkit cluster init --nodes 10.0.0.1,10.0.0.2,10.0.0.3 --clients app "
                          "--out demo --storepass env:STOREPASS");
  int exit_code = certkit_cli::kExitOk;
  certkit_cli::RegisterCaCommands(app, &exit_code);
  certkit_cli::RegisterNodeCommands(app, &exit_code);
  certkit_cli::RegisterCsrCommands(app, &exit_code);
  certkit_cli::RegisterClusterCommands(app, &exit_code);
  certkit_cli::RegisterClusterStatusCommand(app, &exit_code);
  certkit_cli::RegisterClusterIdentitiesCommand(app, &exit_code);
  certkit_cli::RegisterKeystoreCommands(app, &exit_code);
  certkit_cli::RegisterInspectCommand(app, &exit_code);
  certkit_cli::RegisterVerifyCommand(app, &exit_code);
  certkit_cli::RegisterExpiryCommand(app, &exit_code);
  certkit_cli::RegisterRevokeCommands(app, &exit_code);
  certkit_cli::RegisterProbeCommand(app, &exit_code);
  // Every command that does something takes --json.
  std::vector<CLI::App*> leaves;
  Leaves(&app, &leaves);
  for (CLI::App* leaf : leaves) {
    leaf->add_flag("--json", *certkit_cli::JsonFlag(),
                   "print the result as one JSON document (what was found or written)");
  }
  certkit_cli::RegisterDocCommands(app, &exit_code);  // help, completion, man

  bool json = false;
  for (int i = 1; i < argc && std::string(argv[i]) != "--"; ++i) {
    if (std::string(argv[i]) == "--json") json = true;
  }
  int rc = CheckCommandNames(&app, argc, argv, json);
  if (rc >= 0) return rc;
  // Old flag spellings (cli/deprecated.cc): rewritten to the new ones, with
  // a note on stderr.
  std::vector<std::string> args(argv + 1, argv + argc);
  for (const std::string& warning : certkit_cli::RewriteDeprecatedFlags(&app, &args)) {
    std::fprintf(stderr, "certkit: %s\n", warning.c_str());
  }
  std::vector<char*> new_argv = {argv[0]};
  for (std::string& a : args) new_argv.push_back(a.data());
  new_argv.push_back(nullptr);
  if (json) certkit_cli::ReserveStdoutForJson();
  try {
    app.parse(argc, new_argv.data());
  } catch (const CLI::ParseError& e) {
    // --help and --version reach the terminal also under --json.
    std::ostringstream out;
    int code = app.exit(e, out, std::cerr);
    certkit_cli::PrintText(out.str());
    if (code == 0) return 0;
    if (json) {
      std::string path;
      certkit_cli::FindCommand(&app, args, &path);
      certkit_cli::ReportUsageError(path.empty() ? "certkit" : "certkit " + path, e.what(),
                                    certkit_cli::kExitUsage);
    }
    return certkit_cli::kExitUsage;
  }
  certkit_cli::FinishReport(CommandPath(&app), exit_code);
  return exit_code;
}
