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
#include "certkit/file.h"

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

absl::StatusOr<absl::Time> ParseRfc3339(absl::string_view text) {
  absl::Time t;
  std::string err;
  if (!absl::ParseTime(absl::RFC3339_full, text, &t, &err)) {
    return MakeError(ErrorKind::kInvalidArgument,
                     absl::StrCat("invalid time '", text,
                                  "': expected RFC 3339 such as 2030-01-02T03:04:05Z (", err, ")"));
  }
  return t;
}

std::string FormatRfc3339(absl::Time t) {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", t, absl::UTCTimeZone());
}

absl::StatusOr<std::vector<certkit::Certificate>> ReadCertificates(const std::string& path) {
  auto data = certkit::ReadTextFile(path);
  if (!data.ok()) return data.status();
  auto certs = certkit::Certificate::ParseBundle(*data);
  if (!certs.ok()) return certkit::Annotate(certs.status(), absl::StrCat("certificate file '", path, "'"));
  return certs;
}

absl::StatusOr<certkit::Certificate> ReadCertificate(const std::string& path) {
  auto certs = ReadCertificates(path);
  if (!certs.ok()) return certs.status();
  return certs->front();
}

absl::StatusOr<certkit::PrivateKey> ReadPrivateKey(const std::string& path,
                                                   absl::string_view password) {
  auto data = certkit::ReadFile(path);
  if (!data.ok()) return data.status();
  absl::string_view text(reinterpret_cast<const char*>(data->data()), data->size());
  absl::StatusOr<certkit::PrivateKey> key =
      text.find("-----BEGIN") != absl::string_view::npos
          ? certkit::PrivateKey::FromPem(text, password)
          : certkit::PrivateKey::FromDer(*data, password);
  if (!key.ok()) return certkit::Annotate(key.status(), absl::StrCat("key file '", path, "'"));
  return key;
}

absl::Status CheckKeyFilePermissions(const std::string& path) {
  struct stat st;
  if (stat(path.c_str(), &st) != 0) {
    return MakeError(ErrorKind::kNotFound, absl::StrCat("CA key file '", path, "' not found"));
  }
  if ((st.st_mode & 077) != 0) {
    return MakeError(ErrorKind::kInvalidArgument,
                     absl::StrFormat("CA key file '%s' is accessible by group/others (mode %04o); "
                                     "run chmod 600 on it, or pass --allow-insecure-ca-key",
                                     path, st.st_mode & 07777));
  }
  return absl::OkStatus();
}

absl::StatusOr<certkit::CertificateAuthority> LoadCa(const CaFiles& files) {
  auto certs = ReadCertificates(files.cert_path);
  if (!certs.ok()) return certs.status();
  if (!files.allow_insecure_key) {
    absl::Status perm = CheckKeyFilePermissions(files.key_path);
    if (!perm.ok()) return perm;
  }
  auto key = ReadPrivateKey(files.key_path, files.key_password);
  if (!key.ok()) return key.status();
  // A bundle may hold several CAs (old + new during a rotation): the CA is
  // the one matching the key; its chain is what in the bundle issued it.
  auto ca_cert = certkit::PickCaForKey(*certs, *key);
  if (!ca_cert.ok()) {
    return certkit::Annotate(ca_cert.status(), absl::StrCat("CA '", files.cert_path, "' with key '",
                                                           files.key_path, "'"));
  }
  auto ca = certkit::CertificateAuthority::Load(ca_cert->front(), *key,
                                                {ca_cert->begin() + 1, ca_cert->end()});
  if (!ca.ok()) {
    return certkit::Annotate(ca.status(), absl::StrCat("CA '", files.cert_path, "' with key '",
                                                      files.key_path, "'"));
  }
  return ca;
}

certkit::Certificate RootOf(const certkit::CertificateAuthority& ca) {
  if (ca.chain().empty()) return ca.certificate();
  return ca.chain().back();
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

bool FileExists(const std::string& path) {
  struct stat st;
  return lstat(path.c_str(), &st) == 0;
}

std::string JoinPath(absl::string_view a, absl::string_view b) {
  if (a.empty()) return std::string(b);
  if (a.back() == '/') return absl::StrCat(a, b);
  return absl::StrCat(a, "/", b);
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
