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

// P12ProfileArgs is --p12-profile NAME and its older spelling --p12-legacy
// (= --p12-profile legacy).
struct P12ProfileArgs {
  std::string profile;
  bool legacy = false;
};

// AddP12ProfileOptions registers --p12-profile and --p12-legacy.
void AddP12ProfileOptions(CLI::App* cmd, P12ProfileArgs* args);

// ResolveP12Profile returns the profile asked for (modern when neither flag
// is given); kInvalidArgument naming the flag for an unknown name or for
// --p12-legacy with another --p12-profile.
absl::StatusOr<certkit::Pkcs12Profile> ResolveP12Profile(const P12ProfileArgs& args);

// ParseFormats is certkit::ParseLeafFormats for --format (errors name the
// flag).
absl::StatusOr<certkit::LeafFormats> ParseFormats(const std::vector<std::string>& items);

}  // namespace certkit_cli

#endif  // CERTKIT_CLI_STORE_ARGS_H_
