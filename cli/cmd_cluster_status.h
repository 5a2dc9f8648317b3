// cli/cmd_cluster_status.h: `certkit cluster status` and the probe options
// that rotate-ca's --require-probe shares with it (cmd_cluster.cc).
#ifndef CERTKIT_CLI_CMD_CLUSTER_STATUS_H_
#define CERTKIT_CLI_CMD_CLUSTER_STATUS_H_

#include <string>

#include <CLI/CLI.hpp>

#include "absl/status/statusor.h"
#include "certkit/cluster_status.h"
#include "certkit/rotation.h"

namespace certkit_cli {

// The nodes' ports and the probe time-out (--port, --internode-port,
// --timeout).
struct LiveProbeArgs {
  int port = 0;
  int internode_port = 0;
  int timeout = 5;
  bool allow_insecure_ca_key = false;
  std::string ca_key_password;  // resolved (not a source): the CA keys' password

  bool Given() const;  // a port or the time-out was given
  // Options: kInvalidArgument when no port is given.
  absl::StatusOr<certkit::ClusterProbeOptions> Options() const;
};

// AddLiveProbeOptions adds --port, --internode-port and --timeout to |cmd|.
void AddLiveProbeOptions(CLI::App* cmd, LiveProbeArgs* args);

// RequireProbe probes the nodes of the cluster in |dir| and checks that
// |stage| may run (certkit::CheckStageReady); prints the refusal and
// returns kExitError when it may not, kExitOk when it may.
int RequireProbe(const LiveProbeArgs& args, const std::string& dir, certkit::RotationStage stage);

// RegisterClusterStatusCommand adds `status` to the `cluster` command
// (RegisterClusterCommands must have run).
void RegisterClusterStatusCommand(CLI::App& app, int* exit_code);

}  // namespace certkit_cli

#endif  // CERTKIT_CLI_CMD_CLUSTER_STATUS_H_
