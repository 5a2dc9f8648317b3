#include "keystore/java_strings.h"

#include <locale.h>
#include <wctype.h>

#include "absl/strings/str_cat.h"
#include "certkit/error.h"

namespace certkit {
namespace keystore {
namespace {

// DecodeUtf8 returns the code points of |utf8|, or false on invalid input
// (overlong forms, surrogates, > U+10FFFF, truncation).
bool DecodeUtf8(absl::string_view utf8, std::u32string* out) {
  size_t i = 0;
  while (i < utf8.size()) {
    uint8_t c = static_cast<uint8_t>(utf8[i]);
    uint32_t cp;
    size_t n;
    if (c < 0x80) {
      cp = c;
      n = 0;
    } else if ((c & 0xE0) == 0xC0) {
      cp = c & 0x1F;
      n = 1;
    } else if ((c & 0xF0) == 0xE0) {
      cp = c & 0x0F;
      n = 2;
    } else if ((c & 0xF8) == 0xF0) {
      cp = c & 0x07;
      n = 3;
    } else {
      return false;
    }
    if (i + n >= utf8.size()) return false;  // truncated sequence
    for (size_t k = 1; k <= n; ++k) {
      uint8_t cc = static_cast<uint8_t>(utf8[i + k]);
      if ((cc & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (cc & 0x3F);
    }
    static const uint32_t kMin[] = {0, 0x80, 0x800, 0x10000};
    if (cp < kMin[n] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
    out->push_back(cp);
    i += n + 1;
  }
  return true;
}

void AppendUtf8(uint32_t cp, std::string* out) {
  if (cp < 0x80) {
    out->push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out->push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out->push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out->push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

void AppendUtf16(uint32_t cp, std::u16string* out) {
  if (cp < 0x10000) {
    out->push_back(static_cast<char16_t>(cp));
  } else {
    cp -= 0x10000;
    out->push_back(static_cast<char16_t>(0xD800 + (cp >> 10)));
    out->push_back(static_cast<char16_t>(0xDC00 + (cp & 0x3FF)));
  }
}

// Cased / case-ignorable approximations for the final-sigma rule.
bool IsCasedLetter(locale_t loc, uint32_t cp) {
  return iswalpha_l(static_cast<wint_t>(cp), loc) &&
         (iswlower_l(static_cast<wint_t>(cp), loc) || iswupper_l(static_cast<wint_t>(cp), loc));
}

locale_t Utf8Locale() {
  static locale_t loc = [] {
    locale_t l = newlocale(LC_CTYPE_MASK, "C.UTF-8", static_cast<locale_t>(0));
    if (l == static_cast<locale_t>(0)) l = newlocale(LC_CTYPE_MASK, "C.utf8", static_cast<locale_t>(0));
    return l;
  }();
  return loc;
}

}  // namespace

absl::StatusOr<std::u16string> Utf8ToUtf16(absl::string_view utf8, absl::string_view what) {
  std::u32string cps;
  if (!DecodeUtf8(utf8, &cps)) {
    return MakeError(ErrorKind::kInvalidArgument, absl::StrCat(what, " is not valid UTF-8"));
  }
  std::u16string out;
  for (uint32_t cp : cps) AppendUtf16(cp, &out);
  return out;
}

absl::StatusOr<std::string> Utf16ToUtf8(const std::u16string& utf16, absl::string_view what) {
  std::string out;
  for (size_t i = 0; i < utf16.size(); ++i) {
    uint32_t u = utf16[i];
    if (u >= 0xD800 && u <= 0xDBFF) {
      if (i + 1 >= utf16.size() || utf16[i + 1] < 0xDC00 || utf16[i + 1] > 0xDFFF) {
        return MakeError(ErrorKind::kMalformed, absl::StrCat(what, " has an unpaired surrogate"));
      }
      u = 0x10000 + ((u - 0xD800) << 10) + (utf16[i + 1] - 0xDC00);
      ++i;
    } else if (u >= 0xDC00 && u <= 0xDFFF) {
      return MakeError(ErrorKind::kMalformed, absl::StrCat(what, " has an unpaired surrogate"));
    }
    AppendUtf8(u, &out);
  }
  return out;
}

std::vector<uint8_t> Utf16Be(const std::u16string& utf16) {
  std::vector<uint8_t> out;
  out.reserve(utf16.size() * 2);
  for (char16_t c : utf16) {
    out.push_back(static_cast<uint8_t>(c >> 8));
    out.push_back(static_cast<uint8_t>(c & 0xFF));
  }
  return out;
}

absl::StatusOr<std::u16string> FromUtf16Be(absl::Span<const uint8_t> bytes, absl::string_view what) {
  if (bytes.size() % 2 != 0) {
    return MakeError(ErrorKind::kMalformed, absl::StrCat(what, " has an odd UTF-16 length"));
  }
  std::u16string out;
  for (size_t i = 0; i < bytes.size(); i += 2) {
    out.push_back(static_cast<char16_t>((bytes[i] << 8) | bytes[i + 1]));
  }
  return out;
}

std::string EncodeModifiedUtf8(const std::u16string& utf16) {
  std::string out;
  for (char16_t c : utf16) {
    if (c >= 0x01 && c <= 0x7F) {
      out.push_back(static_cast<char>(c));
    } else if (c <= 0x7FF) {  // includes U+0000 as C0 80
      out.push_back(static_cast<char>(0xC0 | (c >> 6)));
      out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
    } else {
      out.push_back(static_cast<char>(0xE0 | (c >> 12)));
      out.push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
      out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
    }
  }
  return out;
}

absl::StatusOr<std::u16string> DecodeModifiedUtf8(absl::Span<const uint8_t> bytes,
                                                  absl::string_view what) {
  std::u16string out;
  auto bad = [&] {
    return MakeError(ErrorKind::kMalformed, absl::StrCat(what, " is not valid modified UTF-8"));
  };
  size_t i = 0;
  while (i < bytes.size()) {
    uint8_t c = bytes[i];
    if (c < 0x80) {
      if (c == 0) return bad();
      out.push_back(c);
      i += 1;
    } else if ((c & 0xE0) == 0xC0) {
      if (i + 1 >= bytes.size() || (bytes[i + 1] & 0xC0) != 0x80) return bad();
      out.push_back(static_cast<char16_t>(((c & 0x1F) << 6) | (bytes[i + 1] & 0x3F)));
      i += 2;
    } else if ((c & 0xF0) == 0xE0) {
      if (i + 2 >= bytes.size() || (bytes[i + 1] & 0xC0) != 0x80 || (bytes[i + 2] & 0xC0) != 0x80) {
        return bad();
      }
      out.push_back(static_cast<char16_t>(((c & 0x0F) << 12) | ((bytes[i + 1] & 0x3F) << 6) |
                                          (bytes[i + 2] & 0x3F)));
      i += 3;
    } else {
      return bad();
    }
  }
  return out;
}

std::string JavaLowerCase(absl::string_view utf8) {
  std::u32string cps;
  if (!DecodeUtf8(utf8, &cps)) return std::string(utf8);
  locale_t loc = Utf8Locale();
  std::string out;
  for (size_t i = 0; i < cps.size(); ++i) {
    uint32_t cp = cps[i];
    if (cp < 0x80) {
      AppendUtf8((cp >= 'A' && cp <= 'Z') ? cp + 32 : cp, &out);
      continue;
    }
    if (cp == 0x0130) {  // LATIN CAPITAL LETTER I WITH DOT ABOVE -> i + COMBINING DOT ABOVE
      AppendUtf8('i', &out);
      AppendUtf8(0x0307, &out);
      continue;
    }
    if (cp == 0x03A3) {  // GREEK CAPITAL SIGMA: final form after a cased letter, not before one
      bool before = i > 0 && loc != static_cast<locale_t>(0) && IsCasedLetter(loc, cps[i - 1]);
      bool after = i + 1 < cps.size() && loc != static_cast<locale_t>(0) && IsCasedLetter(loc, cps[i + 1]);
      AppendUtf8(before && !after ? 0x03C2 : 0x03C3, &out);
      continue;
    }
    uint32_t lower = cp;
    if (loc != static_cast<locale_t>(0)) lower = static_cast<uint32_t>(towlower_l(static_cast<wint_t>(cp), loc));
    AppendUtf8(lower, &out);
  }
  return out;
}

}  // namespace keystore
}  // namespace certkit
