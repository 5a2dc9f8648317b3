// lib/keystore/pkcs12.h (internal): our PKCS#12 (RFC 7292) encoder and
// decoder, built on CBS/CBB and lib/crypto/pbe.h.
//
// Written like the JDK 17 default: one encryptedData ContentInfo with the
// certificate bags and one data ContentInfo with pkcs8ShroudedKeyBags, both
// under PBES2 (PBKDF2-HMAC-SHA256, AES-256-CBC), and an HMAC-SHA256 MAC keyed
// with the RFC 7292 appendix B KDF. Keys and their leaf certificates carry
// friendlyName (the alias) and localKeyId ("Time <ms>", which the JDK reads
// back as the creation date); trusted certificate entries carry the Oracle
// trusted-key-usage attribute (2.16.840.1.113894.746875.1.1 =
// anyExtendedKeyUsage), without which Java ignores them. That is the
// "modern" profile; SaveOptions.pkcs12_profile picks another row of the
// table in pkcs12_profiles.cc: "modern2026" replaces the MAC by PBMAC1 (RFC
// 9579: HMAC-SHA256 keyed by PBKDF2-HMAC-SHA256 over the UTF-8 password,
// MacData's macSalt/iterations repeating the PBKDF2 ones), "legacy" writes
// PBEWithSHA1AndDESede keys, RC2-40 certificates and a SHA-1 MAC, and
// "passwordless-truststore" certificates only, in a data ContentInfo, with
// no MAC (a store with a key is kInvalidArgument).
// With SaveOptions.pkcs12_encrypt_certs off the certificate bags go into a
// plain data ContentInfo (OpenSSL's -certpbe NONE; keytool reads it), which
// saves one key derivation; keys stay encrypted and the MAC covers all.
// Every encryption and the MAC draw their own random salt: no derivation is
// shared within a store or between stores.
//
// Reading accepts BER, data/encryptedData contents, keyBag,
// pkcs8ShroudedKeyBag, certBag and nested safeContentsBag, any number of
// keys, MACs over SHA-1/224/256/384/512 and PBMAC1 (parameters bounded
// before any derivation, see crypto::ParsePbmac1Params). Certificates that are neither in a
// key's chain nor marked trusted (OpenSSL -nokeys output) are not trust
// anchors and are dropped, as the JDK does.
#ifndef CERTKIT_LIB_KEYSTORE_PKCS12_H_
#define CERTKIT_LIB_KEYSTORE_PKCS12_H_

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "certkit/keystore.h"
#include "crypto/pbe.h"

namespace certkit {
namespace keystore {

// Pkcs12Prefix reports whether |data| starts like a PFX: a SEQUENCE header
// (definite or BER indefinite length) followed by INTEGER 3, without
// needing the rest. |declared_len| (optional) receives the total length the
// header announces, or 0 for an indefinite length.
bool Pkcs12Prefix(absl::Span<const uint8_t> data, size_t* declared_len);

// LoadPkcs12 parses a PFX. A file shorter than its header announces is
// kMalformed "truncated PKCS#12". The MAC is checked before anything is decrypted;
// a file without MAC loads when it holds certificates only and |password|
// is empty, or with options.allow_missing_mac (else kIntegrity).
absl::StatusOr<KeyStore> LoadPkcs12(absl::Span<const uint8_t> data, absl::string_view password,
                                    const LoadOptions& options,
                                    const crypto::PbeLimits& limits);

// SavePkcs12 writes |store| (no locked entries) as described above.
absl::StatusOr<Bytes> SavePkcs12(const KeyStore& store, absl::string_view password,
                                 const SaveOptions& options);

}  // namespace keystore
}  // namespace certkit

#endif  // CERTKIT_LIB_KEYSTORE_PKCS12_H_
