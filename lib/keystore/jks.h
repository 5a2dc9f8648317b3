// lib/keystore/jks.h (internal): the JKS (read/write) and JCEKS (read)
// container formats.
//
// Layout (big-endian, java.io.DataOutputStream): u32 magic (0xFEEDFEED JKS,
// 0xCECECECE JCEKS), u32 version (1 or 2), u32 count, then per entry u32 tag:
//   1 private key: UTF alias, u64 date (ms), u32 len + EncryptedPrivateKeyInfo,
//     u32 chain length, per cert [v2: UTF "X.509"] u32 len + DER
//   2 trusted cert: UTF alias, u64 date, [v2: UTF "X.509"] u32 len + DER
//   3 secret key (JCEKS): serialized Java object (not supported)
// and a 20-byte trailer SHA-1(password UTF-16BE || "Mighty Aphrodite" || body).
#ifndef CERTKIT_LIB_KEYSTORE_JKS_H_
#define CERTKIT_LIB_KEYSTORE_JKS_H_

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "certkit/keystore.h"
#include "crypto/pbe.h"

namespace certkit {
namespace keystore {

inline constexpr uint32_t kJksMagic = 0xFEEDFEED;
inline constexpr uint32_t kJceksMagic = 0xCECECECE;

// LoadJks parses a JKS or JCEKS store (told apart by the magic). Key
// derivations are checked against and charged to |limits|.
absl::StatusOr<KeyStore> LoadJks(absl::Span<const uint8_t> data, absl::string_view password,
                                 const LoadOptions& options, const crypto::PbeLimits& limits);

// SaveJks writes |store| as JKS version 2. Keys are protected with
// options.key_passwords[alias] when present, else the store password; locked
// keys are written back as they were read.
absl::StatusOr<Bytes> SaveJks(const KeyStore& store, absl::string_view password,
                              const SaveOptions& options);

// RecoverJavaKey decrypts a JKS- or JCEKS-protected EncryptedPrivateKeyInfo
// (chosen by its algorithm OID) into PrivateKeyInfo DER. kBadKeyPassword
// when |password| is wrong; kLimitExceeded past |limits|.
absl::StatusOr<Bytes> RecoverJavaKey(absl::Span<const uint8_t> epki, absl::string_view password,
                                     const crypto::PbeLimits& limits);

}  // namespace keystore
}  // namespace certkit

#endif  // CERTKIT_LIB_KEYSTORE_JKS_H_
