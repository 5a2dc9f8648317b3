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
    if (max_depth < 1 || max_depth > 100) {
      return MakeError(ErrorKind::kInvalidArgument,
                       "max depth must be 1..100, got " + std::to_string(max_depth));
    }
    options->options.max_depth = max_depth;
    return absl::OkStatus();
  });
}

CertkitError certkit_verify(const CertkitCert* leaf, const CertkitCertList* intermediates,
                            const CertkitCertList* anchors, const CertkitVerifyOptions* options,
                            CertkitCertList** chain_out) {
  return Guard([&]() -> absl::Status {
    CK_REQUIRE(leaf);
    CK_REQUIRE(anchors);
    std::vector<certkit::Certificate> untrusted;
    if (intermediates != nullptr) untrusted = intermediates->certs;
    certkit::TrustStore trust(anchors->certs);
    certkit::VerifyOptions defaults;
    CK_ASSIGN(certkit::VerifyResult result,
              certkit::Verify(leaf->cert, untrusted, trust,
                              options != nullptr ? options->options : defaults));
    if (chain_out != nullptr) *chain_out = New<CertkitCertList>(std::move(result.chain));
    return absl::OkStatus();
  });
}

}  // extern "C"
