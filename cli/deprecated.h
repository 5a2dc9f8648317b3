// cli/deprecated.h: old flag spellings that keep working for one release.
//
// The table in deprecated.cc is the only place that knows them: main.cc
// rewrites argv with RewriteDeprecatedFlags before CLI11 parses it, so the
// commands register only the new names (the old ones appear in no --help,
// man page or completion) and each old spelling used prints one note on
// stderr ("certkit: warning: --passin is deprecated; use --key-pass (it will
// be removed in 0.4)"), never on stdout.
#ifndef CERTKIT_CLI_DEPRECATED_H_
#define CERTKIT_CLI_DEPRECATED_H_

#include <string>
#include <vector>

#include <CLI/CLI.hpp>

namespace certkit_cli {

// The release that removes the old spellings.
inline constexpr char kDeprecatedRemovedIn[] = "0.4";

struct DeprecatedFlag {
  const char* old_name;  // "--passin"
  const char* new_name;  // "--key-pass"
  // Command paths ("node", "ca create") where |old_name| means |new_name|,
  // separated by commas; "" means every command that has |new_name| and
  // not |old_name|.
  const char* commands;
};

// DeprecatedFlags is the table of old spellings.
const std::vector<DeprecatedFlag>& DeprecatedFlags();

// FindCommand walks the leading words of |args| (argv without the program
// name) through |app|'s subcommands and returns the deepest command reached
// (|app| itself when none), with its path ("keystore list") in |*path|.
CLI::App* FindCommand(CLI::App* app, const std::vector<std::string>& args, std::string* path);

// RewriteDeprecatedFlags replaces, in |*args| (argv without the program
// name, up to a "--"), every old spelling that applies to the command the
// arguments name ("--passin X" and "--passin=X") by its new name, and
// returns one warning line per old spelling used (without "certkit: ").
std::vector<std::string> RewriteDeprecatedFlags(CLI::App* app, std::vector<std::string>* args);

}  // namespace certkit_cli

#endif  // CERTKIT_CLI_DEPRECATED_H_
