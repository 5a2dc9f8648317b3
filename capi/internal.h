// capi/internal.h (internal): the handle structs behind the C ABI and the
// helpers every entry point uses (argument checks, the exception guard,
// output buffers). Nothing here is visible to C callers.
#ifndef CERTKIT_CAPI_INTERNAL_H_
#define CERTKIT_CAPI_INTERNAL_H_

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "absl/types/span.h"
#include "certkit/ca.h"
#include "certkit/cert.h"
#include "certkit/certkit.h"
#include "certkit/csr.h"
#include "certkit/error.h"
#include "certkit/key.h"
#include "certkit/keystore.h"
#include "certkit/name.h"
#include "certkit/profile.h"
#include "certkit/verify.h"

// The opaque handles. Each holds the C++ value it names.
struct CertkitKey {
  certkit::PrivateKey key;
};
struct CertkitName {
  certkit::DistinguishedName name;
};
struct CertkitCert {
  certkit::Certificate cert;
};
struct CertkitCertList {
  std::vector<certkit::Certificate> certs;
};
struct CertkitCsr {
  certkit::CertificateRequest csr;
};
struct CertkitProfile {
  certkit::Profile profile;
};
struct CertkitCaOptions {
  certkit::CaOptions options;
};
struct CertkitIssueOptions {
  certkit::IssueOptions options;
};
struct CertkitCa {
  certkit::CertificateAuthority ca;
};
struct CertkitVerifyOptions {
  certkit::VerifyOptions options;
};
struct CertkitTrustStore {
  certkit::TrustStore trust;
};
struct CertkitKeystore {
  certkit::KeyStore store;
};

namespace certkit {
namespace capi {

// A status for a NULL required argument, naming it.
absl::Status NullArgument(const char* name);

// LastErrorMessage returns the calling thread's last error message.
const char* LastErrorMessage();

// Report records |status| as the calling thread's last error (its message;
// "" for OK) and returns the matching CertkitError.
CertkitError Report(const absl::Status& status);
// ReportCode records |message| with an explicit C-only |code|.
CertkitError ReportCode(CertkitError code, absl::string_view message);

// Guard runs |body| (returning absl::Status), converting any exception into
// CERTKIT_ERROR_OUT_OF_MEMORY / CERTKIT_ERROR_INTERNAL, and reports the result.
template <typename Body>
CertkitError Guard(Body&& body) noexcept {
  try {
    return Report(body());
  } catch (const std::bad_alloc&) {
    return ReportCode(CERTKIT_ERROR_OUT_OF_MEMORY, "out of memory");
  } catch (const std::exception& e) {
    return ReportCode(CERTKIT_ERROR_INTERNAL, std::string("internal error: ") + e.what());
  } catch (...) {
    return ReportCode(CERTKIT_ERROR_INTERNAL, "internal error: unknown exception");
  }
}

// Text turns a required (pointer, length) text input into a view; NULL is a
// NULL-argument error.
absl::StatusOr<absl::string_view> Text(const char* data, size_t length, const char* name);
// OptionalText: NULL means "not given" (nullopt).
absl::StatusOr<std::optional<absl::string_view>> OptionalText(const char* data, size_t length,
                                                              const char* name);
// Bytes turns a (pointer, length) byte input into a span (NULL only with 0).
absl::StatusOr<absl::Span<const uint8_t>> ByteInput(const uint8_t* data, size_t length,
                                                    const char* name);
// EnumValue reads an enum argument as the int the C caller passed. C callers
// may pass any int; loading such a value as the C++ enum type would be
// undefined (and trips -fsanitize=enum), so the bytes are copied instead.
template <typename Enum>
int EnumValue(const Enum& value) {
  static_assert(sizeof(Enum) == sizeof(int), "C enums are int-sized");
  int raw;
  std::memcpy(&raw, &value, sizeof(raw));
  return raw;
}

// Len is strlen that accepts NULL (0).
size_t Len(const char* s);

// OutputText copies |text| into a malloc'd NUL-terminated buffer.
absl::Status OutputText(absl::string_view text, char** out, size_t* out_length);
// OutputBytes copies |bytes| into a malloc'd buffer.
absl::Status OutputBytes(absl::Span<const uint8_t> bytes, uint8_t** out, size_t* out_length);

// Unix time conversions.
int64_t ToUnix(absl::Time t);
absl::Time FromUnix(int64_t seconds);

// SansToString renders SANs as "DNS:a,IP:1.2.3.4".
std::string SansToString(const std::vector<SubjectAltName>& sans);

// New allocates a handle without throwing past the boundary (the Guard
// catches bad_alloc).
template <typename Handle, typename... Args>
Handle* New(Args&&... args) {
  return new Handle{std::forward<Args>(args)...};  // NOLINT: owned by the C caller
}

// ParsePemInto and ParseDerInto are the whole of a certkit_X_from_pem_n /
// certkit_X_from_der: check the arguments, parse the input with |parse| (a
// function returning absl::StatusOr<value>) and hand |out| a new Handle
// holding the value.
template <typename Handle, typename Parse>
CertkitError ParsePemInto(const char* pem, size_t pem_length, Handle** out, Parse parse) {
  return Guard([&]() -> absl::Status {
    if (out == nullptr) return NullArgument("out");
    absl::StatusOr<absl::string_view> text = Text(pem, pem_length, "pem");
    if (!text.ok()) return text.status();
    auto value = parse(*text);
    if (!value.ok()) return value.status();
    *out = New<Handle>(std::move(*value));
    return absl::OkStatus();
  });
}

template <typename Handle, typename Parse>
CertkitError ParseDerInto(const uint8_t* der, size_t der_length, Handle** out, Parse parse) {
  return Guard([&]() -> absl::Status {
    if (out == nullptr) return NullArgument("out");
    if (der == nullptr) return NullArgument("der");
    absl::StatusOr<absl::Span<const uint8_t>> bytes = ByteInput(der, der_length, "der");
    if (!bytes.ok()) return bytes.status();
    auto value = parse(*bytes);
    if (!value.ok()) return value.status();
    *out = New<Handle>(std::move(*value));
    return absl::OkStatus();
  });
}

}  // namespace capi
}  // namespace certkit

// CK_REQUIRE returns a NULL-argument error from the enclosing lambda when
// |ptr| is NULL.
#define CK_REQUIRE(ptr)                                                   \
  do {                                                                    \
    if ((ptr) == nullptr) return ::certkit::capi::NullArgument(#ptr);     \
  } while (0)

// CK_ASSIGN(var, expr): evaluates a StatusOr expression and returns its
// status from the enclosing lambda on failure.
#define CK_CONCAT_INNER(a, b) a##b
#define CK_CONCAT(a, b) CK_CONCAT_INNER(a, b)
#define CK_ASSIGN(lhs, expr) CK_ASSIGN_IMPL(CK_CONCAT(_ck_or_, __LINE__), lhs, expr)
#define CK_ASSIGN_IMPL(tmp, lhs, expr) \
  auto tmp = (expr);                   \
  if (!tmp.ok()) return tmp.status();  \
  lhs = std::move(tmp).value()
#define CK_RETURN_IF_ERROR(expr)             \
  do {                                       \
    absl::Status _ck_st = (expr);            \
    if (!_ck_st.ok()) return _ck_st;         \
  } while (0)

#endif  // CERTKIT_CAPI_INTERNAL_H_
