// capi/verify.cc: verification options and certkit_verify.
#include "capi/internal.h"
#include "certkit/crl.h"

using certkit::ErrorKind;
using certkit::MakeError;
using certkit::capi::Guard;
using certkit::capi::Len;
using certkit::capi::New;
using certkit::capi::Text;

extern "C" {

CertkitError certkit_verify_options_new(CertkitVerifyOptions** out) {
  return Guard([&]() -> absl::Status {
    CK_REQUIRE(out);
    *out = New<CertkitVerifyOptions>();
    return absl::OkStatus();
  });
}

void certkit_verify_options_free(CertkitVerifyOptions* options) { delete options; }

CertkitError certkit_verify_options_set_time(CertkitVerifyOptions* options,
                                             int64_t unix_seconds) {
  return Guard([&]() -> absl::Status {
    CK_REQUIRE(options);
    options->options.at = certkit::capi::FromUnix(unix_seconds);
    return absl::OkStatus();
  });
}

CertkitError certkit_verify_options_set_purpose(CertkitVerifyOptions* options,
                                                CertkitPurpose purpose) {
  return Guard([&]() -> absl::Status {
    CK_REQUIRE(options);
    switch (certkit::capi::EnumValue(purpose)) {
      case CERTKIT_PURPOSE_ANY: options->options.purpose = certkit::Purpose::kAny; break;
      case CERTKIT_PURPOSE_SERVER_AUTH:
        options->options.purpose = certkit::Purpose::kServerAuth;
        break;
      case CERTKIT_PURPOSE_CLIENT_AUTH:
        options->options.purpose = certkit::Purpose::kClientAuth;
        break;
      default:
        return MakeError(ErrorKind::kInvalidArgument,
                         "unknown purpose " + std::to_string(certkit::capi::EnumValue(purpose)));
    }
    return absl::OkStatus();
  });
}

static CertkitError VerifyOptionsSetIdentityImpl(CertkitVerifyOptions* options,
                                                 CertkitIdentityType const& type,
                                                 const char* value, size_t value_length) {
  return Guard([&]() -> absl::Status {
    CK_REQUIRE(options);
    const int kind = certkit::capi::EnumValue(type);
    if (kind == CERTKIT_IDENTITY_NONE) {
      options->options.identity = certkit::PeerIdentity::None();
      return absl::OkStatus();
    }
    CK_ASSIGN(absl::string_view text, Text(value, value_length, "value"));
    if (text.empty()) return MakeError(ErrorKind::kInvalidArgument, "the identity is empty");
    std::string v(text);
    switch (kind) {
      case CERTKIT_IDENTITY_DNS: options->options.identity = certkit::PeerIdentity::Dns(v); break;
      case CERTKIT_IDENTITY_IP: options->options.identity = certkit::PeerIdentity::Ip(v); break;
      case CERTKIT_IDENTITY_EMAIL:
        options->options.identity = certkit::PeerIdentity::Email(v);
        break;
      case CERTKIT_IDENTITY_HOST:
        options->options.identity = certkit::PeerIdentity::Host(v);
        break;
      default:
        return MakeError(ErrorKind::kInvalidArgument,
                         "unknown identity type " + std::to_string(kind));
    }
    return absl::OkStatus();
  });
}

CertkitError certkit_verify_options_set_identity_n(CertkitVerifyOptions* options,
                                                   CertkitIdentityType type, const char* value,
                                                   size_t value_length) {
  // Enum arguments are passed on by reference: C callers may pass any int.
  return VerifyOptionsSetIdentityImpl(options, type, value, value_length);
}

CertkitError certkit_verify_options_set_identity(CertkitVerifyOptions* options,
                                                 CertkitIdentityType type, const char* value) {
  return VerifyOptionsSetIdentityImpl(options, type, value, Len(value));
}

CertkitError certkit_verify_options_set_allow_cn_fallback(CertkitVerifyOptions* options,
                                                          int allow) {
  return Guard([&]() -> absl::Status {
    CK_REQUIRE(options);
    options->options.allow_cn_fallback = allow != 0;
    return absl::OkStatus();
  });
}

CertkitError certkit_verify_options_add_crl(CertkitVerifyOptions* options, const uint8_t* crl,
                                            size_t crl_length) {
  return Guard([&]() -> absl::Status {
    CK_REQUIRE(options);
    CK_REQUIRE(crl);
    std::string data(reinterpret_cast<const char*>(crl), crl_length);
    auto parsed = certkit::Crl::Parse(data);
    if (!parsed.ok()) return parsed.status();
    options->options.crls.push_back(std::move(data));
    return absl::OkStatus();
  });
}

CertkitError certkit_verify_options_set_max_depth(CertkitVerifyOptions* options, int max_depth) {
  return Guard([&]() -> absl::Status {
    CK_REQUIRE(options);
    certkit::VerifyOptions changed = options->options;
    changed.max_depth = max_depth;
    CK_RETURN_IF_ERROR(changed.Validate());
    options->options.max_depth = max_depth;
    return absl::OkStatus();
  });
}

// VerifyWith verifies |leaf| against |trust|; the arguments of certkit_verify.
static absl::Status VerifyWith(const CertkitCert* leaf, const CertkitCertList* intermediates,
                               const certkit::TrustStore& trust,
                               const CertkitVerifyOptions* options, CertkitCertList** chain_out) {
  CK_REQUIRE(leaf);
  std::vector<certkit::Certificate> untrusted;
  if (intermediates != nullptr) untrusted = intermediates->certs;
  certkit::VerifyOptions defaults;
  CK_ASSIGN(certkit::VerifyResult result,
            certkit::Verify(leaf->cert, untrusted, trust,
                            options != nullptr ? options->options : defaults));
  if (chain_out != nullptr) *chain_out = New<CertkitCertList>(std::move(result.chain));
  return absl::OkStatus();
}

CertkitError certkit_verify(const CertkitCert* leaf, const CertkitCertList* intermediates,
                            const CertkitCertList* anchors, const CertkitVerifyOptions* options,
                            CertkitCertList** chain_out) {
  return Guard([&]() -> absl::Status {
    CK_REQUIRE(leaf);
    CK_REQUIRE(anchors);
    return VerifyWith(leaf, intermediates, certkit::TrustStore(anchors->certs), options, chain_out);
  });
}

CertkitError certkit_trust_store_new(CertkitTrustStore** out) {
  return Guard([&]() -> absl::Status {
    CK_REQUIRE(out);
    *out = New<CertkitTrustStore>();
    return absl::OkStatus();
  });
}

void certkit_trust_store_free(CertkitTrustStore* trust) { delete trust; }

CertkitError certkit_trust_store_add_cert(CertkitTrustStore* trust, const CertkitCert* cert) {
  return Guard([&]() -> absl::Status {
    CK_REQUIRE(trust);
    CK_REQUIRE(cert);
    trust->trust.Add(cert->cert);
    return absl::OkStatus();
  });
}

CertkitError certkit_trust_store_add_bundle_n(CertkitTrustStore* trust, const char* certs,
                                              size_t certs_length) {
  return Guard([&]() -> absl::Status {
    CK_REQUIRE(trust);
    CK_ASSIGN(absl::string_view text, Text(certs, certs_length, "certs"));
    CK_ASSIGN(std::vector<certkit::Certificate> parsed, certkit::Certificate::ParseBundle(text));
    trust->trust.Add(parsed);
    return absl::OkStatus();
  });
}

CertkitError certkit_trust_store_add_bundle(CertkitTrustStore* trust, const char* certs) {
  return certkit_trust_store_add_bundle_n(trust, certs, Len(certs));
}

CertkitError certkit_trust_store_add_keystore(CertkitTrustStore* trust,
                                              const CertkitKeystore* keystore) {
  return Guard([&]() -> absl::Status {
    CK_REQUIRE(trust);
    CK_REQUIRE(keystore);
    CK_ASSIGN(std::vector<certkit::Certificate> anchors, keystore->store.TrustAnchors());
    trust->trust.Add(anchors);
    return absl::OkStatus();
  });
}

size_t certkit_trust_store_count(const CertkitTrustStore* trust) {
  return trust == nullptr ? 0 : trust->trust.size();
}

CertkitError certkit_verify_with_trust_store(const CertkitCert* leaf,
                                             const CertkitCertList* intermediates,
                                             const CertkitTrustStore* trust,
                                             const CertkitVerifyOptions* options,
                                             CertkitCertList** chain_out) {
  return Guard([&]() -> absl::Status {
    CK_REQUIRE(trust);
    return VerifyWith(leaf, intermediates, trust->trust, options, chain_out);
  });
}

}  // extern "C"
