// fuzz/jks_mutator.h: a libFuzzer custom mutator for JKS/JCEKS inputs. After
// libFuzzer's own mutation it recomputes the 20-byte integrity digest
// (SHA-1 of the UTF-16BE password, "Mighty Aphrodite" and the body) with the
// seeds' password, so mutations reach the entry parser and the key
// protectors instead of stopping at the digest check. A mutated magic is
// left as it is (then it is not a JKS file).
#ifndef CERTKIT_FUZZ_JKS_MUTATOR_H_
#define CERTKIT_FUZZ_JKS_MUTATOR_H_

#include <cstddef>
#include <cstdint>

#include "fuzz_common.h"
#include "openssl/sha.h"

extern "C" size_t LLVMFuzzerMutate(uint8_t* data, size_t size, size_t max_size);

namespace certkit_fuzz {

inline void RehashJks(uint8_t* data, size_t size) {
  if (size < 4 + 20) return;
  const uint32_t magic = (uint32_t{data[0]} << 24) | (uint32_t{data[1]} << 16) |
                         (uint32_t{data[2]} << 8) | data[3];
  if (magic != 0xFEEDFEED && magic != 0xCECECECE) return;
  SHA_CTX ctx;
  SHA1_Init(&ctx);
  for (const char* p = kPassword; *p != '\0'; ++p) {
    const uint8_t utf16[2] = {0, static_cast<uint8_t>(*p)};
    SHA1_Update(&ctx, utf16, 2);
  }
  SHA1_Update(&ctx, "Mighty Aphrodite", 16);
  SHA1_Update(&ctx, data, size - 20);
  SHA1_Final(data + size - 20, &ctx);
}

inline size_t MutateJks(uint8_t* data, size_t size, size_t max_size) {
  size = LLVMFuzzerMutate(data, size, max_size);
  RehashJks(data, size);
  return size;
}

}  // namespace certkit_fuzz

#endif  // CERTKIT_FUZZ_JKS_MUTATOR_H_
