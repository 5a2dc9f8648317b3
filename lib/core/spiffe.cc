// lib/core/spiffe.cc: SPIFFE ID and --spiffe-id template checks
// (certkit/spiffe.h).
#include "certkit/spiffe.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "certkit/display.h"
#include "certkit/error.h"

namespace certkit {
namespace {

constexpr absl::string_view kScheme = "spiffe://";

// Shown: the ID escaped, at most 80 characters of it.
std::string Shown(absl::string_view id) {
  if (id.size() <= 80) return EscapeForDisplay(id);
  return absl::StrCat(EscapeForDisplay(id.substr(0, 80)), "...");
}

std::string CharName(char c) {
  const std::string escaped = EscapeForDisplay(absl::string_view(&c, 1));
  return absl::StrCat("'", escaped, "'");
}


bool TrustDomainChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '-' || c == '_';
}

bool PathChar(char c) {
  return absl::ascii_isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' || c == '_';
}

// The three placeholders of a template.
bool KnownPlaceholder(absl::string_view p) { return p == "name" || p == "role" || p == "kind"; }

// Substitute replaces the placeholders of |tmpl| with |kind| and |name|,
// checking their syntax (not the resulting ID).
absl::StatusOr<std::string> Substitute(absl::string_view tmpl, absl::string_view kind,
                                       absl::string_view name) {
  auto bad = [&](absl::string_view why) {
    return MakeError(ErrorKind::kInvalidArgument,
                     absl::StrCat("SPIFFE ID template '", Shown(tmpl), "': ", why));
  };
  if (tmpl.size() > kMaxSpiffeIdBytes) {
    return bad(absl::StrCat("longer than ", kMaxSpiffeIdBytes, " bytes (", tmpl.size(), ")"));
  }
  // The trust domain ends at the first '/' after the scheme: no placeholder before it.
  size_t path_start = absl::string_view::npos;
  if (absl::StartsWith(tmpl, kScheme)) path_start = tmpl.find('/', kScheme.size());
  std::string out;
  for (size_t i = 0; i < tmpl.size(); ++i) {
    const char c = tmpl[i];
    if (c == '}') return bad(absl::StrCat("'}' at byte ", i, " closes no placeholder"));
    if (c != '{') {
      out.push_back(c);
      continue;
    }
    const size_t close = tmpl.find('}', i + 1);
    const size_t next_open = tmpl.find('{', i + 1);
    if (close == absl::string_view::npos || (next_open != absl::string_view::npos && next_open < close)) {
      return bad(absl::StrCat("'{' at byte ", i, " is not closed by '}'"));
    }
    const absl::string_view placeholder = tmpl.substr(i + 1, close - i - 1);
    if (!KnownPlaceholder(placeholder)) {
      return bad(absl::StrCat("unknown placeholder {", EscapeForDisplay(placeholder.substr(0, 40)),
                              "} at byte ", i, " (known: {name}, {role}, {kind})"));
    }
    // (Without the scheme the ID check names that instead.)
    if (absl::StartsWith(tmpl, kScheme) && (path_start == absl::string_view::npos || i < path_start)) {
      return bad(absl::StrCat("placeholder {", placeholder, "} at byte ", i,
                              " is not in the path: the trust domain is fixed"));
    }
    absl::StrAppend(&out, placeholder == "kind" ? kind : name);
    i = close;
  }
  return out;
}

// Problem returns why |id| is not a SPIFFE ID, or "" when it is one.
std::string Problem(absl::string_view id) {
  if (id.size() > kMaxSpiffeIdBytes) {
    return std::string(absl::StrCat("longer than ", kMaxSpiffeIdBytes, " bytes (", id.size(), ")"));
  }
  if (!absl::StartsWith(id, kScheme)) {
    if (absl::StartsWithIgnoreCase(id, kScheme)) return std::string("the scheme must be lowercase 'spiffe'");
    return std::string("does not start with 'spiffe://'");
  }
  const size_t td_end = std::min(id.find('/', kScheme.size()), id.size());
  const absl::string_view td = id.substr(kScheme.size(), td_end - kScheme.size());
  if (td.empty()) return std::string("the trust domain is empty");
  if (td.size() > kMaxSpiffeTrustDomainBytes) {
    return std::string(absl::StrCat("the trust domain is longer than ", kMaxSpiffeTrustDomainBytes,
                                " bytes (", td.size(), ")"));
  }
  for (size_t i = 0; i < td.size(); ++i) {
    const char c = td[i];
    if (TrustDomainChar(c)) continue;
    const size_t at = kScheme.size() + i;
    std::string why;
    if (c == ':') {
      why = "the trust domain has a port (':'), which SPIFFE IDs do not allow";
    } else if (c == '@') {
      why = "the trust domain has userinfo ('@'), which SPIFFE IDs do not allow";
    } else if (c == '?' || c == '#') {
      why = absl::StrCat(c == '?' ? "a query ('?')" : "a fragment ('#')",
                         " is not allowed in a SPIFFE ID");
    } else if (absl::ascii_isupper(static_cast<unsigned char>(c))) {
      why = absl::StrCat("the trust domain must be lowercase (", CharName(c), ")");
    } else {
      why = absl::StrCat(CharName(c), " is not allowed in a trust domain (only a-z 0-9 . - _)");
    }
    return std::string(absl::StrCat(why, " at byte ", at));
  }
  if (td_end == id.size()) return "";
  // The path: "/" segment ...
  size_t seg_start = td_end + 1;
  while (true) {
    const size_t seg_end = std::min(id.find('/', seg_start), id.size());
    const absl::string_view seg = id.substr(seg_start, seg_end - seg_start);
    if (seg.empty()) {
      return std::string(seg_end == id.size()
                         ? absl::StrCat("the path ends with '/' (byte ", seg_start - 1, ")")
                         : absl::StrCat("empty path segment ('//') at byte ", seg_start - 1));
    }
    if (seg == "." || seg == "..") {
      return std::string(absl::StrCat("path segment '", seg, "' at byte ", seg_start,
                                  " is not allowed"));
    }
    for (size_t i = 0; i < seg.size(); ++i) {
      const char c = seg[i];
      if (PathChar(c)) continue;
      const size_t at = seg_start + i;
      if (c == '?' || c == '#') {
        return std::string(absl::StrCat(c == '?' ? "a query ('?')" : "a fragment ('#')",
                                    " is not allowed in a SPIFFE ID (byte ", at, ")"));
      }
      if (c == '%') {
        return std::string(absl::StrCat("percent-encoding ('%') is not allowed in a path (byte ", at, ")"));
      }
      return std::string(absl::StrCat(CharName(c), " at byte ", at,
                                  " is not allowed in a path segment (only A-Z a-z 0-9 . - _)"));
    }
    if (seg_end == id.size()) return "";
    seg_start = seg_end + 1;
  }
}

}  // namespace

bool IsSpiffeId(absl::string_view uri) { return absl::StartsWithIgnoreCase(uri, kScheme); }

absl::Status ValidateSpiffeId(absl::string_view id) {
  const std::string why = Problem(id);
  if (why.empty()) return absl::OkStatus();
  return MakeError(ErrorKind::kInvalidArgument, absl::StrCat("SPIFFE ID '", Shown(id), "': ", why));
}

std::string SpiffeTrustDomain(absl::string_view id) {
  if (!ValidateSpiffeId(id).ok()) return "";
  const size_t td_end = std::min(id.find('/', kScheme.size()), id.size());
  return std::string(id.substr(kScheme.size(), td_end - kScheme.size()));
}

absl::Status ValidateSpiffeIdTemplate(absl::string_view tmpl) {
  // Each placeholder replaced by as many valid characters: the byte offsets
  // a problem names are the template's.
  auto sample = Substitute(tmpl, "xxxxxx", "xxxxxx");
  if (!sample.ok()) return sample.status();
  const std::string why = Problem(*sample);
  if (why.empty()) return absl::OkStatus();
  return MakeError(ErrorKind::kInvalidArgument,
                   absl::StrCat("SPIFFE ID template '", Shown(tmpl), "': ", why));
}

absl::StatusOr<std::string> ExpandSpiffeId(absl::string_view tmpl, absl::string_view kind,
                                           absl::string_view name) {
  absl::Status s = ValidateSpiffeIdTemplate(tmpl);
  if (!s.ok()) return s;
  auto id = Substitute(tmpl, kind, name);
  if (!id.ok()) return id.status();
  s = ValidateSpiffeId(*id);
  if (!s.ok()) {
    return MakeError(ErrorKind::kInvalidArgument,
                     absl::StrCat("--spiffe-id for ", kind, " '", EscapeForDisplay(name), "': ",
                                  s.message()));
  }
  return *std::move(id);
}

}  // namespace certkit
