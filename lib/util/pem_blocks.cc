#include "util/pem_blocks.h"

#include <algorithm>
#include <cstring>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "certkit/error.h"
#include "openssl/base64.h"

namespace certkit {
namespace pem {
namespace {

constexpr absl::string_view kBegin = "-----BEGIN ";
constexpr absl::string_view kEnd = "-----END ";
constexpr absl::string_view kDashes = "-----";

// ArmorLabel returns the label of a "-----BEGIN X-----" style line after
// |prefix|, or false when |line| is not such a line.
bool ArmorLabel(absl::string_view line, absl::string_view prefix, std::string* label) {
  line = absl::StripAsciiWhitespace(line);
  if (!absl::ConsumePrefix(&line, prefix)) return false;
  if (!absl::ConsumeSuffix(&line, kDashes)) return false;
  *label = std::string(line);
  return true;
}

}  // namespace

std::string Block::Header(absl::string_view name) const {
  for (const auto& h : headers) {
    if (absl::EqualsIgnoreCase(h.first, name)) return h.second;
  }
  return "";
}

bool LooksLikePem(absl::string_view text) { return absl::StrContains(text, kBegin); }

bool LooksLikePem(absl::Span<const uint8_t> data) {
  return LooksLikePem(absl::string_view(reinterpret_cast<const char*>(data.data()), data.size()));
}

namespace {

// Lines walks |text| line by line without splitting it up front, so memory
// stays proportional to the blocks returned.
class Lines {
 public:
  explicit Lines(absl::string_view text) : text_(text) {}
  bool done() const { return pos_ > text_.size(); }
  // current returns the line at the cursor (without its '\n').
  absl::string_view current() const {
    const size_t end = text_.find('\n', pos_);
    return text_.substr(pos_, end == absl::string_view::npos ? absl::string_view::npos : end - pos_);
  }
  void next() {
    const size_t end = text_.find('\n', pos_);
    pos_ = end == absl::string_view::npos ? text_.size() + 1 : end + 1;
  }

 private:
  absl::string_view text_;
  size_t pos_ = 0;
};

}  // namespace

absl::StatusOr<std::vector<Block>> Parse(absl::string_view text) {
  std::vector<Block> blocks;
  Lines lines(text);
  while (!lines.done()) {
    std::string label;
    if (!ArmorLabel(lines.current(), kBegin, &label)) {
      lines.next();
      continue;
    }
    const size_t index = blocks.size();
    if (index == kMaxBlocks) {
      return MakeError(ErrorKind::kLimitExceeded,
                       absl::StrCat("input holds more than ", kMaxBlocks, " PEM blocks"));
    }
    Block block;
    block.label = label;
    lines.next();
    // RFC 1421 headers: "Name: value" lines up to a blank line.
    if (!lines.done() && absl::StrContains(lines.current(), ":")) {
      while (!lines.done()) {
        absl::string_view l = absl::StripAsciiWhitespace(lines.current());
        if (l.empty()) {
          lines.next();
          break;
        }
        size_t colon = l.find(':');
        if (colon == absl::string_view::npos) break;
        block.headers.emplace_back(std::string(absl::StripAsciiWhitespace(l.substr(0, colon))),
                                   std::string(absl::StripAsciiWhitespace(l.substr(colon + 1))));
        lines.next();
      }
    }
    std::string body;
    bool ended = false;
    for (; !lines.done(); lines.next()) {
      const absl::string_view line = lines.current();
      std::string end_label;
      if (ArmorLabel(line, kEnd, &end_label)) {
        if (end_label != label) {
          return MakeError(ErrorKind::kMalformed,
                           absl::StrCat("PEM block ", index + 1, " starts as '", label,
                                        "' but ends as '", end_label, "'"));
        }
        ended = true;
        lines.next();
        break;
      }
      if (absl::StartsWith(absl::StripLeadingAsciiWhitespace(line), kBegin)) break;
      absl::StrAppend(&body, absl::StripAsciiWhitespace(line));
    }
    if (!ended) {
      return MakeError(ErrorKind::kMalformed,
                       absl::StrCat("PEM block ", index + 1, " ('", label,
                                    "') has no END line: the input is truncated"));
    }
    std::string der;
    if (body.empty() || !absl::Base64Unescape(body, &der)) {
      return MakeError(ErrorKind::kMalformed, absl::StrCat("PEM block ", index + 1, " ('", label,
                                                           "') has an invalid base64 body"));
    }
    block.der.assign(der.begin(), der.end());
    blocks.push_back(std::move(block));
  }
  return blocks;
}

namespace {

// EncodeTable writes the base64 of |n| public bytes |in| to |out| (4 per 3,
// '=' padded) and returns the count written.
size_t EncodeTable(uint8_t* out, const uint8_t* in, size_t n) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  uint8_t* const start = out;
  size_t i = 0;
  for (; i + 3 <= n; i += 3) {
    const uint32_t v = (uint32_t{in[i]} << 16) | (uint32_t{in[i + 1]} << 8) | in[i + 2];
    *out++ = kAlphabet[v >> 18];
    *out++ = kAlphabet[(v >> 12) & 63];
    *out++ = kAlphabet[(v >> 6) & 63];
    *out++ = kAlphabet[v & 63];
  }
  if (i < n) {
    const uint32_t v = (uint32_t{in[i]} << 16) | (i + 1 < n ? uint32_t{in[i + 1]} << 8 : 0);
    *out++ = kAlphabet[v >> 18];
    *out++ = kAlphabet[(v >> 12) & 63];
    *out++ = i + 1 < n ? kAlphabet[(v >> 6) & 63] : '=';
    *out++ = '=';
  }
  return static_cast<size_t>(out - start);
}

}  // namespace

std::string Encode(absl::string_view label, absl::Span<const uint8_t> der,
                   const std::vector<std::pair<std::string, std::string>>& headers,
                   Content content) {
  // Written in place: 48 input bytes make one 64-column line.
  constexpr size_t kLineInput = 48;
  const size_t lines = (der.size() + kLineInput - 1) / kLineInput;
  size_t header_size = 0;
  for (const auto& h : headers) header_size += h.first.size() + h.second.size() + 3;
  std::string out;
  out.reserve(2 * (label.size() + 20) + header_size + 1 + 4 * ((der.size() + 2) / 3) + lines);
  absl::StrAppend(&out, kBegin, label, kDashes, "\n");
  for (const auto& h : headers) absl::StrAppend(&out, h.first, ": ", h.second, "\n");
  if (!headers.empty()) out += "\n";
  for (size_t i = 0; i < der.size(); i += kLineInput) {
    const size_t n = std::min(kLineInput, der.size() - i);
    const size_t at = out.size();
    out.resize(at + 4 * ((n + 2) / 3) + 1);  // EVP_EncodeBlock adds a NUL
    uint8_t* const line = reinterpret_cast<uint8_t*>(&out[at]);
    const size_t written = content == Content::kPublic ? EncodeTable(line, der.data() + i, n)
                                                       : EVP_EncodeBlock(line, der.data() + i, n);
    out.resize(at + written);
    out.push_back('\n');
  }
  absl::StrAppend(&out, kEnd, label, kDashes, "\n");
  return out;
}

}  // namespace pem
}  // namespace certkit
