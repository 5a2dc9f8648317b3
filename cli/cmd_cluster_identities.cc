// certkit cluster identities: the CQL that maps each client certificate's
// SPIFFE ID to its role for Cassandra 5.0's MutualTlsAuthenticator
// (certkit/identities.h; docs/CASSANDRA_MTLS.md).
#include <memory>
#include <string>

#include "certkit/identities.h"
#include "commands.h"
#include "common.h"
#include "output.h"

namespace certkit_cli {
namespace {

struct IdentitiesArgs {
  std::string dir;
  bool create_roles = false;
};

int RunIdentities(const IdentitiesArgs& a) {
  auto ids = certkit::ClusterIdentities(a.dir);
  if (!ids.ok()) return PrintError(ids.status());
  if (JsonMode()) {
    nlohmann::json list = nlohmann::json::array();
    for (const auto& id : *ids) {
      list.push_back({{"client", id.client},
                      {"role", id.role},
                      {"spiffe_id", id.spiffe_id},
                      {"certificate", id.cert_file}});
    }
    PrintJson({{"identities", list}, {"cql", certkit::IdentitiesCql(*ids, a.create_roles)}});
    return kExitOk;
  }
  absl::Status s = WriteStdout(certkit::IdentitiesCql(*ids, a.create_roles));
  if (!s.ok()) return PrintError(s);
  return kExitOk;
}

}  // namespace

void RegisterClusterIdentitiesCommand(CLI::App& app, int* exit_code) {
  CLI::App* cluster = app.get_subcommand("cluster");
  auto args = std::make_shared<IdentitiesArgs>();
  CLI::App* cmd = cluster->add_subcommand(
      "identities",
      "print the CQL that maps each client certificate's SPIFFE ID to its role (the client's "
      "name) for Cassandra 5.0's MutualTlsAuthenticator: ADD IDENTITY IF NOT EXISTS '<id>' TO "
      "ROLE '<role>'; fails naming a client whose certificate has no SPIFFE ID");
  cmd->add_option("--dir", args->dir, "cluster directory (with manifest.json)")->type_name("DIR")->required();
  cmd->add_flag("--create-roles", args->create_roles,
                "first CREATE ROLE IF NOT EXISTS '<role>' WITH LOGIN = true; for each role");
  SetExample(cmd, "certkit cluster identities --dir demo --create-roles > identities.cql");
  cmd->callback([args, exit_code] { *exit_code = RunIdentities(*args); });
}

}  // namespace certkit_cli
