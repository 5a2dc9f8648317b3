#include "crypto/sha256_kdf.h"

#include <algorithm>
#include <cstring>
#include <vector>

#include "openssl/mem.h"
#include "openssl/sha.h"

#if defined(__x86_64__) && defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace certkit {
namespace crypto {
namespace {

constexpr size_t kBlock = SHA256_CBLOCK;  // 64

void StoreBe32(uint8_t* p, uint32_t v) {
  p[0] = static_cast<uint8_t>(v >> 24);
  p[1] = static_cast<uint8_t>(v >> 16);
  p[2] = static_cast<uint8_t>(v >> 8);
  p[3] = static_cast<uint8_t>(v);
}

// StateToBytes writes the digest |state| big-endian. On x86-64 it swaps the
// bytes in SSE2 registers and writes two 16-byte stores: the next
// compression reads the block with 16-byte loads, which the CPU then
// forwards from the stores instead of stalling on 32 byte-sized ones.
void StateToBytes(const uint32_t state[8], uint8_t out[kSha256Len]) {
#if defined(__x86_64__) && defined(__SSE2__)
  for (int half = 0; half < 2; ++half) {
    __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(state + 4 * half));
    v = _mm_or_si128(_mm_slli_epi16(v, 8), _mm_srli_epi16(v, 8));  // swap bytes in 16-bit lanes
    v = _mm_shufflelo_epi16(v, _MM_SHUFFLE(2, 3, 0, 1));           // then the 16-bit halves
    v = _mm_shufflehi_epi16(v, _MM_SHUFFLE(2, 3, 0, 1));
    _mm_storeu_si128(reinterpret_cast<__m128i*>(out + 16 * half), v);
  }
#else
  for (int i = 0; i < 8; ++i) StoreBe32(out + 4 * i, state[i]);
#endif
}

// PadDigestBlock prepares |block| as the final block of a message whose
// last 32 bytes will be written at its start: 0x80, zeros, and the
// big-endian bit length |prefix_blocks| * 512 + 256.
void PadDigestBlock(uint8_t block[kBlock], size_t prefix_blocks) {
  std::memset(block, 0, kBlock);
  block[kSha256Len] = 0x80;
  const uint64_t bits = (prefix_blocks * kBlock + kSha256Len) * 8;
  for (int i = 0; i < 8; ++i) block[kBlock - 1 - i] = static_cast<uint8_t>(bits >> (8 * i));
}

// InitialState is SHA-256's IV.
void InitialState(uint32_t state[8]) {
  SHA256_CTX ctx;
  SHA256_Init(&ctx);
  std::memcpy(state, ctx.h, sizeof(ctx.h));
}

}  // namespace

HmacSha256Key::HmacSha256Key(absl::Span<const uint8_t> key) {
  uint8_t k[kBlock] = {0};
  if (key.size() > kBlock) {
    SHA256(key.data(), key.size(), k);
  } else if (!key.empty()) {
    std::memcpy(k, key.data(), key.size());
  }
  uint8_t pad[kBlock];
  for (size_t i = 0; i < kBlock; ++i) pad[i] = k[i] ^ 0x36;
  InitialState(inner_);
  SHA256_TransformBlocks(inner_, pad, 1);
  for (size_t i = 0; i < kBlock; ++i) pad[i] = k[i] ^ 0x5c;
  InitialState(outer_);
  SHA256_TransformBlocks(outer_, pad, 1);
  OPENSSL_cleanse(k, sizeof(k));
  OPENSSL_cleanse(pad, sizeof(pad));
}

HmacSha256Key::~HmacSha256Key() {
  OPENSSL_cleanse(inner_, sizeof(inner_));
  OPENSSL_cleanse(outer_, sizeof(outer_));
}

void HmacSha256Key::Mac(absl::Span<const uint8_t> data, uint8_t out[kSha256Len]) const {
  // The inner hash continues from the ipad state: a SHA256_CTX that has
  // already absorbed one block.
  SHA256_CTX ctx;
  SHA256_Init(&ctx);
  std::memcpy(ctx.h, inner_, sizeof(inner_));
  ctx.Nl = kBlock * 8;
  SHA256_Update(&ctx, data.data(), data.size());
  uint8_t block[kBlock];
  PadDigestBlock(block, 1);
  SHA256_Final(block, &ctx);
  uint32_t state[8];
  std::memcpy(state, outer_, sizeof(state));
  SHA256_TransformBlocks(state, block, 1);
  StateToBytes(state, out);
  OPENSSL_cleanse(&ctx, sizeof(ctx));
  OPENSSL_cleanse(block, sizeof(block));
}

void HmacSha256Key::MacOfDigest(const uint8_t in[kSha256Len], uint8_t out[kSha256Len]) const {
  uint8_t block[kBlock];
  PadDigestBlock(block, 1);
  std::memcpy(block, in, kSha256Len);
  uint32_t state[8];
  std::memcpy(state, inner_, sizeof(state));
  SHA256_TransformBlocks(state, block, 1);
  StateToBytes(state, block);
  std::memcpy(state, outer_, sizeof(state));
  SHA256_TransformBlocks(state, block, 1);
  StateToBytes(state, out);
}

void Pbkdf2HmacSha256(absl::Span<const uint8_t> password, absl::Span<const uint8_t> salt,
                      uint32_t iterations, absl::Span<uint8_t> out) {
  const HmacSha256Key key(password);
  // The two padded blocks of one iteration are prepared once; only their
  // first 32 bytes change. |inner| holds U_{j-1}, |outer| the inner digest.
  uint8_t inner[kBlock], outer[kBlock];
  PadDigestBlock(inner, 1);
  PadDigestBlock(outer, 1);
  uint8_t t[kSha256Len];
  uint32_t block_index = 1;
  for (size_t done = 0; done < out.size(); done += kSha256Len, ++block_index) {
    // U_1 = PRF(P, S || INT(i)).
    std::vector<uint8_t> first(salt.begin(), salt.end());
    first.resize(salt.size() + 4);
    StoreBe32(first.data() + salt.size(), block_index);
    key.Mac(first, t);
    std::memcpy(inner, t, kSha256Len);
    uint32_t state[8];
    // U_j = PRF(P, U_{j-1}); T ^= U_j.
    for (uint32_t j = 1; j < iterations; ++j) {
      std::memcpy(state, key.inner_state(), sizeof(state));
      SHA256_TransformBlocks(state, inner, 1);
      StateToBytes(state, outer);
      std::memcpy(state, key.outer_state(), sizeof(state));
      SHA256_TransformBlocks(state, outer, 1);
      StateToBytes(state, inner);
      for (size_t i = 0; i < kSha256Len; ++i) t[i] ^= inner[i];
    }
    const size_t take = std::min(kSha256Len, out.size() - done);
    std::memcpy(out.data() + done, t, take);
  }
  OPENSSL_cleanse(inner, sizeof(inner));
  OPENSSL_cleanse(outer, sizeof(outer));
  OPENSSL_cleanse(t, sizeof(t));
}

void Sha256Iterate(uint8_t digest[kSha256Len], uint32_t rounds) {
  uint8_t block[kBlock];
  PadDigestBlock(block, 0);
  std::memcpy(block, digest, kSha256Len);
  uint32_t iv[8], state[8];
  InitialState(iv);
  for (uint32_t r = 0; r < rounds; ++r) {
    std::memcpy(state, iv, sizeof(state));
    SHA256_TransformBlocks(state, block, 1);
    StateToBytes(state, block);
  }
  std::memcpy(digest, block, kSha256Len);
  OPENSSL_cleanse(block, sizeof(block));
}

}  // namespace crypto
}  // namespace certkit
