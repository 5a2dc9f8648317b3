#include "store_args.h"

#include "absl/strings/str_cat.h"
#include "certkit/error.h"
#include "certkit/keystore.h"
#include "commands.h"
#include "common.h"

namespace certkit_cli {

void AddStorePassOptions(CLI::App* cmd, StorePassArgs* args, bool with_truststore) {
  AddPasswordOption(cmd, "--storepass", &args->storepass, "key store password");
  if (with_truststore) {
    AddPasswordOption(cmd, "--truststorepass", &args->truststorepass,
                      "trust store password (default: the store password)");
  }
  cmd->add_flag("--insecure-default-password", args->insecure_default,
                "use the well-known password \"changeit\" when no password source is given");
}

absl::Status ResolveStorePasswords(const StorePassArgs& args, bool confirm, Password* store,
                                   Password* trust) {
  PasswordRequest req;
  req.spec = args.storepass;
  req.confirm = confirm;
  req.allow_insecure_default = args.insecure_default;
  auto s = ResolvePassword(req);
  if (!s.ok()) return s.status();
  *store = *s;
  if (trust == nullptr) return absl::OkStatus();
  if (args.truststorepass.empty()) {
    *trust = *store;
    return absl::OkStatus();
  }
  req.spec = args.truststorepass;
  req.what = "trust store password";
  req.flag = "--truststorepass";
  auto t = ResolvePassword(req);
  if (!t.ok()) return t.status();
  *trust = *t;
  return absl::OkStatus();
}

void AddP12ProfileOptions(CLI::App* cmd, P12ProfileArgs* args) {
  cmd->add_option("--p12-profile", args->profile,
                  "PKCS#12 algorithms: modern (default; PBES2 AES-256, HMAC-SHA256 MAC), modern2026 "
                  "(AES-256, PBMAC1 MAC; OpenSSL 3.4+), legacy (3DES/RC2, SHA-1 MAC; Java 8), "
                  "passwordless-truststore (certificates only, no password, no MAC; Java 18+); "
                  "cluster add/renew/rotate-ca: the cluster's (manifest.json) unless given")
      ->type_name("NAME");
  cmd->add_flag("--p12-legacy", args->legacy, "same as --p12-profile legacy");
}

absl::StatusOr<certkit::Pkcs12Profile> ResolveP12Profile(const P12ProfileArgs& args) {
  certkit::Pkcs12Profile profile = certkit::Pkcs12Profile::kModern;
  if (!args.profile.empty()) {
    auto parsed = certkit::ParsePkcs12Profile(args.profile);
    if (!parsed.ok()) return certkit::Annotate(parsed.status(), "--p12-profile");
    profile = *parsed;
  }
  if (args.legacy) {
    if (!args.profile.empty() && profile != certkit::Pkcs12Profile::kLegacy) {
      return certkit::MakeError(certkit::ErrorKind::kInvalidArgument,
                                absl::StrCat("--p12-legacy conflicts with --p12-profile ",
                                             certkit::Pkcs12ProfileName(profile), ": give one"));
    }
    profile = certkit::Pkcs12Profile::kLegacy;
  }
  return profile;
}

absl::StatusOr<certkit::LeafFormats> ParseFormats(const std::vector<std::string>& items) {
  auto f = certkit::ParseLeafFormats(items);
  if (!f.ok()) return certkit::Annotate(f.status(), "--format");
  return f;
}

}  // namespace certkit_cli
