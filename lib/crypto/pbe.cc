// Password-based encryption: PBES2, PBES1 and the PKCS#12 PBE schemes.
#include "crypto/pbe.h"

#include <algorithm>
#include <cstring>
#include <limits>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "certkit/error.h"
#include "crypto/sha256_kdf.h"
#include "crypto/symmetric.h"
#include "util/der.h"
#include "openssl/cipher.h"
#include "openssl/digest.h"
#include "openssl/err.h"
#include "openssl/evp.h"
#include "openssl/hmac.h"
#include "openssl/mem.h"

namespace certkit {
namespace crypto {
namespace {

// Scheme OIDs (dotted form, compared after CBS_asn1_oid_to_text).
constexpr char kOidPbes2[] = "1.2.840.113549.1.5.13";
constexpr char kOidPbkdf2[] = "1.2.840.113549.1.5.12";
constexpr char kOidPbeMd5Des[] = "1.2.840.113549.1.5.3";
constexpr char kOidPbeSha1Des[] = "1.2.840.113549.1.5.10";
constexpr char kOidPkcs12Prefix[] = "1.2.840.113549.1.12.1.";

// Salts and key-length fields beyond these are not plausible in any real file.
constexpr size_t kMaxSaltLen = 1024;

// PRF table: OID, digest, and the enum used for encryption.
struct PrfInfo {
  Prf prf;
  const char* oid;
  const EVP_MD* (*md)();
};
const PrfInfo kPrfs[] = {
    {Prf::kHmacSha1, "1.2.840.113549.2.7", EVP_sha1},
    {Prf::kHmacSha224, "1.2.840.113549.2.8", EVP_sha224},
    {Prf::kHmacSha256, "1.2.840.113549.2.9", EVP_sha256},
    {Prf::kHmacSha384, "1.2.840.113549.2.10", EVP_sha384},
    {Prf::kHmacSha512, "1.2.840.113549.2.11", EVP_sha512},
};

// PBES2 encryption schemes. DES-CBC is accepted for decryption only.
struct Pbes2CipherInfo {
  const char* oid;
  const EVP_CIPHER* (*cipher)();
  const char* name;
};
const Pbes2CipherInfo kPbes2Ciphers[] = {
    {"2.16.840.1.101.3.4.1.2", EVP_aes_128_cbc, "AES-128-CBC"},
    {"2.16.840.1.101.3.4.1.22", EVP_aes_192_cbc, "AES-192-CBC"},
    {"2.16.840.1.101.3.4.1.42", EVP_aes_256_cbc, "AES-256-CBC"},
    {"1.2.840.113549.3.7", EVP_des_ede3_cbc, "DES-EDE3-CBC"},
    {"1.3.14.3.2.7", EVP_des_cbc, "DES-CBC"},
};

const Pbes2CipherInfo& Pbes2CipherFor(Pbes2Cipher c) {
  switch (c) {
    case Pbes2Cipher::kAes128Cbc:
      return kPbes2Ciphers[0];
    case Pbes2Cipher::kAes192Cbc:
      return kPbes2Ciphers[1];
    case Pbes2Cipher::kAes256Cbc:
      return kPbes2Ciphers[2];
    case Pbes2Cipher::kDesEde3Cbc:
      break;
  }
  return kPbes2Ciphers[3];
}

// PKCS#12 PBE schemes, 1.2.840.113549.1.12.1.<n>.
struct Pkcs12SchemeInfo {
  int n;
  const EVP_CIPHER* (*cipher)();
  size_t key_len;
  const char* name;
};
const Pkcs12SchemeInfo kPkcs12Schemes[] = {
    {1, EVP_rc4, 16, "pbeWithSHAAnd128BitRC4"},
    {2, EVP_rc4, 5, "pbeWithSHAAnd40BitRC4"},
    {3, EVP_des_ede3_cbc, 24, "pbeWithSHAAnd3-KeyTripleDES-CBC"},
    {4, EVP_des_ede_cbc, 16, "pbeWithSHAAnd2-KeyTripleDES-CBC"},
    {5, EVP_rc2_cbc, 16, "pbeWithSHAAnd128BitRC2-CBC"},
    {6, EVP_rc2_cbc, 5, "pbeWithSHAAnd40BitRC2-CBC"},
};

absl::Status Malformed(absl::string_view what) {
  return MakeError(ErrorKind::kMalformed, absl::StrCat("password-based encryption: ", what));
}

// ReadOid reads an OBJECT IDENTIFIER and returns its dotted form.
bool ReadOid(CBS* cbs, std::string* dotted) {
  CBS oid;
  if (!CBS_get_asn1(cbs, &oid, CBS_ASN1_OBJECT)) return false;
  *dotted = OidToText(oid);
  if (dotted->empty()) return false;
  return true;
}

// ReadAlgorithm reads an AlgorithmIdentifier: its OID and the remaining
// contents (the parameters, possibly empty).
bool ReadAlgorithm(CBS* cbs, std::string* oid, CBS* params) {
  return CBS_get_asn1(cbs, params, CBS_ASN1_SEQUENCE) && ReadOid(params, oid);
}

// ReadIterations reads a positive INTEGER iteration count and checks it
// against |limits| before any derivation work happens.
absl::StatusOr<int> ReadIterations(CBS* cbs, const PbeLimits& limits) {
  CBS integer;
  int negative = 0;
  if (!CBS_get_asn1(cbs, &integer, CBS_ASN1_INTEGER) ||
      !CBS_is_valid_asn1_integer(&integer, &negative)) {
    return Malformed("iteration count is missing or not an INTEGER");
  }
  // Strip a leading zero byte; more than 4 significant bytes cannot fit.
  if (CBS_len(&integer) > 1 && CBS_data(&integer)[0] == 0) CBS_skip(&integer, 1);
  if (negative) return Malformed("iteration count is negative");
  if (CBS_len(&integer) > 4) {
    return MakeError(ErrorKind::kLimitExceeded,
                     absl::StrCat("password-based encryption: iteration count exceeds the limit ",
                                  limits.max_iterations));
  }
  uint64_t value = 0;
  for (size_t i = 0; i < CBS_len(&integer); ++i) value = (value << 8) | CBS_data(&integer)[i];
  if (value < 1) return Malformed("iteration count is zero");
  if (value > static_cast<uint64_t>(limits.max_iterations)) {
    return MakeError(ErrorKind::kLimitExceeded,
                     absl::StrCat("password-based encryption: iteration count ", value,
                                  " exceeds the limit ", limits.max_iterations));
  }
  return static_cast<int>(value);
}

bool ReadSalt(CBS* cbs, CBS* salt) {
  return CBS_get_asn1(cbs, salt, CBS_ASN1_OCTETSTRING) && CBS_len(salt) <= kMaxSaltLen;
}

absl::Span<const uint8_t> SpanOf(const CBS& cbs) {
  return absl::Span<const uint8_t>(CBS_data(&cbs), CBS_len(&cbs));
}


absl::StatusOr<Bytes> Pbkdf2(absl::string_view password, absl::Span<const uint8_t> salt,
                             int iterations, const EVP_MD* md, size_t key_len) {
  Bytes key(key_len);
  if (md == EVP_sha256()) {
    // The common case (JDK 17+ and OpenSSL 3 defaults): the block-function
    // version, the same result at the SHA-256 floor.
    Pbkdf2HmacSha256(absl::MakeConstSpan(reinterpret_cast<const uint8_t*>(password.data()),
                                         password.size()),
                     salt, static_cast<uint32_t>(iterations), absl::MakeSpan(key));
    return key;
  }
  if (!PKCS5_PBKDF2_HMAC(password.data(), password.size(), salt.data(), salt.size(),
                         static_cast<unsigned>(iterations), md, key.size(), key.data())) {
    ERR_clear_error();
    return MakeError(ErrorKind::kInternal, "PBKDF2 failed");
  }
  return key;
}

// DecryptPbes2 handles the parameters of 1.2.840.113549.1.5.13:
//   PBES2-params ::= SEQUENCE { keyDerivationFunc AlgorithmIdentifier,
//                               encryptionScheme AlgorithmIdentifier }
absl::StatusOr<Bytes> DecryptPbes2(CBS params, absl::Span<const uint8_t> ciphertext,
                                   absl::string_view password, const PbeLimits& limits) {
  CBS seq, kdf_params, enc_params;
  std::string kdf_oid, enc_oid;
  if (!CBS_get_asn1(&params, &seq, CBS_ASN1_SEQUENCE) || CBS_len(&params) != 0 ||
      !ReadAlgorithm(&seq, &kdf_oid, &kdf_params) ||
      !ReadAlgorithm(&seq, &enc_oid, &enc_params) || CBS_len(&seq) != 0) {
    return Malformed("PBES2 parameters are not a valid SEQUENCE of two AlgorithmIdentifiers");
  }
  if (kdf_oid != kOidPbkdf2) {
    return MakeError(ErrorKind::kUnsupported,
                     absl::StrCat("PBES2 key derivation function ", kdf_oid,
                                  " is not supported (only PBKDF2)"));
  }
  // The encryption scheme first, so unsupported ciphers are reported before
  // any KDF work.
  const Pbes2CipherInfo* cipher = nullptr;
  for (const Pbes2CipherInfo& c : kPbes2Ciphers) {
    if (enc_oid == c.oid) cipher = &c;
  }
  if (cipher == nullptr) {
    return MakeError(ErrorKind::kUnsupported,
                     absl::StrCat("PBES2 encryption scheme ", enc_oid, " is not supported"));
  }
  const CipherSpec spec{cipher->cipher()};
  CBS iv;
  if (!CBS_get_asn1(&enc_params, &iv, CBS_ASN1_OCTETSTRING) || CBS_len(&enc_params) != 0 ||
      CBS_len(&iv) != spec.IvLength()) {
    return Malformed(absl::StrCat(cipher->name, " IV is missing or has the wrong length"));
  }

  //   PBKDF2-params ::= SEQUENCE { salt OCTET STRING, iterationCount INTEGER,
  //       keyLength INTEGER OPTIONAL, prf AlgorithmIdentifier DEFAULT hmacWithSHA1 }
  CBS pbkdf2, salt;
  if (!CBS_get_asn1(&kdf_params, &pbkdf2, CBS_ASN1_SEQUENCE) || CBS_len(&kdf_params) != 0) {
    return Malformed("PBKDF2 parameters are not a SEQUENCE");
  }
  if (!ReadSalt(&pbkdf2, &salt)) {
    return Malformed("PBKDF2 salt is missing, not an OCTET STRING or too long");
  }
  absl::StatusOr<int> iterations = ReadIterations(&pbkdf2, limits);
  if (!iterations.ok()) return iterations.status();
  if (CBS_peek_asn1_tag(&pbkdf2, CBS_ASN1_INTEGER)) {
    uint64_t key_len = 0;
    if (!CBS_get_asn1_uint64(&pbkdf2, &key_len) || key_len != spec.KeyLength()) {
      return Malformed(absl::StrCat("PBKDF2 key length does not match ", cipher->name));
    }
  }
  const EVP_MD* md = EVP_sha1();
  if (CBS_len(&pbkdf2) != 0) {
    std::string prf_oid;
    CBS prf_params;
    if (!ReadAlgorithm(&pbkdf2, &prf_oid, &prf_params) || CBS_len(&pbkdf2) != 0) {
      return Malformed("PBKDF2 PRF is not a valid AlgorithmIdentifier");
    }
    md = nullptr;
    for (const PrfInfo& p : kPrfs) {
      if (prf_oid == p.oid) md = p.md();
    }
    if (md == nullptr) {
      return MakeError(ErrorKind::kUnsupported,
                       absl::StrCat("PBKDF2 PRF ", prf_oid, " is not supported"));
    }
  }
  if (absl::Status st = ChargeKdf(limits, *iterations); !st.ok()) return st;
  absl::StatusOr<Bytes> key = Pbkdf2(password, SpanOf(salt), *iterations, md, spec.KeyLength());
  if (!key.ok()) return key.status();
  absl::StatusOr<Bytes> plain = Decrypt(spec, *key, SpanOf(iv), ciphertext);
  OPENSSL_cleanse(key->data(), key->size());
  return plain;
}

// DecryptPbes1 handles pbeWithMD5AndDES-CBC and pbeWithSHA1AndDES-CBC (PBKDF1):
//   PBEParameter ::= SEQUENCE { salt OCTET STRING (SIZE(8)), iterationCount INTEGER }
absl::StatusOr<Bytes> DecryptPbes1(const EVP_MD* md, CBS params,
                                   absl::Span<const uint8_t> ciphertext,
                                   absl::string_view password, const PbeLimits& limits) {
  CBS seq, salt;
  if (!CBS_get_asn1(&params, &seq, CBS_ASN1_SEQUENCE) || CBS_len(&params) != 0 ||
      !CBS_get_asn1(&seq, &salt, CBS_ASN1_OCTETSTRING) || CBS_len(&salt) != 8) {
    return Malformed("PBES1 parameters need an 8-byte salt");
  }
  absl::StatusOr<int> iterations = ReadIterations(&seq, limits);
  if (!iterations.ok()) return iterations.status();
  if (CBS_len(&seq) != 0) return Malformed("PBES1 parameters have trailing data");
  if (absl::Status st = ChargeKdf(limits, *iterations); !st.ok()) return st;

  // T_1 = Hash(P || S), T_i = Hash(T_{i-1}); DES key = T_c[0..8), IV = T_c[8..16).
  uint8_t t[EVP_MAX_MD_SIZE];
  unsigned len = 0;
  bssl::ScopedEVP_MD_CTX ctx;
  if (!EVP_DigestInit_ex(ctx.get(), md, nullptr) ||
      !EVP_DigestUpdate(ctx.get(), password.data(), password.size()) ||
      !EVP_DigestUpdate(ctx.get(), CBS_data(&salt), CBS_len(&salt)) ||
      !EVP_DigestFinal_ex(ctx.get(), t, &len)) {
    return MakeError(ErrorKind::kInternal, "PBKDF1 digest failed");
  }
  for (int i = 1; i < *iterations; ++i) {
    if (!EVP_Digest(t, len, t, &len, md, nullptr)) {
      return MakeError(ErrorKind::kInternal, "PBKDF1 digest failed");
    }
  }
  const CipherSpec spec{EVP_des_cbc()};
  absl::StatusOr<Bytes> plain = Decrypt(spec, absl::MakeConstSpan(t, 8),
                                        absl::MakeConstSpan(t + 8, 8), ciphertext);
  OPENSSL_cleanse(t, sizeof(t));
  return plain;
}

// Pkcs12KeyIv derives the key and IV of a PKCS#12 PBE scheme.
absl::Status Pkcs12KeyIv(const Pkcs12SchemeInfo& scheme, const CipherSpec& spec,
                         absl::Span<const uint8_t> bmp, absl::Span<const uint8_t> salt,
                         int iterations, Bytes* key, Bytes* iv) {
  absl::StatusOr<Bytes> k = Pkcs12Kdf(EVP_sha1(), bmp, salt, 1, iterations, scheme.key_len);
  if (!k.ok()) return k.status();
  *key = std::move(*k);
  iv->clear();
  if (spec.IvLength() > 0) {
    absl::StatusOr<Bytes> v = Pkcs12Kdf(EVP_sha1(), bmp, salt, 2, iterations, spec.IvLength());
    if (!v.ok()) return v.status();
    *iv = std::move(*v);
  }
  return absl::OkStatus();
}

// DecryptPkcs12 handles 1.2.840.113549.1.12.1.<n>:
//   pkcs-12PbeParams ::= SEQUENCE { salt OCTET STRING, iterations INTEGER }
absl::StatusOr<Bytes> DecryptPkcs12(const Pkcs12SchemeInfo& scheme, CBS params,
                                    absl::Span<const uint8_t> ciphertext,
                                    absl::string_view password, const PbeLimits& limits) {
  CBS seq, salt;
  if (!CBS_get_asn1(&params, &seq, CBS_ASN1_SEQUENCE) || CBS_len(&params) != 0 ||
      !ReadSalt(&seq, &salt)) {
    return Malformed(absl::StrCat(scheme.name, " parameters need a salt OCTET STRING"));
  }
  absl::StatusOr<int> iterations = ReadIterations(&seq, limits);
  if (!iterations.ok()) return iterations.status();
  if (CBS_len(&seq) != 0) {
    return Malformed(absl::StrCat(scheme.name, " parameters have trailing data"));
  }
  absl::StatusOr<Bytes> bmp = Utf8ToBmpPassword(password);
  if (!bmp.ok()) return bmp.status();
  const CipherSpec spec{scheme.cipher(), scheme.key_len};
  // An empty password is the two-byte terminator for OpenSSL and the JDK, but
  // some writers use no bytes at all: try both.
  std::vector<Bytes> candidates = {*bmp};
  if (password.empty()) candidates.push_back({});
  absl::StatusOr<Bytes> plain;
  for (const Bytes& candidate : candidates) {
    // The key and (for block ciphers) the IV are two derivations.
    const int derivations = spec.IvLength() > 0 ? 2 : 1;
    if (absl::Status st = ChargeKdf(limits, int64_t{*iterations} * derivations); !st.ok()) {
      return st;
    }
    Bytes key, iv;
    absl::Status st = Pkcs12KeyIv(scheme, spec, candidate, SpanOf(salt), *iterations, &key, &iv);
    if (!st.ok()) return st;
    plain = Decrypt(spec, key, iv, ciphertext);
    OPENSSL_cleanse(key.data(), key.size());
    if (plain.ok() || GetErrorKind(plain.status()) != ErrorKind::kBadPassword) break;
  }
  OPENSSL_cleanse(bmp->data(), bmp->size());
  return plain;
}

// WriteAlgorithm appends "SEQUENCE { OID |oid|, <params written by |body|> }".
template <typename Body>
bool WriteAlgorithm(CBB* out, const char* oid, Body body) {
  CBB seq;
  return CBB_add_asn1(out, &seq, CBS_ASN1_SEQUENCE) &&
         AddOid(&seq, oid) && body(&seq) && CBB_flush(out);
}

absl::StatusOr<Bytes> FinishParams(CBB* cbb) {
  Bytes out = FinishCbb(cbb);
  if (out.empty()) return MakeError(ErrorKind::kInternal, "cannot encode PBE parameters");
  return out;
}

bool AddOctetString(CBB* cbb, absl::Span<const uint8_t> bytes) {
  CBB os;
  return CBB_add_asn1(cbb, &os, CBS_ASN1_OCTETSTRING) &&
         CBB_add_bytes(&os, bytes.data(), bytes.size()) && CBB_flush(cbb);
}

}  // namespace

absl::Status KdfBudget::Charge(int64_t iterations) {
  if (iterations > left_) {
    left_ = 0;
    return MakeError(ErrorKind::kLimitExceeded,
                     absl::StrCat("key derivation work for this input exceeds the budget of ",
                                  total_, " iterations in total"));
  }
  left_ -= iterations;
  return absl::OkStatus();
}

absl::Status KdfBudget::CheckDeclared(int64_t declared, absl::string_view what) const {
  if (declared <= total_) return absl::OkStatus();
  return MakeError(ErrorKind::kLimitExceeded,
                   absl::StrCat(what, " declares ", declared,
                                " iterations of key derivation, more than the budget of ", total_,
                                " iterations in total; refused before deriving any key"));
}

absl::Status CheckDeclaredKdf(const PbeLimits& limits, int64_t declared, absl::string_view what) {
  if (limits.budget == nullptr) return absl::OkStatus();
  return limits.budget->CheckDeclared(declared, what);
}

int64_t DeclaredKdfWork(absl::Span<const uint8_t> algorithm) {
  // Limits high enough to read any count a 4-byte INTEGER holds.
  PbeLimits read_any;
  read_any.max_iterations = std::numeric_limits<int>::max();
  CBS in, params, seq;
  std::string oid;
  CBS_init(&in, algorithm.data(), algorithm.size());
  if (!ReadAlgorithm(&in, &oid, &params) || !CBS_get_asn1(&params, &seq, CBS_ASN1_SEQUENCE)) {
    return 0;
  }
  if (oid == kOidPbes2) {
    CBS kdf_params, pbkdf2, salt;
    std::string kdf_oid;
    if (!ReadAlgorithm(&seq, &kdf_oid, &kdf_params) || kdf_oid != kOidPbkdf2 ||
        !CBS_get_asn1(&kdf_params, &pbkdf2, CBS_ASN1_SEQUENCE) ||
        !CBS_get_asn1(&pbkdf2, &salt, CBS_ASN1_OCTETSTRING)) {
      return 0;
    }
    absl::StatusOr<int> iterations = ReadIterations(&pbkdf2, read_any);
    return iterations.ok() ? *iterations : 0;
  }
  CBS salt;
  if (!CBS_get_asn1(&seq, &salt, CBS_ASN1_OCTETSTRING)) return 0;
  absl::StatusOr<int> iterations = ReadIterations(&seq, read_any);
  if (!iterations.ok()) return 0;
  if (oid == kOidPbeMd5Des || oid == kOidPbeSha1Des) return *iterations;
  for (const Pkcs12SchemeInfo& scheme : kPkcs12Schemes) {
    if (oid == absl::StrCat(kOidPkcs12Prefix, scheme.n)) {
      const CipherSpec spec{scheme.cipher(), scheme.key_len};
      return int64_t{*iterations} * (spec.IvLength() > 0 ? 2 : 1);
    }
  }
  return 0;
}

absl::Status ChargeKdf(const PbeLimits& limits, int64_t iterations) {
  if (limits.budget == nullptr) return absl::OkStatus();
  return limits.budget->Charge(iterations);
}

absl::StatusOr<Bytes> PbeDecrypt(absl::Span<const uint8_t> algorithm,
                                 absl::Span<const uint8_t> ciphertext,
                                 absl::string_view password, const PbeLimits& limits) {
  CBS in, params;
  std::string oid;
  CBS_init(&in, algorithm.data(), algorithm.size());
  if (!ReadAlgorithm(&in, &oid, &params) || CBS_len(&in) != 0) {
    return Malformed("encryption AlgorithmIdentifier is not valid DER");
  }
  if (oid == kOidPbes2) return DecryptPbes2(params, ciphertext, password, limits);
  if (oid == kOidPbeMd5Des) return DecryptPbes1(EVP_md5(), params, ciphertext, password, limits);
  if (oid == kOidPbeSha1Des) {
    return DecryptPbes1(EVP_sha1(), params, ciphertext, password, limits);
  }
  for (const Pkcs12SchemeInfo& scheme : kPkcs12Schemes) {
    if (oid == absl::StrCat(kOidPkcs12Prefix, scheme.n)) {
      return DecryptPkcs12(scheme, params, ciphertext, password, limits);
    }
  }
  return MakeError(ErrorKind::kUnsupported,
                   absl::StrCat("password-based encryption scheme ", oid, " is not supported"));
}

Pbes2Key::~Pbes2Key() { OPENSSL_cleanse(key.data(), key.size()); }

Pkcs12Keys::~Pkcs12Keys() { OPENSSL_cleanse(mac_key.data(), mac_key.size()); }

absl::StatusOr<Pkcs12Keys> DerivePkcs12Keys(absl::string_view password, const Pbes2Params& params,
                                            size_t pbes2_count,
                                            absl::Span<const uint8_t> mac_salt,
                                            int mac_iterations) {
  if (params.prf != Prf::kHmacSha256 || params.iterations < 1 || params.salt_len < 8 ||
      params.salt_len > kMaxSaltLen || (!mac_salt.empty() && mac_iterations < 1)) {
    return MakeError(ErrorKind::kInvalidArgument,
                     "PKCS#12 keys: HMAC-SHA256, iterations >= 1 and a salt of 8..1024 bytes");
  }
  const CipherSpec spec{Pbes2CipherFor(params.cipher).cipher()};
  const auto password_bytes =
      absl::MakeConstSpan(reinterpret_cast<const uint8_t*>(password.data()), password.size());
  Pkcs12Keys keys;
  keys.pbes2.resize(pbes2_count);
  std::vector<Pbkdf2Sha256Job> pbkdf2;
  for (Pbes2Key& k : keys.pbes2) {
    k.salt = RandomBytes(params.salt_len);
    k.key.resize(spec.KeyLength());
    pbkdf2.push_back({password_bytes, k.salt, static_cast<uint32_t>(params.iterations),
                      absl::MakeSpan(k.key)});
  }
  std::vector<Sha256IterateJob> iterate;
  if (!mac_salt.empty()) {
    absl::StatusOr<Bytes> bmp = Utf8ToBmpPassword(password);
    if (!bmp.ok()) return bmp.status();
    keys.mac_key.resize(kSha256Len);
    absl::Status s = Pkcs12KdfSha256First(*bmp, mac_salt, 3, keys.mac_key.data());
    OPENSSL_cleanse(bmp->data(), bmp->size());
    if (!s.ok()) return s;
    iterate.push_back({keys.mac_key.data(), static_cast<uint32_t>(mac_iterations - 1)});
  }
  RunSha256Kdfs(pbkdf2, iterate);
  return keys;
}

absl::StatusOr<PbeOutput> PbeEncryptPbes2(absl::Span<const uint8_t> plaintext,
                                          absl::string_view password,
                                          const Pbes2Params& params,
                                          const Pbes2Key* derived) {
  if (params.iterations < 1 || params.salt_len < 8 || params.salt_len > kMaxSaltLen) {
    return MakeError(ErrorKind::kInvalidArgument,
                     "PBES2: iterations must be >= 1 and the salt 8..1024 bytes");
  }
  const PrfInfo* prf = &kPrfs[0];
  for (const PrfInfo& p : kPrfs) {
    if (p.prf == params.prf) prf = &p;
  }
  const Pbes2CipherInfo& cipher = Pbes2CipherFor(params.cipher);
  const CipherSpec spec{cipher.cipher()};
  if (derived != nullptr &&
      (prf->prf != Prf::kHmacSha256 || derived->salt.size() != params.salt_len ||
       derived->key.size() != spec.KeyLength())) {
    return MakeError(ErrorKind::kInvalidArgument,
                     "PBES2: the key derived ahead does not fit these parameters");
  }
  const Bytes salt = derived != nullptr ? derived->salt : RandomBytes(params.salt_len);
  const Bytes iv = RandomBytes(spec.IvLength());
  absl::StatusOr<Bytes> key =
      derived != nullptr ? absl::StatusOr<Bytes>(derived->key)
                         : Pbkdf2(password, salt, params.iterations, prf->md(), spec.KeyLength());
  if (!key.ok()) return key.status();
  absl::StatusOr<Bytes> ciphertext = Encrypt(spec, *key, iv, plaintext);
  OPENSSL_cleanse(key->data(), key->size());
  if (!ciphertext.ok()) return ciphertext.status();

  bssl::ScopedCBB cbb;
  const bool ok =
      CBB_init(cbb.get(), 128) &&
      WriteAlgorithm(cbb.get(), kOidPbes2, [&](CBB* alg) {
        CBB pbes2;
        return CBB_add_asn1(alg, &pbes2, CBS_ASN1_SEQUENCE) &&
               WriteAlgorithm(&pbes2, kOidPbkdf2,
                              [&](CBB* kdf) {
                                CBB p;
                                return CBB_add_asn1(kdf, &p, CBS_ASN1_SEQUENCE) &&
                                       AddOctetString(&p, salt) &&
                                       CBB_add_asn1_uint64(&p, params.iterations) &&
                                       // hmacWithSHA1 is the DEFAULT and so omitted.
                                       (prf->prf == Prf::kHmacSha1 ||
                                        WriteAlgorithm(&p, prf->oid,
                                                       [](CBB* a) {
                                                         CBB null;
                                                         return CBB_add_asn1(a, &null,
                                                                             CBS_ASN1_NULL) &&
                                                                CBB_flush(a);
                                                       })) &&
                                       CBB_flush(kdf);
                              }) &&
               WriteAlgorithm(&pbes2, cipher.oid,
                              [&](CBB* enc) { return AddOctetString(enc, iv); }) &&
               CBB_flush(alg);
      });
  if (!ok) return MakeError(ErrorKind::kInternal, "cannot encode PBES2 parameters");
  absl::StatusOr<Bytes> algorithm = FinishParams(cbb.get());
  if (!algorithm.ok()) return algorithm.status();
  return PbeOutput{std::move(*algorithm), std::move(*ciphertext)};
}

absl::StatusOr<PbeOutput> PbeEncryptPkcs12(absl::Span<const uint8_t> plaintext,
                                           absl::string_view password, Pkcs12Pbe scheme_id,
                                           int iterations) {
  if (iterations < 1) {
    return MakeError(ErrorKind::kInvalidArgument, "PKCS#12 PBE: iterations must be >= 1");
  }
  const Pkcs12SchemeInfo& scheme =
      scheme_id == Pkcs12Pbe::kSha1And3DesCbc ? kPkcs12Schemes[2] : kPkcs12Schemes[5];
  const CipherSpec spec{scheme.cipher(), scheme.key_len};
  absl::StatusOr<Bytes> bmp = Utf8ToBmpPassword(password);
  if (!bmp.ok()) return bmp.status();
  const Bytes salt = RandomBytes(20);
  Bytes key, iv;
  absl::Status st = Pkcs12KeyIv(scheme, spec, *bmp, salt, iterations, &key, &iv);
  OPENSSL_cleanse(bmp->data(), bmp->size());
  if (!st.ok()) return st;
  absl::StatusOr<Bytes> ciphertext = Encrypt(spec, key, iv, plaintext);
  OPENSSL_cleanse(key.data(), key.size());
  if (!ciphertext.ok()) return ciphertext.status();

  const std::string oid = absl::StrCat(kOidPkcs12Prefix, scheme.n);
  bssl::ScopedCBB cbb;
  const bool ok = CBB_init(cbb.get(), 64) &&
                  WriteAlgorithm(cbb.get(), oid.c_str(), [&](CBB* alg) {
                    CBB p;
                    return CBB_add_asn1(alg, &p, CBS_ASN1_SEQUENCE) &&
                           AddOctetString(&p, salt) && CBB_add_asn1_uint64(&p, iterations) &&
                           CBB_flush(alg);
                  });
  if (!ok) return MakeError(ErrorKind::kInternal, "cannot encode PKCS#12 PBE parameters");
  absl::StatusOr<Bytes> algorithm = FinishParams(cbb.get());
  if (!algorithm.ok()) return algorithm.status();
  return PbeOutput{std::move(*algorithm), std::move(*ciphertext)};
}


const char kOidPbmac1[] = "1.2.840.113549.1.5.14";

namespace {

absl::Status Pbmac1Malformed(absl::string_view what) {
  return MakeError(ErrorKind::kMalformed, absl::StrCat("PBMAC1 ", what));
}

// Pbmac1Digest reads an HMAC AlgorithmIdentifier (NULL or absent
// parameters) of the PRF table and returns its digest if it is
// HMAC-SHA-256/384/512; |what| names the field in errors.
absl::StatusOr<const EVP_MD*> Pbmac1Digest(CBS* cbs, absl::string_view what) {
  std::string oid;
  CBS params;
  if (!ReadAlgorithm(cbs, &oid, &params)) {
    return Pbmac1Malformed(absl::StrCat(what, " is not a valid AlgorithmIdentifier"));
  }
  CBS null;
  if (CBS_len(&params) != 0 &&
      (!CBS_get_asn1(&params, &null, CBS_ASN1_NULL) || CBS_len(&null) != 0 || CBS_len(&params) != 0)) {
    return Pbmac1Malformed(absl::StrCat(what, " parameters are not NULL"));
  }
  for (const PrfInfo& p : kPrfs) {
    if (oid == p.oid && (p.prf == Prf::kHmacSha256 || p.prf == Prf::kHmacSha384 ||
                         p.prf == Prf::kHmacSha512)) {
      return p.md();
    }
  }
  return MakeError(ErrorKind::kUnsupported,
                   absl::StrCat("PBMAC1 ", what, " ", oid,
                                " is not supported (certkit accepts HMAC-SHA-256/384/512, as RFC 9579 "
                                "recommends)"));
}

}  // namespace

absl::StatusOr<Pbmac1Params> ParsePbmac1Params(CBS params, const PbeLimits& limits) {
  CBS seq, kdf_params;
  std::string kdf_oid;
  if (!CBS_get_asn1(&params, &seq, CBS_ASN1_SEQUENCE) || CBS_len(&params) != 0) {
    return Pbmac1Malformed("parameters are missing or not a SEQUENCE");
  }
  if (!ReadAlgorithm(&seq, &kdf_oid, &kdf_params)) {
    return Pbmac1Malformed("keyDerivationFunc is not a valid AlgorithmIdentifier");
  }
  if (kdf_oid != kOidPbkdf2) {
    return MakeError(ErrorKind::kUnsupported,
                     absl::StrCat("PBMAC1 key derivation function ", kdf_oid,
                                  " is not supported (RFC 9579 requires PBKDF2)"));
  }
  Pbmac1Params out;
  absl::StatusOr<const EVP_MD*> mac = Pbmac1Digest(&seq, "messageAuthScheme");
  if (!mac.ok()) return mac.status();
  out.mac = *mac;
  if (CBS_len(&seq) != 0) return Pbmac1Malformed("parameters have trailing data");

  //   PBKDF2-params ::= SEQUENCE { salt OCTET STRING, iterationCount INTEGER,
  //       keyLength INTEGER OPTIONAL, prf AlgorithmIdentifier DEFAULT hmacWithSHA1 }
  CBS pbkdf2, salt;
  if (!CBS_get_asn1(&kdf_params, &pbkdf2, CBS_ASN1_SEQUENCE) || CBS_len(&kdf_params) != 0) {
    return Pbmac1Malformed("PBKDF2 parameters are missing or not a SEQUENCE");
  }
  if (CBS_peek_asn1_tag(&pbkdf2, CBS_ASN1_NULL)) {
    return Pbmac1Malformed("PBKDF2 salt is NULL instead of an OCTET STRING");
  }
  if (!CBS_get_asn1(&pbkdf2, &salt, CBS_ASN1_OCTETSTRING)) {
    return Pbmac1Malformed("PBKDF2 salt is missing or not an OCTET STRING");
  }
  if (CBS_len(&salt) == 0) return Pbmac1Malformed("PBKDF2 salt is empty");
  if (CBS_len(&salt) > kMaxSaltLen) {
    return MakeError(ErrorKind::kLimitExceeded,
                     absl::StrCat("PBMAC1 PBKDF2 salt of ", CBS_len(&salt),
                                  " bytes exceeds the limit ", kMaxSaltLen));
  }
  out.salt = Bytes(CBS_data(&salt), CBS_data(&salt) + CBS_len(&salt));
  absl::StatusOr<int> iterations = ReadIterations(&pbkdf2, limits);
  if (!iterations.ok()) {
    return MakeError(GetErrorKind(iterations.status()),
                     absl::StrCat("PBMAC1 PBKDF2 ", absl::StripPrefix(iterations.status().message(),
                                                                    "password-based encryption: ")));
  }
  out.iterations = *iterations;
  CBS key_length;
  int negative = 0;
  if (!CBS_peek_asn1_tag(&pbkdf2, CBS_ASN1_INTEGER)) {
    return Pbmac1Malformed("PBKDF2 keyLength is missing (RFC 9579 requires it)");
  }
  if (!CBS_get_asn1(&pbkdf2, &key_length, CBS_ASN1_INTEGER) ||
      !CBS_is_valid_asn1_integer(&key_length, &negative)) {
    return Pbmac1Malformed("PBKDF2 keyLength is not a valid INTEGER");
  }
  if (negative) return Pbmac1Malformed("PBKDF2 keyLength is negative");
  if (CBS_len(&key_length) > 1 && CBS_data(&key_length)[0] == 0) CBS_skip(&key_length, 1);
  uint64_t length = 0;
  if (CBS_len(&key_length) > 2) {
    length = std::numeric_limits<uint64_t>::max();
  } else {
    for (size_t i = 0; i < CBS_len(&key_length); ++i) length = (length << 8) | CBS_data(&key_length)[i];
  }
  if (length == 0) return Pbmac1Malformed("PBKDF2 keyLength is zero");
  if (length > kPbmac1MaxKeyLength) {
    return MakeError(ErrorKind::kLimitExceeded,
                     length == std::numeric_limits<uint64_t>::max()
                         ? absl::StrCat("PBMAC1 PBKDF2 keyLength exceeds the limit of ",
                                        kPbmac1MaxKeyLength, " bytes")
                         : absl::StrCat("PBMAC1 PBKDF2 keyLength ", length, " exceeds the limit of ",
                                        kPbmac1MaxKeyLength, " bytes"));
  }
  if (length < kPbmac1MinKeyLength) {
    return Pbmac1Malformed(absl::StrCat("PBKDF2 keyLength ", length, " is below the ",
                                        kPbmac1MinKeyLength, " bytes RFC 9579 requires"));
  }
  out.key_length = static_cast<size_t>(length);
  if (CBS_len(&pbkdf2) == 0) {
    return MakeError(ErrorKind::kUnsupported,
                     "PBMAC1 PBKDF2 PRF is absent, so hmacWithSHA1 by default, which is not "
                     "supported (certkit accepts HMAC-SHA-256/384/512, as RFC 9579 recommends)");
  }
  absl::StatusOr<const EVP_MD*> prf = Pbmac1Digest(&pbkdf2, "PBKDF2 PRF");
  if (!prf.ok()) return prf.status();
  out.prf = *prf;
  if (CBS_len(&pbkdf2) != 0) return Pbmac1Malformed("PBKDF2 parameters have trailing data");
  return out;
}

int64_t Pbmac1Work(const Pbmac1Params& params) {
  const size_t block = params.prf != nullptr ? EVP_MD_size(params.prf) : 32;
  const int64_t blocks = static_cast<int64_t>((params.key_length + block - 1) / block);
  return int64_t{params.iterations} * std::max<int64_t>(blocks, 1);
}

absl::StatusOr<Bytes> Pbmac1Compute(const Pbmac1Params& params, absl::string_view password,
                                    absl::Span<const uint8_t> data, const PbeLimits& limits) {
  if (params.prf == nullptr || params.mac == nullptr || params.iterations < 1 ||
      params.key_length < 1 || params.key_length > kPbmac1MaxKeyLength) {
    return MakeError(ErrorKind::kInvalidArgument, "PBMAC1 parameters are incomplete");
  }
  if (absl::Status st = ChargeKdf(limits, Pbmac1Work(params)); !st.ok()) return st;
  absl::StatusOr<Bytes> key = Pbkdf2(password, params.salt, params.iterations, params.prf,
                                     params.key_length);
  if (!key.ok()) return key.status();
  Bytes mac(EVP_MAX_MD_SIZE);
  unsigned mac_len = 0;
  const bool ok = HMAC(params.mac, key->data(), key->size(), data.data(), data.size(), mac.data(),
                       &mac_len) != nullptr;
  OPENSSL_cleanse(key->data(), key->size());
  if (!ok) return MakeError(ErrorKind::kInternal, "HMAC failed");
  mac.resize(mac_len);
  return mac;
}

absl::StatusOr<Bytes> EncodePbmac1Algorithm(const Pbmac1Params& params) {
  const PrfInfo* prf = nullptr;
  const PrfInfo* mac = nullptr;
  for (const PrfInfo& p : kPrfs) {
    if (p.md() == params.prf) prf = &p;
    if (p.md() == params.mac) mac = &p;
  }
  if (prf == nullptr || mac == nullptr || params.salt.empty() || params.iterations < 1 ||
      params.key_length < kPbmac1MinKeyLength || params.key_length > kPbmac1MaxKeyLength) {
    return MakeError(ErrorKind::kInvalidArgument, "PBMAC1 parameters are incomplete");
  }
  auto hmac_alg = [](const PrfInfo* info) {
    return [info](CBB* out) {
      return WriteAlgorithm(out, info->oid, [](CBB* a) {
        CBB null;
        return CBB_add_asn1(a, &null, CBS_ASN1_NULL) && CBB_flush(a);
      });
    };
  };
  bssl::ScopedCBB cbb;
  const bool ok =
      CBB_init(cbb.get(), 128) &&
      WriteAlgorithm(cbb.get(), kOidPbmac1, [&](CBB* alg) {
        CBB seq;
        return CBB_add_asn1(alg, &seq, CBS_ASN1_SEQUENCE) &&
               WriteAlgorithm(&seq, kOidPbkdf2,
                              [&](CBB* kdf) {
                                CBB p;
                                return CBB_add_asn1(kdf, &p, CBS_ASN1_SEQUENCE) &&
                                       AddOctetString(&p, params.salt) &&
                                       CBB_add_asn1_uint64(&p, params.iterations) &&
                                       CBB_add_asn1_uint64(&p, params.key_length) &&
                                       hmac_alg(prf)(&p) && CBB_flush(kdf);
                              }) &&
               hmac_alg(mac)(&seq) && CBB_flush(alg);
      });
  if (!ok) return MakeError(ErrorKind::kInternal, "cannot encode PBMAC1 parameters");
  return FinishParams(cbb.get());
}

}  // namespace crypto
}  // namespace certkit
