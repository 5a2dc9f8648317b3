// certkit/rotation.h: replacing a cluster's CA without downtime
// (`certkit cluster rotate-ca`), in four stages that each run on their own:
//
//   new-ca      a new CA (default subject: the cluster name and a short
//               random id) with its key next to the old one in ca-private/
//               (0600); optionally its certificate cross-signed by the old CA.
//               The new CA is recorded as "next"; nothing the nodes use changes.
//   trust-both  every ca.crt bundle, trust store and key store's trusted
//               entries hold both CAs (aliases "ca-<id>"); every node still
//               presents its old certificate, which everyone trusts.
//   reissue     the new CA becomes "active" (add/renew sign with it, the old
//               one is "previous") and every node and client gets a new key
//               and a certificate from it, its stores still trusting both.
//               Can be done a few leaves at a time (RotationSpec::only).
//   retire-old  once no leaf is issued by the old CA any more (else
//               kInvalidArgument naming them), every bundle and store
//               trusts the new CA only; the old one is "retired" (its key and
//               revocation list are kept).
//
// At every point, and after a crash at any point, two nodes trust each
// other: trust grows before certificates change and shrinks after. Every
// file is replaced atomically; all of a stage's files are made durable in
// one sync pass, and only then the manifest records the finished stage
// (Manifest::rotation), so a stage re-run after a crash finishes it and a
// finished stage re-run changes nothing. (After a power loss before that
// sync pass a rewritten file may be empty until the stage is run again:
// re-run it before nodes reload; docs/CLI.md, "Durable writes".)
#ifndef CERTKIT_ROTATION_H_
#define CERTKIT_ROTATION_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "certkit/cert.h"
#include "certkit/cluster.h"
#include "certkit/keystore.h"
#include "certkit/manifest.h"
#include "certkit/name.h"

namespace certkit {

enum class RotationStage { kNewCa = 1, kTrustBoth = 2, kReissue = 3, kRetireOld = 4 };

// RotationStageName: "new-ca", "trust-both", "reissue", "retire-old".
absl::string_view RotationStageName(RotationStage stage);
// ParseRotationStage is its inverse; kInvalidArgument listing the names.
absl::StatusOr<RotationStage> ParseRotationStage(absl::string_view name);

// NextRotationStage is the stage RotateCa runs when none is named: the one
// after the last finished stage of |manifest|, and new-ca (a new rotation)
// when none is in progress.
RotationStage NextRotationStage(const Manifest& manifest);

// RotationInProgress reports whether |manifest| records a rotation that has
// started (new-ca done) and not finished (retire-old not done). RotateCa
// without a named stage runs only then: a new rotation starts only when
// new-ca is named.
bool RotationInProgress(const Manifest& manifest);

struct RotationSpec {
  std::string dir;                     // the cluster directory
  std::optional<RotationStage> stage;  // empty: NextRotationStage
  // new-ca: the new CA's subject (empty = DefaultClusterCaSubject), key type
  // (empty = the manifest's key_spec), validity, and whether to write its
  // certificate signed by the old CA too (ca-<id>-cross.crt).
  DistinguishedName ca_subject;
  std::optional<KeySpec> ca_key_spec;
  int ca_days = 3650;
  bool cross_sign = false;
  // Issuance settings and store passwords (LeafSettingsFromManifest plus the
  // passwords); trusted_cas and overwrite are set by RotateCa.
  LeafSettings leaf;
  // reissue: only these nodes/clients (by manifest name); empty = all. The
  // stage is finished once every leaf is issued by the new CA.
  std::vector<std::string> only;
  // The password of the cluster's CA keys (empty: none; see
  // Manifest::ca_key_password_source). Every stage that signs loads its CA
  // key with it (kBadPassword naming the key file, nothing written). new-ca
  // first checks it against the current CA key, then writes the new CA key
  // encrypted with it (CaKeyPem) when it is not empty, and then records
  // |ca_key_password_source| in the manifest (it must not be the password).
  // An empty password on a cluster whose CA key is unencrypted writes the
  // new key unencrypted too; a password given for an unencrypted old key
  // encrypts the new one (moving a cluster to an encrypted CA key).
  std::string ca_key_password;
  std::string ca_key_password_source;
  bool allow_insecure_ca_key = false;
  int jobs = 1;
  ProgressObserver* progress = nullptr;  // not owned
};

struct RotationResult {
  RotationStage stage = RotationStage::kNewCa;
  bool changed = false;   // false: the stage had already been done
  bool finished = false;  // the stage is complete (reissue: every leaf reissued)
  struct Written {
    std::string path;  // joined with the cluster directory
    std::string what;  // "CA certificate", "trust store", ...
  };
  std::vector<Written> written;         // in write order; the manifest last
  std::vector<std::string> reissued;    // reissue: names re-issued by this run
  std::vector<std::string> pending;     // reissue: names still on the old CA (as --only takes them)
  Manifest manifest;                    // as saved
};

// RotationResultJson is |result| as the JSON object the CLI's --json and
// certkit_cluster_rotate_ca report: "stage", "changed", "finished",
// "reissued", "pending", "written" ([{"path","what"}]), "next_stage" (the
// stage a run without a named stage runs next; "" when no rotation is in
// progress, since a new one starts only with new-ca named), "rotation" (the
// manifest's last finished stage, "" before the first), and, when
// |with_manifest|, "manifest".
std::string RotationResultJson(const RotationResult& result, bool with_manifest);

// RotateCa runs one stage on the cluster in spec.dir. Without spec.stage
// it runs NextRotationStage only while RotationInProgress; otherwise
// (before the first rotation, after retire-old) it is kInvalidArgument:
// "no CA rotation is in progress", naming the new-ca stage. Errors:
// kInvalidArgument when an earlier stage is still pending (the message
// names it), for retire-old when leaves still use the old CA (named), for
// an unknown name in |only| and for a new CA subject equal to one the
// cluster has; kMalformed for a manifest whose "rotation" is no stage; the errors of reading the manifest, CA and leaf
// files (naming them) and of writing. On an error the manifest is unchanged
// and the stage can be run again.
absl::StatusOr<RotationResult> RotateCa(const RotationSpec& spec);

// DefaultClusterCaSubject: DefaultCaSubject with the last component of
// |dir| as the cluster name ("." and "/" give none).
DistinguishedName DefaultClusterCaSubject(absl::string_view dir, absl::string_view organization);

// LoadTrustedCas reads the certificates of the CAs |manifest| trusts
// (Manifest::TrustedCas: the active one first) from |dir|.
absl::StatusOr<std::vector<Certificate>> LoadTrustedCas(const std::string& dir,
                                                        const Manifest& manifest);

// TrustedCaAlias is the alias of |ca| among |count| trusted CAs of a store:
// "ca" for a single CA, "ca-<first 8 hex digits of its SHA-256
// fingerprint>" each when there are several.
std::string TrustedCaAlias(const Certificate& ca, size_t count);

// AddTrustedCas adds |cas| to |store| as trusted entries (TrustedCaAlias).
absl::Status AddTrustedCas(const std::vector<Certificate>& cas, KeyStore* store);

}  // namespace certkit

#endif  // CERTKIT_ROTATION_H_
