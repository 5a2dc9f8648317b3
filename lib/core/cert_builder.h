// lib/core/cert_builder.h (internal): encoding and signing a v3 certificate
// directly with CBB, from encodings prepared once.
//
// The issuing path of CertificateAuthority: the issuer's Name, AKI and
// signature AlgorithmIdentifier are encoded once per CA (IssuerEncoding),
// the subject's SubjectPublicKeyInfo once per key (PublicKey keeps it), and
// a certificate is one TBSCertificate encoding, one signature and the
// resulting DER, with no legacy X509 object in between. The extensions'
// encodings come from lib/core/x509_ext.h (CBB too; tests/core/
// issue_equivalence_test.cc holds them to the bytes BoringSSL's X509V3
// encoders write), and the certificate is handed out unparsed
// (internal::AdoptSignedDer, certkit/cert.h).
#ifndef CERTKIT_LIB_CORE_CERT_BUILDER_H_
#define CERTKIT_LIB_CORE_CERT_BUILDER_H_

#include <cstdint>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "absl/types/span.h"
#include "certkit/key.h"
#include "certkit/name.h"
#include "core/x509_ext.h"
#include "openssl/base.h"

namespace certkit {
namespace internal {

// What a CA contributes to every certificate it signs, encoded once.
struct IssuerEncoding {
  Bytes name;                 // the issuer's Name, as encoded in its certificate
  Bytes aki_extension;        // the authorityKeyIdentifier Extension (KeyIdExtensionDer)
  Bytes signature_algorithm;  // AlgorithmIdentifier for the issuer key's signatures
  absl::Time not_after;       // the issuer certificate's notAfter
};

// KeyIdExtensionDer encodes a non-critical subjectKeyIdentifier (|authority|
// false) or authorityKeyIdentifier with only a keyIdentifier (true) as the
// DER Extension, the bytes X509V3_EXT_i2d writes for them. Empty on failure.
Bytes KeyIdExtensionDer(bool authority, absl::Span<const uint8_t> id);

// SignatureAlgorithmDer returns the AlgorithmIdentifier certkit signs with for
// |key| (DefaultDigest: ecdsa-with-SHA256/384/512, sha256WithRSAEncryption
// with NULL parameters, Ed25519). kUnsupported for other key types.
absl::StatusOr<Bytes> SignatureAlgorithmDer(const PrivateKey& key);

// NameDer encodes |name| as a DER Name (DistinguishedName::ToDer).
absl::StatusOr<Bytes> NameDer(const DistinguishedName& name);
// NameDer returns the encoding of |name| (which caches it once parsed).
absl::StatusOr<Bytes> NameDer(const X509_NAME* name);

// KeyIdOf returns the RFC 5280 4.2.1.2 method (1) key identifier: SHA-1 of
// the subjectPublicKey BIT STRING of the DER SPKI |spki|; empty when |spki|
// is not a SubjectPublicKeyInfo.
Bytes KeyIdOf(absl::Span<const uint8_t> spki);


// The per-certificate fields.
struct TbsFields {
  absl::Span<const uint8_t> serial;   // big-endian magnitude, positive
  absl::Time not_before, not_after;   // whole seconds
  absl::Span<const uint8_t> subject;  // DER Name
  absl::Span<const uint8_t> spki;     // DER SubjectPublicKeyInfo
  const std::vector<Bytes>* extensions = nullptr;  // DER Extensions, in order
};

// SignCertificate encodes the TBSCertificate of |fields| issued by |issuer|,
// signs it with |key| and returns the DER Certificate. kInvalidArgument for
// times that cannot be encoded, kInternal when signing fails.
absl::StatusOr<Bytes> SignCertificate(const TbsFields& fields, const IssuerEncoding& issuer,
                                      const PrivateKey& key);

}  // namespace internal
}  // namespace certkit

#endif  // CERTKIT_LIB_CORE_CERT_BUILDER_H_
