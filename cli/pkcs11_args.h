// cli/pkcs11_args.h: a CA key held in a PKCS#11 token. Wherever a CA key is
// read (--ca-key) a "pkcs11:" URI (RFC 7512) may stand for the file;
// --pkcs11-module and --pkcs11-pin say which module to load and where the
// user PIN comes from (password-source syntax, cli/password.h).
//
// Precedence: --pkcs11-module over the URI's module-path; --pkcs11-pin over
// the URI's pin-value, over its pin-source (an absolute path or file:
// URI); with none of them and a terminal on stdin, certkit prompts.
#ifndef CERTKIT_CLI_PKCS11_ARGS_H_
#define CERTKIT_CLI_PKCS11_ARGS_H_

#include <string>

#include <CLI/CLI.hpp>

#include "absl/status/statusor.h"
#include "certkit/ca.h"
#include "certkit/key.h"

namespace certkit_cli {

struct Pkcs11Args {
  std::string module;  // --pkcs11-module
  std::string pin;     // --pkcs11-pin (a password source, never the PIN)
};

// AddPkcs11Options registers --pkcs11-module and --pkcs11-pin on |cmd|.
void AddPkcs11Options(CLI::App* cmd, Pkcs11Args* args);

// LoadTokenKeyFromArgs loads the token key |uri| names (given with |flag|,
// named in errors).
absl::StatusOr<certkit::PrivateKey> LoadTokenKeyFromArgs(const std::string& uri,
                                                         const Pkcs11Args& args, const char* flag);

// LoadTokenCaFromArgs is LoadCaFromArgs for a CA whose key is in a token:
// the certificate (and chain) from |cert_path|, the key from |uri|. When
// |pin_source| is not null it receives where the PIN came from, for a
// manifest: "env:VAR", "file:PATH", "prompt", "pass" (given on the command
// line or as the URI's pin-value), "uri" (the URI's pin-source) or "none".
absl::StatusOr<certkit::CertificateAuthority> LoadTokenCaFromArgs(const std::string& cert_path,
                                                                  const std::string& uri,
                                                                  const Pkcs11Args& args,
                                                                  std::string* pin_source = nullptr);

}  // namespace certkit_cli

#endif  // CERTKIT_CLI_PKCS11_ARGS_H_
