// lib/keystore/java_strings.h (internal): the string conventions of Java key
// stores: UTF-16 (passwords, BMPString friendly names), Java's "modified
// UTF-8" (DataOutputStream.writeUTF, used for JKS aliases) and alias
// lower-casing with String.toLowerCase(Locale.ENGLISH) semantics.
#ifndef CERTKIT_LIB_KEYSTORE_JAVA_STRINGS_H_
#define CERTKIT_LIB_KEYSTORE_JAVA_STRINGS_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"

namespace certkit {
namespace keystore {

// Utf8ToUtf16 converts UTF-8 to UTF-16 code units (non-BMP characters become
// surrogate pairs). Invalid UTF-8 is kInvalidArgument naming |what|.
absl::StatusOr<std::u16string> Utf8ToUtf16(absl::string_view utf8, absl::string_view what);

// Utf16ToUtf8 converts UTF-16 code units to UTF-8. Unpaired surrogates are
// kMalformed naming |what|.
absl::StatusOr<std::string> Utf16ToUtf8(const std::u16string& utf16, absl::string_view what);

// Utf16Be serializes code units big-endian (Java's char[] -> bytes as used
// by the JKS digest and the Sun key protector; BMPString contents).
std::vector<uint8_t> Utf16Be(const std::u16string& utf16);
// FromUtf16Be parses big-endian code units (odd length: kMalformed).
absl::StatusOr<std::u16string> FromUtf16Be(absl::Span<const uint8_t> bytes,
                                           absl::string_view what);

// EncodeModifiedUtf8 encodes like DataOutputStream.writeUTF without the
// length prefix: U+0000 as C0 80, each UTF-16 unit separately (so non-BMP
// characters are two 3-byte sequences).
std::string EncodeModifiedUtf8(const std::u16string& utf16);
// DecodeModifiedUtf8 reverses EncodeModifiedUtf8 (kMalformed on bad bytes).
absl::StatusOr<std::u16string> DecodeModifiedUtf8(absl::Span<const uint8_t> bytes,
                                                  absl::string_view what);

// JavaLowerCase lower-cases valid UTF-8 like toLowerCase(Locale.ENGLISH):
// Unicode simple lower-case mappings plus the special cases U+0130 (to
// "i" U+0307) and final sigma. Invalid UTF-8 is returned unchanged.
std::string JavaLowerCase(absl::string_view utf8);

}  // namespace keystore
}  // namespace certkit

#endif  // CERTKIT_LIB_KEYSTORE_JAVA_STRINGS_H_
