// lib/keystore/jks_key_protector.h (internal): the Sun JKS key protector
// (sun.security.provider.KeyProtector, OID 1.3.6.1.4.1.42.2.17.1.1).
//
// Encryption: salt = 20 random bytes; keystream blocks d_1 = SHA-1(pw ||
// salt), d_i = SHA-1(pw || d_{i-1}); ciphertext = key XOR keystream; check =
// SHA-1(pw || key). Protected blob = salt || ciphertext || check, wrapped in
// an EncryptedPrivateKeyInfo. |pw| is the password as UTF-16BE.
#ifndef CERTKIT_LIB_KEYSTORE_JKS_KEY_PROTECTOR_H_
#define CERTKIT_LIB_KEYSTORE_JKS_KEY_PROTECTOR_H_

#include <cstdint>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"

namespace certkit {
namespace keystore {

inline constexpr char kSunKeyProtectorOid[] = "1.3.6.1.4.1.42.2.17.1.1";

// SunProtectKey encrypts a DER PrivateKeyInfo and returns the
// EncryptedPrivateKeyInfo DER. kInvalidArgument for a non-UTF-8 password.
absl::StatusOr<std::vector<uint8_t>> SunProtectKey(absl::Span<const uint8_t> pkcs8,
                                                   absl::string_view password);

// SunRecoverKey decrypts an EncryptedPrivateKeyInfo made by SunProtectKey and
// returns the PrivateKeyInfo DER. kBadKeyPassword when the check digest does
// not match, kUnsupported for another algorithm OID, kMalformed otherwise.
absl::StatusOr<std::vector<uint8_t>> SunRecoverKey(absl::Span<const uint8_t> epki,
                                                   absl::string_view password);

}  // namespace keystore
}  // namespace certkit

#endif  // CERTKIT_LIB_KEYSTORE_JKS_KEY_PROTECTOR_H_
