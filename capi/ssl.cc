// capi/ssl.cc: the cass_ssl-style driver shim (certkit_ssl_*).
#include <new>

#include "absl/strings/str_cat.h"

#include "capi/internal.h"
#include "certkit/crl.h"
#include "capi/keystore_util.h"
#include "capi/ssl_internal.h"

using certkit::ErrorKind;
using certkit::MakeError;
using certkit::capi::ByteInput;
using certkit::capi::Guard;
using certkit::capi::Len;
using certkit::capi::OptionalText;
using certkit::capi::Text;

namespace certkit {
namespace capi {

PeerVerifier SslConfig::Verifier() const {
  PeerVerifierOptions options;
  options.verify_chain = flags != CERTKIT_SSL_VERIFY_NONE;
  if ((flags & CERTKIT_SSL_VERIFY_PEER_IDENTITY_DNS) != 0) {
    options.identity = PeerIdentityRule::kDnsName;
  } else if ((flags & CERTKIT_SSL_VERIFY_PEER_IDENTITY) != 0) {
    options.identity = PeerIdentityRule::kHost;
  }
  options.crls = crls;
  return PeerVerifier(trust, std::move(options));
}

absl::Status CheckPair(const std::vector<Certificate>& chain,
                       const std::optional<PrivateKey>& key) {
  if (chain.empty() || !key.has_value()) return absl::OkStatus();
  if (!chain.front().MatchesKey(*key)) {
    return MakeError(ErrorKind::kKeyMismatch,
                     "the private key does not belong to the certificate '" +
                         chain.front().subject().ToRfc4514() + "'");
  }
  return absl::OkStatus();
}

namespace {

// CheckVersion accepts 0 (default), TLS 1.2 and TLS 1.3.
absl::Status CheckVersion(int version) {
  if (version == CERTKIT_SSL_VERSION_DEFAULT || version == CERTKIT_SSL_VERSION_TLS1_2 ||
      version == CERTKIT_SSL_VERSION_TLS1_3) {
    return absl::OkStatus();
  }
  return MakeError(ErrorKind::kInvalidArgument,
                   "unsupported TLS protocol version 0x" + absl::StrCat(absl::Hex(version)) +
                       " (use CERTKIT_SSL_VERSION_TLS1_2 or CERTKIT_SSL_VERSION_TLS1_3)");
}

}  // namespace
}  // namespace capi
}  // namespace certkit

using certkit::capi::CheckPair;
using certkit::capi::CheckVersion;

extern "C" {

CertkitSsl* certkit_ssl_new(void) {
  try {
    return new CertkitSsl();  // NOLINT: owned through the reference count
  } catch (...) {
    certkit::capi::ReportCode(CERTKIT_ERROR_OUT_OF_MEMORY, "out of memory");
    return nullptr;
  }
}

CertkitSsl* certkit_ssl_ref(CertkitSsl* ssl) {
  if (ssl != nullptr) ssl->references.fetch_add(1, std::memory_order_relaxed);
  return ssl;
}

void certkit_ssl_free(CertkitSsl* ssl) {
  if (ssl == nullptr) return;
  if (ssl->references.fetch_sub(1, std::memory_order_acq_rel) == 1) delete ssl;
}

CertkitError certkit_ssl_add_trusted_cert_n(CertkitSsl* ssl, const char* cert,
                                            size_t cert_length) {
  return Guard([&]() -> absl::Status {
    CK_REQUIRE(ssl);
    CK_ASSIGN(absl::string_view text, Text(cert, cert_length, "cert"));
    CK_ASSIGN(std::vector<certkit::Certificate> certs, certkit::Certificate::ParseBundle(text));
    std::lock_guard<std::mutex> lock(ssl->mu);
    ssl->Mutable().trust.Add(certs);
    return absl::OkStatus();
  });
}

CertkitError certkit_ssl_add_crl(CertkitSsl* ssl, const uint8_t* crl, size_t crl_length) {
  return Guard([&]() -> absl::Status {
    CK_REQUIRE(ssl);
    CK_REQUIRE(crl);
    std::string data(reinterpret_cast<const char*>(crl), crl_length);
    auto parsed = certkit::Crl::Parse(data);
    if (!parsed.ok()) return parsed.status();
    std::lock_guard<std::mutex> lock(ssl->mu);
    ssl->Mutable().crls.push_back(std::move(data));
    return absl::OkStatus();
  });
}

CertkitError certkit_ssl_add_trusted_cert(CertkitSsl* ssl, const char* cert) {
  return certkit_ssl_add_trusted_cert_n(ssl, cert, Len(cert));
}

CertkitError certkit_ssl_add_trusted_keystore_n(CertkitSsl* ssl, const uint8_t* data,
                                                size_t data_length, const char* password,
                                                size_t password_length) {
  return Guard([&]() -> absl::Status {
    CK_REQUIRE(ssl);
    CK_REQUIRE(data);
    CK_ASSIGN(auto bytes, ByteInput(data, data_length, "data"));
    CK_ASSIGN(auto pass, OptionalText(password, password_length, "password"));
    CK_ASSIGN(certkit::KeyStore store,
              certkit::KeyStore::Load(bytes, pass.value_or(absl::string_view())));
    CK_ASSIGN(std::vector<certkit::Certificate> certs, store.TrustAnchors());
    std::lock_guard<std::mutex> lock(ssl->mu);
    ssl->Mutable().trust.Add(certs);
    return absl::OkStatus();
  });
}

CertkitError certkit_ssl_add_trusted_keystore(CertkitSsl* ssl, const uint8_t* data,
                                              size_t data_length, const char* password) {
  return certkit_ssl_add_trusted_keystore_n(ssl, data, data_length, password, Len(password));
}

void certkit_ssl_set_verify_flags(CertkitSsl* ssl, int flags) {
  if (ssl == nullptr) return;
  std::lock_guard<std::mutex> lock(ssl->mu);
  ssl->Mutable().flags = flags;
}

int certkit_ssl_get_verify_flags(const CertkitSsl* ssl) {
  if (ssl == nullptr) return CERTKIT_SSL_VERIFY_NONE;
  std::lock_guard<std::mutex> lock(ssl->mu);
  return ssl->config.flags;
}

CertkitError certkit_ssl_set_cert_n(CertkitSsl* ssl, const char* cert, size_t cert_length) {
  return Guard([&]() -> absl::Status {
    CK_REQUIRE(ssl);
    CK_ASSIGN(absl::string_view text, Text(cert, cert_length, "cert"));
    CK_ASSIGN(std::vector<certkit::Certificate> chain, certkit::Certificate::ParseBundle(text));
    std::lock_guard<std::mutex> lock(ssl->mu);
    CK_RETURN_IF_ERROR(CheckPair(chain, ssl->config.key));
    ssl->Mutable().chain = std::move(chain);
    return absl::OkStatus();
  });
}

CertkitError certkit_ssl_set_cert(CertkitSsl* ssl, const char* cert) {
  return certkit_ssl_set_cert_n(ssl, cert, Len(cert));
}

CertkitError certkit_ssl_set_private_key_n(CertkitSsl* ssl, const char* key, size_t key_length,
                                           const char* password, size_t password_length) {
  return Guard([&]() -> absl::Status {
    CK_REQUIRE(ssl);
    CK_ASSIGN(absl::string_view text, Text(key, key_length, "key"));
    CK_ASSIGN(auto pass, OptionalText(password, password_length, "password"));
    CK_ASSIGN(certkit::PrivateKey parsed,
              certkit::PrivateKey::FromPem(text, pass.value_or(absl::string_view())));
    std::optional<certkit::PrivateKey> candidate(std::move(parsed));
    std::lock_guard<std::mutex> lock(ssl->mu);
    CK_RETURN_IF_ERROR(CheckPair(ssl->config.chain, candidate));
    ssl->Mutable().key = std::move(candidate);
    return absl::OkStatus();
  });
}

CertkitError certkit_ssl_set_private_key(CertkitSsl* ssl, const char* key,
                                         const char* password) {
  return certkit_ssl_set_private_key_n(ssl, key, Len(key), password, Len(password));
}

CertkitError certkit_ssl_set_keystore_n(CertkitSsl* ssl, const uint8_t* data,
                                        size_t data_length, const char* store_password,
                                        size_t store_password_length, const char* key_password,
                                        size_t key_password_length, const char* alias,
                                        size_t alias_length) {
  return Guard([&]() -> absl::Status {
    CK_REQUIRE(ssl);
    CK_REQUIRE(data);
    CK_ASSIGN(auto bytes, ByteInput(data, data_length, "data"));
    CK_ASSIGN(auto store_pass,
              OptionalText(store_password, store_password_length, "store_password"));
    CK_ASSIGN(auto key_pass, OptionalText(key_password, key_password_length, "key_password"));
    CK_ASSIGN(auto alias_view, OptionalText(alias, alias_length, "alias"));
    certkit::LoadOptions options;
    if (key_pass.has_value()) options.key_password = std::string(*key_pass);
    CK_ASSIGN(certkit::KeyStore store,
              certkit::KeyStore::Load(bytes, store_pass.value_or(absl::string_view()), options));
    CK_ASSIGN(const certkit::KeyStoreEntry* entry, store.SelectKeyEntry(alias_view));
    CK_ASSIGN(certkit::PrivateKey key, entry->UnlockedKey());
    std::optional<certkit::PrivateKey> candidate(std::move(key));
    CK_RETURN_IF_ERROR(CheckPair(entry->chain, candidate));
    std::lock_guard<std::mutex> lock(ssl->mu);
    certkit::capi::SslConfig& config = ssl->Mutable();
    config.chain = entry->chain;
    config.key = std::move(candidate);
    return absl::OkStatus();
  });
}

CertkitError certkit_ssl_set_keystore(CertkitSsl* ssl, const uint8_t* data, size_t data_length,
                                      const char* store_password, const char* key_password,
                                      const char* alias) {
  return certkit_ssl_set_keystore_n(ssl, data, data_length, store_password,
                                    Len(store_password), key_password, Len(key_password), alias,
                                    Len(alias));
}

CertkitError certkit_ssl_set_min_protocol_version(CertkitSsl* ssl, int version) {
  return Guard([&]() -> absl::Status {
    CK_REQUIRE(ssl);
    CK_RETURN_IF_ERROR(CheckVersion(version));
    int value = version == 0 ? CERTKIT_SSL_VERSION_TLS1_2 : version;
    std::lock_guard<std::mutex> lock(ssl->mu);
    if (value > ssl->config.max_version) {
      return MakeError(ErrorKind::kInvalidArgument,
                       "the minimum TLS version would exceed the maximum");
    }
    ssl->Mutable().min_version = value;
    return absl::OkStatus();
  });
}

CertkitError certkit_ssl_set_max_protocol_version(CertkitSsl* ssl, int version) {
  return Guard([&]() -> absl::Status {
    CK_REQUIRE(ssl);
    CK_RETURN_IF_ERROR(CheckVersion(version));
    int value = version == 0 ? CERTKIT_SSL_VERSION_TLS1_3 : version;
    std::lock_guard<std::mutex> lock(ssl->mu);
    if (value < ssl->config.min_version) {
      return MakeError(ErrorKind::kInvalidArgument,
                       "the maximum TLS version would be below the minimum");
    }
    ssl->Mutable().max_version = value;
    return absl::OkStatus();
  });
}

CertkitError certkit_ssl_verify_peer_ex(const CertkitSsl* ssl, const uint8_t* const* ders,
                                        const size_t* der_lengths, size_t count,
                                        const char* peer, size_t peer_length,
                                        CertkitPurpose purpose) {
  return Guard([&]() -> absl::Status {
    CK_REQUIRE(ssl);
    if (count != 0) {
      CK_REQUIRE(ders);
      CK_REQUIRE(der_lengths);
    }
    CK_ASSIGN(auto peer_view, OptionalText(peer, peer_length, "peer"));
    std::optional<certkit::Purpose> role;
    switch (certkit::capi::EnumValue(purpose)) {
      case CERTKIT_PURPOSE_SERVER_AUTH:
        role = certkit::Purpose::kServerAuth;
        break;
      case CERTKIT_PURPOSE_CLIENT_AUTH:
        role = certkit::Purpose::kClientAuth;
        break;
      default:
        return MakeError(ErrorKind::kInvalidArgument,
                         "purpose must be CERTKIT_PURPOSE_SERVER_AUTH or "
                         "CERTKIT_PURPOSE_CLIENT_AUTH (the peer's role)");
    }
    std::vector<certkit::Certificate> chain;
    for (size_t i = 0; i < count; ++i) {
      if (ders[i] == nullptr) return certkit::capi::NullArgument("ders[i]");
      absl::StatusOr<certkit::Certificate> cert =
          certkit::Certificate::FromDer(absl::MakeConstSpan(ders[i], der_lengths[i]));
      if (!cert.ok()) {
        return certkit::Annotate(cert.status(),
                                 "peer certificate " + std::to_string(i) + " of the chain");
      }
      chain.push_back(*std::move(cert));
    }
    const std::shared_ptr<const certkit::PeerVerifier> verifier = ssl->Verifier();
    if (*role == certkit::Purpose::kClientAuth) return verifier->VerifyClient(chain);
    return verifier->VerifyServer(chain, peer_view);
  });
}

CertkitError certkit_ssl_set_trust_store(CertkitSsl* ssl, const CertkitTrustStore* trust) {
  return Guard([&]() -> absl::Status {
    CK_REQUIRE(ssl);
    CK_REQUIRE(trust);
    std::lock_guard<std::mutex> lock(ssl->mu);
    ssl->Mutable().trust = trust->trust;
    return absl::OkStatus();
  });
}

CertkitError certkit_ssl_verify_peer_n(const CertkitSsl* ssl, const uint8_t* const* ders,
                                       const size_t* der_lengths, size_t count,
                                       const char* peer, size_t peer_length) {
  return certkit_ssl_verify_peer_ex(ssl, ders, der_lengths, count, peer, peer_length,
                                    CERTKIT_PURPOSE_SERVER_AUTH);
}

CertkitError certkit_ssl_verify_peer(const CertkitSsl* ssl, const uint8_t* const* ders,
                                     const size_t* der_lengths, size_t count,
                                     const char* peer) {
  return certkit_ssl_verify_peer_n(ssl, ders, der_lengths, count, peer, Len(peer));
}

}  // extern "C"
