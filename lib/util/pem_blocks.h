// lib/util/pem_blocks.h (internal): splitting text into PEM blocks.
#ifndef CERTKIT_LIB_UTIL_PEM_BLOCKS_H_
#define CERTKIT_LIB_UTIL_PEM_BLOCKS_H_

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"

namespace certkit {
namespace pem {

struct Block {
  std::string label;                                        // "CERTIFICATE", ...
  std::vector<std::pair<std::string, std::string>> headers; // "Proc-Type", "DEK-Info"
  std::vector<uint8_t> der;                                 // decoded body
  // Header looks up a header by name ("" when absent).
  std::string Header(absl::string_view name) const;
};

// LooksLikePem reports whether |data| contains a "-----BEGIN " line.
bool LooksLikePem(absl::Span<const uint8_t> data);
bool LooksLikePem(absl::string_view text);

// Most blocks one input may hold: far above any real bundle (Mozilla's CA
// bundle has ~150, a 1000-node cluster bundle 1000), low enough that hostile
// input costs bounded time and memory: a bundle of 10,000 certificates
// (about 7 MB) is read, inspected or used as intermediates in about a
// second, within 10 times its size in memory (SECURITY.md, "Bounds"). At
// 100,000 a 59 MB bundle took `inspect` 11 s and 0.55 GB.
inline constexpr size_t kMaxBlocks = 10'000;

// Parse returns every block in |text|, in order. Text outside blocks is
// ignored (comments, "Bag Attributes" lines). A block with a mismatched END
// label, a missing END line or an invalid base64 body is kMalformed naming the
// label and the block's index; more than kMaxBlocks blocks is kLimitExceeded.
absl::StatusOr<std::vector<Block>> Parse(absl::string_view text);

// Content says whether a block's bytes are secret. Secret bytes (the
// default) are base64-encoded in constant time (BoringSSL's EVP_EncodeBlock,
// no table lookups indexed by the data); public ones (certificates, CSRs,
// CRLs, public keys) with a lookup table, about five times faster.
enum class Content { kSecret, kPublic };

// Encode returns the PEM armor of |der| under |label| with 64-column lines.
std::string Encode(absl::string_view label, absl::Span<const uint8_t> der,
                   const std::vector<std::pair<std::string, std::string>>& headers = {},
                   Content content = Content::kSecret);

// EncodePublic is Encode for public bytes without headers.
inline std::string EncodePublic(absl::string_view label, absl::Span<const uint8_t> der) {
  return Encode(label, der, {}, Content::kPublic);
}

}  // namespace pem
}  // namespace certkit

#endif  // CERTKIT_LIB_UTIL_PEM_BLOCKS_H_
