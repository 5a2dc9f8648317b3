// Prints the C++ error table as the library has it at run time, one kind per
// line: number, name, category, absl status code, round trip, description
// (tab-separated). check_tables.py compares it with lib/util/errors.def.
#include <cstdio>

#include "absl/status/status.h"
#include "certkit/error.h"

int main() {
  for (int value = 0; value < 256; ++value) {
    const auto kind = static_cast<certkit::ErrorKind>(value);
    const absl::Status status = certkit::MakeError(kind, "x");
    // MakeError turns kOk into kInternal; a kind must survive the payload.
    const bool round_trip = value == 0 || certkit::GetErrorKind(status) == kind;
    std::printf("%d\t%s\t%s\t%s\t%s\t%s\n", value, certkit::ErrorKindName(kind),
                certkit::ErrorCategoryName(certkit::ErrorKindCategory(kind)),
                value == 0 ? "OK" : absl::StatusCodeToString(status.code()).c_str(),
                round_trip ? "round_trip" : "lost", certkit::ErrorKindDescription(kind));
  }
  return 0;
}
