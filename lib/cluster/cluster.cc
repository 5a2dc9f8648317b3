#include "certkit/cluster.h"

#include <algorithm>
#include <cstdio>
#include <tuple>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "certkit/batch.h"
#include "certkit/ca_files.h"
#include "certkit/error.h"
#include "certkit/file.h"
#include "certkit/k8s.h"
#include "certkit/keystore.h"
#include "certkit/name.h"
#include "certkit/node_spec.h"
#include "certkit/profile.h"
#include "certkit/rotation.h"
#include "certkit/spiffe.h"
#include "certkit/display.h"
#include "util/write_set.h"

namespace certkit {
namespace {

constexpr char kCaKeyDir[] = "ca-private";
constexpr char kCaKeyFile[] = "ca-private/ca.key";
// Present in a cluster folder from the start of `cluster init` until its
// manifest is written: the folder's files were never committed.
constexpr char kInitMarker[] = ".init-incomplete";

// CheckPathComponent refuses names that would escape their directory.
absl::Status CheckPathComponent(const std::string& name, const char* what) {
  if (name.empty() || name == "." || name == ".." || name.find('/') != std::string::npos ||
      name.find('\0') != std::string::npos) {
    return MakeError(ErrorKind::kInvalidArgument,
                     absl::StrCat("invalid ", what, " '", name, "': it names a directory"));
  }
  return absl::OkStatus();
}

// ChainBelowRoot returns |ca| and its issuers without the self-issued root:
// what goes after the leaf in node.crt.
std::vector<Certificate> ChainBelowRoot(const CertificateAuthority& ca) {
  std::vector<Certificate> out;
  for (const Certificate& c : ca.ChainWithSelf()) {
    if (!c.is_self_issued()) out.push_back(c);
  }
  return out;
}

DistinguishedName LeafSubject(const std::string& cn, const LeafSettings& settings) {
  std::vector<NameAttribute> rdns;
  if (!settings.organization.empty()) rdns.push_back({"O", settings.organization});
  rdns.push_back({"CN", cn});
  return DistinguishedName(std::move(rdns));
}

// Anchors: what the leaf's ca.crt and stores trust.
std::vector<Certificate> Anchors(const CertificateAuthority& ca, const LeafSettings& settings) {
  if (!settings.trusted_cas.empty()) return settings.trusted_cas;
  return {ca.root()};
}

// An issued leaf: IssueBatch's result for a fresh-key item.
struct Issued {
  const PrivateKey& key;
  const Certificate& cert;
};

// LeafPlan is one leaf to issue (a fresh-key batch item) and where its
// files go.
struct LeafPlan {
  BatchItem item;
  std::string name;  // subject CN, key entry alias and manifest name
  std::string base;  // file base name: "node" or "client.<user>"
  const char* kind = "leaf";  // "node" or "client", for messages
  std::string dir;
  bool overwrite = false;
};

LeafPlan MakePlan(const char* kind, const Profile& profile, const std::string& name,
                  std::string base, std::vector<SubjectAltName> sans,
                  const LeafSettings& settings) {
  LeafPlan plan;
  plan.kind = kind;
  plan.item.subject_key = settings.key_spec;
  plan.item.profile = profile;
  plan.item.options.days = settings.days;
  plan.item.options.subject = LeafSubject(name, settings);
  plan.item.options.sans = std::move(sans);
  plan.item.options.policy = settings.policy;
  plan.name = name;
  plan.base = std::move(base);
  plan.overwrite = settings.overwrite;
  return plan;
}

// Options for WriteFileAtomic: |mode|, and without |overwrite| an existing
// file is kAlreadyExists naming it and left untouched.
WriteOptions FileOptions(unsigned mode, bool overwrite) {
  WriteOptions opts;
  opts.mode = mode;
  opts.overwrite = overwrite;
  return opts;
}

absl::Status SaveStore(const KeyStore& store, const std::string& path, StoreFormat format,
                       const std::string& password, const LeafSettings& settings) {
  SaveOptions opts;
  opts.pkcs12_profile = settings.pkcs12_profile;
  if (opts.pkcs12_profile == Pkcs12Profile::kPasswordlessTruststore && store.HasPrivateKeys()) {
    opts.pkcs12_profile = Pkcs12Profile::kModern;
  }
  opts.pkcs12_encrypt_certs = !settings.pkcs12_plain_certs;
  opts.overwrite = settings.overwrite;
  absl::Status s = store.SaveFile(path, format, password, opts);
  if (!s.ok()) return Annotate(s, absl::StrCat("writing '", path, "'"));
  return s;
}

// WriteLeafFiles writes ca.crt, <base>.crt, <base>.key (+ .pk8) into |dir|.
absl::Status WriteLeafFiles(const CertificateAuthority& ca, const Issued& issued,
                            const std::string& dir, const std::string& base,
                            const LeafSettings& settings, std::vector<std::string>* files) {
  absl::Status s = MakeDirectories(dir);
  if (!s.ok()) return s;
  // The key first: if it exists and overwrite is off nothing is written.
  const std::string key_name = absl::StrCat(base, ".key");
  s = WriteFileAtomic(JoinPath(dir, key_name), issued.key.ToPem(),
                      FileOptions(kPrivateFileMode, settings.overwrite));
  if (!s.ok()) return s;
  files->push_back("ca.crt");
  s = WriteFileAtomic(JoinPath(dir, "ca.crt"), CertificatesToPem(Anchors(ca, settings)),
                      FileOptions(kPublicFileMode, settings.overwrite));
  if (!s.ok()) return s;
  std::vector<Certificate> chain = {issued.cert};
  for (const Certificate& c : ChainBelowRoot(ca)) chain.push_back(c);
  files->push_back(absl::StrCat(base, ".crt"));
  s = WriteFileAtomic(JoinPath(dir, files->back()), CertificatesToPem(chain),
                      FileOptions(kPublicFileMode, settings.overwrite));
  if (!s.ok()) return s;
  files->push_back(key_name);
  if (settings.pkcs8) {
    files->push_back(absl::StrCat(key_name, ".pk8"));
    s = WriteFileAtomic(JoinPath(dir, files->back()), issued.key.ToDer(KeyFormat::kPkcs8),
                        FileOptions(kPrivateFileMode, settings.overwrite));
    if (!s.ok()) return s;
  }
  return absl::OkStatus();
}

LeafRecord MakeRecord(const std::string& name, const std::string& dir, const Issued& issued,
                      std::vector<std::string> files) {
  LeafRecord r;
  r.name = name;
  r.dir = dir;
  r.serial = issued.cert.serial_hex();
  r.sha256_fingerprint = issued.cert.Sha256Fingerprint();
  r.not_after = issued.cert.not_after();
  r.files = std::move(files);
  // A node's hosts: its DNS and IP SANs (renew re-issues from them); a URI
  // SAN (--spiffe-id) or email SAN is no host and comes from the settings.
  for (const auto& san : issued.cert.subject_alt_names()) {
    if (san.type == SubjectAltName::Type::kDns || san.type == SubjectAltName::Type::kIp) {
      r.hosts.push_back(san.value);
    }
  }
  return r;
}

absl::Status CheckStorePassword(const LeafSettings& settings) {
  if ((settings.write_jks || settings.write_p12) && settings.store_password.empty()) {
    return MakeError(ErrorKind::kBadPassword, "key stores need a non-empty store password");
  }
  return absl::OkStatus();
}

}  // namespace

// SaveStores writes |store| as <base>.jks and/or <base>.p12 into |dir| as
// |settings| ask; appends the file names.
absl::Status SaveStores(const KeyStore& store, const std::string& dir, const std::string& base,
                        const std::string& password, const LeafSettings& settings,
                        std::vector<std::string>* files) {
  for (const auto& [wanted, format, ext] :
       {std::tuple<bool, StoreFormat, const char*>{settings.write_jks, StoreFormat::kJks, ".jks"},
        {settings.write_p12, StoreFormat::kPkcs12, ".p12"}}) {
    if (!wanted) continue;
    const std::string name = base + ext;
    absl::Status s = SaveStore(store, JoinPath(dir, name), format, password, settings);
    if (!s.ok()) return s;
    files->push_back(name);
  }
  return absl::OkStatus();
}

namespace {

// WriteKeyStores writes the requested keystore.jks / keystore.p12 into |dir|:
// the key entry |alias| (key, leaf + CA chain) and the CA as trusted entry
// "ca", and with settings.write_truststores the trust stores; appends the
// file names.
absl::Status WriteKeyStores(const CertificateAuthority& ca, const Issued& issued,
                            const std::string& alias, const std::string& dir,
                            const LeafSettings& settings, std::vector<std::string>* files) {
  if (!settings.write_jks && !settings.write_p12) return absl::OkStatus();
  KeyStore store;
  std::vector<Certificate> chain = {issued.cert};
  for (const Certificate& c : ca.ChainWithSelf()) chain.push_back(c);
  absl::Status s = store.SetKeyEntry(alias, issued.key, std::move(chain));
  if (!s.ok()) return s;
  s = AddTrustedCas(Anchors(ca, settings), &store);
  if (!s.ok()) return s;
  s = SaveStores(store, dir, "keystore", settings.store_password, settings, files);
  if (!s.ok()) return s;
  if (settings.write_truststores) return WriteTrustStores(Anchors(ca, settings), dir, settings, files);
  return absl::OkStatus();
}

}  // namespace

absl::Status WriteTrustStores(const std::vector<Certificate>& anchors, const std::string& dir,
                              const LeafSettings& settings, std::vector<std::string>* files) {
  if (!settings.write_jks && !settings.write_p12) return absl::OkStatus();
  KeyStore trust;
  absl::Status s = AddTrustedCas(anchors, &trust);
  if (!s.ok()) return s;
  return SaveStores(trust, dir, "truststore",
                    settings.truststore_password.empty() ? settings.store_password
                                                         : settings.truststore_password,
                    settings, files);
}

namespace {

// AddSpiffeId adds the URI SAN settings.spiffe_id gives |plan| (if any).
absl::Status AddSpiffeId(const LeafSettings& settings, LeafPlan* plan) {
  if (settings.spiffe_id.empty()) return absl::OkStatus();
  auto id = ExpandSpiffeId(settings.spiffe_id, plan->kind, plan->name);
  if (!id.ok()) return id.status();
  auto& sans = plan->item.options.sans;
  const SubjectAltName uri = SubjectAltName::Uri(*id);
  if (std::find(sans.begin(), sans.end(), uri) == sans.end()) sans.push_back(uri);
  return absl::OkStatus();
}

// PlanNode checks a node's hosts (+ settings.extra_sans) and settings.
absl::StatusOr<LeafPlan> PlanNode(const std::vector<std::string>& hosts,
                                  const LeafSettings& settings) {
  if (hosts.empty()) {
    return MakeError(ErrorKind::kInvalidArgument, "a node needs at least one host name or IP address");
  }
  absl::Status s;
  std::vector<SubjectAltName> sans;
  for (const std::string& h : hosts) {
    auto san = SubjectAltName::Host(h);
    if (!san.ok()) return Annotate(san.status(), absl::StrCat("host '", h, "'"));
    if (std::find(sans.begin(), sans.end(), *san) == sans.end()) sans.push_back(*san);
  }
  for (const std::string& extra : settings.extra_sans) {
    auto parsed = ParseSubjectAltNames(extra);
    if (!parsed.ok()) return Annotate(parsed.status(), absl::StrCat("extra SAN '", extra, "'"));
    for (const auto& san : *parsed) {
      if (std::find(sans.begin(), sans.end(), san) == sans.end()) sans.push_back(san);
    }
  }
  s = CheckStorePassword(settings);
  if (!s.ok()) return s;
  LeafPlan plan =
      MakePlan("node", settings.node_profile, hosts.front(), "node", std::move(sans), settings);
  if (!settings.node_cn.empty()) {
    s = ValidateNodeCommonName(settings.node_cn);
    if (!s.ok()) return s;
    plan.item.options.subject = LeafSubject(settings.node_cn, settings);
  }
  s = AddSpiffeId(settings, &plan);
  if (!s.ok()) return s;
  return plan;
}

absl::StatusOr<LeafPlan> PlanClient(const std::string& user, const LeafSettings& settings) {
  absl::Status s = CheckPathComponent(user, "user name");
  if (!s.ok()) return s;
  s = CheckStorePassword(settings);
  if (!s.ok()) return s;
  LeafPlan plan =
      MakePlan("client", settings.client_profile, user, absl::StrCat("client.", user), {}, settings);
  s = AddSpiffeId(settings, &plan);
  if (!s.ok()) return s;
  return plan;
}

// WriteLeaf writes an issued leaf's files into plan.dir and returns its
// record. Inside a WriteSet (the cluster operations) the files are made
// durable by the set's Commit; alone (`certkit node`, `client`) every file
// is synced and renamed on its own and the folder synced once at the end
// (certkit/file.h).
absl::StatusOr<LeafRecord> WriteLeaf(const CertificateAuthority& ca, const LeafPlan& plan,
                                     const Issued& issued, const LeafSettings& settings) {
  LeafSettings leaf_settings = settings;
  leaf_settings.overwrite = plan.overwrite;
  DirectorySyncBatch sync;
  std::vector<std::string> files;
  absl::Status s = WriteLeafFiles(ca, issued, plan.dir, plan.base, leaf_settings, &files);
  if (!s.ok()) return s;
  s = WriteKeyStores(ca, issued, plan.name, plan.dir, leaf_settings, &files);
  if (!s.ok()) return s;
  s = sync.Commit();
  if (!s.ok()) return s;
  return MakeRecord(plan.name, plan.dir, issued, std::move(files));
}

// IssuePlans issues |plans| with IssueBatch on |threads| workers, each
// leaf's files written by the worker that issued it. After the first
// failure no new leaf starts; the first error by index is returned, naming
// the leaf when issuing failed. |label| names the work for |progress|.
absl::StatusOr<std::vector<LeafRecord>> IssuePlans(const CertificateAuthority& ca,
                                                   const std::vector<LeafPlan>& plans,
                                                   const LeafSettings& settings, int threads,
                                                   absl::string_view label,
                                                   ProgressObserver* progress) {
  std::vector<BatchItem> items;
  items.reserve(plans.size());
  for (const LeafPlan& plan : plans) items.push_back(plan.item);
  std::vector<LeafRecord> records(plans.size());
  // issued[i]: item i was signed (a later error is its files'); one char per
  // item so workers never share a byte.
  std::vector<char> issued_flags(plans.size(), 0);
  // The caller's WriteSet, if any, also holds what the workers write.
  WriteSet* const write_set = WriteSet::Current();
  BatchOptions options;
  options.jobs = threads;
  options.stop_on_error = true;
  options.on_issued = [&](size_t i, const IssuedCertificate& issued) -> absl::Status {
    issued_flags[i] = 1;
    WriteSet::Scope scope(write_set);
    auto r = WriteLeaf(ca, plans[i], Issued{*issued.private_key, issued.certificate}, settings);
    if (!r.ok()) return r.status();
    records[i] = *std::move(r);
    return absl::OkStatus();
  };
  if (progress != nullptr) {
    options.progress = [progress](size_t, size_t) {
      progress->Step();
      return progress->KeepGoing();
    };
    progress->Begin(label, plans.size());
  }
  auto results = IssueBatch(ca, items, options);
  if (progress != nullptr) progress->End();
  // Items are started in index order, so the cancelled ones all come after
  // the first failure.
  for (size_t i = 0; i < results.size(); ++i) {
    if (results[i].ok()) continue;
    if (issued_flags[i]) return results[i].status();
    return Annotate(results[i].status(),
                    absl::StrCat(plans[i].kind, " '", plans[i].name, "'"));
  }
  return records;
}

// IssueSingle issues one planned leaf into |dir|.
absl::StatusOr<LeafRecord> IssueSingle(const CertificateAuthority& ca,
                                       absl::StatusOr<LeafPlan> plan, const std::string& dir,
                                       const LeafSettings& settings) {
  if (!plan.ok()) return plan.status();
  plan->dir = dir;
  auto records = IssuePlans(ca, {*std::move(plan)}, settings, 1, "issuing", nullptr);
  if (!records.ok()) return records.status();
  return std::move(records->front());
}

}  // namespace

absl::StatusOr<LeafRecord> IssueNode(const CertificateAuthority& ca,
                                     const std::vector<std::string>& hosts,
                                     const std::string& dir, const LeafSettings& settings) {
  return IssueSingle(ca, PlanNode(hosts, settings), dir, settings);
}

absl::StatusOr<LeafRecord> IssueClient(const CertificateAuthority& ca, const std::string& user,
                                       const std::string& dir, const LeafSettings& settings) {
  return IssueSingle(ca, PlanClient(user, settings), dir, settings);
}

namespace {

struct LeafJob {
  bool is_node;
  std::string name;
  // Replace files already in the leaf's folder: the leftovers of a `cluster
  // add` that was interrupted before it recorded the leaf.
  bool overwrite = false;
  std::vector<std::string> hosts;  // a node's SANs, its name first
};

// IssueAll issues |jobs| in parallel into |dir|/nodes/<host> and
// |dir|/clients/<user>, appending the records (in input order) to |manifest|.
absl::Status IssueAll(const CertificateAuthority& ca, const std::string& dir,
                      const std::vector<LeafJob>& jobs, const LeafSettings& settings,
                      int threads, ProgressObserver* progress, Manifest* manifest) {
  std::vector<LeafPlan> plans;
  std::vector<std::string> rels;
  for (const LeafJob& job : jobs) {
    auto plan = job.is_node ? PlanNode(job.hosts, settings) : PlanClient(job.name, settings);
    if (!plan.ok()) return plan.status();
    rels.push_back(absl::StrCat(job.is_node ? "nodes/" : "clients/", job.name));
    plan->dir = JoinPath(dir, rels.back());
    plan->overwrite = settings.overwrite || job.overwrite;
    plans.push_back(*std::move(plan));
  }
  auto records = IssuePlans(ca, plans, settings, threads, "issuing", progress);
  if (!records.ok()) return records.status();
  for (size_t i = 0; i < jobs.size(); ++i) {
    (*records)[i].dir = rels[i];
    (jobs[i].is_node ? manifest->nodes : manifest->clients).push_back(std::move((*records)[i]));
  }
  return absl::OkStatus();
}

absl::Status CheckNames(const std::vector<std::string>& names, const char* what) {
  for (size_t i = 0; i < names.size(); ++i) {
    absl::Status s = CheckPathComponent(names[i], what);
    if (!s.ok()) return s;
    for (size_t j = 0; j < i; ++j) {
      if (names[i] == names[j]) {
        return MakeError(ErrorKind::kInvalidArgument,
                         absl::StrCat(what, " '", names[i], "' is listed twice"));
      }
    }
  }
  return absl::OkStatus();
}

// CheckK8sInit: the namespace and the names of a cluster init with the
// k8s format make valid Kubernetes objects (certkit/k8s.h).
absl::Status CheckK8sInit(const ClusterInitSpec& spec, const std::vector<NodeSpec>& nodes) {
  if (!spec.k8s_namespace.empty()) {
    absl::Status s = ValidateK8sNamespace(spec.k8s_namespace);
    if (!s.ok()) return s;
  }
  std::vector<std::string> names;
  for (const NodeSpec& n : nodes) names.push_back(n.name);
  return CheckK8sNames(names, spec.clients);
}

absl::StatusOr<CertificateAuthority> LoadClusterCa(const std::string& dir, const Manifest& m,
                                                   const ClusterUpdateSpec& spec) {
  if (spec.ca != nullptr) {
    const std::string given = spec.ca->certificate().Sha256Fingerprint();
    if (given != m.ca.sha256_fingerprint) {
      return MakeError(ErrorKind::kKeyMismatch,
                       absl::StrCat("the CA given (SHA-256 ", given, ") is not the cluster's active CA '",
                                    m.ca.subject, "' (SHA-256 ", m.ca.sha256_fingerprint, ")"));
    }
    return *spec.ca;
  }
  if (!m.ca.key_uri.empty()) {
    return MakeError(ErrorKind::kInvalidArgument,
                     absl::StrCat("the cluster's CA key is in a PKCS#11 token (", m.ca.key_uri,
                                  "): load it from the token to sign"));
  }
  CaFiles files;
  files.cert_path = JoinPath(dir, m.ca.cert_file);
  files.key_path = JoinPath(dir, m.ca.key_file);
  files.key_password = spec.ca_key_password;
  files.allow_insecure_key = spec.allow_insecure_ca_key;
  return LoadCa(files);
}

}  // namespace

absl::StatusOr<Manifest> ClusterInit(const ClusterInitSpec& spec) {
  if (spec.nodes.empty()) {
    return MakeError(ErrorKind::kInvalidArgument, "cluster init needs at least one node");
  }
  auto nodes = ParseNodeSpecs(spec.nodes);
  if (!nodes.ok()) return nodes.status();
  absl::Status s;
  for (const NodeSpec& n : *nodes) {
    s = CheckPathComponent(n.name, "node");
    if (!s.ok()) return s;
  }
  s = CheckNames(spec.clients, "client");
  if (!s.ok()) return s;
  s = CheckStorePassword(spec.leaf);  // before anything is written
  if (!s.ok()) return s;
  if (std::find(spec.formats.begin(), spec.formats.end(), "k8s") != spec.formats.end()) {
    s = CheckK8sInit(spec, *nodes);
    if (!s.ok()) return s;
  } else if (!spec.k8s_namespace.empty()) {
    return MakeError(ErrorKind::kInvalidArgument, "a Kubernetes namespace needs the k8s format");
  }
  if (!spec.leaf.node_cn.empty()) {
    s = ValidateNodeCommonName(spec.leaf.node_cn);
    if (!s.ok()) return Annotate(s, "node CN");
  }
  if (!spec.leaf.spiffe_id.empty()) {
    s = ValidateSpiffeIdTemplate(spec.leaf.spiffe_id);
    if (!s.ok()) return s;
  }
  if (!spec.ca_key_password.empty() && spec.ca_key_password_source.empty()) {
    return MakeError(ErrorKind::kInvalidArgument,
                     "a CA key password was given without its source to record in the manifest");
  }
  const bool token = spec.token_ca != nullptr;
  if (token && (!absl::StartsWithIgnoreCase(spec.token_ca_key_uri, "pkcs11:") ||
                absl::StrContains(absl::AsciiStrToLower(spec.token_ca_key_uri), "pin-value"))) {
    return MakeError(ErrorKind::kInvalidArgument,
                     "a token CA needs its key's pkcs11: URI to record, without a pin-value");
  }
  if (token && !spec.ca_key_password.empty()) {
    return MakeError(ErrorKind::kInvalidArgument,
                     "a CA key held in a token takes no CA key password: the token's PIN protects it");
  }
  const std::string key_path = JoinPath(spec.out_dir, kCaKeyFile);
  const std::string manifest_path = JoinPath(spec.out_dir, kManifestFile);
  const std::string marker = JoinPath(spec.out_dir, kInitMarker);
  // An init interrupted before its manifest (the commit record) left its
  // marker: nothing in the folder was ever recorded or reported, so a re-run
  // issues everything again (a new CA, new leaves), replacing those files
  // instead of trusting them.
  LeafSettings leaf = spec.leaf;
  leaf.overwrite = leaf.overwrite || (FileExists(marker) && !FileExists(manifest_path));
  for (const std::string& f : {manifest_path, key_path}) {
    if (!leaf.overwrite && FileExists(f)) {
      return MakeError(ErrorKind::kAlreadyExists,
                       absl::StrCat("'", f, "' exists: '", spec.out_dir,
                                    "' already holds a cluster"));
    }
  }
  s = MakeDirectories(spec.out_dir);
  if (!s.ok()) return s;
  // A manifest being replaced (--overwrite) goes first: it must not vouch
  // for files that change. The marker is durable (its folder synced, which
  // also makes that removal durable) before any other file is written.
  std::remove(manifest_path.c_str());
  s = WriteFileAtomic(marker,
                      "certkit cluster init did not finish: run it again (it replaces the files "
                      "of this folder)\n",
                      FileOptions(kPublicFileMode, true));
  if (!s.ok()) return s;
  absl::StatusOr<CertificateAuthority> ca = MakeError(ErrorKind::kInternal, "no CA");
  absl::StatusOr<std::string> ca_key_pem = std::string();
  if (token) {
    ca = *spec.token_ca;
  } else {
    s = MakePrivateDirectory(JoinPath(spec.out_dir, kCaKeyDir));
    if (!s.ok()) return s;
    CaOptions ca_options = spec.ca;
    if (ca_options.subject.empty()) {
      // "certkit CA <folder name> <id>", the folder being the cluster's name.
      ca_options.subject = DefaultClusterCaSubject(spec.out_dir, spec.leaf.organization);
    }
    ca = CertificateAuthority::CreateRoot(ca_options);
    if (!ca.ok()) return Annotate(ca.status(), "creating the CA");
    ca_key_pem = CaKeyPem(ca->key(), spec.ca_key_password);
    if (!ca_key_pem.ok()) return Annotate(ca_key_pem.status(), "encrypting the CA key");
  }

  Manifest m;
  m.created = m.updated = absl::Now();
  m.key_spec = spec.leaf.key_spec.ToString();
  m.days = spec.leaf.days;
  m.extra_sans = spec.leaf.extra_sans;
  m.organization = spec.leaf.organization;
  m.node_cn = spec.leaf.node_cn;
  m.spiffe_id = spec.leaf.spiffe_id;
  RecordPkcs12Profile(spec.leaf.pkcs12_profile, &m);
  m.preset = spec.leaf.preset;
  m.formats = spec.formats;
  m.k8s_namespace = spec.k8s_namespace;
  m.pkcs8 = spec.leaf.pkcs8;
  m.store_password_source = spec.store_password_source;
  m.truststore_password_source = spec.truststore_password_source;
  m.ca_key_password_source = spec.ca_key_password.empty() ? "none" : spec.ca_key_password_source;
  m.ca.cert_file = "ca.crt";
  if (token) {
    m.ca.key_uri = spec.token_ca_key_uri;
    m.ca_key_password_source = "none";  // the token's PIN protects the key
    m.pkcs11_module = spec.pkcs11_module;
    m.pkcs11_pin_source = spec.pkcs11_pin_source;
  } else {
    m.ca.key_file = kCaKeyFile;
  }
  m.ca.subject = ca->certificate().subject().ToRfc4514();
  m.ca.serial = ca->certificate().serial_hex();
  m.ca.sha256_fingerprint = ca->certificate().Sha256Fingerprint();
  m.ca.not_after = ca->certificate().not_after();

  std::vector<LeafJob> jobs;
  for (const NodeSpec& n : *nodes) jobs.push_back({true, n.name, false, n.hosts});
  for (const auto& c : spec.clients) jobs.push_back({false, c, false, {}});
  // Every file is written, then all are made durable in one pass; only then
  // the manifest commits the cluster.
  s = WriteDurably(spec.out_dir, [&]() -> absl::Status {
    absl::Status w;
    std::string ca_pem;
    if (token) {
      // The CA and its chain, so that ca.crt loads the CA again (LoadCa) and
      // peers find the root in it.
      for (const Certificate& c : ca->ChainWithSelf()) ca_pem += c.ToPem();
    } else {
      w = WriteFileAtomic(key_path, *ca_key_pem, FileOptions(kPrivateFileMode, leaf.overwrite));
      if (!w.ok()) return w;
      ca_pem = ca->certificate().ToPem();
    }
    w = WriteFileAtomic(JoinPath(spec.out_dir, "ca.crt"), ca_pem,
                        FileOptions(kPublicFileMode, leaf.overwrite));
    if (!w.ok()) return w;
    w = WriteTrustStores({ca->root()}, spec.out_dir, leaf, &m.truststores);
    if (!w.ok()) return w;
    return IssueAll(*ca, spec.out_dir, jobs, leaf, spec.jobs, spec.progress, &m);
  });
  if (!s.ok()) return s;
  s = SaveManifest(spec.out_dir, m);
  if (!s.ok()) return s;
  std::remove(marker.c_str());  // the manifest records the cluster now
  return m;
}

void RecordPkcs12Profile(Pkcs12Profile profile, Manifest* m) {
  m->pkcs12_profile = profile == Pkcs12Profile::kModern ? "" : Pkcs12ProfileName(profile);
}

absl::Status LeafSettingsFromManifest(const Manifest& m, LeafSettings* settings) {
  auto spec = KeySpec::Parse(m.key_spec);
  if (!spec.ok()) return Annotate(spec.status(), "manifest key_spec");
  settings->key_spec = *spec;
  settings->days = m.days;
  settings->extra_sans = m.extra_sans;
  settings->organization = m.organization;
  settings->node_cn = m.node_cn;
  settings->spiffe_id = m.spiffe_id;
  settings->preset = m.preset;
  settings->pkcs12_profile = Pkcs12Profile::kModern;
  if (!m.pkcs12_profile.empty()) {
    auto profile = ParsePkcs12Profile(m.pkcs12_profile);
    if (!profile.ok()) return Annotate(profile.status(), "manifest pkcs12_profile");
    settings->pkcs12_profile = *profile;
  }
  settings->write_jks = m.HasFormat("jks");
  settings->write_p12 = m.HasFormat("p12");
  settings->pkcs8 = m.pkcs8;
  return absl::OkStatus();
}

absl::StatusOr<Manifest> ClusterAdd(const ClusterUpdateSpec& spec) {
  auto m = LoadManifest(spec.dir);
  if (!m.ok()) return m.status();
  auto nodes = ParseNodeSpecs(spec.nodes);
  if (!nodes.ok()) return nodes.status();
  absl::Status s;
  for (const NodeSpec& n : *nodes) {
    s = CheckPathComponent(n.name, "node");
    if (!s.ok()) return s;
  }
  s = CheckNames(spec.clients, "client");
  if (!s.ok()) return s;
  if (spec.nodes.empty() && spec.clients.empty()) {
    return MakeError(ErrorKind::kInvalidArgument, "cluster add needs at least one node or client");
  }
  s = CheckStorePassword(spec.leaf);
  if (!s.ok()) return s;
  // The cluster's SPIFFE ID template: the manifest's; one given now is
  // recorded when the manifest has none, and refused when it differs.
  if (!spec.leaf.spiffe_id.empty() && spec.leaf.spiffe_id != m->spiffe_id) {
    if (!m->spiffe_id.empty()) {
      return MakeError(ErrorKind::kInvalidArgument,
                       absl::StrCat("--spiffe-id '", EscapeForDisplay(spec.leaf.spiffe_id),
                                    "': the cluster in '", spec.dir, "' issues '",
                                    EscapeForDisplay(m->spiffe_id),
                                    "' (manifest.json), and its nodes and clients keep that"));
    }
    s = ValidateSpiffeIdTemplate(spec.leaf.spiffe_id);
    if (!s.ok()) return s;
    m->spiffe_id = spec.leaf.spiffe_id;
  }
  // A leaf the manifest records already exists. A folder without a record
  // is what an interrupted `cluster add` left (the manifest is written last):
  // it is issued again, replacing the partial files.
  std::vector<LeafJob> jobs;
  for (const NodeSpec& n : *nodes) {
    if (m->FindNode(n.name) != nullptr) {
      return MakeError(ErrorKind::kAlreadyExists,
                       absl::StrCat("node '", n.name, "' already exists in '", spec.dir, "'"));
    }
    jobs.push_back({true, n.name, FileExists(JoinPath(spec.dir, absl::StrCat("nodes/", n.name))),
                    n.hosts});
  }
  s = CheckNodeHostsFree(*nodes, *m);
  if (!s.ok()) return s;
  if (m->HasFormat("k8s")) {
    std::vector<std::string> node_names, client_names;
    for (const LeafRecord& r : m->nodes) node_names.push_back(r.name);
    for (const NodeSpec& n : *nodes) node_names.push_back(n.name);
    for (const LeafRecord& r : m->clients) client_names.push_back(r.name);
    client_names.insert(client_names.end(), spec.clients.begin(), spec.clients.end());
    s = CheckK8sNames(node_names, client_names);
    if (!s.ok()) return s;
  }
  for (const auto& c : spec.clients) {
    if (m->FindClient(c) != nullptr) {
      return MakeError(ErrorKind::kAlreadyExists,
                       absl::StrCat("client '", c, "' already exists in '", spec.dir, "'"));
    }
    jobs.push_back({false, c, FileExists(JoinPath(spec.dir, absl::StrCat("clients/", c))), {}});
  }
  auto ca = LoadClusterCa(spec.dir, *m, spec);
  if (!ca.ok()) return ca.status();
  LeafSettings settings = spec.leaf;
  settings.overwrite = false;
  settings.node_cn = m->node_cn;  // the cluster's, as the manifest records it
  settings.spiffe_id = m->spiffe_id;
  RecordPkcs12Profile(settings.pkcs12_profile, &*m);
  auto trusted = LoadTrustedCas(spec.dir, *m);  // both CAs during a rotation
  if (!trusted.ok()) return trusted.status();
  settings.trusted_cas = *std::move(trusted);
  s = WriteDurably(spec.dir, [&] {
    return IssueAll(*ca, spec.dir, jobs, settings, spec.jobs, spec.progress, &*m);
  });
  if (!s.ok()) return s;
  m->updated = absl::Now();
  s = SaveManifest(spec.dir, *m);
  if (!s.ok()) return s;
  return m;
}

absl::Status ReissueLeaves(const CertificateAuthority& ca, const std::vector<LeafRecord*>& leaves,
                           const std::vector<bool>& is_node, const std::string& cluster_dir,
                           const LeafSettings& settings, int jobs, absl::string_view label,
                           ProgressObserver* progress) {
  std::vector<LeafPlan> plans;
  for (size_t i = 0; i < leaves.size(); ++i) {
    const LeafRecord* r = leaves[i];
    auto plan = is_node[i] ? PlanNode(r->hosts.empty() ? std::vector<std::string>{r->name} : r->hosts,
                                      settings)
                           : PlanClient(r->name, settings);
    if (!plan.ok()) return plan.status();
    plan->dir = JoinPath(cluster_dir, r->dir);
    plans.push_back(*std::move(plan));
  }
  auto fresh = IssuePlans(ca, plans, settings, jobs, label, progress);
  if (!fresh.ok()) return fresh.status();
  for (size_t i = 0; i < leaves.size(); ++i) {
    (*fresh)[i].dir = leaves[i]->dir;
    (*fresh)[i].name = leaves[i]->name;
    *leaves[i] = std::move((*fresh)[i]);
  }
  return absl::OkStatus();
}

absl::StatusOr<Manifest> ClusterRenew(const ClusterUpdateSpec& spec,
                                      std::vector<std::string>* renewed) {
  auto m = LoadManifest(spec.dir);
  if (!m.ok()) return m.status();
  auto ca = LoadClusterCa(spec.dir, *m, spec);
  if (!ca.ok()) return ca.status();
  const absl::Time deadline = absl::Now() + spec.within;
  // Decide from the certificate files themselves, not the manifest's copy.
  std::vector<LeafRecord*> due;
  // A leaf whose files are not the ones the manifest records is due too,
  // so the next renew repairs it: a certificate or key that does not parse
  // or match, or a certificate with another fingerprint (a renew killed
  // before its manifest: those files were never committed, and after a
  // crash of the machine may even be incomplete).
  auto consider = [&](LeafRecord& r, const std::string& base) -> absl::Status {
    const std::string dir = JoinPath(spec.dir, r.dir);
    auto cert = ReadCertificate(JoinPath(dir, base + ".crt"));
    auto key = ReadPrivateKey(JoinPath(dir, base + ".key"));
    const bool recorded = cert.ok() && key.ok() && cert->MatchesKey(*key) &&
                          cert->Sha256Fingerprint() == r.sha256_fingerprint;
    if (!recorded || cert->not_after() < deadline) due.push_back(&r);
    return absl::OkStatus();
  };
  for (auto& n : m->nodes) {
    absl::Status s = consider(n, "node");
    if (!s.ok()) return s;
  }
  const size_t node_count = due.size();
  for (auto& c : m->clients) {
    absl::Status s = consider(c, absl::StrCat("client.", c.name));
    if (!s.ok()) return s;
  }
  LeafSettings settings = spec.leaf;
  settings.overwrite = true;
  settings.node_cn = m->node_cn;  // the cluster's, as the manifest records it
  settings.spiffe_id = m->spiffe_id;
  RecordPkcs12Profile(settings.pkcs12_profile, &*m);
  auto trusted = LoadTrustedCas(spec.dir, *m);  // both CAs during a rotation
  if (!trusted.ok()) return trusted.status();
  settings.trusted_cas = *std::move(trusted);
  std::vector<bool> is_node(due.size(), false);
  std::fill(is_node.begin(), is_node.begin() + node_count, true);
  absl::Status s = WriteDurably(spec.dir, [&] {
    return ReissueLeaves(*ca, due, is_node, spec.dir, settings, spec.jobs, "renewing",
                         spec.progress);
  });
  if (!s.ok()) return s;
  for (const LeafRecord* r : due) renewed->push_back(r->name);
  if (!due.empty()) {
    m->updated = absl::Now();
    s = SaveManifest(spec.dir, *m);
    if (!s.ok()) return s;
  }
  return m;
}

}  // namespace certkit
