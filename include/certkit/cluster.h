// certkit/cluster.h: issuing certificates for a database cluster and
// writing their files. The per-node and per-client pipelines (generate key,
// sign, write PEM files and key stores) and the cluster operations built on
// them (init, add, renew) over a cluster directory recorded by its manifest
// (certkit/manifest.h). `certkit node`, `certkit client`, `certkit cluster`
// and bench/cli all run this code; the layout is documented in docs/CLI.md.
//
// Files are written atomically (never half-written); private keys with mode
// 0600. Without LeafSettings::overwrite an existing file is kAlreadyExists
// and left untouched. The cluster operations (init, add, renew) write every
// file, make them all durable in one sync pass, and only then write the
// manifest, the commit record: after a crash a re-run never trusts a file
// the manifest does not vouch for (docs/CLI.md, "Durable writes").
#ifndef CERTKIT_CLUSTER_H_
#define CERTKIT_CLUSTER_H_

#include <cstddef>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "certkit/ca.h"
#include "certkit/key.h"
#include "certkit/keystore.h"
#include "certkit/manifest.h"
#include "certkit/node_spec.h"

namespace certkit {

// Settings for issuing leaves and writing their files.
struct LeafSettings {
  KeySpec key_spec;
  int days = 0;                         // 0 = the profile's default
  std::string organization;             // O= in leaf subjects; empty = none
  std::vector<std::string> extra_sans;  // added to every node certificate
  // The node certificates' subject CN; empty = each node's first host
  // (--node-cn; CockroachDB needs "node"). Never changes key entry aliases,
  // folder names or manifest names: those stay the first host. ClusterInit
  // records it; ClusterAdd, ClusterRenew and RotateCa's reissue take the
  // manifest's value, whatever this field holds.
  std::string node_cn;
  // A --spiffe-id template (certkit/spiffe.h): every node and client
  // certificate gets the SPIFFE ID it gives as a URI SAN; empty = none.
  // ClusterInit records it; ClusterRenew and RotateCa's reissue take the
  // manifest's; ClusterAdd takes the manifest's and records this one when
  // the manifest has none (a different one is refused).
  std::string spiffe_id;
  // The preset applied (certkit/presets.h), recorded in the manifest; empty = none.
  std::string preset;
  bool write_jks = false;               // keystore.jks
  bool write_p12 = false;               // keystore.p12
  bool write_truststores = false;       // truststore.jks/.p12 in the leaf directory
  bool pkcs8 = false;                   // node.key.pk8 / client.<user>.key.pk8 (DER)
  // The PKCS#12 profile of keystore.p12 and truststore.p12 (see
  // certkit/keystore.h). kPasswordlessTruststore writes the trust stores
  // without password or MAC and the key stores (which hold a key) in kModern.
  Pkcs12Profile pkcs12_profile = Pkcs12Profile::kModern;
  bool pkcs12_plain_certs = false;      // PKCS#12 certificate bags unencrypted (-certpbe NONE)
  std::string store_password;
  std::string truststore_password;      // empty = store_password
  bool overwrite = false;
  // The profiles and signing policy leaves are issued with (--profile-file
  // replaces them; see certkit/profile_file.h).
  certkit::Profile node_profile = certkit::Profile::Node();
  certkit::Profile client_profile = certkit::Profile::Client();
  certkit::SigningPolicy policy = certkit::SigningPolicy::Permissive();
  // The CAs that ca.crt, the key stores' trusted entries and the trust
  // stores hold (during a CA rotation: both); empty = the issuing CA's root.
  std::vector<Certificate> trusted_cas;
};

// ValidateNodeCommonName accepts a LeafSettings::node_cn (--node-cn): 1 to
// 64 characters (X.520 ub-common-name), no control characters.
// kInvalidArgument naming the problem otherwise (a control character shown
// escaped, never raw).
absl::Status ValidateNodeCommonName(absl::string_view cn);

// LeafFormats is what a format list asks for: the key stores to write and
// the canonical names recorded in the manifest ("pem", "jks", "p12",
// "k8s").
struct LeafFormats {
  bool jks = false;
  bool p12 = false;
  bool k8s = false;  // Kubernetes manifests (certkit/k8s.h)
  std::vector<std::string> names;
};

// ParseLeafFormats parses format names, each item possibly a comma-separated
// list ("pem,jks", "p12"; "pkcs12" is p12, "kubernetes" is k8s; any case,
// spaces ignored). PEM
// files are always written, so "pem" only matters for the record.
// kInvalidArgument naming an unknown format.
absl::StatusOr<LeafFormats> ParseLeafFormats(const std::vector<std::string>& items);

// The alias of the CA certificate in key and trust stores.
inline constexpr char kCaAlias[] = "ca";

// IssueNode generates a key and signs a node certificate (serverAuth +
// clientAuth) for |hosts| (+ settings.extra_sans), each classified as an IP
// or DNS SAN; the subject CN is settings.node_cn, or else the first host. Writes into |dir| (created):
// ca.crt, node.crt (leaf + intermediates), node.key (0600), and as
// requested node.key.pk8, keystore.jks, keystore.p12 (key entry aliased by
// the first host plus the "ca" trusted entry), truststore.jks/.p12. Returns
// the record for the manifest (|dir| as given).
absl::StatusOr<LeafRecord> IssueNode(const CertificateAuthority& ca,
                                     const std::vector<std::string>& hosts,
                                     const std::string& dir, const LeafSettings& settings);

// IssueClient signs a client certificate (clientAuth, CN = |user|) and
// writes ca.crt, client.<user>.crt, client.<user>.key (0600) and, as
// requested, client.<user>.key.pk8 and keystore.jks / keystore.p12 for Java
// clients (key entry aliased by |user| plus the "ca" trusted entry) and
// truststore.jks/.p12 into |dir|.
absl::StatusOr<LeafRecord> IssueClient(const CertificateAuthority& ca,
                                       const std::string& user, const std::string& dir,
                                       const LeafSettings& settings);

// WriteTrustStores writes truststore.jks and/or truststore.p12 (as
// settings.write_jks/write_p12 ask, replacing them when settings.overwrite)
// holding |anchors| as trusted entries (alias "ca" for one, see
// TrustedCaAlias in certkit/rotation.h) into |dir|; appends the file names.
absl::Status WriteTrustStores(const std::vector<Certificate>& anchors, const std::string& dir,
                              const LeafSettings& settings, std::vector<std::string>* files);

// SaveStores writes |store| as <base>.jks and/or <base>.p12 into |dir| as
// |settings| ask (formats, PKCS#12 options, overwrite) with |password|;
// appends the file names. Errors name the file.
absl::Status SaveStores(const KeyStore& store, const std::string& dir, const std::string& base,
                        const std::string& password, const LeafSettings& settings,
                        std::vector<std::string>* files);

// ProgressObserver is told about bulk work (issuing or renewing many
// leaves), e.g. to draw a progress bar. Begin is called once before the
// work, Step once per finished item from any worker thread (so it must be
// thread-safe), End once after the work, also on failure.
class ProgressObserver {
 public:
  virtual ~ProgressObserver() = default;
  // |label| names the work ("issuing", "renewing"); |total| counts the items.
  virtual void Begin(absl::string_view label, size_t total) = 0;
  virtual void Step() = 0;
  virtual void End() = 0;
  // KeepGoing is asked after each Step: false cancels the work (no new item
  // starts; the operation fails with kCancelled and records nothing).
  virtual bool KeepGoing() { return true; }
};

// What `certkit cluster init` needs.
struct ClusterInitSpec {
  std::string out_dir;
  // One item per node: NAME or NAME=HOST+HOST... (certkit/node_spec.h).
  // Names, hosts, and hosts shared by two nodes are checked (ParseNodeSpecs)
  // before anything is written.
  std::vector<std::string> nodes;
  std::vector<std::string> clients;
  LeafSettings leaf;
  CaOptions ca;  // an empty subject: DefaultCaSubject(<out_dir's name>, leaf.organization)
  std::vector<std::string> formats;  // recorded in the manifest
  // With "k8s" in |formats|: the namespace of the Kubernetes manifests,
  // recorded (empty = none). Init refuses, before writing, a namespace that
  // is no DNS-1123 label and names with no Kubernetes object name
  // (certkit/k8s.h); add refuses such new names in a cluster that records "k8s".
  std::string k8s_namespace;
  std::string store_password_source;
  std::string truststore_password_source;
  // The CA key is written encrypted with |ca_key_password| (CaKeyPem,
  // certkit/ca_files.h) when it is not empty, unencrypted otherwise.
  // |ca_key_password_source| is recorded in the manifest ("none" when the
  // password is empty); it must never be the password itself.
  std::string ca_key_password;
  std::string ca_key_password_source;
  // An existing CA whose key is held in a PKCS#11 token (not owned; null =
  // create a new CA from |ca|). init signs with it and writes no CA key:
  // ca.crt holds its certificate and chain, the trust stores its root, and
  // the manifest records |token_ca_key_uri| (the key's pkcs11: URI without
  // a pin-value), |pkcs11_module| and |pkcs11_pin_source| (never the PIN)
  // for add, renew and crl to load it again. kInvalidArgument when
  // |token_ca| is set without a URI, with a pin-value in it, or with a CA
  // key password (the token protects the key).
  const CertificateAuthority* token_ca = nullptr;
  std::string token_ca_key_uri;
  std::string pkcs11_module;
  std::string pkcs11_pin_source;
  int jobs = 1;                          // parallel workers
  ProgressObserver* progress = nullptr;  // not owned; null = no reports
};

// ClusterInit creates the whole layout (see docs/CLI.md): ca.crt,
// ca-private/ca.key (dir 0700, file 0600), nodes/<name>/..., clients/<user>/...,
// truststore.jks/.p12 and manifest.json. Fails with kAlreadyExists when
// |out_dir| already holds a manifest or CA key (unless leaf.overwrite): the
// message names the file. From its start until the manifest is written the
// folder holds ".init-incomplete"; an init run where that marker is left
// (and no manifest) replaces the folder's files as with leaf.overwrite,
// issuing a new CA and new leaves (nothing of the interrupted run is reused).
absl::StatusOr<Manifest> ClusterInit(const ClusterInitSpec& spec);

// What `certkit cluster add` and `renew` need besides the manifest.
struct ClusterUpdateSpec {
  std::string dir;
  // add: new nodes, each NAME or NAME=HOST+HOST... (certkit/node_spec.h); a
  // host that is already another node's is refused (CheckNodeHostsFree).
  std::vector<std::string> nodes;
  std::vector<std::string> clients;  // add: new clients
  absl::Duration within;             // renew: window
  LeafSettings leaf;                 // passwords, key spec (from manifest unless overridden)
  // The password of the CA key (empty: none). A wrong one, or none for an
  // encrypted key, fails with kBadPassword naming the key file before
  // anything is written.
  std::string ca_key_password;
  bool allow_insecure_ca_key = false;
  // The cluster's CA, already loaded (not owned), for a CA whose key is in a
  // token (the manifest's key_uri; see LoadPkcs11PrivateKey in
  // certkit/pkcs11.h). Its certificate must be the manifest's active CA
  // (kKeyMismatch naming both fingerprints otherwise). Null: the CA is
  // loaded from its key file, and a cluster whose CA key is in a token
  // fails with kInvalidArgument naming the URI.
  const CertificateAuthority* ca = nullptr;
  int jobs = 1;                          // parallel workers
  ProgressObserver* progress = nullptr;  // not owned; null = no reports
};

// ClusterAdd issues new nodes/clients with the existing CA and records them
// in the manifest (written last, atomically). A node or client already in
// the manifest is kAlreadyExists and its files are never touched. A
// nodes/<host> or clients/<user> folder the manifest does not record is the
// remainder of an interrupted add (a kill before the manifest was written):
// it is issued again into that folder, replacing its partial files.
absl::StatusOr<Manifest> ClusterAdd(const ClusterUpdateSpec& spec);

// ClusterRenew re-issues (new key, new certificate, rebuilt stores) every
// node and client whose certificate expires within |spec.within|, and those
// whose files are not what the manifest records (a certificate or key that
// does not parse or match, or a certificate with another fingerprint: what
// a renew interrupted before its manifest leaves), and returns the manifest
// plus the names renewed in |renewed|.
absl::StatusOr<Manifest> ClusterRenew(const ClusterUpdateSpec& spec,
                                      std::vector<std::string>* renewed);

// ReissueLeaves issues |leaves| of the cluster in |cluster_dir| again with
// |ca| (new keys, certificates and stores in their folders, as
// IssueNode/IssueClient with |settings|) on |jobs| workers, replacing each
// record (name and dir kept); |is_node[i]| tells a node from a client.
// |progress| (may be null) gets Begin(|label|, n), Step per leaf, End. The
// leaves are issued through IssueBatch; after the first error no new leaf
// starts and no record is changed (leaves already done have their new files:
// callers decide what is due from the files, so a re-run completes it).
// ClusterRenew and RotateCa's reissue stage run on it.
absl::Status ReissueLeaves(const CertificateAuthority& ca, const std::vector<LeafRecord*>& leaves,
                           const std::vector<bool>& is_node, const std::string& cluster_dir,
                           const LeafSettings& settings, int jobs, absl::string_view label,
                           ProgressObserver* progress);

// LeafSettingsFromManifest fills key spec, days, SANs, organization, node
// CN, SPIFFE ID template, preset, formats, PKCS#12 profile and pkcs8 from
// |manifest| into |settings| (passwords untouched).
absl::Status LeafSettingsFromManifest(const Manifest& manifest, LeafSettings* settings);

// RecordPkcs12Profile records |profile| as the cluster's in |m| (the
// manifest's "pkcs12_profile"): add, renew and rotate-ca record the profile
// they wrote, so the next operation writes the same one unless told
// otherwise.
void RecordPkcs12Profile(Pkcs12Profile profile, Manifest* m);

}  // namespace certkit

#endif  // CERTKIT_CLUSTER_H_
