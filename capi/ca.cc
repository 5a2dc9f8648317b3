// capi/ca.cc: signing profiles, CA and issue options, and the certkit_ca_*
// functions.
#include "capi/internal.h"
#include "certkit/ca_files.h"

using certkit::ErrorKind;
using certkit::MakeError;
using certkit::capi::Guard;
using certkit::capi::Len;
using certkit::capi::New;
using certkit::capi::OptionalText;
using certkit::capi::Text;

extern "C" {

CertkitError certkit_profile_new_n(const char* name, size_t name_length, CertkitProfile** out) {
  return Guard([&]() -> absl::Status {
    CK_REQUIRE(out);
    CK_ASSIGN(absl::string_view text, Text(name, name_length, "name"));
    CK_ASSIGN(certkit::Profile profile, certkit::Profile::ByName(text));
    *out = New<CertkitProfile>(std::move(profile));
    return absl::OkStatus();
  });
}

CertkitError certkit_profile_new(const char* name, CertkitProfile** out) {
  return certkit_profile_new_n(name, Len(name), out);
}

void certkit_profile_free(CertkitProfile* profile) { delete profile; }

CertkitError certkit_profile_set_days(CertkitProfile* profile, int days) {
  return Guard([&]() -> absl::Status {
    CK_REQUIRE(profile);
    CK_RETURN_IF_ERROR(certkit::CheckValidityDays(days));
    profile->profile.default_days = days;
    return absl::OkStatus();
  });
}

CertkitError certkit_profile_set_key_usage(CertkitProfile* profile, uint32_t key_usage) {
  return Guard([&]() -> absl::Status {
    CK_REQUIRE(profile);
    certkit::Profile changed = profile->profile;
    changed.key_usage = key_usage;
    CK_RETURN_IF_ERROR(changed.Validate());
    profile->profile = std::move(changed);
    return absl::OkStatus();
  });
}

CertkitError certkit_profile_set_extended_key_usage_n(CertkitProfile* profile, const char* ekus,
                                                      size_t ekus_length) {
  return Guard([&]() -> absl::Status {
    CK_REQUIRE(profile);
    CK_ASSIGN(absl::string_view text, Text(ekus, ekus_length, "ekus"));
    CK_ASSIGN(profile->profile.extended_key_usage, certkit::ParseExtendedKeyUsages(text));
    return absl::OkStatus();
  });
}

CertkitError certkit_profile_set_extended_key_usage(CertkitProfile* profile, const char* ekus) {
  return certkit_profile_set_extended_key_usage_n(profile, ekus, Len(ekus));
}

CertkitError certkit_profile_set_require_san(CertkitProfile* profile, int require_san) {
  return Guard([&]() -> absl::Status {
    CK_REQUIRE(profile);
    profile->profile.require_san = require_san != 0;
    return absl::OkStatus();
  });
}

CertkitError certkit_ca_options_new(CertkitCaOptions** out) {
  return Guard([&]() -> absl::Status {
    CK_REQUIRE(out);
    *out = New<CertkitCaOptions>();
    return absl::OkStatus();
  });
}

void certkit_ca_options_free(CertkitCaOptions* options) { delete options; }

CertkitError certkit_ca_options_set_subject(CertkitCaOptions* options,
                                            const CertkitName* subject) {
  return Guard([&]() -> absl::Status {
    CK_REQUIRE(options);
    CK_REQUIRE(subject);
    options->options.subject = subject->name;
    return absl::OkStatus();
  });
}

CertkitError certkit_ca_options_set_key_spec_n(CertkitCaOptions* options, const char* spec,
                                               size_t spec_length) {
  return Guard([&]() -> absl::Status {
    CK_REQUIRE(options);
    CK_ASSIGN(absl::string_view text, Text(spec, spec_length, "spec"));
    CK_ASSIGN(options->options.key_spec, certkit::KeySpec::Parse(text));
    return absl::OkStatus();
  });
}

CertkitError certkit_ca_options_set_key_spec(CertkitCaOptions* options, const char* spec) {
  return certkit_ca_options_set_key_spec_n(options, spec, Len(spec));
}

CertkitError certkit_ca_options_set_key(CertkitCaOptions* options, const CertkitKey* key) {
  return Guard([&]() -> absl::Status {
    CK_REQUIRE(options);
    CK_REQUIRE(key);
    options->options.key = key->key;
    return absl::OkStatus();
  });
}

CertkitError certkit_ca_options_set_days(CertkitCaOptions* options, int days) {
  return Guard([&]() -> absl::Status {
    CK_REQUIRE(options);
    CK_RETURN_IF_ERROR(certkit::CheckValidityDays(days));
    options->options.days = days;
    return absl::OkStatus();
  });
}

CertkitError certkit_ca_options_set_path_len(CertkitCaOptions* options, int path_len) {
  return Guard([&]() -> absl::Status {
    CK_REQUIRE(options);
    if (path_len < 0) {
      options->options.path_len.reset();
    } else {
      options->options.path_len = path_len;
    }
    return absl::OkStatus();
  });
}

CertkitError certkit_ca_options_set_not_before(CertkitCaOptions* options, int64_t unix_seconds) {
  return Guard([&]() -> absl::Status {
    CK_REQUIRE(options);
    options->options.not_before = certkit::capi::FromUnix(unix_seconds);
    return absl::OkStatus();
  });
}

CertkitError certkit_ca_options_set_allow_beyond_issuer(CertkitCaOptions* options, int allow) {
  return Guard([&]() -> absl::Status {
    CK_REQUIRE(options);
    options->options.allow_beyond_issuer = allow != 0;
    return absl::OkStatus();
  });
}

CertkitError certkit_ca_create_root(const CertkitCaOptions* options, CertkitCa** out) {
  return Guard([&]() -> absl::Status {
    CK_REQUIRE(options);
    CK_REQUIRE(out);
    CK_ASSIGN(certkit::CertificateAuthority ca,
              certkit::CertificateAuthority::CreateRoot(options->options));
    *out = New<CertkitCa>(std::move(ca));
    return absl::OkStatus();
  });
}

CertkitError certkit_ca_create_intermediate(const CertkitCa* parent,
                                            const CertkitCaOptions* options, CertkitCa** out) {
  return Guard([&]() -> absl::Status {
    CK_REQUIRE(parent);
    CK_REQUIRE(options);
    CK_REQUIRE(out);
    certkit::CaOptions copy = options->options;
    if (!copy.path_len.has_value()) copy.path_len = 0;  // the documented default
    CK_ASSIGN(certkit::CertificateAuthority ca,
              certkit::CertificateAuthority::CreateIntermediate(parent->ca, copy));
    *out = New<CertkitCa>(std::move(ca));
    return absl::OkStatus();
  });
}

CertkitError certkit_ca_load(const CertkitCert* cert, const CertkitKey* key,
                             const CertkitCertList* chain, CertkitCa** out) {
  return Guard([&]() -> absl::Status {
    CK_REQUIRE(cert);
    CK_REQUIRE(key);
    CK_REQUIRE(out);
    std::vector<certkit::Certificate> issuers;
    if (chain != nullptr) issuers = chain->certs;
    CK_ASSIGN(certkit::CertificateAuthority ca,
              certkit::CertificateAuthority::Load(cert->cert, key->key, std::move(issuers)));
    *out = New<CertkitCa>(std::move(ca));
    return absl::OkStatus();
  });
}

CertkitError certkit_ca_load_pem_n(const char* cert_pem, size_t cert_pem_length,
                                   const char* key_pem, size_t key_pem_length,
                                   const char* password, size_t password_length,
                                   CertkitCa** out) {
  return Guard([&]() -> absl::Status {
    CK_REQUIRE(out);
    CK_ASSIGN(absl::string_view cert_text, Text(cert_pem, cert_pem_length, "cert_pem"));
    CK_ASSIGN(absl::string_view key_text, Text(key_pem, key_pem_length, "key_pem"));
    CK_ASSIGN(auto pass, OptionalText(password, password_length, "password"));
    CK_ASSIGN(certkit::CertificateAuthority ca,
              certkit::LoadCaPem(cert_text, key_text, pass.value_or(absl::string_view())));
    *out = New<CertkitCa>(std::move(ca));
    return absl::OkStatus();
  });
}

CertkitError certkit_ca_load_pem(const char* cert_pem, const char* key_pem, const char* password,
                                 CertkitCa** out) {
  return certkit_ca_load_pem_n(cert_pem, Len(cert_pem), key_pem, Len(key_pem), password,
                               Len(password), out);
}

void certkit_ca_free(CertkitCa* ca) { delete ca; }

CertkitError certkit_ca_certificate(const CertkitCa* ca, CertkitCert** out) {
  return Guard([&]() -> absl::Status {
    CK_REQUIRE(ca);
    CK_REQUIRE(out);
    *out = New<CertkitCert>(ca->ca.certificate());
    return absl::OkStatus();
  });
}

CertkitError certkit_ca_key(const CertkitCa* ca, CertkitKey** out) {
  return Guard([&]() -> absl::Status {
    CK_REQUIRE(ca);
    CK_REQUIRE(out);
    *out = New<CertkitKey>(ca->ca.key());
    return absl::OkStatus();
  });
}

CertkitError certkit_ca_chain(const CertkitCa* ca, CertkitCertList** out) {
  return Guard([&]() -> absl::Status {
    CK_REQUIRE(ca);
    CK_REQUIRE(out);
    *out = New<CertkitCertList>(ca->ca.ChainWithSelf());
    return absl::OkStatus();
  });
}

CertkitError certkit_issue_options_new(CertkitIssueOptions** out) {
  return Guard([&]() -> absl::Status {
    CK_REQUIRE(out);
    *out = New<CertkitIssueOptions>();
    return absl::OkStatus();
  });
}

void certkit_issue_options_free(CertkitIssueOptions* options) { delete options; }

CertkitError certkit_issue_options_set_days(CertkitIssueOptions* options, int days) {
  return Guard([&]() -> absl::Status {
    CK_REQUIRE(options);
    certkit::IssueOptions changed = options->options;
    changed.days = days;
    CK_RETURN_IF_ERROR(changed.Validate());
    options->options.days = days;
    return absl::OkStatus();
  });
}

CertkitError certkit_issue_options_set_not_before(CertkitIssueOptions* options,
                                                  int64_t unix_seconds) {
  return Guard([&]() -> absl::Status {
    CK_REQUIRE(options);
    options->options.not_before = certkit::capi::FromUnix(unix_seconds);
    return absl::OkStatus();
  });
}

CertkitError certkit_issue_options_add_sans_n(CertkitIssueOptions* options, const char* sans,
                                              size_t sans_length) {
  return Guard([&]() -> absl::Status {
    CK_REQUIRE(options);
    CK_ASSIGN(absl::string_view text, Text(sans, sans_length, "sans"));
    CK_ASSIGN(std::vector<certkit::SubjectAltName> parsed, certkit::ParseSubjectAltNames(text));
    options->options.sans.insert(options->options.sans.end(), parsed.begin(), parsed.end());
    return absl::OkStatus();
  });
}

CertkitError certkit_issue_options_add_sans(CertkitIssueOptions* options, const char* sans) {
  return certkit_issue_options_add_sans_n(options, sans, Len(sans));
}

CertkitError certkit_issue_options_set_subject(CertkitIssueOptions* options,
                                               const CertkitName* subject) {
  return Guard([&]() -> absl::Status {
    CK_REQUIRE(options);
    CK_REQUIRE(subject);
    options->options.subject = subject->name;
    return absl::OkStatus();
  });
}

CertkitError certkit_issue_options_set_policy(CertkitIssueOptions* options,
                                              CertkitSigningPolicy policy) {
  return Guard([&]() -> absl::Status {
    CK_REQUIRE(options);
    switch (certkit::capi::EnumValue(policy)) {
      case CERTKIT_POLICY_PERMISSIVE:
        options->options.policy = certkit::SigningPolicy::Permissive();
        return absl::OkStatus();
      case CERTKIT_POLICY_COCKROACH:
        options->options.policy = certkit::SigningPolicy::Cockroach();
        return absl::OkStatus();
    }
    return MakeError(ErrorKind::kInvalidArgument,
                     "unknown signing policy " + std::to_string(certkit::capi::EnumValue(policy)));
  });
}

CertkitError certkit_issue_options_set_allow_beyond_issuer(CertkitIssueOptions* options,
                                                           int allow) {
  return Guard([&]() -> absl::Status {
    CK_REQUIRE(options);
    options->options.allow_beyond_issuer = allow != 0;
    return absl::OkStatus();
  });
}

CertkitError certkit_ca_sign_csr(const CertkitCa* ca, const CertkitCsr* csr,
                                 const CertkitProfile* profile,
                                 const CertkitIssueOptions* options, CertkitCert** out) {
  return Guard([&]() -> absl::Status {
    CK_REQUIRE(ca);
    CK_REQUIRE(csr);
    CK_REQUIRE(profile);
    CK_REQUIRE(out);
    certkit::IssueOptions defaults;
    CK_ASSIGN(certkit::Certificate cert,
              ca->ca.SignRequest(csr->csr, profile->profile,
                                 options != nullptr ? options->options : defaults));
    *out = New<CertkitCert>(std::move(cert));
    return absl::OkStatus();
  });
}

CertkitError certkit_ca_sign_key(const CertkitCa* ca, const CertkitKey* key,
                                 const CertkitProfile* profile,
                                 const CertkitIssueOptions* options, CertkitCert** out) {
  return Guard([&]() -> absl::Status {
    CK_REQUIRE(ca);
    CK_REQUIRE(key);
    CK_REQUIRE(profile);
    CK_REQUIRE(options);
    CK_REQUIRE(out);
    CK_ASSIGN(certkit::Certificate cert,
              ca->ca.SignPublicKey(key->key.public_key(), profile->profile, options->options));
    *out = New<CertkitCert>(std::move(cert));
    return absl::OkStatus();
  });
}

}  // extern "C"
