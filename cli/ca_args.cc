#include "ca_args.h"

#include "absl/strings/str_cat.h"
#include "certkit/error.h"
#include "certkit/pkcs11.h"

#include "certkit/profile_file.h"
#include "commands.h"
#include "common.h"
#include "password.h"

namespace certkit_cli {

void AddCaSourceOptions(CLI::App* cmd, CaSourceArgs* args) {
  cmd->add_option("--ca-cert", args->cert, "CA certificate (PEM; may be followed by its chain)")
      ->required();
  cmd->add_option("--ca-key", args->key, "CA private key (must be mode 0600 or stricter)")->required();
  AddPasswordOption(cmd, "--ca-key-pass", &args->key_pass, "CA key password (encrypted keys only)");
  cmd->add_flag("--allow-insecure-ca-key", args->allow_insecure_key,
                "use a CA key file that group/others can read");
  AddPkcs11Options(cmd, &args->pkcs11);
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

absl::StatusOr<certkit::CertificateAuthority> LoadCaFromArgs(const CaSourceArgs& args) {
  if (certkit::IsPkcs11Uri(args.key)) return LoadTokenCaFromArgs(args.cert, args.key, args.pkcs11);
  PasswordRequest req;
  req.spec = args.key_pass;
  req.what = "CA key password";
  req.flag = "--ca-key-pass";
  req.required = false;
  auto pass = ResolvePassword(req);
  if (!pass.ok()) return pass.status();
  auto ca = LoadCa({args.cert, args.key, pass->value, args.allow_insecure_key});
  if (ca.ok()) return ca;
  // Name the flag of the file at fault (the library's message names the file).
  absl::Status s = ca.status();
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
