// lib/crypto/symmetric.h (internal): one-shot symmetric encryption with the
// error mapping the password-based schemes share (a padding failure means a
// wrong password).
#ifndef CERTKIT_LIB_CRYPTO_SYMMETRIC_H_
#define CERTKIT_LIB_CRYPTO_SYMMETRIC_H_

#include <cstdint>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "openssl/base.h"

namespace certkit {
namespace crypto {

// CipherSpec names a BoringSSL cipher with an optional key length override
// (RC2/RC4 with 40-bit keys). |key_len| 0 means the cipher's default.
struct CipherSpec {
  const EVP_CIPHER* cipher = nullptr;
  size_t key_len = 0;
  // KeyLength returns key_len or the cipher's default key length.
  size_t KeyLength() const;
  size_t IvLength() const;
};

// Decrypt decrypts |ciphertext| with |key| and |iv| (sizes must match
// |spec|). For block ciphers the PKCS#7 padding is checked and removed: a bad
// padding fails with kBadPassword, a length that is not a positive multiple
// of the block size with kMalformed. Stream ciphers (RC4) cannot detect a
// wrong key.
absl::StatusOr<std::vector<uint8_t>> Decrypt(const CipherSpec& spec,
                                             absl::Span<const uint8_t> key,
                                             absl::Span<const uint8_t> iv,
                                             absl::Span<const uint8_t> ciphertext);

// Encrypt encrypts |plaintext| (with PKCS#7 padding for block ciphers).
absl::StatusOr<std::vector<uint8_t>> Encrypt(const CipherSpec& spec,
                                             absl::Span<const uint8_t> key,
                                             absl::Span<const uint8_t> iv,
                                             absl::Span<const uint8_t> plaintext);

// RandomBytes returns |len| bytes from the system CSPRNG.
std::vector<uint8_t> RandomBytes(size_t len);

}  // namespace crypto
}  // namespace certkit

#endif  // CERTKIT_LIB_CRYPTO_SYMMETRIC_H_
