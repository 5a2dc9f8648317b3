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

// PrintError writes "certkit: error: <message> [<kind>]" to stderr (the
// message escaped for the terminal), records it for the --json report and
// returns kExitError.
int PrintError(const absl::Status& status);

// ParseWindow parses a duration such as "30d", "12h", "2w", "90m" or any
// absl::ParseDuration form. Negative or unparsable input is kInvalidArgument.
absl::StatusOr<absl::Duration> ParseWindow(absl::string_view text);

// Reading certificates, keys and CAs from files, RFC 3339 times and paths
// are the library's (certkit/ca_files.h, certkit/rfc3339.h, certkit/file.h).
// The CLI's own readers below add "-" (stdin) and name the flag in errors.
using certkit::CaFiles;
using certkit::FileExists;
using certkit::FormatRfc3339;
using certkit::JoinPath;
using certkit::LoadCa;
using certkit::ParseRfc3339;

// ReadInput reads |path|, or standard input when |path| is "-" (once per
// process: a second "-" is kInvalidArgument). Errors name |flag| (e.g.
// "--csr") when it is not empty, and the file.
absl::StatusOr<std::vector<uint8_t>> ReadInput(const std::string& path, absl::string_view flag = {});

// ReadCertificates reads every certificate of a PEM bundle or one DER
// certificate from |path| ("-": stdin). Errors name |flag| and the file.
absl::StatusOr<std::vector<certkit::Certificate>> ReadCertificates(const std::string& path,
                                                                   absl::string_view flag = {});
// ReadCertificate reads the first certificate of |path|.
absl::StatusOr<certkit::Certificate> ReadCertificate(const std::string& path,
                                                     absl::string_view flag = {});

// ReadPrivateKey reads a PEM or DER private key from |path| ("-": stdin),
// decrypted with |password| when encrypted. Errors name |flag| and the file.
absl::StatusOr<certkit::PrivateKey> ReadPrivateKey(const std::string& path,
                                                   absl::string_view password = {},
                                                   absl::string_view flag = {});

// CheckKeyFilePermissions fails with kInvalidArgument when the private key
// file |path| is readable or writable by group or others, as CockroachDB
// refuses such keys. The message names |what| ("CA key", "key"), the file,
// its mode, the chmod to run and |override_flag|. kNotFound when missing.
absl::Status CheckKeyFilePermissions(const std::string& path, absl::string_view what = "CA key",
                                     absl::string_view override_flag = "--allow-insecure-ca-key");

// KeyFileModeProblem returns "" when |path| is not accessible by group or
// others (or is "-"), else a description such as "mode 0644: accessible by
// group/others; run chmod 600 'path'".
std::string KeyFileModeProblem(const std::string& path);

// WithHint returns |status| with |hint| appended to its message when its
// ErrorKind is |kind| (e.g. "; pass --overwrite to replace it" for
// kAlreadyExists), unchanged otherwise: the library's errors name the
// problem, the CLI names its flag.
absl::Status WithHint(const absl::Status& status, certkit::ErrorKind kind, absl::string_view hint);

// WriteKeyFile writes |key| as PEM with mode 0600 (atomic); without
// |overwrite| an existing file is kAlreadyExists naming the file. "-" writes
// to stdout, only when |allow_stdout| (the --allow-key-stdout flag);
// otherwise kInvalidArgument.
absl::Status WriteKeyFile(const std::string& path, const certkit::PrivateKey& key,
                          bool overwrite, bool allow_stdout = false);
// WriteTextFile writes public text (certificates) with mode 0644 (atomic);
// "-" writes to stdout. Records the write for the --json report.
absl::Status WriteTextFile(const std::string& path, const std::string& text, bool overwrite,
                           const std::string& what = "file");
// CheckOutputFree is kAlreadyExists naming |flag| when |path| exists and
// |overwrite| is false ("-" is always free).
absl::Status CheckOutputFree(const std::string& path, bool overwrite, absl::string_view flag);

// SplitList splits "a,b, c" into {"a","b","c"}, dropping empty items.
std::vector<std::string> SplitList(const std::vector<std::string>& items);

// DefaultJobs is the number of hardware threads (at least 1).
int DefaultJobs();

}  // namespace certkit_cli

#endif  // CERTKIT_CLI_COMMON_H_
