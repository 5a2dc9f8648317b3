#include "describe.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common.h"
#include "output.h"
#include "openssl/sha.h"

namespace certkit_cli {

using nlohmann::json;

namespace {

json SansJson(const std::vector<certkit::SubjectAltName>& sans) {
  json out = json::array();
  for (const auto& san : sans) out.push_back(san.ToString());
  return out;
}

std::string SpkiSha256(const certkit::PublicKey& key) {
  certkit::Bytes der = key.ToSpkiDer();
  uint8_t digest[SHA256_DIGEST_LENGTH];
  SHA256(der.data(), der.size(), digest);
  return certkit::FormatFingerprint(digest);
}

}  // namespace

json PublicKeyJson(const certkit::PublicKey& key) {
  return json{{"algorithm", key.Describe()}, {"bits", key.bits()},
              {"spki_sha256", SpkiSha256(key)}};
}

json CertificateJson(const certkit::Certificate& cert) {
  json j;
  j["type"] = "certificate";
  j["version"] = cert.version();
  j["serial"] = cert.serial_hex();
  j["subject"] = cert.subject().ToRfc4514();
  j["issuer"] = cert.issuer().ToRfc4514();
  j["not_before"] = FormatRfc3339(cert.not_before());
  j["not_after"] = FormatRfc3339(cert.not_after());
  j["public_key"] = PublicKeyJson(cert.public_key());
  j["signature_algorithm"] = cert.signature_algorithm();
  j["subject_alt_names"] = SansJson(cert.subject_alt_names());
  certkit::BasicConstraints bc = cert.basic_constraints();
  if (bc.present) {
    j["basic_constraints"] = {{"ca", bc.is_ca}, {"critical", bc.critical}};
    if (bc.path_len) j["basic_constraints"]["path_len"] = *bc.path_len;
  }
  if (auto ku = cert.key_usage()) j["key_usage"] = certkit::KeyUsageNames(*ku);
  if (auto eku = cert.extended_key_usage()) {
    json list = json::array();
    for (const auto& oid : *eku) list.push_back(certkit::ExtendedKeyUsageName(oid));
    j["extended_key_usage"] = list;
  }
  j["self_issued"] = cert.is_self_issued();
  j["sha1_fingerprint"] = cert.Sha1Fingerprint();
  j["sha256_fingerprint"] = cert.Sha256Fingerprint();
  return j;
}

json CsrJson(const certkit::CertificateRequest& csr) {
  json j;
  j["type"] = "certificate_request";
  j["subject"] = csr.subject().ToRfc4514();
  j["public_key"] = PublicKeyJson(csr.public_key());
  j["signature_algorithm"] = csr.signature_algorithm();
  j["signature_valid"] = csr.VerifySignature().ok();
  j["requested_subject_alt_names"] = SansJson(csr.requested_sans());
  if (auto ku = csr.requested_key_usage()) j["requested_key_usage"] = certkit::KeyUsageNames(*ku);
  json eku = json::array();
  for (const auto& oid : csr.requested_extended_key_usage()) eku.push_back(certkit::ExtendedKeyUsageName(oid));
  j["requested_extended_key_usage"] = eku;
  return j;
}

std::string CsrText(const certkit::CertificateRequest& csr) {
  std::string out = "Certificate request:\n";
  absl::StrAppend(&out, "  Subject: ", Esc(csr.subject().ToRfc4514()), "\n");
  absl::StrAppend(&out, "  Public key: ", csr.public_key().Describe(), "\n");
  absl::StrAppend(&out, "  Signature algorithm: ", csr.signature_algorithm(), "\n");
  absl::StrAppend(&out, "  Signature: ", csr.VerifySignature().ok() ? "valid" : "INVALID", "\n");
  std::vector<std::string> sans;
  for (const auto& san : csr.requested_sans()) sans.push_back(Esc(san.ToString()));
  if (!sans.empty()) absl::StrAppend(&out, "  Requested SANs: ", absl::StrJoin(sans, ", "), "\n");
  if (auto ku = csr.requested_key_usage()) {
    absl::StrAppend(&out, "  Requested key usage: ", absl::StrJoin(certkit::KeyUsageNames(*ku), ", "), "\n");
  }
  std::vector<std::string> eku;
  for (const auto& oid : csr.requested_extended_key_usage()) eku.push_back(certkit::ExtendedKeyUsageName(oid));
  if (!eku.empty()) absl::StrAppend(&out, "  Requested extended key usage: ", absl::StrJoin(eku, ", "), "\n");
  return out;
}

json KeyJson(const certkit::PrivateKey& key) {
  json j;
  j["type"] = "private_key";
  j["algorithm"] = key.Describe();
  j["bits"] = key.bits();
  j["spki_sha256"] = SpkiSha256(key.public_key());
  return j;
}

std::string KeyText(const certkit::PrivateKey& key) {
  return absl::StrCat("Private key: ", key.Describe(),
                      "\n  Public key SHA-256: ", SpkiSha256(key.public_key()), "\n");
}

const char* EntryTypeName(certkit::KeyStoreEntry::Type type) {
  return type == certkit::KeyStoreEntry::Type::kPrivateKey ? "PrivateKeyEntry" : "trustedCertEntry";
}

json StoreJson(const certkit::KeyStore& store) {
  json j;
  j["type"] = "keystore";
  j["format"] = certkit::StoreFormatName(store.source_format());
  json entries = json::array();
  for (const auto& entry : store.entries()) {
    json e;
    e["alias"] = entry.alias;
    e["entry_type"] = EntryTypeName(entry.type);
    e["creation_date"] = FormatRfc3339(entry.creation_date);
    e["locked"] = entry.locked();
    json chain = json::array();
    for (const auto& cert : entry.chain) chain.push_back(CertificateJson(cert));
    e["chain"] = chain;
    if (entry.key) e["key"] = KeyJson(*entry.key);
    entries.push_back(e);
  }
  j["entries"] = entries;
  return j;
}

std::string StoreText(const certkit::KeyStore& store, bool verbose) {
  std::string out = absl::StrCat("Keystore type: ", certkit::StoreFormatName(store.source_format()),
                                 "\n\nYour keystore contains ", store.size(),
                                 store.size() == 1 ? " entry" : " entries", "\n\n");
  for (const auto& entry : store.entries()) {
    absl::StrAppend(&out, Esc(entry.alias), ", ",
                    absl::FormatTime("%b %d, %Y", entry.creation_date, absl::UTCTimeZone()), ", ",
                    EntryTypeName(entry.type), entry.locked() ? " (locked)" : "", ",\n");
    if (entry.chain.empty()) continue;
    absl::StrAppend(&out, "Certificate fingerprint (SHA-256): ",
                    entry.certificate().Sha256Fingerprint(), "\n");
    if (verbose) {
      absl::StrAppend(&out, "Certificate chain length: ", entry.chain.size(), "\n");
      for (size_t i = 0; i < entry.chain.size(); ++i) {
        absl::StrAppend(&out, "Certificate[", i + 1, "]:\n", entry.chain[i].Summary(), "\n");
      }
      absl::StrAppend(&out, "\n*******************************************\n\n");
    }
  }
  return out;
}

}  // namespace certkit_cli
