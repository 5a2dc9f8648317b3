// Private and public keys: generation, import/export, signing.
#include "certkit/key.h"

#include <string>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "certkit/error.h"
#include "openssl/bytestring.h"
#include "openssl/digest.h"
#include "openssl/bn.h"
#include "openssl/ec.h"
#include "openssl/ec_key.h"
#include "openssl/err.h"
#include "openssl/evp.h"
#include "openssl/mem.h"
#include "openssl/nid.h"
#include "openssl/obj.h"
#include "openssl/rsa.h"
#include "crypto/pbe.h"
#include "core/key_limits.h"
#include "crypto/pem_encryption.h"
#include "util/der.h"
#include "util/pem_blocks.h"

namespace certkit {
namespace {

constexpr absl::string_view kPkcs8Label = "PRIVATE KEY";
constexpr absl::string_view kEncryptedPkcs8Label = "ENCRYPTED PRIVATE KEY";
constexpr absl::string_view kRsaLabel = "RSA PRIVATE KEY";
constexpr absl::string_view kEcLabel = "EC PRIVATE KEY";
constexpr absl::string_view kPublicLabel = "PUBLIC KEY";
constexpr absl::string_view kRsaPublicLabel = "RSA PUBLIC KEY";

constexpr int kMinRsaBits = 2048;

int EcCurveNid(const EVP_PKEY* pkey) {
  const EC_KEY* ec = EVP_PKEY_get0_EC_KEY(pkey);
  if (ec == nullptr || EC_KEY_get0_group(ec) == nullptr) return NID_undef;
  return EC_GROUP_get_curve_name(EC_KEY_get0_group(ec));
}

// TypeOf maps a key that passed CheckKey onto its KeyType.
KeyType TypeOf(const EVP_PKEY* pkey) {
  switch (EVP_PKEY_id(pkey)) {
    case EVP_PKEY_RSA:
      return KeyType::kRsa;
    case EVP_PKEY_ED25519:
      return KeyType::kEd25519;
    default:
      break;
  }
  switch (EcCurveNid(pkey)) {
    case NID_secp384r1:
      return KeyType::kEcP384;
    case NID_secp521r1:
      return KeyType::kEcP521;
    default:
      return KeyType::kEcP256;
  }
}

int BitsOf(const EVP_PKEY* pkey) {
  if (EVP_PKEY_id(pkey) == EVP_PKEY_ED25519) return 256;
  return EVP_PKEY_bits(pkey);
}

std::string DescribeKey(const EVP_PKEY* pkey) {
  switch (TypeOf(pkey)) {
    case KeyType::kRsa:
      return absl::StrCat("RSA ", BitsOf(pkey));
    case KeyType::kEcP256:
      return "EC P-256";
    case KeyType::kEcP384:
      return "EC P-384";
    case KeyType::kEcP521:
      return "EC P-521";
    case KeyType::kEd25519:
      return "Ed25519";
  }
  return "unknown";
}

std::string CurveName(int nid) {
  const char* name = OBJ_nid2sn(nid);
  return name != nullptr ? name : absl::StrCat("curve NID ", nid);
}

// CheckKey refuses key types certkit does not model and, unless the policy
// allows them, weak keys.
absl::Status CheckKey(const EVP_PKEY* pkey, const KeyPolicy& policy) {
  switch (EVP_PKEY_id(pkey)) {
    case EVP_PKEY_RSA: {
      const int bits = EVP_PKEY_bits(pkey);
      if (bits < kMinRsaBits && !policy.allow_weak_keys) {
        return MakeError(ErrorKind::kWeakParameter,
                         absl::StrCat("RSA key of ", bits, " bits is below the minimum of ",
                                      kMinRsaBits, " bits"));
      }
      return absl::OkStatus();
    }
    case EVP_PKEY_ED25519:
      return absl::OkStatus();
    case EVP_PKEY_EC: {
      const int nid = EcCurveNid(pkey);
      if (nid == NID_X9_62_prime256v1 || nid == NID_secp384r1 || nid == NID_secp521r1) {
        return absl::OkStatus();
      }
      if (!policy.allow_weak_keys) {
        return MakeError(ErrorKind::kWeakParameter,
                         absl::StrCat("EC key on curve ", CurveName(nid),
                                      " is refused: only P-256, P-384 and P-521 are allowed"));
      }
      return MakeError(ErrorKind::kUnsupported,
                       absl::StrCat("EC key on curve ", CurveName(nid), " is not supported"));
    }
    case EVP_PKEY_DSA:
      return MakeError(ErrorKind::kUnsupported, "DSA keys are not supported");
    case EVP_PKEY_X25519:
      return MakeError(ErrorKind::kUnsupported, "X25519 keys cannot sign and are not supported");
    default:
      return MakeError(ErrorKind::kUnsupported,
                       absl::StrCat("key type NID ", EVP_PKEY_id(pkey), " is not supported"));
  }
}

// AlgorithmOidText returns the dotted OID of the AlgorithmIdentifier at the
// front of |alg_id| (a DER SEQUENCE), or "unknown".
std::string AlgorithmOidText(CBS alg_id) {
  CBS seq, oid;
  if (!CBS_get_asn1(&alg_id, &seq, CBS_ASN1_SEQUENCE) ||
      !CBS_get_asn1(&seq, &oid, CBS_ASN1_OBJECT)) {
    return "unknown";
  }
  std::string text = OidToText(oid);
  return text.empty() ? "unknown" : text;
}

// ParseFailure turns a failed BoringSSL key parse into a status, naming
// |what| ("PKCS#8 key", ...).
absl::Status ParseFailure(absl::string_view what) {
  const uint32_t err = ERR_peek_last_error();
  ERR_clear_error();
  if (ERR_GET_LIB(err) == ERR_LIB_EC && ERR_GET_REASON(err) == EC_R_UNKNOWN_GROUP) {
    return MakeError(ErrorKind::kUnsupported,
                     absl::StrCat(what, " uses an elliptic curve that is not supported"));
  }
  return MakeError(ErrorKind::kMalformed, absl::StrCat(what, " is malformed or truncated"));
}

// ParsePkcs8 parses an unencrypted PrivateKeyInfo that must span |der|.
absl::StatusOr<bssl::UniquePtr<EVP_PKEY>> ParsePkcs8(absl::Span<const uint8_t> der) {
  CBS cbs;
  CBS_init(&cbs, der.data(), der.size());
  bssl::UniquePtr<EVP_PKEY> pkey(EVP_parse_private_key(&cbs));
  if (pkey == nullptr) {
    // Name the algorithm when the structure is fine but the algorithm unknown.
    const uint32_t err = ERR_peek_last_error();
    if (ERR_GET_LIB(err) == ERR_LIB_EVP && ERR_GET_REASON(err) == EVP_R_UNSUPPORTED_ALGORITHM) {
      ERR_clear_error();
      CBS outer, inner;
      uint64_t version;
      CBS_init(&outer, der.data(), der.size());
      if (CBS_get_asn1(&outer, &inner, CBS_ASN1_SEQUENCE) &&
          CBS_get_asn1_uint64(&inner, &version)) {
        return MakeError(ErrorKind::kUnsupported,
                         absl::StrCat("PKCS#8 key algorithm ", AlgorithmOidText(inner),
                                      " is not supported"));
      }
    }
    return ParseFailure("PKCS#8 private key");
  }
  if (CBS_len(&cbs) != 0) {
    return MakeError(ErrorKind::kMalformed, "PKCS#8 private key is followed by trailing data");
  }
  return pkey;
}

absl::StatusOr<bssl::UniquePtr<EVP_PKEY>> ParseRsaPrivateKey(absl::Span<const uint8_t> der) {
  CBS cbs;
  CBS_init(&cbs, der.data(), der.size());
  bssl::UniquePtr<RSA> rsa(RSA_parse_private_key(&cbs));
  if (rsa == nullptr) return ParseFailure("PKCS#1 RSA private key");
  if (CBS_len(&cbs) != 0) {
    return MakeError(ErrorKind::kMalformed, "PKCS#1 RSA private key is followed by trailing data");
  }
  bssl::UniquePtr<EVP_PKEY> pkey(EVP_PKEY_new());
  if (pkey == nullptr || !EVP_PKEY_assign_RSA(pkey.get(), rsa.release())) {
    return MakeError(ErrorKind::kInternal, "cannot wrap RSA key");
  }
  return pkey;
}

absl::StatusOr<bssl::UniquePtr<EVP_PKEY>> ParseEcPrivateKey(absl::Span<const uint8_t> der) {
  CBS cbs;
  CBS_init(&cbs, der.data(), der.size());
  bssl::UniquePtr<EC_KEY> ec(EC_KEY_parse_private_key(&cbs, nullptr));
  if (ec == nullptr) return ParseFailure("SEC 1 EC private key");
  if (CBS_len(&cbs) != 0) {
    return MakeError(ErrorKind::kMalformed, "SEC 1 EC private key is followed by trailing data");
  }
  bssl::UniquePtr<EVP_PKEY> pkey(EVP_PKEY_new());
  if (pkey == nullptr || !EVP_PKEY_assign_EC_KEY(pkey.get(), ec.release())) {
    return MakeError(ErrorKind::kInternal, "cannot wrap EC key");
  }
  return pkey;
}

enum class DerKind { kPkcs8, kEncryptedPkcs8, kRsa, kEc, kUnknown };

// DetectDer classifies a private key DER structure by its first fields:
//   EncryptedPrivateKeyInfo ::= SEQUENCE { SEQUENCE, OCTET STRING }
//   PrivateKeyInfo          ::= SEQUENCE { INTEGER, SEQUENCE, OCTET STRING, ... }
//   RSAPrivateKey           ::= SEQUENCE { INTEGER, INTEGER, ... }
//   ECPrivateKey            ::= SEQUENCE { INTEGER, OCTET STRING, ... }
DerKind DetectDer(absl::Span<const uint8_t> der) {
  CBS cbs, seq;
  CBS_init(&cbs, der.data(), der.size());
  if (!CBS_get_asn1(&cbs, &seq, CBS_ASN1_SEQUENCE)) return DerKind::kUnknown;
  if (CBS_peek_asn1_tag(&seq, CBS_ASN1_SEQUENCE)) return DerKind::kEncryptedPkcs8;
  if (!CBS_get_asn1(&seq, nullptr, CBS_ASN1_INTEGER)) return DerKind::kUnknown;
  if (CBS_peek_asn1_tag(&seq, CBS_ASN1_SEQUENCE)) return DerKind::kPkcs8;
  if (CBS_peek_asn1_tag(&seq, CBS_ASN1_INTEGER)) return DerKind::kRsa;
  if (CBS_peek_asn1_tag(&seq, CBS_ASN1_OCTETSTRING)) return DerKind::kEc;
  return DerKind::kUnknown;
}

absl::StatusOr<PrivateKey> Finish(absl::StatusOr<bssl::UniquePtr<EVP_PKEY>> pkey,
                                  const KeyPolicy& policy) {
  if (!pkey.ok()) return pkey.status();
  absl::Status st = CheckKey(pkey->get(), policy);
  if (!st.ok()) return st;
  return PrivateKey(pkey->get());
}

// WrongPasswordIfMalformed turns a parse failure of freshly decrypted bytes
// into kBadPassword: a wrong key passes the padding check 1 time in 256 and
// then yields garbage.
absl::Status WrongPasswordIfMalformed(const absl::Status& st, absl::string_view what) {
  if (GetErrorKind(st) != ErrorKind::kMalformed) return st;
  return MakeError(ErrorKind::kBadPassword,
                   absl::StrCat("decrypted ", what,
                                " is not a valid key: wrong password or corrupted data"));
}

// MissingPasswordIfEmpty rewrites a kBadPassword for an empty password so the
// message says a password is needed.
absl::Status MissingPasswordIfEmpty(const absl::Status& st, absl::string_view password,
                                    absl::string_view what) {
  if (!password.empty() || GetErrorKind(st) != ErrorKind::kBadPassword) return st;
  return MakeError(ErrorKind::kBadPassword,
                   absl::StrCat(what, " is encrypted and no (or a wrong) password was given"));
}

// DecryptPkcs8 decrypts an EncryptedPrivateKeyInfo:
//   SEQUENCE { encryptionAlgorithm AlgorithmIdentifier, encryptedData OCTET STRING }
absl::StatusOr<bssl::UniquePtr<EVP_PKEY>> DecryptPkcs8(absl::Span<const uint8_t> der,
                                                       absl::string_view password,
                                                       const crypto::PbeLimits& limits) {
  CBS in, seq, alg, data;
  CBS_init(&in, der.data(), der.size());
  if (!CBS_get_asn1(&in, &seq, CBS_ASN1_SEQUENCE) || CBS_len(&in) != 0 ||
      !CBS_get_asn1_element(&seq, &alg, CBS_ASN1_SEQUENCE) ||
      !CBS_get_asn1(&seq, &data, CBS_ASN1_OCTETSTRING) || CBS_len(&seq) != 0) {
    return MakeError(ErrorKind::kMalformed, "encrypted PKCS#8 key is malformed or truncated");
  }
  absl::StatusOr<Bytes> plain =
      crypto::PbeDecrypt(absl::MakeConstSpan(CBS_data(&alg), CBS_len(&alg)),
                         absl::MakeConstSpan(CBS_data(&data), CBS_len(&data)), password, limits);
  if (!plain.ok()) {
    return MissingPasswordIfEmpty(Annotate(plain.status(), "encrypted PKCS#8 key"), password,
                                  "PKCS#8 key");
  }
  absl::StatusOr<bssl::UniquePtr<EVP_PKEY>> pkey = ParsePkcs8(*plain);
  OPENSSL_cleanse(plain->data(), plain->size());
  if (!pkey.ok()) {
    return MissingPasswordIfEmpty(WrongPasswordIfMalformed(pkey.status(), "PKCS#8 key"),
                                  password, "PKCS#8 key");
  }
  return pkey;
}

absl::StatusOr<PrivateKey> ParseDer(DerKind kind, absl::Span<const uint8_t> der,
                                    absl::string_view password, const KeyPolicy& policy,
                                    const crypto::PbeLimits& limits = {}) {
  switch (kind) {
    case DerKind::kPkcs8:
      return Finish(ParsePkcs8(der), policy);
    case DerKind::kRsa:
      return Finish(ParseRsaPrivateKey(der), policy);
    case DerKind::kEc:
      return Finish(ParseEcPrivateKey(der), policy);
    case DerKind::kEncryptedPkcs8:
      return Finish(DecryptPkcs8(der, password, limits), policy);
    case DerKind::kUnknown:
      break;
  }
  return MakeError(ErrorKind::kMalformed,
                   "input is not a DER private key (PKCS#8, encrypted PKCS#8, PKCS#1 or SEC 1)");
}

absl::Status CheckRsaBits(int bits) {
  if (bits < kMinRsaBits) {
    return MakeError(ErrorKind::kWeakParameter,
                     absl::StrCat("RSA key size ", bits, " is below the minimum of ", kMinRsaBits,
                                  " bits"));
  }
  if (bits != 2048 && bits != 3072 && bits != 4096) {
    return MakeError(ErrorKind::kInvalidArgument,
                     absl::StrCat("RSA key size ", bits, " is not one of 2048, 3072, 4096"));
  }
  return absl::OkStatus();
}

absl::StatusOr<bssl::UniquePtr<EVP_PKEY>> GenerateWithCtx(int type, int rsa_bits) {
  bssl::UniquePtr<EVP_PKEY_CTX> ctx(EVP_PKEY_CTX_new_id(type, nullptr));
  EVP_PKEY* raw = nullptr;
  if (ctx == nullptr || !EVP_PKEY_keygen_init(ctx.get()) ||
      (type == EVP_PKEY_RSA && !EVP_PKEY_CTX_set_rsa_keygen_bits(ctx.get(), rsa_bits)) ||
      !EVP_PKEY_keygen(ctx.get(), &raw)) {
    ERR_clear_error();
    return MakeError(ErrorKind::kInternal, "key generation failed");
  }
  return bssl::UniquePtr<EVP_PKEY>(raw);
}

absl::StatusOr<bssl::UniquePtr<EVP_PKEY>> GenerateEc(int nid) {
  bssl::UniquePtr<EC_KEY> ec(EC_KEY_new_by_curve_name(nid));
  bssl::UniquePtr<EVP_PKEY> pkey(EVP_PKEY_new());
  if (ec == nullptr || pkey == nullptr || !EC_KEY_generate_key(ec.get()) ||
      !EVP_PKEY_assign_EC_KEY(pkey.get(), ec.release())) {
    ERR_clear_error();
    return MakeError(ErrorKind::kInternal, "EC key generation failed");
  }
  return pkey;
}

Bytes MarshalPublic(const EVP_PKEY* pkey) {
  bssl::ScopedCBB cbb;
  if (!CBB_init(cbb.get(), 128) || !EVP_marshal_public_key(cbb.get(), pkey)) {
    ERR_clear_error();
    return {};
  }
  return FinishCbb(cbb.get());
}

// MarshalEcPkcs8 writes the PKCS#8 PrivateKeyInfo of |ec| as BoringSSL's
// EVP_marshal_private_key does (RFC 5915 ECPrivateKey without parameters,
// with the public key), taking the algorithm identifier and the public key
// BIT STRING from |spki|, the key's encoded public half, instead of
// encoding the point again.
int MarshalEcPkcs8(CBB* out, const EC_KEY* ec, const Bytes& spki) {
  CBS in, seq, alg, bits;
  CBS_init(&in, spki.data(), spki.size());
  if (!CBS_get_asn1(&in, &seq, CBS_ASN1_SEQUENCE) ||
      !CBS_get_asn1_element(&seq, &alg, CBS_ASN1_SEQUENCE) ||
      !CBS_get_asn1_element(&seq, &bits, CBS_ASN1_BITSTRING)) {
    return 0;
  }
  const EC_GROUP* group = EC_KEY_get0_group(ec);
  const BIGNUM* priv = EC_KEY_get0_private_key(ec);
  if (group == nullptr || priv == nullptr) return 0;
  const size_t order_len = (EC_GROUP_order_bits(group) + 7) / 8;
  CBB info, octets, ec_key, scalar, pub;
  return CBB_add_asn1(out, &info, CBS_ASN1_SEQUENCE) && CBB_add_asn1_uint64(&info, 0) &&
         CBB_add_bytes(&info, CBS_data(&alg), CBS_len(&alg)) &&
         CBB_add_asn1(&info, &octets, CBS_ASN1_OCTETSTRING) &&
         CBB_add_asn1(&octets, &ec_key, CBS_ASN1_SEQUENCE) && CBB_add_asn1_uint64(&ec_key, 1) &&
         CBB_add_asn1(&ec_key, &scalar, CBS_ASN1_OCTETSTRING) &&
         BN_bn2cbb_padded(&scalar, order_len, priv) &&
         CBB_add_asn1(&ec_key, &pub, CBS_ASN1_CONTEXT_SPECIFIC | CBS_ASN1_CONSTRUCTED | 1) &&
         CBB_add_bytes(&pub, CBS_data(&bits), CBS_len(&bits)) && CBB_flush(out);
}

}  // namespace

// ---------------------------------------------------------------------------
// KeySpec

absl::StatusOr<KeySpec> KeySpec::Parse(absl::string_view text) {
  const std::string lower = absl::AsciiStrToLower(absl::StripAsciiWhitespace(text));
  absl::string_view s = lower;
  KeySpec spec;
  if (s == "ed25519") {
    spec.type = KeyType::kEd25519;
    return spec;
  }
  if (s == "rsa") {
    spec.type = KeyType::kRsa;
    spec.rsa_bits = 2048;
    return spec;
  }
  if (absl::ConsumePrefix(&s, "rsa:")) {
    int bits = 0;
    if (!absl::SimpleAtoi(s, &bits)) {
      return MakeError(ErrorKind::kInvalidArgument,
                       absl::StrCat("key spec '", text, "': RSA size is not a number"));
    }
    absl::Status st = CheckRsaBits(bits);
    if (!st.ok()) return Annotate(st, absl::StrCat("key spec '", text, "'"));
    spec.type = KeyType::kRsa;
    spec.rsa_bits = bits;
    return spec;
  }
  if (s == "ec") {
    spec.type = KeyType::kEcP256;
    return spec;
  }
  absl::ConsumePrefix(&s, "ec:");
  if (s == "p256" || s == "p-256" || s == "prime256v1" || s == "secp256r1") {
    spec.type = KeyType::kEcP256;
    return spec;
  }
  if (s == "p384" || s == "p-384" || s == "secp384r1") {
    spec.type = KeyType::kEcP384;
    return spec;
  }
  if (s == "p521" || s == "p-521" || s == "secp521r1") {
    spec.type = KeyType::kEcP521;
    return spec;
  }
  return MakeError(ErrorKind::kInvalidArgument,
                   absl::StrCat("unknown key spec '", text,
                                "' (expected rsa:2048, rsa:3072, rsa:4096, ec:p256, ec:p384, "
                                "ec:p521 or ed25519)"));
}

std::string KeySpec::ToString() const {
  switch (type) {
    case KeyType::kRsa:
      return absl::StrCat("rsa:", rsa_bits);
    case KeyType::kEcP256:
      return "ec:p256";
    case KeyType::kEcP384:
      return "ec:p384";
    case KeyType::kEcP521:
      return "ec:p521";
    case KeyType::kEd25519:
      return "ed25519";
  }
  return "unknown";
}

// ---------------------------------------------------------------------------
// PublicKey

PublicKey::PublicKey(EVP_PKEY* pkey) : pkey_(pkey) {
  if (pkey_ != nullptr) EVP_PKEY_up_ref(pkey_);
}
PublicKey::PublicKey(const PublicKey& other) : pkey_(other.pkey_), spki_(other.spki_) {
  if (pkey_ != nullptr) EVP_PKEY_up_ref(pkey_);
}
PublicKey& PublicKey::operator=(const PublicKey& other) {
  if (this != &other) {
    if (other.pkey_ != nullptr) EVP_PKEY_up_ref(other.pkey_);
    EVP_PKEY_free(pkey_);
    pkey_ = other.pkey_;
    spki_ = other.spki_;
  }
  return *this;
}
PublicKey::PublicKey(PublicKey&& other) noexcept
    : pkey_(other.pkey_), spki_(std::move(other.spki_)) {
  other.pkey_ = nullptr;
}
PublicKey& PublicKey::operator=(PublicKey&& other) noexcept {
  if (this != &other) {
    EVP_PKEY_free(pkey_);
    pkey_ = other.pkey_;
    spki_ = std::move(other.spki_);
    other.pkey_ = nullptr;
  }
  return *this;
}
PublicKey::~PublicKey() { EVP_PKEY_free(pkey_); }

absl::StatusOr<PublicKey> PublicKey::FromSpkiDer(absl::Span<const uint8_t> der,
                                                 const KeyPolicy& policy) {
  CBS cbs;
  CBS_init(&cbs, der.data(), der.size());
  bssl::UniquePtr<EVP_PKEY> pkey(EVP_parse_public_key(&cbs));
  if (pkey == nullptr) {
    const uint32_t err = ERR_peek_last_error();
    if (ERR_GET_LIB(err) == ERR_LIB_EVP && ERR_GET_REASON(err) == EVP_R_UNSUPPORTED_ALGORITHM) {
      ERR_clear_error();
      CBS outer, inner;
      CBS_init(&outer, der.data(), der.size());
      if (CBS_get_asn1(&outer, &inner, CBS_ASN1_SEQUENCE)) {
        return MakeError(ErrorKind::kUnsupported,
                         absl::StrCat("public key algorithm ", AlgorithmOidText(inner),
                                      " is not supported"));
      }
    }
    return ParseFailure("SubjectPublicKeyInfo");
  }
  if (CBS_len(&cbs) != 0) {
    return MakeError(ErrorKind::kMalformed, "SubjectPublicKeyInfo is followed by trailing data");
  }
  absl::Status st = CheckKey(pkey.get(), policy);
  if (!st.ok()) return st;
  PublicKey out(pkey.get());
  out.spki_ = std::make_shared<const Bytes>(der.begin(), der.end());
  return out;
}

absl::StatusOr<PublicKey> PublicKey::FromPem(absl::string_view pem, const KeyPolicy& policy) {
  absl::StatusOr<std::vector<pem::Block>> blocks = pem::Parse(pem);
  if (!blocks.ok()) return blocks.status();
  for (const pem::Block& block : *blocks) {
    if (block.label == kPublicLabel) return FromSpkiDer(block.der, policy);
    if (block.label == kRsaPublicLabel) {
      CBS cbs;
      CBS_init(&cbs, block.der.data(), block.der.size());
      bssl::UniquePtr<RSA> rsa(RSA_parse_public_key(&cbs));
      if (rsa == nullptr || CBS_len(&cbs) != 0) return ParseFailure("PKCS#1 RSA public key");
      bssl::UniquePtr<EVP_PKEY> pkey(EVP_PKEY_new());
      if (pkey == nullptr || !EVP_PKEY_assign_RSA(pkey.get(), rsa.release())) {
        return MakeError(ErrorKind::kInternal, "cannot wrap RSA key");
      }
      absl::Status st = CheckKey(pkey.get(), policy);
      if (!st.ok()) return st;
      return PublicKey(pkey.get());
    }
  }
  return MakeError(ErrorKind::kMalformed, "no 'PUBLIC KEY' PEM block found");
}

KeyType PublicKey::type() const { return TypeOf(pkey_); }
int PublicKey::bits() const { return BitsOf(pkey_); }
std::string PublicKey::Describe() const { return DescribeKey(pkey_); }
Bytes PublicKey::ToSpkiDer() const { return spki_ ? *spki_ : MarshalPublic(pkey_); }
absl::Status PublicKey::CheckPolicy(const KeyPolicy& policy) const {
  if (pkey_ == nullptr) return MakeError(ErrorKind::kUnsupported, "the public key is empty");
  return CheckKey(pkey_, policy);
}
std::string PublicKey::ToPem() const { return pem::EncodePublic(kPublicLabel, ToSpkiDer()); }
bool PublicKey::Equals(const PublicKey& other) const {
  return EVP_PKEY_cmp(pkey_, other.pkey_) == 1;
}

// ---------------------------------------------------------------------------
// PrivateKey

PrivateKey::PrivateKey(EVP_PKEY* pkey) : pkey_(pkey) {
  if (pkey_ != nullptr) EVP_PKEY_up_ref(pkey_);
}
PrivateKey::PrivateKey(const PrivateKey& other) : pkey_(other.pkey_), spki_(other.spki_) {
  if (pkey_ != nullptr) EVP_PKEY_up_ref(pkey_);
}
PrivateKey& PrivateKey::operator=(const PrivateKey& other) {
  if (this != &other) {
    if (other.pkey_ != nullptr) EVP_PKEY_up_ref(other.pkey_);
    EVP_PKEY_free(pkey_);
    pkey_ = other.pkey_;
    spki_ = other.spki_;
  }
  return *this;
}
PrivateKey::PrivateKey(PrivateKey&& other) noexcept
    : pkey_(other.pkey_), spki_(std::move(other.spki_)) {
  other.pkey_ = nullptr;
}
PrivateKey& PrivateKey::operator=(PrivateKey&& other) noexcept {
  if (this != &other) {
    EVP_PKEY_free(pkey_);
    spki_ = std::move(other.spki_);
    pkey_ = other.pkey_;
    other.pkey_ = nullptr;
  }
  return *this;
}
PrivateKey::~PrivateKey() { EVP_PKEY_free(pkey_); }

absl::StatusOr<PrivateKey> PrivateKey::Generate(const KeySpec& spec) {
  absl::StatusOr<bssl::UniquePtr<EVP_PKEY>> pkey;
  switch (spec.type) {
    case KeyType::kRsa: {
      absl::Status st = CheckRsaBits(spec.rsa_bits);
      if (!st.ok()) return st;
      pkey = GenerateWithCtx(EVP_PKEY_RSA, spec.rsa_bits);
      break;
    }
    case KeyType::kEcP256:
      pkey = GenerateEc(NID_X9_62_prime256v1);
      break;
    case KeyType::kEcP384:
      pkey = GenerateEc(NID_secp384r1);
      break;
    case KeyType::kEcP521:
      pkey = GenerateEc(NID_secp521r1);
      break;
    case KeyType::kEd25519:
      pkey = GenerateWithCtx(EVP_PKEY_ED25519, 0);
      break;
    default:
      return MakeError(ErrorKind::kInvalidArgument, "unknown key type");
  }
  if (!pkey.ok()) return pkey.status();
  PrivateKey key(pkey->get());
  // Encoded once, now: an EC public point is kept in Jacobian coordinates,
  // and every encoding of it costs a field inversion (the certificate's
  // SPKI and the PKCS#8 output would each pay one).
  key.spki_ = std::make_shared<const Bytes>(MarshalPublic(key.pkey_));
  return key;
}

absl::StatusOr<PrivateKey> PrivateKey::FromDer(absl::Span<const uint8_t> der,
                                               absl::string_view password,
                                               const KeyPolicy& policy) {
  return PrivateKeyFromDer(der, password, policy, crypto::PbeLimits{});
}

absl::StatusOr<PrivateKey> PrivateKeyFromDer(absl::Span<const uint8_t> der,
                                             absl::string_view password, const KeyPolicy& policy,
                                             const crypto::PbeLimits& limits) {
  if (pem::LooksLikePem(der)) {
    return PrivateKeyFromPem(
        absl::string_view(reinterpret_cast<const char*>(der.data()), der.size()), password,
        policy, limits);
  }
  return ParseDer(DetectDer(der), der, password, policy, limits);
}

absl::StatusOr<PrivateKey> PrivateKey::Parse(absl::Span<const uint8_t> data,
                                             absl::string_view password,
                                             const KeyPolicy& policy) {
  if (pem::LooksLikePem(data)) {
    return FromPem(absl::string_view(reinterpret_cast<const char*>(data.data()), data.size()),
                   password, policy);
  }
  return FromDer(data, password, policy);
}

absl::StatusOr<PrivateKey> PrivateKey::FromPem(absl::string_view pem_text,
                                               absl::string_view password,
                                               const KeyPolicy& policy) {
  return PrivateKeyFromPem(pem_text, password, policy, crypto::PbeLimits{});
}

absl::StatusOr<PrivateKey> PrivateKeyFromPem(absl::string_view pem_text, absl::string_view password,
                                             const KeyPolicy& policy,
                                             const crypto::PbeLimits& limits) {
  absl::StatusOr<std::vector<pem::Block>> blocks = pem::Parse(pem_text);
  if (!blocks.ok()) return blocks.status();
  for (const pem::Block& block : *blocks) {
    if (block.label == kPkcs8Label) return ParseDer(DerKind::kPkcs8, block.der, {}, policy);
    if (block.label == kEncryptedPkcs8Label) {
      return ParseDer(DerKind::kEncryptedPkcs8, block.der, password, policy, limits);
    }
    if (block.label == kRsaLabel || block.label == kEcLabel) {
      const DerKind kind = block.label == kRsaLabel ? DerKind::kRsa : DerKind::kEc;
      const std::string proc_type = block.Header("Proc-Type");
      if (proc_type.empty()) return ParseDer(kind, block.der, {}, policy);
      if (!absl::EqualsIgnoreCase(absl::StripAsciiWhitespace(proc_type), "4,ENCRYPTED")) {
        return MakeError(ErrorKind::kUnsupported,
                         absl::StrCat("'", block.label, "' block has Proc-Type '", proc_type,
                                      "' (only '4,ENCRYPTED' is supported)"));
      }
      const std::string dek_info = block.Header("DEK-Info");
      if (dek_info.empty()) {
        return MakeError(ErrorKind::kMalformed,
                         absl::StrCat("encrypted '", block.label, "' block has no DEK-Info"));
      }
      absl::StatusOr<Bytes> plain = crypto::DecryptPemBody(dek_info, block.der, password);
      if (!plain.ok()) {
        return MissingPasswordIfEmpty(Annotate(plain.status(), block.label), password,
                                      block.label);
      }
      absl::StatusOr<PrivateKey> key = ParseDer(kind, *plain, {}, policy);
      OPENSSL_cleanse(plain->data(), plain->size());
      if (!key.ok()) {
        return MissingPasswordIfEmpty(WrongPasswordIfMalformed(key.status(), block.label),
                                      password, block.label);
      }
      return key;
    }
  }
  return MakeError(ErrorKind::kMalformed,
                   "no private key PEM block found (expected 'PRIVATE KEY', 'ENCRYPTED PRIVATE "
                   "KEY', 'RSA PRIVATE KEY' or 'EC PRIVATE KEY')");
}

KeyType PrivateKey::type() const { return TypeOf(pkey_); }
int PrivateKey::bits() const { return BitsOf(pkey_); }
std::string PrivateKey::Describe() const { return DescribeKey(pkey_); }

PublicKey PrivateKey::public_key() const {
  // Re-parse the SPKI so the PublicKey carries no private material; it
  // keeps the encoding, which is all that signing it needs.
  std::shared_ptr<const Bytes> spki = spki_ ? spki_ : std::make_shared<const Bytes>(MarshalPublic(pkey_));
  CBS cbs;
  CBS_init(&cbs, spki->data(), spki->size());
  bssl::UniquePtr<EVP_PKEY> pub(EVP_parse_public_key(&cbs));
  if (pub == nullptr) {
    ERR_clear_error();
    return PublicKey(pkey_);  // cannot happen for a key that was marshalled
  }
  PublicKey out(pub.get());
  out.spki_ = std::move(spki);
  return out;
}

Bytes PrivateKey::ToDer(KeyFormat format) const {
  bssl::ScopedCBB cbb;
  if (!CBB_init(cbb.get(), 256)) return {};
  int ok = 0;
  if (format == KeyFormat::kTraditional && EVP_PKEY_id(pkey_) == EVP_PKEY_RSA) {
    ok = RSA_marshal_private_key(cbb.get(), EVP_PKEY_get0_RSA(pkey_));
  } else if (format == KeyFormat::kTraditional && EVP_PKEY_id(pkey_) == EVP_PKEY_EC) {
    ok = EC_KEY_marshal_private_key(cbb.get(), EVP_PKEY_get0_EC_KEY(pkey_), 0);
  } else if (EVP_PKEY_id(pkey_) == EVP_PKEY_EC && spki_ != nullptr) {
    ok = MarshalEcPkcs8(cbb.get(), EVP_PKEY_get0_EC_KEY(pkey_), *spki_);
  } else {
    ok = EVP_marshal_private_key(cbb.get(), pkey_);
  }
  if (!ok) {
    ERR_clear_error();
    return {};
  }
  return FinishCbb(cbb.get());
}

std::string PrivateKey::ToPem(KeyFormat format) const {
  absl::string_view label = kPkcs8Label;
  if (format == KeyFormat::kTraditional && EVP_PKEY_id(pkey_) == EVP_PKEY_RSA) label = kRsaLabel;
  if (format == KeyFormat::kTraditional && EVP_PKEY_id(pkey_) == EVP_PKEY_EC) label = kEcLabel;
  Bytes der = ToDer(format);
  std::string out = pem::Encode(label, der);
  OPENSSL_cleanse(der.data(), der.size());
  return out;
}

absl::StatusOr<Bytes> PrivateKey::ToEncryptedPkcs8Der(absl::string_view password,
                                                      const KeyEncryption& enc) const {
  if (password.empty()) {
    return MakeError(ErrorKind::kInvalidArgument, "encrypting a key needs a non-empty password");
  }
  if (enc.iterations < 1) {
    return MakeError(ErrorKind::kInvalidArgument,
                     absl::StrCat("PBKDF2 iteration count ", enc.iterations, " is not positive"));
  }
  crypto::Pbes2Params params;
  params.prf = crypto::Prf::kHmacSha256;
  params.cipher = crypto::Pbes2Cipher::kAes256Cbc;
  params.iterations = enc.iterations;
  params.salt_len = 16;
  Bytes plain = ToDer(KeyFormat::kPkcs8);
  if (plain.empty()) {
    // A key with no private material here (held in a PKCS#11 token).
    return MakeError(ErrorKind::kUnsupported,
                     absl::StrCat("cannot export ", Describe(), ": its private half is not here "
                                  "(a key held in a token)"));
  }
  absl::StatusOr<crypto::PbeOutput> out = crypto::PbeEncryptPbes2(plain, password, params);
  OPENSSL_cleanse(plain.data(), plain.size());
  if (!out.ok()) return out.status();
  bssl::ScopedCBB cbb;
  CBB seq, data;
  if (!CBB_init(cbb.get(), out->ciphertext.size() + 128) ||
      !CBB_add_asn1(cbb.get(), &seq, CBS_ASN1_SEQUENCE) ||
      !CBB_add_bytes(&seq, out->algorithm.data(), out->algorithm.size()) ||
      !CBB_add_asn1(&seq, &data, CBS_ASN1_OCTETSTRING) ||
      !CBB_add_bytes(&data, out->ciphertext.data(), out->ciphertext.size())) {
    return MakeError(ErrorKind::kInternal, "cannot encode EncryptedPrivateKeyInfo");
  }
  return FinishCbb(cbb.get());
}

absl::StatusOr<std::string> PrivateKey::ToEncryptedPkcs8Pem(absl::string_view password,
                                                            const KeyEncryption& enc) const {
  absl::StatusOr<Bytes> der = ToEncryptedPkcs8Der(password, enc);
  if (!der.ok()) return der.status();
  return pem::Encode(kEncryptedPkcs8Label, *der);
}

absl::StatusOr<Bytes> PrivateKey::Sign(absl::Span<const uint8_t> data) const {
  bssl::ScopedEVP_MD_CTX ctx;
  size_t len = 0;
  if (!EVP_DigestSignInit(ctx.get(), nullptr, DefaultDigest(*this), nullptr, pkey_) ||
      !EVP_DigestSign(ctx.get(), nullptr, &len, data.data(), data.size())) {
    ERR_clear_error();
    return MakeError(ErrorKind::kInternal, absl::StrCat("cannot sign with ", Describe()));
  }
  Bytes sig(len);
  if (!EVP_DigestSign(ctx.get(), sig.data(), &len, data.data(), data.size())) {
    ERR_clear_error();
    return MakeError(ErrorKind::kInternal, absl::StrCat("signing with ", Describe(), " failed"));
  }
  sig.resize(len);
  return sig;
}

bool PrivateKey::MatchesPublicKey(const PublicKey& pub) const {
  if (pub.native() == nullptr || pkey_ == nullptr) return false;
  const bool match = EVP_PKEY_cmp(pkey_, pub.native()) == 1;
  ERR_clear_error();
  return match;
}

const EVP_MD* DefaultDigest(const PrivateKey& key) {
  switch (key.type()) {
    case KeyType::kEd25519:
      return nullptr;
    case KeyType::kEcP384:
      return EVP_sha384();
    case KeyType::kEcP521:
      return EVP_sha512();
    default:
      return EVP_sha256();
  }
}

}  // namespace certkit
