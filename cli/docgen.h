// cli/docgen.h: everything certkit derives from its own command definitions
// (the CLI11 tree built by the Register*Commands functions): `certkit help`,
// the bash/zsh/fish completion scripts (`certkit completion SHELL`), the man
// page (`certkit man`), the unknown-command suggestion and --version.
#ifndef CERTKIT_CLI_DOCGEN_H_
#define CERTKIT_CLI_DOCGEN_H_

#include <string>
#include <vector>

#include <CLI/CLI.hpp>

namespace certkit_cli {

// VersionText is the --version output: the CLI's version and the version
// of the certkit library it runs on.
std::string VersionText();

// NearestName returns the entry of |names| closest to |word| (edit
// distance at most 3, or a prefix match), or "" when none is close.
std::string NearestName(const std::string& word, const std::vector<std::string>& names);

// RegisterDocCommands adds `help [command...]`, `completion bash|zsh|fish`
// and `man` to |app|. Call it after every other command is registered: the
// scripts describe the tree as it is at that moment.
void RegisterDocCommands(CLI::App& app, int* exit_code);

// SetPlaceholders names the value of every option of |app| (and its
// subcommands) that takes one and was not named by its command: the usual
// name of the option (FILE for --out, TYPE for --key-type, SRC for
// passwords, DAYS for --days...) or its long name in capitals; positionals
// get their name in capitals. --help and the man page show it (RegisterDocCommands
// calls it).
void SetPlaceholders(CLI::App& app);

// BashCompletion, ZshCompletion, FishCompletion and ManPage render |app|.
std::string BashCompletion(CLI::App& app);
std::string ZshCompletion(CLI::App& app);
std::string FishCompletion(CLI::App& app);
std::string ManPage(CLI::App& app);

}  // namespace certkit_cli

#endif  // CERTKIT_CLI_DOCGEN_H_
