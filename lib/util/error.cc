#include "certkit/error.h"

#include <string>

#include "absl/base/macros.h"
#include "absl/strings/cord.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace certkit {
namespace {

constexpr absl::string_view kKindPayloadUrl = "type.certkit.dev/certkit.ErrorKind";

// One row of lib/util/errors.def (the C++ kinds; C-only codes are in capi/).
struct ErrorKindInfo {
  ErrorKind kind;
  const char* name;
  ErrorCategory category;
  absl::StatusCode code;
  const char* description;
};

#include "util/error_data.inc"

// Info returns the row of |kind|, or nullptr for a value that is not a kind.
const ErrorKindInfo* Info(ErrorKind kind) {
  for (const ErrorKindInfo& info : kErrorKinds) {
    if (info.kind == kind) return &info;
  }
  return nullptr;
}

}  // namespace

const char* ErrorKindName(ErrorKind kind) {
  const ErrorKindInfo* info = Info(kind);
  return info != nullptr ? info->name : "unknown";
}

const char* ErrorKindDescription(ErrorKind kind) {
  const ErrorKindInfo* info = Info(kind);
  return info != nullptr ? info->description : "unknown error";
}

ErrorCategory ErrorKindCategory(ErrorKind kind) {
  const ErrorKindInfo* info = Info(kind);
  return info != nullptr ? info->category : ErrorCategory::kNone;
}

const char* ErrorCategoryName(ErrorCategory category) {
  const auto index = static_cast<size_t>(category);
  return index < ABSL_ARRAYSIZE(kErrorCategoryNames) ? kErrorCategoryNames[index] : "unknown";
}

absl::Status MakeError(ErrorKind kind, absl::string_view message) {
  if (kind == ErrorKind::kOk) kind = ErrorKind::kInternal;
  const ErrorKindInfo* info = Info(kind);
  absl::Status status(info != nullptr ? info->code : absl::StatusCode::kUnknown, message);
  status.SetPayload(kKindPayloadUrl, absl::Cord(absl::StrCat(static_cast<int>(kind))));
  return status;
}

ErrorKind GetErrorKind(const absl::Status& status) {
  if (status.ok()) return ErrorKind::kOk;
  if (absl::optional<absl::Cord> payload = status.GetPayload(kKindPayloadUrl)) {
    int value = 0;
    if (absl::SimpleAtoi(std::string(*payload), &value)) return static_cast<ErrorKind>(value);
  }
  switch (status.code()) {
    case absl::StatusCode::kInvalidArgument: return ErrorKind::kInvalidArgument;
    case absl::StatusCode::kNotFound: return ErrorKind::kNotFound;
    case absl::StatusCode::kAlreadyExists: return ErrorKind::kAlreadyExists;
    case absl::StatusCode::kPermissionDenied: return ErrorKind::kBadPassword;
    case absl::StatusCode::kUnimplemented: return ErrorKind::kUnsupported;
    case absl::StatusCode::kDataLoss: return ErrorKind::kIntegrity;
    case absl::StatusCode::kResourceExhausted: return ErrorKind::kLimitExceeded;
    case absl::StatusCode::kUnavailable: return ErrorKind::kIo;
    default: return ErrorKind::kInternal;
  }
}

absl::Status Annotate(const absl::Status& status, absl::string_view context) {
  if (status.ok()) return status;
  absl::Status out(status.code(), absl::StrCat(context, ": ", status.message()));
  status.ForEachPayload([&out](absl::string_view url, const absl::Cord& payload) {
    out.SetPayload(url, payload);
  });
  return out;
}

}  // namespace certkit
