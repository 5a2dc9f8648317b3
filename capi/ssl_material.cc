// capi/ssl_material.cc: handing a CertkitSsl's material to another TLS stack
// (certkit_ssl_export and the CertkitSslMaterial snapshot) and changing it
// while connections use it (certkit_ssl_replace, certkit_ssl_reload_*).
#include <cstring>
#include <new>
#include <string>
#include <vector>

#include "capi/internal.h"
#include "capi/keystore_util.h"
#include "capi/ssl_internal.h"
#include "certkit/file.h"
#include "certkit/own_identity.h"
#include "openssl/mem.h"

using certkit::Bytes;
using certkit::Certificate;
using certkit::ErrorKind;
using certkit::MakeError;
using certkit::PrivateKey;
using certkit::capi::Guard;
using certkit::capi::Len;
using certkit::capi::SslConfig;

struct CertkitSslMaterial {
  std::vector<Bytes> chain;
  std::vector<Bytes> trusted;
  Bytes key;  // PKCS#8; wiped in the destructor
  bool has_key = false;
  int flags = 0;
  int min_version = 0;
  int max_version = 0;
  uint64_t generation = 0;

  ~CertkitSslMaterial() {
    if (!key.empty()) OPENSSL_cleanse(key.data(), key.size());
  }
};

namespace {

const uint8_t* At(const std::vector<Bytes>& list, size_t index, size_t* length) {
  if (index >= list.size()) {
    if (length != nullptr) *length = 0;
    return nullptr;
  }
  if (length != nullptr) *length = list[index].size();
  return list[index].data();
}

// Staged is a complete replacement for a CertkitSsl's identity (and
// optionally its trusted certificates), checked before it is installed.
struct Staged {
  std::vector<Certificate> chain;
  std::optional<PrivateKey> key;
  std::optional<std::vector<Certificate>> trusted;
};

// Install swaps |staged| into |ssl| in one step, once the library agrees
// that it may replace the current material (certkit/own_identity.h).
absl::Status Install(CertkitSsl* ssl, Staged staged) {
  CK_RETURN_IF_ERROR(certkit::capi::CheckPair(staged.chain, staged.key));
  std::lock_guard<std::mutex> lock(ssl->mu);
  const certkit::TrustStore next_trust =
      staged.trusted.has_value() ? certkit::TrustStore(*staged.trusted) : ssl->config.trust;
  CK_RETURN_IF_ERROR(certkit::CheckOwnIdentityReplacement(ssl->config.chain, ssl->config.trust,
                                                          staged.chain, next_trust));
  SslConfig& config = ssl->Mutable();
  config.chain = std::move(staged.chain);
  config.key = std::move(staged.key);
  if (staged.trusted.has_value()) config.trust = certkit::TrustStore(*std::move(staged.trusted));
  return absl::OkStatus();
}

// Path turns a required C path into a string (kNullArgument names it).
absl::StatusOr<std::string> Path(const char* path, const char* name) {
  if (path == nullptr) return certkit::capi::NullArgument(name);
  if (*path == '\0') {
    return MakeError(ErrorKind::kInvalidArgument, std::string(name) + " is empty");
  }
  return std::string(path);
}

// Prefix annotates |status| with the role of the file it concerns.
absl::Status InFile(const absl::Status& status, absl::string_view role) {
  return certkit::Annotate(status, role);
}

}  // namespace

extern "C" {

CertkitError certkit_set_last_error(CertkitError code, const char* message) {
  return certkit::capi::ReportCode(code, message == nullptr ? "" : message);
}

CertkitError certkit_ssl_export(const CertkitSsl* ssl, CertkitSslMaterial** out) {
  return Guard([&]() -> absl::Status {
    CK_REQUIRE(ssl);
    CK_REQUIRE(out);
    *out = nullptr;
    SslConfig config = ssl->Snapshot();
    auto material = std::make_unique<CertkitSslMaterial>();
    for (const Certificate& cert : config.chain) material->chain.push_back(cert.ToDer());
    for (const Certificate& cert : config.trust.anchors()) {
      material->trusted.push_back(cert.ToDer());
    }
    if (config.key.has_value()) {
      material->key = config.key->ToDer(certkit::KeyFormat::kPkcs8);
      material->has_key = true;
    }
    material->flags = config.flags;
    material->min_version = config.min_version;
    material->max_version = config.max_version;
    material->generation = config.generation;
    *out = material.release();
    return absl::OkStatus();
  });
}

void certkit_ssl_material_free(CertkitSslMaterial* m) { delete m; }

size_t certkit_ssl_material_chain_count(const CertkitSslMaterial* m) {
  return m == nullptr ? 0 : m->chain.size();
}

const uint8_t* certkit_ssl_material_chain_der(const CertkitSslMaterial* m, size_t index,
                                              size_t* length) {
  if (m == nullptr) return At({}, 0, length);
  return At(m->chain, index, length);
}

const uint8_t* certkit_ssl_material_key_pkcs8(const CertkitSslMaterial* m, size_t* length) {
  if (m == nullptr || !m->has_key) {
    if (length != nullptr) *length = 0;
    return nullptr;
  }
  if (length != nullptr) *length = m->key.size();
  return m->key.data();
}

size_t certkit_ssl_material_trusted_count(const CertkitSslMaterial* m) {
  return m == nullptr ? 0 : m->trusted.size();
}

const uint8_t* certkit_ssl_material_trusted_der(const CertkitSslMaterial* m, size_t index,
                                                size_t* length) {
  if (m == nullptr) return At({}, 0, length);
  return At(m->trusted, index, length);
}

int certkit_ssl_material_verify_flags(const CertkitSslMaterial* m) {
  return m == nullptr ? 0 : m->flags;
}
int certkit_ssl_material_min_version(const CertkitSslMaterial* m) {
  return m == nullptr ? 0 : m->min_version;
}
int certkit_ssl_material_max_version(const CertkitSslMaterial* m) {
  return m == nullptr ? 0 : m->max_version;
}
uint64_t certkit_ssl_material_generation(const CertkitSslMaterial* m) {
  return m == nullptr ? 0 : m->generation;
}

uint64_t certkit_ssl_generation(const CertkitSsl* ssl) {
  if (ssl == nullptr) return 0;
  std::lock_guard<std::mutex> lock(ssl->mu);
  return ssl->config.generation;
}

CertkitError certkit_ssl_replace(CertkitSsl* ssl, const CertkitSsl* from) {
  return Guard([&]() -> absl::Status {
    CK_REQUIRE(ssl);
    CK_REQUIRE(from);
    if (ssl == from) return absl::OkStatus();
    SslConfig next = from->Snapshot();
    if (next.chain.empty() != !next.key.has_value()) {
      return MakeError(ErrorKind::kInvalidArgument,
                       next.chain.empty() ? "the replacement has a private key but no certificate"
                                          : "the replacement has a certificate but no private key");
    }
    std::lock_guard<std::mutex> lock(ssl->mu);
    uint64_t generation = ssl->config.generation;
    ssl->config = std::move(next);
    ssl->config.generation = generation + 1;
    return absl::OkStatus();
  });
}

CertkitError certkit_ssl_reload_pem_files(CertkitSsl* ssl, const char* cert_path,
                                          const char* key_path, const char* key_password,
                                          const char* ca_path) {
  return Guard([&]() -> absl::Status {
    CK_REQUIRE(ssl);
    CK_ASSIGN(std::string cert_file, Path(cert_path, "cert_path"));
    CK_ASSIGN(std::string key_file, Path(key_path, "key_path"));
    Staged staged;
    {
      absl::StatusOr<std::string> text = certkit::ReadTextFile(cert_file);
      if (!text.ok()) return InFile(text.status(), "certificate file");
      absl::StatusOr<std::vector<Certificate>> chain = Certificate::ParseBundle(*text);
      if (!chain.ok()) return InFile(chain.status(), ("certificate file " + cert_file).c_str());
      staged.chain = *std::move(chain);
    }
    {
      absl::StatusOr<std::string> text = certkit::ReadTextFile(key_file);
      if (!text.ok()) return InFile(text.status(), "key file");
      absl::StatusOr<PrivateKey> key =
          PrivateKey::FromPem(*text, key_password == nullptr ? "" : key_password);
      if (!text->empty()) OPENSSL_cleanse(text->data(), text->size());
      if (!key.ok()) return InFile(key.status(), ("key file " + key_file).c_str());
      staged.key = *std::move(key);
    }
    if (ca_path != nullptr) {
      absl::StatusOr<std::string> text = certkit::ReadTextFile(ca_path);
      if (!text.ok()) return InFile(text.status(), "CA file");
      absl::StatusOr<std::vector<Certificate>> trusted = Certificate::ParseBundle(*text);
      if (!trusted.ok()) {
        return InFile(trusted.status(), ("CA file " + std::string(ca_path)).c_str());
      }
      staged.trusted = *std::move(trusted);
    }
    return Install(ssl, std::move(staged));
  });
}

CertkitError certkit_ssl_reload_keystore_files(CertkitSsl* ssl, const char* keystore_path,
                                               const char* store_password,
                                               const char* key_password, const char* alias,
                                               const char* truststore_path,
                                               const char* trust_password) {
  return Guard([&]() -> absl::Status {
    CK_REQUIRE(ssl);
    CK_ASSIGN(std::string store_file, Path(keystore_path, "keystore_path"));
    Staged staged;
    {
      CK_ASSIGN(std::vector<uint8_t> bytes, certkit::ReadFile(store_file));
      certkit::LoadOptions options;
      if (key_password != nullptr) options.key_password = std::string(key_password);
      absl::StatusOr<certkit::KeyStore> store = certkit::KeyStore::Load(
          bytes, store_password == nullptr ? "" : store_password, options);
      if (!store.ok()) return InFile(store.status(), ("key store " + store_file).c_str());
      std::optional<absl::string_view> wanted;
      if (alias != nullptr) wanted = absl::string_view(alias);
      CK_ASSIGN(const certkit::KeyStoreEntry* entry, store->SelectKeyEntry(wanted));
      CK_ASSIGN(PrivateKey key, entry->UnlockedKey());
      staged.chain = entry->chain;
      staged.key = std::move(key);
    }
    if (truststore_path != nullptr) {
      CK_ASSIGN(std::vector<uint8_t> bytes, certkit::ReadFile(truststore_path));
      absl::StatusOr<certkit::KeyStore> store =
          certkit::KeyStore::Load(bytes, trust_password == nullptr ? "" : trust_password);
      if (!store.ok()) {
        return InFile(store.status(), ("trust store " + std::string(truststore_path)).c_str());
      }
      CK_ASSIGN(staged.trusted, store->TrustAnchors());
    }
    return Install(ssl, std::move(staged));
  });
}

}  // extern "C"
