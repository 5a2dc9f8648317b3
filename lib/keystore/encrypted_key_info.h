// lib/keystore/encrypted_key_info.h (internal): the PKCS#8
// EncryptedPrivateKeyInfo wrapper shared by the JKS, JCEKS and PKCS#12
// codecs.
#ifndef CERTKIT_LIB_KEYSTORE_ENCRYPTED_KEY_INFO_H_
#define CERTKIT_LIB_KEYSTORE_ENCRYPTED_KEY_INFO_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "openssl/base.h"
#include "util/der.h"

namespace certkit {
namespace keystore {

struct EncryptedKeyInfo {
  std::string oid;                   // dotted algorithm OID
  std::vector<uint8_t> algorithm;    // the whole AlgorithmIdentifier DER
  std::vector<uint8_t> parameters;   // parameters element DER (empty if absent)
  std::vector<uint8_t> ciphertext;   // encryptedData contents
};

// ParseEncryptedKeyInfo parses DER EncryptedPrivateKeyInfo (kMalformed).
absl::StatusOr<EncryptedKeyInfo> ParseEncryptedKeyInfo(absl::Span<const uint8_t> der);

// BuildEncryptedKeyInfo serializes SEQUENCE { |algorithm|, OCTET STRING
// |ciphertext| }; |algorithm| is a complete AlgorithmIdentifier DER.
std::vector<uint8_t> BuildEncryptedKeyInfo(absl::Span<const uint8_t> algorithm,
                                           absl::Span<const uint8_t> ciphertext);

// DeclaredKeyKdfWork returns the key-derivation iterations the
// EncryptedPrivateKeyInfo |der| declares (crypto::DeclaredKdfWork of its
// algorithm); 0 when |der| does not parse (decrypting it reports why).
int64_t DeclaredKeyKdfWork(absl::Span<const uint8_t> der);

// LooksLikePrivateKeyInfo reports whether |der| is a DER SEQUENCE that
// starts with INTEGER version and an AlgorithmIdentifier (a cheap plausibility
// check for decrypted key material).
bool LooksLikePrivateKeyInfo(absl::Span<const uint8_t> der);

}  // namespace keystore
}  // namespace certkit

#endif  // CERTKIT_LIB_KEYSTORE_ENCRYPTED_KEY_INFO_H_
