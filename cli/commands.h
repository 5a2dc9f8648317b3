// cli/commands.h: registration of the certkit subcommands. Each
// cmd_<group>.cc adds its subcommands to the root CLI::App; a subcommand's
// callback runs the command and stores the process exit code in |*exit_code|.
#ifndef CERTKIT_CLI_COMMANDS_H_
#define CERTKIT_CLI_COMMANDS_H_

#include <string>

#include <CLI/CLI.hpp>

namespace certkit_cli {

void RegisterCaCommands(CLI::App& app, int* exit_code);        // ca create|intermediate
void RegisterNodeCommands(CLI::App& app, int* exit_code);      // node, client
void RegisterCsrCommands(CLI::App& app, int* exit_code);       // csr, sign
void RegisterClusterCommands(CLI::App& app, int* exit_code);   // cluster init|add|renew|rotate-ca
void RegisterKeystoreCommands(CLI::App& app, int* exit_code);  // keystore ...
void RegisterInspectCommand(CLI::App& app, int* exit_code);    // inspect
void RegisterVerifyCommand(CLI::App& app, int* exit_code);     // verify
void RegisterExpiryCommand(CLI::App& app, int* exit_code);     // expiry
void RegisterRevokeCommands(CLI::App& app, int* exit_code);    // revoke, crl
void RegisterProbeCommand(CLI::App& app, int* exit_code);      // probe
// cluster identities (after RegisterClusterCommands)
void RegisterClusterIdentitiesCommand(CLI::App& app, int* exit_code);

// SetExample puts "Example:" lines under a command's --help.
inline void SetExample(CLI::App* cmd, const std::string& example) {
  cmd->footer("\nExample:\n  " + example + "\n");
}

// AddPasswordOption adds an option taking a password source
// (pass:X | env:VAR | file:PATH | prompt).
inline CLI::Option* AddPasswordOption(CLI::App* cmd, const std::string& name, std::string* spec,
                                      const std::string& what) {
  return cmd->add_option(name, *spec,
                         what + " source: pass:PASSWORD | env:VAR | file:PATH | prompt "
                                "(default: prompt on a terminal)")
      ->type_name("SRC");
}

}  // namespace certkit_cli

#endif  // CERTKIT_CLI_COMMANDS_H_
