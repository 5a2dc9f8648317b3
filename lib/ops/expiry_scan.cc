// ScanForExpiry and ExpiryScanToPrometheus (certkit/expiry_scan.h).
#include "certkit/expiry_scan.h"

#include <dirent.h>
#include <sys/stat.h>

#include <algorithm>
#include <set>
#include <utility>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "certkit/cert.h"
#include "certkit/display.h"
#include "certkit/file.h"
#include "certkit/keystore.h"
#include "certkit/objects.h"
#include "certkit/probe.h"

namespace certkit {
namespace {

// SplitProbeTarget splits HOST:PORT or [IPv6]:PORT.
absl::Status SplitProbeTarget(const std::string& target, std::string* host, uint16_t* port) {
  const size_t colon = target.rfind(':');
  uint32_t value = 0;
  if (colon == std::string::npos || colon == 0 || !absl::SimpleAtoi(target.substr(colon + 1), &value) ||
      value == 0 || value > 65535) {
    return MakeError(ErrorKind::kInvalidArgument,
                     absl::StrCat("probe target '", EscapeForDisplay(target),
                                  "': give HOST:PORT (e.g. 10.0.0.1:9142)"));
  }
  *host = target.substr(0, colon);
  if (host->size() >= 2 && host->front() == '[' && host->back() == ']') *host = host->substr(1, host->size() - 2);
  *port = static_cast<uint16_t>(value);
  return absl::OkStatus();
}

ProbeOptions MakeProbeOptions(const ExpiryScanOptions& o) {
  ProbeOptions po;
  po.timeout = o.probe_timeout;
  po.client_chain = o.probe_client_chain;
  po.client_key = o.probe_client_key;
  return po;
}

const char* StoreTypeLabel(StoreFormat format) {
  switch (format) {
    case StoreFormat::kJks: return "jks";
    case StoreFormat::kJceks: return "jceks";
    case StoreFormat::kPkcs12: return "pkcs12";
    case StoreFormat::kPem: return "pem";
    case StoreFormat::kAuto: break;
  }
  return "unknown";
}

class Scanner {
 public:
  Scanner(const ExpiryScanOptions& options, ExpiryScan* out) : options_(options), out_(out) {}

  void ScanPath(const std::string& path) {
    struct stat st;
    if (stat(path.c_str(), &st) != 0) {
      AddError(path, ErrorKind::kNotFound, "does not exist");
      return;
    }
    if (!S_ISDIR(st.st_mode)) {
      if (S_ISREG(st.st_mode)) ScanFile(path);
      return;
    }
    // Not into a directory again below itself: a symbolic link back up the
    // tree ends here.
    const std::pair<dev_t, ino_t> id{st.st_dev, st.st_ino};
    if (!ancestors_.insert(id).second) return;
    ScanDirectory(path);
    ancestors_.erase(id);
  }

  void ScanDirectory(const std::string& path) {
    DIR* dir = opendir(path.c_str());
    if (dir == nullptr) {
      AddError(path, ErrorKind::kIo, "cannot open directory");
      return;
    }
    std::vector<std::string> names;
    while (struct dirent* e = readdir(dir)) {
      std::string name = e->d_name;
      if (name != "." && name != "..") names.push_back(name);
    }
    closedir(dir);
    std::sort(names.begin(), names.end());
    for (const std::string& name : names) ScanPath(JoinPath(path, name));
  }

  void ScanProbe(const std::string& target) {
    const std::string file = absl::StrCat("tls://", target);
    std::string host;
    uint16_t port = 0;
    if (absl::Status s = SplitProbeTarget(target, &host, &port); !s.ok()) {
      AddError(file, GetErrorKind(s), std::string(s.message()));
      return;
    }
    auto result = ProbeServer(host, port, MakeProbeOptions(options_));
    if (!result.ok()) {
      AddError(file, GetErrorKind(result.status()), std::string(result.status().message()));
      return;
    }
    if (result->chain.empty()) {
      AddError(file, ErrorKind::kTlsHandshake, "the server sent no certificate");
      return;
    }
    for (const Certificate& cert : result->chain) Add(file, "", "tls", target, cert);
  }

 private:
  void AddError(const std::string& path, ErrorKind kind, std::string message, bool needs_password = false) {
    ScanError e;
    e.path = path;
    e.kind = kind;
    e.message = std::move(message);
    e.needs_password = needs_password;
    out_->errors.push_back(std::move(e));
  }

  void Add(const std::string& file, const std::string& alias, const char* store_type,
           const std::string& probe, const Certificate& cert) {
    ScannedCertificate c;
    c.file = file;
    c.alias = alias;
    c.store_type = store_type;
    c.probe = probe;
    const DistinguishedName subject = cert.subject();
    const DistinguishedName issuer = cert.issuer();
    c.subject = subject.ToRfc4514();
    c.subject_cn = subject.CommonName();
    c.issuer = issuer.ToRfc4514();
    c.issuer_cn = issuer.CommonName();
    c.serial = cert.serial_hex();
    c.not_before = cert.not_before();
    c.not_after = cert.not_after();
    out_->certificates.push_back(std::move(c));
  }

  void ScanStore(const std::string& path, const InputObject& object) {
    if (options_.store_passwords.empty()) {
      AddError(path, ErrorKind::kBadPassword, "key store needs a password", /*needs_password=*/true);
      return;
    }
    absl::Status last;
    for (const std::string& password : options_.store_passwords) {
      auto store = object.OpenKeyStore(password);
      if (store.ok()) {
        const char* type = StoreTypeLabel(store->source_format());
        for (const auto& entry : store->entries()) {
          for (const auto& cert : entry.chain) Add(path, entry.alias, type, "", cert);
        }
        return;
      }
      last = store.status();
      if (GetErrorKind(last) != ErrorKind::kBadPassword) break;
    }
    AddError(path, GetErrorKind(last), std::string(last.message()));
  }

  // ScanFile records every certificate of a PEM or DER file or key store;
  // anything else (keys, CSRs, JSON, ...) holds no expiry.
  void ScanFile(const std::string& path) {
    auto data = ReadFile(path);
    if (!data.ok()) {
      AddError(path, GetErrorKind(data.status()), std::string(data.status().message()));
      return;
    }
    auto objects = ParseObjects(*data);
    if (!objects.ok()) {
      AddError(path, GetErrorKind(objects.status()), std::string(objects.status().message()));
      return;
    }
    for (const InputObject& o : *objects) {
      if (o.kind == InputObject::Kind::kCertificate) {
        if (o.status.ok()) {
          Add(path, "", o.pem_label.empty() ? "der" : "pem", "", *o.certificate);
        } else {
          AddError(path, GetErrorKind(o.status), std::string(o.status.message()));
        }
      } else if (o.kind == InputObject::Kind::kKeyStore) {
        ScanStore(path, o);
      } else if (o.kind == InputObject::Kind::kPrivateKey) {
        struct stat st;
        if (stat(path.c_str(), &st) == 0 && (st.st_mode & 077) != 0 &&
            (out_->insecure_keys.empty() || out_->insecure_keys.back().path != path)) {
          out_->insecure_keys.push_back({path, static_cast<uint32_t>(st.st_mode & 07777)});
        }
      }
    }
  }

  const ExpiryScanOptions& options_;
  ExpiryScan* out_;
  std::set<std::pair<dev_t, ino_t>> ancestors_;  // the directories being scanned
};

// Exposition-format escaping of one run of text holding no backslash,
// double quote or newline: what EscapeForDisplay escapes, with the
// backslashes of its escapes doubled.
void AppendDisplayRun(absl::string_view run, std::string* out) {
  if (run.empty()) return;
  for (char ch : EscapeForDisplay(run)) {
    if (ch == '\\') out->push_back('\\');
    out->push_back(ch);
  }
}

struct Family {
  const char* name;
  const char* help;
  const char* type;
};

}  // namespace

absl::Status ExpiryScanOptions::Validate() const {
  for (const std::string& target : probes) {
    std::string host;
    uint16_t port = 0;
    if (absl::Status s = SplitProbeTarget(target, &host, &port); !s.ok()) return s;
  }
  return MakeProbeOptions(*this).Validate();
}

size_t ExpiryScan::ErrorPathCount() const {
  std::set<std::string> paths;
  for (const ScanError& e : errors) paths.insert(e.path);
  return paths.size();
}

absl::StatusOr<ExpiryScan> ScanForExpiry(const ExpiryScanOptions& options) {
  if (absl::Status s = options.Validate(); !s.ok()) return s;
  ExpiryScan scan;
  Scanner scanner(options, &scan);
  for (const std::string& path : options.paths) scanner.ScanPath(path);
  for (const std::string& target : options.probes) scanner.ScanProbe(target);
  return scan;
}

std::string PrometheusLabelValue(const std::string& value) {
  std::string out;
  size_t start = 0;
  for (size_t i = 0; i < value.size(); ++i) {
    const char c = value[i];
    if (c != '\\' && c != '"' && c != '\n') continue;
    AppendDisplayRun(absl::string_view(value).substr(start, i - start), &out);
    out += c == '\\' ? "\\\\" : c == '"' ? "\\\"" : "\\n";
    start = i + 1;
  }
  AppendDisplayRun(absl::string_view(value).substr(start), &out);
  return out;
}

std::string ExpiryScanToPrometheus(const ExpiryScan& scan, absl::Time now) {
  // One label set per certificate; the same set twice is one series.
  std::vector<std::pair<std::string, const ScannedCertificate*>> series;
  std::set<std::string> seen;
  for (const ScannedCertificate& c : scan.certificates) {
    const size_t slash = c.file.rfind('/');
    const std::string filename = slash == std::string::npos ? c.file : c.file.substr(slash + 1);
    const std::pair<const char*, const std::string*> labels[] = {
        {"filepath", &c.file},     {"filename", &filename},     {"alias", &c.alias},
        {"store_type", &c.store_type}, {"probe", &c.probe},     {"subject", &c.subject},
        {"subject_CN", &c.subject_cn}, {"issuer", &c.issuer},   {"issuer_CN", &c.issuer_cn},
        {"serial", &c.serial},
    };
    std::string text = "{";
    for (const auto& [name, value] : labels) {
      if (text.size() > 1) text += ',';
      absl::StrAppend(&text, name, "=\"", PrometheusLabelValue(*value), "\"");
    }
    text += '}';
    if (seen.insert(text).second) series.emplace_back(std::move(text), &c);
  }

  const Family families[] = {
      {"x509_cert_not_before", "The certificate's notBefore, in seconds since the Unix epoch.", "gauge"},
      {"x509_cert_not_after", "The certificate's notAfter, in seconds since the Unix epoch.", "gauge"},
      {"x509_cert_expired", "1 when the certificate has expired (notAfter is past), 0 otherwise.", "gauge"},
      {"x509_cert_seconds_left",
       "Seconds from the scan to the certificate's notAfter; negative once it has expired.", "gauge"},
  };
  const int64_t now_s = absl::ToUnixSeconds(now);
  std::string out;
  for (size_t f = 0; f < sizeof(families) / sizeof(families[0]); ++f) {
    absl::StrAppend(&out, "# HELP ", families[f].name, " ", families[f].help, "\n# TYPE ", families[f].name,
                    " ", families[f].type, "\n");
    for (const auto& [labels, c] : series) {
      const int64_t not_after = absl::ToUnixSeconds(c->not_after);
      int64_t value = 0;
      switch (f) {
        case 0: value = absl::ToUnixSeconds(c->not_before); break;
        case 1: value = not_after; break;
        case 2: value = now > c->not_after ? 1 : 0; break;
        default: value = not_after - now_s; break;
      }
      absl::StrAppend(&out, families[f].name, labels, " ", value, "\n");
    }
  }
  absl::StrAppend(&out,
                  "# HELP x509_read_errors The number of paths and probes that could not be read "
                  "(fully or in part) in this scan.\n"
                  "# TYPE x509_read_errors gauge\n"
                  "x509_read_errors ",
                  scan.ErrorPathCount(), "\n");
  return out;
}

}  // namespace certkit
