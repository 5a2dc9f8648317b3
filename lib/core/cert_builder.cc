#include "core/cert_builder.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "certkit/error.h"
#include "openssl/bytestring.h"
#include "openssl/digest.h"
#include "openssl/err.h"
#include "openssl/mem.h"
#include "openssl/nid.h"
#include "openssl/sha.h"
#include "openssl/x509.h"
#include "util/der.h"

namespace certkit {
namespace internal {
namespace {

absl::Status CbbFailure() { return MakeError(ErrorKind::kInternal, "cannot encode the certificate"); }

// AddTime appends |t| as UTCTime for the years 1950-2049 and as
// GeneralizedTime otherwise (RFC 5280 4.1.2.5), as ASN1_TIME_set does.
bool AddTime(CBB* cbb, absl::Time t) {
  const absl::CivilSecond c = absl::ToCivilSecond(t, absl::UTCTimeZone());
  if (c.year() < 0 || c.year() > 9999) return false;
  const bool utc = c.year() >= 1950 && c.year() < 2050;
  // YYMMDDHHMMSSZ or YYYYMMDDHHMMSSZ.
  char text[15];
  size_t n = 0;
  auto two = [&](int v) {
    text[n++] = static_cast<char>('0' + v / 10);
    text[n++] = static_cast<char>('0' + v % 10);
  };
  const int year = static_cast<int>(c.year());
  if (!utc) two(year / 100);
  two(year % 100);
  two(c.month());
  two(c.day());
  two(c.hour());
  two(c.minute());
  two(c.second());
  text[n++] = 'Z';
  CBB time;
  return CBB_add_asn1(cbb, &time, utc ? CBS_ASN1_UTCTIME : CBS_ASN1_GENERALIZEDTIME) &&
         CBB_add_bytes(&time, reinterpret_cast<const uint8_t*>(text), n) && CBB_flush(cbb);
}

// AddPositiveInteger appends an INTEGER with the big-endian magnitude |mag|.
bool AddPositiveInteger(CBB* cbb, absl::Span<const uint8_t> mag) {
  while (mag.size() > 1 && mag[0] == 0) mag.remove_prefix(1);
  CBB n;
  if (!CBB_add_asn1(cbb, &n, CBS_ASN1_INTEGER)) return false;
  if (mag.empty() || (mag[0] & 0x80) != 0) {
    if (!CBB_add_u8(&n, 0)) return false;
  }
  return CBB_add_bytes(&n, mag.data(), mag.size()) && CBB_flush(cbb);
}

Bytes Der(const uint8_t* p, size_t n) { return Bytes(p, p + n); }

// I2d runs a legacy i2d_* |encode| (which allocates its output) and returns
// the bytes; |kind| and |what| describe a failure.
template <typename Encode>
absl::StatusOr<Bytes> I2d(Encode encode, ErrorKind kind, const char* what) {
  uint8_t* der = nullptr;
  const int len = encode(&der);
  if (len <= 0) {
    ERR_clear_error();
    return MakeError(kind, what);
  }
  Bytes out(der, der + len);
  OPENSSL_free(der);
  return out;
}

}  // namespace

absl::StatusOr<Bytes> SignatureAlgorithmDer(const PrivateKey& key) {
  // ecdsa-with-SHA256/384/512 (RFC 5758: parameters absent),
  // sha256WithRSAEncryption (RFC 4055: NULL parameters), id-Ed25519 (RFC 8410).
  static const uint8_t kEcdsaSha256[] = {0x30, 0x0a, 0x06, 0x08, 0x2a, 0x86, 0x48,
                                         0xce, 0x3d, 0x04, 0x03, 0x02};
  static const uint8_t kEcdsaSha384[] = {0x30, 0x0a, 0x06, 0x08, 0x2a, 0x86, 0x48,
                                         0xce, 0x3d, 0x04, 0x03, 0x03};
  static const uint8_t kEcdsaSha512[] = {0x30, 0x0a, 0x06, 0x08, 0x2a, 0x86, 0x48,
                                         0xce, 0x3d, 0x04, 0x03, 0x04};
  static const uint8_t kRsaSha256[] = {0x30, 0x0d, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86,
                                       0xf7, 0x0d, 0x01, 0x01, 0x0b, 0x05, 0x00};
  static const uint8_t kEd25519[] = {0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70};
  switch (key.type()) {
    case KeyType::kRsa: return Der(kRsaSha256, sizeof(kRsaSha256));
    case KeyType::kEcP256: return Der(kEcdsaSha256, sizeof(kEcdsaSha256));
    case KeyType::kEcP384: return Der(kEcdsaSha384, sizeof(kEcdsaSha384));
    case KeyType::kEcP521: return Der(kEcdsaSha512, sizeof(kEcdsaSha512));
    case KeyType::kEd25519: return Der(kEd25519, sizeof(kEd25519));
  }
  return MakeError(ErrorKind::kUnsupported,
                   absl::StrCat("cannot sign certificates with a ", key.Describe(), " key"));
}

absl::StatusOr<Bytes> NameDer(const X509_NAME* name) {
  return I2d([name](uint8_t** der) { return i2d_X509_NAME(const_cast<X509_NAME*>(name), der); },
             ErrorKind::kInvalidArgument, "cannot encode the name");
}

absl::StatusOr<Bytes> NameDer(const DistinguishedName& name) { return name.ToDer(); }

Bytes KeyIdExtensionDer(bool authority, absl::Span<const uint8_t> id) {
  // Extension ::= SEQUENCE { extnID, extnValue OCTET STRING } (not critical):
  // subjectKeyIdentifier's value is KeyIdentifier ::= OCTET STRING,
  // authorityKeyIdentifier's is SEQUENCE { keyIdentifier [0] IMPLICIT }.
  static const uint8_t kSki[] = {0x55, 0x1d, 0x0e};  // 2.5.29.14
  static const uint8_t kAki[] = {0x55, 0x1d, 0x23};  // 2.5.29.35
  bssl::ScopedCBB cbb;
  CBB ext, oid, value, inner, key_id;
  if (!CBB_init(cbb.get(), 64) || !CBB_add_asn1(cbb.get(), &ext, CBS_ASN1_SEQUENCE) ||
      !CBB_add_asn1(&ext, &oid, CBS_ASN1_OBJECT) ||
      !CBB_add_bytes(&oid, authority ? kAki : kSki, 3) ||
      !CBB_add_asn1(&ext, &value, CBS_ASN1_OCTETSTRING)) {
    return {};
  }
  if (authority) {
    if (!CBB_add_asn1(&value, &inner, CBS_ASN1_SEQUENCE) ||
        !CBB_add_asn1(&inner, &key_id, CBS_ASN1_CONTEXT_SPECIFIC | 0) ||
        !CBB_add_bytes(&key_id, id.data(), id.size())) {
      return {};
    }
  } else if (!CBB_add_asn1(&value, &key_id, CBS_ASN1_OCTETSTRING) ||
             !CBB_add_bytes(&key_id, id.data(), id.size())) {
    return {};
  }
  return FinishCbb(cbb.get());
}

Bytes KeyIdOf(absl::Span<const uint8_t> spki) {
  CBS in, seq, alg, bits;
  CBS_init(&in, spki.data(), spki.size());
  if (!CBS_get_asn1(&in, &seq, CBS_ASN1_SEQUENCE) ||
      !CBS_get_asn1(&seq, &alg, CBS_ASN1_SEQUENCE) ||
      !CBS_get_asn1(&seq, &bits, CBS_ASN1_BITSTRING) || CBS_len(&bits) < 1) {
    return {};
  }
  // The hash covers the key bytes, not the unused-bits count.
  Bytes id(SHA_DIGEST_LENGTH);
  SHA1(CBS_data(&bits) + 1, CBS_len(&bits) - 1, id.data());
  return id;
}

absl::StatusOr<Bytes> SignCertificate(const TbsFields& f, const IssuerEncoding& issuer,
                                      const PrivateKey& key) {
  size_t ext_len = 0;
  for (const Bytes& e : *f.extensions) ext_len += e.size();
  bssl::ScopedCBB cbb;
  CBB cert, tbs, version, validity, exts_tag, exts;
  if (!CBB_init(cbb.get(), 256 + f.subject.size() + f.spki.size() + issuer.name.size() + ext_len +
                               key.bits() / 4) ||
      !CBB_add_asn1(cbb.get(), &cert, CBS_ASN1_SEQUENCE) ||
      !CBB_add_asn1(&cert, &tbs, CBS_ASN1_SEQUENCE) ||
      !CBB_add_asn1(&tbs, &version, CBS_ASN1_CONTEXT_SPECIFIC | CBS_ASN1_CONSTRUCTED | 0) ||
      !CBB_add_asn1_uint64(&version, 2) || !AddPositiveInteger(&tbs, f.serial) ||
      !CBB_add_bytes(&tbs, issuer.signature_algorithm.data(), issuer.signature_algorithm.size()) ||
      !CBB_add_bytes(&tbs, issuer.name.data(), issuer.name.size()) ||
      !CBB_add_asn1(&tbs, &validity, CBS_ASN1_SEQUENCE)) {
    return CbbFailure();
  }
  if (!AddTime(&validity, f.not_before) || !AddTime(&validity, f.not_after)) {
    return MakeError(ErrorKind::kInvalidArgument, "cannot encode the validity period");
  }
  if (!CBB_add_bytes(&tbs, f.subject.data(), f.subject.size()) ||
      !CBB_add_bytes(&tbs, f.spki.data(), f.spki.size())) {
    return CbbFailure();
  }
  if (!f.extensions->empty()) {
    if (!CBB_add_asn1(&tbs, &exts_tag, CBS_ASN1_CONTEXT_SPECIFIC | CBS_ASN1_CONSTRUCTED | 3) ||
        !CBB_add_asn1(&exts_tag, &exts, CBS_ASN1_SEQUENCE)) {
      return CbbFailure();
    }
    for (const Bytes& e : *f.extensions) {
      if (!CBB_add_bytes(&exts, e.data(), e.size())) return CbbFailure();
    }
  }
  if (!CBB_flush(&cert)) return CbbFailure();
  // |tbs| is flushed into |cert|: its bytes are the tail of |cert| so far.
  const uint8_t* tbs_der = CBB_data(&cert);
  const size_t tbs_len = CBB_len(&cert);
  auto sig = key.Sign(absl::MakeConstSpan(tbs_der, tbs_len));
  if (!sig.ok()) return sig.status();
  CBB sig_bits;
  if (!CBB_add_bytes(&cert, issuer.signature_algorithm.data(), issuer.signature_algorithm.size()) ||
      !CBB_add_asn1(&cert, &sig_bits, CBS_ASN1_BITSTRING) || !CBB_add_u8(&sig_bits, 0) ||
      !CBB_add_bytes(&sig_bits, sig->data(), sig->size())) {
    return CbbFailure();
  }
  Bytes out = FinishCbb(cbb.get());
  if (out.empty()) return CbbFailure();
  return out;
}

}  // namespace internal
}  // namespace certkit
