// lib/crypto/pem_encryption.h (internal): the OpenSSL "traditional" PEM
// encryption of RFC 1421 style key blocks ("Proc-Type: 4,ENCRYPTED" and
// "DEK-Info: <cipher>,<hex IV>").
#ifndef CERTKIT_LIB_CRYPTO_PEM_ENCRYPTION_H_
#define CERTKIT_LIB_CRYPTO_PEM_ENCRYPTION_H_

#include <cstdint>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"

namespace certkit {
namespace crypto {

// DecryptPemBody decrypts the base64-decoded body of an encrypted PEM block.
// |dek_info| is the DEK-Info header value; AES-128/192/256-CBC, DES-EDE3-CBC
// and DES-CBC are supported. The key is OpenSSL's EVP_BytesToKey (MD5, one
// iteration, salt = the first 8 IV bytes) of |password|. Errors: kUnsupported
// naming an unknown cipher, kMalformed for a bad DEK-Info or body length,
// kBadPassword when the padding check fails.
absl::StatusOr<std::vector<uint8_t>> DecryptPemBody(absl::string_view dek_info,
                                                    absl::Span<const uint8_t> body,
                                                    absl::string_view password);

}  // namespace crypto
}  // namespace certkit

#endif  // CERTKIT_LIB_CRYPTO_PEM_ENCRYPTION_H_
