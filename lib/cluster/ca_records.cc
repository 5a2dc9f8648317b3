#include "cluster/ca_records.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_replace.h"
#include "certkit/ca_files.h"
#include "certkit/file.h"

namespace certkit {

absl::StatusOr<Certificate> ReadCaCertificate(const std::string& dir, const CaRecord& record) {
  auto certs = ReadCertificates(JoinPath(dir, record.cert_file));
  if (!certs.ok()) return certs.status();
  for (const Certificate& c : *certs) {
    if (c.Sha256Fingerprint() == record.sha256_fingerprint) return c;
  }
  return certs->front();
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
