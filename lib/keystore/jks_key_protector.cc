#include "keystore/jks_key_protector.h"

#include <string.h>

#include "absl/strings/str_cat.h"
#include "certkit/error.h"
#include "keystore/encrypted_key_info.h"
#include "keystore/java_strings.h"
#include "openssl/bytestring.h"
#include "openssl/crypto.h"
#include "openssl/mem.h"
#include "openssl/rand.h"
#include "openssl/sha.h"

namespace certkit {
namespace keystore {
namespace {

constexpr uint8_t kDerNull[] = {0x05, 0x00};

constexpr size_t kSaltLen = 20;
constexpr size_t kDigestLen = SHA_DIGEST_LENGTH;

void Sha1Of(const std::vector<uint8_t>& pw, const uint8_t* data, size_t len,
            uint8_t out[kDigestLen]) {
  SHA_CTX ctx;
  SHA1_Init(&ctx);
  SHA1_Update(&ctx, pw.data(), pw.size());
  SHA1_Update(&ctx, data, len);
  SHA1_Final(out, &ctx);
}

// XorKeystream applies the keystream seeded by |salt| to |data| in place.
void XorKeystream(const std::vector<uint8_t>& pw, const uint8_t* salt, uint8_t* data,
                  size_t len) {
  uint8_t digest[kDigestLen];
  Sha1Of(pw, salt, kSaltLen, digest);
  for (size_t off = 0; off < len; off += kDigestLen) {
    if (off > 0) {
      uint8_t prev[kDigestLen];
      memcpy(prev, digest, kDigestLen);
      Sha1Of(pw, prev, kDigestLen, digest);
    }
    for (size_t i = 0; i < kDigestLen && off + i < len; ++i) data[off + i] ^= digest[i];
  }
  OPENSSL_cleanse(digest, sizeof(digest));
}

absl::StatusOr<std::vector<uint8_t>> PasswordBytes(absl::string_view password) {
  auto utf16 = Utf8ToUtf16(password, "key password");
  if (!utf16.ok()) return utf16.status();
  return Utf16Be(*utf16);
}

// The AlgorithmIdentifier { 1.3.6.1.4.1.42.2.17.1.1, NULL } as the JDK writes it.
std::vector<uint8_t> AlgorithmDer() {
  bssl::ScopedCBB cbb;
  CBB seq;
  uint8_t* out = nullptr;
  size_t len = 0;
  if (!CBB_init(cbb.get(), 32) || !CBB_add_asn1(cbb.get(), &seq, CBS_ASN1_SEQUENCE) ||
      !AddOid(&seq, kSunKeyProtectorOid) ||
      !CBB_add_bytes(&seq, kDerNull, sizeof(kDerNull)) || !CBB_finish(cbb.get(), &out, &len)) {
    return {};
  }
  std::vector<uint8_t> der(out, out + len);
  OPENSSL_free(out);
  return der;
}

}  // namespace

absl::StatusOr<std::vector<uint8_t>> SunProtectKey(absl::Span<const uint8_t> pkcs8,
                                                   absl::string_view password) {
  auto pw = PasswordBytes(password);
  if (!pw.ok()) return pw.status();
  std::vector<uint8_t> blob(kSaltLen + pkcs8.size() + kDigestLen);
  RAND_bytes(blob.data(), kSaltLen);
  memcpy(blob.data() + kSaltLen, pkcs8.data(), pkcs8.size());
  XorKeystream(*pw, blob.data(), blob.data() + kSaltLen, pkcs8.size());
  Sha1Of(*pw, pkcs8.data(), pkcs8.size(), blob.data() + kSaltLen + pkcs8.size());
  OPENSSL_cleanse(pw->data(), pw->size());
  return BuildEncryptedKeyInfo(AlgorithmDer(), blob);
}

absl::StatusOr<std::vector<uint8_t>> SunRecoverKey(absl::Span<const uint8_t> epki,
                                                   absl::string_view password) {
  auto info = ParseEncryptedKeyInfo(epki);
  if (!info.ok()) return info.status();
  if (info->oid != kSunKeyProtectorOid) {
    return MakeError(ErrorKind::kUnsupported,
                     absl::StrCat("JKS key protected with unsupported algorithm ", info->oid));
  }
  const std::vector<uint8_t>& blob = info->ciphertext;
  if (blob.size() < kSaltLen + kDigestLen) {
    return MakeError(ErrorKind::kMalformed, "JKS protected key is too short");
  }
  auto pw = PasswordBytes(password);
  if (!pw.ok()) return pw.status();
  size_t key_len = blob.size() - kSaltLen - kDigestLen;
  std::vector<uint8_t> key(blob.begin() + kSaltLen, blob.begin() + kSaltLen + key_len);
  XorKeystream(*pw, blob.data(), key.data(), key.size());
  uint8_t check[kDigestLen];
  Sha1Of(*pw, key.data(), key.size(), check);
  OPENSSL_cleanse(pw->data(), pw->size());
  if (CRYPTO_memcmp(check, blob.data() + kSaltLen + key_len, kDigestLen) != 0) {
    OPENSSL_cleanse(key.data(), key.size());
    return MakeError(ErrorKind::kBadKeyPassword,
                     "key password is wrong (JKS key protector check digest mismatch)");
  }
  return key;
}

}  // namespace keystore
}  // namespace certkit
