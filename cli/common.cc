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
#include "output.h"

namespace certkit_cli {

using certkit::ErrorKind;
using certkit::MakeError;

int PrintError(const absl::Status& status) {
  const char* kind = certkit::ErrorKindName(certkit::GetErrorKind(status));
  std::fprintf(stderr, "certkit: error: %s [%s]\n", Esc(status.message()).c_str(), kind);
  RecordError(kind, std::string(status.message()));
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

namespace {

absl::Status Named(const absl::Status& s, absl::string_view flag) {
  return flag.empty() ? s : certkit::Annotate(s, flag);
}

}  // namespace

absl::StatusOr<std::vector<uint8_t>> ReadInput(const std::string& path, absl::string_view flag) {
  if (!IsStdio(path)) {
    auto data = certkit::ReadFile(path);
    if (!data.ok()) return Named(data.status(), flag);
    return data;
  }
  static bool stdin_used = false;
  if (stdin_used) {
    return Named(MakeError(ErrorKind::kInvalidArgument,
                           "standard input ('-') can be read only once per command"),
                 flag);
  }
  stdin_used = true;
  constexpr size_t kMax = 64u << 20;
  std::vector<uint8_t> out;
  uint8_t buf[65536];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof(buf), stdin)) > 0) {
    out.insert(out.end(), buf, buf + n);
    if (out.size() > kMax) {
      return Named(MakeError(ErrorKind::kLimitExceeded, "standard input is larger than 64 MiB"), flag);
    }
  }
  if (std::ferror(stdin)) return Named(MakeError(ErrorKind::kIo, "cannot read standard input"), flag);
  return out;
}

absl::StatusOr<std::vector<certkit::Certificate>> ReadCertificates(const std::string& path,
                                                                   absl::string_view flag) {
  if (!IsStdio(path)) {
    auto certs = certkit::ReadCertificates(path);
    if (!certs.ok()) return Named(certs.status(), flag);
    return certs;
  }
  auto data = ReadInput(path, flag);
  if (!data.ok()) return data.status();
  auto certs = certkit::Certificate::ParseBundle(
      absl::string_view(reinterpret_cast<const char*>(data->data()), data->size()));
  if (!certs.ok()) return Named(certkit::Annotate(certs.status(), "certificates on standard input"), flag);
  return certs;
}

absl::StatusOr<certkit::Certificate> ReadCertificate(const std::string& path, absl::string_view flag) {
  auto certs = ReadCertificates(path, flag);
  if (!certs.ok()) return certs.status();
  return certs->front();
}

absl::StatusOr<certkit::PrivateKey> ReadPrivateKey(const std::string& path, absl::string_view password,
                                                   absl::string_view flag) {
  if (!IsStdio(path)) {
    auto key = certkit::ReadPrivateKey(path, password);
    if (!key.ok()) return Named(key.status(), flag);
    return key;
  }
  auto data = ReadInput(path, flag);
  if (!data.ok()) return data.status();
  absl::string_view text(reinterpret_cast<const char*>(data->data()), data->size());
  absl::StatusOr<certkit::PrivateKey> key =
      text.find("-----BEGIN") != absl::string_view::npos
          ? certkit::PrivateKey::FromPem(text, password)
          : certkit::PrivateKey::FromDer(*data, password);
  if (!key.ok()) return Named(certkit::Annotate(key.status(), "key on standard input"), flag);
  return key;
}

std::string KeyFileModeProblem(const std::string& path) {
  struct stat st;
  if (IsStdio(path) || stat(path.c_str(), &st) != 0 || (st.st_mode & 077) == 0) return "";
  return absl::StrFormat("mode %04o: accessible by group/others; run chmod 600 '%s'", st.st_mode & 07777, path);
}

absl::Status CheckKeyFilePermissions(const std::string& path, absl::string_view what,
                                     absl::string_view override_flag) {
  struct stat st;
  if (!IsStdio(path) && stat(path.c_str(), &st) != 0) {
    return MakeError(ErrorKind::kNotFound, absl::StrCat(what, " file '", path, "' not found"));
  }
  const std::string problem = KeyFileModeProblem(path);
  if (!problem.empty()) {
    return MakeError(ErrorKind::kInvalidArgument,
                     absl::StrCat(what, " file '", path, "' has ", problem, ", or pass ", override_flag));
  }
  return absl::OkStatus();
}

absl::Status WriteKeyFile(const std::string& path, const certkit::PrivateKey& key,
                          bool overwrite, bool allow_stdout) {
  if (IsStdio(path)) {
    if (!allow_stdout) {
      return MakeError(ErrorKind::kInvalidArgument,
                       "refusing to write a private key to standard output; pass "
                       "--allow-key-stdout to do so");
    }
    return WriteStdout(key.ToPem());
  }
  certkit::WriteOptions opts;
  opts.mode = certkit::kPrivateFileMode;
  opts.overwrite = overwrite;
  absl::Status s = certkit::WriteFileAtomic(path, key.ToPem(), opts);
  if (certkit::GetErrorKind(s) == ErrorKind::kAlreadyExists) {
    return MakeError(ErrorKind::kAlreadyExists,
                     absl::StrCat("key file '", path, "' exists; pass --overwrite to replace it"));
  }
  if (s.ok()) RecordWrite(path, "private key");
  return s;
}

absl::Status WriteTextFile(const std::string& path, const std::string& text, bool overwrite,
                           const std::string& what) {
  if (IsStdio(path)) return WriteStdout(text);
  certkit::WriteOptions opts;
  opts.mode = certkit::kPublicFileMode;
  opts.overwrite = overwrite;
  absl::Status s = certkit::WriteFileAtomic(path, text, opts);
  if (certkit::GetErrorKind(s) == ErrorKind::kAlreadyExists) {
    return MakeError(ErrorKind::kAlreadyExists,
                     absl::StrCat("file '", path, "' exists; pass --overwrite to replace it"));
  }
  if (s.ok()) RecordWrite(path, what);
  return s;
}

absl::Status CheckOutputFree(const std::string& path, bool overwrite, absl::string_view flag) {
  if (overwrite || IsStdio(path) || !FileExists(path)) return absl::OkStatus();
  return MakeError(ErrorKind::kAlreadyExists,
                   absl::StrCat(flag, ": '", path, "' exists; pass --overwrite to replace it"));
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
