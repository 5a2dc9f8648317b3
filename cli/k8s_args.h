// cli/k8s_args.h: --format k8s for cluster init/add/renew/rotate-ca, node
// and client: --k8s-namespace and writing the manifests after the files
// (certkit/k8s.h does the work; docs/KUBERNETES.md).
#ifndef CERTKIT_CLI_K8S_ARGS_H_
#define CERTKIT_CLI_K8S_ARGS_H_

#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "absl/status/status.h"
#include "certkit/cluster.h"
#include "certkit/manifest.h"

namespace certkit_cli {

// AddK8sNamespaceOption registers --k8s-namespace NS on |cmd|.
void AddK8sNamespaceOption(CLI::App* cmd, std::string* ns);

// CheckK8sBeforeIssuing refuses, before anything is written, a namespace
// that is no DNS-1123 label and names that make no Kubernetes object name
// (|nodes|: node items NAME or NAME=HOST+..., |clients|: user names).
absl::Status CheckK8sBeforeIssuing(const std::string& ns, const std::vector<std::string>& nodes,
                                   const std::vector<std::string>& clients);

// CheckLeafK8s: for `certkit node` (|node|, named by its first host) or
// `client` (|user|), with --format k8s (|k8s|) CheckK8sBeforeIssuing;
// without, kInvalidArgument when a namespace is given.
absl::Status CheckLeafK8s(bool k8s, const std::string& ns, bool node,
                          const std::vector<std::string>& hosts, const std::string& user);

// WriteClusterK8sFiles writes <dir>/k8s/ for the cluster |m| when its
// manifest records the "k8s" format (namespace: the manifest's), with the
// store passwords of |leaf|; reports the files written (--json).
absl::Status WriteClusterK8sFiles(const std::string& dir, const certkit::Manifest& m,
                                  const certkit::LeafSettings& leaf);

// WriteLeafK8sFiles writes <record.dir>/k8s/ for a leaf `certkit node` or
// `certkit client` issued.
absl::Status WriteLeafK8sFiles(const certkit::LeafRecord& record, bool is_node,
                               const std::string& ns, const certkit::LeafSettings& leaf);

}  // namespace certkit_cli

#endif  // CERTKIT_CLI_K8S_ARGS_H_
