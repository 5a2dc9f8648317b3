// certkit expiry --within 30d PATH... [--probe HOST:PORT] [--format text|json|prometheus]
// The scan is the library's (certkit/expiry_scan.h); this file prints it.
#include <cstdio>
#include <memory>

#include <nlohmann/json.hpp>

#include "absl/strings/str_format.h"
#include "certkit/error.h"
#include "certkit/expiry_scan.h"
#include "commands.h"
#include "common.h"
#include "output.h"
#include "password.h"

namespace certkit_cli {
namespace {

using nlohmann::json;

struct ExpiryArgs {
  std::string within = "30d";
  std::string format;  // text | json | prometheus; empty: text (json with --json)
  std::vector<std::string> paths;
  std::vector<std::string> storepass;
  std::vector<std::string> probes;
  int probe_timeout = 10;
  std::string cert;  // client identity for the probes
  std::string key;
  std::string key_pass;
  bool insecure_default = false;
};

// ErrorText is the message printed for a scan error.
std::string ErrorText(const certkit::ScanError& e) {
  return e.needs_password ? e.message + ": pass --storepass" : e.message;
}

// InsecureProblem describes a private key file group/others can access.
std::string InsecureProblem(const certkit::InsecureKeyFile& k) {
  return absl::StrFormat("mode %04o: accessible by group/others; run chmod 600 '%s'", k.mode, k.path);
}

int RunExpiry(const ExpiryArgs& a, const std::string& format) {
  auto window = ParseWindow(a.within);
  if (!window.ok()) return PrintError(certkit::Annotate(window.status(), "--within"));
  certkit::ExpiryScanOptions options;
  options.paths = a.paths;
  options.probes = a.probes;
  options.probe_timeout = absl::Seconds(a.probe_timeout);
  for (const std::string& spec : a.storepass) {
    PasswordRequest req;
    req.spec = spec;
    auto p = ResolvePassword(req);
    if (!p.ok()) return PrintError(p.status());
    options.store_passwords.push_back(p->value);
  }
  if (a.insecure_default) options.store_passwords.push_back(kInsecureDefaultPassword);
  if (!a.cert.empty()) {
    auto chain = ReadCertificates(a.cert, "--cert");
    if (!chain.ok()) return PrintError(chain.status());
    options.probe_client_chain = *std::move(chain);
    std::string password;
    if (!a.key_pass.empty()) {
      auto p = ResolveArgPassword(a.key_pass, "key password", "--key-pass");
      if (!p.ok()) return PrintError(p.status());
      password = *p;
    }
    auto key = ReadPrivateKey(a.key, password, "--key");
    if (!key.ok()) return PrintError(key.status());
    options.probe_client_key = *std::move(key);
  }
  if (absl::Status s = options.Validate(); !s.ok()) {
    PrintError(s);
    return certkit::GetErrorKind(s) == certkit::ErrorKind::kInvalidArgument ? kExitUsage : kExitError;
  }
  const absl::Time now = absl::Now();
  auto scanned = certkit::ScanForExpiry(options);
  if (!scanned.ok()) return PrintError(scanned.status());
  const certkit::ExpiryScan& scan = *scanned;

  if (format == "prometheus") {
    // The metrics are the result: exit 0 whatever they say (errors are
    // x509_read_errors, also told on stderr).
    const std::string text = certkit::ExpiryScanToPrometheus(scan, now);
    std::fwrite(text.data(), 1, text.size(), stdout);
    for (const auto& k : scan.insecure_keys) {
      std::fprintf(stderr, "certkit: warning: %s: private key file %s\n", Esc(k.path).c_str(),
                   Esc(InsecureProblem(k)).c_str());
    }
    for (const auto& e : scan.errors) {
      std::fprintf(stderr, "certkit: error: %s: %s\n", Esc(e.path).c_str(), Esc(ErrorText(e)).c_str());
    }
    if (std::fflush(stdout) != 0 || std::ferror(stdout)) {
      return PrintError(certkit::MakeError(certkit::ErrorKind::kIo, "cannot write to standard output"));
    }
    return kExitOk;
  }

  const absl::Time deadline = now + *window;
  std::vector<const certkit::ScannedCertificate*> expiring;
  for (const auto& c : scan.certificates) {
    if (c.not_after < deadline) expiring.push_back(&c);
  }
  if (format == "json") {
    json expiring_json = json::array();
    for (const certkit::ScannedCertificate* f : expiring) {
      json e{{"path", f->file},
             {"subject", f->subject},
             {"not_after", FormatRfc3339(f->not_after)},
             {"expired", f->not_after < now},
             {"days_left", absl::ToInt64Hours(f->not_after - now) / 24}};
      if (!f->alias.empty()) e["alias"] = f->alias;
      expiring_json.push_back(e);
    }
    json errors = json::array();
    for (const auto& e : scan.errors) errors.push_back({{"path", e.path}, {"error", ErrorText(e)}});
    json insecure = json::array();
    for (const auto& k : scan.insecure_keys) insecure.push_back({{"path", k.path}, {"problem", InsecureProblem(k)}});
    json out{{"within", a.within},
             {"insecure_keys", insecure},
             {"checked_certificates", scan.certificates.size()},
             {"expiring", expiring_json},
             {"errors", errors}};
    PrintJson(out);
  } else {
    for (const certkit::ScannedCertificate* f : expiring) {
      std::printf("%s %s%s%s: %s (%s)\n", f->not_after < now ? "EXPIRED " : "EXPIRING",
                  Esc(f->file).c_str(), f->alias.empty() ? "" : " alias ", Esc(f->alias).c_str(),
                  FormatRfc3339(f->not_after).c_str(), Esc(f->subject).c_str());
    }
    for (const auto& k : scan.insecure_keys) {
      std::printf("INSECURE %s: private key file %s\n", Esc(k.path).c_str(), Esc(InsecureProblem(k)).c_str());
    }
    for (const auto& e : scan.errors) {
      std::fprintf(stderr, "certkit: error: %s: %s\n", Esc(e.path).c_str(), Esc(ErrorText(e)).c_str());
    }
    if (expiring.empty()) {
      std::printf("%zu certificate(s) checked; none expires within %s\n", scan.certificates.size(),
                  Esc(a.within).c_str());
    }
  }
  if (!expiring.empty() || !scan.insecure_keys.empty()) return kExitCheckFailed;
  return scan.errors.empty() ? kExitOk : kExitError;
}

}  // namespace

void RegisterExpiryCommand(CLI::App& app, int* exit_code) {
  auto args = std::make_shared<ExpiryArgs>();
  CLI::App* cmd = app.add_subcommand(
      "expiry", "list certificates (files, key stores, directories, live TLS endpoints) expiring within a window, "
      "and private key files group/others can read; exit 1 if any (with --format prometheus: print them all as "
      "Prometheus metrics, exit 0)");
  cmd->add_option("path", args->paths, "files or directories (searched recursively)");
  cmd->add_option("--within", args->within, "window, e.g. 30d, 2w, 12h")->capture_default_str();
  cmd->add_option("--storepass", args->storepass,
                  "key store password source(s), tried in order (repeatable): pass:X | env:VAR | file:PATH")
      ->allow_extra_args(false);
  cmd->add_flag("--insecure-default-password", args->insecure_default, "also try \"changeit\"");
  cmd->add_option("--format", args->format,
                  "text (default) | json (= --json) | prometheus: every certificate as metrics for "
                  "node_exporter's textfile collector (x509_cert_not_after, ...); exit 0 even when some "
                  "expire or cannot be read (x509_read_errors counts those); see docs/MONITORING.md")
      ->check(CLI::IsMember({"text", "json", "prometheus"}));
  cmd->add_option("--probe", args->probes,
                  "also list the chain a live TLS endpoint HOST:PORT serves (repeatable; not verified: an "
                  "inventory; a failed probe is an error of tls://HOST:PORT, not fatal)")
      ->allow_extra_args(false);
  cmd->add_option("--probe-timeout", args->probe_timeout, "seconds allowed for each probe")
      ->capture_default_str()
      ->check(CLI::Range(1, 3600));
  auto* cert = cmd->add_option("--cert", args->cert,
                               "client certificate chain (PEM) presented to a --probe server that asks for one "
                               "(Cassandra's require_client_auth)");
  auto* key = cmd->add_option("--key", args->key, "client private key of --cert (PEM or DER)");
  cert->needs(key);
  key->needs(cert);
  AddPasswordOption(cmd, "--key-pass", &args->key_pass, "password of an encrypted --key");
  SetExample(cmd, "certkit expiry --within 30d /etc/cassandra/conf demo --storepass env:STOREPASS\n"
                  "  certkit expiry --format prometheus demo --storepass env:STOREPASS --probe 10.0.0.1:9142 > certkit.prom");
  cmd->callback([args, exit_code] {
    if (args->paths.empty() && args->probes.empty()) {
      const std::string message = "expiry needs a PATH or a --probe";
      std::fprintf(stderr, "certkit: error: %s\n", message.c_str());
      RecordError("invalid_argument", message);
      *exit_code = kExitUsage;
      return;
    }
    std::string format = args->format;
    if (JsonMode() && !format.empty() && format != "json") {
      const std::string message = "--json and --format " + format + ": give one of them";
      std::fprintf(stderr, "certkit: error: %s\n", message.c_str());
      RecordError("invalid_argument", message);
      *exit_code = kExitUsage;
      return;
    }
    if (format.empty()) format = JsonMode() ? "json" : "text";
    if (format == "json" && !JsonMode()) {
      // --format json is --json: stdout holds the one document.
      ReserveStdoutForJson();
      *JsonFlag() = true;
    }
    *exit_code = RunExpiry(*args, format);
  });
}

}  // namespace certkit_cli
