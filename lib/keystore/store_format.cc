// Store format names and detection from the bytes (magic / DER shape / PEM
// armor).
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "certkit/error.h"
#include "certkit/keystore.h"
#include "keystore/jks.h"
#include "keystore/pem_store.h"
#include "keystore/pkcs12.h"
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
  // PKCS#12: SEQUENCE (DER or BER indefinite length) { INTEGER 3, ... },
  // recognized from its start so that a truncated file is reported as one.
  if (keystore::Pkcs12Prefix(data, nullptr)) return StoreFormat::kPkcs12;
  if (pem::LooksLikePem(data) || keystore::IsEmptyPemStore(data)) return StoreFormat::kPem;
  return MakeError(ErrorKind::kMalformed,
                   "unrecognized store format: not JKS, JCEKS, PKCS#12 or PEM");
}

}  // namespace certkit
