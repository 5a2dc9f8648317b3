#include "crypto/symmetric.h"

#include "absl/strings/str_cat.h"
#include "certkit/error.h"
#include "openssl/cipher.h"
#include "openssl/err.h"
#include "openssl/nid.h"
#include "openssl/rand.h"

namespace certkit {
namespace crypto {
namespace {

absl::StatusOr<std::vector<uint8_t>> Crypt(const CipherSpec& spec, absl::Span<const uint8_t> key,
                                           absl::Span<const uint8_t> iv,
                                           absl::Span<const uint8_t> input, bool encrypt) {
  if (spec.cipher == nullptr || key.size() != spec.KeyLength() || iv.size() != spec.IvLength()) {
    return MakeError(ErrorKind::kInternal, "cipher key or IV has the wrong length");
  }
  const size_t block = EVP_CIPHER_block_size(spec.cipher);
  if (!encrypt && block > 1 && (input.empty() || input.size() % block != 0)) {
    return MakeError(ErrorKind::kMalformed,
                     absl::StrCat("encrypted data of ", input.size(),
                                  " bytes is not a positive multiple of the cipher block size ",
                                  block));
  }
  bssl::ScopedEVP_CIPHER_CTX ctx;
  bool ok = EVP_CipherInit_ex(ctx.get(), spec.cipher, nullptr, nullptr, nullptr, encrypt) != 0;
  if (ok && key.size() != EVP_CIPHER_key_length(spec.cipher)) {
    ok = EVP_CIPHER_CTX_set_key_length(ctx.get(), static_cast<unsigned>(key.size())) != 0;
  }
  if (ok && EVP_CIPHER_nid(spec.cipher) == NID_rc2_cbc) {
    // RC2 has an "effective key bits" parameter besides the key length;
    // PKCS#12 uses effective bits equal to the key length.
    ok = EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_SET_RC2_KEY_BITS,
                             static_cast<int>(key.size() * 8), nullptr) != 0;
  }
  ok = ok && EVP_CipherInit_ex(ctx.get(), nullptr, nullptr, key.data(),
                               iv.empty() ? nullptr : iv.data(), encrypt) != 0;
  if (!ok) {
    ERR_clear_error();
    return MakeError(ErrorKind::kInternal, "cannot initialise cipher");
  }
  std::vector<uint8_t> out(input.size() + block);
  int len1 = 0, len2 = 0;
  if (!EVP_CipherUpdate(ctx.get(), out.data(), &len1, input.data(), static_cast<int>(input.size()))) {
    ERR_clear_error();
    return MakeError(ErrorKind::kInternal, "cipher update failed");
  }
  if (!EVP_CipherFinal_ex(ctx.get(), out.data() + len1, &len2)) {
    ERR_clear_error();
    if (!encrypt) {
      return MakeError(ErrorKind::kBadPassword,
                       "decryption failed (bad padding): wrong password or corrupted data");
    }
    return MakeError(ErrorKind::kInternal, "cipher finalisation failed");
  }
  out.resize(static_cast<size_t>(len1) + static_cast<size_t>(len2));
  return out;
}

}  // namespace

size_t CipherSpec::KeyLength() const {
  return key_len != 0 ? key_len : EVP_CIPHER_key_length(cipher);
}

size_t CipherSpec::IvLength() const { return EVP_CIPHER_iv_length(cipher); }

absl::StatusOr<std::vector<uint8_t>> Decrypt(const CipherSpec& spec,
                                             absl::Span<const uint8_t> key,
                                             absl::Span<const uint8_t> iv,
                                             absl::Span<const uint8_t> ciphertext) {
  return Crypt(spec, key, iv, ciphertext, /*encrypt=*/false);
}

absl::StatusOr<std::vector<uint8_t>> Encrypt(const CipherSpec& spec,
                                             absl::Span<const uint8_t> key,
                                             absl::Span<const uint8_t> iv,
                                             absl::Span<const uint8_t> plaintext) {
  return Crypt(spec, key, iv, plaintext, /*encrypt=*/true);
}

std::vector<uint8_t> RandomBytes(size_t len) {
  std::vector<uint8_t> out(len);
  RAND_bytes(out.data(), out.size());
  return out;
}

}  // namespace crypto
}  // namespace certkit
