// cli/password.h: where a password comes from, following OpenSSL's -passin
// convention, so that passwords never have to be on the command line.
//
//   pass:SECRET   the password itself (visible in `ps`; avoid)
//   env:VAR       the value of environment variable VAR
//   file:PATH     the first line of PATH
//   prompt        ask on the terminal without echo
// With no source given, certkit prompts when stdin is a terminal; otherwise
// the command fails, unless --insecure-default-password allows the
// well-known default "changeit".
#ifndef CERTKIT_CLI_PASSWORD_H_
#define CERTKIT_CLI_PASSWORD_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace certkit_cli {

// The password keytool uses for new stores when none is given.
inline constexpr char kInsecureDefaultPassword[] = "changeit";

struct PasswordRequest {
  std::string spec;                    // "pass:..", "env:..", "file:..", "prompt" or ""
  std::string what = "store password"; // named in prompts and errors
  std::string flag = "--storepass";     // the option that sets it, for errors
  bool confirm = false;                // prompt twice (new passwords)
  bool allow_insecure_default = false; // --insecure-default-password
  bool required = true;                // false: "" when no source is given
};

struct Password {
  std::string value;
  // source describes where it came from without revealing it: "env:VAR",
  // "file:PATH", "pass", "prompt", "insecure-default", "none".
  std::string source;
};

// ResolvePassword obtains the password described by |request|. Errors
// (kInvalidArgument, kNotFound, kIo, kBadPassword for a mismatched
// confirmation) name the source and never contain the password.
absl::StatusOr<Password> ResolvePassword(const PasswordRequest& request);

// ResolveArgPassword is ResolvePassword for an option given as a source
// |spec| (e.g. --key-pass), named |what| and |flag| in prompts and errors;
// prompts on a terminal when |spec| is empty.
absl::StatusOr<std::string> ResolveArgPassword(const std::string& spec, const char* what,
                                               const char* flag);

// ValidatePasswordSpec checks the syntax of a source without reading it.
absl::Status ValidatePasswordSpec(absl::string_view spec);

}  // namespace certkit_cli

#endif  // CERTKIT_CLI_PASSWORD_H_
