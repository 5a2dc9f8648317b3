// lib/core/x509_ext.h (internal): building and reading the X.509v3
// extensions certkit writes into CSRs and certificates.
#ifndef CERTKIT_LIB_CORE_X509_EXT_H_
#define CERTKIT_LIB_CORE_X509_EXT_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "certkit/key.h"
#include "certkit/name.h"
#include "certkit/profile.h"
#include "openssl/x509.h"
#include "openssl/x509v3.h"

namespace certkit {

// FromGeneralNames decodes a GENERAL_NAMES stack into SANs (unknown
// GeneralName types are skipped). Shared by csr.cc and cert.cc
// (implemented in name.cc); x509ext::SubjectAltNamesDer encodes them.
std::vector<SubjectAltName> FromGeneralNames(const GENERAL_NAMES* names);

// RandomSerial returns 16 random bytes with the top bit cleared and not all
// zero: a positive 128-bit serial number (implemented in ca.cc).
Bytes RandomSerial();

namespace x509ext {

using ExtensionPtr = bssl::UniquePtr<X509_EXTENSION>;

// The encoders below return the DER Extension (what i2d_X509_EXTENSION
// writes), built with CBB: certificates are assembled from these bytes
// (lib/core/cert_builder.h). The ExtensionPtr forms parse the same bytes for
// the legacy X509 API (CSRs, CRLs).
absl::StatusOr<Bytes> SubjectAltNamesDer(const std::vector<SubjectAltName>& sans,
                                         bool subject_empty);
absl::StatusOr<Bytes> KeyUsageDer(uint32_t bits);
absl::StatusOr<Bytes> ExtendedKeyUsageDer(const std::vector<std::string>& oids);
absl::StatusOr<Bytes> BasicConstraintsDer(bool is_ca, std::optional<int> path_len);
absl::StatusOr<Bytes> NameConstraintsDer(const NameConstraints& nc);

// SubjectAltNames encodes |sans|; critical when |subject_empty| (RFC 5280
// 4.2.1.6).
absl::StatusOr<ExtensionPtr> SubjectAltNames(const std::vector<SubjectAltName>& sans,
                                             bool subject_empty);
// KeyUsage encodes a KeyUsageBit set (cert.h) as a critical keyUsage.
absl::StatusOr<ExtensionPtr> KeyUsage(uint32_t bits);
// ExtendedKeyUsage encodes dotted OIDs (kInvalidArgument for a bad OID).
absl::StatusOr<ExtensionPtr> ExtendedKeyUsage(const std::vector<std::string>& oids);
// BasicConstraints encodes a critical basicConstraints.
absl::StatusOr<ExtensionPtr> BasicConstraints(bool is_ca, std::optional<int> path_len);
// SubjectKeyId / AuthorityKeyId encode a keyIdentifier (non-critical).
absl::StatusOr<ExtensionPtr> SubjectKeyId(const std::vector<uint8_t>& id);
absl::StatusOr<ExtensionPtr> AuthorityKeyId(const std::vector<uint8_t>& id);

// NameConstraintsExt encodes |nc| as a critical nameConstraints extension
// (RFC 5280 4.2.1.10). kInvalidArgument names an entry that is not a host
// name (optionally with a leading '.'), a CIDR block or an email constraint.
absl::StatusOr<ExtensionPtr> NameConstraintsExt(const NameConstraints& nc);

// IpConstraint parses "10.0.0.0/8", "fd00::/8" or a bare address (a /32 or
// /128) into the iPAddress constraint form: address bytes then mask bytes
// (8 or 32 bytes), host bits cleared. kInvalidArgument otherwise.
absl::StatusOr<std::vector<uint8_t>> IpConstraint(absl::string_view cidr);

// ParseCrlData decodes one CRL: PEM ("X509 CRL") when the text holds a PEM
// header, DER otherwise (trailing bytes refused). nullptr when it is neither.
bssl::UniquePtr<X509_CRL> ParseCrlData(absl::string_view data);

// AsnTimeToAbsl converts an ASN1_TIME to absl::Time (InfinitePast when it
// cannot be read).
absl::Time AsnTimeToAbsl(const ASN1_TIME* t);

// KeyUsageBits converts a decoded keyUsage BIT STRING to a KeyUsageBit set.
uint32_t KeyUsageBits(const ASN1_BIT_STRING* bits);
// OidList converts a decoded extKeyUsage to dotted OIDs.
std::vector<std::string> OidList(const EXTENDED_KEY_USAGE* eku);
// OidText returns the dotted form of |obj|.
std::string OidText(const ASN1_OBJECT* obj);

}  // namespace x509ext
}  // namespace certkit

#endif  // CERTKIT_LIB_CORE_X509_EXT_H_
