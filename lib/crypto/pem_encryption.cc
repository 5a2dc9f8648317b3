#include "crypto/pem_encryption.h"

#include <algorithm>
#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "certkit/error.h"
#include "crypto/symmetric.h"
#include "openssl/cipher.h"
#include "openssl/digest.h"
#include "openssl/mem.h"

namespace certkit {
namespace crypto {
namespace {

struct PemCipher {
  const char* name;
  const EVP_CIPHER* (*cipher)();
};
const PemCipher kPemCiphers[] = {
    {"AES-128-CBC", EVP_aes_128_cbc}, {"AES-192-CBC", EVP_aes_192_cbc},
    {"AES-256-CBC", EVP_aes_256_cbc}, {"DES-EDE3-CBC", EVP_des_ede3_cbc},
    {"DES-CBC", EVP_des_cbc},
};

}  // namespace

absl::StatusOr<std::vector<uint8_t>> DecryptPemBody(absl::string_view dek_info,
                                                    absl::Span<const uint8_t> body,
                                                    absl::string_view password) {
  const size_t comma = dek_info.find(',');
  if (comma == absl::string_view::npos) {
    return MakeError(ErrorKind::kMalformed, "PEM DEK-Info header has no IV");
  }
  const std::string name = absl::AsciiStrToUpper(absl::StripAsciiWhitespace(dek_info.substr(0, comma)));
  const absl::string_view iv_hex = absl::StripAsciiWhitespace(dek_info.substr(comma + 1));
  const PemCipher* found = nullptr;
  for (const PemCipher& c : kPemCiphers) {
    if (name == c.name) found = &c;
  }
  if (found == nullptr) {
    return MakeError(ErrorKind::kUnsupported,
                     absl::StrCat("PEM encryption cipher '", name, "' is not supported"));
  }
  const CipherSpec spec{found->cipher()};
  const std::string iv = absl::HexStringToBytes(iv_hex);
  if (iv_hex.size() != 2 * spec.IvLength() || iv.size() != spec.IvLength() ||
      !std::all_of(iv_hex.begin(), iv_hex.end(), absl::ascii_isxdigit)) {
    return MakeError(ErrorKind::kMalformed,
                     absl::StrCat("PEM DEK-Info IV is not ", spec.IvLength(), " hex bytes"));
  }
  const auto* iv_bytes = reinterpret_cast<const uint8_t*>(iv.data());
  // EVP_BytesToKey (MD5, one round) salted with the first 8 IV bytes.
  std::vector<uint8_t> key(spec.KeyLength());
  if (!EVP_BytesToKey(spec.cipher, EVP_md5(), iv_bytes,
                      reinterpret_cast<const uint8_t*>(password.data()), password.size(), 1,
                      key.data(), nullptr)) {
    return MakeError(ErrorKind::kInternal, "EVP_BytesToKey failed");
  }
  absl::StatusOr<std::vector<uint8_t>> plain =
      Decrypt(spec, key, absl::MakeConstSpan(iv_bytes, iv.size()), body);
  OPENSSL_cleanse(key.data(), key.size());
  return plain;
}

}  // namespace crypto
}  // namespace certkit
