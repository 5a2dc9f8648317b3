#include "store_args.h"

#include "certkit/error.h"
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

absl::StatusOr<certkit::LeafFormats> ParseFormats(const std::vector<std::string>& items) {
  auto f = certkit::ParseLeafFormats(items);
  if (!f.ok()) return certkit::Annotate(f.status(), "--format");
  return f;
}

}  // namespace certkit_cli
