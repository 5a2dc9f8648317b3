#include "ca_args.h"

#include <cstdio>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "certkit/error.h"
#include "certkit/manifest.h"
#include "certkit/pkcs11.h"
#include "certkit/presets.h"
#include "output.h"

#include "certkit/profile_file.h"
#include "commands.h"
#include "common.h"
#include "password.h"

namespace certkit_cli {

void AddCaSourceOptions(CLI::App* cmd, CaSourceArgs* args) {
  cmd->add_option("--ca-cert", args->cert, "CA certificate (PEM; may be followed by its chain)")
      ->required();
  cmd->add_option("--ca-key", args->key, "CA private key (must be mode 0600 or stricter)")->required();
  AddCaKeyPassOption(cmd, &args->key_pass, "no password: the CA key must be unencrypted");
  cmd->add_flag("--allow-insecure-ca-key", args->allow_insecure_key,
                "use a CA key file that group/others can read");
  AddPkcs11Options(cmd, &args->pkcs11);
}

void AddCaKeyPassOption(CLI::App* cmd, std::string* spec, const std::string& without) {
  cmd->add_option("--ca-key-pass", *spec,
                  "password of an encrypted CA key; source: pass:PASSWORD | env:VAR | file:PATH | "
                  "prompt (without it: " + without + ")")
      ->type_name("SRC");
}

void AddNewCaKeyPassOption(CLI::App* cmd, const std::string& name, std::string* spec,
                           const std::string& what) {
  cmd->add_option(name, *spec,
                  "encrypt " + what +
                      " with this password (encrypted PKCS#8: PBES2, AES-256-CBC, PBKDF2-HMAC-SHA256); "
                      "source: pass:PASSWORD | env:VAR | file:PATH | prompt (default: unencrypted, "
                      "with a warning on stderr)")
      ->type_name("SRC");
}

void AddPresetOption(CLI::App* cmd, std::string* preset, const std::string& what) {
  cmd->add_option("--for", *preset,
                  absl::StrCat(absl::StrJoin(certkit::PresetNames(), "|"), ": ", what,
                               " (docs/CLI.md, \"Presets\")"))
      ->type_name("DB");
}

void AddProfileFileOption(CLI::App* cmd, std::string* path) {
  cmd->add_option("--profile-file", *path,
                  "JSON profile file (key usage, EKU, subject policy, validity, SAN copying; "
                  "docs/PROFILES.md)");
}

absl::Status ApplyProfileFile(const std::string& path, certkit::LeafSettings* settings,
                              certkit::CaOptions* ca) {
  if (path.empty()) return absl::OkStatus();
  auto file = certkit::LoadProfileFile(path);
  if (!file.ok()) return file.status();
  if (auto node = file->Get("node"); node.ok()) settings->node_profile = *node;
  if (auto client = file->Get("client"); client.ok()) settings->client_profile = *client;
  settings->policy = file->policy;
  if (ca != nullptr) {
    if (file->ca_key_usage) ca->key_usage = file->ca_key_usage;
    if (file->ca_path_len) ca->path_len = file->ca_path_len;
    if (file->ca_days) ca->days = *file->ca_days;
  }
  return absl::OkStatus();
}

absl::StatusOr<CaKeyPassword> ResolveCaKeyPassword(const std::string& spec,
                                                   const std::string& recorded) {
  CaKeyPassword out;
  PasswordRequest req;
  req.spec = spec;
  req.what = "CA key password";
  req.flag = "--ca-key-pass";
  req.required = false;
  if (spec.empty()) {
    req.spec = certkit::ReusablePasswordSource(recorded);
    out.from_manifest = !req.spec.empty();
    if (out.from_manifest) req.what = "CA key password (the source manifest.json records)";
  }
  auto pass = ResolvePassword(req);
  if (!pass.ok()) {
    if (!out.from_manifest) return certkit::Annotate(pass.status(), "--ca-key-pass");
    return WithHint(pass.status(), certkit::GetErrorKind(pass.status()),
                    "; give the CA key password with --ca-key-pass");
  }
  out.password = *std::move(pass);
  return out;
}

absl::StatusOr<Password> ResolveNewCaKeyPassword(const std::string& spec, const char* flag) {
  if (spec.empty()) return Password{"", "none"};
  PasswordRequest req;
  req.spec = spec;
  req.what = "CA key password";
  req.flag = flag;
  req.confirm = true;
  auto pass = ResolvePassword(req);
  if (!pass.ok()) return certkit::Annotate(pass.status(), flag);
  if (pass->value.empty()) {
    return certkit::MakeError(certkit::ErrorKind::kInvalidArgument,
                              absl::StrCat(flag, ": the CA key password from ", pass->source,
                                           " is empty; an encrypted CA key needs a password"));
  }
  return pass;
}

absl::Status CaKeyPasswordHint(const absl::Status& status, const CaKeyPassword& used,
                               const char* flag) {
  // Only the CA key's errors (ReadCaPrivateKey names "CA key file"): a store
  // password's kBadPassword is about another option.
  if (certkit::GetErrorKind(status) != certkit::ErrorKind::kBadPassword ||
      status.message().find("CA key file '") == absl::string_view::npos) {
    return status;
  }
  std::string hint;
  if (used.password.value.empty()) {
    hint = absl::StrCat("; give the CA key's password with ", flag, " env:VAR|file:PATH|prompt");
  } else if (used.from_manifest) {
    hint = absl::StrCat("; the password came from ", used.password.source,
                        ", the source manifest.json records; give the right one with ", flag);
  } else {
    // Password::source is "pass" for pass:SECRET; never the secret itself.
    const std::string source =
        used.password.source == "pass" ? std::string("pass:...") : used.password.source;
    hint = absl::StrCat("; the password came from ", flag, " ", source);
  }
  return WithHint(status, certkit::ErrorKind::kBadPassword, hint);
}

void NoticeUnencryptedCaKey(const std::string& key_path, const char* flag) {
  std::fprintf(stderr,
               "certkit: warning: the CA key %s is not encrypted (mode 0600): anyone who can read "
               "it can issue certificates the cluster trusts; keep it off the nodes, or encrypt it "
               "with %s env:VAR|file:PATH|prompt\n",
               Esc(key_path).c_str(), flag);
}

std::string CaKeyProtection(const Password& password) {
  if (password.value.empty()) return "not encrypted";
  return absl::StrCat("encrypted: PBES2, AES-256-CBC, PBKDF2-HMAC-SHA256, ",
                      certkit::kCaKeyPbkdf2Iterations, " iterations; password from ",
                      password.source);
}

absl::StatusOr<certkit::CertificateAuthority> LoadCaFromArgs(const CaSourceArgs& args) {
  if (certkit::IsPkcs11Uri(args.key)) {
    if (!args.key_pass.empty()) {
      // Refused rather than ignored: the user may think a password guards it.
      return certkit::MakeError(certkit::ErrorKind::kInvalidArgument,
                                "--ca-key is a token key (pkcs11: URI): it takes --pkcs11-pin, not "
                                "--ca-key-pass");
    }
    return LoadTokenCaFromArgs(args.cert, args.key, args.pkcs11);
  }
  if (!args.pkcs11.module.empty() || !args.pkcs11.pin.empty()) {
    return certkit::MakeError(certkit::ErrorKind::kInvalidArgument,
                              "--pkcs11-module and --pkcs11-pin are for a token key; --ca-key is a file");
  }
  auto pass = ResolveCaKeyPassword(args.key_pass, args.key_pass_recorded);
  if (!pass.ok()) return pass.status();
  auto ca = LoadCa({args.cert, args.key, pass->password.value, args.allow_insecure_key});
  if (ca.ok()) return ca;
  // Name the flag of the file at fault (the library's message names the file).
  absl::Status s = ca.status();
  if (certkit::GetErrorKind(s) == certkit::ErrorKind::kBadPassword) {
    return CaKeyPasswordHint(s, *pass);
  }
  const std::string message(s.message());
  if (message.find("'" + args.key + "'") != std::string::npos &&
      message.find("'" + args.cert + "'") == std::string::npos) {
    s = certkit::Annotate(WithHint(s, certkit::ErrorKind::kInvalidArgument,
                                   absl::StrCat("; run chmod 600 '", args.key, "' or pass --allow-insecure-ca-key")),
                          "--ca-key");
  } else if (message.find("'" + args.cert + "'") != std::string::npos &&
             message.find("'" + args.key + "'") == std::string::npos) {
    s = certkit::Annotate(s, "--ca-cert");
  }
  return s;
}

}  // namespace certkit_cli
