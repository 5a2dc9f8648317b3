// capi/cert.cc: the certkit_cert_* and certkit_cert_list_* functions.
#include "absl/strings/str_join.h"
#include "capi/internal.h"

using certkit::capi::ByteInput;
using certkit::capi::Guard;
using certkit::capi::Len;
using certkit::capi::New;
using certkit::capi::OutputBytes;
using certkit::capi::OutputText;
using certkit::capi::SansToString;
using certkit::capi::Text;

namespace {

absl::Status IndexError(const char* what, size_t index, size_t size) {
  return certkit::MakeError(certkit::ErrorKind::kLimitExceeded,
                            std::string(what) + " index " + std::to_string(index) +
                                " is out of range (there are " + std::to_string(size) + ")");
}

CertkitSanType ToSanType(certkit::SubjectAltName::Type type) {
  switch (type) {
    case certkit::SubjectAltName::Type::kDns: return CERTKIT_SAN_DNS;
    case certkit::SubjectAltName::Type::kIp: return CERTKIT_SAN_IP;
    case certkit::SubjectAltName::Type::kEmail: return CERTKIT_SAN_EMAIL;
    case certkit::SubjectAltName::Type::kUri: return CERTKIT_SAN_URI;
  }
  return CERTKIT_SAN_DNS;
}

}  // namespace

extern "C" {

CertkitError certkit_cert_from_pem_n(const char* pem, size_t pem_length, CertkitCert** out) {
  return certkit::capi::ParsePemInto(pem, pem_length, out, [](absl::string_view text) {
    return certkit::Certificate::FromPem(text);
  });
}

CertkitError certkit_cert_from_pem(const char* pem, CertkitCert** out) {
  return certkit_cert_from_pem_n(pem, Len(pem), out);
}

CertkitError certkit_cert_from_der(const uint8_t* der, size_t der_length, CertkitCert** out) {
  return certkit::capi::ParseDerInto(der, der_length, out, [](absl::Span<const uint8_t> bytes) {
    return certkit::Certificate::FromDer(bytes);
  });
}

void certkit_cert_free(CertkitCert* cert) { delete cert; }

CertkitError certkit_cert_to_pem(const CertkitCert* cert, char** out, size_t* out_length) {
  return Guard([&]() -> absl::Status {
    CK_REQUIRE(cert);
    return OutputText(cert->cert.ToPem(), out, out_length);
  });
}

CertkitError certkit_cert_to_der(const CertkitCert* cert, uint8_t** out, size_t* out_length) {
  return Guard([&]() -> absl::Status {
    CK_REQUIRE(cert);
    return OutputBytes(cert->cert.ToDer(), out, out_length);
  });
}

CertkitError certkit_cert_version(const CertkitCert* cert, int* out) {
  return Guard([&]() -> absl::Status {
    CK_REQUIRE(cert);
    CK_REQUIRE(out);
    *out = cert->cert.version();
    return absl::OkStatus();
  });
}

CertkitError certkit_cert_serial_hex(const CertkitCert* cert, char** out, size_t* out_length) {
  return Guard([&]() -> absl::Status {
    CK_REQUIRE(cert);
    return OutputText(cert->cert.serial_hex(), out, out_length);
  });
}

CertkitError certkit_cert_subject(const CertkitCert* cert, CertkitName** out) {
  return Guard([&]() -> absl::Status {
    CK_REQUIRE(cert);
    CK_REQUIRE(out);
    *out = New<CertkitName>(cert->cert.subject());
    return absl::OkStatus();
  });
}

CertkitError certkit_cert_issuer(const CertkitCert* cert, CertkitName** out) {
  return Guard([&]() -> absl::Status {
    CK_REQUIRE(cert);
    CK_REQUIRE(out);
    *out = New<CertkitName>(cert->cert.issuer());
    return absl::OkStatus();
  });
}

CertkitError certkit_cert_subject_string(const CertkitCert* cert, char** out,
                                         size_t* out_length) {
  return Guard([&]() -> absl::Status {
    CK_REQUIRE(cert);
    return OutputText(cert->cert.subject().ToRfc4514(), out, out_length);
  });
}

CertkitError certkit_cert_issuer_string(const CertkitCert* cert, char** out,
                                        size_t* out_length) {
  return Guard([&]() -> absl::Status {
    CK_REQUIRE(cert);
    return OutputText(cert->cert.issuer().ToRfc4514(), out, out_length);
  });
}

CertkitError certkit_cert_not_before(const CertkitCert* cert, int64_t* out) {
  return Guard([&]() -> absl::Status {
    CK_REQUIRE(cert);
    CK_REQUIRE(out);
    *out = certkit::capi::ToUnix(cert->cert.not_before());
    return absl::OkStatus();
  });
}

CertkitError certkit_cert_not_after(const CertkitCert* cert, int64_t* out) {
  return Guard([&]() -> absl::Status {
    CK_REQUIRE(cert);
    CK_REQUIRE(out);
    *out = certkit::capi::ToUnix(cert->cert.not_after());
    return absl::OkStatus();
  });
}

CertkitError certkit_cert_sans(const CertkitCert* cert, char** out, size_t* out_length) {
  return Guard([&]() -> absl::Status {
    CK_REQUIRE(cert);
    return OutputText(SansToString(cert->cert.subject_alt_names()), out, out_length);
  });
}

CertkitError certkit_cert_san_count(const CertkitCert* cert, size_t* out) {
  return Guard([&]() -> absl::Status {
    CK_REQUIRE(cert);
    CK_REQUIRE(out);
    *out = cert->cert.subject_alt_names().size();
    return absl::OkStatus();
  });
}

CertkitError certkit_cert_san_at(const CertkitCert* cert, size_t index,
                                 CertkitSanType* type_out, char** value_out,
                                 size_t* value_length) {
  return Guard([&]() -> absl::Status {
    CK_REQUIRE(cert);
    CK_REQUIRE(type_out);
    CK_REQUIRE(value_out);
    std::vector<certkit::SubjectAltName> sans = cert->cert.subject_alt_names();
    if (index >= sans.size()) return IndexError("SAN", index, sans.size());
    CK_RETURN_IF_ERROR(OutputText(sans[index].value, value_out, value_length));
    *type_out = ToSanType(sans[index].type);
    return absl::OkStatus();
  });
}

CertkitError certkit_cert_basic_constraints(const CertkitCert* cert, int* is_ca,
                                            int* path_len) {
  return Guard([&]() -> absl::Status {
    CK_REQUIRE(cert);
    certkit::BasicConstraints bc = cert->cert.basic_constraints();
    if (is_ca != nullptr) *is_ca = bc.present && bc.is_ca ? 1 : 0;
    if (path_len != nullptr) *path_len = bc.path_len.has_value() ? *bc.path_len : -1;
    return absl::OkStatus();
  });
}

CertkitError certkit_cert_key_usage(const CertkitCert* cert, uint32_t* out) {
  return Guard([&]() -> absl::Status {
    CK_REQUIRE(cert);
    CK_REQUIRE(out);
    std::optional<uint32_t> ku = cert->cert.key_usage();
    if (!ku.has_value()) {
      return certkit::MakeError(certkit::ErrorKind::kNotFound,
                                "the certificate has no keyUsage extension");
    }
    *out = *ku;
    return absl::OkStatus();
  });
}

CertkitError certkit_cert_extended_key_usage(const CertkitCert* cert, char** out,
                                             size_t* out_length) {
  return Guard([&]() -> absl::Status {
    CK_REQUIRE(cert);
    std::optional<std::vector<std::string>> eku = cert->cert.extended_key_usage();
    if (!eku.has_value()) {
      return certkit::MakeError(certkit::ErrorKind::kNotFound,
                                "the certificate has no extendedKeyUsage extension");
    }
    return OutputText(absl::StrJoin(*eku, ","), out, out_length);
  });
}

CertkitError certkit_cert_signature_algorithm(const CertkitCert* cert, char** out,
                                              size_t* out_length) {
  return Guard([&]() -> absl::Status {
    CK_REQUIRE(cert);
    return OutputText(cert->cert.signature_algorithm(), out, out_length);
  });
}

CertkitError certkit_cert_fingerprint(const CertkitCert* cert, CertkitDigest digest, char** out,
                                      size_t* out_length) {
  return Guard([&]() -> absl::Status {
    CK_REQUIRE(cert);
    switch (certkit::capi::EnumValue(digest)) {
      case CERTKIT_DIGEST_SHA1: return OutputText(cert->cert.Sha1Fingerprint(), out, out_length);
      case CERTKIT_DIGEST_SHA256:
        return OutputText(cert->cert.Sha256Fingerprint(), out, out_length);
    }
    return certkit::MakeError(certkit::ErrorKind::kInvalidArgument,
                              "unknown digest " + std::to_string(certkit::capi::EnumValue(digest)));
  });
}

CertkitError certkit_cert_summary(const CertkitCert* cert, char** out, size_t* out_length) {
  return Guard([&]() -> absl::Status {
    CK_REQUIRE(cert);
    return OutputText(cert->cert.Summary(), out, out_length);
  });
}

CertkitError certkit_cert_public_key_pem(const CertkitCert* cert, char** out,
                                         size_t* out_length) {
  return Guard([&]() -> absl::Status {
    CK_REQUIRE(cert);
    return OutputText(cert->cert.public_key().ToPem(), out, out_length);
  });
}

CertkitError certkit_cert_matches_key(const CertkitCert* cert, const CertkitKey* key, int* out) {
  return Guard([&]() -> absl::Status {
    CK_REQUIRE(cert);
    CK_REQUIRE(key);
    CK_REQUIRE(out);
    *out = cert->cert.MatchesKey(key->key) ? 1 : 0;
    return absl::OkStatus();
  });
}

CertkitError certkit_cert_equal(const CertkitCert* a, const CertkitCert* b, int* out) {
  return Guard([&]() -> absl::Status {
    CK_REQUIRE(a);
    CK_REQUIRE(b);
    CK_REQUIRE(out);
    *out = a->cert == b->cert ? 1 : 0;
    return absl::OkStatus();
  });
}

CertkitError certkit_cert_list_new(CertkitCertList** out) {
  return Guard([&]() -> absl::Status {
    CK_REQUIRE(out);
    *out = New<CertkitCertList>();
    return absl::OkStatus();
  });
}

CertkitError certkit_cert_list_parse_n(const char* data, size_t data_length,
                                       CertkitCertList** out) {
  return Guard([&]() -> absl::Status {
    CK_REQUIRE(out);
    CK_ASSIGN(absl::string_view text, Text(data, data_length, "data"));
    CK_ASSIGN(std::vector<certkit::Certificate> certs, certkit::Certificate::ParseBundle(text));
    *out = New<CertkitCertList>(std::move(certs));
    return absl::OkStatus();
  });
}

CertkitError certkit_cert_list_parse(const char* data, CertkitCertList** out) {
  return certkit_cert_list_parse_n(data, Len(data), out);
}

void certkit_cert_list_free(CertkitCertList* list) { delete list; }

CertkitError certkit_cert_list_count(const CertkitCertList* list, size_t* out) {
  return Guard([&]() -> absl::Status {
    CK_REQUIRE(list);
    CK_REQUIRE(out);
    *out = list->certs.size();
    return absl::OkStatus();
  });
}

CertkitError certkit_cert_list_get(const CertkitCertList* list, size_t index,
                                   CertkitCert** out) {
  return Guard([&]() -> absl::Status {
    CK_REQUIRE(list);
    CK_REQUIRE(out);
    if (index >= list->certs.size()) return IndexError("certificate", index, list->certs.size());
    *out = New<CertkitCert>(list->certs[index]);
    return absl::OkStatus();
  });
}

CertkitError certkit_cert_list_add(CertkitCertList* list, const CertkitCert* cert) {
  return Guard([&]() -> absl::Status {
    CK_REQUIRE(list);
    CK_REQUIRE(cert);
    list->certs.push_back(cert->cert);
    return absl::OkStatus();
  });
}

CertkitError certkit_cert_list_to_pem(const CertkitCertList* list, char** out,
                                      size_t* out_length) {
  return Guard([&]() -> absl::Status {
    CK_REQUIRE(list);
    return OutputText(certkit::CertificatesToPem(list->certs), out, out_length);
  });
}

}  // extern "C"
