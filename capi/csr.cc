// capi/csr.cc: the certkit_csr_* functions.
#include "capi/internal.h"

using certkit::capi::ByteInput;
using certkit::capi::Guard;
using certkit::capi::Len;
using certkit::capi::New;
using certkit::capi::OutputBytes;
using certkit::capi::OutputText;
using certkit::capi::SansToString;
using certkit::capi::Text;

extern "C" {

CertkitError certkit_csr_create_n(const CertkitName* subject, const char* sans,
                                  size_t sans_length, const CertkitKey* key, CertkitCsr** out) {
  return Guard([&]() -> absl::Status {
    CK_REQUIRE(subject);
    CK_REQUIRE(key);
    CK_REQUIRE(out);
    certkit::CsrRequest request;
    request.subject = subject->name;
    if (sans != nullptr && sans_length != 0) {  // NULL or "": no SANs
      CK_ASSIGN(request.sans,
                certkit::ParseSubjectAltNames(absl::string_view(sans, sans_length)));
    }
    CK_ASSIGN(certkit::CertificateRequest csr,
              certkit::CertificateRequest::Create(request, key->key));
    *out = New<CertkitCsr>(std::move(csr));
    return absl::OkStatus();
  });
}

CertkitError certkit_csr_create(const CertkitName* subject, const char* sans,
                                const CertkitKey* key, CertkitCsr** out) {
  return certkit_csr_create_n(subject, sans, Len(sans), key, out);
}

CertkitError certkit_csr_from_pem_n(const char* pem, size_t pem_length, CertkitCsr** out) {
  return certkit::capi::ParsePemInto(pem, pem_length, out, [](absl::string_view text) {
    return certkit::CertificateRequest::FromPem(text);
  });
}

CertkitError certkit_csr_from_pem(const char* pem, CertkitCsr** out) {
  return certkit_csr_from_pem_n(pem, Len(pem), out);
}

CertkitError certkit_csr_from_der(const uint8_t* der, size_t der_length, CertkitCsr** out) {
  return certkit::capi::ParseDerInto(der, der_length, out, [](absl::Span<const uint8_t> bytes) {
    return certkit::CertificateRequest::FromDer(bytes);
  });
}

void certkit_csr_free(CertkitCsr* csr) { delete csr; }

CertkitError certkit_csr_verify_signature(const CertkitCsr* csr) {
  return Guard([&]() -> absl::Status {
    CK_REQUIRE(csr);
    return csr->csr.VerifySignature();
  });
}

CertkitError certkit_csr_subject(const CertkitCsr* csr, CertkitName** out) {
  return Guard([&]() -> absl::Status {
    CK_REQUIRE(csr);
    CK_REQUIRE(out);
    *out = New<CertkitName>(csr->csr.subject());
    return absl::OkStatus();
  });
}

CertkitError certkit_csr_sans(const CertkitCsr* csr, char** out, size_t* out_length) {
  return Guard([&]() -> absl::Status {
    CK_REQUIRE(csr);
    return OutputText(SansToString(csr->csr.requested_sans()), out, out_length);
  });
}

CertkitError certkit_csr_public_key_pem(const CertkitCsr* csr, char** out, size_t* out_length) {
  return Guard([&]() -> absl::Status {
    CK_REQUIRE(csr);
    return OutputText(csr->csr.public_key().ToPem(), out, out_length);
  });
}

CertkitError certkit_csr_to_pem(const CertkitCsr* csr, char** out, size_t* out_length) {
  return Guard([&]() -> absl::Status {
    CK_REQUIRE(csr);
    return OutputText(csr->csr.ToPem(), out, out_length);
  });
}

CertkitError certkit_csr_to_der(const CertkitCsr* csr, uint8_t** out, size_t* out_length) {
  return Guard([&]() -> absl::Status {
    CK_REQUIRE(csr);
    return OutputBytes(csr->csr.ToDer(), out, out_length);
  });
}

}  // extern "C"
