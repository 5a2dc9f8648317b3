#include "certkit/rotation.h"

#include <algorithm>
#include <optional>
#include <utility>

#include <nlohmann/json.hpp>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "certkit/ca.h"
#include "certkit/ca_files.h"
#include "certkit/error.h"
#include "certkit/file.h"
#include "cluster/ca_records.h"
#include "cluster/parallel.h"
#include "util/write_set.h"

namespace certkit {
namespace {

constexpr char kCaKeyDir[] = "ca-private";
constexpr const char* kStageNames[] = {"", "new-ca", "trust-both", "reissue", "retire-old"};

// ShortId: the first 8 hex digits of |cert|'s SHA-256 fingerprint, which
// names a CA's files and trusted-entry aliases.
std::string ShortId(const Certificate& cert) { return CaShortId(cert.Sha256Fingerprint()); }

// DoneIndex: the last finished stage of the rotation in progress (0: none).
int DoneIndex(const Manifest& m) {
  for (int i = 1; i <= 4; ++i) {
    if (m.rotation == kStageNames[i]) return i;
  }
  return 0;
}

bool IsNodeOf(const Manifest& m, const LeafRecord* r) {
  return r >= m.nodes.data() && r < m.nodes.data() + m.nodes.size();
}

std::string LeafBase(const Manifest& m, const LeafRecord& r) {
  return IsNodeOf(m, &r) ? "node" : absl::StrCat("client.", r.name);
}

std::string LeafLabel(const Manifest& m, const LeafRecord& r) {
  return absl::StrCat(IsNodeOf(m, &r) ? "node " : "client ", r.name);
}

std::vector<LeafRecord*> AllLeaves(Manifest* m) {
  std::vector<LeafRecord*> out;
  for (auto& n : m->nodes) out.push_back(&n);
  for (auto& c : m->clients) out.push_back(&c);
  return out;
}

bool Listed(const std::vector<std::string>& files, const std::string& name) {
  return std::find(files.begin(), files.end(), name) != files.end();
}

// OnCa reports whether |r|'s certificate file is issued by |ca| and is the
// one the manifest records with its key (a leaf re-issued by a run killed
// before the manifest was written is not: its stores may be stale, and
// after a crash of the machine its files may be incomplete or unreadable).
absl::StatusOr<bool> OnCa(const std::string& dir, const Manifest& m, const LeafRecord& r,
                          const Certificate& ca) {
  const std::string base = JoinPath(JoinPath(dir, r.dir), LeafBase(m, r));
  auto cert = ReadCertificate(base + ".crt");
  if (!cert.ok()) return false;
  auto key = ReadPrivateKey(base + ".key");
  return IssuedBy(*cert, ca) && cert->Sha256Fingerprint() == r.sha256_fingerprint && key.ok() &&
         cert->MatchesKey(*key);
}

// NotOn lists the leaves (as "node X" / "client Y") not on |ca|.
absl::StatusOr<std::vector<std::string>> NotOn(const std::string& dir, Manifest* m,
                                               const Certificate& ca) {
  std::vector<std::string> out;
  for (LeafRecord* r : AllLeaves(m)) {
    auto on = OnCa(dir, *m, *r, ca);
    if (!on.ok()) return on.status();
    if (!*on) out.push_back(LeafLabel(*m, *r));
  }
  return out;
}

absl::StatusOr<CertificateAuthority> LoadRecordCa(const std::string& dir, const CaRecord& r,
                                                  const RotationSpec& spec) {
  CaFiles files;
  files.cert_path = JoinPath(dir, r.cert_file);
  files.key_path = JoinPath(dir, r.key_file);
  files.key_password = spec.ca_key_password;
  files.allow_insecure_key = spec.allow_insecure_ca_key;
  return LoadCa(files);
}

// CheckCaKeyPassword: when the key file of |r| is encrypted, |password|
// must open it (kBadPassword naming the file otherwise), so that every CA
// key of a cluster keeps one password. A missing or unencrypted key file
// passes (a rotation may replace a CA whose key was lost).
absl::Status CheckCaKeyPassword(const std::string& dir, const CaRecord& r,
                                absl::string_view password) {
  const std::string path = JoinPath(dir, r.key_file);
  if (!FileExists(path)) return absl::OkStatus();
  auto text = ReadTextFile(path);
  if (!text.ok()) return text.status();
  if (!IsEncryptedKeyPem(*text)) return absl::OkStatus();
  return ReadCaPrivateKey(path, password).status();
}

CaRecord RecordOf(const Certificate& cert, std::string cert_file, std::string key_file,
                  const char* state) {
  CaRecord r;
  r.cert_file = std::move(cert_file);
  r.key_file = std::move(key_file);
  r.subject = cert.subject().ToRfc4514();
  r.serial = cert.serial_hex();
  r.sha256_fingerprint = cert.Sha256Fingerprint();
  r.not_after = cert.not_after();
  r.state = state;
  return r;
}

class Stage {
 public:
  Stage(const RotationSpec& spec, Manifest m) : spec_(spec) { result_.manifest = std::move(m); }

  // Run writes every file of |stage|, makes them durable in one pass, and
  // only then records the stage in the manifest (Finish), the commit record.
  absl::StatusOr<RotationResult> Run(RotationStage stage) {
    result_.stage = stage;
    absl::Status s = WriteDurably(spec_.dir, [&]() -> absl::Status {
      switch (stage) {
        case RotationStage::kNewCa: return NewCa();
        case RotationStage::kTrustBoth: return RewriteTrust();
        case RotationStage::kReissue: return Reissue();
        case RotationStage::kRetireOld: return RetireOld();
      }
      return absl::OkStatus();
    });
    if (!s.ok()) return s;
    s = Finish(stage);
    if (!s.ok()) return s;
    return std::move(result_);
  }

 private:
  Manifest& m() { return result_.manifest; }
  std::string Path(const std::string& rel) const { return JoinPath(spec_.dir, rel); }

  absl::Status Write(const std::string& rel, const std::string& data, unsigned mode,
                     bool overwrite, const char* what) {
    absl::Status s = WriteFileAtomic(Path(rel), data, WriteOptions{mode, overwrite});
    if (s.ok()) result_.written.push_back({Path(rel), what});
    return s;
  }

  // Finish records the finished stage and writes the manifest, last (after
  // the stage's files are durable).
  absl::Status Finish(RotationStage done) {
    if (done != RotationStage::kReissue || result_.pending.empty()) {
      m().rotation = kStageNames[static_cast<int>(done)];
      result_.finished = true;
    }
    m().updated = absl::Now();
    absl::Status s = SaveManifest(spec_.dir, m());
    if (s.ok()) result_.written.push_back({Path(kManifestFile), "cluster manifest"});
    result_.changed = true;
    return s;
  }

  absl::Status NewCa() {
    auto old_cert = ReadCaCertificate(spec_.dir, m().ca);
    if (!old_cert.ok()) return old_cert.status();
    if (!spec_.ca_key_password.empty() && spec_.ca_key_password_source.empty()) {
      return MakeError(ErrorKind::kInvalidArgument,
                       "a CA key password was given without its source to record in the manifest");
    }
    // Before anything is written: the old CA signs the cross certificate,
    // and the new CA key gets the old one's password.
    std::optional<CertificateAuthority> old_ca;
    if (spec_.cross_sign) {
      auto loaded = LoadRecordCa(spec_.dir, m().ca, spec_);
      if (!loaded.ok()) return loaded.status();
      old_ca = *std::move(loaded);
    } else {
      absl::Status checked = CheckCaKeyPassword(spec_.dir, m().ca, spec_.ca_key_password);
      if (!checked.ok()) return checked;
    }
    CaOptions opts;
    opts.subject = spec_.ca_subject.empty() ? DefaultClusterCaSubject(spec_.dir, m().organization)
                                            : spec_.ca_subject;
    for (const CaRecord* r : AllCas()) {
      if (r->subject == opts.subject.ToRfc4514()) {
        return MakeError(ErrorKind::kInvalidArgument,
                         absl::StrCat("the cluster already has a CA named '", r->subject,
                                      "': give the new CA another subject"));
      }
    }
    if (spec_.ca_key_spec.has_value()) {
      opts.key_spec = *spec_.ca_key_spec;
    } else {
      auto key_spec = KeySpec::Parse(m().key_spec);
      if (!key_spec.ok()) return Annotate(key_spec.status(), "manifest key_spec");
      opts.key_spec = *key_spec;
    }
    opts.days = spec_.ca_days;
    auto ca = CertificateAuthority::CreateRoot(opts);
    if (!ca.ok()) return Annotate(ca.status(), "creating the new CA");
    auto key_pem = CaKeyPem(ca->key(), spec_.ca_key_password);
    if (!key_pem.ok()) return Annotate(key_pem.status(), "encrypting the new CA key");
    const std::string id = ShortId(ca->certificate());
    CaRecord next = RecordOf(ca->certificate(), absl::StrCat("ca-", id, ".crt"),
                             absl::StrCat(kCaKeyDir, "/ca-", id, ".key"), kCaNext);

    absl::Status s = MakePrivateDirectory(Path(kCaKeyDir));
    if (!s.ok()) return s;
    s = Write(next.key_file, *key_pem, kPrivateFileMode, false, "CA private key");
    if (!s.ok()) return s;
    s = Write(next.cert_file, ca->certificate().ToPem(), kPublicFileMode, false, "CA certificate");
    if (!s.ok()) return s;
    if (old_ca.has_value()) {
      CaOptions cross = opts;
      cross.key = ca->key();
      const int64_t left = (old_ca->certificate().not_after() - absl::Now()) / absl::Hours(24);
      cross.days = static_cast<int>(std::max<int64_t>(1, std::min<int64_t>(opts.days, left)));
      auto signed_by_old = CertificateAuthority::CreateIntermediate(*old_ca, cross);
      if (!signed_by_old.ok()) return Annotate(signed_by_old.status(), "cross-signing the new CA");
      next.cross_cert_file = absl::StrCat("ca-", id, "-cross.crt");
      s = Write(next.cross_cert_file, signed_by_old->certificate().ToPem(), kPublicFileMode, false,
                "cross-signed CA certificate");
      if (!s.ok()) return s;
    }
    // The old CA gets a file of its own: ca.crt becomes the trust bundle.
    if (m().ca.cert_file == "ca.crt") {
      m().ca.cert_file = absl::StrCat("ca-", ShortId(*old_cert), ".crt");
      s = Write(m().ca.cert_file, old_cert->ToPem(), kPublicFileMode, true, "CA certificate");
      if (!s.ok()) return s;
    }
    m().other_cas.push_back(std::move(next));
    if (!spec_.ca_key_password.empty()) m().ca_key_password_source = spec_.ca_key_password_source;
    return absl::OkStatus();
  }

  absl::Status Reissue() {
    // The new CA becomes the active one (on the first reissue run).
    if (CaRecord* next = m().CaInState(kCaNext); next != nullptr) {
      CaRecord old = m().ca;
      old.state = kCaPrevious;
      m().ca = *next;
      m().ca.state = kCaActive;
      *next = std::move(old);
    }
    auto ca = LoadRecordCa(spec_.dir, m().ca, spec_);
    if (!ca.ok()) return ca.status();
    auto trusted = LoadTrustedCas(spec_.dir, m());
    if (!trusted.ok()) return trusted.status();
    for (const std::string& name : spec_.only) {
      if (m().FindNode(name) == nullptr && m().FindClient(name) == nullptr) {
        return MakeError(ErrorKind::kInvalidArgument,
                         absl::StrCat("'", name, "' is neither a node nor a client of the cluster in '",
                                      spec_.dir, "'"));
      }
    }
    std::vector<LeafRecord*> due;
    for (LeafRecord* r : AllLeaves(&m())) {
      auto on = OnCa(spec_.dir, m(), *r, ca->certificate());
      if (!on.ok()) return on.status();
      if (*on) continue;
      if (spec_.only.empty() || Listed(spec_.only, r->name)) {
        due.push_back(r);
      } else {
        result_.pending.push_back(r->name);
      }
    }
    LeafSettings settings = spec_.leaf;
    settings.overwrite = true;
    settings.trusted_cas = *trusted;
    settings.node_cn = m().node_cn;  // the cluster's, as the manifest records it
    settings.spiffe_id = m().spiffe_id;
    RecordPkcs12Profile(settings.pkcs12_profile, &m());
    std::vector<bool> is_node;
    for (const LeafRecord* r : due) is_node.push_back(IsNodeOf(m(), r));
    absl::Status s = ReissueLeaves(*ca, due, is_node, spec_.dir, settings, spec_.jobs, "re-issuing",
                                   spec_.progress);
    if (!s.ok()) return s;
    for (const LeafRecord* r : due) {
      result_.reissued.push_back(r->name);
      for (const std::string& f : r->files) {
        result_.written.push_back({JoinPath(Path(r->dir), f),
                                   IsNodeOf(m(), r) ? "node file" : "client file"});
      }
    }
    return absl::OkStatus();
  }

  absl::Status RetireOld() {
    // The newest CA: the next one if reissue never ran.
    const CaRecord* newest = m().CaInState(kCaNext);
    if (newest == nullptr) newest = &m().ca;
    auto newest_cert = ReadCaCertificate(spec_.dir, *newest);
    if (!newest_cert.ok()) return newest_cert.status();
    auto left = NotOn(spec_.dir, &m(), *newest_cert);
    if (!left.ok()) return left.status();
    if (!left->empty() || newest != &m().ca) {
      return MakeError(ErrorKind::kInvalidArgument,
                       absl::StrCat("cannot retire the old CA: ", left->size(),
                                    " certificate(s) are not yet re-issued by '", newest->subject,
                                    "' (", absl::StrJoin(*left, ", "),
                                    "); run the reissue stage first"));
    }
    for (CaRecord& c : m().other_cas) {
      if (c.state == kCaPrevious) c.state = kCaRetired;
    }
    return RewriteTrust();
  }

  std::vector<const CaRecord*> AllCas() {
    std::vector<const CaRecord*> out = {&m().ca};
    for (const CaRecord& c : m().other_cas) out.push_back(&c);
    return out;
  }

  // RewriteTrust writes what the cluster trusts now (Manifest::TrustedCas)
  // into ca.crt, the top trust stores and every leaf's ca.crt, key stores
  // (trusted entries; the key entry is rebuilt from the leaf's PEM files)
  // and trust stores.
  absl::Status RewriteTrust() {
    auto trusted = LoadTrustedCas(spec_.dir, m());
    if (!trusted.ok()) return trusted.status();
    LeafSettings settings = spec_.leaf;
    settings.overwrite = true;
    settings.trusted_cas = *trusted;
    absl::Status s = RewriteTopTrust(settings);
    if (!s.ok()) return s;

    std::vector<LeafRecord*> leaves = AllLeaves(&m());
    std::vector<std::vector<std::string>> files(leaves.size());
    if (spec_.progress != nullptr) spec_.progress->Begin("updating trust", leaves.size());
    WriteSet* const write_set = WriteSet::Current();  // the stage's, for the workers too
    s = ForEachParallel(leaves.size(), spec_.jobs, spec_.progress, [&](size_t i) {
      WriteSet::Scope scope(write_set);
      return RewriteLeafTrust(*leaves[i], settings, &files[i]);
    });
    if (spec_.progress != nullptr) spec_.progress->End();
    if (!s.ok()) return s;
    for (size_t i = 0; i < leaves.size(); ++i) {
      for (const std::string& f : files[i]) {
        result_.written.push_back({JoinPath(Path(leaves[i]->dir), f),
                                   IsNodeOf(m(), leaves[i]) ? "node file" : "client file"});
      }
    }
    return absl::OkStatus();
  }

  // RewriteTopTrust writes the cluster folder's ca.crt and trust stores.
  absl::Status RewriteTopTrust(const LeafSettings& settings) {
    absl::Status s = Write("ca.crt", CertificatesToPem(settings.trusted_cas), kPublicFileMode, true,
                           "CA bundle");
    if (!s.ok()) return s;
    std::vector<std::string> stores;
    s = WriteTrustStores(settings.trusted_cas, spec_.dir, settings, &stores);
    if (!s.ok()) return s;
    for (const std::string& t : stores) result_.written.push_back({Path(t), "trust store"});
    return absl::OkStatus();
  }

  absl::Status RewriteLeafTrust(const LeafRecord& r, const LeafSettings& settings,
                                std::vector<std::string>* files) {
    const std::string dir = Path(r.dir);
    const std::vector<Certificate>& trusted = settings.trusted_cas;
    if (Listed(r.files, "ca.crt")) {
      absl::Status s = WriteFileAtomic(JoinPath(dir, "ca.crt"), CertificatesToPem(trusted),
                                       WriteOptions{kPublicFileMode, true});
      if (!s.ok()) return s;
      files->push_back("ca.crt");
    }
    LeafSettings only = settings;
    only.write_jks = Listed(r.files, "keystore.jks");
    only.write_p12 = Listed(r.files, "keystore.p12");
    if (only.write_jks || only.write_p12) {
      const std::string base = JoinPath(dir, LeafBase(m(), r));
      auto key = ReadPrivateKey(base + ".key");
      if (!key.ok()) return key.status();
      auto chain = ReadCertificates(base + ".crt");
      if (!chain.ok()) return chain.status();
      auto issuer = std::find_if(trusted.begin(), trusted.end(),
                                 [&](const Certificate& ca) { return IssuedBy(chain->back(), ca); });
      if (issuer == trusted.end()) {
        return MakeError(ErrorKind::kUnknownIssuer,
                         absl::StrCat("'", base, ".crt' is issued by '", chain->back().issuer().ToRfc4514(),
                                      "', which the cluster no longer trusts"));
      }
      chain->push_back(*issuer);
      KeyStore store;
      absl::Status s = store.SetKeyEntry(r.name, *key, *std::move(chain));
      if (!s.ok()) return Annotate(s, absl::StrCat("'", base, ".key'"));
      s = AddTrustedCas(trusted, &store);
      if (!s.ok()) return s;
      s = SaveStores(store, dir, "keystore", settings.store_password, only, files);
      if (!s.ok()) return s;
    }
    only.write_jks = Listed(r.files, "truststore.jks");
    only.write_p12 = Listed(r.files, "truststore.p12");
    return WriteTrustStores(trusted, dir, only, files);
  }

  const RotationSpec& spec_;
  RotationResult result_;
};

}  // namespace

absl::string_view RotationStageName(RotationStage stage) {
  return kStageNames[static_cast<int>(stage)];
}

absl::StatusOr<RotationStage> ParseRotationStage(absl::string_view name) {
  for (int i = 1; i <= 4; ++i) {
    if (name == kStageNames[i]) return static_cast<RotationStage>(i);
  }
  return MakeError(ErrorKind::kInvalidArgument,
                   absl::StrCat("unknown rotation stage '", name,
                                "': use new-ca, trust-both, reissue or retire-old"));
}

bool RotationInProgress(const Manifest& manifest) {
  const int done = DoneIndex(manifest);
  return done != 0 && done != 4;
}

std::string RotationResultJson(const RotationResult& r, bool with_manifest) {
  nlohmann::json written = nlohmann::json::array();
  for (const RotationResult::Written& w : r.written) {
    written.push_back({{"path", w.path}, {"what", w.what}});
  }
  nlohmann::json j = {
      {"stage", std::string(RotationStageName(r.stage))},
      {"changed", r.changed},
      {"finished", r.finished},
      {"reissued", r.reissued},
      {"pending", r.pending},
      {"written", std::move(written)},
      {"next_stage", RotationInProgress(r.manifest)
                         ? std::string(RotationStageName(NextRotationStage(r.manifest)))
                         : std::string()},
      {"rotation", r.manifest.rotation},
  };
  if (with_manifest) j["manifest"] = nlohmann::json::parse(ManifestToJson(r.manifest));
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

RotationStage NextRotationStage(const Manifest& manifest) {
  const int done = DoneIndex(manifest);
  return done == 0 || done == 4 ? RotationStage::kNewCa : static_cast<RotationStage>(done + 1);
}

absl::StatusOr<RotationResult> RotateCa(const RotationSpec& spec) {
  auto m = LoadManifest(spec.dir);
  if (!m.ok()) return m.status();
  if (!m->rotation.empty() && DoneIndex(*m) == 0) {
    return MakeError(ErrorKind::kMalformed,
                     absl::StrCat("manifest: rotation '", m->rotation, "' is not a rotation stage"));
  }
  if (!m->ca.key_uri.empty()) {
    // Fail closed rather than write a new CA key to disk beside a CA the
    // operator chose to keep in a token.
    return MakeError(ErrorKind::kUnsupported,
                     absl::StrCat("the cluster's CA key is in a PKCS#11 token (", m->ca.key_uri,
                                  "): rotate-ca does not support a token-held CA yet; make the new "
                                  "CA in the token (`certkit ca create --pkcs11-key`) and a new "
                                  "cluster from it"));
  }
  if (!spec.stage.has_value() && !RotationInProgress(*m)) {
    return MakeError(ErrorKind::kInvalidArgument,
                     absl::StrCat("no CA rotation is in progress",
                                  m->rotation.empty() ? "" : " (the last one finished with retire-old)",
                                  ": a new rotation starts only when the new-ca stage is named"));
  }
  const RotationStage stage = spec.stage.value_or(NextRotationStage(*m));
  const int want = static_cast<int>(stage);
  const int done = DoneIndex(*m);
  const bool idle = done == 0 || done == 4;  // no rotation in progress
  // A stage already finished in this rotation (or the last one) changes nothing.
  const bool already = stage == RotationStage::kNewCa ? !idle : (want <= done);
  if (already) {
    RotationResult r;
    r.stage = stage;
    r.finished = true;
    r.manifest = *std::move(m);
    return r;
  }
  // retire-old explains itself (which leaves are left) once trust-both is done.
  const bool ready = stage == RotationStage::kNewCa || want == done + 1 ||
                     (stage == RotationStage::kRetireOld && done >= 2);
  if (!ready) {
    return MakeError(ErrorKind::kInvalidArgument,
                     absl::StrCat("the ", RotationStageName(stage), " stage cannot run yet: ",
                                  idle ? "no CA rotation is in progress; start one with the new-ca stage"
                                       : absl::StrCat("run the ", kStageNames[done + 1], " stage first")));
  }
  return Stage(spec, *std::move(m)).Run(stage);
}

DistinguishedName DefaultClusterCaSubject(absl::string_view dir, absl::string_view organization) {
  std::string name(dir);
  while (name.size() > 1 && name.back() == '/') name.pop_back();
  name = name.substr(name.find_last_of('/') + 1);
  return DefaultCaSubject(name == "." ? "" : name, organization);
}

absl::StatusOr<std::vector<Certificate>> LoadTrustedCas(const std::string& dir,
                                                        const Manifest& manifest) {
  std::vector<Certificate> out;
  for (const CaRecord* r : manifest.TrustedCas()) {
    auto cert = ReadCaCertificate(dir, *r);
    if (!cert.ok()) return cert.status();
    out.push_back(*std::move(cert));
  }
  return out;
}

std::string TrustedCaAlias(const Certificate& ca, size_t count) {
  return count == 1 ? std::string(kCaAlias) : absl::StrCat("ca-", ShortId(ca));
}

absl::Status AddTrustedCas(const std::vector<Certificate>& cas, KeyStore* store) {
  for (const Certificate& c : cas) {
    absl::Status s = store->AddTrustedCert(TrustedCaAlias(c, cas.size()), c);
    if (!s.ok()) return s;
  }
  return absl::OkStatus();
}

}  // namespace certkit
