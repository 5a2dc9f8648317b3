#include "certkit/revocations.h"

#include <optional>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "certkit/error.h"
#include "certkit/file.h"
#include "certkit/manifest.h"
#include "cluster/ca_records.h"

namespace certkit {
namespace {

constexpr size_t kMaxRevokedFileBytes = 64u << 20;

absl::StatusOr<RevocationList> ReadRevokedFile(const std::string& path) {
  if (!FileExists(path)) return RevocationList();
  auto text = ReadTextFile(path, kMaxRevokedFileBytes);
  if (!text.ok()) return text.status();
  auto list = RevocationList::FromJson(*text);
  if (!list.ok()) return Annotate(list.status(), absl::StrCat("'", path, "'"));
  return list;
}

bool IsCluster(const std::string& dir) { return FileExists(JoinPath(dir, kManifestFile)); }

// The revocation list of one CA of a directory, loaded for a change.
struct ListHandle {
  std::string dir;
  bool cluster = false;
  Manifest manifest;                 // cluster
  std::string fingerprint;           // cluster: the CA the list belongs to
  RevocationList plain;              // plain CA directory
  std::string path;                  // the file that keeps the list

  CaRecord* record() { return manifest.FindCa(fingerprint); }
  RevocationList* list() { return cluster ? &record()->revocations : &plain; }

  absl::Status Save() {
    if (!cluster) {
      return WriteFileAtomic(path, plain.ToJson(), WriteOptions{kPublicFileMode, true});
    }
    manifest.updated = absl::Now();
    return SaveManifest(dir, manifest);
  }
};

// OpenList loads |dir|'s list for the CA |ca_fingerprint| (a cluster; empty
// = the active CA) or the directory's only list (plain). A cluster's active
// CA takes over an older DIR/revoked.json while its own list is empty.
absl::StatusOr<ListHandle> OpenList(const std::string& dir, const std::string& ca_fingerprint) {
  ListHandle h;
  h.dir = dir;
  h.cluster = IsCluster(dir);
  if (!h.cluster) {
    h.path = JoinPath(dir, kRevokedFile);
    auto list = ReadRevokedFile(h.path);
    if (!list.ok()) return list.status();
    h.plain = *std::move(list);
    return h;
  }
  auto m = LoadManifest(dir);
  if (!m.ok()) return m.status();
  h.manifest = *std::move(m);
  h.path = JoinPath(dir, kManifestFile);
  h.fingerprint = ca_fingerprint.empty() ? h.manifest.ca.sha256_fingerprint : ca_fingerprint;
  if (h.record() == nullptr) {
    return MakeError(ErrorKind::kInvalidArgument,
                     absl::StrCat("the CA with SHA-256 fingerprint ", ca_fingerprint,
                                  " is not a CA of the cluster in '", dir, "'"));
  }
  RevocationList& list = h.record()->revocations;
  if (h.record() == &h.manifest.ca && list.crl_number == 0 && list.revoked.empty()) {
    auto older = ReadRevokedFile(JoinPath(dir, kRevokedFile));
    if (!older.ok()) return older.status();
    list = *std::move(older);
  }
  return h;
}

// IssuerOf finds the CA of |dir| that issued |cert|: its fingerprint (empty
// for a plain directory) and certificate.
absl::StatusOr<std::pair<std::string, Certificate>> IssuerOf(const std::string& dir,
                                                             const Certificate& cert) {
  std::vector<Certificate> cas;
  std::string where = JoinPath(dir, "ca.crt");
  if (IsCluster(dir)) {
    auto m = LoadManifest(dir);
    if (!m.ok()) return m.status();
    std::vector<const CaRecord*> records = {&m->ca};
    for (const CaRecord& c : m->other_cas) records.push_back(&c);
    for (const CaRecord* r : records) {
      auto c = ReadCaCertificate(dir, *r);
      if (!c.ok()) return c.status();
      if (IssuedBy(cert, *c)) return std::make_pair(r->sha256_fingerprint, *std::move(c));
    }
    where = absl::StrCat("the cluster '", dir, "'");
  } else {
    auto certs = ReadCertificates(where);
    if (!certs.ok()) return certs.status();
    for (const Certificate& c : *certs) {
      if (IssuedBy(cert, c)) return std::make_pair(std::string(), c);
    }
    where = absl::StrCat("'", where, "'");
  }
  return MakeError(ErrorKind::kInvalidArgument,
                   absl::StrCat("the certificate was issued by '", cert.issuer().ToRfc4514(),
                                "', not by a CA in ", where));
}

// SigningCa reads the certificate of the CA that signs |h|'s list: the
// cluster CA the list belongs to, or DIR/ca.crt's first certificate.
absl::StatusOr<Certificate> SigningCa(ListHandle& h) {
  if (h.cluster) return ReadCaCertificate(h.dir, *h.record());
  auto certs = ReadCertificates(JoinPath(h.dir, "ca.crt"));
  if (!certs.ok()) return certs.status();
  return certs->front();
}

}  // namespace

absl::StatusOr<std::vector<CrlIssuer>> DirectoryCrlIssuers(const std::string& dir) {
  if (!IsCluster(dir)) {
    CrlIssuer plain;
    plain.files.cert_path = JoinPath(dir, "ca.crt");
    plain.files.key_path = JoinPath(JoinPath(dir, "ca-private"), "ca.key");
    plain.crl_name = "crl";
    return std::vector<CrlIssuer>{plain};
  }
  auto m = LoadManifest(dir);
  if (!m.ok()) return m.status();
  std::vector<CrlIssuer> out;
  for (const CaRecord* r : m->TrustedCas()) {
    CrlIssuer issuer;
    issuer.files.cert_path = JoinPath(dir, r->cert_file);
    if (r->key_uri.empty()) {
      issuer.files.key_path = JoinPath(dir, r->key_file);
    } else {
      issuer.key_uri = r->key_uri;
      issuer.pkcs11_module = m->pkcs11_module;
      issuer.pkcs11_pin_source = m->pkcs11_pin_source;
    }
    issuer.crl_name = out.empty() ? "crl" : absl::StrCat("crl-", CaShortId(r->sha256_fingerprint));
    issuer.key_password_source = m->ca_key_password_source;
    out.push_back(std::move(issuer));
  }
  return out;
}

absl::StatusOr<RevokeResult> RevokeInDirectory(const std::string& dir,
                                               const RevokeRequest& request) {
  RevokedCertificate entry;
  entry.reason = request.reason;
  entry.revocation_time = request.time == absl::InfinitePast()
                              ? absl::FromUnixSeconds(absl::ToUnixSeconds(absl::Now()))
                              : request.time;
  if (entry.reason.has_value()) {
    // The list must hold only reasons that revoke (ParseCrlReason's).
    auto known = ParseCrlReason(CrlReasonName(*entry.reason));
    if (!known.ok()) return known.status();
  }
  std::string fingerprint;
  std::optional<Certificate> ca;
  if (request.cert.has_value()) {
    auto issuer = IssuerOf(dir, *request.cert);
    if (!issuer.ok()) return issuer.status();
    fingerprint = issuer->first;
    ca = std::move(issuer->second);
    entry.serial = request.cert->serial_bytes();
  } else {
    if (request.serial.empty()) {
      return MakeError(ErrorKind::kInvalidArgument, "no serial number to revoke");
    }
    entry.serial = request.serial;
  }
  auto handle = OpenList(dir, fingerprint);
  if (!handle.ok()) return handle.status();
  if (!ca.has_value()) {
    auto signing = SigningCa(*handle);
    if (!signing.ok()) return signing.status();
    ca = *std::move(signing);
  }
  RevokeResult result;
  result.issuer = ca->subject().ToRfc4514();
  if (absl::Status st = CheckCrlSigner(*ca); !st.ok()) result.warning = std::string(st.message());
  result.list_path = handle->path;
  result.added = handle->list()->Add(entry);
  result.count = handle->list()->revoked.size();
  if (!result.added) return result;
  absl::Status s = handle->Save();
  if (!s.ok()) return s;
  return result;
}

namespace {

// OpenListForCa opens the list of |ca|, one of |dir|'s CRL issuers.
absl::StatusOr<ListHandle> OpenListForCa(const std::string& dir, const CertificateAuthority& ca) {
  const std::string fingerprint = ca.certificate().Sha256Fingerprint();
  auto handle = OpenList(dir, IsCluster(dir) ? fingerprint : "");
  if (!handle.ok()) return handle.status();
  if (handle->cluster && handle->record()->state == kCaRetired) {
    return MakeError(ErrorKind::kInvalidArgument,
                     absl::StrCat("'", ca.certificate().subject().ToRfc4514(),
                                  "' is retired in the cluster in '", dir, "'"));
  }
  return handle;
}

}  // namespace

absl::StatusOr<Crl> SignDirectoryCrl(const std::string& dir, const CertificateAuthority& ca,
                                     absl::Duration next_update_in) {
  auto handle = OpenListForCa(dir, ca);
  if (!handle.ok()) return handle.status();
  if (handle->list()->crl_number >= kMaxCrlNumber) {
    return MakeError(ErrorKind::kLimitExceeded,
                     absl::StrCat("the last CRL of '", ca.certificate().subject().ToRfc4514(),
                                  "' has number ", handle->list()->crl_number,
                                  ", the largest there is: no further CRL can be numbered; "
                                  "issue CRLs from a new CA (cluster rotate-ca)"));
  }
  CrlOptions opts;
  opts.number = handle->list()->crl_number + 1;
  opts.next_update_in = next_update_in;
  return SignCrl(ca, handle->list()->revoked, opts);
}

absl::Status RecordDirectoryCrl(const std::string& dir, const CertificateAuthority& ca,
                                const Crl& crl) {
  auto handle = OpenListForCa(dir, ca);
  if (!handle.ok()) return handle.status();
  if (crl.number() <= handle->list()->crl_number) return absl::OkStatus();
  handle->list()->crl_number = crl.number();
  return handle->Save();
}

}  // namespace certkit
