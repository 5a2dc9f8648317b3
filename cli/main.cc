// certkit: certificates and key stores for database clusters.
#include <cstdio>
#include <string>

#include <CLI/CLI.hpp>

#include "certkit/version.h"
#include "commands.h"
#include "common.h"

int main(int argc, char** argv) {
  CLI::App app{
      "certkit: CAs, node and client certificates and Java/PKCS#12/PEM key stores for "
      "database clusters (Cassandra, CockroachDB, PostgreSQL)"};
  app.name("certkit");
  app.require_subcommand(1);
  app.set_version_flag("--version", std::string("certkit ") + certkit::Version());
  certkit_cli::SetExample(&app,
                          "certkit cluster init --nodes 10.0.0.1,10.0.0.2,10.0.0.3 --clients app "
                          "--out demo --storepass env:STOREPASS");
  int exit_code = certkit_cli::kExitOk;
  certkit_cli::RegisterCaCommands(app, &exit_code);
  certkit_cli::RegisterNodeCommands(app, &exit_code);
  certkit_cli::RegisterCsrCommands(app, &exit_code);
  certkit_cli::RegisterClusterCommands(app, &exit_code);
  certkit_cli::RegisterKeystoreCommands(app, &exit_code);
  certkit_cli::RegisterInspectCommand(app, &exit_code);
  certkit_cli::RegisterVerifyCommand(app, &exit_code);
  certkit_cli::RegisterExpiryCommand(app, &exit_code);
  certkit_cli::RegisterRevokeCommands(app, &exit_code);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int rc = app.exit(e);
    return rc == 0 ? 0 : certkit_cli::kExitUsage;
  }
  return exit_code;
}
