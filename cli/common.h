// cli/common.h: helpers every certkit command shares: exit codes, error
// printing and hints, parsing of durations, and writing output files with
// the right modes.
#ifndef CERTKIT_CLI_COMMON_H_
#define CERTKIT_CLI_COMMON_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "certkit/ca.h"
#include "certkit/ca_files.h"
#include "certkit/cert.h"
#include "certkit/error.h"
#include "certkit/file.h"
#include "certkit/key.h"
#include "certkit/rfc3339.h"

namespace certkit_cli {

// Exit codes of the certkit binary (documented in docs/CLI.md).
enum ExitCode : int {
  kExitOk = 0,
  kExitCheckFailed = 1,  // verify: invalid; expiry: something expires
  kExitUsage = 2,        // bad command line
  kExitError = 3,        // anything else: I/O, bad password, malformed input
};

// PrintError writes "certkit: error: <message> [<kind>]" to stderr and
// returns kExitError.
int PrintError(const absl::Status& status);

// ParseWindow parses a duration such as "30d", "12h", "2w", "90m" or any
// absl::ParseDuration form. Negative or unparsable input is kInvalidArgument.
absl::StatusOr<absl::Duration> ParseWindow(absl::string_view text);

// Reading certificates, keys and CAs from files, RFC 3339 times and paths
// are the library's (certkit/ca_files.h, certkit/rfc3339.h, certkit/file.h).
using certkit::CaFiles;
using certkit::CheckKeyFilePermissions;
using certkit::FileExists;
using certkit::FormatRfc3339;
using certkit::JoinPath;
using certkit::LoadCa;
using certkit::ParseRfc3339;
using certkit::ReadCertificate;
using certkit::ReadCertificates;
using certkit::ReadPrivateKey;

// WithHint returns |status| with |hint| appended to its message when its
// ErrorKind is |kind| (e.g. "; pass --overwrite to replace it" for
// kAlreadyExists), unchanged otherwise: the library's errors name the
// problem, the CLI names its flag.
absl::Status WithHint(const absl::Status& status, certkit::ErrorKind kind, absl::string_view hint);

// WriteKeyFile writes |key| as PEM with mode 0600 (atomic); without
// |overwrite| an existing file is kAlreadyExists naming the file.
absl::Status WriteKeyFile(const std::string& path, const certkit::PrivateKey& key,
                          bool overwrite);
// WriteTextFile writes public text (certificates) with mode 0644 (atomic).
absl::Status WriteTextFile(const std::string& path, const std::string& text, bool overwrite);

// SplitList splits "a,b, c" into {"a","b","c"}, dropping empty items.
std::vector<std::string> SplitList(const std::vector<std::string>& items);

// DefaultJobs is the number of hardware threads (at least 1).
int DefaultJobs();

}  // namespace certkit_cli

#endif  // CERTKIT_CLI_COMMON_H_
