#include "common.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <thread>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "certkit/error.h"

namespace certkit_cli {

using certkit::ErrorKind;
using certkit::MakeError;

int PrintError(const absl::Status& status) {
  std::fprintf(stderr, "certkit: error: %s [%s]\n", std::string(status.message()).c_str(),
               certkit::ErrorKindName(certkit::GetErrorKind(status)));
  return kExitError;
}

absl::StatusOr<absl::Duration> ParseWindow(absl::string_view text) {
  std::string t = absl::AsciiStrToLower(absl::StripAsciiWhitespace(text));
  absl::Duration unit;
  absl::string_view number = t;
  if (absl::ConsumeSuffix(&number, "d")) {
    unit = absl::Hours(24);
  } else if (absl::ConsumeSuffix(&number, "w")) {
    unit = absl::Hours(24 * 7);
  } else {
    absl::Duration d;
    if (absl::ParseDuration(t, &d) && d >= absl::ZeroDuration()) return d;
    return MakeError(ErrorKind::kInvalidArgument,
                     absl::StrCat("invalid duration '", text,
                                  "': use e.g. 30d, 2w, 12h or 90m"));
  }
  int64_t n = 0;
  if (!absl::SimpleAtoi(number, &n) || n < 0 || n > 100000) {
    return MakeError(ErrorKind::kInvalidArgument,
                     absl::StrCat("invalid duration '", text, "': use e.g. 30d, 2w, 12h or 90m"));
  }
  return unit * n;
}

absl::Status WithHint(const absl::Status& status, ErrorKind kind, absl::string_view hint) {
  if (status.ok() || certkit::GetErrorKind(status) != kind) return status;
  return MakeError(kind, absl::StrCat(status.message(), hint));
}

absl::Status WriteKeyFile(const std::string& path, const certkit::PrivateKey& key,
                          bool overwrite) {
  certkit::WriteOptions opts;
  opts.mode = certkit::kPrivateFileMode;
  opts.overwrite = overwrite;
  absl::Status s = certkit::WriteFileAtomic(path, key.ToPem(), opts);
  if (certkit::GetErrorKind(s) == ErrorKind::kAlreadyExists) {
    return MakeError(ErrorKind::kAlreadyExists,
                     absl::StrCat("key file '", path, "' exists; pass --overwrite to replace it"));
  }
  return s;
}

absl::Status WriteTextFile(const std::string& path, const std::string& text, bool overwrite) {
  certkit::WriteOptions opts;
  opts.mode = certkit::kPublicFileMode;
  opts.overwrite = overwrite;
  absl::Status s = certkit::WriteFileAtomic(path, text, opts);
  if (certkit::GetErrorKind(s) == ErrorKind::kAlreadyExists) {
    return MakeError(ErrorKind::kAlreadyExists,
                     absl::StrCat("file '", path, "' exists; pass --overwrite to replace it"));
  }
  return s;
}

std::vector<std::string> SplitList(const std::vector<std::string>& items) {
  std::vector<std::string> out;
  for (const std::string& item : items) {
    for (absl::string_view part : absl::StrSplit(item, ',')) {
      part = absl::StripAsciiWhitespace(part);
      if (!part.empty()) out.emplace_back(part);
    }
  }
  return out;
}

int DefaultJobs() {
  unsigned n = std::thread::hardware_concurrency();
  return n == 0 ? 1 : static_cast<int>(n);
}

}  // namespace certkit_cli
