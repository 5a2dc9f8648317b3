#include "output.h"

#include <fcntl.h>
#include <unistd.h>

#include <cstdio>
#include <string>
#include <unordered_set>
#include <vector>

#include "certkit/error.h"
#include "certkit/display.h"

namespace certkit_cli {
namespace {

using nlohmann::json;

struct State {
  bool stdout_data = false;
  bool json_mode = false;
  bool json_printed = false;
  json written = json::array();
  std::unordered_set<std::string> written_paths;  // the paths in |written|
  json messages = json::array();
  json error;
  json fields = json::object();  // ReportField's, merged into the report
  std::FILE* json_out = nullptr;  // the real stdout in --json mode
};

State& S() {
  static State state;
  return state;
}

}  // namespace

std::string Esc(absl::string_view text) { return certkit::EscapeForDisplay(text); }

std::string JsonText(const json& j) {
  return certkit::EscapeJsonForDisplay(
      j.dump(2, ' ', /*ensure_ascii=*/false, json::error_handler_t::replace));
}

void PrintJson(const json& j) { PrintRawJson(JsonText(j)); }

void PrintRawJson(const std::string& json_text) {
  std::string text = json_text;
  text += '\n';
  std::FILE* out = S().json_out != nullptr ? S().json_out : stdout;
  std::fwrite(text.data(), 1, text.size(), out);
  std::fflush(out);
  S().json_printed = true;
  MarkStdoutData();
}

void Note(const std::string& line) {
  if (S().json_mode) {
    S().messages.push_back(line);
    return;
  }
  std::FILE* f = S().stdout_data ? stderr : stdout;
  std::fprintf(f, "%s\n", line.c_str());
}

void ReserveStdoutForJson() {
  if (S().json_out != nullptr) return;
  std::fflush(stdout);
  const int saved = dup(STDOUT_FILENO);
  const int devnull = open("/dev/null", O_WRONLY | O_CLOEXEC);
  if (saved < 0 || devnull < 0) return;
  S().json_out = fdopen(saved, "w");
  if (S().json_out == nullptr) return;
  dup2(devnull, STDOUT_FILENO);
  close(devnull);
}

void MarkStdoutData() { S().stdout_data = true; }

absl::Status WriteStdout(absl::string_view data) {
  if (S().json_mode) {
    S().written.push_back({{"path", "-"}, {"content", std::string(data)}});
    return absl::OkStatus();
  }
  MarkStdoutData();
  if (std::fwrite(data.data(), 1, data.size(), stdout) != data.size() || std::fflush(stdout) != 0) {
    return certkit::MakeError(certkit::ErrorKind::kIo, "cannot write to standard output");
  }
  return absl::OkStatus();
}

bool JsonMode() { return S().json_mode; }
bool* JsonFlag() { return &S().json_mode; }

void RecordWrite(const std::string& path, const std::string& what) {
  if (path == "-") return;  // WriteStdout recorded it with its content
  if (!S().written_paths.insert(path).second) return;  // once per path
  S().written.push_back({{"path", path}, {"what", what}});
}

void ReportField(const std::string& key, const nlohmann::json& value) { S().fields[key] = value; }

void RecordError(const std::string& kind, const std::string& message) {
  S().error = {{"kind", kind}, {"message", message}};
}

void FinishReport(const std::string& command, int exit_code) {
  if (!S().json_mode || S().json_printed) return;
  json out{{"command", command},
           {"ok", exit_code == 0},
           {"exit_code", exit_code},
           {"written", S().written},
           {"messages", S().messages}};
  if (!S().error.is_null()) out["error"] = S().error;
  for (auto it = S().fields.begin(); it != S().fields.end(); ++it) {
    if (!out.contains(it.key())) out[it.key()] = it.value();
  }
  PrintJson(out);
}

void PrintText(const std::string& text) {
  std::FILE* out = S().json_out != nullptr ? S().json_out : stdout;
  std::fwrite(text.data(), 1, text.size(), out);
  std::fflush(out);
}

void ReportUsageError(const std::string& command, const std::string& message, int exit_code) {
  ReserveStdoutForJson();
  S().json_mode = true;
  S().json_printed = false;
  RecordError(certkit::ErrorKindName(certkit::ErrorKind::kInvalidArgument), message);
  FinishReport(command, exit_code);
}

}  // namespace certkit_cli
