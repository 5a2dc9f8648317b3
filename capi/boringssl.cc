// capi/boringssl.cc: the optional BoringSSL adapter (certkit/certkit_boringssl.h).
// Handshake verification runs certkit's verifier through
// SSL_CTX_set_custom_verify; the per-connection outcome is kept in SSL ex
// data so certkit_boringssl_result can report the precise reason.
#include "certkit/certkit_boringssl.h"

#include <memory>
#include <string>

#include "capi/internal.h"
#include "capi/ssl_internal.h"
#include "openssl/err.h"
#include "openssl/pool.h"
#include "openssl/ssl.h"

using certkit::ErrorKind;
using certkit::MakeError;
using certkit::capi::Guard;
using certkit::capi::Len;
using certkit::capi::Text;

namespace {

// ConnectionState is attached to each SSL the adapter touched.
struct ConnectionState {
  std::optional<std::string> peer;
  bool verified = false;     // the custom verifier ran
  absl::Status verify_status;  // its outcome
};

void FreeSslRef(void* /*parent*/, void* ptr, CRYPTO_EX_DATA* /*ad*/, int /*index*/,
                long /*argl*/, void* /*argp*/) {
  certkit_ssl_free(static_cast<CertkitSsl*>(ptr));
}

void FreeConnectionState(void* /*parent*/, void* ptr, CRYPTO_EX_DATA* /*ad*/, int /*index*/,
                         long /*argl*/, void* /*argp*/) {
  delete static_cast<ConnectionState*>(ptr);
}

int CtxIndex() {
  static const int index = SSL_CTX_get_ex_new_index(0, nullptr, nullptr, nullptr, FreeSslRef);
  return index;
}

int SslIndex() {
  static const int index =
      SSL_get_ex_new_index(0, nullptr, nullptr, nullptr, FreeConnectionState);
  return index;
}

ConnectionState* GetState(const SSL* s) {
  return static_cast<ConnectionState*>(SSL_get_ex_data(s, SslIndex()));
}

// State returns the connection's state, creating it on first use (nullptr
// when BoringSSL cannot store it).
ConnectionState* MutableState(SSL* s) {
  ConnectionState* state = GetState(s);
  if (state != nullptr) return state;
  auto fresh = std::make_unique<ConnectionState>();
  if (!SSL_set_ex_data(s, SslIndex(), fresh.get())) return nullptr;
  return fresh.release();
}

absl::StatusOr<std::vector<certkit::Certificate>> PeerChain(const SSL* s) {
  const STACK_OF(CRYPTO_BUFFER)* buffers = SSL_get0_peer_certificates(s);
  std::vector<certkit::Certificate> chain;
  if (buffers == nullptr) return chain;
  for (size_t i = 0; i < sk_CRYPTO_BUFFER_num(buffers); ++i) {
    const CRYPTO_BUFFER* buffer = sk_CRYPTO_BUFFER_value(buffers, i);
    absl::StatusOr<certkit::Certificate> cert = certkit::Certificate::FromDer(
        absl::MakeConstSpan(CRYPTO_BUFFER_data(buffer), CRYPTO_BUFFER_len(buffer)));
    if (!cert.ok()) {
      return certkit::Annotate(cert.status(), "peer certificate " + std::to_string(i));
    }
    chain.push_back(*std::move(cert));
  }
  return chain;
}

std::optional<absl::string_view> PeerName(const SSL* s, const ConnectionState* state) {
  if (state != nullptr && state->peer.has_value()) return absl::string_view(*state->peer);
  const char* sni = SSL_get_servername(s, TLSEXT_NAMETYPE_host_name);
  if (sni != nullptr) return absl::string_view(sni);
  return std::nullopt;
}

absl::Status VerifyConnection(const certkit::capi::SslConfig& config, const SSL* s,
                              std::optional<absl::string_view> peer) {
  CK_ASSIGN(std::vector<certkit::Certificate> chain, PeerChain(s));
  const certkit::PeerVerifier verifier = config.Verifier();
  if (SSL_is_server(s)) return verifier.VerifyClient(chain);
  return verifier.VerifyServer(chain, peer);
}

uint8_t AlertFor(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::kCertExpired:
    case ErrorKind::kCertNotYetValid:
      return SSL_AD_CERTIFICATE_EXPIRED;
    case ErrorKind::kUnknownIssuer:
      return SSL_AD_UNKNOWN_CA;
    case ErrorKind::kBadSignature:
    case ErrorKind::kIdentityMismatch:
    case ErrorKind::kMalformed:
      return SSL_AD_BAD_CERTIFICATE;
    case ErrorKind::kWrongPurpose:
      return SSL_AD_UNSUPPORTED_CERTIFICATE;
    case ErrorKind::kCertRevoked:
      return SSL_AD_CERTIFICATE_REVOKED;
    default:
      return SSL_AD_CERTIFICATE_UNKNOWN;
  }
}

enum ssl_verify_result_t CustomVerify(SSL* s, uint8_t* out_alert) {
  absl::Status status;
  try {
    auto* config = static_cast<CertkitSsl*>(SSL_CTX_get_ex_data(SSL_get_SSL_CTX(s), CtxIndex()));
    if (config == nullptr) {
      status = MakeError(ErrorKind::kInternal, "the SSL_CTX has no certkit configuration");
    } else {
      ConnectionState* state = MutableState(s);
      status = VerifyConnection(config->Snapshot(), s, PeerName(s, state));
      if (state != nullptr) {
        state->verified = true;
        state->verify_status = status;
      }
    }
  } catch (...) {
    status = MakeError(ErrorKind::kInternal, "exception during certificate verification");
  }
  certkit::capi::Report(status);
  if (status.ok()) return ssl_verify_ok;
  *out_alert = AlertFor(certkit::GetErrorKind(status));
  return ssl_verify_invalid;
}

uint16_t WireVersion(int version) { return static_cast<uint16_t>(version); }

}  // namespace

extern "C" {

CertkitError certkit_boringssl_configure_ctx(CertkitSsl* ssl, SSL_CTX* ctx) {
  return Guard([&]() -> absl::Status {
    CK_REQUIRE(ssl);
    CK_REQUIRE(ctx);
    certkit::capi::SslConfig config = ssl->Snapshot();
    if (config.chain.empty() != !config.key.has_value()) {
      return MakeError(ErrorKind::kInvalidArgument,
                       config.chain.empty()
                           ? "a private key is set but no certificate (certkit_ssl_set_cert)"
                           : "a certificate is set but no private key "
                             "(certkit_ssl_set_private_key)");
    }
    if (!config.chain.empty()) {
      if (!SSL_CTX_use_certificate(ctx, config.chain.front().native()) ||
          !SSL_CTX_use_PrivateKey(ctx, config.key->native())) {
        ERR_clear_error();
        return MakeError(ErrorKind::kUnsupported,
                         "BoringSSL refused the certificate or key of '" +
                             config.chain.front().subject().ToRfc4514() + "'");
      }
      bssl::UniquePtr<STACK_OF(X509)> extra(sk_X509_new_null());
      if (!extra) throw std::bad_alloc();
      for (size_t i = 1; i < config.chain.size(); ++i) {
        if (!sk_X509_push(extra.get(), config.chain[i].native())) throw std::bad_alloc();
      }
      // set1 takes its own references; |extra| only borrows ours.
      int ok = SSL_CTX_set1_chain(ctx, extra.get());
      sk_X509_zero(extra.get());
      if (!ok) throw std::bad_alloc();
    }
    if (!SSL_CTX_set_min_proto_version(ctx, WireVersion(config.min_version)) ||
        !SSL_CTX_set_max_proto_version(ctx, WireVersion(config.max_version))) {
      ERR_clear_error();
      return MakeError(ErrorKind::kUnsupported, "BoringSSL refused the TLS version range");
    }
    if (config.flags == CERTKIT_SSL_VERIFY_NONE) {
      SSL_CTX_set_custom_verify(ctx, SSL_VERIFY_NONE, nullptr);
    } else {
      SSL_CTX_set_custom_verify(ctx, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT,
                                CustomVerify);
    }
    auto* previous = static_cast<CertkitSsl*>(SSL_CTX_get_ex_data(ctx, CtxIndex()));
    if (previous != ssl) {
      if (!SSL_CTX_set_ex_data(ctx, CtxIndex(), certkit_ssl_ref(ssl))) {
        certkit_ssl_free(ssl);
        throw std::bad_alloc();
      }
      certkit_ssl_free(previous);
    }
    return absl::OkStatus();
  });
}

CertkitError certkit_boringssl_set_peer_n(SSL* s, const char* peer, size_t peer_length) {
  return Guard([&]() -> absl::Status {
    CK_REQUIRE(s);
    CK_ASSIGN(absl::string_view name, Text(peer, peer_length, "peer"));
    if (name.empty() || name.find('\0') != absl::string_view::npos) {
      return MakeError(ErrorKind::kInvalidArgument, "the peer name is empty or contains NUL");
    }
    ConnectionState* state = MutableState(s);
    if (state == nullptr) throw std::bad_alloc();
    state->peer = std::string(name);
    certkit::PeerIdentity identity = certkit::PeerIdentity::Host(std::string(name));
    if (identity.kind == certkit::PeerIdentity::Kind::kDns && !SSL_is_server(s)) {
      if (!SSL_set_tlsext_host_name(s, state->peer->c_str())) ERR_clear_error();
    }
    return absl::OkStatus();
  });
}

CertkitError certkit_boringssl_set_peer(SSL* s, const char* peer) {
  return certkit_boringssl_set_peer_n(s, peer, Len(peer));
}

CertkitError certkit_boringssl_result(SSL* s, int ret) {
  return Guard([&]() -> absl::Status {
    CK_REQUIRE(s);
    const ConnectionState* state = GetState(s);
    if (state != nullptr && state->verified && !state->verify_status.ok()) {
      ERR_clear_error();
      return state->verify_status;
    }
    if (ret > 0) return absl::OkStatus();
    int error = SSL_get_error(s, ret);
    std::string reason;
    uint32_t packed;
    while ((packed = ERR_get_error()) != 0) {
      char buffer[256];
      ERR_error_string_n(packed, buffer, sizeof(buffer));
      if (!reason.empty()) reason += "; ";
      reason += buffer;
    }
    switch (error) {
      case SSL_ERROR_WANT_READ:
      case SSL_ERROR_WANT_WRITE:
        return MakeError(ErrorKind::kTlsHandshake,
                         "the TLS operation would block (non-blocking socket); retry");
      case SSL_ERROR_ZERO_RETURN:
        return MakeError(ErrorKind::kTlsHandshake, "the peer closed the TLS connection");
      case SSL_ERROR_SYSCALL:
        return MakeError(ErrorKind::kTlsHandshake,
                         reason.empty() ? std::string("the connection was closed or reset")
                                        : "socket error: " + reason);
      default:
        return MakeError(ErrorKind::kTlsHandshake,
                         "TLS failed: " + (reason.empty() ? std::string("unknown") : reason));
    }
  });
}

CertkitError certkit_boringssl_check_connection(const CertkitSsl* ssl, const SSL* s,
                                                const char* peer) {
  return Guard([&]() -> absl::Status {
    CK_REQUIRE(ssl);
    CK_REQUIRE(s);
    std::optional<absl::string_view> name;
    if (peer != nullptr) name = absl::string_view(peer);
    return VerifyConnection(ssl->Snapshot(), s, name);
  });
}

}  // extern "C"
