#include "certkit/cert.h"

#include <cassert>
#include <utility>

#include "absl/base/call_once.h"
#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "certkit/error.h"
#include "core/x509_ext.h"
#include "openssl/asn1.h"
#include "openssl/digest.h"
#include "openssl/mem.h"
#include "openssl/obj.h"
#include "openssl/x509.h"
#include "openssl/x509v3.h"
#include "certkit/display.h"
#include "util/pem_blocks.h"

namespace certkit {
namespace {

bool IsCertificateLabel(absl::string_view label) {
  return label == "CERTIFICATE" || label == "X509 CERTIFICATE" || label == "TRUSTED CERTIFICATE";
}

// ParseDer parses one certificate from |der|. |allow_trailing| accepts the
// X509_CERT_AUX trust data that follows a "TRUSTED CERTIFICATE".
absl::StatusOr<Certificate> ParseDer(absl::Span<const uint8_t> der, bool allow_trailing,
                                     absl::string_view what) {
  const uint8_t* p = der.data();
  bssl::UniquePtr<X509> x(d2i_X509(nullptr, &p, static_cast<long>(der.size())));
  if (!x) {
    return MakeError(ErrorKind::kMalformed,
                     absl::StrCat(what, " is not a valid DER X.509 certificate"));
  }
  if (!allow_trailing && p != der.data() + der.size()) {
    return MakeError(ErrorKind::kMalformed,
                     absl::StrCat(what, " has ", der.data() + der.size() - p,
                                  " trailing bytes after the certificate"));
  }
  return Certificate(x.get());
}

std::string FormatUtc(absl::Time t) {
  return absl::FormatTime("%Y-%m-%d %H:%M:%S UTC", t, absl::UTCTimeZone());
}

Bytes OctetBytes(const ASN1_OCTET_STRING* s) {
  if (s == nullptr) return {};
  const uint8_t* d = ASN1_STRING_get0_data(s);
  return Bytes(d, d + ASN1_STRING_length(s));
}

std::string Digest(X509* x, const EVP_MD* md) {
  uint8_t buf[EVP_MAX_MD_SIZE];
  unsigned len = 0;
  if (!X509_digest(x, md, buf, &len)) return "";
  return FormatFingerprint(absl::MakeConstSpan(buf, len));
}

// DerDigest is Digest over the certificate's encoding |der|.
std::string DerDigest(const Bytes& der, const EVP_MD* md) {
  uint8_t buf[EVP_MAX_MD_SIZE];
  unsigned len = 0;
  if (!EVP_Digest(der.data(), der.size(), buf, &len, md, nullptr)) return "";
  return FormatFingerprint(absl::MakeConstSpan(buf, len));
}

}  // namespace

namespace internal {

// CertState is what a Certificate and its copies share: the parsed X509, or
// the DER certkit signed and, once a field is asked for, its parse.
struct CertState {
  Bytes der;  // empty when made from an X509
  absl::once_flag parsed;
  X509* x509 = nullptr;

  ~CertState() { X509_free(x509); }

  X509* Get() {
    absl::call_once(parsed, [this] {
      if (x509 != nullptr) return;
      const uint8_t* p = der.data();
      x509 = d2i_X509(nullptr, &p, static_cast<long>(der.size()));
      // certkit encoded |der| itself (AdoptSignedDer), so it parses.
      assert(x509 != nullptr && p == der.data() + der.size());
      if (x509 == nullptr) x509 = X509_new();
    });
    return x509;
  }
};

Certificate AdoptSignedDer(Bytes der) {
  auto state = std::make_shared<CertState>();
  state->der = std::move(der);
  return Certificate(std::move(state));
}

}  // namespace internal

Certificate::Certificate(X509* x509) : state_(std::make_shared<internal::CertState>()) {
  X509_up_ref(x509);
  state_->x509 = x509;
}
Certificate::Certificate(std::shared_ptr<internal::CertState> state) : state_(std::move(state)) {}
Certificate::Certificate(const Certificate& o) = default;
Certificate& Certificate::operator=(const Certificate& o) = default;
// A moved-from certificate stays the same certificate (callers read it).
Certificate::Certificate(Certificate&& o) noexcept : state_(o.state_) {}
Certificate& Certificate::operator=(Certificate&& o) noexcept {
  state_ = o.state_;
  return *this;
}
Certificate::~Certificate() = default;

X509* Certificate::native() const { return state_->Get(); }

absl::StatusOr<Certificate> Certificate::FromDer(absl::Span<const uint8_t> der) {
  return ParseDer(der, /*allow_trailing=*/false, "input");
}

absl::StatusOr<Certificate> Certificate::FromPem(absl::string_view pem) {
  auto blocks = pem::Parse(pem);
  if (!blocks.ok()) return blocks.status();
  for (size_t i = 0; i < blocks->size(); ++i) {
    const pem::Block& b = (*blocks)[i];
    if (!IsCertificateLabel(b.label)) continue;
    return ParseDer(b.der, b.label == "TRUSTED CERTIFICATE",
                    absl::StrCat("PEM block ", i, " (", b.label, ")"));
  }
  return MakeError(ErrorKind::kMalformed, "no CERTIFICATE PEM block found");
}

absl::StatusOr<std::vector<Certificate>> Certificate::ParseBundle(absl::string_view data) {
  std::vector<Certificate> out;
  if (!pem::LooksLikePem(data)) {
    auto cert = ParseDer(absl::MakeConstSpan(reinterpret_cast<const uint8_t*>(data.data()),
                                             data.size()),
                         false, "DER input");
    if (!cert.ok()) return cert.status();
    out.push_back(*std::move(cert));
    return out;
  }
  auto blocks = pem::Parse(data);
  if (!blocks.ok()) return blocks.status();
  for (size_t i = 0; i < blocks->size(); ++i) {
    const pem::Block& b = (*blocks)[i];
    if (!IsCertificateLabel(b.label)) continue;
    auto cert = ParseDer(b.der, b.label == "TRUSTED CERTIFICATE",
                         absl::StrCat("PEM block ", i, " (", b.label, ")"));
    if (!cert.ok()) return cert.status();
    out.push_back(*std::move(cert));
  }
  if (out.empty()) return MakeError(ErrorKind::kMalformed, "no certificate found in the bundle");
  return out;
}

int Certificate::version() const { return static_cast<int>(X509_get_version(native())) + 1; }

Bytes Certificate::serial_bytes() const {
  const ASN1_INTEGER* serial = X509_get0_serialNumber(native());
  const uint8_t* d = ASN1_STRING_get0_data(serial);
  Bytes out(d, d + ASN1_STRING_length(serial));
  // ASN1_INTEGER keeps the magnitude; strip redundant leading zeros.
  size_t skip = 0;
  while (skip + 1 < out.size() && out[skip] == 0) ++skip;
  out.erase(out.begin(), out.begin() + skip);
  return out;
}

std::string Certificate::serial_hex() const {
  Bytes b = serial_bytes();
  std::string hex = absl::BytesToHexString(
      absl::string_view(reinterpret_cast<const char*>(b.data()), b.size()));
  size_t skip = 0;
  while (skip + 1 < hex.size() && hex[skip] == '0') ++skip;
  hex.erase(0, skip);
  return hex.empty() ? "0" : hex;
}

DistinguishedName Certificate::subject() const {
  return DistinguishedName::FromX509NameFlattened(X509_get_subject_name(native()));
}

DistinguishedName Certificate::issuer() const {
  return DistinguishedName::FromX509NameFlattened(X509_get_issuer_name(native()));
}

absl::Time Certificate::not_before() const { return x509ext::AsnTimeToAbsl(X509_get0_notBefore(native())); }
absl::Time Certificate::not_after() const { return x509ext::AsnTimeToAbsl(X509_get0_notAfter(native())); }

std::vector<SubjectAltName> Certificate::subject_alt_names() const {
  bssl::UniquePtr<GENERAL_NAMES> names(static_cast<GENERAL_NAMES*>(
      X509_get_ext_d2i(native(), NID_subject_alt_name, nullptr, nullptr)));
  return FromGeneralNames(names.get());
}

bool Certificate::has_subject_alt_name_extension() const {
  return X509_get_ext_by_NID(native(), NID_subject_alt_name, -1) >= 0;
}

std::optional<uint32_t> Certificate::key_usage() const {
  bssl::UniquePtr<ASN1_BIT_STRING> ku(static_cast<ASN1_BIT_STRING*>(
      X509_get_ext_d2i(native(), NID_key_usage, nullptr, nullptr)));
  if (!ku) return std::nullopt;
  return x509ext::KeyUsageBits(ku.get());
}

std::optional<std::vector<std::string>> Certificate::extended_key_usage() const {
  bssl::UniquePtr<EXTENDED_KEY_USAGE> eku(static_cast<EXTENDED_KEY_USAGE*>(
      X509_get_ext_d2i(native(), NID_ext_key_usage, nullptr, nullptr)));
  if (!eku) return std::nullopt;
  return x509ext::OidList(eku.get());
}

BasicConstraints Certificate::basic_constraints() const {
  BasicConstraints out;
  int critical = -1;
  bssl::UniquePtr<BASIC_CONSTRAINTS> bc(static_cast<BASIC_CONSTRAINTS*>(
      X509_get_ext_d2i(native(), NID_basic_constraints, &critical, nullptr)));
  if (!bc) return out;
  out.present = true;
  out.critical = critical == 1;
  out.is_ca = bc->ca != 0;
  if (bc->pathlen != nullptr) {
    const long v = ASN1_INTEGER_get(bc->pathlen);
    if (v >= 0) out.path_len = static_cast<int>(v);
  }
  return out;
}

Bytes Certificate::subject_key_id() const { return OctetBytes(X509_get0_subject_key_id(native())); }
Bytes Certificate::authority_key_id() const {
  return OctetBytes(X509_get0_authority_key_id(native()));
}

PublicKey Certificate::public_key() const {
  bssl::UniquePtr<EVP_PKEY> pkey(X509_get_pubkey(native()));
  if (!pkey) pkey.reset(EVP_PKEY_new());  // unsupported key type: an empty key
  return PublicKey(pkey.get());
}

std::string Certificate::signature_algorithm() const {
  const int nid = X509_get_signature_nid(native());
  if (nid == NID_undef) return x509ext::OidText(X509_get0_tbs_sigalg(native())->algorithm);
  if (nid == NID_ED25519) return SN_ED25519;
  const char* ln = OBJ_nid2ln(nid);
  return ln ? ln : x509ext::OidText(X509_get0_tbs_sigalg(native())->algorithm);
}

bool Certificate::is_self_issued() const {
  return X509_NAME_cmp(X509_get_subject_name(native()), X509_get_issuer_name(native())) == 0;
}

std::string Certificate::Sha1Fingerprint() const {
  if (!state_->der.empty()) return DerDigest(state_->der, EVP_sha1());
  return Digest(native(), EVP_sha1());
}
std::string Certificate::Sha256Fingerprint() const {
  if (!state_->der.empty()) return DerDigest(state_->der, EVP_sha256());
  return Digest(native(), EVP_sha256());
}

std::string Certificate::Summary() const {
  std::string out;
  absl::StrAppend(&out, "Subject: ", EscapeForDisplay(subject().ToRfc4514()), "\n");
  absl::StrAppend(&out, "Issuer: ", EscapeForDisplay(issuer().ToRfc4514()), "\n");
  absl::StrAppend(&out, "Serial number: ", serial_hex(), "\n");
  absl::StrAppend(&out, "Valid from: ", FormatUtc(not_before()), " until: ",
                  FormatUtc(not_after()), "\n");
  absl::StrAppend(&out, "Public key: ", public_key().Describe(), "\n");
  absl::StrAppend(&out, "Signature algorithm: ", signature_algorithm(), "\n");
  absl::StrAppend(&out, "Version: ", version(), "\n");
  const BasicConstraints bc = basic_constraints();
  if (bc.present) {
    absl::StrAppend(&out, "Basic constraints: ", bc.is_ca ? "CA:TRUE" : "CA:FALSE");
    if (bc.path_len) absl::StrAppend(&out, ", pathlen:", *bc.path_len);
    absl::StrAppend(&out, bc.critical ? " (critical)" : "", "\n");
  }
  if (auto ku = key_usage()) absl::StrAppend(&out, "Key usage: ", absl::StrJoin(KeyUsageNames(*ku), ", "), "\n");
  if (auto eku = extended_key_usage()) {
    std::vector<std::string> names;
    for (const std::string& o : *eku) names.push_back(ExtendedKeyUsageName(o));
    absl::StrAppend(&out, "Extended key usage: ", absl::StrJoin(names, ", "), "\n");
  }
  if (has_subject_alt_name_extension()) {
    std::vector<std::string> names;
    for (const SubjectAltName& s : subject_alt_names()) names.push_back(EscapeForDisplay(s.ToString()));
    absl::StrAppend(&out, "Subject alternative names: ", absl::StrJoin(names, ", "), "\n");
  }
  const Bytes ski = subject_key_id();
  if (!ski.empty()) absl::StrAppend(&out, "Subject key identifier: ", FormatFingerprint(ski), "\n");
  const Bytes aki = authority_key_id();
  if (!aki.empty()) {
    absl::StrAppend(&out, "Authority key identifier: ", FormatFingerprint(aki), "\n");
  }
  absl::StrAppend(&out, "SHA1: ", Sha1Fingerprint(), "\n");
  absl::StrAppend(&out, "SHA256: ", Sha256Fingerprint(), "\n");
  return out;
}

Bytes Certificate::ToDer() const {
  if (!state_->der.empty()) return state_->der;
  uint8_t* der = nullptr;
  const int len = i2d_X509(native(), &der);
  if (len <= 0) return {};
  Bytes out(der, der + len);
  OPENSSL_free(der);
  return out;
}

std::string Certificate::ToPem() const {
  if (!state_->der.empty()) return pem::EncodePublic("CERTIFICATE", state_->der);
  return pem::EncodePublic("CERTIFICATE", ToDer());
}

bool Certificate::MatchesKey(const PrivateKey& key) const {
  return key.MatchesPublicKey(public_key());
}

bool Certificate::operator==(const Certificate& o) const {
  return state_ == o.state_ || ToDer() == o.ToDer();
}

std::string FormatFingerprint(absl::Span<const uint8_t> bytes) {
  std::string out;
  for (size_t i = 0; i < bytes.size(); ++i) {
    if (i > 0) out.push_back(':');
    absl::StrAppend(&out, absl::AsciiStrToUpper(absl::BytesToHexString(absl::string_view(
                              reinterpret_cast<const char*>(&bytes[i]), 1))));
  }
  return out;
}

std::string CertificatesToPem(absl::Span<const Certificate> certs) {
  std::string out;
  for (const Certificate& c : certs) out += c.ToPem();
  return out;
}

std::vector<std::string> KeyUsageNames(uint32_t bits) {
  static const char* const kNames[] = {"digitalSignature", "nonRepudiation", "keyEncipherment",
                                       "dataEncipherment", "keyAgreement",   "keyCertSign",
                                       "cRLSign",          "encipherOnly",   "decipherOnly"};
  std::vector<std::string> out;
  for (int n = 0; n < 9; ++n) {
    if (bits & (1u << n)) out.push_back(kNames[n]);
  }
  return out;
}

std::string ExtendedKeyUsageName(absl::string_view oid) {
  if (oid == kEkuServerAuth) return "serverAuth";
  if (oid == kEkuClientAuth) return "clientAuth";
  if (oid == kEkuEmailProtection) return "emailProtection";
  if (oid == kEkuAny) return "anyExtendedKeyUsage";
  return std::string(oid);
}

}  // namespace certkit
