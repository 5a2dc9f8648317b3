// cli/ca_args.h: the --ca-cert/--ca-key/--ca-key-pass/--allow-insecure-ca-key
// options shared by node, client and sign, and loading the CA they name.
#ifndef CERTKIT_CLI_CA_ARGS_H_
#define CERTKIT_CLI_CA_ARGS_H_

#include <string>

#include <CLI/CLI.hpp>

#include "absl/status/statusor.h"
#include "certkit/ca.h"
#include "certkit/cluster.h"
#include "pkcs11_args.h"

namespace certkit_cli {

struct CaSourceArgs {
  std::string cert;
  std::string key;
  std::string key_pass;
  bool allow_insecure_key = false;
  Pkcs11Args pkcs11;  // when |key| is a pkcs11: URI
};

// AddCaSourceOptions registers the options on |cmd|.
void AddCaSourceOptions(CLI::App* cmd, CaSourceArgs* args);

// AddProfileFileOption registers --profile-file on |cmd|.
void AddProfileFileOption(CLI::App* cmd, std::string* path);

// ApplyProfileFile loads |path| (nothing when empty) and takes its "node"
// and "client" profiles (when present) and its signing policy into
// |settings|: node, client and cluster apply the same policy as sign. With
// |ca|, the file's "ca" section (key usage, pathlen, days) goes there too.
absl::Status ApplyProfileFile(const std::string& path, certkit::LeafSettings* settings,
                              certkit::CaOptions* ca = nullptr);

// LoadCaFromArgs resolves the key password and loads the CA (see LoadCa).
absl::StatusOr<certkit::CertificateAuthority> LoadCaFromArgs(const CaSourceArgs& args);

}  // namespace certkit_cli

#endif  // CERTKIT_CLI_CA_ARGS_H_
