// lib/verify/parsed_cert.cc: decoding a certificate for path validation.
#include "verify/parsed_cert.h"

#include "util/der.h"

#include <set>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "certkit/error.h"
#include "openssl/bio.h"
#include "openssl/bytestring.h"
#include "openssl/ec.h"
#include "openssl/ec_key.h"
#include "openssl/mem.h"
#include "openssl/nid.h"
#include "openssl/obj.h"
#include "openssl/x509.h"

namespace certkit {
namespace verify_internal {
namespace {

absl::Status Malformed(const std::string& what) { return MakeError(ErrorKind::kMalformed, what); }
absl::Status Policy(const std::string& what) {
  return MakeError(ErrorKind::kPolicyViolation, what);
}

std::string CbsString(const CBS& cbs) {
  return std::string(reinterpret_cast<const char*>(CBS_data(&cbs)), CBS_len(&cbs));
}

// ParseTime decodes an RFC 5280 4.1.2.5 time: UTCTime YYMMDDHHMMSSZ (years
// 50-99 are 19xx) or GeneralizedTime YYYYMMDDHHMMSSZ, seconds required, no
// fractions, Zulu only.
bool ParseTime(const ASN1_TIME* t, int64_t* out) {
  const int type = ASN1_STRING_type(t);
  const unsigned char* d = ASN1_STRING_get0_data(t);
  const size_t len = static_cast<size_t>(ASN1_STRING_length(t));
  size_t year_digits;
  if (type == V_ASN1_UTCTIME && len == 13) {
    year_digits = 2;
  } else if (type == V_ASN1_GENERALIZEDTIME && len == 15) {
    year_digits = 4;
  } else {
    return false;
  }
  if (d[len - 1] != 'Z') return false;
  int v[7] = {0};  // year, month, day, hour, minute, second
  size_t pos = 0;
  auto digits = [&](size_t n, int* o) {
    int x = 0;
    for (size_t i = 0; i < n; ++i) {
      const unsigned char c = d[pos++];
      if (c < '0' || c > '9') return false;
      x = x * 10 + (c - '0');
    }
    *o = x;
    return true;
  };
  if (!digits(year_digits, &v[0])) return false;
  for (int i = 1; i < 6; ++i) {
    if (!digits(2, &v[i])) return false;
  }
  if (year_digits == 2) v[0] += v[0] >= 50 ? 1900 : 2000;
  if (v[1] < 1 || v[1] > 12 || v[2] < 1 || v[2] > 31 || v[3] > 23 || v[4] > 59 || v[5] > 59) {
    return false;
  }
  const absl::CivilSecond cs(v[0], v[1], v[2], v[3], v[4], v[5]);
  if (cs.month() != v[1] || cs.day() != v[2]) return false;  // e.g. Feb 30
  *out = absl::ToUnixSeconds(absl::FromCivil(cs, absl::UTCTimeZone()));
  return true;
}

std::string NameText(const X509_NAME* name) {
  bssl::UniquePtr<BIO> bio(BIO_new(BIO_s_mem()));
  if (X509_NAME_print_ex(bio.get(), name, 0, XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB) < 0) {
    return "?";
  }
  const uint8_t* data;
  size_t len;
  BIO_mem_contents(bio.get(), &data, &len);
  return std::string(reinterpret_cast<const char*>(data), len);
}

std::vector<std::string> AttributeValues(const X509_NAME* name, int nid) {
  std::vector<std::string> out;
  for (int i = -1; (i = X509_NAME_get_index_by_NID(name, nid, i)) >= 0;) {
    const ASN1_STRING* s = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, i));
    unsigned char* utf8 = nullptr;
    const int n = ASN1_STRING_to_UTF8(&utf8, s);
    if (n >= 0) out.emplace_back(reinterpret_cast<char*>(utf8), static_cast<size_t>(n));
    OPENSSL_free(utf8);
  }
  return out;
}

absl::Status ParseBasicConstraints(CBS body, ParsedCert* pc) {
  CBS seq;
  if (!CBS_get_asn1(&body, &seq, CBS_ASN1_SEQUENCE) || CBS_len(&body) != 0) {
    return Malformed("basicConstraints is not a SEQUENCE");
  }
  if (CBS_peek_asn1_tag(&seq, CBS_ASN1_BOOLEAN)) {
    CBS b;
    uint8_t v;
    if (!CBS_get_asn1(&seq, &b, CBS_ASN1_BOOLEAN) || !CBS_get_u8(&b, &v) || CBS_len(&b) != 0 ||
        (v != 0 && v != 0xff)) {
      return Malformed("basicConstraints cA is malformed");
    }
    pc->is_ca = v == 0xff;
  }
  if (CBS_len(&seq) > 0) {
    uint64_t len;
    if (!CBS_get_asn1_uint64(&seq, &len) || CBS_len(&seq) != 0) {
      return Malformed("basicConstraints pathLenConstraint is malformed");
    }
    pc->path_len = static_cast<int>(len > 255 ? 255 : len);
  }
  return absl::OkStatus();
}

absl::Status ParseKeyUsage(CBS body, ParsedCert* pc) {
  CBS bits;
  uint8_t unused;
  if (!CBS_get_asn1(&body, &bits, CBS_ASN1_BITSTRING) || CBS_len(&body) != 0 ||
      !CBS_get_u8(&bits, &unused) || unused > 7) {
    return Malformed("keyUsage is not a BIT STRING");
  }
  uint32_t value = 0;
  for (size_t byte = 0; CBS_len(&bits) > 0; ++byte) {
    uint8_t b;
    CBS_get_u8(&bits, &b);
    for (int bit = 0; bit < 8; ++bit) {
      if ((b & (0x80 >> bit)) && byte * 8 + bit < 32) value |= 1u << (byte * 8 + bit);
    }
  }
  pc->key_usage = value;
  return absl::OkStatus();
}

absl::Status ParseEku(CBS body, ParsedCert* pc) {
  CBS seq;
  if (!CBS_get_asn1(&body, &seq, CBS_ASN1_SEQUENCE) || CBS_len(&body) != 0) {
    return Malformed("extendedKeyUsage is not a SEQUENCE");
  }
  while (CBS_len(&seq) > 0) {
    CBS oid;
    if (!CBS_get_asn1(&seq, &oid, CBS_ASN1_OBJECT)) return Malformed("extendedKeyUsage OID is malformed");
    pc->eku.push_back(OidToText(oid));
  }
  return absl::OkStatus();
}

absl::Status ParseSubtrees(CBS subtrees, std::vector<GeneralSubtree>* out) {
  while (CBS_len(&subtrees) > 0) {
    CBS subtree;
    if (!CBS_get_asn1(&subtrees, &subtree, CBS_ASN1_SEQUENCE)) {
      return Malformed("nameConstraints GeneralSubtree is malformed");
    }
    auto base = ParseGeneralName(&subtree);
    if (!base.ok()) return base.status();
    // minimum [0] DEFAULT 0 and maximum [1] absent (RFC 5280 4.2.1.10).
    if (CBS_len(&subtree) != 0) {
      return Policy("nameConstraints GeneralSubtree has minimum/maximum, which RFC 5280 forbids");
    }
    out->push_back({std::move(*base)});
  }
  return absl::OkStatus();
}

absl::Status ParseNameConstraints(CBS body, NameConstraintsExt* nc) {
  CBS seq;
  if (!CBS_get_asn1(&body, &seq, CBS_ASN1_SEQUENCE) || CBS_len(&body) != 0) {
    return Malformed("nameConstraints is not a SEQUENCE");
  }
  CBS permitted, excluded;
  int has_p = 0, has_e = 0;
  if (!CBS_get_optional_asn1(&seq, &permitted, &has_p,
                             CBS_ASN1_CONTEXT_SPECIFIC | CBS_ASN1_CONSTRUCTED | 0) ||
      !CBS_get_optional_asn1(&seq, &excluded, &has_e,
                             CBS_ASN1_CONTEXT_SPECIFIC | CBS_ASN1_CONSTRUCTED | 1) ||
      CBS_len(&seq) != 0) {
    return Malformed("nameConstraints is malformed");
  }
  nc->has_permitted = has_p;
  nc->has_excluded = has_e;
  if (has_p) {
    if (auto s = ParseSubtrees(permitted, &nc->permitted); !s.ok()) return s;
  }
  if (has_e) {
    if (auto s = ParseSubtrees(excluded, &nc->excluded); !s.ok()) return s;
  }
  // 4.2.1.10: "Conforming CAs MUST NOT issue certificates where name
  // constraints is an empty sequence" (and each present field is SIZE 1..MAX).
  if (nc->permitted.empty() && nc->excluded.empty()) {
    return Policy("nameConstraints has neither permitted nor excluded subtrees");
  }
  if ((has_p && nc->permitted.empty()) || (has_e && nc->excluded.empty())) {
    return Policy("nameConstraints has an empty subtree list");
  }
  for (const GeneralSubtree& st : nc->permitted) {
    if (st.base.type == NameType::kDns) nc->permitted_dns.insert(AsciiLower(st.base.value));
  }
  return absl::OkStatus();
}

absl::Status ParseAki(CBS body, ParsedCert* pc) {
  CBS seq, key_id, issuer, serial;
  int has_key = 0, has_issuer = 0, has_serial = 0;
  if (!CBS_get_asn1(&body, &seq, CBS_ASN1_SEQUENCE) || CBS_len(&body) != 0 ||
      !CBS_get_optional_asn1(&seq, &key_id, &has_key, CBS_ASN1_CONTEXT_SPECIFIC | 0) ||
      !CBS_get_optional_asn1(&seq, &issuer, &has_issuer,
                             CBS_ASN1_CONTEXT_SPECIFIC | CBS_ASN1_CONSTRUCTED | 1) ||
      !CBS_get_optional_asn1(&seq, &serial, &has_serial, CBS_ASN1_CONTEXT_SPECIFIC | 2) ||
      CBS_len(&seq) != 0) {
    return Malformed("authorityKeyIdentifier is malformed");
  }
  if (has_key) pc->aki_key_id = CbsString(key_id);
  pc->aki_has_issuer = has_issuer;
  pc->aki_has_serial = has_serial;
  return absl::OkStatus();
}

absl::Status ParsePolicyConstraints(CBS body, ParsedCert* pc) {
  CBS seq, req, inhibit;
  int has_req = 0, has_inhibit = 0;
  if (!CBS_get_asn1(&body, &seq, CBS_ASN1_SEQUENCE) || CBS_len(&body) != 0 ||
      !CBS_get_optional_asn1(&seq, &req, &has_req, CBS_ASN1_CONTEXT_SPECIFIC | 0) ||
      !CBS_get_optional_asn1(&seq, &inhibit, &has_inhibit, CBS_ASN1_CONTEXT_SPECIFIC | 1) ||
      CBS_len(&seq) != 0 || (!has_req && !has_inhibit)) {
    return Malformed("policyConstraints is malformed");
  }
  pc->pc_require_explicit = has_req;
  return absl::OkStatus();
}

absl::Status ParseAia(CBS body) {
  CBS seq;
  if (!CBS_get_asn1(&body, &seq, CBS_ASN1_SEQUENCE) || CBS_len(&body) != 0 || CBS_len(&seq) == 0) {
    return Malformed("authorityInfoAccess is not a non-empty SEQUENCE (RFC 5280 4.2.2.1)");
  }
  while (CBS_len(&seq) > 0) {
    CBS desc, method;
    if (!CBS_get_asn1(&seq, &desc, CBS_ASN1_SEQUENCE) ||
        !CBS_get_asn1(&desc, &method, CBS_ASN1_OBJECT) || !ParseGeneralName(&desc).ok() ||
        CBS_len(&desc) != 0) {
      return Malformed("authorityInfoAccess AccessDescription is malformed");
    }
  }
  return absl::OkStatus();
}

// Extensions certkit recognizes and may see marked critical.
const std::set<std::string>& CriticalAllowed() {
  static const auto* s = new std::set<std::string>{
      "2.5.29.19",  // basicConstraints
      "2.5.29.15",  // keyUsage
      "2.5.29.37",  // extendedKeyUsage
      "2.5.29.17",  // subjectAltName
      "2.5.29.30",  // nameConstraints
      "2.5.29.36",  // policyConstraints
      "2.5.29.32",  // certificatePolicies (no policy set is required: any-policy)
      "2.5.29.33",  // policyMappings
      "2.5.29.54",  // inhibitAnyPolicy
  };
  return *s;
}

absl::Status ParseExtensions(ParsedCert* pc) {
  std::set<std::string> seen;
  const int count = X509_get_ext_count(pc->x509);
  for (int i = 0; i < count; ++i) {
    X509_EXTENSION* ext = X509_get_ext(pc->x509, i);
    const ASN1_OBJECT* obj = X509_EXTENSION_get_object(ext);
    CBS oid_cbs;
    CBS_init(&oid_cbs, OBJ_get0_data(obj), OBJ_length(obj));
    const std::string oid = OidToText(oid_cbs);
    const bool critical = X509_EXTENSION_get_critical(ext) != 0;
    const ASN1_OCTET_STRING* data = X509_EXTENSION_get_data(ext);
    CBS body;
    CBS_init(&body, ASN1_STRING_get0_data(data), static_cast<size_t>(ASN1_STRING_length(data)));
    // RFC 5280 4.2: "A certificate MUST NOT include more than one instance
    // of a particular extension."
    if (!seen.insert(oid).second) return Policy(absl::StrCat("extension ", oid, " appears twice"));
    absl::Status s;
    if (oid == "2.5.29.19") {
      pc->bc_present = true;
      pc->bc_critical = critical;
      s = ParseBasicConstraints(body, pc);
    } else if (oid == "2.5.29.15") {
      pc->ku_present = true;
      s = ParseKeyUsage(body, pc);
    } else if (oid == "2.5.29.37") {
      pc->eku_present = true;
      pc->eku_critical = critical;
      s = ParseEku(body, pc);
    } else if (oid == "2.5.29.17") {
      pc->san_present = true;
      pc->san_critical = critical;
      auto names = ParseGeneralNames(body);
      if (names.ok()) {
        pc->sans = std::move(*names);
      } else {
        s = Annotate(names.status(), "subjectAltName");
      }
    } else if (oid == "2.5.29.30") {
      pc->name_constraints.present = true;
      pc->name_constraints.critical = critical;
      pc->name_constraints.defect = ParseNameConstraints(body, &pc->name_constraints);
    } else if (oid == "2.5.29.35") {
      pc->aki_present = true;
      pc->aki_critical = critical;
      s = ParseAki(body, pc);
      // 4.2.1.1: "Conforming CAs MUST mark this extension as non-critical."
      if (s.ok() && critical) s = Policy("authorityKeyIdentifier is critical (RFC 5280 4.2.1.1)");
    } else if (oid == "2.5.29.14") {
      pc->ski_present = true;
      pc->ski_critical = critical;
      CBS ski;
      if (!CBS_get_asn1(&body, &ski, CBS_ASN1_OCTETSTRING) || CBS_len(&body) != 0) {
        s = Malformed("subjectKeyIdentifier is malformed");
      } else {
        pc->ski = CbsString(ski);
      }
      if (s.ok() && critical) s = Policy("subjectKeyIdentifier is critical (RFC 5280 4.2.1.2)");
    } else if (oid == "2.5.29.36") {
      pc->pc_present = true;
      pc->pc_critical = critical;
      s = ParsePolicyConstraints(body, pc);
      // 4.2.1.11: "Conforming CAs MUST mark this extension as critical."
      if (s.ok() && !critical) s = Policy("policyConstraints is not critical (RFC 5280 4.2.1.11)");
    } else if (oid == "1.3.6.1.5.5.7.1.1") {
      s = ParseAia(body);
      // 4.2.2.1: "Conforming CAs MUST mark this extension as non-critical."
      if (s.ok() && critical) s = Policy("authorityInfoAccess is critical (RFC 5280 4.2.2.1)");
    } else if (critical && CriticalAllowed().count(oid) == 0) {
      // 6.1.3/4.2: an unrecognized critical extension makes the certificate
      // unusable.
      s = Policy(absl::StrCat("unknown critical extension ", oid));
    }
    if (!s.ok()) return s;
  }
  return absl::OkStatus();
}

absl::Status CheckKey(ParsedCert* pc) {
  pc->public_key.reset(X509_get_pubkey(pc->x509));
  EVP_PKEY* key = pc->public_key.get();
  if (key == nullptr) {
    return MakeError(ErrorKind::kUnsupported,
                     "public key cannot be parsed (explicit EC parameters or unknown type)");
  }
  switch (EVP_PKEY_id(key)) {
    case EVP_PKEY_RSA: {
      const int bits = EVP_PKEY_bits(key);
      // CABF BR 6.1.5: at least 2048 bits, modulus size a multiple of 8.
      if (bits < 2048) {
        return MakeError(ErrorKind::kWeakParameter, absl::StrCat("RSA key of ", bits, " bits (< 2048)"));
      }
      if (bits % 8 != 0) {
        return MakeError(ErrorKind::kWeakParameter,
                         absl::StrCat("RSA key of ", bits, " bits is not a multiple of 8"));
      }
      return absl::OkStatus();
    }
    case EVP_PKEY_EC: {
      const EC_GROUP* group = EC_KEY_get0_group(EVP_PKEY_get0_EC_KEY(key));
      const int nid = group ? EC_GROUP_get_curve_name(group) : NID_undef;
      if (nid == NID_X9_62_prime256v1 || nid == NID_secp384r1 || nid == NID_secp521r1) {
        return absl::OkStatus();
      }
      return MakeError(ErrorKind::kWeakParameter,
                       absl::StrCat("EC key on curve ", nid == NID_undef ? "?" : OBJ_nid2sn(nid),
                                    " (only P-256, P-384, P-521)"));
    }
    case EVP_PKEY_ED25519:
      return absl::OkStatus();
    default:
      return MakeError(ErrorKind::kWeakParameter,
                       absl::StrCat("public key type ", OBJ_nid2sn(EVP_PKEY_id(key)),
                                    " is not allowed (RSA, ECDSA, Ed25519 only)"));
  }
}

absl::Status CheckSignatureAlgorithm(const ParsedCert& pc) {
  const X509_ALGOR* outer;
  X509_get0_signature(nullptr, &outer, pc.x509);
  // 4.1.1.2: signatureAlgorithm MUST equal tbsCertificate.signature.
  if (X509_ALGOR_cmp(outer, X509_get0_tbs_sigalg(pc.x509)) != 0) {
    return Policy("signatureAlgorithm differs from tbsCertificate.signature (RFC 5280 4.1.1.2)");
  }
  const int nid = X509_get_signature_nid(pc.x509);
  switch (nid) {
    case NID_sha256WithRSAEncryption:
    case NID_sha384WithRSAEncryption:
    case NID_sha512WithRSAEncryption:
    case NID_rsassaPss:
    case NID_ecdsa_with_SHA256:
    case NID_ecdsa_with_SHA384:
    case NID_ecdsa_with_SHA512:
    case NID_ED25519:
      return absl::OkStatus();
    default:
      return MakeError(ErrorKind::kWeakParameter,
                       absl::StrCat("signature algorithm ",
                                    nid == NID_undef ? "unknown" : OBJ_nid2ln(nid),
                                    " is not accepted (SHA-1 and MD5 are refused)"));
  }
}

absl::Status CheckSerial(const ParsedCert& pc) {
  const ASN1_INTEGER* serial = X509_get0_serialNumber(pc.x509);
  if (ASN1_STRING_type(serial) == V_ASN1_NEG_INTEGER) {
    return Policy("serial number is negative (RFC 5280 4.1.2.2)");
  }
  const int len = ASN1_STRING_length(serial);
  const unsigned char* d = ASN1_STRING_get0_data(serial);
  bool zero = true;
  for (int i = 0; i < len; ++i) zero = zero && d[i] == 0;
  if (zero) return Policy("serial number is zero (RFC 5280 4.1.2.2)");
  if (len > 20) return Policy("serial number is longer than 20 octets (RFC 5280 4.1.2.2)");
  return absl::OkStatus();
}

}  // namespace

std::shared_ptr<const ParsedCert> Parse(const Certificate& cert) {
  auto pc = std::make_shared<ParsedCert>(cert);
  pc->x509 = cert.native();
  X509* x = pc->x509;
  uint8_t* der = nullptr;
  const int der_len = i2d_X509(x, &der);
  if (der_len > 0) pc->der.assign(reinterpret_cast<char*>(der), static_cast<size_t>(der_len));
  OPENSSL_free(der);
  const X509_NAME* subject = X509_get_subject_name(x);
  const X509_NAME* issuer = X509_get_issuer_name(x);
  pc->description = NameText(subject);
  pc->version = static_cast<int>(X509_get_version(x)) + 1;
  pc->subject_empty = X509_NAME_entry_count(subject) == 0;
  pc->issuer_empty = X509_NAME_entry_count(issuer) == 0;
  pc->self_issued = X509_NAME_cmp(subject, issuer) == 0;
  pc->subject_hash = X509_NAME_hash(const_cast<X509_NAME*>(subject));
  pc->issuer_hash = X509_NAME_hash(const_cast<X509_NAME*>(issuer));
  const uint8_t* name_der;
  size_t name_len;
  if (X509_NAME_get0_der(const_cast<X509_NAME*>(subject), &name_der, &name_len)) {
    pc->subject_der.assign(reinterpret_cast<const char*>(name_der), name_len);
  }
  pc->common_names = AttributeValues(subject, NID_commonName);
  pc->subject_emails = AttributeValues(subject, NID_pkcs9_emailAddress);
  if (!ParseTime(X509_get0_notBefore(x), &pc->not_before) ||
      !ParseTime(X509_get0_notAfter(x), &pc->not_after)) {
    pc->defect = Malformed("validity time is not a valid RFC 5280 UTCTime/GeneralizedTime");
  }
  if (pc->defect.ok()) pc->defect = ParseExtensions(pc.get());
  if (pc->defect.ok() && pc->version < 3 && X509_get_ext_count(x) > 0) {
    pc->defect = Malformed("a v1/v2 certificate carries extensions");
  }
  pc->key_defect = CheckKey(pc.get());
  pc->signature_defect = CheckSignatureAlgorithm(*pc);
  pc->serial_defect = CheckSerial(*pc);
  uint8_t* spki = nullptr;
  const int spki_len = i2d_X509_PUBKEY(X509_get_X509_PUBKEY(x), &spki);
  if (spki_len > 0) pc->spki_der.assign(reinterpret_cast<char*>(spki), static_cast<size_t>(spki_len));
  OPENSSL_free(spki);
  return pc;
}

}  // namespace verify_internal
}  // namespace certkit
