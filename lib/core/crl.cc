#include "certkit/crl.h"

#include <utility>

#include <nlohmann/json.hpp>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "certkit/error.h"
#include "core/x509_ext.h"
#include "openssl/bn.h"
#include "openssl/mem.h"
#include "openssl/pem.h"
#include "openssl/x509.h"
#include "openssl/x509v3.h"
#include "util/pem_blocks.h"

namespace certkit {
namespace {

constexpr const char* kReasonNames[] = {
    "unspecified", "keyCompromise",  "cACompromise",    "affiliationChanged",
    "superseded",  "cessationOfOperation", "certificateHold", "",
    "removeFromCRL", "privilegeWithdrawn", "aACompromise"};
constexpr int kReasonCount = sizeof(kReasonNames) / sizeof(kReasonNames[0]);
// removeFromCRL: meaningful only in a delta CRL, where it un-lists a serial.
constexpr int kRemoveFromCrl = 8;

// The largest serial RFC 5280 4.1.2.2 allows: 20 octets.
constexpr size_t kMaxSerialBytes = 20;

std::string HexSerial(const ASN1_INTEGER* serial) {
  bssl::UniquePtr<BIGNUM> bn(ASN1_INTEGER_to_BN(serial, nullptr));
  if (!bn) return "";
  char* hex = BN_bn2hex(bn.get());
  if (hex == nullptr) return "";
  std::string out = absl::AsciiStrToLower(hex);
  OPENSSL_free(hex);
  return out == "" ? "0" : out;
}

absl::Status SetTime(absl::Time t, int (*set)(X509_CRL*, const ASN1_TIME*), X509_CRL* crl) {
  bssl::UniquePtr<ASN1_TIME> at(
      ASN1_TIME_set(nullptr, static_cast<time_t>(absl::ToUnixSeconds(t))));
  if (!at || !set(crl, at.get())) {
    return MakeError(ErrorKind::kInvalidArgument, "cannot encode a CRL time");
  }
  return absl::OkStatus();
}

absl::Status AddRevoked(X509_CRL* crl, const RevokedCertificate& r) {
  if (r.serial.empty() || r.serial.size() > kMaxSerialBytes) {
    return MakeError(ErrorKind::kInvalidArgument,
                     absl::StrCat("a revoked serial must have 1 to ", kMaxSerialBytes,
                                  " bytes, got ", r.serial.size()));
  }
  if (r.reason.has_value() &&
      (*r.reason < 0 || *r.reason >= kReasonCount || *r.reason == 7)) {
    return MakeError(ErrorKind::kInvalidArgument,
                     absl::StrCat("CRL reason code ", *r.reason, " is not defined (RFC 5280 5.3.1)"));
  }
  if (r.reason == kRemoveFromCrl) {
    return MakeError(ErrorKind::kInvalidArgument,
                     "CRL reason removeFromCRL does not revoke (delta CRLs only, RFC 5280 5.3.1)");
  }
  bssl::UniquePtr<X509_REVOKED> rev(X509_REVOKED_new());
  bssl::UniquePtr<BIGNUM> bn(BN_bin2bn(r.serial.data(), r.serial.size(), nullptr));
  bssl::UniquePtr<ASN1_INTEGER> serial(bn ? BN_to_ASN1_INTEGER(bn.get(), nullptr) : nullptr);
  bssl::UniquePtr<ASN1_TIME> when(
      ASN1_TIME_set(nullptr, static_cast<time_t>(absl::ToUnixSeconds(r.revocation_time))));
  if (!rev || !serial || !when || !X509_REVOKED_set_serialNumber(rev.get(), serial.get()) ||
      !X509_REVOKED_set_revocationDate(rev.get(), when.get())) {
    return MakeError(ErrorKind::kInternal, "cannot encode a revoked entry");
  }
  if (r.reason.has_value()) {
    bssl::UniquePtr<ASN1_ENUMERATED> reason(ASN1_ENUMERATED_new());
    if (!reason || !ASN1_ENUMERATED_set(reason.get(), *r.reason) ||
        !X509_REVOKED_add1_ext_i2d(rev.get(), NID_crl_reason, reason.get(), 0, 0)) {
      return MakeError(ErrorKind::kInternal, "cannot encode a CRL reason");
    }
  }
  if (!X509_CRL_add0_revoked(crl, rev.get())) {
    return MakeError(ErrorKind::kInternal, "out of memory");
  }
  rev.release();
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<int> ParseCrlReason(absl::string_view name) {
  for (int i = 0; i < kReasonCount; ++i) {
    if (kReasonNames[i][0] == '\0' || !absl::EqualsIgnoreCase(name, kReasonNames[i])) continue;
    if (i == kRemoveFromCrl) {
      return MakeError(ErrorKind::kInvalidArgument,
                       "removeFromCRL does not revoke: it only takes an entry off a delta CRL "
                       "(RFC 5280 5.3.1), and certkit writes full CRLs; to revoke, give another "
                       "reason or none");
    }
    return i;
  }
  std::vector<std::string> names;
  for (int i = 0; i < kReasonCount; ++i) {
    if (kReasonNames[i][0] != '\0' && i != kRemoveFromCrl) names.push_back(kReasonNames[i]);
  }
  return MakeError(ErrorKind::kInvalidArgument,
                   absl::StrCat("unknown revocation reason '", absl::CHexEscape(name),
                                "'; valid reasons: ", absl::StrJoin(names, ", ")));
}

absl::Status CheckCrlSigner(const Certificate& ca) {
  const std::optional<uint32_t> ku = ca.key_usage();
  if (!ku.has_value() || (*ku & kKuCrlSign) != 0) return absl::OkStatus();
  const std::vector<std::string> names = KeyUsageNames(*ku);
  return MakeError(
      ErrorKind::kInvalidArgument,
      absl::StrCat("CA '", ca.subject().ToRfc4514(), "' may not sign CRLs: its keyUsage is ",
                   names.empty() ? "empty" : absl::StrJoin(names, ", "),
                   ", without cRLSign, so openssl and certkit would refuse its CRLs and fail "
                   "every certificate checked against them; issue the CA with a profile whose "
                   "key_usage includes cRLSign (certkit's default CA profile has it)"));
}

std::string CrlReasonName(int reason) {
  return reason >= 0 && reason < kReasonCount ? kReasonNames[reason] : "";
}

absl::StatusOr<Bytes> ParseSerialHex(absl::string_view text) {
  std::string hex;
  absl::string_view t = absl::StripAsciiWhitespace(text);
  if (!absl::ConsumePrefix(&t, "0x")) absl::ConsumePrefix(&t, "0X");
  for (char c : t) {
    if (c == ':') continue;
    if (!absl::ascii_isxdigit(static_cast<unsigned char>(c))) {
      return MakeError(ErrorKind::kInvalidArgument,
                       absl::StrCat("serial '", absl::CHexEscape(text), "' is not hexadecimal"));
    }
    hex.push_back(c);
  }
  while (hex.size() > 1 && hex[0] == '0') hex.erase(0, 1);
  if (hex.empty() || hex.size() > 2 * kMaxSerialBytes) {
    return MakeError(ErrorKind::kInvalidArgument,
                     absl::StrCat("serial '", absl::CHexEscape(text), "' must have 1 to ",
                                  2 * kMaxSerialBytes, " hex digits"));
  }
  if (hex.size() % 2 != 0) hex.insert(0, "0");
  const std::string bytes = absl::HexStringToBytes(hex);
  return Bytes(bytes.begin(), bytes.end());
}

bool RevocationList::Add(const RevokedCertificate& r) {
  for (const RevokedCertificate& have : revoked) {
    if (have.serial == r.serial) return false;
  }
  revoked.push_back(r);
  return true;
}

std::string RevocationList::ToJson() const {
  nlohmann::json list = nlohmann::json::array();
  for (const RevokedCertificate& r : revoked) {
    nlohmann::json e{
        {"serial", absl::BytesToHexString(absl::string_view(
                       reinterpret_cast<const char*>(r.serial.data()), r.serial.size()))},
        {"time", absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", r.revocation_time, absl::UTCTimeZone())}};
    if (r.reason.has_value()) e["reason"] = CrlReasonName(*r.reason);
    list.push_back(e);
  }
  return nlohmann::json{{"crl_number", crl_number}, {"revoked", list}}.dump(2) + "\n";
}

absl::StatusOr<RevocationList> RevocationList::FromJson(absl::string_view text) {
  using nlohmann::json;
  const json root = json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
  auto bad = [](const std::string& what) {
    return MakeError(ErrorKind::kMalformed, "revocation list: " + what);
  };
  if (!root.is_object() || !root.contains("crl_number") ||
      !root["crl_number"].is_number_integer() || root["crl_number"].get<int64_t>() < 0 ||
      (root["crl_number"].is_number_unsigned() &&
       root["crl_number"].get<uint64_t>() > static_cast<uint64_t>(kMaxCrlNumber)) ||
      !root.contains("revoked") || !root["revoked"].is_array()) {
    return bad("expected {\"crl_number\": N, \"revoked\": [...]}");
  }
  RevocationList out;
  out.crl_number = root["crl_number"].get<int64_t>();
  const json& list = root["revoked"];
  for (size_t i = 0; i < list.size(); ++i) {
    const json& e = list[i];
    const std::string at = absl::StrCat("revoked[", i, "]");
    if (!e.is_object() || !e.contains("serial") || !e["serial"].is_string() ||
        !e.contains("time") || !e["time"].is_string()) {
      return bad(at + " needs a \"serial\" and a \"time\" string");
    }
    RevokedCertificate r;
    auto serial = ParseSerialHex(e["serial"].get<std::string>());
    if (!serial.ok()) return bad(at + ": " + std::string(serial.status().message()));
    r.serial = *serial;
    std::string err;
    if (!absl::ParseTime(absl::RFC3339_full, e["time"].get<std::string>(), &r.revocation_time,
                         &err)) {
      return bad(at + ": time is not RFC 3339");
    }
    if (e.contains("reason")) {
      if (!e["reason"].is_string()) return bad(at + ": reason must be a string");
      auto reason = ParseCrlReason(e["reason"].get<std::string>());
      if (!reason.ok()) return bad(at + ": " + std::string(reason.status().message()));
      r.reason = *reason;
    }
    out.revoked.push_back(r);
  }
  return out;
}

absl::StatusOr<Crl> Crl::Parse(absl::string_view data) {
  bssl::UniquePtr<X509_CRL> crl = x509ext::ParseCrlData(data);
  if (!crl) return MakeError(ErrorKind::kMalformed, "not a PEM or DER certificate revocation list");
  Crl out;
  uint8_t* der = nullptr;
  const int len = i2d_X509_CRL(crl.get(), &der);
  if (len <= 0) return MakeError(ErrorKind::kMalformed, "cannot re-encode the CRL");
  out.der_.assign(der, der + len);
  OPENSSL_free(der);
  out.issuer_ = DistinguishedName::FromX509NameFlattened(X509_CRL_get_issuer(crl.get()));
  out.this_update_ = x509ext::AsnTimeToAbsl(X509_CRL_get0_lastUpdate(crl.get()));
  const ASN1_TIME* next = X509_CRL_get0_nextUpdate(crl.get());
  out.next_update_ = next ? x509ext::AsnTimeToAbsl(next) : absl::InfiniteFuture();
  bssl::UniquePtr<ASN1_INTEGER> number(static_cast<ASN1_INTEGER*>(
      X509_CRL_get_ext_d2i(crl.get(), NID_crl_number, nullptr, nullptr)));
  uint64_t n = 0;
  if (number && ASN1_INTEGER_get_uint64(&n, number.get()) && n <= INT64_MAX) {
    out.number_ = static_cast<int64_t>(n);
  }
  const STACK_OF(X509_REVOKED)* revoked = X509_CRL_get_REVOKED(crl.get());
  for (size_t i = 0; i < sk_X509_REVOKED_num(revoked); ++i) {
    out.revoked_.push_back(
        HexSerial(X509_REVOKED_get0_serialNumber(sk_X509_REVOKED_value(revoked, i))));
  }
  return out;
}

std::string Crl::ToPem() const { return pem::EncodePublic("X509 CRL", der_); }

bool Crl::IsRevoked(const Certificate& cert) const {
  const std::string serial = cert.serial_hex();
  for (const std::string& s : revoked_) {
    if (s == serial) return true;
  }
  return false;
}

absl::StatusOr<Crl> SignCrl(const CertificateAuthority& ca,
                            const std::vector<RevokedCertificate>& revoked,
                            const CrlOptions& options) {
  if (options.number < 0) {
    return MakeError(ErrorKind::kInvalidArgument,
                     absl::StrCat("CRL number ", options.number, " is negative"));
  }
  if (auto st = CheckCrlSigner(ca.certificate()); !st.ok()) return st;
  if (options.next_update_in < absl::Minutes(1)) {
    return MakeError(ErrorKind::kInvalidArgument, "the CRL's next update must be at least a minute away");
  }
  const absl::Time this_update = absl::FromUnixSeconds(absl::ToUnixSeconds(
      options.this_update == absl::InfinitePast() ? absl::Now() : options.this_update));
  bssl::UniquePtr<X509_CRL> crl(X509_CRL_new());
  if (!crl || !X509_CRL_set_version(crl.get(), X509_CRL_VERSION_2) ||
      !X509_CRL_set_issuer_name(crl.get(), X509_get_subject_name(ca.certificate().native()))) {
    return MakeError(ErrorKind::kInternal, "out of memory");
  }
  if (auto st = SetTime(this_update, X509_CRL_set1_lastUpdate, crl.get()); !st.ok()) return st;
  if (auto st = SetTime(this_update + options.next_update_in, X509_CRL_set1_nextUpdate, crl.get());
      !st.ok()) {
    return st;
  }
  for (const RevokedCertificate& r : revoked) {
    if (auto st = AddRevoked(crl.get(), r); !st.ok()) return st;
  }
  bssl::UniquePtr<ASN1_INTEGER> number(ASN1_INTEGER_new());
  if (!number || !ASN1_INTEGER_set_uint64(number.get(), static_cast<uint64_t>(options.number)) ||
      !X509_CRL_add1_ext_i2d(crl.get(), NID_crl_number, number.get(), 0, 0)) {
    return MakeError(ErrorKind::kInternal, "cannot encode the cRLNumber");
  }
  Bytes key_id = ca.certificate().subject_key_id();
  if (!key_id.empty()) {
    auto aki = x509ext::AuthorityKeyId(key_id);
    if (!aki.ok()) return aki.status();
    if (!X509_CRL_add_ext(crl.get(), aki->get(), -1)) {
      return MakeError(ErrorKind::kInternal, "cannot add the authorityKeyIdentifier");
    }
  }
  if (!X509_CRL_sort(crl.get()) ||
      X509_CRL_sign(crl.get(), ca.key().native(), DefaultDigest(ca.key())) <= 0) {
    return MakeError(ErrorKind::kInternal,
                     absl::StrCat("cannot sign the CRL with the ", ca.key().Describe(), " CA key"));
  }
  uint8_t* der = nullptr;
  const int len = i2d_X509_CRL(crl.get(), &der);
  if (len <= 0) return MakeError(ErrorKind::kInternal, "cannot encode the CRL");
  auto parsed = Crl::Parse(absl::string_view(reinterpret_cast<const char*>(der), len));
  OPENSSL_free(der);
  return parsed;
}

}  // namespace certkit
