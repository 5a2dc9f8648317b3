#include "util/der.h"

#include <string.h>

#include "openssl/err.h"
#include "openssl/mem.h"

namespace certkit {

bool AddOid(CBB* cbb, const char* oid) {
  CBB child;
  return CBB_add_asn1(cbb, &child, CBS_ASN1_OBJECT) &&
         CBB_add_asn1_oid_from_text(&child, oid, strlen(oid)) && CBB_flush(cbb);
}

std::string OidToText(const CBS& oid_contents) {
  char* text = CBS_asn1_oid_to_text(&oid_contents);
  if (text == nullptr) {
    ERR_clear_error();
    return "";
  }
  std::string out(text);
  OPENSSL_free(text);
  return out;
}

std::string OidToText(absl::Span<const uint8_t> oid_contents) {
  CBS cbs;
  CBS_init(&cbs, oid_contents.data(), oid_contents.size());
  return OidToText(cbs);
}

std::vector<uint8_t> FinishCbb(CBB* cbb) {
  uint8_t* data = nullptr;
  size_t len = 0;
  if (!CBB_finish(cbb, &data, &len)) {
    ERR_clear_error();
    return {};
  }
  std::vector<uint8_t> out(data, data + len);
  OPENSSL_free(data);
  return out;
}

}  // namespace certkit
