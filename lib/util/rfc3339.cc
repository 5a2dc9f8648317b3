#include "certkit/rfc3339.h"

#include "absl/strings/str_cat.h"
#include "certkit/error.h"

namespace certkit {

absl::StatusOr<absl::Time> ParseRfc3339(absl::string_view text) {
  absl::Time t;
  std::string err;
  if (!absl::ParseTime(absl::RFC3339_full, text, &t, &err)) {
    return MakeError(ErrorKind::kInvalidArgument,
                     absl::StrCat("invalid time '", text,
                                  "': expected RFC 3339 such as 2030-01-02T03:04:05Z (", err, ")"));
  }
  return t;
}

std::string FormatRfc3339(absl::Time t) {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", t, absl::UTCTimeZone());
}

}  // namespace certkit
