#include "keystore/jceks.h"

#include <string.h>

#include "absl/strings/str_cat.h"
#include "certkit/error.h"
#include "keystore/encrypted_key_info.h"
#include "openssl/bytestring.h"
#include "openssl/cipher.h"
#include "openssl/crypto.h"
#include "openssl/md5.h"

namespace certkit {
namespace keystore {

absl::StatusOr<std::vector<uint8_t>> JceksRecoverKey(absl::Span<const uint8_t> epki,
                                                     absl::string_view password,
                                                     const crypto::PbeLimits& limits) {
  auto info = ParseEncryptedKeyInfo(epki);
  if (!info.ok()) return info.status();
  if (info->oid != kJceksKeyProtectorOid) {
    return MakeError(ErrorKind::kUnsupported,
                     absl::StrCat("JCEKS key protected with unsupported algorithm ", info->oid));
  }
  CBS params, seq, salt;
  uint64_t iterations = 0;
  CBS_init(&params, info->parameters.data(), info->parameters.size());
  if (!CBS_get_asn1(&params, &seq, CBS_ASN1_SEQUENCE) ||
      !CBS_get_asn1(&seq, &salt, CBS_ASN1_OCTETSTRING) || CBS_len(&salt) != 8 ||
      !CBS_get_asn1_uint64(&seq, &iterations) || CBS_len(&seq) != 0 || iterations == 0) {
    return MakeError(ErrorKind::kMalformed, "JCEKS PBEWithMD5AndTripleDES parameters are damaged");
  }
  if (iterations > static_cast<uint64_t>(limits.max_iterations)) {
    return MakeError(ErrorKind::kLimitExceeded,
                     absl::StrCat("JCEKS key iteration count ", iterations, " exceeds the limit ",
                                  limits.max_iterations));
  }
  if (info->ciphertext.empty() || info->ciphertext.size() % 8 != 0) {
    return MakeError(ErrorKind::kMalformed, "JCEKS encrypted key length is not a multiple of 8");
  }
  for (char c : password) {
    if (static_cast<unsigned char>(c) >= 0x80) {
      return MakeError(ErrorKind::kBadKeyPassword, "JCEKS key passwords must be ASCII");
    }
  }
  uint8_t s[8];
  CBS_copy_bytes(&salt, s, 8);
  if (CRYPTO_memcmp(s, s + 4, 4) == 0) {
    for (int i = 0; i < 2; ++i) {
      uint8_t t = s[i];
      s[i] = s[3 - i];
      s[3 - i] = t;
    }
  }
  // Two MD5 chains of |iterations| rounds each.
  if (absl::Status st = crypto::ChargeKdf(limits, 2 * static_cast<int64_t>(iterations)); !st.ok()) {
    return st;
  }
  uint8_t derived[32];
  for (int half = 0; half < 2; ++half) {
    uint8_t h[MD5_DIGEST_LENGTH];
    size_t h_len = 4;
    memcpy(h, s + 4 * half, 4);
    for (uint64_t i = 0; i < iterations; ++i) {
      MD5_CTX ctx;
      MD5_Init(&ctx);
      MD5_Update(&ctx, h, h_len);
      MD5_Update(&ctx, password.data(), password.size());
      MD5_Final(h, &ctx);
      h_len = MD5_DIGEST_LENGTH;
    }
    memcpy(derived + 16 * half, h, 16);
  }
  bssl::ScopedEVP_CIPHER_CTX ctx;
  std::vector<uint8_t> plain(info->ciphertext.size() + 8);
  int len1 = 0, len2 = 0;
  bool ok = EVP_DecryptInit_ex(ctx.get(), EVP_des_ede3_cbc(), nullptr, derived, derived + 24) &&
            EVP_DecryptUpdate(ctx.get(), plain.data(), &len1, info->ciphertext.data(),
                              static_cast<int>(info->ciphertext.size())) &&
            EVP_DecryptFinal_ex(ctx.get(), plain.data() + len1, &len2);
  OPENSSL_cleanse(derived, sizeof(derived));
  if (!ok) {
    OPENSSL_cleanse(plain.data(), plain.size());
    return MakeError(ErrorKind::kBadKeyPassword, "key password is wrong (JCEKS padding check failed)");
  }
  plain.resize(static_cast<size_t>(len1 + len2));
  if (!LooksLikePrivateKeyInfo(plain)) {
    OPENSSL_cleanse(plain.data(), plain.size());
    return MakeError(ErrorKind::kBadKeyPassword, "key password is wrong (JCEKS key does not decode)");
  }
  return plain;
}

}  // namespace keystore
}  // namespace certkit
