// cluster/ca_records.h (internal): reading a cluster's CA certificates as
// the manifest records them, and telling which CA issued a certificate.
// Shared by the revocation list (revocations.cc) and the CA rotation
// (rotation.cc).
#ifndef CERTKIT_LIB_CLUSTER_CA_RECORDS_H_
#define CERTKIT_LIB_CLUSTER_CA_RECORDS_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "certkit/cert.h"
#include "certkit/manifest.h"

namespace certkit {

// ReadCaCertificate reads |record|'s certificate from |dir|: the one with
// the recorded SHA-256 fingerprint (the file may be a bundle: a cluster made
// before rotation existed names the ca.crt bundle). kInvalidArgument naming
// the file and both fingerprints when no certificate there has it (a
// swapped or foreign CA file), or when that certificate is not a CA; other
// errors name the file.
absl::StatusOr<Certificate> ReadCaCertificate(const std::string& dir, const CaRecord& record);

// CaShortId: the first 8 hex digits (lower case) of a SHA-256 fingerprint
// in keytool's form ("AB:CD:..."), which names a CA's files (ca-<id>.crt,
// crl-<id>.pem) and trusted-entry aliases (ca-<id>).
std::string CaShortId(absl::string_view sha256_fingerprint);

// IssuedBy reports whether |ca| is |cert|'s issuer: by name and, when both
// carry one, by key identifier (AKI = SKI).
bool IssuedBy(const Certificate& cert, const Certificate& ca);

}  // namespace certkit

#endif  // CERTKIT_LIB_CLUSTER_CA_RECORDS_H_
