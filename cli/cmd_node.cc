// certkit node | certkit client
#include <cstdio>
#include <memory>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "ca_args.h"
#include "certkit/cluster.h"
#include "certkit/error.h"
#include "certkit/presets.h"
#include "certkit/spiffe.h"
#include "commands.h"
#include "k8s_args.h"
#include "common.h"
#include "output.h"
#include "store_args.h"

namespace certkit_cli {
namespace {

using certkit::LeafRecord;
using certkit::LeafSettings;

// The hint for files that exist: node and client have --overwrite.
constexpr char kOverwriteHint[] = "; pass --overwrite to replace it";

struct LeafArgs {
  CaSourceArgs ca;
  std::vector<std::string> hosts;
  std::string user;
  std::string out;
  std::vector<std::string> formats = {"pem"};
  bool formats_given = false;  // --format was given (else a preset's list applies)
  std::string node_cn;         // node --node-cn
  std::string preset;          // --for
  bool pkcs8 = false;
  std::string key = "ec:p256";
  int days = 0;
  std::string org;
  StorePassArgs pass;
  P12ProfileArgs p12;
  bool overwrite = false;
  std::string profile_file;
  std::string k8s_namespace;   // --k8s-namespace
  std::string spiffe_id;       // --spiffe-id template
};

void AddLeafOptions(CLI::App* cmd, LeafArgs* a) {
  AddCaSourceOptions(cmd, &a->ca);
  cmd->add_option("--out", a->out, "output directory")->type_name("DIR")->required();
  cmd->add_option("--key-type", a->key, "key type: rsa:2048|rsa:3072|rsa:4096|ec:p256|ec:p384|ed25519")
      ->capture_default_str();
  cmd->add_option("--days", a->days, "validity in days (default: 365)")->check(CLI::Range(1, 36500));
  cmd->add_option("--org", a->org, "organization (O=) in the subject");
  cmd->add_flag("--pkcs8", a->pkcs8, "also write the key as PKCS#8 DER (<name>.key.pk8) for Java clients");
  cmd->add_flag("--overwrite", a->overwrite, "replace existing keys, certificates and stores");
  AddProfileFileOption(cmd, &a->profile_file);
  cmd->add_option("--spiffe-id", a->spiffe_id, kSpiffeIdHelp)->type_name("TEMPLATE");
}

absl::StatusOr<LeafSettings> Settings(const LeafArgs& a) {
  LeafSettings s;
  auto spec = certkit::KeySpec::Parse(a.key);
  if (!spec.ok()) return certkit::Annotate(spec.status(), "--key-type");
  s.key_spec = *spec;
  s.days = a.days;
  s.organization = a.org;
  s.node_cn = a.node_cn;
  s.pkcs8 = a.pkcs8;
  s.overwrite = a.overwrite;
  auto p12_profile = ResolveP12Profile(a.p12);
  if (!p12_profile.ok()) return p12_profile.status();
  s.pkcs12_profile = *p12_profile;
  s.spiffe_id = a.spiffe_id;
  if (!a.spiffe_id.empty()) {
    if (auto st = certkit::ValidateSpiffeIdTemplate(a.spiffe_id); !st.ok()) {
      return certkit::Annotate(st, "--spiffe-id");
    }
  }
  if (auto st = ApplyProfileFile(a.profile_file, &s); !st.ok()) return st;
  if (!a.node_cn.empty()) {
    if (auto st = certkit::ValidateNodeCommonName(a.node_cn); !st.ok()) {
      return certkit::Annotate(st, "--node-cn");
    }
  }
  return s;
}

void PrintFiles(const std::string& dir, const LeafRecord& r) {
  for (const std::string& f : r.files) RecordWrite(JoinPath(dir, f), "file");
  Note(absl::StrCat("wrote ", Esc(dir), ": ", Esc(absl::StrJoin(r.files, " ")), "\n  serial ", r.serial,
                    ", expires ", FormatRfc3339(r.not_after)));
}

// RunLeaf issues a node (|node|) or a client with the --format stores.
int RunLeaf(const LeafArgs& a, bool node) {
  auto settings = Settings(a);
  if (!settings.ok()) return PrintError(settings.status());
  std::vector<std::string> format_list = a.formats;
  if (!a.preset.empty()) {
    auto preset = certkit::FindPreset(a.preset);
    if (!preset.ok()) return PrintError(certkit::Annotate(preset.status(), "--for"));
    certkit::ApplyPreset(**preset, &*settings);
    if (!a.formats_given && !(*preset)->formats.empty()) format_list = (*preset)->formats;
  }
  auto formats = ParseFormats(format_list);
  if (!formats.ok()) return PrintError(formats.status());
  settings->write_jks = formats->jks;
  settings->write_p12 = formats->p12;
  settings->write_truststores = true;
  if (auto s = CheckLeafK8s(formats->k8s, a.k8s_namespace, node, SplitList(a.hosts), a.user); !s.ok()) {
    return PrintError(s);
  }
  if (formats->jks || formats->p12) {
    Password store, trust;
    absl::Status s = ResolveStorePasswords(a.pass, /*confirm=*/true, &store, &trust);
    if (!s.ok()) return PrintError(s);
    settings->store_password = store.value;
    settings->truststore_password = trust.value;
  }
  auto ca = LoadCaFromArgs(a.ca);
  if (!ca.ok()) return PrintError(ca.status());
  auto r = node ? certkit::IssueNode(*ca, SplitList(a.hosts), a.out, *settings)
                : certkit::IssueClient(*ca, a.user, a.out, *settings);
  if (!r.ok()) return PrintError(WithHint(r.status(), certkit::ErrorKind::kAlreadyExists, kOverwriteHint));
  PrintFiles(a.out, *r);
  if (formats->k8s) {
    if (auto s = WriteLeafK8sFiles(*r, node, a.k8s_namespace, *settings); !s.ok()) return PrintError(s);
  }
  return kExitOk;
}

// AddFormatOptions adds --format, the store password options and --p12-profile.
void AddFormatOptions(CLI::App* cmd, LeafArgs* a) {
  cmd->add_option("--format", a->formats,
                  "outputs: pem (always), jks (keystore.jks, truststore.jks), p12 (keystore.p12, "
                  "truststore.p12), k8s (Kubernetes Secrets in <out>/k8s/, docs/KUBERNETES.md); "
                  "comma-separated")
      ->delimiter(',');
  AddK8sNamespaceOption(cmd, &a->k8s_namespace);
  AddStorePassOptions(cmd, &a->pass, /*with_truststore=*/true);
  AddP12ProfileOptions(cmd, &a->p12);
}

}  // namespace

void RegisterNodeCommands(CLI::App& app, int* exit_code) {
  auto node_args = std::make_shared<LeafArgs>();
  CLI::App* node = app.add_subcommand(
      "node", "issue a node certificate and key (CockroachDB layout: ca.crt node.crt node.key)");
  AddLeafOptions(node, node_args.get());
  node->add_option("--host", node_args->hosts,
                   "host name or IP address (repeat or comma-separate; IPs become IP SANs)")
      ->required();
  node->add_option("--node-cn", node_args->node_cn,
                   "subject CN (default: the first --host; the SANs carry every host)")
      ->type_name("CN");
  AddPresetOption(node, &node_args->preset, "a database's conventions");
  AddFormatOptions(node, node_args.get());
  SetExample(node, "certkit node --ca-cert ca/ca.crt --ca-key ca/ca-private/ca.key --host 10.0.0.1 "
                   "--host db1.example.com --out node1 --format pem,jks,p12 --storepass env:STOREPASS");
  node->callback([node, node_args, exit_code] {
    node_args->formats_given = node->count("--format") > 0;
    *exit_code = RunLeaf(*node_args, /*node=*/true);
  });

  auto client_args = std::make_shared<LeafArgs>();
  CLI::App* client = app.add_subcommand(
      "client", "issue a client certificate and key (client.<user>.crt, client.<user>.key; "
                "keystore.jks/.p12 for Java clients with --format)");
  AddLeafOptions(client, client_args.get());
  client->add_option("--user", client_args->user,
                     "user name (the certificate's CN, the key stores' alias)")->required();
  AddPresetOption(client, &client_args->preset, "a database's conventions");
  AddFormatOptions(client, client_args.get());
  SetExample(client, "certkit client --ca-cert ca/ca.crt --ca-key ca/ca-private/ca.key --user app --out app "
                     "--format pem,jks,p12 --storepass env:STOREPASS");
  client->callback([client, client_args, exit_code] {
    client_args->formats_given = client->count("--format") > 0;
    *exit_code = RunLeaf(*client_args, /*node=*/false);
  });
}

}  // namespace certkit_cli
