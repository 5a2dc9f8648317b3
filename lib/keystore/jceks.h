// lib/keystore/jceks.h (internal): the JCEKS key protector
// (com.sun.crypto.provider.KeyProtector): PBEWithMD5AndTripleDES, OID
// 1.3.6.1.4.1.42.2.19.1, parameters PBEParameter { salt (8 bytes),
// iterations }.
//
// Key derivation (Sun's PBES1 variant): if the two 4-byte salt halves are
// equal, the first half is reversed; each half h_i is then hashed
// iterations times as h = MD5(h || password), giving 32 bytes: the 3DES key
// (24) and the IV (8). The password is ASCII (one byte per character).
#ifndef CERTKIT_LIB_KEYSTORE_JCEKS_H_
#define CERTKIT_LIB_KEYSTORE_JCEKS_H_

#include <cstdint>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "crypto/pbe.h"

namespace certkit {
namespace keystore {

inline constexpr char kJceksKeyProtectorOid[] = "1.3.6.1.4.1.42.2.19.1";

// JceksRecoverKey decrypts a JCEKS EncryptedPrivateKeyInfo and returns the
// PrivateKeyInfo DER. kBadKeyPassword for a wrong password, kLimitExceeded
// when the iteration count exceeds limits.max_iterations or the derivation
// (two MD5 chains of that length) exceeds limits.budget, kUnsupported for
// other algorithms, kMalformed for damaged parameters.
absl::StatusOr<std::vector<uint8_t>> JceksRecoverKey(absl::Span<const uint8_t> epki,
                                                     absl::string_view password,
                                                     const crypto::PbeLimits& limits);

}  // namespace keystore
}  // namespace certkit

#endif  // CERTKIT_LIB_KEYSTORE_JCEKS_H_
