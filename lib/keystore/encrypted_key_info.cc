#include "keystore/encrypted_key_info.h"

#include <string.h>

#include "certkit/error.h"
#include "crypto/pbe.h"
#include "openssl/bytestring.h"
#include "openssl/mem.h"

namespace certkit {
namespace keystore {

int64_t DeclaredKeyKdfWork(absl::Span<const uint8_t> der) {
  auto info = ParseEncryptedKeyInfo(der);
  return info.ok() ? crypto::DeclaredKdfWork(info->algorithm) : 0;
}

absl::StatusOr<EncryptedKeyInfo> ParseEncryptedKeyInfo(absl::Span<const uint8_t> der) {
  CBS in, seq, alg, alg_copy, oid, data;
  CBS_init(&in, der.data(), der.size());
  if (!CBS_get_asn1(&in, &seq, CBS_ASN1_SEQUENCE) || CBS_len(&in) != 0 ||
      !CBS_get_asn1_element(&seq, &alg, CBS_ASN1_SEQUENCE) ||
      !CBS_get_asn1(&seq, &data, CBS_ASN1_OCTETSTRING) || CBS_len(&seq) != 0) {
    return MakeError(ErrorKind::kMalformed, "EncryptedPrivateKeyInfo is not valid DER");
  }
  EncryptedKeyInfo info;
  info.algorithm.assign(CBS_data(&alg), CBS_data(&alg) + CBS_len(&alg));
  alg_copy = alg;
  CBS alg_body;
  if (!CBS_get_asn1(&alg_copy, &alg_body, CBS_ASN1_SEQUENCE) ||
      !CBS_get_asn1(&alg_body, &oid, CBS_ASN1_OBJECT)) {
    return MakeError(ErrorKind::kMalformed, "EncryptedPrivateKeyInfo algorithm is not valid DER");
  }
  info.oid = OidToText(absl::MakeConstSpan(CBS_data(&oid), CBS_len(&oid)));
  info.parameters.assign(CBS_data(&alg_body), CBS_data(&alg_body) + CBS_len(&alg_body));
  info.ciphertext.assign(CBS_data(&data), CBS_data(&data) + CBS_len(&data));
  return info;
}

std::vector<uint8_t> BuildEncryptedKeyInfo(absl::Span<const uint8_t> algorithm,
                                           absl::Span<const uint8_t> ciphertext) {
  bssl::ScopedCBB cbb;
  CBB seq;
  uint8_t* out = nullptr;
  size_t out_len = 0;
  if (!CBB_init(cbb.get(), algorithm.size() + ciphertext.size() + 16) ||
      !CBB_add_asn1(cbb.get(), &seq, CBS_ASN1_SEQUENCE) ||
      !CBB_add_bytes(&seq, algorithm.data(), algorithm.size()) ||
      !CBB_add_asn1_octet_string(&seq, ciphertext.data(), ciphertext.size()) ||
      !CBB_finish(cbb.get(), &out, &out_len)) {
    return {};
  }
  std::vector<uint8_t> result(out, out + out_len);
  OPENSSL_free(out);
  return result;
}

bool LooksLikePrivateKeyInfo(absl::Span<const uint8_t> der) {
  CBS in, seq, alg;
  uint64_t version;
  CBS_init(&in, der.data(), der.size());
  return CBS_get_asn1(&in, &seq, CBS_ASN1_SEQUENCE) && CBS_len(&in) == 0 &&
         CBS_get_asn1_uint64(&seq, &version) && version <= 1 &&
         CBS_get_asn1(&seq, &alg, CBS_ASN1_SEQUENCE);
}

}  // namespace keystore
}  // namespace certkit
