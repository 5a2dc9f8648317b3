// certkit expiry --within 30d PATH...
#include <dirent.h>
#include <sys/stat.h>

#include <algorithm>
#include <cstdio>
#include <memory>

#include <nlohmann/json.hpp>

#include "absl/strings/str_cat.h"
#include "certkit/cert.h"
#include "certkit/error.h"
#include "certkit/file.h"
#include "certkit/keystore.h"
#include "certkit/objects.h"
#include "commands.h"
#include "common.h"
#include "password.h"

namespace certkit_cli {
namespace {

using nlohmann::json;

struct ExpiryArgs {
  std::string within = "30d";
  std::vector<std::string> paths;
  std::vector<std::string> storepass;
  bool insecure_default = false;
  bool json = false;
};

struct Finding {
  std::string path;
  std::string alias;  // key stores only
  std::string subject;
  absl::Time not_after;
};

struct Scan {
  absl::Time deadline;
  absl::Time now;
  std::vector<std::string> passwords;
  std::vector<Finding> expiring;
  std::vector<std::pair<std::string, std::string>> errors;  // path, message
  size_t certificates_checked = 0;
};

void CheckCert(Scan* scan, const std::string& path, const std::string& alias,
               const certkit::Certificate& cert) {
  ++scan->certificates_checked;
  if (cert.not_after() < scan->deadline) {
    scan->expiring.push_back({path, alias, cert.subject().ToRfc4514(), cert.not_after()});
  }
}

void ScanStore(Scan* scan, const std::string& path, const certkit::InputObject& object) {
  absl::Status last = certkit::MakeError(certkit::ErrorKind::kBadPassword,
                                         "key store needs a password: pass --storepass");
  for (const std::string& password : scan->passwords) {
    auto store = object.OpenKeyStore(password);
    if (store.ok()) {
      for (const auto& entry : store->entries()) {
        for (const auto& cert : entry.chain) CheckCert(scan, path, entry.alias, cert);
      }
      return;
    }
    last = store.status();
    if (certkit::GetErrorKind(last) != certkit::ErrorKind::kBadPassword) break;
  }
  scan->errors.push_back({path, std::string(last.message())});
}

// ScanFile checks every certificate of a PEM or DER file or key store;
// anything else (keys, CSRs, JSON, ...) holds no expiry.
void ScanFile(Scan* scan, const std::string& path) {
  auto data = certkit::ReadFile(path);
  if (!data.ok()) {
    scan->errors.push_back({path, std::string(data.status().message())});
    return;
  }
  auto objects = certkit::ParseObjects(*data);
  if (!objects.ok()) {
    scan->errors.push_back({path, std::string(objects.status().message())});
    return;
  }
  for (const certkit::InputObject& o : *objects) {
    if (o.kind == certkit::InputObject::Kind::kCertificate) {
      if (o.status.ok()) {
        CheckCert(scan, path, "", *o.certificate);
      } else {
        scan->errors.push_back({path, std::string(o.status.message())});
      }
    } else if (o.kind == certkit::InputObject::Kind::kKeyStore) {
      ScanStore(scan, path, o);
    }
  }
}

void ScanPath(Scan* scan, const std::string& path) {
  struct stat st;
  if (stat(path.c_str(), &st) != 0) {
    scan->errors.push_back({path, "does not exist"});
    return;
  }
  if (!S_ISDIR(st.st_mode)) {
    if (S_ISREG(st.st_mode)) ScanFile(scan, path);
    return;
  }
  DIR* dir = opendir(path.c_str());
  if (dir == nullptr) {
    scan->errors.push_back({path, "cannot open directory"});
    return;
  }
  std::vector<std::string> names;
  while (struct dirent* e = readdir(dir)) {
    std::string name = e->d_name;
    if (name != "." && name != "..") names.push_back(name);
  }
  closedir(dir);
  std::sort(names.begin(), names.end());
  for (const std::string& name : names) ScanPath(scan, JoinPath(path, name));
}

int RunExpiry(const ExpiryArgs& a) {
  auto window = ParseWindow(a.within);
  if (!window.ok()) return PrintError(certkit::Annotate(window.status(), "--within"));
  Scan scan;
  scan.now = absl::Now();
  scan.deadline = scan.now + *window;
  for (const std::string& spec : a.storepass) {
    PasswordRequest req;
    req.spec = spec;
    auto p = ResolvePassword(req);
    if (!p.ok()) return PrintError(p.status());
    scan.passwords.push_back(p->value);
  }
  if (a.insecure_default) scan.passwords.push_back(kInsecureDefaultPassword);
  for (const std::string& path : a.paths) ScanPath(&scan, path);

  if (a.json) {
    json expiring = json::array();
    for (const auto& f : scan.expiring) {
      json e{{"path", f.path},
             {"subject", f.subject},
             {"not_after", FormatRfc3339(f.not_after)},
             {"expired", f.not_after < scan.now},
             {"days_left", absl::ToInt64Hours(f.not_after - scan.now) / 24}};
      if (!f.alias.empty()) e["alias"] = f.alias;
      expiring.push_back(e);
    }
    json errors = json::array();
    for (const auto& [path, msg] : scan.errors) errors.push_back({{"path", path}, {"error", msg}});
    json out{{"within", a.within},
             {"checked_certificates", scan.certificates_checked},
             {"expiring", expiring},
             {"errors", errors}};
    std::printf("%s\n", out.dump(2).c_str());
  } else {
    for (const auto& f : scan.expiring) {
      std::printf("%s %s%s%s: %s (%s)\n", f.not_after < scan.now ? "EXPIRED " : "EXPIRING",
                  f.path.c_str(), f.alias.empty() ? "" : " alias ", f.alias.c_str(),
                  FormatRfc3339(f.not_after).c_str(), f.subject.c_str());
    }
    for (const auto& [path, msg] : scan.errors) {
      std::fprintf(stderr, "certkit: error: %s: %s\n", path.c_str(), msg.c_str());
    }
    if (scan.expiring.empty()) {
      std::printf("%zu certificate(s) checked; none expires within %s\n", scan.certificates_checked,
                  a.within.c_str());
    }
  }
  if (!scan.expiring.empty()) return kExitCheckFailed;
  return scan.errors.empty() ? kExitOk : kExitError;
}

}  // namespace

void RegisterExpiryCommand(CLI::App& app, int* exit_code) {
  auto args = std::make_shared<ExpiryArgs>();
  CLI::App* cmd = app.add_subcommand(
      "expiry", "list certificates (files, key stores, directories) expiring within a window; exit 1 if any");
  cmd->add_option("path", args->paths, "files or directories (searched recursively)")->required();
  cmd->add_option("--within", args->within, "window, e.g. 30d, 2w, 12h")->capture_default_str();
  cmd->add_option("--storepass", args->storepass,
                  "key store password source(s), tried in order (repeatable): pass:X | env:VAR | file:PATH")
      ->allow_extra_args(false);
  cmd->add_flag("--insecure-default-password", args->insecure_default, "also try \"changeit\"");
  cmd->add_flag("--json", args->json, "machine-readable output");
  SetExample(cmd, "certkit expiry --within 30d /etc/cassandra/conf demo --storepass env:STOREPASS");
  cmd->callback([args, exit_code] { *exit_code = RunExpiry(*args); });
}

}  // namespace certkit_cli
