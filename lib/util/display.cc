#include "certkit/display.h"

#include <cstdint>

#include "absl/strings/str_format.h"

namespace certkit {
namespace {

// DecodeUtf8 reads one well-formed UTF-8 sequence (no overlongs, no
// surrogates, at most U+10FFFF) at |s|; returns its length, or 0 when the
// bytes there are not valid UTF-8.
size_t DecodeUtf8(absl::string_view s, uint32_t* cp) {
  const auto b = [&](size_t i) { return static_cast<uint8_t>(s[i]); };
  const uint8_t c = b(0);
  size_t len;
  uint32_t min;
  if (c < 0x80) {
    *cp = c;
    return 1;
  } else if ((c & 0xE0) == 0xC0) {
    len = 2, min = 0x80, *cp = c & 0x1F;
  } else if ((c & 0xF0) == 0xE0) {
    len = 3, min = 0x800, *cp = c & 0x0F;
  } else if ((c & 0xF8) == 0xF0) {
    len = 4, min = 0x10000, *cp = c & 0x07;
  } else {
    return 0;
  }
  if (s.size() < len) return 0;
  for (size_t i = 1; i < len; ++i) {
    if ((b(i) & 0xC0) != 0x80) return 0;
    *cp = (*cp << 6) | (b(i) & 0x3F);
  }
  if (*cp < min || *cp > 0x10FFFF || (*cp >= 0xD800 && *cp <= 0xDFFF)) return 0;
  return len;
}

bool IsHiddenOrControl(uint32_t cp) {
  return (cp >= 0x80 && cp <= 0x9F) || cp == 0x2028 || cp == 0x2029 ||
         (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069);
}

}  // namespace

std::string EscapeForDisplay(absl::string_view text) {
  std::string out;
  out.reserve(text.size());
  size_t i = 0;
  while (i < text.size()) {
    const uint8_t c = static_cast<uint8_t>(text[i]);
    if (c == '\n') {
      out += "\\n";
      ++i;
      continue;
    }
    if (c == '\r') {
      out += "\\r";
      ++i;
      continue;
    }
    if (c == '\t') {
      out += "\\t";
      ++i;
      continue;
    }
    if (c < 0x20 || c == 0x7F) {
      absl::StrAppendFormat(&out, "\\x%02X", c);
      ++i;
      continue;
    }
    uint32_t cp = 0;
    const size_t len = DecodeUtf8(text.substr(i), &cp);
    if (len == 0) {
      absl::StrAppendFormat(&out, "\\x%02X", c);
      ++i;
      continue;
    }
    if (IsHiddenOrControl(cp)) {
      absl::StrAppendFormat(&out, "\\u{%04X}", cp);
    } else {
      out.append(text.data() + i, len);
    }
    i += len;
  }
  return out;
}

bool IsDisplaySafe(absl::string_view text) { return EscapeForDisplay(text) == text; }

std::string EscapeJsonForDisplay(absl::string_view json) {
  std::string out;
  out.reserve(json.size());
  size_t i = 0;
  while (i < json.size()) {
    uint32_t cp = 0;
    const size_t len = static_cast<uint8_t>(json[i]) < 0x80 ? 1 : DecodeUtf8(json.substr(i), &cp);
    if (len > 1 && IsHiddenOrControl(cp)) {
      absl::StrAppendFormat(&out, "\\u%04x", cp);  // one BMP code point: one \uXXXX
    } else {
      out.append(json.data() + i, len == 0 ? 1 : len);
    }
    i += len == 0 ? 1 : len;
  }
  return out;
}

}  // namespace certkit
