// capi/keystore_util.h (internal): key store helpers shared by the keystore
// functions and the SSL shim.
#ifndef CERTKIT_CAPI_KEYSTORE_UTIL_H_
#define CERTKIT_CAPI_KEYSTORE_UTIL_H_

#include <optional>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "certkit/certkit.h"
#include "certkit/keystore.h"

namespace certkit {
namespace capi {

// ToStoreFormat maps the C enum (kInvalidArgument for unknown values).
// |format| is taken by reference: C callers may pass any int (see EnumValue).
absl::StatusOr<StoreFormat> ToStoreFormat(const CertkitStoreFormat& format);
// ToSaveOptions maps CERTKIT_SAVE_* flags; more than one PKCS#12 profile
// flag is kInvalidArgument.
absl::StatusOr<SaveOptions> ToSaveOptions(unsigned flags);

}  // namespace capi
}  // namespace certkit

#endif  // CERTKIT_CAPI_KEYSTORE_UTIL_H_
