// The RFC 7292 appendix B key derivation and the BMPString password form
// (declared in crypto/pbe.h).
#include <algorithm>

#include "absl/strings/str_cat.h"
#include "certkit/error.h"
#include "crypto/pbe.h"
#include "crypto/sha256_kdf.h"
#include "openssl/digest.h"
#include "openssl/mem.h"
#include "openssl/sha.h"

namespace certkit {
namespace crypto {
namespace {

// Bounds that keep a hostile input from driving huge allocations.
constexpr size_t kMaxKdfOutput = 1024;
constexpr size_t kMaxKdfInput = 64 * 1024;

// KdfInput is the KDF's I = S || P, each repeated to a multiple of |v| bytes.
Bytes KdfInput(absl::Span<const uint8_t> salt, absl::Span<const uint8_t> password, size_t v) {
  auto fill = [v](absl::Span<const uint8_t> in) {
    Bytes out(in.empty() ? 0 : v * ((in.size() + v - 1) / v));
    for (size_t i = 0; i < out.size(); ++i) out[i] = in[i % in.size()];
    return out;
  };
  Bytes I = fill(salt);
  Bytes p = fill(password);
  I.insert(I.end(), p.begin(), p.end());
  OPENSSL_cleanse(p.data(), p.size());
  return I;
}

// Decodes one UTF-8 code point at |*pos|; false for invalid sequences
// (overlong forms, surrogates, values above U+10FFFF, truncation).
bool NextCodePoint(absl::string_view s, size_t* pos, uint32_t* out) {
  const uint8_t b0 = static_cast<uint8_t>(s[*pos]);
  size_t n;
  uint32_t cp, min;
  if (b0 < 0x80) {
    *out = b0;
    ++*pos;
    return true;
  } else if ((b0 & 0xe0) == 0xc0) {
    n = 1, cp = b0 & 0x1f, min = 0x80;
  } else if ((b0 & 0xf0) == 0xe0) {
    n = 2, cp = b0 & 0x0f, min = 0x800;
  } else if ((b0 & 0xf8) == 0xf0) {
    n = 3, cp = b0 & 0x07, min = 0x10000;
  } else {
    return false;
  }
  if (*pos + n >= s.size()) return false;
  for (size_t i = 1; i <= n; ++i) {
    const uint8_t b = static_cast<uint8_t>(s[*pos + i]);
    if ((b & 0xc0) != 0x80) return false;
    cp = (cp << 6) | (b & 0x3f);
  }
  if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return false;
  *pos += n + 1;
  *out = cp;
  return true;
}

void AppendUnit(Bytes* out, uint32_t unit) {
  out->push_back(static_cast<uint8_t>(unit >> 8));
  out->push_back(static_cast<uint8_t>(unit));
}

}  // namespace

absl::StatusOr<Bytes> Utf8ToBmpPassword(absl::string_view password) {
  Bytes out;
  out.reserve(password.size() * 2 + 2);
  size_t pos = 0;
  while (pos < password.size()) {
    uint32_t cp;
    if (!NextCodePoint(password, &pos, &cp)) {
      return MakeError(ErrorKind::kInvalidArgument, "password is not valid UTF-8");
    }
    if (cp >= 0x10000) {
      // Characters outside the BMP become a UTF-16 surrogate pair, as both
      // OpenSSL and the JDK do.
      cp -= 0x10000;
      AppendUnit(&out, 0xd800 | (cp >> 10));
      AppendUnit(&out, 0xdc00 | (cp & 0x3ff));
    } else {
      AppendUnit(&out, cp);
    }
  }
  AppendUnit(&out, 0);
  return out;
}

absl::Status Pkcs12KdfSha256First(absl::Span<const uint8_t> bmp_password,
                                  absl::Span<const uint8_t> salt, int id, uint8_t out[32]) {
  if (id < 1 || id > 3) {
    return MakeError(ErrorKind::kInvalidArgument,
                     absl::StrCat("PKCS#12 KDF: invalid parameters (id ", id, ")"));
  }
  if (salt.size() > kMaxKdfInput || bmp_password.size() > kMaxKdfInput) {
    return MakeError(ErrorKind::kLimitExceeded, "PKCS#12 KDF: input or output too long");
  }
  Bytes I = KdfInput(salt, bmp_password, SHA256_CBLOCK);
  const Bytes D(SHA256_CBLOCK, static_cast<uint8_t>(id));
  SHA256_CTX ctx;
  SHA256_Init(&ctx);
  SHA256_Update(&ctx, D.data(), D.size());
  SHA256_Update(&ctx, I.data(), I.size());
  SHA256_Final(out, &ctx);
  OPENSSL_cleanse(I.data(), I.size());
  OPENSSL_cleanse(&ctx, sizeof(ctx));
  return absl::OkStatus();
}

absl::StatusOr<Bytes> Pkcs12Kdf(const EVP_MD* md, absl::Span<const uint8_t> bmp_password,
                                absl::Span<const uint8_t> salt, int id, int iterations,
                                size_t out_len) {
  if (md == nullptr || id < 1 || id > 3 || iterations < 1) {
    return MakeError(ErrorKind::kInvalidArgument,
                     absl::StrCat("PKCS#12 KDF: invalid parameters (id ", id, ", iterations ",
                                  iterations, ")"));
  }
  if (out_len > kMaxKdfOutput || salt.size() > kMaxKdfInput ||
      bmp_password.size() > kMaxKdfInput) {
    return MakeError(ErrorKind::kLimitExceeded, "PKCS#12 KDF: input or output too long");
  }
  const size_t u = EVP_MD_size(md);
  const size_t v = EVP_MD_block_size(md);
  Bytes I = KdfInput(salt, bmp_password, v);
  const Bytes D(v, static_cast<uint8_t>(id));

  Bytes out;
  out.reserve(out_len + u);
  Bytes A(u), B(v);
  bssl::ScopedEVP_MD_CTX ctx;
  while (out.size() < out_len) {
    unsigned len = 0;
    if (!EVP_DigestInit_ex(ctx.get(), md, nullptr) ||
        !EVP_DigestUpdate(ctx.get(), D.data(), D.size()) ||
        !EVP_DigestUpdate(ctx.get(), I.data(), I.size()) ||
        !EVP_DigestFinal_ex(ctx.get(), A.data(), &len)) {
      return MakeError(ErrorKind::kInternal, "PKCS#12 KDF: digest failed");
    }
    if (md == EVP_sha256()) {
      Sha256Iterate(A.data(), static_cast<uint32_t>(iterations - 1));
    } else {
      for (int r = 1; r < iterations; ++r) {
        if (!EVP_Digest(A.data(), A.size(), A.data(), &len, md, nullptr)) {
          return MakeError(ErrorKind::kInternal, "PKCS#12 KDF: digest failed");
        }
      }
    }
    const size_t take = std::min(u, out_len - out.size());
    out.insert(out.end(), A.begin(), A.begin() + take);
    if (out.size() >= out_len) break;
    // B = A repeated to v bytes; every v-byte block I_j = (I_j + B + 1) mod 2^(8v).
    for (size_t i = 0; i < v; ++i) B[i] = A[i % u];
    for (size_t j = 0; j < I.size(); j += v) {
      unsigned carry = 1;
      for (size_t k = v; k-- > 0;) {
        carry += static_cast<unsigned>(I[j + k]) + B[k];
        I[j + k] = static_cast<uint8_t>(carry);
        carry >>= 8;
      }
    }
  }
  OPENSSL_cleanse(I.data(), I.size());
  OPENSSL_cleanse(A.data(), A.size());
  return out;
}

}  // namespace crypto
}  // namespace certkit
