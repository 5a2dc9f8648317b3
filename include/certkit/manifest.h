// certkit/manifest.h: DIR/manifest.json, the machine-readable record of a
// cluster directory written by ClusterInit/ClusterAdd/ClusterRenew
// (certkit/cluster.h) and RotateCa (certkit/rotation.h): the CAs (the
// active one and, during a rotation, the next or previous one), what each
// CA revoked, every node and client (hosts, serial, fingerprint, expiry,
// files) and which password sources were used (never the passwords). The
// JSON form is documented in docs/CLI.md.
#ifndef CERTKIT_MANIFEST_H_
#define CERTKIT_MANIFEST_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "certkit/crl.h"

namespace certkit {

// The manifest's file name inside a cluster directory.
inline constexpr char kManifestFile[] = "manifest.json";

// One issued leaf (node or client) as recorded in the manifest.
struct LeafRecord {
  std::string name;                // host (nodes) or user (clients)
  std::string dir;                 // relative to the cluster directory
  std::vector<std::string> hosts;  // DNS and IP SANs (nodes)
  std::string serial;
  std::string sha256_fingerprint;
  absl::Time not_after;
  std::vector<std::string> files;  // file names inside |dir|
};

// States of a CA in a cluster (CaRecord::state).
inline constexpr char kCaActive[] = "active";      // signs add/renew; trusted
inline constexpr char kCaNext[] = "next";          // made by a rotation, not signing yet
inline constexpr char kCaPrevious[] = "previous";  // replaced, still trusted until retire-old
inline constexpr char kCaRetired[] = "retired";    // no longer trusted (key kept)

// One CA of the cluster.
struct CaRecord {
  std::string cert_file;  // its certificate alone, e.g. "ca.crt" or "ca-1a2b3c4d.crt"
  std::string key_file;   // "ca-private/ca.key"; empty when |key_uri| is set
  // The key's "pkcs11:" URI (RFC 7512; never with a pin-value) when it is
  // held in a PKCS#11 token (JSON "key_uri", no "key" then): certkit signs
  // through the token and the cluster directory holds no key file.
  std::string key_uri;
  std::string subject;
  std::string serial;
  std::string sha256_fingerprint;
  absl::Time not_after;
  std::string state = kCaActive;
  std::string cross_cert_file;  // the new CA certified by the old one; empty = none
  // What this CA revoked and its last cRLNumber (`certkit revoke`/`crl`).
  RevocationList revocations;
};

struct Manifest {
  int version = 1;
  absl::Time created;
  absl::Time updated;
  std::string key_spec;  // "ec:p256", ...
  int days = 0;          // leaf validity asked for; 0 = profile default
  std::vector<std::string> extra_sans;
  std::string organization;
  // The node certificates' subject CN (--node-cn or a preset's); empty =
  // each node's first host. JSON "node_cn", absent when empty.
  std::string node_cn;
  // The --spiffe-id template (certkit/spiffe.h) every node and client
  // certificate gets its SPIFFE ID (a URI SAN) from; add, renew and
  // rotate-ca's reissue keep issuing it. Empty = none. JSON "spiffe_id",
  // absent when empty.
  std::string spiffe_id;
  // The preset the cluster was made --for ("cockroach"; certkit/presets.h);
  // empty = none. JSON "preset", absent when empty.
  std::string preset;
  std::vector<std::string> formats;  // "pem", "jks", "p12", "k8s"
  // The PKCS#12 profile of the cluster's .p12 stores (--p12-profile;
  // certkit/keystore.h): add, renew and rotate-ca write it unless told
  // otherwise, and a profile given to them is recorded. JSON
  // "pkcs12_profile", absent for "modern" (older manifests: modern).
  std::string pkcs12_profile;
  // The Kubernetes namespace of the "k8s" manifests (--k8s-namespace);
  // empty = none. JSON "k8s_namespace", absent when empty.
  std::string k8s_namespace;
  bool pkcs8 = false;
  std::string store_password_source;
  std::string truststore_password_source;
  // Where the password of the cluster's CA keys comes from ("env:CA_PASS",
  // "file:/path", "prompt", "pass"), never the password; "none" for CA keys
  // written unencrypted; empty in a manifest written before certkit
  // recorded it (JSON "ca_key_password_source", absent then). Every CA key
  // of the cluster (during a rotation, the old and the new one) is
  // encrypted with that one password, or not at all.
  std::string ca_key_password_source;
  // For a CA key held in a token (CaRecord::key_uri): the PKCS#11 module
  // (.so path) and where the user PIN comes from ("env:VAR", "file:PATH",
  // "prompt", "pass", "uri": the URI's own pin-source), never the PIN. JSON
  // "pkcs11_module" / "pkcs11_pin_source", absent when no key is in a token.
  std::string pkcs11_module;
  std::string pkcs11_pin_source;
  using Ca = CaRecord;
  // The active CA (state "active"): it signs what add and renew issue.
  CaRecord ca;
  // The cluster's other CAs (next, previous, retired), oldest first. JSON
  // lists every CA, the active one included, as "cas"; a manifest without
  // "cas" (written before rotation existed) has only |ca|.
  std::vector<CaRecord> other_cas;
  // The last finished stage of a CA rotation in progress ("new-ca",
  // "trust-both", "reissue"); empty when none is (certkit/rotation.h).
  std::string rotation;
  std::vector<std::string> truststores;
  std::vector<LeafRecord> nodes;
  std::vector<LeafRecord> clients;

  // FindNode/FindClient return the record with |name| or nullptr.
  LeafRecord* FindNode(const std::string& name);
  LeafRecord* FindClient(const std::string& name);
  bool HasFormat(const std::string& format) const;
  // FindCa returns the CA (active or other) with the SHA-256 fingerprint
  // |fingerprint| or nullptr; CaInState the first one in |state|.
  CaRecord* FindCa(const std::string& fingerprint);
  CaRecord* CaInState(absl::string_view state);
  // TrustedCas lists the CAs the cluster trusts (active, next and
  // previous): the active one first.
  std::vector<const CaRecord*> TrustedCas() const;
};

// ReusablePasswordSource returns |recorded| (a password source the manifest
// records) when a later command may read it again without asking anyone:
// an "env:" or "file:" source. Empty otherwise ("prompt", "pass", "none",
// "insecure-default", ""): the caller must be given the password.
std::string ReusablePasswordSource(absl::string_view recorded);

// ManifestToJson returns |manifest| as pretty-printed JSON (2-space indent,
// trailing newline), the exact text SaveManifest writes.
std::string ManifestToJson(const Manifest& manifest);

// Largest leaf validity a manifest may ask for, in days (100 years).
inline constexpr int kMaxLeafDays = 36500;

// ParseManifest parses manifest JSON. kMalformed for invalid JSON, a
// missing or mistyped field (named in the message), an integer that is a
// float or out of range ("days" 0..kMaxLeafDays), or a path ("dir",
// "ca.cert", "ca.key", "cas[].cert", "truststores", "files") that would
// leave the cluster folder (absolute, "..", empty components), a "cas"
// list without exactly one active CA or whose active CA is not "ca", or a
// bad revocation entry or a "spiffe_id" that is not a valid template;
// kUnsupported for an unknown version. Manifests
// without "cas", "rotation" or revocations (older certkit) load.
absl::StatusOr<Manifest> ParseManifest(absl::string_view json);

// CheckManifestPath accepts a relative path that stays inside the cluster
// folder (see ParseManifest); kMalformed naming |what| otherwise.
absl::Status CheckManifestPath(const std::string& path, absl::string_view what);

// LoadManifest reads |cluster_dir|/manifest.json (errors name the file);
// SaveManifest writes it atomically (mode 0644).
absl::StatusOr<Manifest> LoadManifest(const std::string& cluster_dir);
absl::Status SaveManifest(const std::string& cluster_dir, const Manifest& manifest);

}  // namespace certkit

#endif  // CERTKIT_MANIFEST_H_
