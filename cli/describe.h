// cli/describe.h: human-readable and JSON descriptions of certificates,
// CSRs, keys and key stores, shared by inspect, verify, keystore list and
// expiry. Descriptions never contain private key material.
#ifndef CERTKIT_CLI_DESCRIBE_H_
#define CERTKIT_CLI_DESCRIBE_H_

#include <string>

#include <nlohmann/json.hpp>

#include "certkit/cert.h"
#include "certkit/csr.h"
#include "certkit/key.h"
#include "certkit/keystore.h"

namespace certkit_cli {

nlohmann::json CertificateJson(const certkit::Certificate& cert);
nlohmann::json CsrJson(const certkit::CertificateRequest& csr);
std::string CsrText(const certkit::CertificateRequest& csr);
// KeyJson/KeyText describe the key type and public key fingerprint only.
nlohmann::json KeyJson(const certkit::PrivateKey& key);
std::string KeyText(const certkit::PrivateKey& key);
nlohmann::json PublicKeyJson(const certkit::PublicKey& key);

// StoreJson lists every entry (alias, type, dates, chain).
nlohmann::json StoreJson(const certkit::KeyStore& store);
// StoreText prints keytool -list style lines; |verbose| adds each
// certificate's summary like keytool -list -v.
std::string StoreText(const certkit::KeyStore& store, bool verbose);

// EntryTypeName returns keytool's names: "PrivateKeyEntry", "trustedCertEntry".
const char* EntryTypeName(certkit::KeyStoreEntry::Type type);

}  // namespace certkit_cli

#endif  // CERTKIT_CLI_DESCRIBE_H_
