#include "core/x509_ext.h"

#include "absl/strings/str_cat.h"
#include "certkit/error.h"
#include "core/oid.h"
#include "openssl/asn1.h"
#include "openssl/obj.h"

namespace certkit {
namespace x509ext {
namespace {

// kKeyUsageBitCount is the number of named keyUsage bits (RFC 5280 4.2.1.3).
constexpr int kKeyUsageBitCount = 9;

absl::StatusOr<ExtensionPtr> Wrap(int nid, bool critical, void* value, const char* what) {
  ExtensionPtr ext(X509V3_EXT_i2d(nid, critical ? 1 : 0, value));
  if (!ext) return MakeError(ErrorKind::kInternal, absl::StrCat("cannot encode ", what));
  return ext;
}

absl::StatusOr<ExtensionPtr> KeyId(int nid, const std::vector<uint8_t>& id, const char* what) {
  bssl::UniquePtr<ASN1_OCTET_STRING> oct(ASN1_OCTET_STRING_new());
  if (!oct || !ASN1_OCTET_STRING_set(oct.get(), id.data(), static_cast<int>(id.size()))) {
    return MakeError(ErrorKind::kInternal, "out of memory");
  }
  if (nid == NID_subject_key_identifier) return Wrap(nid, false, oct.get(), what);
  bssl::UniquePtr<AUTHORITY_KEYID> akid(AUTHORITY_KEYID_new());
  if (!akid) return MakeError(ErrorKind::kInternal, "out of memory");
  akid->keyid = oct.release();
  return Wrap(nid, false, akid.get(), what);
}

}  // namespace

absl::StatusOr<ExtensionPtr> SubjectAltNames(const std::vector<SubjectAltName>& sans,
                                             bool subject_empty) {
  auto names = ToGeneralNames(sans);
  if (!names.ok()) return names.status();
  return Wrap(NID_subject_alt_name, subject_empty, names->get(), "subjectAltName");
}

absl::StatusOr<ExtensionPtr> KeyUsage(uint32_t bits) {
  bssl::UniquePtr<ASN1_BIT_STRING> bs(ASN1_BIT_STRING_new());
  if (!bs) return MakeError(ErrorKind::kInternal, "out of memory");
  for (int n = 0; n < kKeyUsageBitCount; ++n) {
    if ((bits & (1u << n)) != 0 && !ASN1_BIT_STRING_set_bit(bs.get(), n, 1)) {
      return MakeError(ErrorKind::kInternal, "out of memory");
    }
  }
  return Wrap(NID_key_usage, true, bs.get(), "keyUsage");
}

absl::StatusOr<ExtensionPtr> ExtendedKeyUsage(const std::vector<std::string>& oids) {
  bssl::UniquePtr<EXTENDED_KEY_USAGE> eku(sk_ASN1_OBJECT_new_null());
  if (!eku) return MakeError(ErrorKind::kInternal, "out of memory");
  for (const std::string& text : oids) {
    bssl::UniquePtr<ASN1_OBJECT> obj;
    if (oid::IsDottedOid(text)) obj.reset(OBJ_txt2obj(text.c_str(), 1));
    if (!obj) {
      return MakeError(ErrorKind::kInvalidArgument,
                       absl::StrCat("extended key usage '", text, "' is not a dotted OID"));
    }
    if (!bssl::PushToStack(eku.get(), std::move(obj))) {
      return MakeError(ErrorKind::kInternal, "out of memory");
    }
  }
  return Wrap(NID_ext_key_usage, false, eku.get(), "extendedKeyUsage");
}

absl::StatusOr<ExtensionPtr> BasicConstraints(bool is_ca, std::optional<int> path_len) {
  bssl::UniquePtr<BASIC_CONSTRAINTS> bc(BASIC_CONSTRAINTS_new());
  if (!bc) return MakeError(ErrorKind::kInternal, "out of memory");
  bc->ca = is_ca ? 0xff : 0;
  if (is_ca && path_len.has_value()) {
    if (*path_len < 0) {
      return MakeError(ErrorKind::kInvalidArgument,
                       absl::StrCat("path length ", *path_len, " is negative"));
    }
    bc->pathlen = ASN1_INTEGER_new();
    if (!bc->pathlen || !ASN1_INTEGER_set(bc->pathlen, *path_len)) {
      return MakeError(ErrorKind::kInternal, "out of memory");
    }
  }
  return Wrap(NID_basic_constraints, true, bc.get(), "basicConstraints");
}

absl::StatusOr<ExtensionPtr> SubjectKeyId(const std::vector<uint8_t>& id) {
  return KeyId(NID_subject_key_identifier, id, "subjectKeyIdentifier");
}

absl::StatusOr<ExtensionPtr> AuthorityKeyId(const std::vector<uint8_t>& id) {
  return KeyId(NID_authority_key_identifier, id, "authorityKeyIdentifier");
}

uint32_t KeyUsageBits(const ASN1_BIT_STRING* bits) {
  uint32_t out = 0;
  for (int n = 0; n < kKeyUsageBitCount; ++n) {
    if (ASN1_BIT_STRING_get_bit(bits, n)) out |= 1u << n;
  }
  return out;
}

std::string OidText(const ASN1_OBJECT* obj) {
  char buf[128];
  const int len = OBJ_obj2txt(buf, sizeof(buf), obj, /*always_return_oid=*/1);
  if (len <= 0 || static_cast<size_t>(len) >= sizeof(buf)) return "";
  return std::string(buf, len);
}

std::vector<std::string> OidList(const EXTENDED_KEY_USAGE* eku) {
  std::vector<std::string> out;
  if (eku == nullptr) return out;
  for (size_t k = 0; k < sk_ASN1_OBJECT_num(eku); ++k) {
    out.push_back(OidText(sk_ASN1_OBJECT_value(eku, k)));
  }
  return out;
}

}  // namespace x509ext
}  // namespace certkit
