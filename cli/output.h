// cli/output.h: how certkit prints. Every value that comes from a file, a
// certificate or a key store goes through Esc() before it reaches a terminal
// (control characters and invalid UTF-8 escaped, see util/display.h), and
// every JSON document through JsonText(), which never throws: invalid UTF-8
// in a string is replaced by U+FFFD.
//
// "-" as a file name means stdin (reading) or stdout (writing). Once data has
// gone to stdout, progress lines ("wrote ...") go to stderr so that a
// pipeline only ever sees the data.
#ifndef CERTKIT_CLI_OUTPUT_H_
#define CERTKIT_CLI_OUTPUT_H_

#include <string>

#include <nlohmann/json.hpp>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace certkit_cli {

// Esc makes |text| safe to print (certkit::EscapeForDisplay).
std::string Esc(absl::string_view text);

// JsonText serializes |j| with 2-space indentation; strings that are not
// valid UTF-8 have each invalid byte replaced by U+FFFD. Never throws.
std::string JsonText(const nlohmann::json& j);
// PrintJson writes JsonText(j) and a newline to stdout.
void PrintJson(const nlohmann::json& j);
// PrintRawJson is PrintJson for a document already made of JsonText()
// pieces (|text|, without the final newline).
void PrintRawJson(const std::string& text);

// IsStdio reports whether |path| is "-".
inline bool IsStdio(absl::string_view path) { return path == "-"; }

// Note prints one progress line (already escaped by the caller) to stdout,
// or to stderr once data has been written to stdout (see MarkStdoutData).
void Note(const std::string& line);
// MarkStdoutData records that stdout now carries data.
void MarkStdoutData();
// WriteStdout writes |data| to stdout and marks it (kIo on failure).
absl::Status WriteStdout(absl::string_view data);

// --json. Every command accepts --json (main.cc adds it). A command that
// describes something prints its own document with PrintJson(); for any
// other command main.cc prints the report FinishReport() builds from what
// the command recorded: the files it wrote (RecordWrite), its progress lines
// (Note) and its error (RecordError), e.g.
//   {"command":"certkit csr","ok":true,"exit_code":0,
//    "written":[{"path":"db1.csr","what":"certificate request"}],
//    "messages":["wrote certificate request db1.csr for CN=db1"]}
// In JSON mode data sent to "-" is carried in the report ("content") instead
// of being written raw, so stdout stays one JSON document.
bool JsonMode();
// JsonFlag is the variable every command's --json flag sets.
bool* JsonFlag();
// ReserveStdoutForJson is called before a --json command runs: whatever
// the command prints to stdout with printf (progress and summary lines)
// goes to /dev/null, and only PrintJson()/FinishReport() reach the real
// stdout, so that it always holds exactly one JSON document.
void ReserveStdoutForJson();
// RecordWrite notes that |path| ("-" for stdout) was written.
void RecordWrite(const std::string& path, const std::string& what);
// ReportField adds |key| to the JSON report of a successful or failed
// command (the report's own keys win), e.g. rotate-ca's "stage".
void ReportField(const std::string& key, const nlohmann::json& value);
// RecordError keeps the error for the JSON report.
void RecordError(const std::string& kind, const std::string& message);
// FinishReport prints the JSON report unless the command printed its own
// document; no-op outside JSON mode.
void FinishReport(const std::string& command, int exit_code);
// PrintText writes |text| to the real stdout, also in --json mode (where
// printf output goes to /dev/null): for --help and --version, which are
// asked for explicitly and are not JSON.
void PrintText(const std::string& text);
// ReportUsageError prints the JSON report of a command line that could not
// be parsed (unknown option or command, missing or bad value): "ok": false,
// |exit_code| and an "error" of kind "invalid_argument" carrying |message|.
// main.cc calls it when --json is on the command line, whether or not the
// parser got as far as setting the flag.
void ReportUsageError(const std::string& command, const std::string& message, int exit_code);

}  // namespace certkit_cli

#endif  // CERTKIT_CLI_OUTPUT_H_
