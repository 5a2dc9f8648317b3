// certkit cluster init | add | renew | rotate-ca
#include <algorithm>
#include <cstdio>
#include <memory>
#include <optional>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "certkit/cluster.h"
#include "certkit/error.h"
#include "certkit/pkcs11.h"
#include "certkit/presets.h"
#include "certkit/rotation.h"
#include "ca_args.h"
#include "cmd_cluster_status.h"
#include "commands.h"
#include "k8s_args.h"
#include "common.h"
#include "output.h"
#include "pkcs11_args.h"
#include "progress.h"
#include "store_args.h"

namespace certkit_cli {
namespace {

using certkit::ClusterInitSpec;
using certkit::ClusterUpdateSpec;
using certkit::LeafSettings;
using certkit::Manifest;

struct ClusterArgs {
  std::string out;
  std::vector<std::string> nodes;  // --nodes: comma-separated lists
  std::vector<std::string> node;   // --node: one node each
  std::vector<std::string> clients;
  std::string key;
  std::string ca_key;
  std::string ca_subject;
  int ca_days = 3650;
  int days = 0;
  std::string org;
  std::vector<std::string> sans;
  std::vector<std::string> formats = {"pem", "jks", "p12"};
  bool formats_given = false;      // --format was given (else a preset's list applies)
  std::string node_cn;             // init --node-cn
  std::string spiffe_id;           // init/add --spiffe-id
  std::string preset;              // --for
  bool pkcs8 = false;
  P12ProfileArgs p12;
  bool p12_plain_certs = false;
  StorePassArgs pass;
  int jobs = DefaultJobs();
  bool quiet = false;
  bool overwrite = false;
  bool allow_insecure_ca_key = false;
  std::string ca_key_pass;         // --ca-key-pass source
  std::string within = "30d";
  std::string profile_file;
  std::string stage;               // rotate-ca
  bool cross_sign = false;         // rotate-ca
  std::vector<std::string> only;   // rotate-ca reissue
  bool require_probe = false;      // rotate-ca
  LiveProbeArgs live;              // rotate-ca --require-probe
  std::string token_ca_cert;       // init --ca-cert: an existing CA whose key is in a token
  std::string token_ca_key;        // init --ca-key: that key's pkcs11: URI
  Pkcs11Args pkcs11;               // --pkcs11-module, --pkcs11-pin
  std::string k8s_namespace;       // init --k8s-namespace (recorded)
};

// What --ca-key-pass defaults to in add, renew and rotate-ca.
constexpr char kRecordedCaKeyPass[] =
    "the env:/file: source manifest.json records, else no password";

// PasswordSpecOrManifest: cluster add/renew reuse an env:/file: source
// recorded in the manifest when no source is given now.
std::string SpecOrRecorded(const std::string& given, const std::string& recorded) {
  if (!given.empty()) return given;
  if (recorded.rfind("env:", 0) == 0 || recorded.rfind("file:", 0) == 0) return recorded;
  return "";
}

absl::Status FillPasswords(const ClusterArgs& a, const Manifest* m, bool confirm,
                           LeafSettings* leaf, std::string* store_source,
                           std::string* trust_source) {
  if (!leaf->write_jks && !leaf->write_p12) {
    *store_source = *trust_source = "none";
    return absl::OkStatus();
  }
  StorePassArgs pass = a.pass;
  if (m != nullptr) {
    pass.storepass = SpecOrRecorded(pass.storepass, m->store_password_source);
    pass.truststorepass = SpecOrRecorded(pass.truststorepass, m->truststore_password_source);
    if (m->store_password_source == "insecure-default") pass.insecure_default = true;
  }
  Password store, trust;
  absl::Status s = ResolveStorePasswords(pass, confirm, &store, &trust);
  if (!s.ok()) return s;
  leaf->store_password = store.value;
  leaf->truststore_password = trust.value;
  *store_source = store.source;
  *trust_source = trust.source;
  return absl::OkStatus();
}

void PrintSummary(const std::string& dir, const Manifest& m, size_t first_node, size_t first_client) {
  for (size_t i = first_node; i < m.nodes.size(); ++i) {
    std::printf("node   %-24s %s/%s  expires %s\n", m.nodes[i].name.c_str(), dir.c_str(),
                m.nodes[i].dir.c_str(), FormatRfc3339(m.nodes[i].not_after).c_str());
  }
  for (size_t i = first_client; i < m.clients.size(); ++i) {
    std::printf("client %-24s %s/%s  expires %s\n", m.clients[i].name.c_str(), dir.c_str(),
                m.clients[i].dir.c_str(), FormatRfc3339(m.clients[i].not_after).c_str());
  }
}

// RecordLeafWrites reports (for --json) the files lib/cluster wrote for the
// records of |m| that |wanted| accepts.
template <typename Wanted>
void RecordLeafWrites(const std::string& dir, const Manifest& m, Wanted wanted) {
  for (const auto* list : {&m.nodes, &m.clients}) {
    const char* what = list == &m.nodes ? "node file" : "client file";
    for (const certkit::LeafRecord& r : *list) {
      if (!wanted(r)) continue;
      for (const std::string& file : r.files) {
        RecordWrite(certkit::JoinPath(certkit::JoinPath(dir, r.dir), file), what);
      }
    }
  }
  RecordWrite(certkit::JoinPath(dir, "manifest.json"), "cluster manifest");
}

// LoadInitTokenCa loads the existing CA of `init --ca-cert F --ca-key
// pkcs11:URI` into |ca| and records where its key, module and PIN come from
// in |spec|.
absl::Status LoadInitTokenCa(const ClusterArgs& a, std::optional<certkit::CertificateAuthority>* ca,
                             ClusterInitSpec* spec) {
  if (a.token_ca_cert.empty() != a.token_ca_key.empty()) {
    return certkit::MakeError(certkit::ErrorKind::kInvalidArgument,
                              "--ca-cert and --ca-key go together: the existing CA's certificate and "
                              "its key's pkcs11: URI");
  }
  if (a.token_ca_key.empty()) {
    if (!a.pkcs11.module.empty() || !a.pkcs11.pin.empty()) {
      return certkit::MakeError(certkit::ErrorKind::kInvalidArgument,
                                "--pkcs11-module and --pkcs11-pin need --ca-key pkcs11:URI");
    }
    return absl::OkStatus();
  }
  if (!certkit::IsPkcs11Uri(a.token_ca_key)) {
    return certkit::Annotate(
        certkit::MakeError(certkit::ErrorKind::kInvalidArgument,
                           "cluster init signs with an existing CA only when its key is in a "
                           "PKCS#11 token (a pkcs11: URI); a CA key file would be copied into "
                           "the cluster, so it is not taken"),
        "--ca-key");
  }
  for (auto [given, flag] : {std::pair<bool, const char*>{!a.ca_key.empty(), "--ca-key-type"},
                             {!a.ca_subject.empty(), "--ca-subject"},
                             {!a.ca_key_pass.empty(), "--ca-key-pass"}}) {
    if (given) {
      return certkit::MakeError(certkit::ErrorKind::kInvalidArgument,
                                absl::StrCat(flag, " describes a new CA; it does not go with --ca-key "
                                                   "(an existing CA in a token)"));
    }
  }
  auto uri = certkit::Pkcs11Uri::Parse(a.token_ca_key);
  if (!uri.ok()) return certkit::Annotate(uri.status(), "--ca-key");
  if (uri->pin_value) {
    return certkit::Annotate(
        certkit::MakeError(certkit::ErrorKind::kInvalidArgument,
                           "the URI carries a pin-value, which the manifest would record: give "
                           "the PIN with --pkcs11-pin env:VAR|file:PATH|prompt"),
        "--ca-key");
  }
  std::string pin_source;
  auto loaded = LoadTokenCaFromArgs(a.token_ca_cert, a.token_ca_key, a.pkcs11, &pin_source);
  if (!loaded.ok()) return loaded.status();
  *ca = *std::move(loaded);
  spec->token_ca = &**ca;
  spec->token_ca_key_uri = a.token_ca_key;
  spec->pkcs11_module = a.pkcs11.module;
  spec->pkcs11_pin_source = pin_source;
  return absl::OkStatus();
}

// LoadUpdateTokenCa: for a cluster whose CA key is in a token (the
// manifest's key_uri), loads the CA through the token into |ca| with the
// module and PIN source the manifest records unless given now.
absl::Status LoadUpdateTokenCa(const ClusterArgs& a, const Manifest& m,
                               std::optional<certkit::CertificateAuthority>* ca) {
  if (m.ca.key_uri.empty()) {
    if (!a.pkcs11.module.empty() || !a.pkcs11.pin.empty()) {
      return certkit::MakeError(certkit::ErrorKind::kInvalidArgument,
                                "--pkcs11-module and --pkcs11-pin are for a cluster whose CA key is "
                                "in a token; this cluster's is a file");
    }
    return absl::OkStatus();
  }
  if (!a.ca_key_pass.empty()) {
    return certkit::MakeError(certkit::ErrorKind::kInvalidArgument,
                              "the cluster's CA key is in a PKCS#11 token: it takes --pkcs11-pin, "
                              "not --ca-key-pass");
  }
  Pkcs11Args args = a.pkcs11;
  if (args.module.empty()) args.module = m.pkcs11_module;
  if (args.pin.empty()) args.pin = certkit::ReusablePasswordSource(m.pkcs11_pin_source);
  auto loaded = LoadTokenCaFromArgs(certkit::JoinPath(a.out, m.ca.cert_file), m.ca.key_uri, args);
  if (!loaded.ok()) return loaded.status();
  *ca = *std::move(loaded);
  return absl::OkStatus();
}

// NodeItems: the nodes of every --nodes list, then of every --node
// (each NAME or NAME=HOST+HOST..., certkit/node_spec.h).
absl::StatusOr<std::vector<std::string>> NodeItems(const ClusterArgs& a) {
  std::vector<std::string> out;
  for (const std::string& list : a.nodes) {
    auto items = certkit::SplitNodeList(list);
    if (!items.ok()) return certkit::Annotate(items.status(), "--nodes");
    out.insert(out.end(), items->begin(), items->end());
  }
  out.insert(out.end(), a.node.begin(), a.node.end());
  return out;
}

int RunInit(const ClusterArgs& a) {
  ClusterInitSpec spec;
  spec.out_dir = a.out;
  if (a.nodes.empty() && a.node.empty()) {
    PrintError(certkit::MakeError(certkit::ErrorKind::kInvalidArgument,
                                  "cluster init needs its nodes: --nodes LIST and/or --node NODE"));
    return kExitUsage;
  }
  auto nodes = NodeItems(a);
  if (!nodes.ok()) return PrintError(nodes.status());
  spec.nodes = *std::move(nodes);
  spec.clients = SplitList(a.clients);
  auto leaf_key = certkit::KeySpec::Parse(a.key.empty() ? "ec:p256" : a.key);
  if (!leaf_key.ok()) return PrintError(certkit::Annotate(leaf_key.status(), "--key-type"));
  auto ca_key = certkit::KeySpec::Parse(a.ca_key.empty() ? leaf_key->ToString() : a.ca_key);
  if (!ca_key.ok()) return PrintError(certkit::Annotate(ca_key.status(), "--ca-key-type"));
  const certkit::Preset* preset = nullptr;
  if (!a.preset.empty()) {
    auto found = certkit::FindPreset(a.preset);
    if (!found.ok()) return PrintError(certkit::Annotate(found.status(), "--for"));
    preset = *found;
  }
  auto formats = ParseFormats(preset != nullptr && !a.formats_given && !preset->formats.empty()
                                  ? preset->formats
                                  : a.formats);
  if (!formats.ok()) return PrintError(formats.status());
  spec.leaf.key_spec = *leaf_key;
  spec.leaf.days = a.days;
  spec.leaf.organization = a.org;
  spec.leaf.extra_sans = a.sans;
  spec.leaf.node_cn = a.node_cn;
  spec.leaf.spiffe_id = a.spiffe_id;
  if (preset != nullptr) certkit::ApplyPreset(*preset, &spec.leaf);
  spec.leaf.write_jks = formats->jks;
  spec.leaf.write_p12 = formats->p12;
  spec.leaf.pkcs8 = a.pkcs8;
  auto p12_profile = ResolveP12Profile(a.p12);
  if (!p12_profile.ok()) return PrintError(p12_profile.status());
  spec.leaf.pkcs12_profile = *p12_profile;
  spec.leaf.pkcs12_plain_certs = a.p12_plain_certs;
  spec.leaf.overwrite = a.overwrite;
  spec.formats = formats->names;
  spec.k8s_namespace = a.k8s_namespace;
  absl::Status s = FillPasswords(a, nullptr, /*confirm=*/true, &spec.leaf,
                                 &spec.store_password_source, &spec.truststore_password_source);
  if (!s.ok()) return PrintError(s);
  std::optional<certkit::CertificateAuthority> token_ca;
  s = LoadInitTokenCa(a, &token_ca, &spec);
  if (!s.ok()) return PrintError(s);
  absl::StatusOr<Password> ca_pass = Password{"", "none"};
  if (!token_ca) ca_pass = ResolveNewCaKeyPassword(a.ca_key_pass, "--ca-key-pass");
  if (!ca_pass.ok()) return PrintError(ca_pass.status());
  spec.ca_key_password = ca_pass->value;
  spec.ca_key_password_source = ca_pass->source;
  if (!a.ca_subject.empty()) {
    auto dn = certkit::DistinguishedName::Parse(a.ca_subject);
    if (!dn.ok()) return PrintError(certkit::Annotate(dn.status(), "--ca-subject"));
    spec.ca.subject = *dn;
  }
  spec.ca.key_spec = *ca_key;
  spec.ca.days = a.ca_days;
  if (auto st = ApplyProfileFile(a.profile_file, &spec.leaf, &spec.ca); !st.ok()) return PrintError(st);
  spec.jobs = a.jobs;
  Progress progress(!a.quiet);
  spec.progress = &progress;
  auto m = certkit::ClusterInit(spec);
  if (!m.ok()) {
    return PrintError(WithHint(m.status(), certkit::ErrorKind::kAlreadyExists,
                               "; use `certkit cluster add` or --overwrite"));
  }
  RecordWrite(certkit::JoinPath(a.out, m->ca.cert_file), "CA certificate");
  if (!token_ca) {
    RecordWrite(certkit::JoinPath(a.out, m->ca.key_file), "CA private key");
    if (ca_pass->value.empty()) NoticeUnencryptedCaKey(certkit::JoinPath(a.out, m->ca.key_file), "--ca-key-pass");
  }
  for (const std::string& t : m->truststores) {
    RecordWrite(certkit::JoinPath(a.out, t), "trust store");
  }
  RecordLeafWrites(a.out, *m, [](const certkit::LeafRecord&) { return true; });
  if (s = WriteClusterK8sFiles(a.out, *m, spec.leaf); !s.ok()) return PrintError(s);
  if (!a.quiet) {
    std::printf("CA      %s/ca.crt (SHA-256 %s)\n", a.out.c_str(), m->ca.sha256_fingerprint.c_str());
    PrintSummary(a.out, *m, 0, 0);
    if (!m->truststores.empty()) {
      std::printf("trust   %s/%s\n", a.out.c_str(), absl::StrJoin(m->truststores, ", ").c_str());
    }
    std::printf("manifest %s/manifest.json\n", a.out.c_str());
    if (token_ca) {
      std::printf("The CA key stays in the token: %s\n", Esc(certkit::TokenKeyDescription(token_ca->key())).c_str());
    } else {
      std::printf("The CA key is in %s/ca-private/ca.key (%s): keep it off the nodes and back it up.\n",
                  a.out.c_str(), Esc(CaKeyProtection(*ca_pass)).c_str());
    }
  }
  return kExitOk;
}

// UpdateSpec reads the manifest and the passwords: the store passwords and
// the CA key's (|ca_pass|: --ca-key-pass or the source the manifest records).
absl::StatusOr<ClusterUpdateSpec> UpdateSpec(const ClusterArgs& a, Manifest* manifest_out,
                                             CaKeyPassword* ca_pass,
                                             std::optional<certkit::CertificateAuthority>* token_ca = nullptr) {
  auto m = certkit::LoadManifest(a.out);
  if (!m.ok()) return m.status();
  ClusterUpdateSpec spec;
  spec.dir = a.out;
  auto nodes = NodeItems(a);
  if (!nodes.ok()) return nodes.status();
  spec.nodes = *std::move(nodes);
  spec.clients = SplitList(a.clients);
  spec.allow_insecure_ca_key = a.allow_insecure_ca_key;
  spec.jobs = a.jobs;
  absl::Status s = certkit::LeafSettingsFromManifest(*m, &spec.leaf);
  if (!s.ok()) return s;
  if (!a.preset.empty()) {
    // The manifest's preset applies anyway; a different one is refused.
    auto found = certkit::FindPreset(a.preset);
    if (!found.ok()) return certkit::Annotate(found.status(), "--for");
    if (m->preset != a.preset) {
      return certkit::MakeError(
          certkit::ErrorKind::kInvalidArgument,
          absl::StrCat("--for ", a.preset, ": the cluster in '", a.out, "' was made ",
                       m->preset.empty() ? std::string("without --for")
                                         : absl::StrCat("--for ", m->preset),
                       " (manifest.json), and its nodes and clients keep that"));
    }
  }
  if (!a.key.empty()) {
    auto k = certkit::KeySpec::Parse(a.key);
    if (!k.ok()) return certkit::Annotate(k.status(), "--key-type");
    spec.leaf.key_spec = *k;
  }
  if (a.days > 0) spec.leaf.days = a.days;
  if (!a.p12.profile.empty() || a.p12.legacy) {  // else the manifest's
    auto p12_profile = ResolveP12Profile(a.p12);
    if (!p12_profile.ok()) return p12_profile.status();
    spec.leaf.pkcs12_profile = *p12_profile;
  }
  if (!a.spiffe_id.empty()) spec.leaf.spiffe_id = a.spiffe_id;  // add: checked by ClusterAdd
  spec.leaf.pkcs12_plain_certs = a.p12_plain_certs;
  s = ApplyProfileFile(a.profile_file, &spec.leaf);
  if (!s.ok()) return s;
  std::string store_source, trust_source;
  s = FillPasswords(a, &*m, /*confirm=*/false, &spec.leaf, &store_source, &trust_source);
  if (!s.ok()) return s;
  if (token_ca != nullptr) {
    s = LoadUpdateTokenCa(a, *m, token_ca);
    if (!s.ok()) return s;
    if (token_ca->has_value()) spec.ca = &**token_ca;
  }
  auto pass = ResolveCaKeyPassword(a.ca_key_pass, m->ca_key_password_source);
  if (!pass.ok()) return pass.status();
  *ca_pass = *std::move(pass);
  spec.ca_key_password = ca_pass->password.value;
  *manifest_out = *std::move(m);
  return spec;
}

int RunAdd(const ClusterArgs& a) {
  Manifest before;
  CaKeyPassword ca_pass;
  std::optional<certkit::CertificateAuthority> token_ca;
  auto spec = UpdateSpec(a, &before, &ca_pass, &token_ca);
  if (!spec.ok()) return PrintError(spec.status());
  Progress progress(!a.quiet);
  spec->progress = &progress;
  auto m = certkit::ClusterAdd(*spec);
  if (!m.ok()) {
    return PrintError(CaKeyPasswordHint(WithHint(m.status(), certkit::ErrorKind::kAlreadyExists,
                                                 "; use `certkit cluster renew` to re-issue it"),
                                        ca_pass));
  }
  RecordLeafWrites(a.out, *m, [&before](const certkit::LeafRecord& r) {
    return before.FindNode(r.name) == nullptr && before.FindClient(r.name) == nullptr;
  });
  if (auto s = WriteClusterK8sFiles(a.out, *m, spec->leaf); !s.ok()) return PrintError(s);
  if (!a.quiet) PrintSummary(a.out, *m, before.nodes.size(), before.clients.size());
  return kExitOk;
}

int RunRenew(const ClusterArgs& a) {
  auto within = ParseWindow(a.within);
  if (!within.ok()) return PrintError(certkit::Annotate(within.status(), "--within"));
  Manifest before;
  CaKeyPassword ca_pass;
  std::optional<certkit::CertificateAuthority> token_ca;
  auto spec = UpdateSpec(a, &before, &ca_pass, &token_ca);
  if (!spec.ok()) return PrintError(spec.status());
  spec->within = *within;
  Progress progress(!a.quiet);
  spec->progress = &progress;
  std::vector<std::string> renewed;
  auto m = certkit::ClusterRenew(*spec, &renewed);
  if (!m.ok()) return PrintError(CaKeyPasswordHint(m.status(), ca_pass));
  RecordLeafWrites(a.out, *m, [&renewed](const certkit::LeafRecord& r) {
    return std::find(renewed.begin(), renewed.end(), r.name) != renewed.end();
  });
  if (auto s = WriteClusterK8sFiles(a.out, *m, spec->leaf); !s.ok()) return PrintError(s);
  if (!a.quiet) {
    if (renewed.empty()) {
      std::printf("nothing expires within %s\n", a.within.c_str());
    } else {
      std::printf("renewed %zu: %s\n", renewed.size(), absl::StrJoin(renewed, ", ").c_str());
    }
    if (m->ca.not_after < absl::Now() + *within) {
      std::printf("warning: the CA itself expires %s; replace it with `certkit cluster rotate-ca --dir %s`\n",
                  FormatRfc3339(m->ca.not_after).c_str(), Esc(a.out).c_str());
    }
  }
  return kExitOk;
}

int RunRotate(const ClusterArgs& a) {
  Manifest before;
  CaKeyPassword ca_pass;
  auto update = UpdateSpec(a, &before, &ca_pass);
  if (!update.ok()) return PrintError(update.status());
  certkit::RotationSpec spec;
  spec.dir = a.out;
  if (!a.stage.empty()) {
    auto stage = certkit::ParseRotationStage(a.stage);
    if (!stage.ok()) return PrintError(certkit::Annotate(stage.status(), "--stage"));
    spec.stage = *stage;
  }
  if (!a.ca_subject.empty()) {
    auto dn = certkit::DistinguishedName::Parse(a.ca_subject);
    if (!dn.ok()) return PrintError(certkit::Annotate(dn.status(), "--ca-subject"));
    spec.ca_subject = *dn;
  }
  if (!a.ca_key.empty()) {
    auto k = certkit::KeySpec::Parse(a.ca_key);
    if (!k.ok()) return PrintError(certkit::Annotate(k.status(), "--ca-key-type"));
    spec.ca_key_spec = *k;
  }
  spec.ca_days = a.ca_days;
  spec.cross_sign = a.cross_sign;
  spec.leaf = update->leaf;
  spec.only = SplitList(a.only);
  spec.allow_insecure_ca_key = a.allow_insecure_ca_key;
  // One password for every CA key of the cluster: new-ca writes the new
  // key with the password of the current one (docs/CLI.md).
  spec.ca_key_password = ca_pass.password.value;
  spec.ca_key_password_source = ca_pass.password.source;
  spec.jobs = a.jobs;
  if (a.require_probe) {
    auto m = certkit::LoadManifest(a.out);
    if (!m.ok()) return PrintError(m.status());
    LiveProbeArgs live = a.live;
    live.allow_insecure_ca_key = a.allow_insecure_ca_key;
    live.ca_key_password = ca_pass.password.value;
    // With no stage named and no rotation in progress, RotateCa refuses
    // below: nothing to probe for.
    if (spec.stage.has_value() || certkit::RotationInProgress(*m)) {
      int rc = RequireProbe(live, a.out, spec.stage.value_or(certkit::NextRotationStage(*m)));
      if (rc != kExitOk) return rc;
    }
  } else if (a.live.Given()) {
    return PrintError(certkit::MakeError(certkit::ErrorKind::kInvalidArgument,
                                         "--port, --internode-port and --timeout need --require-probe"));
  }
  Progress progress(!a.quiet);
  spec.progress = &progress;
  auto r = certkit::RotateCa(spec);
  if (!r.ok()) {
    return PrintError(WithHint(CaKeyPasswordHint(r.status(), ca_pass), certkit::ErrorKind::kInvalidArgument,
                               r.status().message().find("no CA rotation is in progress") != absl::string_view::npos
                                   ? "; start one with --stage new-ca"
                                   : ""));
  }
  for (const auto& w : r->written) RecordWrite(w.path, w.what);
  if (auto s = WriteClusterK8sFiles(a.out, r->manifest, spec.leaf); !s.ok()) return PrintError(s);
  if (JsonMode()) {
    // stage, changed, finished, reissued, pending, next_stage, rotation.
    const nlohmann::json result = nlohmann::json::parse(certkit::RotationResultJson(*r, false));
    for (auto it = result.begin(); it != result.end(); ++it) {
      if (it.key() != "written") ReportField(it.key(), it.value());
    }
  }
  if (r->changed && r->stage == certkit::RotationStage::kNewCa && ca_pass.password.value.empty()) {
    if (const certkit::CaRecord* next = r->manifest.CaInState(certkit::kCaNext); next != nullptr) {
      NoticeUnencryptedCaKey(certkit::JoinPath(a.out, next->key_file), "--ca-key-pass");
    }
  }
  if (a.quiet) return kExitOk;
  const std::string stage(certkit::RotationStageName(r->stage));
  const std::string dir = Esc(a.out);
  if (!r->changed) {
    std::printf("stage %s: already done, nothing changed\n", stage.c_str());
  } else if (r->stage == certkit::RotationStage::kNewCa) {
    const certkit::CaRecord* next = r->manifest.CaInState(certkit::kCaNext);
    std::printf("stage new-ca: new CA %s (SHA-256 %s)\n  certificate %s/%s, key %s/%s\n",
                Esc(next->subject).c_str(), next->sha256_fingerprint.c_str(), dir.c_str(),
                Esc(next->cert_file).c_str(), dir.c_str(), Esc(next->key_file).c_str());
    if (!next->cross_cert_file.empty()) {
      std::printf("  cross-signed by the old CA: %s/%s\n", dir.c_str(), Esc(next->cross_cert_file).c_str());
    }
  } else if (r->stage == certkit::RotationStage::kReissue) {
    std::printf("stage reissue: active CA %s; re-issued %zu: %s\n", Esc(r->manifest.ca.subject).c_str(),
                r->reissued.size(), Esc(absl::StrJoin(r->reissued, ", ")).c_str());
    if (!r->pending.empty()) {
      std::printf("still on the old CA: %s\n", Esc(absl::StrJoin(r->pending, ", ")).c_str());
    }
  } else {
    std::printf("stage %s: %zu files updated; trusted: %zu CA(s)\n", stage.c_str(), r->written.size(),
                r->manifest.TrustedCas().size());
  }
  if (r->finished && r->stage != certkit::RotationStage::kRetireOld) {
    std::printf("next: certkit cluster rotate-ca --dir %s --stage %s (once every node has picked up "
                "the files)\n",
                dir.c_str(), std::string(certkit::RotationStageName(certkit::NextRotationStage(r->manifest))).c_str());
  } else if (!r->finished) {
    std::printf("next: certkit cluster rotate-ca --dir %s --stage reissue\n", dir.c_str());
  } else {
    std::printf("rotation done: every node and client trusts and uses %s only\n",
                Esc(r->manifest.ca.subject).c_str());
  }
  return kExitOk;
}

void AddSharedOptions(CLI::App* cmd, ClusterArgs* a) {
  AddProfileFileOption(cmd, &a->profile_file);
  cmd->add_option("--jobs,-j", a->jobs, "parallel workers (default: all cores)")->check(CLI::Range(1, 1024));
  cmd->add_flag("--quiet,-q", a->quiet, "no progress bar and no summary");
  cmd->add_flag("--allow-insecure-ca-key", a->allow_insecure_ca_key,
                "use a CA key file that group/others can read");
  AddP12ProfileOptions(cmd, &a->p12);
  cmd->add_flag("--p12-plain-certs", a->p12_plain_certs,
                "leave PKCS#12 certificate bags unencrypted like openssl -certpbe NONE (keys stay "
                "encrypted, the MAC covers all; keytool reads it): one key derivation less per store");
  AddStorePassOptions(cmd, &a->pass, /*with_truststore=*/true);
}

}  // namespace

void RegisterClusterCommands(CLI::App& app, int* exit_code) {
  CLI::App* cluster = app.add_subcommand("cluster", "create and maintain a whole cluster's certificates");
  cluster->require_subcommand(1);
  SetExample(cluster, "certkit cluster init --nodes 10.0.0.1,10.0.0.2,10.0.0.3 --clients app --out demo "
                      "--storepass env:STOREPASS");

  auto init_args = std::make_shared<ClusterArgs>();
  CLI::App* init = cluster->add_subcommand(
      "init", "create a CA, every node's certificate, key and key stores, trust stores and client certificates");
  init->add_option("--out", init_args->out, "cluster directory")->type_name("DIR")->required();
  init->add_option("--nodes", init_args->nodes,
                   "nodes, comma-separated; each NAME or NAME=HOST+HOST... (NAME: folder, CN and "
                   "first SAN; the hosts: more IP/DNS SANs, e.g. db3.example.com=10.0.0.3+10.0.0.4)")
      ->type_name("LIST");
  init->add_option("--node", init_args->node,
                   "one node, NAME or NAME=HOST+HOST... as in --nodes (repeatable)")
      ->type_name("NODE");
  init->add_option("--clients", init_args->clients, "client user names (comma-separated)")->delimiter(',');
  init->add_option("--key-type", init_args->key,
                   "key type for nodes and clients: rsa:2048|rsa:3072|rsa:4096|ec:p256|ec:p384|ed25519 "
                   "(default ec:p256, recommended: RSA key generation is about 90% of an RSA "
                   "cluster's time, 10-20 RSA-2048 keys per second per core)");
  init->add_option("--ca-key-type", init_args->ca_key, "key type of the CA (default: as --key-type)");
  init->add_option("--ca-subject", init_args->ca_subject, "CA subject DN (default CN=certkit CA <cluster directory name> <random id>)");
  init->add_option("--ca-days", init_args->ca_days, "CA validity in days")->capture_default_str();
  init->add_option("--days", init_args->days, "leaf validity in days (default 365)")->check(CLI::Range(1, 36500));
  init->add_option("--org", init_args->org, "organization (O=) in all subjects");
  init->add_option("--san", init_args->sans, "extra SAN added to every node (e.g. DNS:db.example.com)");
  init->add_option("--node-cn", init_args->node_cn,
                   "subject CN of every node certificate (default: the node's first host; SANs "
                   "still carry every host); recorded for add, renew and rotate-ca")
      ->type_name("CN");
  init->add_option("--spiffe-id", init_args->spiffe_id, kSpiffeIdHelp)->type_name("TEMPLATE");
  AddPresetOption(init, &init_args->preset,
                  "cluster conventions of a database (recorded in the manifest)");
  init->add_option("--format", init_args->formats,
                   "pem,jks,p12 (default all; pem is always written); k8s adds Kubernetes Secrets "
                   "(docs/KUBERNETES.md), recorded for add, renew and rotate-ca")
      ->delimiter(',');
  AddK8sNamespaceOption(init, &init_args->k8s_namespace);
  init->add_flag("--pkcs8", init_args->pkcs8, "also write keys as PKCS#8 DER (.pk8) for Java clients");
  init->add_flag("--overwrite", init_args->overwrite, "replace an existing cluster directory's files");
  AddSharedOptions(init, init_args.get());
  AddNewCaKeyPassOption(init, "--ca-key-pass", &init_args->ca_key_pass, "the CA key");
  init->add_option("--ca-cert", init_args->token_ca_cert,
                   "an existing CA to sign with instead of a new one (with --ca-key): its certificate "
                   "and chain")
      ->type_name("FILE");
  init->add_option("--ca-key", init_args->token_ca_key,
                   "the existing CA's key in a PKCS#11 token: its pkcs11: URI (RFC 7512); the "
                   "manifest records it, the module and the PIN source, never the PIN")
      ->type_name("URI");
  AddPkcs11Options(init, &init_args->pkcs11);
  SetExample(init, "certkit cluster init --nodes 10.0.0.1,10.0.0.2,10.0.0.3 --clients root,app "
                   "--out demo --storepass env:STOREPASS --jobs 8");
  init->callback([init, init_args, exit_code] {
    init_args->formats_given = init->count("--format") > 0;
    *exit_code = RunInit(*init_args);
  });

  auto add_args = std::make_shared<ClusterArgs>();
  CLI::App* add = cluster->add_subcommand(
      "add", "issue more nodes/clients with the cluster's CA (existing files are not touched)");
  add->add_option("--dir,--out", add_args->out, "cluster directory (with manifest.json)")->type_name("DIR")->required();
  add->add_option("--nodes", add_args->nodes,
                  "new nodes, comma-separated; each NAME or NAME=HOST+HOST... as in cluster init")
      ->type_name("LIST");
  add->add_option("--node", add_args->node, "one new node, NAME or NAME=HOST+HOST... (repeatable)")
      ->type_name("NODE");
  add->add_option("--clients", add_args->clients, "new client user names")->delimiter(',');
  add->add_option("--key-type", add_args->key, "key type (default: the manifest's)");
  add->add_option("--days", add_args->days, "leaf validity in days (default: the manifest's)");
  add->add_option("--spiffe-id", add_args->spiffe_id,
                  "the SPIFFE ID template (default: the manifest's; recorded when it has none, "
                  "refused when it differs)")
      ->type_name("TEMPLATE");
  AddPresetOption(add, &add_args->preset,
                  "default: the preset manifest.json records; a different one is refused");
  AddSharedOptions(add, add_args.get());
  AddCaKeyPassOption(add, &add_args->ca_key_pass, kRecordedCaKeyPass);
  AddPkcs11Options(add, &add_args->pkcs11);
  SetExample(add, "certkit cluster add --dir demo --nodes 10.0.0.4 --storepass env:STOREPASS");
  add->callback([add_args, exit_code] { *exit_code = RunAdd(*add_args); });

  auto renew_args = std::make_shared<ClusterArgs>();
  CLI::App* renew = cluster->add_subcommand(
      "renew", "re-issue leaf certificates (new keys) and rebuild stores for those expiring soon");
  renew->add_option("--dir,--out", renew_args->out, "cluster directory (with manifest.json)")->type_name("DIR")->required();
  renew->add_option("--within", renew_args->within, "renew what expires within this window (e.g. 30d)")
      ->capture_default_str();
  renew->add_option("--key-type", renew_args->key, "key type (default: the manifest's)");
  renew->add_option("--days", renew_args->days, "leaf validity in days (default: the manifest's)");
  AddSharedOptions(renew, renew_args.get());
  AddCaKeyPassOption(renew, &renew_args->ca_key_pass, kRecordedCaKeyPass);
  AddPkcs11Options(renew, &renew_args->pkcs11);
  SetExample(renew, "certkit cluster renew --dir demo --within 30d --storepass env:STOREPASS");
  renew->callback([renew_args, exit_code] { *exit_code = RunRenew(*renew_args); });

  auto rotate_args = std::make_shared<ClusterArgs>();
  CLI::App* rotate = cluster->add_subcommand(
      "rotate-ca",
      "replace the cluster CA without downtime, one stage per run: new-ca, trust-both, reissue, retire-old");
  rotate->add_option("--dir,--out", rotate_args->out, "cluster directory (with manifest.json)")->type_name("DIR")->required();
  rotate->add_option("--stage", rotate_args->stage,
                     "new-ca|trust-both|reissue|retire-old (default: the next stage of the rotation in "
                     "progress; a new rotation starts only with new-ca named; a stage already done "
                     "changes nothing)");
  rotate->add_option("--ca-subject", rotate_args->ca_subject,
                     "new-ca: subject of the new CA (default CN=certkit CA <cluster directory name> <random id>)");
  rotate->add_option("--ca-key-type", rotate_args->ca_key, "new-ca: key type of the new CA (default: the manifest's)");
  rotate->add_option("--ca-days", rotate_args->ca_days, "new-ca: validity of the new CA in days")
      ->capture_default_str()->check(CLI::Range(1, 36500));
  rotate->add_flag("--cross-sign", rotate_args->cross_sign,
                   "new-ca: also write the new CA certified by the old one (ca-<id>-cross.crt)");
  rotate->add_option("--only", rotate_args->only,
                     "reissue: only these nodes/clients (comma-separated); the stage finishes once all are re-issued")
      ->delimiter(',');
  rotate->add_flag("--require-probe", rotate_args->require_probe,
                   "first probe every node (--port, --internode-port) and refuse the stage while one "
                   "still serves old material (see `certkit cluster status --probe`)");
  AddLiveProbeOptions(rotate, &rotate_args->live);
  AddSharedOptions(rotate, rotate_args.get());
  AddCaKeyPassOption(rotate, &rotate_args->ca_key_pass,
                     std::string(kRecordedCaKeyPass) +
                         "; new-ca encrypts the new CA key with it too: one password for all CA keys");
  SetExample(rotate, "certkit cluster rotate-ca --dir demo --stage new-ca --storepass env:STOREPASS  "
                     "# then trust-both, reissue, retire-old");
  rotate->callback([rotate_args, exit_code] { *exit_code = RunRotate(*rotate_args); });
}

}  // namespace certkit_cli
