#include "keystore/pkcs12.h"

#include "keystore/entry_assembly.h"

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <optional>
#include <set>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/match.h"
#include "certkit/error.h"
#include "crypto/pbe.h"
#include "keystore/encrypted_key_info.h"
#include "keystore/java_strings.h"
#include "keystore/keystore_access.h"
#include "keystore/pkcs12_profiles.h"
#include "openssl/bytestring.h"
#include "openssl/crypto.h"
#include "openssl/digest.h"
#include "openssl/hmac.h"
#include "openssl/mem.h"
#include "openssl/rand.h"
#include "openssl/x509.h"

// Exported by libcrypto but declared only in BoringSSL's internal header.
extern "C" int CBS_asn1_ber_to_der(CBS* in, CBS* out, uint8_t** out_storage);

namespace certkit {
namespace keystore {
namespace {

constexpr uint8_t kDerNull[] = {0x05, 0x00};

constexpr char kOidData[] = "1.2.840.113549.1.7.1";
constexpr char kOidEncryptedData[] = "1.2.840.113549.1.7.6";
constexpr char kOidKeyBag[] = "1.2.840.113549.1.12.10.1.1";
constexpr char kOidShroudedKeyBag[] = "1.2.840.113549.1.12.10.1.2";
constexpr char kOidCertBag[] = "1.2.840.113549.1.12.10.1.3";
constexpr char kOidSecretBag[] = "1.2.840.113549.1.12.10.1.5";
constexpr char kOidSafeContentsBag[] = "1.2.840.113549.1.12.10.1.6";
constexpr char kOidX509Cert[] = "1.2.840.113549.1.9.22.1";
constexpr char kOidFriendlyName[] = "1.2.840.113549.1.9.20";
constexpr char kOidLocalKeyId[] = "1.2.840.113549.1.9.21";
constexpr char kOidOracleTrusted[] = "2.16.840.1.113894.746875.1.1";
constexpr char kOidAnyEku[] = "2.5.29.37.0";
constexpr int kMaxBagDepth = 4;
struct DigestOid {
  const char* oid;
  const EVP_MD* (*md)();
};
constexpr DigestOid kDigests[] = {
    {"1.3.14.3.2.26", EVP_sha1},           {"2.16.840.1.101.3.4.2.4", EVP_sha224},
    {"2.16.840.1.101.3.4.2.1", EVP_sha256}, {"2.16.840.1.101.3.4.2.2", EVP_sha384},
    {"2.16.840.1.101.3.4.2.3", EVP_sha512},
};

absl::Status Malformed(absl::string_view what) {
  return MakeError(ErrorKind::kMalformed, absl::StrCat("PKCS#12 ", what));
}

Bytes ToBytes(const CBS& cbs) { return Bytes(CBS_data(&cbs), CBS_data(&cbs) + CBS_len(&cbs)); }

std::string OidOf(const CBS& oid) {
  return OidToText(absl::MakeConstSpan(CBS_data(&oid), CBS_len(&oid)));
}

// BerToDer normalizes one BER element (indefinite lengths, constructed
// strings) into DER; trailing bytes after it are kMalformed.
absl::StatusOr<Bytes> BerToDer(absl::Span<const uint8_t> in, absl::string_view what) {
  CBS cbs, out;
  uint8_t* storage = nullptr;
  CBS_init(&cbs, in.data(), in.size());
  if (!CBS_asn1_ber_to_der(&cbs, &out, &storage)) {
    // BoringSSL's converter also stops at 2048 levels of constructed
    // elements (crypto/bytestring/ber.c, kMaxDepth), rather than recurse on.
    return Malformed(absl::StrCat(what, " is not valid BER/DER, or nests more than 2048 levels deep"));
  }
  Bytes result = ToBytes(out);
  OPENSSL_free(storage);
  CBS_init(&out, result.data(), result.size());
  CBS element;
  if (!CBS_get_any_asn1_element(&out, &element, nullptr, nullptr)) {
    return Malformed(absl::StrCat(what, " is not valid DER"));
  }
  if (CBS_len(&cbs) != 0 || CBS_len(&out) != 0) {
    return Malformed(absl::StrCat(what, " is followed by trailing garbage"));
  }
  return result;
}

// GetImplicitString reads [tag] IMPLICIT OCTET STRING, primitive or
// constructed from OCTET STRING segments.
bool GetImplicitString(CBS* cbs, unsigned tag_number, Bytes* out) {
  CBS v;
  if (CBS_peek_asn1_tag(cbs, CBS_ASN1_CONTEXT_SPECIFIC | tag_number)) {
    if (!CBS_get_asn1(cbs, &v, CBS_ASN1_CONTEXT_SPECIFIC | tag_number)) return false;
    *out = ToBytes(v);
    return true;
  }
  if (!CBS_get_asn1(cbs, &v, CBS_ASN1_CONTEXT_SPECIFIC | CBS_ASN1_CONSTRUCTED | tag_number)) return false;
  out->clear();
  while (CBS_len(&v) > 0) {
    CBS seg;
    if (!CBS_get_asn1(&v, &seg, CBS_ASN1_OCTETSTRING)) return false;
    out->insert(out->end(), CBS_data(&seg), CBS_data(&seg) + CBS_len(&seg));
  }
  return true;
}

// ---- reading ---------------------------------------------------------------

struct Pfx {
  Bytes auth_safe;  // contents of the data ContentInfo's OCTET STRING
  bool has_mac = false;
  std::string mac_oid;
  Bytes mac_digest, mac_salt;
  uint64_t mac_iterations = 1;
  // The MAC AlgorithmIdentifier's parameters (after the OID).
  Bytes mac_params;
  // id-PBMAC1 (RFC 9579): the MAC key comes from |pbmac1|, and MacData's
  // macSalt and iterations are not used (RFC 9579 section 3 says to ignore
  // them).
  bool pbmac1 = false;
  crypto::Pbmac1Params pbmac1_params;
};

absl::StatusOr<Pfx> ParsePfx(absl::Span<const uint8_t> der) {
  Pfx pfx;
  CBS in, seq, auth, oid, wrapped, content;
  uint64_t version;
  CBS_init(&in, der.data(), der.size());
  if (!CBS_get_asn1(&in, &seq, CBS_ASN1_SEQUENCE) || !CBS_get_asn1_uint64(&seq, &version)) {
    return Malformed("PFX structure is damaged");
  }
  if (version != 3) {
    return MakeError(ErrorKind::kUnsupported, absl::StrCat("PKCS#12 version ", version, " is not supported"));
  }
  if (!CBS_get_asn1(&seq, &auth, CBS_ASN1_SEQUENCE) || !CBS_get_asn1(&auth, &oid, CBS_ASN1_OBJECT)) {
    return Malformed("authSafe ContentInfo is damaged");
  }
  if (OidOf(oid) != kOidData) {
    return MakeError(ErrorKind::kUnsupported,
                     absl::StrCat("PKCS#12 authSafe of type ", OidOf(oid),
                                  " (public-key integrity mode) is not supported"));
  }
  if (!CBS_get_asn1(&auth, &wrapped, CBS_ASN1_CONTEXT_SPECIFIC | CBS_ASN1_CONSTRUCTED | 0) ||
      !CBS_get_asn1(&wrapped, &content, CBS_ASN1_OCTETSTRING) || CBS_len(&auth) != 0) {
    return Malformed("authSafe content is damaged");
  }
  pfx.auth_safe = ToBytes(content);
  if (CBS_len(&seq) > 0) {
    CBS mac, digest_info, alg, mac_oid, digest, salt;
    if (!CBS_get_asn1(&seq, &mac, CBS_ASN1_SEQUENCE) ||
        !CBS_get_asn1(&mac, &digest_info, CBS_ASN1_SEQUENCE) ||
        !CBS_get_asn1(&digest_info, &alg, CBS_ASN1_SEQUENCE) ||
        !CBS_get_asn1(&alg, &mac_oid, CBS_ASN1_OBJECT) ||
        !CBS_get_asn1(&digest_info, &digest, CBS_ASN1_OCTETSTRING) ||
        !CBS_get_asn1(&mac, &salt, CBS_ASN1_OCTETSTRING)) {
      return Malformed("MacData is damaged");
    }
    pfx.mac_oid = OidOf(mac_oid);
    pfx.pbmac1 = pfx.mac_oid == crypto::kOidPbmac1;
    pfx.mac_params = ToBytes(alg);
    if (!pfx.pbmac1 &&
        !(CBS_len(&alg) == 0 || (CBS_len(&alg) == 2 && CBS_data(&alg)[0] == 0x05 && CBS_data(&alg)[1] == 0))) {
      return Malformed("MAC digest parameters are not NULL");
    }
    if (CBS_len(&mac) > 0 && !CBS_get_asn1_uint64(&mac, &pfx.mac_iterations)) {
      return Malformed("MAC iteration count is damaged");
    }
    if (CBS_len(&mac) != 0 || CBS_len(&seq) != 0) return Malformed("MacData has extra fields");
    pfx.has_mac = true;
    pfx.mac_digest = ToBytes(digest);
    pfx.mac_salt = ToBytes(salt);
  }
  return pfx;
}

// MacWithKey is the HMAC of |data| under the derived MAC |key|.
absl::StatusOr<Bytes> MacWithKey(const EVP_MD* md, absl::Span<const uint8_t> data,
                                 absl::Span<const uint8_t> key) {
  Bytes mac(EVP_MAX_MD_SIZE);
  unsigned mac_len = 0;
  if (HMAC(md, key.data(), key.size(), data.data(), data.size(), mac.data(), &mac_len) == nullptr) {
    return MakeError(ErrorKind::kInternal, "HMAC failed");
  }
  mac.resize(mac_len);
  return mac;
}

absl::StatusOr<Bytes> MacOver(const EVP_MD* md, absl::Span<const uint8_t> data,
                              absl::Span<const uint8_t> salt, int iterations,
                              absl::Span<const uint8_t> bmp_password) {
  auto key = crypto::Pkcs12Kdf(md, bmp_password, salt, 3, iterations, EVP_MD_size(md));
  if (!key.ok()) return key.status();
  auto mac = MacWithKey(md, data, *key);
  OPENSSL_cleanse(key->data(), key->size());
  return mac;
}

// CheckMac returns OK when the MAC verifies, kBadPassword (for the caller to
// classify) when not, and other errors for unusable parameters.
absl::Status CheckMac(const Pfx& pfx, absl::string_view password, const crypto::PbeLimits& limits) {
  if (pfx.pbmac1) {
    // RFC 9579: PBKDF2 over the password's UTF-8 bytes (no BMPString form, so
    // an empty password has one encoding).
    if (pfx.mac_digest.size() != static_cast<size_t>(EVP_MD_size(pfx.pbmac1_params.mac))) {
      return Malformed("PBMAC1 MAC value has the wrong length for its messageAuthScheme");
    }
    auto mac = crypto::Pbmac1Compute(pfx.pbmac1_params, password, pfx.auth_safe, limits);
    if (!mac.ok()) return mac.status();
    if (CRYPTO_memcmp(mac->data(), pfx.mac_digest.data(), mac->size()) == 0) return absl::OkStatus();
    return MakeError(ErrorKind::kBadPassword, "PKCS#12 PBMAC1 mismatch");
  }
  const EVP_MD* md = nullptr;
  for (const DigestOid& d : kDigests) {
    if (pfx.mac_oid == d.oid) md = d.md();
  }
  if (md == nullptr) {
    return MakeError(ErrorKind::kUnsupported,
                     absl::StrCat("PKCS#12 MAC digest ", pfx.mac_oid, " is not supported"));
  }
  if (pfx.mac_iterations < 1) return Malformed("MAC iteration count is zero");
  if (pfx.mac_iterations > static_cast<uint64_t>(limits.max_iterations)) {
    return MakeError(ErrorKind::kLimitExceeded,
                     absl::StrCat("PKCS#12 MAC iteration count ", pfx.mac_iterations,
                                  " exceeds the limit ", limits.max_iterations));
  }
  if (pfx.mac_digest.size() != EVP_MD_size(md)) return Malformed("MAC has the wrong length");
  auto bmp = crypto::Utf8ToBmpPassword(password);
  if (!bmp.ok()) return bmp.status();
  std::vector<Bytes> candidates{*bmp};
  if (password.empty()) candidates.push_back(bmp->empty() ? Bytes{0, 0} : Bytes{});
  for (const Bytes& pw : candidates) {
    absl::Status charged = crypto::ChargeKdf(limits, static_cast<int64_t>(pfx.mac_iterations));
    if (!charged.ok()) return charged;
    auto mac = MacOver(md, pfx.auth_safe, pfx.mac_salt, static_cast<int>(pfx.mac_iterations), pw);
    if (!mac.ok()) return mac.status();
    if (CRYPTO_memcmp(mac->data(), pfx.mac_digest.data(), mac->size()) == 0) return absl::OkStatus();
  }
  return MakeError(ErrorKind::kBadPassword, "PKCS#12 MAC mismatch");
}

struct ParsedBag {
  bool is_key = false;
  Bytes key_pkcs8;  // is_key
  Bytes cert_der;   // !is_key
  std::string friendly_name;
  Bytes local_key_id;
  bool trusted = false;
};

struct Reader {
  absl::string_view password;
  const LoadOptions* options;
  const crypto::PbeLimits* limits;
  std::vector<ParsedBag> bags;
  // Set when a decryption was attempted; used to classify MAC failures.
  bool decrypted_something = false;
  bool attempted_decrypt = false;
  // Scan mode: decrypt nothing, only add up the key-derivation work the
  // encrypted parts declare (what is inside encrypted safes is not seen).
  bool scan_only = false;
  int64_t declared = 0;
  // Scan mode: an encrypted safe or shrouded key was seen.
  bool saw_encrypted = false;

  absl::StatusOr<Bytes> Decrypt(absl::Span<const uint8_t> alg, absl::Span<const uint8_t> ct,
                                absl::string_view what) {
    attempted_decrypt = true;
    auto plain = crypto::PbeDecrypt(alg, ct, password, *limits);
    if (!plain.ok()) return Annotate(plain.status(), absl::StrCat("PKCS#12 ", what));
    return plain;
  }

  absl::Status ParseAttributes(CBS* attrs, ParsedBag* bag) {
    while (CBS_len(attrs) > 0) {
      CBS attr, oid, values;
      if (!CBS_get_asn1(attrs, &attr, CBS_ASN1_SEQUENCE) || !CBS_get_asn1(&attr, &oid, CBS_ASN1_OBJECT) ||
          !CBS_get_asn1(&attr, &values, CBS_ASN1_SET)) {
        return Malformed("bag attribute is damaged");
      }
      std::string name = OidOf(oid);
      if (name == kOidFriendlyName) {
        CBS v;
        if (!CBS_get_asn1(&values, &v, CBS_ASN1_BMPSTRING)) return Malformed("friendlyName is not a BMPString");
        auto utf16 = FromUtf16Be(absl::MakeConstSpan(CBS_data(&v), CBS_len(&v)), "PKCS#12 friendlyName");
        if (!utf16.ok()) return utf16.status();
        auto utf8 = Utf16ToUtf8(*utf16, "PKCS#12 friendlyName");
        if (!utf8.ok()) return utf8.status();
        bag->friendly_name = *utf8;
      } else if (name == kOidLocalKeyId) {
        CBS v;
        if (!CBS_get_asn1(&values, &v, CBS_ASN1_OCTETSTRING)) return Malformed("localKeyId is not an OCTET STRING");
        bag->local_key_id = ToBytes(v);
      } else if (name == kOidOracleTrusted) {
        bag->trusted = true;
      }
    }
    return absl::OkStatus();
  }

  absl::Status ParseSafeContents(absl::Span<const uint8_t> ber, int depth) {
    if (depth > kMaxBagDepth) {
      return MakeError(ErrorKind::kLimitExceeded,
                       absl::StrCat("PKCS#12 safeContentsBag nesting is deeper than ", kMaxBagDepth, " levels"));
    }
    auto der = BerToDer(ber, "SafeContents");
    if (!der.ok()) return der.status();
    CBS in, seq;
    CBS_init(&in, der->data(), der->size());
    if (!CBS_get_asn1(&in, &seq, CBS_ASN1_SEQUENCE)) return Malformed("SafeContents is damaged");
    while (CBS_len(&seq) > 0) {
      CBS bag, oid, wrapped;
      if (!CBS_get_asn1(&seq, &bag, CBS_ASN1_SEQUENCE) || !CBS_get_asn1(&bag, &oid, CBS_ASN1_OBJECT) ||
          !CBS_get_asn1(&bag, &wrapped, CBS_ASN1_CONTEXT_SPECIFIC | CBS_ASN1_CONSTRUCTED | 0)) {
        return Malformed("SafeBag is damaged");
      }
      ParsedBag parsed;
      if (CBS_len(&bag) > 0) {
        CBS attrs;
        if (!CBS_get_asn1(&bag, &attrs, CBS_ASN1_SET)) return Malformed("bag attributes are damaged");
        absl::Status s = ParseAttributes(&attrs, &parsed);
        if (!s.ok()) return s;
      }
      std::string type = OidOf(oid);
      std::string label = parsed.friendly_name.empty() ? std::string("(no friendlyName)")
                                                       : absl::StrCat("'", parsed.friendly_name, "'");
      if (type == kOidKeyBag) {
        CBS key;
        if (!CBS_get_asn1_element(&wrapped, &key, CBS_ASN1_SEQUENCE)) return Malformed("keyBag is damaged");
        parsed.is_key = true;
        parsed.key_pkcs8 = ToBytes(key);
      } else if (type == kOidShroudedKeyBag) {
        CBS epki;
        if (!CBS_get_asn1_element(&wrapped, &epki, CBS_ASN1_SEQUENCE)) {
          return Malformed("pkcs8ShroudedKeyBag is damaged");
        }
        auto info = ParseEncryptedKeyInfo(absl::MakeConstSpan(CBS_data(&epki), CBS_len(&epki)));
        if (!info.ok()) return Annotate(info.status(), absl::StrCat("PKCS#12 key ", label));
        if (scan_only) {
          declared += crypto::DeclaredKdfWork(info->algorithm);
          saw_encrypted = true;
          continue;
        }
        auto plain = Decrypt(info->algorithm, info->ciphertext, absl::StrCat("key ", label));
        if (!plain.ok() && GetErrorKind(plain.status()) == ErrorKind::kBadPassword &&
            options->key_password) {
          plain = crypto::PbeDecrypt(info->algorithm, info->ciphertext, *options->key_password, *limits);
        }
        if (!plain.ok()) {
          if (GetErrorKind(plain.status()) == ErrorKind::kBadPassword) {
            return MakeError(ErrorKind::kBadKeyPassword,
                             absl::StrCat("PKCS#12 key ", label,
                                          " does not open with the store password (nor the key password)"));
          }
          return plain.status();
        }
        // A wrong password passes the padding check now and then; a
        // decodable key proves the password.
        if (LooksLikePrivateKeyInfo(*plain)) decrypted_something = true;
        parsed.is_key = true;
        parsed.key_pkcs8 = std::move(*plain);
      } else if (type == kOidCertBag) {
        CBS cert_bag, cert_oid, cert_wrapped, cert;
        if (!CBS_get_asn1(&wrapped, &cert_bag, CBS_ASN1_SEQUENCE) ||
            !CBS_get_asn1(&cert_bag, &cert_oid, CBS_ASN1_OBJECT) ||
            !CBS_get_asn1(&cert_bag, &cert_wrapped, CBS_ASN1_CONTEXT_SPECIFIC | CBS_ASN1_CONSTRUCTED | 0)) {
          return Malformed("certBag is damaged");
        }
        if (OidOf(cert_oid) != kOidX509Cert) continue;  // SDSI certificates: ignored, as the JDK does
        if (!CBS_get_asn1(&cert_wrapped, &cert, CBS_ASN1_OCTETSTRING)) {
          return Malformed("certBag value is not an OCTET STRING");
        }
        parsed.cert_der = ToBytes(cert);
      } else if (type == kOidSafeContentsBag) {
        CBS nested;
        if (!CBS_get_asn1_element(&wrapped, &nested, CBS_ASN1_SEQUENCE)) {
          return Malformed("safeContentsBag is damaged");
        }
        absl::Status s = ParseSafeContents(absl::MakeConstSpan(CBS_data(&nested), CBS_len(&nested)), depth + 1);
        if (!s.ok()) return s;
        continue;
      } else if (type == kOidSecretBag) {
        return MakeError(ErrorKind::kUnsupported,
                         absl::StrCat("PKCS#12 entry ", label, " is a secret key, which certkit does not support"));
      } else {
        continue;  // CRL bags and unknown bags carry nothing for a key store
      }
      bags.push_back(std::move(parsed));
    }
    return absl::OkStatus();
  }

  absl::Status ParseAuthSafe(absl::Span<const uint8_t> ber) {
    auto der = BerToDer(ber, "AuthenticatedSafe");
    if (!der.ok()) return der.status();
    CBS in, seq;
    CBS_init(&in, der->data(), der->size());
    if (!CBS_get_asn1(&in, &seq, CBS_ASN1_SEQUENCE)) return Malformed("AuthenticatedSafe is damaged");
    while (CBS_len(&seq) > 0) {
      CBS ci, oid, wrapped;
      if (!CBS_get_asn1(&seq, &ci, CBS_ASN1_SEQUENCE) || !CBS_get_asn1(&ci, &oid, CBS_ASN1_OBJECT) ||
          !CBS_get_asn1(&ci, &wrapped, CBS_ASN1_CONTEXT_SPECIFIC | CBS_ASN1_CONSTRUCTED | 0)) {
        return Malformed("ContentInfo is damaged");
      }
      std::string type = OidOf(oid);
      if (type == kOidData) {
        CBS content;
        if (!CBS_get_asn1(&wrapped, &content, CBS_ASN1_OCTETSTRING)) return Malformed("data content is damaged");
        absl::Status s = ParseSafeContents(absl::MakeConstSpan(CBS_data(&content), CBS_len(&content)), 0);
        if (!s.ok()) return s;
      } else if (type == kOidEncryptedData) {
        CBS ed, eci, content_type, alg;
        uint64_t version;
        Bytes ciphertext;
        if (!CBS_get_asn1(&wrapped, &ed, CBS_ASN1_SEQUENCE) || !CBS_get_asn1_uint64(&ed, &version) ||
            !CBS_get_asn1(&ed, &eci, CBS_ASN1_SEQUENCE) ||
            !CBS_get_asn1(&eci, &content_type, CBS_ASN1_OBJECT) ||
            !CBS_get_asn1_element(&eci, &alg, CBS_ASN1_SEQUENCE) ||
            !GetImplicitString(&eci, 0, &ciphertext)) {
          return Malformed("encryptedData content is damaged");
        }
        if (scan_only) {
          declared += crypto::DeclaredKdfWork(absl::MakeConstSpan(CBS_data(&alg), CBS_len(&alg)));
          saw_encrypted = true;
          continue;
        }
        auto plain = Decrypt(absl::MakeConstSpan(CBS_data(&alg), CBS_len(&alg)), ciphertext,
                             "encrypted certificate safe");
        if (!plain.ok()) return plain.status();
        if (BerToDer(*plain, "SafeContents").ok()) decrypted_something = true;
        absl::Status s = ParseSafeContents(*plain, 0);
        if (!s.ok()) return s;
      } else {
        return MakeError(ErrorKind::kUnsupported,
                         absl::StrCat("PKCS#12 ContentInfo type ", type, " is not supported"));
      }
    }
    return absl::OkStatus();
  }
};

// ClassifyMacFailure decides between a wrong password and a corrupted file:
// if the contents decrypt with the password, the password is right.
absl::Status ClassifyMacFailure(const Pfx& pfx, absl::string_view password, const LoadOptions& options,
                                const crypto::PbeLimits& limits) {
  Reader probe{password, &options, &limits, {}, false, false};
  absl::Status s = probe.ParseAuthSafe(pfx.auth_safe);
  const char* mac = pfx.pbmac1 ? "PBMAC1 MAC" : "MAC";
  if (probe.decrypted_something) {
    return MakeError(ErrorKind::kIntegrity,
                     absl::StrCat("PKCS#12 file is corrupted: the ", mac,
                                  " does not match although the password decrypts its contents"));
  }
  if (GetErrorKind(s) == ErrorKind::kMalformed && !probe.attempted_decrypt) {
    return MakeError(ErrorKind::kIntegrity,
                     absl::StrCat("PKCS#12 file is corrupted: ", mac, " mismatch and ", s.message()));
  }
  if (!probe.attempted_decrypt && s.ok()) {
    // Nothing encrypted to tell a wrong password from a changed file.
    return MakeError(ErrorKind::kBadPassword,
                     absl::StrCat("PKCS#12 ", mac, " mismatch: the store password is incorrect or "
                                  "the file was modified (it holds nothing encrypted to tell which)"));
  }
  return MakeError(ErrorKind::kBadPassword,
                   absl::StrCat("PKCS#12 store password is incorrect (", mac, " mismatch)"));
}

absl::Time DateFromLocalKeyId(const Bytes& id, absl::Time fallback) {
  std::string s(id.begin(), id.end());
  int64_t ms;
  if (absl::StartsWith(s, "Time ") && absl::SimpleAtoi(s.substr(5), &ms)) return absl::FromUnixMillis(ms);
  return fallback;
}

// ---- writing ---------------------------------------------------------------



struct BagAttributes {
  std::string friendly_name;
  Bytes local_key_id;
  bool trusted = false;
};

absl::Status AddAttributes(CBB* bag, const BagAttributes& attrs) {
  if (attrs.friendly_name.empty() && attrs.local_key_id.empty() && !attrs.trusted) return absl::OkStatus();
  CBB set, attr, values, v;
  if (!CBB_add_asn1(bag, &set, CBS_ASN1_SET)) return MakeError(ErrorKind::kInternal, "CBB failure");
  if (!attrs.friendly_name.empty()) {
    auto utf16 = Utf8ToUtf16(attrs.friendly_name, "alias");
    if (!utf16.ok()) return utf16.status();
    Bytes bmp = Utf16Be(*utf16);
    if (!CBB_add_asn1(&set, &attr, CBS_ASN1_SEQUENCE) || !AddOid(&attr, kOidFriendlyName) ||
        !CBB_add_asn1(&attr, &values, CBS_ASN1_SET) || !CBB_add_asn1(&values, &v, CBS_ASN1_BMPSTRING) ||
        !CBB_add_bytes(&v, bmp.data(), bmp.size()) || !CBB_flush(&set)) {
      return MakeError(ErrorKind::kInternal, "CBB failure");
    }
  }
  if (!attrs.local_key_id.empty()) {
    if (!CBB_add_asn1(&set, &attr, CBS_ASN1_SEQUENCE) || !AddOid(&attr, kOidLocalKeyId) ||
        !CBB_add_asn1(&attr, &values, CBS_ASN1_SET) ||
        !CBB_add_asn1_octet_string(&values, attrs.local_key_id.data(), attrs.local_key_id.size()) ||
        !CBB_flush(&set)) {
      return MakeError(ErrorKind::kInternal, "CBB failure");
    }
  }
  if (attrs.trusted) {
    if (!CBB_add_asn1(&set, &attr, CBS_ASN1_SEQUENCE) || !AddOid(&attr, kOidOracleTrusted) ||
        !CBB_add_asn1(&attr, &values, CBS_ASN1_SET) || !AddOid(&values, kOidAnyEku) || !CBB_flush(&set)) {
      return MakeError(ErrorKind::kInternal, "CBB failure");
    }
  }
  if (!CBB_flush_asn1_set_of(&set) || !CBB_flush(bag)) return MakeError(ErrorKind::kInternal, "CBB failure");
  return absl::OkStatus();
}

absl::Status AddCertBag(CBB* contents, const Certificate& cert, const BagAttributes& attrs) {
  CBB bag, wrapped, cert_bag, cert_wrapped;
  Bytes der = cert.ToDer();
  if (!CBB_add_asn1(contents, &bag, CBS_ASN1_SEQUENCE) || !AddOid(&bag, kOidCertBag) ||
      !CBB_add_asn1(&bag, &wrapped, CBS_ASN1_CONTEXT_SPECIFIC | CBS_ASN1_CONSTRUCTED | 0) ||
      !CBB_add_asn1(&wrapped, &cert_bag, CBS_ASN1_SEQUENCE) || !AddOid(&cert_bag, kOidX509Cert) ||
      !CBB_add_asn1(&cert_bag, &cert_wrapped, CBS_ASN1_CONTEXT_SPECIFIC | CBS_ASN1_CONSTRUCTED | 0) ||
      !CBB_add_asn1_octet_string(&cert_wrapped, der.data(), der.size()) || !CBB_flush(&bag)) {
    return MakeError(ErrorKind::kInternal, "CBB failure");
  }
  absl::Status s = AddAttributes(&bag, attrs);
  if (!s.ok()) return s;
  return CBB_flush(contents) ? absl::OkStatus() : MakeError(ErrorKind::kInternal, "CBB failure");
}

// Pbes2ParamsFor are the PBES2 parameters of the bags: AES-256-CBC keyed
// with PBKDF2-HMAC-SHA256 at the store's iteration count.
crypto::Pbes2Params Pbes2ParamsFor(const SaveOptions& options) {
  crypto::Pbes2Params params;
  params.prf = crypto::Prf::kHmacSha256;
  params.cipher = crypto::Pbes2Cipher::kAes256Cbc;
  params.iterations = options.pkcs12_iterations;
  return params;
}

// Encrypt encrypts with PBES2 AES-256 (|legacy_scheme| unset), with the key
// |derived| ahead when not null, or with the PKCS#12 PBE scheme given.
absl::StatusOr<crypto::PbeOutput> Encrypt(absl::Span<const uint8_t> plain, absl::string_view password,
                                          const SaveOptions& options,
                                          std::optional<crypto::Pkcs12Pbe> legacy_scheme,
                                          const crypto::Pbes2Key* derived) {
  if (legacy_scheme) {
    return crypto::PbeEncryptPkcs12(plain, password, *legacy_scheme, options.pkcs12_iterations);
  }
  return crypto::PbeEncryptPbes2(plain, password, Pbes2ParamsFor(options), derived);
}

// AddContentInfo appends a data ContentInfo (|encrypt| false) or an
// encryptedData ContentInfo holding |safe_contents|.
absl::Status AddContentInfo(CBB* auth_safe, const Bytes& safe_contents, bool encrypt,
                            absl::string_view password, const SaveOptions& options,
                            std::optional<crypto::Pkcs12Pbe> legacy_scheme,
                            const crypto::Pbes2Key* derived) {
  CBB ci, wrapped, ed, eci, ct;
  if (!encrypt) {
    if (!CBB_add_asn1(auth_safe, &ci, CBS_ASN1_SEQUENCE) || !AddOid(&ci, kOidData) ||
        !CBB_add_asn1(&ci, &wrapped, CBS_ASN1_CONTEXT_SPECIFIC | CBS_ASN1_CONSTRUCTED | 0) ||
        !CBB_add_asn1_octet_string(&wrapped, safe_contents.data(), safe_contents.size()) ||
        !CBB_flush(auth_safe)) {
      return MakeError(ErrorKind::kInternal, "CBB failure");
    }
    return absl::OkStatus();
  }
  auto enc = Encrypt(safe_contents, password, options, legacy_scheme, derived);
  if (!enc.ok()) return enc.status();
  if (!CBB_add_asn1(auth_safe, &ci, CBS_ASN1_SEQUENCE) || !AddOid(&ci, kOidEncryptedData) ||
      !CBB_add_asn1(&ci, &wrapped, CBS_ASN1_CONTEXT_SPECIFIC | CBS_ASN1_CONSTRUCTED | 0) ||
      !CBB_add_asn1(&wrapped, &ed, CBS_ASN1_SEQUENCE) || !CBB_add_asn1_uint64(&ed, 0) ||
      !CBB_add_asn1(&ed, &eci, CBS_ASN1_SEQUENCE) || !AddOid(&eci, kOidData) ||
      !CBB_add_bytes(&eci, enc->algorithm.data(), enc->algorithm.size()) ||
      !CBB_add_asn1(&eci, &ct, CBS_ASN1_CONTEXT_SPECIFIC | 0) ||
      !CBB_add_bytes(&ct, enc->ciphertext.data(), enc->ciphertext.size()) || !CBB_flush(auth_safe)) {
    return MakeError(ErrorKind::kInternal, "CBB failure");
  }
  return absl::OkStatus();
}

}  // namespace

bool Pkcs12Prefix(absl::Span<const uint8_t> data, size_t* declared_len) {
  if (data.size() < 2 || data[0] != 0x30) return false;  // SEQUENCE
  size_t pos = 2;
  uint64_t len = 0;
  const uint8_t first = data[1];
  if (first == 0x80) {
    len = 0;  // BER indefinite
  } else if (first < 0x80) {
    len = first + 2;
  } else {
    const size_t n = first & 0x7f;
    if (n > 4 || data.size() < 2 + n) return false;
    for (size_t i = 0; i < n; ++i) len = (len << 8) | data[2 + i];
    pos += n;
    len += pos;
  }
  static constexpr uint8_t kVersion3[] = {0x02, 1, 3};  // INTEGER 3
  if (data.size() < pos + sizeof(kVersion3) ||
      memcmp(data.data() + pos, kVersion3, sizeof(kVersion3)) != 0) {
    return false;
  }
  if (declared_len != nullptr) *declared_len = static_cast<size_t>(len);
  return true;
}

absl::StatusOr<KeyStore> LoadPkcs12(absl::Span<const uint8_t> data, absl::string_view password,
                                    const LoadOptions& options, const crypto::PbeLimits& limits) {
  size_t declared = 0;
  if (Pkcs12Prefix(data, &declared) && declared > data.size()) {
    return MakeError(ErrorKind::kMalformed,
                     absl::StrCat("truncated PKCS#12 file: its header announces ", declared,
                                  " bytes but only ", data.size(), " are present"));
  }
  auto der = BerToDer(data, "file");
  if (!der.ok()) return der.status();
  auto pfx = ParsePfx(*der);
  if (!pfx.ok()) return pfx.status();
  if (options.skip_integrity_check && pfx->has_mac) {
    return MakeError(ErrorKind::kInvalidArgument,
                     "a PKCS#12 store with a MAC cannot be read without its password (MAC and "
                     "encrypted bags)");
  }
  if (pfx->pbmac1) {
    // Hostile PBMAC1 parameters (NULL salt, missing or zero keyLength, huge
    // counts: OpenSSL #30581) are refused here, before any derivation.
    CBS params;
    CBS_init(&params, pfx->mac_params.data(), pfx->mac_params.size());
    auto parsed = crypto::ParsePbmac1Params(params, limits);
    if (!parsed.ok()) return Annotate(parsed.status(), "PKCS#12 MAC");
    pfx->pbmac1_params = std::move(*parsed);
  }
  // The work the file declares (its MAC, encrypted safes and shrouded keys),
  // added up before any derivation: a KDF bomb is refused at once instead of
  // after spending the whole budget. A damaged structure is left to the
  // parse below, which names the damage.
  Reader scan{password, &options, &limits, {}, false, false};
  scan.scan_only = true;
  const bool scanned = scan.ParseAuthSafe(pfx->auth_safe).ok();
  if (scanned) {
    int64_t declared = scan.declared;
    if (pfx->pbmac1) {
      declared += crypto::Pbmac1Work(pfx->pbmac1_params);
    } else if (pfx->has_mac) {
      declared += static_cast<int64_t>(std::min<uint64_t>(pfx->mac_iterations, INT32_MAX));
    }
    absl::Status bounded = crypto::CheckDeclaredKdf(limits, declared, "the PKCS#12 file");
    if (!bounded.ok()) return bounded;
  }
  if (!pfx->has_mac) {
    // A passwordless trust store (certificates only, nothing encrypted) opens
    // with no password; anything else without a MAC needs the caller's
    // explicit consent.
    const bool certificates_only =
        scanned && !scan.saw_encrypted &&
        std::none_of(scan.bags.begin(), scan.bags.end(), [](const ParsedBag& b) { return b.is_key; });
    if (!options.allow_missing_mac) {
      if (!certificates_only) {
        return MakeError(ErrorKind::kIntegrity,
                         "PKCS#12 file has no MAC but holds encrypted content or a private key (or is "
                         "damaged), so "
                         "its integrity cannot be checked (set LoadOptions.allow_missing_mac to "
                         "load it anyway)");
      }
      if (!password.empty()) {
        return MakeError(ErrorKind::kIntegrity,
                         "PKCS#12 file has no MAC, so the password given cannot check its "
                         "integrity: it is a passwordless trust store (certificates only), which "
                         "opens with an empty password");
      }
    }
  } else {
    absl::Status mac = CheckMac(*pfx, password, limits);
    if (GetErrorKind(mac) == ErrorKind::kBadPassword) {
      return ClassifyMacFailure(*pfx, password, options, limits);
    }
    if (!mac.ok()) return mac;
  }
  Reader reader{password, &options, &limits, {}, false, false};
  absl::Status s = reader.ParseAuthSafe(pfx->auth_safe);
  if (!s.ok()) return s;

  absl::Time now = absl::FromUnixMillis(absl::ToUnixMillis(absl::Now()));
  std::vector<LooseKey> keys;
  std::vector<LooseCert> certs;
  for (const ParsedBag& b : reader.bags) {
    absl::Time date = DateFromLocalKeyId(b.local_key_id, now);
    if (b.is_key) {
      KeyPolicy policy;
      policy.allow_weak_keys = true;
      auto key = PrivateKey::FromDer(b.key_pkcs8, {}, policy);
      if (!key.ok()) return Annotate(key.status(), "PKCS#12 key bag");
      keys.push_back({std::move(*key), b.friendly_name, b.local_key_id, date});
    } else {
      auto cert = Certificate::FromDer(b.cert_der);
      if (!cert.ok()) return Annotate(cert.status(), "PKCS#12 certificate bag");
      certs.push_back({std::move(*cert), b.friendly_name, b.local_key_id, b.trusted, date});
    }
  }
  auto entries = AssembleEntries(std::move(keys), std::move(certs), "PKCS#12 file");
  if (!entries.ok()) return entries.status();
  KeyStore ks;
  KeyStoreAccess::SetSourceFormat(ks, StoreFormat::kPkcs12);
  KeyStoreAccess::Entries(ks) = std::move(*entries);
  return ks;
}

absl::StatusOr<Bytes> SavePkcs12(const KeyStore& store, absl::string_view password,
                                 const SaveOptions& options) {
  if (options.pkcs12_iterations < 1) {
    return MakeError(ErrorKind::kInvalidArgument, "PKCS#12 iteration count must be positive");
  }
  auto profile = EffectivePkcs12Profile(options);
  if (!profile.ok()) return profile.status();
  const Pkcs12ProfileSpec& spec = Pkcs12ProfileSpecFor(*profile);
  if (spec.keys == Pkcs12KeyProtection::kNoKeysAllowed) {
    for (const KeyStoreEntry& e : store.entries()) {
      if (!e.is_key()) continue;
      return MakeError(ErrorKind::kInvalidArgument,
                       absl::StrCat("PKCS#12 profile '", spec.name, "' writes certificates only, "
                                    "without encryption or MAC, but the store holds the private key "
                                    "entry '", e.alias, "': use profile 'modern' or 'modern2026' for a "
                                    "key store"));
    }
  }
  const std::optional<crypto::Pkcs12Pbe> key_scheme =
      spec.keys == Pkcs12KeyProtection::kPbeSha1TripleDes
          ? std::optional<crypto::Pkcs12Pbe>(crypto::Pkcs12Pbe::kSha1And3DesCbc)
          : std::nullopt;
  const std::optional<crypto::Pkcs12Pbe> cert_scheme =
      spec.certs == Pkcs12CertProtection::kPbeSha1Rc2_40
          ? std::optional<crypto::Pkcs12Pbe>(crypto::Pkcs12Pbe::kSha1And40BitRc2Cbc)
          : std::nullopt;
  const bool encrypt_certs = options.pkcs12_encrypt_certs && spec.certs != Pkcs12CertProtection::kNone;
  // The MAC salt comes first: with PBES2 bags and the SHA-256 MAC (the
  // default profile) every key of the file is derived here, together
  // (crypto::DerivePkcs12Keys), and the bags and the MAC take them in order.
  Bytes salt(spec.integrity == Pkcs12Integrity::kPbmac1HmacSha256 ? 16 : 20);
  RAND_bytes(salt.data(), salt.size());
  std::optional<crypto::Pkcs12Keys> derived;
  size_t next_derived = 0;
  if (!key_scheme && spec.integrity == Pkcs12Integrity::kHmacSha256) {
    size_t key_entries = 0;
    bool cert_bags = false;
    for (const KeyStoreEntry& e : store.entries()) {
      if (e.is_key()) ++key_entries;
      cert_bags = cert_bags || !e.is_key() || !e.chain.empty();
    }
    const bool cert_encryption = encrypt_certs && !cert_scheme && (cert_bags || key_entries == 0);
    auto k = crypto::DerivePkcs12Keys(password, Pbes2ParamsFor(options),
                                      key_entries + (cert_encryption ? 1 : 0), salt,
                                      options.pkcs12_iterations);
    if (!k.ok()) return k.status();
    derived = std::move(*k);
  }
  auto next_key = [&]() -> const crypto::Pbes2Key* {
    if (!derived || next_derived >= derived->pbes2.size()) return nullptr;
    return &derived->pbes2[next_derived++];
  };
  bssl::ScopedCBB keys, certs;
  CBB key_seq, cert_seq;
  if (!CBB_init(keys.get(), 4096) || !CBB_add_asn1(keys.get(), &key_seq, CBS_ASN1_SEQUENCE) ||
      !CBB_init(certs.get(), 4096) || !CBB_add_asn1(certs.get(), &cert_seq, CBS_ASN1_SEQUENCE)) {
    return MakeError(ErrorKind::kInternal, "CBB failure");
  }
  std::vector<Bytes> written;  // certificate DER already in a bag
  size_t key_count = 0, cert_count = 0;
  // Trusted entries first, so a CA that is both trusted and in a chain keeps its attributes.
  for (const KeyStoreEntry& e : store.entries()) {
    if (e.is_key()) continue;
    BagAttributes attrs;
    attrs.friendly_name = e.alias;
    attrs.trusted = true;
    absl::Status s = AddCertBag(&cert_seq, e.certificate(), attrs);
    if (!s.ok()) return s;
    written.push_back(e.certificate().ToDer());
    ++cert_count;
  }
  for (const KeyStoreEntry& e : store.entries()) {
    if (!e.is_key()) continue;
    std::string id = absl::StrCat("Time ", absl::ToUnixMillis(e.creation_date));
    BagAttributes attrs;
    attrs.friendly_name = e.alias;
    attrs.local_key_id.assign(id.begin(), id.end());
    Bytes pkcs8 = e.key->ToDer(KeyFormat::kPkcs8);
    auto enc = Encrypt(pkcs8, password, options, key_scheme, next_key());
    OPENSSL_cleanse(pkcs8.data(), pkcs8.size());
    if (!enc.ok()) return enc.status();
    Bytes epki = BuildEncryptedKeyInfo(enc->algorithm, enc->ciphertext);
    CBB bag, wrapped;
    if (!CBB_add_asn1(&key_seq, &bag, CBS_ASN1_SEQUENCE) || !AddOid(&bag, kOidShroudedKeyBag) ||
        !CBB_add_asn1(&bag, &wrapped, CBS_ASN1_CONTEXT_SPECIFIC | CBS_ASN1_CONSTRUCTED | 0) ||
        !CBB_add_bytes(&wrapped, epki.data(), epki.size()) || !CBB_flush(&bag)) {
      return MakeError(ErrorKind::kInternal, "CBB failure");
    }
    absl::Status s = AddAttributes(&bag, attrs);
    if (!s.ok()) return s;
    if (!CBB_flush(&key_seq)) return MakeError(ErrorKind::kInternal, "CBB failure");
    ++key_count;
    for (size_t i = 0; i < e.chain.size(); ++i) {
      Bytes der = e.chain[i].ToDer();
      if (i > 0 && std::find(written.begin(), written.end(), der) != written.end()) continue;
      s = AddCertBag(&cert_seq, e.chain[i], i == 0 ? attrs : BagAttributes{});
      if (!s.ok()) return s;
      written.push_back(std::move(der));
      ++cert_count;
    }
  }
  Bytes key_contents = FinishCbb(keys.get());
  Bytes cert_contents = FinishCbb(certs.get());

  bssl::ScopedCBB auth;
  CBB auth_seq;
  if (!CBB_init(auth.get(), key_contents.size() + cert_contents.size() + 256) ||
      !CBB_add_asn1(auth.get(), &auth_seq, CBS_ASN1_SEQUENCE)) {
    return MakeError(ErrorKind::kInternal, "CBB failure");
  }
  if (cert_count > 0 || key_count == 0) {
    absl::Status s = AddContentInfo(&auth_seq, cert_contents, encrypt_certs, password, options,
                                    cert_scheme, encrypt_certs && !cert_scheme ? next_key() : nullptr);
    if (!s.ok()) return s;
  }
  if (key_count > 0) {
    absl::Status s = AddContentInfo(&auth_seq, key_contents, /*encrypt=*/false, password, options,
                                    std::nullopt, nullptr);
    if (!s.ok()) return s;
  }
  Bytes auth_safe = FinishCbb(auth.get());

  bssl::ScopedCBB pfx;
  CBB pfx_seq, ci, wrapped;
  if (!CBB_init(pfx.get(), auth_safe.size() + 256) ||
      !CBB_add_asn1(pfx.get(), &pfx_seq, CBS_ASN1_SEQUENCE) || !CBB_add_asn1_uint64(&pfx_seq, 3) ||
      !CBB_add_asn1(&pfx_seq, &ci, CBS_ASN1_SEQUENCE) || !AddOid(&ci, kOidData) ||
      !CBB_add_asn1(&ci, &wrapped, CBS_ASN1_CONTEXT_SPECIFIC | CBS_ASN1_CONSTRUCTED | 0) ||
      !CBB_add_asn1_octet_string(&wrapped, auth_safe.data(), auth_safe.size()) ||
      !CBB_flush(&pfx_seq)) {
    return MakeError(ErrorKind::kInternal, "CBB failure");
  }
  if (spec.integrity == Pkcs12Integrity::kNone) return FinishCbb(pfx.get());

  Bytes mac_alg;  // the DigestInfo's AlgorithmIdentifier
  absl::StatusOr<Bytes> mac;
  if (spec.integrity == Pkcs12Integrity::kPbmac1HmacSha256) {
    crypto::Pbmac1Params params;
    params.salt = salt;
    params.iterations = options.pkcs12_iterations;
    params.key_length = 32;
    params.prf = EVP_sha256();
    params.mac = EVP_sha256();
    auto alg = crypto::EncodePbmac1Algorithm(params);
    if (!alg.ok()) return alg.status();
    mac_alg = std::move(*alg);
    mac = crypto::Pbmac1Compute(params, password, auth_safe);
  } else {
    const bool sha1 = spec.integrity == Pkcs12Integrity::kHmacSha1;
    bssl::ScopedCBB alg_cbb;
    CBB alg;
    if (!CBB_init(alg_cbb.get(), 16) || !CBB_add_asn1(alg_cbb.get(), &alg, CBS_ASN1_SEQUENCE) ||
        !AddOid(&alg, sha1 ? "1.3.14.3.2.26" : "2.16.840.1.101.3.4.2.1") ||
        !CBB_add_bytes(&alg, kDerNull, sizeof(kDerNull))) {
      return MakeError(ErrorKind::kInternal, "CBB failure");
    }
    mac_alg = FinishCbb(alg_cbb.get());
    if (derived) {
      mac = MacWithKey(EVP_sha256(), auth_safe, derived->mac_key);
    } else {
      auto bmp = crypto::Utf8ToBmpPassword(password);
      if (!bmp.ok()) return bmp.status();
      mac = MacOver(sha1 ? EVP_sha1() : EVP_sha256(), auth_safe, salt, options.pkcs12_iterations,
                    *bmp);
      OPENSSL_cleanse(bmp->data(), bmp->size());
    }
  }
  if (!mac.ok()) return mac.status();

  // With PBMAC1 the macSalt and iterations repeat the PBKDF2 ones, as OpenSSL
  // writes them; readers ignore them (RFC 9579).
  CBB mac_data, digest_info;
  if (!CBB_add_asn1(&pfx_seq, &mac_data, CBS_ASN1_SEQUENCE) ||
      !CBB_add_asn1(&mac_data, &digest_info, CBS_ASN1_SEQUENCE) ||
      !CBB_add_bytes(&digest_info, mac_alg.data(), mac_alg.size()) ||
      !CBB_add_asn1_octet_string(&digest_info, mac->data(), mac->size()) ||
      !CBB_add_asn1_octet_string(&mac_data, salt.data(), salt.size()) ||
      !CBB_add_asn1_uint64(&mac_data, static_cast<uint64_t>(options.pkcs12_iterations))) {
    return MakeError(ErrorKind::kInternal, "CBB failure");
  }
  return FinishCbb(pfx.get());
}

}  // namespace keystore
}  // namespace certkit
