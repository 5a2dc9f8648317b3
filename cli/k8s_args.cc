#include "k8s_args.h"

#include "absl/strings/str_cat.h"
#include "certkit/error.h"
#include "certkit/k8s.h"
#include "certkit/node_spec.h"
#include "output.h"

namespace certkit_cli {
namespace {

certkit::K8sOptions Options(const std::string& ns, const certkit::LeafSettings& leaf) {
  certkit::K8sOptions o;
  o.namespace_name = ns;
  o.store_password = leaf.store_password;
  o.truststore_password = leaf.truststore_password;
  return o;
}

void Record(const std::vector<std::string>& written) {
  for (const std::string& path : written) RecordWrite(path, "Kubernetes manifest");
}

}  // namespace

void AddK8sNamespaceOption(CLI::App* cmd, std::string* ns) {
  cmd->add_option("--k8s-namespace", *ns,
                  "with --format k8s: the namespace of the Kubernetes manifests (default: none, "
                  "kubectl's current one)")
      ->type_name("NS");
}

absl::Status CheckK8sBeforeIssuing(const std::string& ns, const std::vector<std::string>& nodes,
                                   const std::vector<std::string>& clients) {
  if (!ns.empty()) {
    absl::Status s = certkit::ValidateK8sNamespace(ns);
    if (!s.ok()) return certkit::Annotate(s, "--k8s-namespace");
  }
  auto specs = certkit::ParseNodeSpecs(nodes);
  if (!specs.ok()) return specs.status();
  std::vector<std::string> names;
  for (const certkit::NodeSpec& n : *specs) names.push_back(n.name);
  return certkit::CheckK8sNames(names, clients);
}

absl::Status CheckLeafK8s(bool k8s, const std::string& ns, bool node,
                          const std::vector<std::string>& hosts, const std::string& user) {
  if (!k8s) {
    if (ns.empty()) return absl::OkStatus();
    return certkit::MakeError(certkit::ErrorKind::kInvalidArgument, "--k8s-namespace needs --format k8s");
  }
  std::vector<std::string> nodes, clients;
  if (node && !hosts.empty()) nodes.push_back(hosts.front());
  if (!node) clients.push_back(user);
  return CheckK8sBeforeIssuing(ns, nodes, clients);
}

absl::Status WriteClusterK8sFiles(const std::string& dir, const certkit::Manifest& m,
                                  const certkit::LeafSettings& leaf) {
  std::vector<std::string> written;
  absl::Status s = certkit::RefreshClusterK8s(dir, m, leaf, &written);
  Record(written);
  if (!s.ok()) {
    return certkit::Annotate(
        s, absl::StrCat("writing the Kubernetes manifests of '", dir,
                        "' (the cluster's files are written; `certkit cluster renew` writes the "
                        "manifests again)"));
  }
  return s;
}

absl::Status WriteLeafK8sFiles(const certkit::LeafRecord& record, bool is_node,
                               const std::string& ns, const certkit::LeafSettings& leaf) {
  std::vector<std::string> written;
  absl::Status s = certkit::WriteLeafK8s(record, is_node, Options(ns, leaf), &written);
  Record(written);
  return s;
}

}  // namespace certkit_cli
