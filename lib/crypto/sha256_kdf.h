// lib/crypto/sha256_kdf.h (internal): PBKDF2-HMAC-SHA256 and the SHA-256
// iteration of the RFC 7292 PKCS#12 KDF, written over the raw SHA-256 block
// function (SHA256_TransformBlocks, SHA-NI when the CPU has it).
//
// Why: a PKCS#12 store costs three 10,000-iteration derivations, which is
// most of the CPU of `cluster init`. The generic paths rebuild HMAC and digest
// contexts every iteration; here the HMAC inner and outer states are
// precomputed once per password and each iteration is exactly the minimum
// number of compressions (two for PBKDF2-HMAC-SHA256, one for the PKCS#12
// KDF), with the padding blocks prepared once. Independent derivations (a
// PKCS#12 file's key bag, certificate bag and MAC keys) run together
// through RunSha256Kdfs, which interleaves up to three chains of
// compressions on SHA-NI: about 0.75x the cost of running them one by one.
#ifndef CERTKIT_LIB_CRYPTO_SHA256_KDF_H_
#define CERTKIT_LIB_CRYPTO_SHA256_KDF_H_

#include <cstddef>
#include <cstdint>

#include "absl/types/span.h"

namespace certkit {
namespace crypto {

constexpr size_t kSha256Len = 32;

// HmacSha256Key is HMAC-SHA256 keyed once: the states after the ipad and
// opad blocks. Copyable; wipes its states when destroyed.
class HmacSha256Key {
 public:
  // |key| of any length (hashed first when longer than 64 bytes, RFC 2104).
  explicit HmacSha256Key(absl::Span<const uint8_t> key);
  ~HmacSha256Key();
  HmacSha256Key(const HmacSha256Key&) = default;
  HmacSha256Key& operator=(const HmacSha256Key&) = default;

  // Mac writes HMAC-SHA256(key, |data|) to |out|.
  void Mac(absl::Span<const uint8_t> data, uint8_t out[kSha256Len]) const;

  // MacOfDigest writes HMAC-SHA256(key, |in|) for a 32-byte message with two
  // block compressions and nothing else. |in| and |out| may alias.
  void MacOfDigest(const uint8_t in[kSha256Len], uint8_t out[kSha256Len]) const;

  // The chaining values after the ipad and opad blocks.
  const uint32_t* inner_state() const { return inner_; }
  const uint32_t* outer_state() const { return outer_; }

 private:
  uint32_t inner_[8];
  uint32_t outer_[8];
};

// Pbkdf2HmacSha256 fills |out| with PBKDF2 (RFC 8018 5.2) using
// HMAC-SHA256 as the PRF. |iterations| must be at least 1 (callers check
// the bound; 0 is treated as 1). Equal to PKCS5_PBKDF2_HMAC(..., EVP_sha256()).
void Pbkdf2HmacSha256(absl::Span<const uint8_t> password, absl::Span<const uint8_t> salt,
                      uint32_t iterations, absl::Span<uint8_t> out);

// Sha256Iterate replaces the 32-byte |digest| with SHA-256 applied |rounds|
// more times (one compression per round): the inner loop of the RFC 7292
// appendix B KDF with SHA-256.
void Sha256Iterate(uint8_t digest[kSha256Len], uint32_t rounds);

// Pbkdf2Sha256Job is one PBKDF2-HMAC-SHA256 derivation for RunSha256Kdfs,
// with the meaning of Pbkdf2HmacSha256's arguments. The spans must stay
// valid for the call; |out| must not overlap another job's.
struct Pbkdf2Sha256Job {
  absl::Span<const uint8_t> password;
  absl::Span<const uint8_t> salt;
  uint32_t iterations = 1;
  absl::Span<uint8_t> out;
};

// Sha256IterateJob is one Sha256Iterate for RunSha256Kdfs.
struct Sha256IterateJob {
  uint8_t* digest = nullptr;  // kSha256Len bytes, replaced
  uint32_t rounds = 0;
};

// RunSha256Kdfs runs every job, with the same results as running each one
// alone. Each job is a chain of dependent compressions (each 32-byte block
// of a PBKDF2 output is a chain of its own); with SHA-NI, up to three
// chains advance together, one compression of each per step, so the CPU
// overlaps their latencies: three chains cost about what two cost alone
// (a PKCS#12 file's key bag, certificate bag and MAC keys are three such
// chains). Without SHA-NI the chains run one after another.
void RunSha256Kdfs(absl::Span<const Pbkdf2Sha256Job> pbkdf2,
                   absl::Span<const Sha256IterateJob> iterate);

}  // namespace crypto
}  // namespace certkit

#endif  // CERTKIT_LIB_CRYPTO_SHA256_KDF_H_
