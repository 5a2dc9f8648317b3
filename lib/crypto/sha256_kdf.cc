#include "crypto/sha256_kdf.h"

#include <algorithm>
#include <array>
#include <cstring>
#include <vector>

#include "openssl/mem.h"
#include "openssl/sha.h"

#if defined(__x86_64__) && defined(__SSE2__)
#include <cpuid.h>
#include <immintrin.h>
#define CERTKIT_SHA_NI 1
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

// SHA-256's round constants, for the SHA-NI path.
alignas(16) constexpr uint32_t kRoundConstants[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2};

// The most chains that advance together: three fill the SHA-NI unit (its
// round instruction has a latency of about twice its issue interval), and
// their 24 live vectors still fit in registers with the message schedule.
constexpr size_t kMaxLanes = 3;

#if defined(CERTKIT_SHA_NI)
// HasShaNi reports whether the CPU has the SHA extensions (and the SSSE3 and
// SSE4.1 shuffles the SHA-NI code uses).
bool HasShaNi() {
  static const bool has = [] {
    unsigned a = 0, b = 0, c = 0, d = 0;
    if (!__get_cpuid(1, &a, &b, &c, &d)) return false;
    const bool ssse3 = (c & (1u << 9)) != 0, sse41 = (c & (1u << 19)) != 0;
    if (!__get_cpuid_count(7, 0, &a, &b, &c, &d)) return false;
    return ssse3 && sse41 && (b & (1u << 29)) != 0;
  }();
  return has;
}

// CompressShaNi runs one SHA-256 block compression for each of |N| lanes,
// |states[n]| ← compress(|states[n]|, |blocks[n]|), the lanes' instructions
// interleaved. The message schedule follows the SHA-NI pattern: W[g] for
// 4-word group g >= 4 is msg2(msg1(W[g-4], W[g-3]) + W[g-1:g-2] >> 4
// bytes, W[g-1]); msg2 of group g+1 is formed while group g's rounds run.
template <size_t N>
__attribute__((target("sha,sse4.1,ssse3"))) void CompressShaNi(uint32_t* const states[],
                                                               const uint8_t* const blocks[]) {
  const __m128i kByteSwap = _mm_set_epi64x(0x0c0d0e0f08090a0bULL, 0x0405060700010203ULL);
  __m128i abef[N], cdgh[N], abef_in[N], cdgh_in[N], w[N][4];
  for (size_t n = 0; n < N; ++n) {
    __m128i dcba = _mm_shuffle_epi32(_mm_loadu_si128(reinterpret_cast<const __m128i*>(states[n])), 0xB1);
    __m128i efgh = _mm_shuffle_epi32(_mm_loadu_si128(reinterpret_cast<const __m128i*>(states[n] + 4)), 0x1B);
    abef[n] = abef_in[n] = _mm_alignr_epi8(dcba, efgh, 8);
    cdgh[n] = cdgh_in[n] = _mm_blend_epi16(efgh, dcba, 0xF0);
    for (int g = 0; g < 4; ++g) {
      w[n][g] = _mm_shuffle_epi8(
          _mm_loadu_si128(reinterpret_cast<const __m128i*>(blocks[n] + 16 * g)), kByteSwap);
    }
  }
#pragma GCC unroll 16
  for (int g = 0; g < 16; ++g) {
    const __m128i k = _mm_load_si128(reinterpret_cast<const __m128i*>(kRoundConstants + 4 * g));
    for (size_t n = 0; n < N; ++n) {
      __m128i m = _mm_add_epi32(w[n][g % 4], k);
      cdgh[n] = _mm_sha256rnds2_epu32(cdgh[n], abef[n], m);
      if (g >= 3 && g <= 14) {
        const __m128i t = _mm_alignr_epi8(w[n][g % 4], w[n][(g + 3) % 4], 4);
        w[n][(g + 1) % 4] = _mm_sha256msg2_epu32(_mm_add_epi32(w[n][(g + 1) % 4], t), w[n][g % 4]);
      }
      m = _mm_shuffle_epi32(m, 0x0E);
      abef[n] = _mm_sha256rnds2_epu32(abef[n], cdgh[n], m);
      if (g >= 1 && g <= 12) w[n][(g + 3) % 4] = _mm_sha256msg1_epu32(w[n][(g + 3) % 4], w[n][g % 4]);
    }
  }
  for (size_t n = 0; n < N; ++n) {
    const __m128i feba = _mm_shuffle_epi32(_mm_add_epi32(abef[n], abef_in[n]), 0x1B);
    const __m128i dchg = _mm_shuffle_epi32(_mm_add_epi32(cdgh[n], cdgh_in[n]), 0xB1);
    _mm_storeu_si128(reinterpret_cast<__m128i*>(states[n]), _mm_blend_epi16(feba, dchg, 0xF0));
    _mm_storeu_si128(reinterpret_cast<__m128i*>(states[n] + 4), _mm_alignr_epi8(dchg, feba, 8));
  }
}
#endif  // CERTKIT_SHA_NI

// A Chain is a run of dependent compressions whose message is always one
// 32-byte digest plus prepared padding, run two at a time. PBKDF2: from the
// HMAC inner state over block 0 (U_{j-1}) into block 1, then from the outer
// state over block 1 into block 0 (U_j), XORed into |acc| (T_i). An
// iterated SHA-256: from the IV over block 0 into block 0, twice.
struct Chain {
  const uint32_t* start[2] = {nullptr, nullptr};  // chaining values of the two compressions
  bool hmac = false;
  uint8_t block[2][kBlock];
  uint64_t pairs = 0;      // compression pairs still to run
  uint8_t* acc = nullptr;  // T_i (PBKDF2), null otherwise
  ~Chain() { OPENSSL_cleanse(block, sizeof(block)); }
};

// Pairs runs |pairs| compression pairs of each of the |N| |lanes| (each has
// at least that many left); |compress| does one compression per lane. The
// lanes' pointers are copied to locals first: the byte stores into the
// blocks could otherwise alias them, and they would be reloaded each step.
template <size_t N, typename Compress>
inline void Pairs(Chain* const lanes[], uint64_t pairs, Compress compress) {
  uint32_t states[N][8];
  uint32_t* state_ptrs[N];
  const uint32_t *first[N], *second[N];
  uint8_t *outer[N], *mid[N], *acc[N];
  uint8_t scratch[N][kSha256Len];  // the XOR target of chains without a T_i
  for (size_t n = 0; n < N; ++n) {
    state_ptrs[n] = states[n];
    first[n] = lanes[n]->start[0];
    second[n] = lanes[n]->start[1];
    outer[n] = lanes[n]->block[0];
    mid[n] = lanes[n]->block[lanes[n]->hmac ? 1 : 0];
    acc[n] = lanes[n]->acc != nullptr ? lanes[n]->acc : scratch[n];
  }
  const uint8_t* inputs[N];
  for (uint64_t p = 0; p < pairs; ++p) {
    for (size_t n = 0; n < N; ++n) {
      std::memcpy(states[n], first[n], sizeof(states[n]));
      inputs[n] = outer[n];
    }
    compress(state_ptrs, inputs);
    for (size_t n = 0; n < N; ++n) {
      StateToBytes(states[n], mid[n]);
      std::memcpy(states[n], second[n], sizeof(states[n]));
      inputs[n] = mid[n];
    }
    compress(state_ptrs, inputs);
    for (size_t n = 0; n < N; ++n) {
      StateToBytes(states[n], outer[n]);
      uint64_t t[4], u[4];  // T_i ^= U_j, in four words
      std::memcpy(t, acc[n], sizeof(t));
      std::memcpy(u, outer[n], sizeof(u));
      for (int i = 0; i < 4; ++i) t[i] ^= u[i];
      std::memcpy(acc[n], t, sizeof(t));
    }
  }
  for (size_t n = 0; n < N; ++n) lanes[n]->pairs -= pairs;
  OPENSSL_cleanse(states, sizeof(states));
  OPENSSL_cleanse(scratch, sizeof(scratch));
}

template <size_t N>
void PairsPortable(Chain* const lanes[], uint64_t pairs) {
  Pairs<N>(lanes, pairs, [](uint32_t* const states[], const uint8_t* const blocks[]) {
    for (size_t n = 0; n < N; ++n) SHA256_TransformBlocks(states[n], blocks[n], 1);
  });
}

#if defined(CERTKIT_SHA_NI)
template <size_t N>
__attribute__((target("sha,sse4.1,ssse3"))) void PairsShaNi(Chain* const lanes[], uint64_t pairs) {
  Pairs<N>(lanes, pairs, [](uint32_t* const states[], const uint8_t* const blocks[])
                             __attribute__((target("sha,sse4.1,ssse3"))) {
                               CompressShaNi<N>(states, blocks);
                             });
}
#endif

// RunChains advances up to kMaxLanes chains together until all are done:
// as many pairs at a time as the shortest active chain has left. One chain
// alone runs on BoringSSL's block function; interleaving needs SHA-NI.
void RunChains(std::vector<Chain>& chains) {
#if defined(CERTKIT_SHA_NI)
  const bool sha_ni = HasShaNi();
#endif
  Chain* lanes[kMaxLanes];
  size_t active = 0, next = 0;
  for (;;) {
    size_t kept = 0;
    for (size_t i = 0; i < active; ++i) {
      if (lanes[i]->pairs > 0) lanes[kept++] = lanes[i];
    }
    active = kept;
    while (active < kMaxLanes && next < chains.size()) {
      Chain* c = &chains[next++];
      if (c->pairs > 0) lanes[active++] = c;
    }
    if (active == 0) return;
    uint64_t pairs = lanes[0]->pairs;
    for (size_t i = 1; i < active; ++i) pairs = std::min(pairs, lanes[i]->pairs);
#if defined(CERTKIT_SHA_NI)
    if (sha_ni && active == 2) {
      PairsShaNi<2>(lanes, pairs);
      continue;
    }
    if (sha_ni && active == 3) {
      PairsShaNi<3>(lanes, pairs);
      continue;
    }
#endif
    PairsPortable<1>(lanes, lanes[0]->pairs);
  }
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
  const Pbkdf2Sha256Job job{password, salt, iterations, out};
  RunSha256Kdfs(absl::MakeConstSpan(&job, 1), {});
}

void Sha256Iterate(uint8_t digest[kSha256Len], uint32_t rounds) {
  const Sha256IterateJob job{digest, rounds};
  RunSha256Kdfs({}, absl::MakeConstSpan(&job, 1));
}

void RunSha256Kdfs(absl::Span<const Pbkdf2Sha256Job> pbkdf2,
                   absl::Span<const Sha256IterateJob> iterate) {
  // The HMAC keys first: a Chain points at its key's states.
  std::vector<HmacSha256Key> keys;
  keys.reserve(pbkdf2.size());
  size_t chain_count = iterate.size();
  for (const Pbkdf2Sha256Job& job : pbkdf2) {
    keys.emplace_back(job.password);
    chain_count += (job.out.size() + kSha256Len - 1) / kSha256Len;
  }
  std::vector<Chain> chains(chain_count);
  // T_i for each PBKDF2 output block, XORed in place; copied out at the end.
  std::vector<std::array<uint8_t, kSha256Len>> t(chain_count);
  size_t c = 0;
  for (size_t j = 0; j < pbkdf2.size(); ++j) {
    const Pbkdf2Sha256Job& job = pbkdf2[j];
    const uint32_t iterations = std::max<uint32_t>(job.iterations, 1);
    uint32_t block_index = 1;
    for (size_t done = 0; done < job.out.size(); done += kSha256Len, ++block_index, ++c) {
      Chain& chain = chains[c];
      chain.hmac = true;
      chain.start[0] = keys[j].inner_state();
      chain.start[1] = keys[j].outer_state();
      PadDigestBlock(chain.block[0], 1);
      PadDigestBlock(chain.block[1], 1);
      // U_1 = PRF(P, S || INT(i)); T_i starts as U_1.
      std::vector<uint8_t> first(job.salt.begin(), job.salt.end());
      first.resize(job.salt.size() + 4);
      StoreBe32(first.data() + job.salt.size(), block_index);
      keys[j].Mac(first, t[c].data());
      std::memcpy(chain.block[0], t[c].data(), kSha256Len);
      chain.acc = t[c].data();
      // U_j = PRF(P, U_{j-1}), j = 2..iterations: one pair each.
      chain.pairs = iterations - 1;
    }
  }
  uint32_t iv[8];
  InitialState(iv);
  for (const Sha256IterateJob& job : iterate) {
    Chain& chain = chains[c++];
    chain.start[0] = chain.start[1] = iv;
    PadDigestBlock(chain.block[0], 0);
    std::memcpy(chain.block[0], job.digest, kSha256Len);
    if (job.rounds % 2 == 1) {  // the odd round alone, then pairs
      uint32_t state[8];
      std::memcpy(state, iv, sizeof(state));
      SHA256_TransformBlocks(state, chain.block[0], 1);
      StateToBytes(state, chain.block[0]);
    }
    chain.pairs = job.rounds / 2;
  }
  RunChains(chains);
  c = 0;
  for (const Pbkdf2Sha256Job& job : pbkdf2) {
    for (size_t done = 0; done < job.out.size(); done += kSha256Len, ++c) {
      const size_t take = std::min(kSha256Len, job.out.size() - done);
      std::memcpy(job.out.data() + done, t[c].data(), take);
    }
  }
  for (const Sha256IterateJob& job : iterate) std::memcpy(job.digest, chains[c++].block[0], kSha256Len);
  for (auto& block : t) OPENSSL_cleanse(block.data(), block.size());
}

}  // namespace crypto
}  // namespace certkit
