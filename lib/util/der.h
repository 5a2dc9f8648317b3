// lib/util/der.h (internal): small DER helpers on top of CBS/CBB shared by
// the key, PBE, keystore and verifier code.
#ifndef CERTKIT_LIB_UTIL_DER_H_
#define CERTKIT_LIB_UTIL_DER_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/types/span.h"
#include "openssl/bytestring.h"

namespace certkit {

// AddOid appends a complete DER OBJECT IDENTIFIER (tag, length, contents)
// for the dotted |oid|. This BoringSSL's CBB_add_asn1_oid_from_text writes
// the contents only. Returns false on failure.
bool AddOid(CBB* cbb, const char* oid);

// OidToText returns the dotted form of DER OID contents ("" if invalid).
std::string OidToText(const CBS& oid_contents);
std::string OidToText(absl::Span<const uint8_t> oid_contents);

// FinishCbb finishes |cbb| and returns its bytes; empty when encoding failed.
std::vector<uint8_t> FinishCbb(CBB* cbb);

}  // namespace certkit

#endif  // CERTKIT_LIB_UTIL_DER_H_
