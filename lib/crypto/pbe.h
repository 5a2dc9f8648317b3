// lib/crypto/pbe.h (internal): password-based encryption schemes shared by
// encrypted PKCS#8 keys and PKCS#12 bags.
//
// Supported for decryption, identified by the AlgorithmIdentifier:
//  * PBES2 (RFC 8018): PBKDF2 with HMAC-SHA1/224/256/384/512, encryption
//    AES-128/192/256-CBC or DES-EDE3-CBC (or DES-CBC).
//  * PBES1 (RFC 8018): pbeWithMD5AndDES-CBC, pbeWithSHA1AndDES-CBC.
//  * PKCS#12 PBE (RFC 7292 appendix C): pbeWithSHAAnd3-KeyTripleDES-CBC,
//    pbeWithSHAAnd2-KeyTripleDES-CBC, pbeWithSHAAnd128BitRC2-CBC,
//    pbeWithSHAAnd40BitRC2-CBC, pbeWithSHAAnd128BitRC4, pbeWithSHAAnd40BitRC4.
// Encryption: PBES2 (any PRF/cipher above) and the PKCS#12 3DES / RC2-40
// schemes (for legacy PKCS#12).
#ifndef CERTKIT_LIB_CRYPTO_PBE_H_
#define CERTKIT_LIB_CRYPTO_PBE_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "openssl/base.h"
#include "openssl/bytestring.h"

namespace certkit {
namespace crypto {

using Bytes = std::vector<uint8_t>;

// KdfBudget is the total number of KDF iterations one input (a keystore
// file) may cost, across every derivation made while loading it: the PKCS#12
// MAC, each encrypted bag and key, each retry with another password form.
// Not thread-safe; one per load.
class KdfBudget {
 public:
  explicit KdfBudget(int64_t total) : total_(total), left_(total) {}
  // Charge subtracts |iterations| before a derivation runs. kLimitExceeded,
  // naming the total, when the input would cost more than the budget.
  absl::Status Charge(int64_t iterations);
  // CheckDeclared refuses, before any derivation, an input whose declared
  // iteration counts (see DeclaredKdfWork) already sum to more than the
  // budget: kLimitExceeded naming both numbers. Charges nothing.
  absl::Status CheckDeclared(int64_t declared, absl::string_view what) const;

 private:
  int64_t total_;
  int64_t left_;
};

struct PbeLimits {
  // Iteration counts above this fail with kLimitExceeded before any work.
  int max_iterations = 10'000'000;
  // When set, every derivation is charged to it first (not owned).
  KdfBudget* budget = nullptr;
};

// ChargeKdf charges |iterations| to |limits|.budget when there is one.
absl::Status ChargeKdf(const PbeLimits& limits, int64_t iterations);

// PbeDecrypt decrypts |ciphertext| under the scheme described by the DER
// AlgorithmIdentifier |algorithm| with |password| (UTF-8; converted to
// BMPString for the PKCS#12 schemes as RFC 7292 B.1 requires, used as bytes
// otherwise). Errors: kBadPassword when the padding check fails (wrong
// password), kUnsupported for unknown schemes (naming the OID), kMalformed
// for bad parameters, kLimitExceeded for huge iteration counts.
absl::StatusOr<Bytes> PbeDecrypt(absl::Span<const uint8_t> algorithm,
                                 absl::Span<const uint8_t> ciphertext,
                                 absl::string_view password, const PbeLimits& limits = {});

enum class Prf { kHmacSha1, kHmacSha224, kHmacSha256, kHmacSha384, kHmacSha512 };
enum class Pbes2Cipher { kAes128Cbc, kAes192Cbc, kAes256Cbc, kDesEde3Cbc };
enum class Pkcs12Pbe { kSha1And3DesCbc, kSha1And40BitRc2Cbc };

struct Pbes2Params {
  Prf prf = Prf::kHmacSha256;
  Pbes2Cipher cipher = Pbes2Cipher::kAes256Cbc;
  int iterations = 10000;
  size_t salt_len = 16;
};

// Result of an encryption: the AlgorithmIdentifier DER (with the random salt
// and IV it chose) and the ciphertext.
struct PbeOutput {
  Bytes algorithm;
  Bytes ciphertext;
};

// Pbes2Key is a PBES2 key derived ahead of the encryption that uses it:
// the random salt and the PBKDF2 output. Wiped when destroyed.
struct Pbes2Key {
  Bytes salt;
  Bytes key;
  ~Pbes2Key();
};

// PbeEncryptPbes2 encrypts |plaintext| with PBES2 (random IV). The key is
// derived here from a random salt, or, when |derived| is not null, taken
// from it: it must come from DerivePkcs12Keys with the same password and
// |params| (kInvalidArgument when its lengths do not fit |params|).
absl::StatusOr<PbeOutput> PbeEncryptPbes2(absl::Span<const uint8_t> plaintext,
                                          absl::string_view password,
                                          const Pbes2Params& params,
                                          const Pbes2Key* derived = nullptr);

// Pkcs12Keys are the keys of one PKCS#12 file, derived together.
struct Pkcs12Keys {
  std::vector<Pbes2Key> pbes2;  // for PbeEncryptPbes2, in order
  Bytes mac_key;                // empty unless asked for; wiped when destroyed
  ~Pkcs12Keys();
};

// DerivePkcs12Keys derives |pbes2_count| PBES2 keys for |params| (its PRF
// must be HMAC-SHA256), each from a fresh random salt, and, when |mac_salt|
// is not empty, the RFC 7292 MAC key with SHA-256 (id 3, |mac_iterations|),
// in one crypto::RunSha256Kdfs call: a file's derivations then share the
// SHA-256 unit instead of running one after another. kInvalidArgument for
// another PRF or iteration counts below 1; |password| is UTF-8.
absl::StatusOr<Pkcs12Keys> DerivePkcs12Keys(absl::string_view password, const Pbes2Params& params,
                                            size_t pbes2_count,
                                            absl::Span<const uint8_t> mac_salt,
                                            int mac_iterations);

// PbeEncryptPkcs12 encrypts with a PKCS#12 PBE scheme (random 20-byte salt,
// password as BMPString).
absl::StatusOr<PbeOutput> PbeEncryptPkcs12(absl::Span<const uint8_t> plaintext,
                                           absl::string_view password, Pkcs12Pbe scheme,
                                           int iterations);

// Pkcs12Kdf derives |out_len| bytes with the RFC 7292 appendix B KDF.
// |id| is 1 (key), 2 (IV) or 3 (MAC key). |bmp_password| is the BMPString
// form including the two trailing zero bytes (empty for an empty password).
absl::StatusOr<Bytes> Pkcs12Kdf(const EVP_MD* md, absl::Span<const uint8_t> bmp_password,
                                absl::Span<const uint8_t> salt, int id, int iterations,
                                size_t out_len);

// Pkcs12KdfSha256First writes the first digest of the RFC 7292 KDF with
// SHA-256, A = SHA-256(D || I) for |id|, to |out|: its whole 32-byte output
// once Sha256Iterate has applied the other |iterations| - 1 rounds. Errors
// as Pkcs12Kdf's.
absl::Status Pkcs12KdfSha256First(absl::Span<const uint8_t> bmp_password,
                                  absl::Span<const uint8_t> salt, int id, uint8_t out[32]);

// Utf8ToBmpPassword converts a UTF-8 password to big-endian UTF-16 plus the
// two zero bytes of the terminator (RFC 7292 B.1). kInvalidArgument for
// invalid UTF-8.
absl::StatusOr<Bytes> Utf8ToBmpPassword(absl::string_view password);

// DeclaredKdfWork returns the KDF iterations that decrypting under the
// AlgorithmIdentifier |algorithm| declares it will cost (PBES2/PBKDF2, PBES1,
// the PKCS#12 PBE schemes: two derivations for a cipher with an IV), read
// from the parameters without deriving anything; 0 for a scheme or
// parameters it does not understand (the decryption itself reports those).
// Used to refuse a KDF bomb at once (KdfBudget::CheckDeclared).
int64_t DeclaredKdfWork(absl::Span<const uint8_t> algorithm);

// PBMAC1 (RFC 8018 section 7.1) as the PKCS#12 MAC (RFC 9579): an HMAC keyed
// with PBKDF2 over the UTF-8 password (not the BMPString form of the RFC 7292
// appendix B KDF).
//   PBMAC1-params ::= SEQUENCE { keyDerivationFunc AlgorithmIdentifier,
//                                messageAuthScheme AlgorithmIdentifier }
// Only PBKDF2 is accepted as the KDF, with a specified salt, an explicit
// keyLength (RFC 9579 section 5 requires it) of 20..64 bytes (RFC 9579
// section 9 sets the floor; 64 is the largest HMAC block output used) and a
// PRF and MAC of HMAC-SHA-256/384/512 (RFC 9579 forbids digests of 160 bits
// or less).
struct Pbmac1Params {
  Bytes salt;
  int iterations = 0;
  size_t key_length = 0;
  const EVP_MD* prf = nullptr;  // PBKDF2 PRF digest
  const EVP_MD* mac = nullptr;  // messageAuthScheme digest
};
constexpr size_t kPbmac1MinKeyLength = 20;
constexpr size_t kPbmac1MaxKeyLength = 64;
// id-PBMAC1.
extern const char kOidPbmac1[];

// ParsePbmac1Params reads the parameters that follow the id-PBMAC1 OID in an
// AlgorithmIdentifier (|params|: the rest of that SEQUENCE). Errors, all
// before any derivation: kMalformed naming the field (missing, NULL or
// empty salt, missing or zero keyLength, damaged structure), kLimitExceeded
// (iteration count above |limits|.max_iterations, keyLength above 64),
// kUnsupported (a KDF other than PBKDF2, a PRF or MAC other than
// HMAC-SHA-256/384/512, naming the OID).
absl::StatusOr<Pbmac1Params> ParsePbmac1Params(CBS params, const PbeLimits& limits);

// Pbmac1Work is the KDF work the parameters declare: the iteration count
// times the PBKDF2 blocks the key length needs.
int64_t Pbmac1Work(const Pbmac1Params& params);

// Pbmac1Compute charges Pbmac1Work to |limits| and returns HMAC(PBKDF2(
// |password| as UTF-8 bytes), |data|).
absl::StatusOr<Bytes> Pbmac1Compute(const Pbmac1Params& params, absl::string_view password,
                                    absl::Span<const uint8_t> data, const PbeLimits& limits = {});

// EncodePbmac1Algorithm returns the DER AlgorithmIdentifier of id-PBMAC1
// with |params| (PRF and MAC written with NULL parameters).
absl::StatusOr<Bytes> EncodePbmac1Algorithm(const Pbmac1Params& params);

// CheckDeclaredKdf is KdfBudget::CheckDeclared on |limits|.budget (OK when
// there is none).
absl::Status CheckDeclaredKdf(const PbeLimits& limits, int64_t declared, absl::string_view what);

}  // namespace crypto
}  // namespace certkit

#endif  // CERTKIT_LIB_CRYPTO_PBE_H_
