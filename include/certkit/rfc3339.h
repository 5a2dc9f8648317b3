// certkit/rfc3339.h: RFC 3339 timestamps ("2030-01-02T03:04:05Z"), the
// form certkit writes into manifests and JSON output.
#ifndef CERTKIT_RFC3339_H_
#define CERTKIT_RFC3339_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace certkit {

// ParseRfc3339 parses an RFC 3339 time with any offset. Anything else is
// kInvalidArgument naming the text.
absl::StatusOr<absl::Time> ParseRfc3339(absl::string_view text);

// FormatRfc3339 prints |t| in UTC with second precision ("...Z").
std::string FormatRfc3339(absl::Time t);

}  // namespace certkit

#endif  // CERTKIT_RFC3339_H_
