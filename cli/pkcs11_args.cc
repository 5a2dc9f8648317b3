#include "pkcs11_args.h"

#include <unistd.h>

#include "absl/strings/str_cat.h"
#include "certkit/error.h"
#include "certkit/pkcs11.h"
#include "common.h"
#include "password.h"

namespace certkit_cli {

void AddPkcs11Options(CLI::App* cmd, Pkcs11Args* args) {
  cmd->add_option("--pkcs11-module", args->module,
                  "PKCS#11 module (.so) when the key is a pkcs11: URI (RFC 7512) of a token key "
                  "(default: the URI's module-path)")
      ->type_name("PATH");
  cmd->add_option("--pkcs11-pin", args->pin,
                  "user PIN source for a pkcs11: key: env:VAR, file:PATH, prompt or pass:PIN "
                  "(default: the URI's pin-value or pin-source, else a prompt on a terminal)")
      ->type_name("SRC");
}

namespace {

struct TokenRequest {
  certkit::Pkcs11Uri uri;
  certkit::Pkcs11Options options;
  std::string pin_source;  // where the PIN came from, never the PIN
};

absl::StatusOr<TokenRequest> Resolve(const std::string& uri_text, const Pkcs11Args& args,
                                     const char* flag) {
  TokenRequest r;
  auto uri = certkit::Pkcs11Uri::Parse(uri_text);
  if (!uri.ok()) return certkit::Annotate(uri.status(), flag);
  r.uri = *std::move(uri);
  r.options.module_path = args.module;
  // --pkcs11-pin wins; without it the URI's PIN; without that a prompt on
  // a terminal (else the library says the token needs a PIN).
  if (!args.pin.empty() || (!r.uri.pin_value && !r.uri.pin_source && isatty(STDIN_FILENO))) {
    PasswordRequest req;
    req.spec = args.pin.empty() ? "prompt" : args.pin;
    req.what = "PKCS#11 user PIN";
    req.flag = "--pkcs11-pin";
    auto pin = ResolvePassword(req);
    if (!pin.ok()) return certkit::Annotate(pin.status(), "--pkcs11-pin");
    r.options.pin = pin->value;
    r.pin_source = pin->source;
  } else {
    r.pin_source = r.uri.pin_value ? "pass" : r.uri.pin_source ? "uri" : "none";
  }
  return r;
}

// Hint names the options that would fix a library error.
absl::Status Hint(absl::Status s, const char* flag, const Pkcs11Args& args) {
  if (s.message().find("no PKCS#11 module given") != absl::string_view::npos) {
    s = WithHint(s, certkit::ErrorKind::kInvalidArgument, "; pass --pkcs11-module PATH");
  } else if (s.message().find("needs a PIN and none was given") != absl::string_view::npos) {
    s = WithHint(s, certkit::ErrorKind::kInvalidArgument,
                 "; pass --pkcs11-pin env:VAR|file:PATH|prompt");
  } else if (!args.module.empty() &&
             s.message().find("PKCS#11 module '") != absl::string_view::npos) {
    return certkit::Annotate(s, "--pkcs11-module");
  }
  return certkit::Annotate(s, flag);
}

}  // namespace

absl::StatusOr<certkit::PrivateKey> LoadTokenKeyFromArgs(const std::string& uri_text,
                                                         const Pkcs11Args& args, const char* flag) {
  auto r = Resolve(uri_text, args, flag);
  if (!r.ok()) return r.status();
  auto key = certkit::LoadPkcs11PrivateKey(r->uri, r->options);
  if (!key.ok()) return Hint(key.status(), flag, args);
  return key;
}

absl::StatusOr<certkit::CertificateAuthority> LoadTokenCaFromArgs(const std::string& cert_path,
                                                                  const std::string& uri_text,
                                                                  const Pkcs11Args& args,
                                                                  std::string* pin_source) {
  auto r = Resolve(uri_text, args, "--ca-key");
  if (!r.ok()) return r.status();
  if (pin_source != nullptr) *pin_source = r->pin_source;
  auto ca = certkit::LoadCaWithPkcs11Key(cert_path, r->uri, r->options);
  if (!ca.ok()) return Hint(ca.status(), "--ca-key", args);
  return ca;
}

}  // namespace certkit_cli
