// certkit/k8s.h: Kubernetes manifests for a cluster's or a leaf's files
// (`--format k8s`; docs/KUBERNETES.md).
//
// For every node and client, a Secret of type kubernetes.io/tls with
// cert-manager's key names: tls.crt (the leaf and its chain, PEM), tls.key,
// ca.crt (the leaf's trust bundle), and when the leaf has key stores
// keystore.jks / keystore.p12 / truststore.jks / truststore.p12 (binary,
// base64 in `data`; a cluster's leaves have their key stores in their
// folder and the cluster's trust stores, which every leaf's Secret holds). The stores' password is in a Secret of its own
// (key "password"; "truststore-password" when the trust stores have
// another), which the TLS Secret names the way cert-manager's
// keystores.jks/pkcs12.passwordSecretRef do ({name, key}), in annotations.
// A ConfigMap in trust-manager's target shape holds the trust bundle.
//
// Every value comes from the files certkit wrote (the leaf's files, the
// cluster's ca.crt), read back: the manifests hold what the files hold,
// both CAs during a CA rotation exactly when the file bundles do. Each
// manifest is its own file <out>/k8s/<object name>.yaml (YAML whose
// scalars are JSON-quoted), written atomically with mode 0600 (they hold
// keys); `kubectl apply -f <out>/k8s/` applies them all.
#ifndef CERTKIT_K8S_H_
#define CERTKIT_K8S_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "certkit/cluster.h"
#include "certkit/manifest.h"

namespace certkit {

// The folder the manifests go into, inside the cluster or leaf folder.
inline constexpr char kK8sDir[] = "k8s";
// The trust bundle ConfigMap's name and its data key. trust-manager writes
// a Bundle's target ConfigMap under the Bundle's name with the key its
// spec.target.configMap.key names; its documentation's examples use
// "trust-bundle.pem" (https://cert-manager.io/docs/trust/trust-manager/,
// API reference: Bundle.spec.target.configMap.key).
inline constexpr char kK8sBundleName[] = "certkit-ca-bundle";
inline constexpr char kK8sBundleKey[] = "trust-bundle.pem";

// What the manifests need besides the files.
struct K8sOptions {
  // metadata.namespace; empty = none (kubectl's current namespace).
  std::string namespace_name;
  // The key stores' password, for the password Secret; needed when a leaf
  // has key stores (kBadPassword otherwise). Never printed.
  std::string store_password;
  std::string truststore_password;  // empty = store_password
};

// ValidateK8sNamespace accepts a Kubernetes namespace name: a DNS-1123
// label (1 to 63 of a-z, 0-9 and '-', starting and ending with a letter or
// digit). kInvalidArgument naming the problem (escaped) otherwise.
absl::Status ValidateK8sNamespace(absl::string_view ns);

// K8sObjectName is the name of the TLS Secret of a node (|is_node|) or
// client |name|: "node-<n>" or "client-<n>", where <n> is |name| in lower
// case with '_' and ':' (IPv6 addresses) as '-'. The password Secret is
// that name + "-store-password". kInvalidArgument naming the leaf when the
// result is no DNS-1123 subdomain (another character, a '.' or '-' at an
// edge, or a password Secret name over 253 characters).
absl::StatusOr<std::string> K8sObjectName(bool is_node, absl::string_view name);

// CheckK8sNames checks that every node and client name maps to a valid
// object name and that no two map to the same one (kInvalidArgument naming
// both). Run it before anything is written.
absl::Status CheckK8sNames(const std::vector<std::string>& nodes,
                           const std::vector<std::string>& clients);

// WriteClusterK8s writes the manifests of every node and client of the
// cluster in |dir| (recorded by |manifest|) and the trust bundle ConfigMap
// (from the cluster's ca.crt) into |dir|/k8s/, replacing earlier ones, and
// appends the paths written to |written|. Errors name the file or leaf; on
// an error no file is half-written (each is replaced atomically), and a
// re-run writes them all again.
absl::Status WriteClusterK8s(const std::string& dir, const Manifest& manifest,
                             const K8sOptions& options, std::vector<std::string>* written);

// RefreshClusterK8s is WriteClusterK8s with the namespace |manifest|
// records and the store passwords of |leaf| when |manifest| records the
// "k8s" format, and nothing otherwise: what `cluster init`, `add`, `renew`
// and `rotate-ca` (CLI and C API) run once their manifest is written. A
// cluster's files are committed then; on an error (naming the cause) a
// later add, renew or rotate-ca writes the manifests again.
absl::Status RefreshClusterK8s(const std::string& dir, const Manifest& manifest,
                               const LeafSettings& leaf, std::vector<std::string>* written);

// WriteLeafK8s does the same for one leaf written by IssueNode (|is_node|)
// or IssueClient (|record|, its dir being the folder of its files): into
// record.dir/k8s/, the bundle ConfigMap from the leaf's ca.crt.
absl::Status WriteLeafK8s(const LeafRecord& record, bool is_node, const K8sOptions& options,
                          std::vector<std::string>* written);

}  // namespace certkit

#endif  // CERTKIT_K8S_H_
