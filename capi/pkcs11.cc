// capi/pkcs11.cc: certkit_ca_load_pkcs11, a CA whose key stays in a PKCS#11
// token (certkit/pkcs11.h).
#include "capi/internal.h"
#include "certkit/pkcs11.h"
#include "openssl/mem.h"

using certkit::capi::Guard;
using certkit::capi::Len;
using certkit::capi::New;
using certkit::capi::OptionalText;
using certkit::capi::Text;

extern "C" {

CertkitError certkit_ca_load_pkcs11(const char* cert_path, const char* uri,
                                    const char* module_path, const char* pin, size_t pin_length,
                                    CertkitCa** out) {
  return Guard([&]() -> absl::Status {
    CK_REQUIRE(out);
    *out = nullptr;
    CK_ASSIGN(absl::string_view path, Text(cert_path, Len(cert_path), "cert_path"));
    CK_ASSIGN(absl::string_view uri_text, Text(uri, Len(uri), "uri"));
    CK_ASSIGN(auto module, OptionalText(module_path, Len(module_path), "module_path"));
    CK_ASSIGN(auto pin_text, OptionalText(pin, pin_length, "pin"));
    CK_ASSIGN(certkit::Pkcs11Uri parsed, certkit::Pkcs11Uri::Parse(uri_text));
    certkit::Pkcs11Options options;
    if (module) options.module_path = std::string(*module);
    if (pin_text) options.pin = std::string(*pin_text);
    auto ca = certkit::LoadCaWithPkcs11Key(std::string(path), parsed, options);
    if (options.pin) {
      OPENSSL_cleanse(options.pin->data(), options.pin->size());
    }
    if (!ca.ok()) return ca.status();
    *out = New<CertkitCa>(*std::move(ca));
    return absl::OkStatus();
  });
}

}  // extern "C"
