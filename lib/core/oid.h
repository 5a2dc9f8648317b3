// lib/core/oid.h (internal): the DN attribute table shared by names, CSRs
// and the CA (short names, aliases, NIDs, DER string types).
#ifndef CERTKIT_LIB_CORE_OID_H_
#define CERTKIT_LIB_CORE_OID_H_

#include <string>

#include "absl/strings/string_view.h"

namespace certkit {
namespace oid {

// How an attribute value is encoded in DER.
enum class StringKind {
  kUtf8,       // UTF8String
  kPrintable,  // PrintableString (values must be printable characters)
  kIa5,        // IA5String (ASCII only)
  kCountry,    // PrintableString of exactly two letters
};

struct Attribute {
  const char* name;  // canonical short name used when printing ("CN")
  int nid;
  StringKind kind;
};

// FindByName looks up |name| case-insensitively among the short names,
// aliases ("E", "EMAILADDRESS", "T", "SERIALNUMBER") and long names
// ("commonName"). nullptr when unknown.
const Attribute* FindByName(absl::string_view name);

// FindByNid returns the table entry for |nid|, or nullptr.
const Attribute* FindByNid(int nid);

// IsDottedOid reports whether |text| is a syntactically valid dotted OID
// ("2.5.4.3"): at least two arcs, digits only, no empty arcs.
bool IsDottedOid(absl::string_view text);

// CanonicalType maps a user-supplied attribute type (short name, alias,
// "OID.x.y" or dotted OID) to the canonical stored form: the table's short
// name, or the dotted OID for attributes outside the table. Returns "" when
// |type| is neither.
std::string CanonicalType(absl::string_view type);

}  // namespace oid
}  // namespace certkit

#endif  // CERTKIT_LIB_CORE_OID_H_
