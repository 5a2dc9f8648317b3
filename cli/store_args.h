// cli/store_args.h: --storepass/--truststorepass/--insecure-default-password
// and --format handling shared by node, cluster and keystore commands.
#ifndef CERTKIT_CLI_STORE_ARGS_H_
#define CERTKIT_CLI_STORE_ARGS_H_

#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "certkit/cluster.h"
#include "password.h"

namespace certkit_cli {

struct StorePassArgs {
  std::string storepass;
  std::string truststorepass;
  bool insecure_default = false;
};

// AddStorePassOptions registers --storepass, --insecure-default-password and,
// with |with_truststore|, --truststorepass.
void AddStorePassOptions(CLI::App* cmd, StorePassArgs* args, bool with_truststore);

// ResolveStorePasswords obtains the store password and the trust store
// password (the store password when --truststorepass is not given).
// |confirm| asks twice when prompting (new stores).
absl::Status ResolveStorePasswords(const StorePassArgs& args, bool confirm, Password* store,
                                   Password* trust);

// ParseFormats is certkit::ParseLeafFormats for --format (errors name the
// flag).
absl::StatusOr<certkit::LeafFormats> ParseFormats(const std::vector<std::string>& items);

}  // namespace certkit_cli

#endif  // CERTKIT_CLI_STORE_ARGS_H_
