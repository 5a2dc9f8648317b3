// Store format names and detection from the bytes (magic / DER shape / PEM
// armor).
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "certkit/error.h"
#include "certkit/keystore.h"
#include "keystore/jks.h"
#include "openssl/bytestring.h"
#include "util/pem_blocks.h"

namespace certkit {

absl::StatusOr<StoreFormat> ParseStoreFormat(absl::string_view name) {
  std::string n = absl::AsciiStrToLower(name);
  if (n == "jks") return StoreFormat::kJks;
  if (n == "jceks") return StoreFormat::kJceks;
  if (n == "pkcs12" || n == "p12" || n == "pfx") return StoreFormat::kPkcs12;
  if (n == "pem") return StoreFormat::kPem;
  if (n == "auto") return StoreFormat::kAuto;
  return MakeError(ErrorKind::kInvalidArgument,
                   absl::StrCat("unknown store type '", name, "' (expected jks, jceks, pkcs12, pem)"));
}

const char* StoreFormatName(StoreFormat format) {
  switch (format) {
    case StoreFormat::kJks: return "JKS";
    case StoreFormat::kJceks: return "JCEKS";
    case StoreFormat::kPkcs12: return "PKCS12";
    case StoreFormat::kPem: return "PEM";
    case StoreFormat::kAuto: break;
  }
  return "AUTO";
}

absl::StatusOr<StoreFormat> DetectStoreFormat(absl::Span<const uint8_t> data) {
  if (data.size() >= 4) {
    uint32_t magic = (uint32_t{data[0]} << 24) | (uint32_t{data[1]} << 16) |
                     (uint32_t{data[2]} << 8) | data[3];
    if (magic == keystore::kJksMagic) return StoreFormat::kJks;
    if (magic == keystore::kJceksMagic) return StoreFormat::kJceks;
  }
  // PKCS#12: SEQUENCE (DER or BER indefinite length) { INTEGER 3, ... }.
  CBS cbs, body;
  CBS_init(&cbs, data.data(), data.size());
  unsigned tag;
  size_t header_len;
  int ber_found = 0, indefinite = 0;
  if (CBS_get_any_ber_asn1_element(&cbs, &body, &tag, &header_len, &ber_found, &indefinite) &&
      tag == CBS_ASN1_SEQUENCE) {
    if (indefinite) CBS_init(&body, data.data(), data.size());
    CBS_skip(&body, header_len);
    uint64_t version;
    if (CBS_get_asn1_uint64(&body, &version) && version == 3) return StoreFormat::kPkcs12;
  }
  if (pem::LooksLikePem(data)) return StoreFormat::kPem;
  return MakeError(ErrorKind::kMalformed,
                   "unrecognized store format: not JKS, JCEKS, PKCS#12 or PEM");
}

}  // namespace certkit
