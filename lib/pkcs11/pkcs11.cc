// Token-held private keys: RFC 7512 URIs, and a BoringSSL RSA_METHOD /
// ECDSA_METHOD whose sign calls C_Sign (PKCS#11 v2.40 section 5.11) on the
// token's key.
#include "certkit/pkcs11.h"

#include <cstring>
#include <mutex>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "certkit/ca_files.h"
#include "certkit/cert.h"
#include "certkit/display.h"
#include "certkit/error.h"
#include "certkit/file.h"
#include "openssl/bn.h"
#include "openssl/bytestring.h"
#include "openssl/ec.h"
#include "openssl/ec_key.h"
#include "openssl/ecdsa.h"
#include "openssl/engine.h"
#include "openssl/err.h"
#include "openssl/evp.h"
#include "openssl/mem.h"
#include "openssl/nid.h"
#include "openssl/rsa.h"
#include "openssl/sha.h"
#include "pkcs11/module.h"

namespace certkit {
namespace {

using pkcs11::CkError;
using pkcs11::Module;
using pkcs11::Padded;

constexpr size_t kMaxUriLength = 4096;

// ---- URI (RFC 7512) -------------------------------------------------------

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Decode percent-decodes |in| (one pass, output never longer than input).
absl::StatusOr<std::string> Decode(absl::string_view in, absl::string_view name) {
  std::string out;
  out.reserve(in.size());
  for (size_t i = 0; i < in.size(); ++i) {
    const char c = in[i];
    if (c == '%') {
      if (i + 2 >= in.size() || HexValue(in[i + 1]) < 0 || HexValue(in[i + 2]) < 0) {
        return MakeError(ErrorKind::kInvalidArgument,
                         absl::StrCat("pkcs11: URI attribute '", name,
                                      "' has a '%' not followed by two hex digits"));
      }
      out.push_back(static_cast<char>(HexValue(in[i + 1]) * 16 + HexValue(in[i + 2])));
      i += 2;
      continue;
    }
    if (static_cast<unsigned char>(c) <= 0x20 || static_cast<unsigned char>(c) >= 0x7f) {
      return MakeError(ErrorKind::kInvalidArgument,
                       absl::StrCat("pkcs11: URI attribute '", name,
                                    "' holds a space, control or non-ASCII character; "
                                    "percent-encode it"));
    }
    out.push_back(c);
  }
  return out;
}

std::string PercentEncode(absl::string_view bytes) {
  std::string out;
  for (unsigned char c : bytes) absl::StrAppend(&out, "%", absl::Hex(c, absl::kZeroPad2));
  return out;
}

// Set stores |value| in |slot| unless it is already set (RFC 7512 2.3: an
// attribute appears at most once).
absl::Status SetOnce(std::optional<std::string>* slot, absl::string_view name, std::string value) {
  if (slot->has_value()) {
    return MakeError(ErrorKind::kInvalidArgument,
                     absl::StrCat("pkcs11: URI attribute '", name, "' is given twice"));
  }
  *slot = std::move(value);
  return absl::OkStatus();
}

absl::Status ParseAttribute(absl::string_view part, bool query, Pkcs11Uri* uri) {
  const size_t eq = part.find('=');
  if (eq == absl::string_view::npos) {
    // A query part is not echoed: it may be a PIN written without its name.
    return MakeError(ErrorKind::kInvalidArgument,
                     query ? std::string("pkcs11: a URI query part is not NAME=VALUE")
                           : absl::StrCat("pkcs11: URI path part '", EscapeForDisplay(part),
                                          "' is not NAME=VALUE"));
  }
  const std::string name = absl::AsciiStrToLower(part.substr(0, eq));
  const std::string shown_name = EscapeForDisplay(name);
  // Never echo pin-value, even partly.
  auto value = Decode(part.substr(eq + 1), name == "pin-value" ? "pin-value" : shown_name);
  if (!value.ok()) return value.status();
  if (name == "pin-value" || name == "pin-source" || name == "module-path" ||
      name == "module-name") {
    if (!query) {
      return MakeError(ErrorKind::kInvalidArgument,
                       absl::StrCat("pkcs11: '", name,
                                    "' is a query attribute (after '?'), not a path attribute"));
    }
    if (name == "module-name") {
      return MakeError(ErrorKind::kUnsupported,
                       "pkcs11: URI attribute 'module-name' is not supported: give module-path "
                       "(or the module option) with the module's file");
    }
    if (value->empty()) {
      return MakeError(ErrorKind::kInvalidArgument,
                       absl::StrCat("pkcs11: URI attribute '", name, "' is empty"));
    }
    if (name == "pin-value") return SetOnce(&uri->pin_value, name, *std::move(value));
    if (name == "pin-source") return SetOnce(&uri->pin_source, name, *std::move(value));
    return SetOnce(&uri->module_path, name, *std::move(value));
  }
  if (query) {
    return MakeError(ErrorKind::kInvalidArgument,
                     absl::StrCat("pkcs11: unknown URI query attribute '", shown_name,
                                  "' (certkit knows module-path, pin-source, pin-value)"));
  }
  if (name == "token") return SetOnce(&uri->token, name, *std::move(value));
  if (name == "manufacturer") return SetOnce(&uri->manufacturer, name, *std::move(value));
  if (name == "serial") return SetOnce(&uri->serial, name, *std::move(value));
  if (name == "model") return SetOnce(&uri->model, name, *std::move(value));
  if (name == "object") return SetOnce(&uri->object, name, *std::move(value));
  if (name == "id") {
    if (value->empty()) {
      return MakeError(ErrorKind::kInvalidArgument, "pkcs11: URI attribute 'id' is empty");
    }
    return SetOnce(&uri->id, name, *std::move(value));
  }
  if (name == "type") {
    absl::Status s = SetOnce(&uri->type, name, *value);
    if (!s.ok()) return s;
    if (*value != "private") {
      return MakeError(ErrorKind::kInvalidArgument,
                       absl::StrCat("pkcs11: URI has type=", EscapeForDisplay(*value),
                                    "; a CA key is a private key (type=private)"));
    }
    return absl::OkStatus();
  }
  if (name == "slot-id") {
    if (uri->slot_id.has_value()) {
      return MakeError(ErrorKind::kInvalidArgument, "pkcs11: URI attribute 'slot-id' is given twice");
    }
    unsigned long id = 0;
    if (value->empty() || value->size() > 18 ||
        value->find_first_not_of("0123456789") != std::string::npos) {
      return MakeError(ErrorKind::kInvalidArgument,
                       "pkcs11: URI attribute 'slot-id' is not a decimal number");
    }
    for (char c : *value) id = id * 10 + static_cast<unsigned long>(c - '0');
    uri->slot_id = id;
    return absl::OkStatus();
  }
  if (name == "library-manufacturer" || name == "library-description" ||
      name == "library-version" || name == "slot-description" || name == "slot-manufacturer") {
    return MakeError(ErrorKind::kUnsupported,
                     absl::StrCat("pkcs11: URI attribute '", name,
                                  "' is not supported by certkit (select the token with token, "
                                  "serial, manufacturer, model or slot-id)"));
  }
  return MakeError(ErrorKind::kInvalidArgument,
                   absl::StrCat("pkcs11: unknown URI path attribute '", shown_name,
                                "' (certkit knows token, manufacturer, serial, model, slot-id, "
                                "object, id, type)"));
}

// ---- the token key --------------------------------------------------------

// TokenKey is what a token-backed RSA / EC_KEY carries in its ex_data: the
// module, the session and the key object. Freed with the RSA / EC_KEY.
struct TokenKey {
  std::shared_ptr<Module> module;
  ck_session_handle_t session = 0;
  ck_object_handle_t object = 0;
  std::string description;  // "token 'X' object='y' id=%01"
  size_t ec_order_len = 0;  // EC: bytes of r and of s
  std::mutex mu;            // one operation at a time per session

  ~TokenKey() {
    if (module != nullptr) module->fn()->C_CloseSession(session);
  }

  // Sign runs C_SignInit + C_Sign with |mechanism| over |in|.
  bool Sign(ck_mechanism_type_t mechanism, const uint8_t* in, size_t in_len, std::vector<uint8_t>* out) {
    struct ck_mechanism mech = {mechanism, nullptr, 0};
    std::lock_guard<std::mutex> lock(mu);
    struct ck_function_list* fn = module->fn();
    if (fn->C_SignInit(session, &mech, object) != CKR_OK) return false;
    unsigned long len = 0;
    // A failed call ends the operation (PKCS#11 v2.40 5.11: any error
    // but CKR_BUFFER_TOO_SMALL terminates it).
    if (fn->C_Sign(session, const_cast<uint8_t*>(in), in_len, nullptr, &len) != CKR_OK || len == 0) {
      return false;
    }
    if (len > 16384) len = 16384;  // bounded; a longer signature fails below
    out->resize(len);
    if (fn->C_Sign(session, const_cast<uint8_t*>(in), in_len, out->data(), &len) != CKR_OK) {
      return false;
    }
    out->resize(len);
    return true;
  }
};

void FreeTokenKey(void* /*parent*/, void* ptr, CRYPTO_EX_DATA* /*ad*/, int /*index*/,
                  long /*argl*/, void* /*argp*/) {
  delete static_cast<TokenKey*>(ptr);
}

int RsaIndex() {
  static const int index = RSA_get_ex_new_index(0, nullptr, nullptr, nullptr, FreeTokenKey);
  return index;
}
int EcIndex() {
  static const int index = EC_KEY_get_ex_new_index(0, nullptr, nullptr, nullptr, FreeTokenKey);
  return index;
}

// RSA: BoringSSL's RSA_sign hands the digest and its NID to |sign|; the
// DigestInfo is added here and the token does the PKCS#1 v1.5 padding and
// the private operation (CKM_RSA_PKCS).
int RsaSign(int hash_nid, const uint8_t* digest, unsigned digest_len, uint8_t* out,
            unsigned* out_len, const RSA* rsa) {
  auto* key = static_cast<TokenKey*>(RSA_get_ex_data(rsa, RsaIndex()));
  if (key == nullptr) return 0;
  uint8_t* msg = nullptr;
  size_t msg_len = 0;
  int alloced = 0;
  if (!RSA_add_pkcs1_prefix(&msg, &msg_len, &alloced, hash_nid, digest, digest_len)) return 0;
  std::vector<uint8_t> sig;
  const bool ok = key->Sign(CKM_RSA_PKCS, msg, msg_len, &sig);
  if (alloced) OPENSSL_free(msg);
  if (!ok || sig.size() != RSA_size(rsa)) {
    OPENSSL_PUT_ERROR(RSA, ERR_R_INTERNAL_ERROR);
    return 0;
  }
  std::memcpy(out, sig.data(), sig.size());
  *out_len = static_cast<unsigned>(sig.size());
  return 1;
}

// Nothing but signing is offered: decryption and the raw private operation
// fail.
int RsaSignRaw(RSA*, size_t*, uint8_t*, size_t, const uint8_t*, size_t, int) {
  OPENSSL_PUT_ERROR(RSA, ERR_R_INTERNAL_ERROR);
  return 0;
}
int RsaDecrypt(RSA*, size_t*, uint8_t*, size_t, const uint8_t*, size_t, int) {
  OPENSSL_PUT_ERROR(RSA, ERR_R_INTERNAL_ERROR);
  return 0;
}
int RsaPrivateTransform(RSA*, uint8_t*, const uint8_t*, size_t) {
  OPENSSL_PUT_ERROR(RSA, ERR_R_INTERNAL_ERROR);
  return 0;
}

// ECDSA: the token signs the digest (CKM_ECDSA) and returns r || s, each
// the size of the group order; BoringSSL wants a DER ECDSA-Sig-Value.
int EcdsaSign(const uint8_t* digest, size_t digest_len, uint8_t* sig, unsigned* sig_len,
              EC_KEY* ec) {
  auto* key = static_cast<TokenKey*>(EC_KEY_get_ex_data(ec, EcIndex()));
  if (key == nullptr) return 0;
  std::vector<uint8_t> raw;
  if (!key->Sign(CKM_ECDSA, digest, digest_len, &raw) || raw.size() != 2 * key->ec_order_len) {
    OPENSSL_PUT_ERROR(ECDSA, ERR_R_INTERNAL_ERROR);
    return 0;
  }
  bssl::UniquePtr<ECDSA_SIG> s(ECDSA_SIG_new());
  BIGNUM* r = BN_bin2bn(raw.data(), key->ec_order_len, nullptr);
  BIGNUM* ss = BN_bin2bn(raw.data() + key->ec_order_len, key->ec_order_len, nullptr);
  if (s == nullptr || r == nullptr || ss == nullptr || !ECDSA_SIG_set0(s.get(), r, ss)) {
    BN_free(r);
    BN_free(ss);
    return 0;
  }
  uint8_t* der = nullptr;
  size_t der_len = 0;
  if (!ECDSA_SIG_to_bytes(&der, &der_len, s.get())) return 0;
  bssl::UniquePtr<uint8_t> free_der(der);
  if (der_len > ECDSA_size(ec)) return 0;
  std::memcpy(sig, der, der_len);
  *sig_len = static_cast<unsigned>(der_len);
  return 1;
}

RSA_METHOD MakeRsaMethod() {
  RSA_METHOD m = {};
  m.common.is_static = 1;
  m.sign = RsaSign;
  m.sign_raw = RsaSignRaw;
  m.decrypt = RsaDecrypt;
  m.private_transform = RsaPrivateTransform;
  m.flags = RSA_FLAG_OPAQUE;
  return m;
}
ECDSA_METHOD MakeEcdsaMethod() {
  ECDSA_METHOD m = {};
  m.common.is_static = 1;
  m.sign = EcdsaSign;
  m.flags = ECDSA_FLAG_OPAQUE;
  return m;
}

// The process-wide ENGINE that carries the two methods (never freed; the
// methods are static, so the RSA / EC_KEY objects keep no reference to it).
const ENGINE* TokenEngine() {
  static RSA_METHOD rsa_method = MakeRsaMethod();
  static ECDSA_METHOD ecdsa_method = MakeEcdsaMethod();
  static ENGINE* engine = [] {
    ENGINE* e = ENGINE_new();
    if (e != nullptr) {
      ENGINE_set_RSA_method(e, &rsa_method, sizeof(rsa_method));
      ENGINE_set_ECDSA_method(e, &ecdsa_method, sizeof(ecdsa_method));
    }
    return e;
  }();
  return engine;
}

// ---- finding things in the token -------------------------------------------

absl::StatusOr<std::string> GetAttribute(struct ck_function_list* fn, ck_session_handle_t session,
                                         ck_object_handle_t object, ck_attribute_type_t type,
                                         const char* name) {
  struct ck_attribute attr = {type, nullptr, 0};
  ck_rv_t rv = fn->C_GetAttributeValue(session, object, &attr, 1);
  if (rv != CKR_OK || attr.value_len == static_cast<unsigned long>(-1) ||
      attr.value_len > 64 * 1024) {
    return Annotate(CkError("C_GetAttributeValue", rv == CKR_OK ? CKR_ATTRIBUTE_TYPE_INVALID : rv),
                    absl::StrCat("reading ", name));
  }
  std::string value(attr.value_len, '\0');
  attr.value = value.data();
  rv = fn->C_GetAttributeValue(session, object, &attr, 1);
  if (rv != CKR_OK) return Annotate(CkError("C_GetAttributeValue", rv), absl::StrCat("reading ", name));
  value.resize(attr.value_len);
  return value;
}

// FindObjects returns up to |max| handles matching |tmpl|.
absl::StatusOr<std::vector<ck_object_handle_t>> FindObjects(struct ck_function_list* fn,
                                                            ck_session_handle_t session,
                                                            std::vector<struct ck_attribute>& tmpl,
                                                            size_t max = 16) {
  ck_rv_t rv = fn->C_FindObjectsInit(session, tmpl.data(), tmpl.size());
  if (rv != CKR_OK) return CkError("C_FindObjectsInit", rv);
  std::vector<ck_object_handle_t> found(max);
  unsigned long count = 0;
  rv = fn->C_FindObjects(session, found.data(), max, &count);
  fn->C_FindObjectsFinal(session);
  if (rv != CKR_OK) return CkError("C_FindObjects", rv);
  found.resize(count);
  return found;
}

struct FoundToken {
  ck_slot_id_t slot;
  std::string label;
  ck_flags_t flags;
};

absl::StatusOr<FoundToken> FindToken(Module& module, const Pkcs11Uri& uri) {
  struct ck_function_list* fn = module.fn();
  unsigned long count = 0;
  ck_rv_t rv = fn->C_GetSlotList(1 /* tokenPresent */, nullptr, &count);
  if (rv != CKR_OK) return CkError("C_GetSlotList", rv);
  std::vector<ck_slot_id_t> slots(count);
  if (count > 0) {
    rv = fn->C_GetSlotList(1 /* tokenPresent */, slots.data(), &count);
    if (rv != CKR_OK) return CkError("C_GetSlotList", rv);
    slots.resize(count);
  }
  std::vector<FoundToken> matches;
  std::vector<std::string> labels;
  for (ck_slot_id_t slot : slots) {
    struct ck_token_info info;
    if (fn->C_GetTokenInfo(slot, &info) != CKR_OK) continue;
    FoundToken t{slot, Padded(info.label, sizeof(info.label)), info.flags};
    labels.push_back(absl::StrCat("'", EscapeForDisplay(t.label), "'"));
    if (uri.token && *uri.token != t.label) continue;
    if (uri.manufacturer && *uri.manufacturer != Padded(info.manufacturer_id, sizeof(info.manufacturer_id))) continue;
    if (uri.model && *uri.model != Padded(info.model, sizeof(info.model))) continue;
    if (uri.serial && *uri.serial != Padded(info.serial_number, sizeof(info.serial_number))) continue;
    if (uri.slot_id && *uri.slot_id != slot) continue;
    matches.push_back(t);
  }
  const std::string module_shown = EscapeForDisplay(module.path());
  if (matches.empty()) {
    std::string want = uri.token ? absl::StrCat("token '", EscapeForDisplay(*uri.token), "'")
                                 : std::string("the URI");
    return MakeError(ErrorKind::kNotFound,
                     absl::StrCat("no PKCS#11 token matches ", want, " in module '", module_shown,
                                  "'; ",
                                  labels.empty() ? std::string("the module has no token")
                                                 : absl::StrCat("tokens present: ",
                                                                absl::StrJoin(labels, ", "))));
  }
  if (matches.size() > 1) {
    return MakeError(ErrorKind::kInvalidArgument,
                     absl::StrCat(matches.size(), " PKCS#11 tokens match the URI (",
                                  absl::StrJoin(labels, ", "),
                                  "); add token=, serial= or slot-id= to pick one"));
  }
  return matches.front();
}

absl::StatusOr<std::string> ReadPinSource(const std::string& source) {
  std::string path = source;
  if (absl::StartsWith(path, "file:")) path = path.substr(5);
  if (absl::StartsWith(path, "//")) path = path.substr(2);  // file:///abs
  if (path.empty() || path[0] != '/') {
    return MakeError(ErrorKind::kInvalidArgument,
                     "pkcs11: pin-source must be an absolute path or a file: URI");
  }
  auto data = ReadTextFile(path);
  if (!data.ok()) return Annotate(data.status(), "pkcs11: pin-source");
  std::string pin = *std::move(data);
  const size_t nl = pin.find_first_of("\r\n");
  if (nl != std::string::npos) pin.resize(nl);
  return pin;
}

// EcGroupFromParams maps CKA_EC_PARAMS (a DER curve OID) to a group.
absl::StatusOr<bssl::UniquePtr<EC_GROUP>> EcGroupFromParams(const std::string& params) {
  CBS cbs;
  CBS_init(&cbs, reinterpret_cast<const uint8_t*>(params.data()), params.size());
  bssl::UniquePtr<EC_GROUP> group(EC_KEY_parse_curve_name(&cbs));
  ERR_clear_error();
  // BoringSSL also knows P-224; certkit signs only on the curves it models.
  const int nid = group == nullptr ? NID_undef : EC_GROUP_get_curve_name(group.get());
  if (CBS_len(&cbs) != 0 || (nid != NID_X9_62_prime256v1 && nid != NID_secp384r1 &&
                             nid != NID_secp521r1)) {
    return MakeError(ErrorKind::kUnsupported,
                     "the token's EC key is not on P-256, P-384 or P-521 (CKA_EC_PARAMS)");
  }
  return group;
}

// ParseEcPoint reads CKA_EC_POINT: a DER OCTET STRING holding the X9.62
// point (the standard), or the bare point (some tokens).
bssl::UniquePtr<EC_POINT> ParseEcPoint(const EC_GROUP* group, const std::string& value) {
  bssl::UniquePtr<EC_POINT> point(EC_POINT_new(group));
  CBS cbs, inner;
  CBS_init(&cbs, reinterpret_cast<const uint8_t*>(value.data()), value.size());
  if (CBS_get_asn1(&cbs, &inner, CBS_ASN1_OCTETSTRING) && CBS_len(&cbs) == 0 &&
      EC_POINT_oct2point(group, point.get(), CBS_data(&inner), CBS_len(&inner), nullptr)) {
    return point;
  }
  if (EC_POINT_oct2point(group, point.get(), reinterpret_cast<const uint8_t*>(value.data()),
                         value.size(), nullptr)) {
    return point;
  }
  ERR_clear_error();
  return nullptr;
}

// PublicFromCertificate reads the EC point from a certificate object with
// the key's CKA_ID.
bssl::UniquePtr<EC_POINT> PointFromCertificate(struct ck_function_list* fn, ck_session_handle_t session,
                                               const std::string& id, const EC_GROUP* group) {
  ck_object_class_t cls = CKO_CERTIFICATE;
  std::vector<struct ck_attribute> tmpl = {
      {CKA_CLASS, &cls, sizeof(cls)},
      {CKA_ID, const_cast<char*>(id.data()), id.size()}};
  auto certs = FindObjects(fn, session, tmpl, 4);
  if (!certs.ok()) return nullptr;
  for (ck_object_handle_t h : *certs) {
    auto der = GetAttribute(fn, session, h, CKA_VALUE, "the certificate");
    if (!der.ok()) continue;
    auto cert = Certificate::FromDer(
        absl::Span<const uint8_t>(reinterpret_cast<const uint8_t*>(der->data()), der->size()));
    if (!cert.ok()) continue;
    const EC_KEY* ec = EVP_PKEY_get0_EC_KEY(cert->public_key().native());
    if (ec == nullptr || EC_GROUP_cmp(EC_KEY_get0_group(ec), group, nullptr) != 0) continue;
    bssl::UniquePtr<EC_POINT> point(EC_POINT_dup(EC_KEY_get0_public_key(ec), group));
    if (point != nullptr) return point;
  }
  ERR_clear_error();
  return nullptr;
}

// SelfTest signs a fixed digest through the token and verifies it with the
// public key the token reported.
absl::Status SelfTest(const PrivateKey& key, const std::string& what) {
  static const uint8_t kMessage[] = "certkit PKCS#11 key self-test";
  auto sig = key.Sign(absl::Span<const uint8_t>(kMessage, sizeof(kMessage)));
  if (!sig.ok()) {
    return MakeError(ErrorKind::kIo, absl::StrCat("signing through the token failed (", what,
                                                  "): C_Sign refused the key"));
  }
  bssl::ScopedEVP_MD_CTX ctx;
  const bool ok =
      EVP_DigestVerifyInit(ctx.get(), nullptr, DefaultDigest(key), nullptr,
                           key.public_key().native()) &&
      EVP_DigestVerify(ctx.get(), sig->data(), sig->size(), kMessage, sizeof(kMessage));
  ERR_clear_error();
  if (!ok) {
    return MakeError(ErrorKind::kKeyMismatch,
                     absl::StrCat("the token's public key does not belong to its private key (",
                                  what, "): a test signature does not verify"));
  }
  return absl::OkStatus();
}

const TokenKey* TokenOf(const PrivateKey& key) {
  EVP_PKEY* pkey = key.native();
  if (pkey == nullptr) return nullptr;
  if (const RSA* rsa = EVP_PKEY_get0_RSA(pkey)) {
    return static_cast<const TokenKey*>(RSA_get_ex_data(rsa, RsaIndex()));
  }
  if (const EC_KEY* ec = EVP_PKEY_get0_EC_KEY(pkey)) {
    return static_cast<const TokenKey*>(EC_KEY_get_ex_data(ec, EcIndex()));
  }
  return nullptr;
}

}  // namespace

absl::StatusOr<Pkcs11Uri> Pkcs11Uri::Parse(absl::string_view text) {
  if (text.size() > kMaxUriLength) {
    return MakeError(ErrorKind::kLimitExceeded,
                     absl::StrCat("pkcs11: URI is ", text.size(), " bytes long; at most ",
                                  kMaxUriLength, " are accepted"));
  }
  if (!IsPkcs11Uri(text)) {
    return MakeError(ErrorKind::kInvalidArgument, "a PKCS#11 URI starts with 'pkcs11:'");
  }
  text.remove_prefix(7);
  absl::string_view path = text, query;
  if (const size_t q = text.find('?'); q != absl::string_view::npos) {
    path = text.substr(0, q);
    query = text.substr(q + 1);
  }
  if (path.find('#') != absl::string_view::npos || query.find('#') != absl::string_view::npos) {
    return MakeError(ErrorKind::kInvalidArgument, "pkcs11: URI has a fragment ('#'), which RFC 7512 does not allow");
  }
  Pkcs11Uri uri;
  if (!path.empty()) {
    for (absl::string_view part : absl::StrSplit(path, ';')) {
      absl::Status s = ParseAttribute(part, /*query=*/false, &uri);
      if (!s.ok()) return s;
    }
  }
  if (!query.empty()) {
    for (absl::string_view part : absl::StrSplit(query, '&')) {
      absl::Status s = ParseAttribute(part, /*query=*/true, &uri);
      if (!s.ok()) return s;
    }
  }
  return uri;
}

std::string Pkcs11Uri::DescribeObject() const {
  std::vector<std::string> parts;
  if (object) parts.push_back(absl::StrCat("object='", EscapeForDisplay(*object), "'"));
  if (id) parts.push_back(absl::StrCat("id=", PercentEncode(*id)));
  return parts.empty() ? std::string("any object") : absl::StrJoin(parts, " ");
}

bool IsPkcs11Uri(absl::string_view text) { return absl::StartsWithIgnoreCase(text, "pkcs11:"); }

absl::StatusOr<PrivateKey> LoadPkcs11PrivateKey(const Pkcs11Uri& uri, const Pkcs11Options& options) {
  const std::string module_path = !options.module_path.empty() ? options.module_path
                                                                : uri.module_path.value_or("");
  if (module_path.empty()) {
    return MakeError(ErrorKind::kInvalidArgument,
                     "no PKCS#11 module given (a module path option, or module-path in the URI)");
  }
  auto module = Module::Open(module_path);
  if (!module.ok()) return module.status();
  struct ck_function_list* fn = (*module)->fn();
  auto token = FindToken(**module, uri);
  if (!token.ok()) return token.status();
  const std::string token_shown = absl::StrCat("token '", EscapeForDisplay(token->label), "'");

  auto key = std::make_unique<TokenKey>();
  ck_rv_t rv = fn->C_OpenSession(token->slot, CKF_SERIAL_SESSION, nullptr, nullptr, &key->session);
  if (rv != CKR_OK) return Annotate(CkError("C_OpenSession", rv), token_shown);
  key->module = *module;  // from here on ~TokenKey closes the session

  // The PIN: the caller's, else the URI's pin-value, else its pin-source.
  std::optional<std::string> pin = options.pin;
  if (!pin && uri.pin_value) pin = uri.pin_value;
  if (!pin && uri.pin_source) {
    auto read = ReadPinSource(*uri.pin_source);
    if (!read.ok()) return read.status();
    pin = *std::move(read);
  }
  if (token->flags & CKF_LOGIN_REQUIRED) {
    if (!pin) {
      return MakeError(ErrorKind::kInvalidArgument,
                       absl::StrCat(token_shown, " needs a PIN and none was given"));
    }
    rv = fn->C_Login(key->session, CKU_USER, reinterpret_cast<unsigned char*>(pin->data()),
                     pin->size());
    OPENSSL_cleanse(pin->data(), pin->size());
    if (rv == CKR_PIN_INCORRECT || rv == CKR_PIN_INVALID) {
      return MakeError(ErrorKind::kBadPassword, absl::StrCat("wrong PIN for ", token_shown));
    }
    if (rv == CKR_PIN_LEN_RANGE) {
      return MakeError(ErrorKind::kBadPassword,
                       absl::StrCat("wrong PIN for ", token_shown, " (a length the token refuses)"));
    }
    if (rv == CKR_PIN_LOCKED) {
      return MakeError(ErrorKind::kBadPassword,
                       absl::StrCat("the user PIN of ", token_shown,
                                    " is locked (too many wrong PINs); the security officer must "
                                    "reset it"));
    }
    if (rv == CKR_PIN_EXPIRED) {
      return MakeError(ErrorKind::kBadPassword,
                       absl::StrCat("the user PIN of ", token_shown, " has expired; set a new one"));
    }
    if (rv == CKR_USER_PIN_NOT_INITIALIZED) {
      return MakeError(ErrorKind::kInvalidArgument,
                       absl::StrCat(token_shown, " has no user PIN yet (initialize it first)"));
    }
    if (rv != CKR_OK && rv != CKR_USER_ALREADY_LOGGED_IN) {
      return Annotate(CkError("C_Login", rv), token_shown);
    }
  }

  // The private key.
  ck_object_class_t priv_class = CKO_PRIVATE_KEY;
  std::vector<struct ck_attribute> tmpl = {{CKA_CLASS, &priv_class, sizeof(priv_class)}};
  std::string label = uri.object.value_or("");
  std::string id = uri.id.value_or("");
  if (uri.object) tmpl.push_back({CKA_LABEL, label.data(), label.size()});
  if (uri.id) tmpl.push_back({CKA_ID, id.data(), id.size()});
  const std::string what = absl::StrCat(token_shown, " ", uri.DescribeObject());
  auto objects = FindObjects(fn, key->session, tmpl);
  if (!objects.ok()) return Annotate(objects.status(), what);
  if (objects->empty()) {
    return MakeError(ErrorKind::kNotFound,
                     absl::StrCat("no private key with ", uri.DescribeObject(), " in ", token_shown));
  }
  if (objects->size() > 1) {
    return MakeError(ErrorKind::kInvalidArgument,
                     absl::StrCat(objects->size() == 16 ? "16 or more" : absl::StrCat(objects->size()),
                                  " private keys match ", uri.DescribeObject(), " in ", token_shown,
                                  "; add object= or id= to pick one"));
  }
  key->object = objects->front();
  key->description = what;

  auto key_type = GetAttribute(fn, key->session, key->object, CKA_KEY_TYPE, "CKA_KEY_TYPE");
  if (!key_type.ok()) return Annotate(key_type.status(), what);
  ck_key_type_t type = 0;
  if (key_type->size() != sizeof(type)) {
    return MakeError(ErrorKind::kIo, absl::StrCat(what, ": CKA_KEY_TYPE has an odd size"));
  }
  std::memcpy(&type, key_type->data(), sizeof(type));
  // The key's own CKA_ID (to find its public half when the URI gave none).
  auto key_id = GetAttribute(fn, key->session, key->object, CKA_ID, "CKA_ID");
  const std::string own_id = key_id.ok() ? *key_id : id;

  bssl::UniquePtr<EVP_PKEY> pkey(EVP_PKEY_new());
  if (type == CKK_RSA) {
    auto n = GetAttribute(fn, key->session, key->object, CKA_MODULUS, "CKA_MODULUS");
    auto e = GetAttribute(fn, key->session, key->object, CKA_PUBLIC_EXPONENT, "CKA_PUBLIC_EXPONENT");
    if (!n.ok()) return Annotate(n.status(), what);
    if (!e.ok()) return Annotate(e.status(), what);
    bssl::UniquePtr<RSA> rsa(RSA_new_method(TokenEngine()));
    BIGNUM* bn_n = BN_bin2bn(reinterpret_cast<const uint8_t*>(n->data()), n->size(), nullptr);
    BIGNUM* bn_e = BN_bin2bn(reinterpret_cast<const uint8_t*>(e->data()), e->size(), nullptr);
    if (rsa == nullptr || bn_n == nullptr || bn_e == nullptr ||
        !RSA_set0_key(rsa.get(), bn_n, bn_e, nullptr)) {
      BN_free(bn_n);
      BN_free(bn_e);
      return MakeError(ErrorKind::kInternal, absl::StrCat(what, ": cannot build the RSA key"));
    }
    if (RSA_bits(rsa.get()) < 2048) {
      return MakeError(ErrorKind::kWeakParameter,
                       absl::StrCat(what, ": RSA ", RSA_bits(rsa.get()),
                                    "-bit key; certkit signs with RSA keys of 2048 bits or more"));
    }
    if (!RSA_set_ex_data(rsa.get(), RsaIndex(), key.get())) {
      return MakeError(ErrorKind::kInternal, "cannot attach the token to the RSA key");
    }
    key.release();  // owned by |rsa| now
    if (!EVP_PKEY_assign_RSA(pkey.get(), rsa.release())) {
      return MakeError(ErrorKind::kInternal, "cannot wrap the RSA key");
    }
  } else if (type == CKK_EC) {
    auto params = GetAttribute(fn, key->session, key->object, CKA_EC_PARAMS, "CKA_EC_PARAMS");
    if (!params.ok()) return Annotate(params.status(), what);
    auto group = EcGroupFromParams(*params);
    if (!group.ok()) return Annotate(group.status(), what);
    // The point: from the public key object with the same CKA_ID, else a
    // certificate with that id.
    bssl::UniquePtr<EC_POINT> point;
    ck_object_class_t pub_class = CKO_PUBLIC_KEY;
    std::vector<struct ck_attribute> pub_tmpl = {{CKA_CLASS, &pub_class, sizeof(pub_class)}};
    std::string pub_id = own_id;
    if (!pub_id.empty()) pub_tmpl.push_back({CKA_ID, pub_id.data(), pub_id.size()});
    if (pub_id.empty() && uri.object) pub_tmpl.push_back({CKA_LABEL, label.data(), label.size()});
    auto pubs = FindObjects(fn, key->session, pub_tmpl, 2);
    if (pubs.ok() && pubs->size() == 1) {
      auto value = GetAttribute(fn, key->session, pubs->front(), CKA_EC_POINT, "CKA_EC_POINT");
      if (value.ok()) point = ParseEcPoint(group->get(), *value);
    }
    if (point == nullptr && !own_id.empty()) {
      point = PointFromCertificate(fn, key->session, own_id, group->get());
    }
    if (point == nullptr) {
      return MakeError(ErrorKind::kNotFound,
                       absl::StrCat(what, ": the token holds no public key or certificate with the "
                                          "private key's CKA_ID, so its EC public key is unknown"));
    }
    key->ec_order_len = BN_num_bytes(EC_GROUP_get0_order(group->get()));
    bssl::UniquePtr<EC_KEY> ec(EC_KEY_new_method(TokenEngine()));
    if (ec == nullptr || !EC_KEY_set_group(ec.get(), group->get()) ||
        !EC_KEY_set_public_key(ec.get(), point.get())) {
      ERR_clear_error();
      return MakeError(ErrorKind::kInternal, absl::StrCat(what, ": cannot build the EC key"));
    }
    if (!EC_KEY_set_ex_data(ec.get(), EcIndex(), key.get())) {
      return MakeError(ErrorKind::kInternal, "cannot attach the token to the EC key");
    }
    key.release();  // owned by |ec| now
    if (!EVP_PKEY_assign_EC_KEY(pkey.get(), ec.release())) {
      return MakeError(ErrorKind::kInternal, "cannot wrap the EC key");
    }
  } else {
    return MakeError(ErrorKind::kUnsupported,
                     absl::StrCat(what, ": key type CKK 0x", absl::Hex(type),
                                  " is not supported (certkit signs with RSA and EC keys in a token)"));
  }
  PrivateKey out(pkey.get());
  absl::Status s = SelfTest(out, what);
  if (!s.ok()) return s;
  return out;
}

bool IsTokenKey(const PrivateKey& key) { return TokenOf(key) != nullptr; }

std::string TokenKeyDescription(const PrivateKey& key) {
  const TokenKey* token = TokenOf(key);
  return token == nullptr ? std::string() : token->description;
}

absl::StatusOr<CertificateAuthority> LoadCaWithPkcs11Key(const std::string& cert_path,
                                                         const Pkcs11Uri& uri,
                                                         const Pkcs11Options& options) {
  auto certs = ReadCertificates(cert_path);
  if (!certs.ok()) return certs.status();
  auto key = LoadPkcs11PrivateKey(uri, options);
  if (!key.ok()) return key.status();
  auto ca = CaFromBundle(*std::move(certs), *key);
  if (!ca.ok()) {
    return Annotate(ca.status(), absl::StrCat("CA '", EscapeForDisplay(cert_path), "' with key in ",
                                              TokenKeyDescription(*key)));
  }
  return ca;
}

}  // namespace certkit
