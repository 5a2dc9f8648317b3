// lib/core/key_limits.h (internal): private-key parsing under a caller's
// key-derivation limits, for codecs that read several keys from one file.
#ifndef CERTKIT_LIB_CORE_KEY_LIMITS_H_
#define CERTKIT_LIB_CORE_KEY_LIMITS_H_

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "certkit/key.h"
#include "crypto/pbe.h"

namespace certkit {

// PrivateKeyFromPem is PrivateKey::FromPem with the encrypted PKCS#8 key
// derivation checked against, and charged to, |limits| (kLimitExceeded).
absl::StatusOr<PrivateKey> PrivateKeyFromPem(absl::string_view pem, absl::string_view password,
                                             const KeyPolicy& policy,
                                             const crypto::PbeLimits& limits);

// PrivateKeyFromDer is PrivateKey::FromDer under |limits| likewise.
absl::StatusOr<PrivateKey> PrivateKeyFromDer(absl::Span<const uint8_t> der,
                                             absl::string_view password, const KeyPolicy& policy,
                                             const crypto::PbeLimits& limits);

}  // namespace certkit

#endif  // CERTKIT_LIB_CORE_KEY_LIMITS_H_
