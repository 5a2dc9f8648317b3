#include "cluster/ca_records.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "certkit/ca_files.h"
#include "certkit/error.h"
#include "certkit/file.h"

namespace certkit {

absl::StatusOr<Certificate> ReadCaCertificate(const std::string& dir, const CaRecord& record) {
  const std::string path = JoinPath(dir, record.cert_file);
  auto certs = ReadCertificates(path);
  if (!certs.ok()) return certs.status();
  for (const Certificate& c : *certs) {
    if (c.Sha256Fingerprint() != record.sha256_fingerprint) continue;
    if (!c.basic_constraints().is_ca) {
      return MakeError(ErrorKind::kInvalidArgument,
                       absl::StrCat("'", path, "': the certificate the manifest records as a CA ('",
                                    c.subject().ToRfc4514(), "') is not a CA"));
    }
    return c;
  }
  // Never fall back to another certificate: a swapped file would put a
  // foreign CA into every trust store.
  return MakeError(ErrorKind::kInvalidArgument,
                   absl::StrCat("'", path, "' holds no certificate with the SHA-256 fingerprint ",
                                record.sha256_fingerprint, " the manifest records for CA '",
                                record.subject, "' (first found: ",
                                certs->front().Sha256Fingerprint(),
                                "); restore the CA file, or the manifest, from a backup"));
}

std::string CaShortId(absl::string_view sha256_fingerprint) {
  return absl::AsciiStrToLower(absl::StrReplaceAll(sha256_fingerprint, {{":", ""}}).substr(0, 8));
}

bool IssuedBy(const Certificate& cert, const Certificate& ca) {
  if (cert.issuer() != ca.subject()) return false;
  const Bytes aki = cert.authority_key_id(), ski = ca.subject_key_id();
  return aki.empty() || ski.empty() || aki == ski;
}

}  // namespace certkit
