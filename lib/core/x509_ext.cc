#include "core/x509_ext.h"

#include <algorithm>

#include <arpa/inet.h>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "openssl/pem.h"
#include "absl/strings/str_cat.h"
#include "openssl/bytestring.h"
#include "util/der.h"
#include "certkit/error.h"
#include "core/oid.h"
#include "openssl/asn1.h"
#include "openssl/obj.h"

namespace certkit {
namespace x509ext {
namespace {

// kKeyUsageBitCount is the number of named keyUsage bits (RFC 5280 4.2.1.3).
constexpr int kKeyUsageBitCount = 9;

// The extensions' OIDs (id-ce, RFC 5280 4.2.1), as DER OBJECT IDENTIFIER contents.
constexpr uint8_t kSubjectAltNameOid[] = {0x55, 0x1d, 0x11};        // 2.5.29.17
constexpr uint8_t kKeyUsageOid[] = {0x55, 0x1d, 0x0f};              // 2.5.29.15
constexpr uint8_t kExtendedKeyUsageOid[] = {0x55, 0x1d, 0x25};      // 2.5.29.37
constexpr uint8_t kBasicConstraintsOid[] = {0x55, 0x1d, 0x13};      // 2.5.29.19
constexpr uint8_t kNameConstraintsOid[] = {0x55, 0x1d, 0x1e};       // 2.5.29.30

// EncodeExtension returns the DER Extension { extnID |oid|, critical (only
// when true: DEFAULT FALSE), extnValue: an OCTET STRING holding what
// |value| writes }. |value| must end with CBB_flush of the CBB it is given:
// its own child CBBs live on its stack and are gone when it returns. kInternal naming |what| when |value| or CBB fails (a
// |value| that fails with its own error keeps it and returns false).
template <size_t N, typename WriteValue>
absl::StatusOr<Bytes> EncodeExtension(const uint8_t (&oid)[N], bool critical, WriteValue value,
                                      const char* what) {
  bssl::ScopedCBB cbb;
  CBB ext, obj, octets;
  if (!CBB_init(cbb.get(), 64) || !CBB_add_asn1(cbb.get(), &ext, CBS_ASN1_SEQUENCE) ||
      !CBB_add_asn1(&ext, &obj, CBS_ASN1_OBJECT) || !CBB_add_bytes(&obj, oid, N) ||
      (critical && !CBB_add_asn1_bool(&ext, 1)) ||
      !CBB_add_asn1(&ext, &octets, CBS_ASN1_OCTETSTRING) || !value(&octets)) {
    return MakeError(ErrorKind::kInternal, absl::StrCat("cannot encode ", what));
  }
  Bytes out = FinishCbb(cbb.get());
  if (out.empty()) return MakeError(ErrorKind::kInternal, absl::StrCat("cannot encode ", what));
  return out;
}

// Parsed turns an Extension's DER into the legacy X509_EXTENSION.
absl::StatusOr<ExtensionPtr> Parsed(absl::StatusOr<Bytes> der) {
  if (!der.ok()) return der.status();
  const uint8_t* p = der->data();
  ExtensionPtr ext(d2i_X509_EXTENSION(nullptr, &p, static_cast<long>(der->size())));
  if (!ext) return MakeError(ErrorKind::kInternal, "cannot decode an extension certkit encoded");
  return ext;
}

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

absl::Status BadConstraint(absl::string_view kind, absl::string_view value,
                           absl::string_view why) {
  return MakeError(ErrorKind::kInvalidArgument,
                   absl::StrCat("name constraint ", kind, " '", value, "' ", why));
}

// DnsConstraint checks a DNS subtree base: a host name, or ".domain".
absl::Status DnsConstraint(const std::string& v) {
  absl::string_view host = v;
  if (!host.empty() && host.front() == '.') host.remove_prefix(1);
  auto san = SubjectAltName::Host(host);
  if (!san.ok() || san->type != SubjectAltName::Type::kDns ||
      host.find('*') != absl::string_view::npos) {
    return BadConstraint("DNS", v, "is not a host name or .domain");
  }
  return absl::OkStatus();
}

absl::Status EmailConstraint(const std::string& v) {
  const size_t at = v.rfind('@');
  if (at == std::string::npos) return DnsConstraint(v);
  if (at == 0 || DnsConstraint(v.substr(at + 1)).ok() == false) {
    return BadConstraint("email", v, "is not a mailbox, a host or .domain");
  }
  return absl::OkStatus();
}

// AddSubtree writes one GeneralSubtree whose base is GeneralName |gn_tag|
// (2 dNSName, 1 rfc822Name, 7 iPAddress) with contents |value|.
bool AddSubtree(CBB* subtrees, unsigned gn_tag, absl::Span<const uint8_t> value) {
  CBB subtree, base;
  return CBB_add_asn1(subtrees, &subtree, CBS_ASN1_SEQUENCE) &&
         CBB_add_asn1(&subtree, &base, CBS_ASN1_CONTEXT_SPECIFIC | gn_tag) &&
         CBB_add_bytes(&base, value.data(), value.size()) && CBB_flush(subtrees);
}

// AddSubtrees writes the [field] GeneralSubtrees (0 permitted, 1 excluded)
// when any list is non-empty, validating every entry.
absl::Status AddSubtrees(CBB* nc, unsigned field, const std::vector<std::string>& dns,
                         const std::vector<std::string>& ips,
                         const std::vector<std::string>& emails) {
  if (dns.empty() && ips.empty() && emails.empty()) return absl::OkStatus();
  CBB subtrees;
  if (!CBB_add_asn1(nc, &subtrees, CBS_ASN1_CONTEXT_SPECIFIC | CBS_ASN1_CONSTRUCTED | field)) {
    return MakeError(ErrorKind::kInternal, "out of memory");
  }
  auto text = [](const std::string& s) {
    return absl::MakeConstSpan(reinterpret_cast<const uint8_t*>(s.data()), s.size());
  };
  bool ok = true;
  for (const std::string& d : dns) {
    if (auto st = DnsConstraint(d); !st.ok()) return st;
    ok = ok && AddSubtree(&subtrees, 2, text(d));
  }
  for (const std::string& e : emails) {
    if (auto st = EmailConstraint(e); !st.ok()) return st;
    ok = ok && AddSubtree(&subtrees, 1, text(e));
  }
  for (const std::string& ip : ips) {
    auto bytes = IpConstraint(ip);
    if (!bytes.ok()) return bytes.status();
    ok = ok && AddSubtree(&subtrees, 7, *bytes);
  }
  if (!ok || !CBB_flush(nc)) return MakeError(ErrorKind::kInternal, "out of memory");
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::vector<uint8_t>> IpConstraint(absl::string_view cidr) {
  const size_t slash = cidr.find('/');
  const std::string addr(cidr.substr(0, slash));
  uint8_t buf[16];
  size_t len = 0;
  if (inet_pton(AF_INET, addr.c_str(), buf) == 1) {
    len = 4;
  } else if (inet_pton(AF_INET6, addr.c_str(), buf) == 1) {
    len = 16;
  } else {
    return BadConstraint("IP", cidr, "is not an address or CIDR block (10.0.0.0/8, fd00::/8)");
  }
  int prefix = static_cast<int>(len * 8);
  if (slash != absl::string_view::npos &&
      (!absl::SimpleAtoi(cidr.substr(slash + 1), &prefix) || prefix < 0 ||
       prefix > static_cast<int>(len * 8))) {
    return BadConstraint("IP", cidr, absl::StrCat("has a prefix length outside 0..", len * 8));
  }
  std::vector<uint8_t> out(2 * len, 0);
  for (size_t i = 0; i < len; ++i) {
    const int bits = std::min(8, std::max(0, prefix - static_cast<int>(i * 8)));
    const uint8_t mask = static_cast<uint8_t>(0xff00u >> bits);
    out[len + i] = mask;
    out[i] = buf[i] & mask;
  }
  return out;
}

absl::StatusOr<Bytes> NameConstraintsDer(const NameConstraints& nc) {
  absl::Status st;
  auto der = EncodeExtension(kNameConstraintsOid, /*critical=*/true, [&](CBB* value) {
    CBB seq;
    if (!CBB_add_asn1(value, &seq, CBS_ASN1_SEQUENCE)) return false;
    st = AddSubtrees(&seq, 0, nc.permitted_dns, nc.permitted_ip, nc.permitted_email);
    if (st.ok()) st = AddSubtrees(&seq, 1, nc.excluded_dns, nc.excluded_ip, nc.excluded_email);
    return st.ok() && CBB_flush(value) == 1;
  }, "nameConstraints");
  if (!st.ok()) return st;
  return der;
}

absl::StatusOr<Bytes> SubjectAltNamesDer(const std::vector<SubjectAltName>& sans,
                                         bool subject_empty) {
  // Checked first: the encoder below only writes.
  for (const SubjectAltName& san : sans) {
    if (san.type == SubjectAltName::Type::kIp) continue;
    for (char c : san.value) {
      if (static_cast<unsigned char>(c) > 0x7F) {
        return MakeError(ErrorKind::kInvalidArgument,
                         absl::StrCat("subject alternative name '", san.ToString(),
                                      "' must be ASCII"));
      }
    }
  }
  absl::Status st;
  auto der = EncodeExtension(kSubjectAltNameOid, subject_empty, [&](CBB* value) {
    CBB names;
    if (!CBB_add_asn1(value, &names, CBS_ASN1_SEQUENCE)) return false;
    for (const SubjectAltName& san : sans) {
      // GeneralName: rfc822Name [1], dNSName [2], URI [6] (IA5String),
      // iPAddress [7] (4 or 16 octets), all IMPLICIT.
      CBB name;
      if (san.type == SubjectAltName::Type::kIp) {
        uint8_t buf[16];
        size_t len = 0;
        if (inet_pton(AF_INET, san.value.c_str(), buf) == 1) {
          len = 4;
        } else if (inet_pton(AF_INET6, san.value.c_str(), buf) == 1) {
          len = 16;
        } else {
          st = MakeError(ErrorKind::kInvalidArgument,
                         absl::StrCat("'", san.value, "' is not an IP address"));
          return false;
        }
        if (!CBB_add_asn1(&names, &name, CBS_ASN1_CONTEXT_SPECIFIC | 7) ||
            !CBB_add_bytes(&name, buf, len)) {
          return false;
        }
      } else {
        const unsigned tag = san.type == SubjectAltName::Type::kDns     ? 2
                             : san.type == SubjectAltName::Type::kEmail ? 1
                                                                        : 6;
        if (!CBB_add_asn1(&names, &name, CBS_ASN1_CONTEXT_SPECIFIC | tag) ||
            !CBB_add_bytes(&name, reinterpret_cast<const uint8_t*>(san.value.data()),
                           san.value.size())) {
          return false;
        }
      }
      if (!CBB_flush(&names)) return false;
    }
    return CBB_flush(value) == 1;
  }, "subjectAltName");
  if (!st.ok()) return st;
  return der;
}

absl::StatusOr<Bytes> KeyUsageDer(uint32_t bits) {
  // A DER BIT STRING: bit n is bit 7 - n % 8 of byte n / 8; trailing zero
  // bytes dropped and the unused bits of the last byte counted (X.690 11.2.2).
  uint8_t bytes[2] = {static_cast<uint8_t>(0), static_cast<uint8_t>(0)};
  for (int n = 0; n < kKeyUsageBitCount; ++n) {
    if ((bits & (1u << n)) != 0) bytes[n / 8] |= static_cast<uint8_t>(0x80 >> (n % 8));
  }
  size_t len = bytes[1] != 0 ? 2 : bytes[0] != 0 ? 1 : 0;
  uint8_t unused = 0;
  if (len > 0) {
    while (((bytes[len - 1] >> unused) & 1) == 0) ++unused;
  }
  return EncodeExtension(kKeyUsageOid, /*critical=*/true, [&](CBB* value) {
    CBB bit_string;
    return CBB_add_asn1(value, &bit_string, CBS_ASN1_BITSTRING) &&
           CBB_add_u8(&bit_string, unused) && CBB_add_bytes(&bit_string, bytes, len) &&
           CBB_flush(value);
  }, "keyUsage");
}

absl::StatusOr<Bytes> ExtendedKeyUsageDer(const std::vector<std::string>& oids) {
  for (const std::string& text : oids) {
    if (!oid::IsDottedOid(text)) {
      return MakeError(ErrorKind::kInvalidArgument,
                       absl::StrCat("extended key usage '", text, "' is not a dotted OID"));
    }
  }
  return EncodeExtension(kExtendedKeyUsageOid, /*critical=*/false, [&](CBB* value) {
    CBB seq;
    if (!CBB_add_asn1(value, &seq, CBS_ASN1_SEQUENCE)) return false;
    for (const std::string& text : oids) {
      CBB obj;
      if (!CBB_add_asn1(&seq, &obj, CBS_ASN1_OBJECT) ||
          !CBB_add_asn1_oid_from_text(&obj, text.data(), text.size()) || !CBB_flush(&seq)) {
        return false;
      }
    }
    return CBB_flush(value) == 1;
  }, "extendedKeyUsage");
}

absl::StatusOr<Bytes> BasicConstraintsDer(bool is_ca, std::optional<int> path_len) {
  if (is_ca && path_len.has_value() && *path_len < 0) {
    return MakeError(ErrorKind::kInvalidArgument,
                     absl::StrCat("path length ", *path_len, " is negative"));
  }
  // cA is DEFAULT FALSE (absent unless true); pathLenConstraint only for a CA.
  return EncodeExtension(kBasicConstraintsOid, /*critical=*/true, [&](CBB* value) {
    CBB seq;
    return CBB_add_asn1(value, &seq, CBS_ASN1_SEQUENCE) &&
           (!is_ca || CBB_add_asn1_bool(&seq, 1)) &&
           (!is_ca || !path_len.has_value() ||
            CBB_add_asn1_uint64(&seq, static_cast<uint64_t>(*path_len))) &&
           CBB_flush(value);
  }, "basicConstraints");
}

absl::StatusOr<ExtensionPtr> NameConstraintsExt(const NameConstraints& nc) {
  return Parsed(NameConstraintsDer(nc));
}
absl::StatusOr<ExtensionPtr> SubjectAltNames(const std::vector<SubjectAltName>& sans,
                                             bool subject_empty) {
  return Parsed(SubjectAltNamesDer(sans, subject_empty));
}
absl::StatusOr<ExtensionPtr> KeyUsage(uint32_t bits) { return Parsed(KeyUsageDer(bits)); }
absl::StatusOr<ExtensionPtr> ExtendedKeyUsage(const std::vector<std::string>& oids) {
  return Parsed(ExtendedKeyUsageDer(oids));
}
absl::StatusOr<ExtensionPtr> BasicConstraints(bool is_ca, std::optional<int> path_len) {
  return Parsed(BasicConstraintsDer(is_ca, path_len));
}

absl::StatusOr<ExtensionPtr> SubjectKeyId(const std::vector<uint8_t>& id) {
  return KeyId(NID_subject_key_identifier, id, "subjectKeyIdentifier");
}

absl::StatusOr<ExtensionPtr> AuthorityKeyId(const std::vector<uint8_t>& id) {
  return KeyId(NID_authority_key_identifier, id, "authorityKeyIdentifier");
}

bssl::UniquePtr<X509_CRL> ParseCrlData(absl::string_view data) {
  bssl::UniquePtr<X509_CRL> crl;
  if (absl::StrContains(data, "-----BEGIN")) {
    bssl::UniquePtr<BIO> bio(BIO_new_mem_buf(data.data(), static_cast<int>(data.size())));
    crl.reset(PEM_read_bio_X509_CRL(bio.get(), nullptr, nullptr, nullptr));
  } else {
    const uint8_t* p = reinterpret_cast<const uint8_t*>(data.data());
    crl.reset(d2i_X509_CRL(nullptr, &p, static_cast<long>(data.size())));
    if (crl && p != reinterpret_cast<const uint8_t*>(data.data()) + data.size()) crl.reset();
  }
  return crl;
}

absl::Time AsnTimeToAbsl(const ASN1_TIME* t) {
  bssl::UniquePtr<ASN1_TIME> epoch(ASN1_TIME_set(nullptr, 0));
  int days = 0, seconds = 0;
  if (!epoch || t == nullptr || !ASN1_TIME_diff(&days, &seconds, epoch.get(), t)) {
    return absl::InfinitePast();
  }
  return absl::FromUnixSeconds(static_cast<int64_t>(days) * 86400 + seconds);
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
