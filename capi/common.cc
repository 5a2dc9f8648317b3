// capi/common.cc: version, error reporting, buffers and the shared helpers of
// the C ABI.
#include <cstdlib>
#include <cstring>
#include <string>

#include "absl/strings/cord.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "capi/internal.h"
#include "certkit/version.h"

namespace certkit {
namespace capi {
namespace {

thread_local std::string g_last_error;

// Marks statuses made by NullArgument (a C-only code has no ErrorKind).
constexpr absl::string_view kNullPayloadUrl = "type.certkit.dev/capi.NullArgument";

}  // namespace

absl::Status NullArgument(const char* name) {
  absl::Status status =
      absl::InvalidArgumentError(absl::StrCat("required argument '", name, "' is NULL"));
  status.SetPayload(kNullPayloadUrl, absl::Cord("1"));
  return status;
}

const char* LastErrorMessage() { return g_last_error.c_str(); }

CertkitError ReportCode(CertkitError code, absl::string_view message) {
  try {
    g_last_error.assign(message.data(), message.size());
  } catch (...) {
    g_last_error.clear();
  }
  return code;
}

CertkitError Report(const absl::Status& status) {
  if (status.ok()) return ReportCode(CERTKIT_OK, "");
  if (status.GetPayload(kNullPayloadUrl).has_value()) {
    return ReportCode(CERTKIT_ERROR_NULL_ARGUMENT, status.message());
  }
  return ReportCode(static_cast<CertkitError>(GetErrorKind(status)), status.message());
}

absl::StatusOr<absl::string_view> Text(const char* data, size_t length, const char* name) {
  if (data == nullptr) return NullArgument(name);
  return absl::string_view(data, length);
}

absl::StatusOr<std::optional<absl::string_view>> OptionalText(const char* data, size_t length,
                                                              const char* name) {
  if (data == nullptr) {
    if (length != 0) return NullArgument(name);
    return std::optional<absl::string_view>();
  }
  return std::optional<absl::string_view>(absl::string_view(data, length));
}

absl::StatusOr<absl::Span<const uint8_t>> ByteInput(const uint8_t* data, size_t length,
                                                    const char* name) {
  if (data == nullptr && length != 0) return NullArgument(name);
  return absl::Span<const uint8_t>(data, data == nullptr ? 0 : length);
}

size_t Len(const char* s) { return s == nullptr ? 0 : std::strlen(s); }

absl::Status OutputText(absl::string_view text, char** out, size_t* out_length) {
  if (out == nullptr) return NullArgument("out");
  char* buffer = static_cast<char*>(std::malloc(text.size() + 1));
  if (buffer == nullptr) throw std::bad_alloc();
  if (!text.empty()) std::memcpy(buffer, text.data(), text.size());
  buffer[text.size()] = '\0';
  *out = buffer;
  if (out_length != nullptr) *out_length = text.size();
  return absl::OkStatus();
}

absl::Status OutputBytes(absl::Span<const uint8_t> bytes, uint8_t** out, size_t* out_length) {
  if (out == nullptr) return NullArgument("out");
  if (out_length == nullptr) return NullArgument("out_length");
  // malloc(0) may return NULL; always allocate at least one byte.
  uint8_t* buffer = static_cast<uint8_t*>(std::malloc(bytes.empty() ? 1 : bytes.size()));
  if (buffer == nullptr) throw std::bad_alloc();
  if (!bytes.empty()) std::memcpy(buffer, bytes.data(), bytes.size());
  *out = buffer;
  *out_length = bytes.size();
  return absl::OkStatus();
}

int64_t ToUnix(absl::Time t) { return absl::ToUnixSeconds(t); }
absl::Time FromUnix(int64_t seconds) { return absl::FromUnixSeconds(seconds); }

std::string SansToString(const std::vector<SubjectAltName>& sans) {
  return absl::StrJoin(sans, ",", [](std::string* out, const SubjectAltName& san) {
    out->append(san.ToString());
  });
}

}  // namespace capi
}  // namespace certkit

using certkit::capi::ReportCode;

namespace {

// CodeName and CodeDescription, generated from lib/util/errors.def.
#include "capi/error_data.inc"

}  // namespace

extern "C" {

// The library's own version (the VERSION file it was built from), so that a
// caller can compare it with the CERTKIT_VERSION_* macros it compiled with.
const char* certkit_version(void) { return certkit::Version(); }

uint32_t certkit_version_number(void) { return certkit::VersionNumber(); }

const char* certkit_error_desc(CertkitError code) {
  const char* description = CodeDescription(certkit::capi::EnumValue(code));
  return description != nullptr ? description : "unknown error";
}

const char* certkit_error_name(CertkitError code) {
  const char* name = CodeName(certkit::capi::EnumValue(code));
  return name != nullptr ? name : "unknown";
}

const char* certkit_last_error_message(void) {
  return certkit::capi::LastErrorMessage();
}

void certkit_buffer_free(void* buffer) { std::free(buffer); }

}  // extern "C"
