// capi/key.cc: the certkit_key_* functions.
#include "capi/internal.h"
#include "certkit/pkcs11.h"

using certkit::capi::ByteInput;
using certkit::capi::Guard;
using certkit::capi::Len;
using certkit::capi::New;
using certkit::capi::OptionalText;
using certkit::capi::OutputBytes;
using certkit::capi::OutputText;
using certkit::capi::Text;

namespace {

certkit::KeyFormat ToKeyFormat(const CertkitKeyFormat& format) {
  return certkit::capi::EnumValue(format) == CERTKIT_KEY_FORMAT_TRADITIONAL
             ? certkit::KeyFormat::kTraditional
             : certkit::KeyFormat::kPkcs8;
}

absl::Status CheckKeyFormat(const CertkitKeyFormat& format) {
  int value = certkit::capi::EnumValue(format);
  if (value != CERTKIT_KEY_FORMAT_PKCS8 && value != CERTKIT_KEY_FORMAT_TRADITIONAL) {
    return certkit::MakeError(certkit::ErrorKind::kInvalidArgument,
                              "unknown key format " + std::to_string(value));
  }
  return absl::OkStatus();
}

// Exportable refuses a key that lives in a PKCS#11 token (its ToDer is
// empty: there is nothing to write).
absl::Status Exportable(const certkit::PrivateKey& key) {
  if (!certkit::IsTokenKey(key)) return absl::OkStatus();
  return certkit::MakeError(certkit::ErrorKind::kUnsupported,
                            "the key is held in a PKCS#11 token and cannot be exported");
}

}  // namespace

extern "C" {

CertkitError certkit_key_generate_n(const char* spec, size_t spec_length, CertkitKey** out) {
  return Guard([&]() -> absl::Status {
    CK_REQUIRE(out);
    CK_ASSIGN(absl::string_view text, Text(spec, spec_length, "spec"));
    CK_ASSIGN(certkit::KeySpec key_spec, certkit::KeySpec::Parse(text));
    CK_ASSIGN(certkit::PrivateKey key, certkit::PrivateKey::Generate(key_spec));
    *out = New<CertkitKey>(std::move(key));
    return absl::OkStatus();
  });
}

CertkitError certkit_key_generate(const char* spec, CertkitKey** out) {
  return certkit_key_generate_n(spec, Len(spec), out);
}

CertkitError certkit_key_from_pem_n(const char* pem, size_t pem_length, const char* password,
                                    size_t password_length, CertkitKey** out) {
  return Guard([&]() -> absl::Status {
    CK_REQUIRE(out);
    CK_ASSIGN(absl::string_view text, Text(pem, pem_length, "pem"));
    CK_ASSIGN(auto pass, OptionalText(password, password_length, "password"));
    CK_ASSIGN(certkit::PrivateKey key,
              certkit::PrivateKey::FromPem(text, pass.value_or(absl::string_view())));
    *out = New<CertkitKey>(std::move(key));
    return absl::OkStatus();
  });
}

CertkitError certkit_key_from_pem(const char* pem, const char* password, CertkitKey** out) {
  return certkit_key_from_pem_n(pem, Len(pem), password, Len(password), out);
}

CertkitError certkit_key_from_der_n(const uint8_t* der, size_t der_length, const char* password,
                                    size_t password_length, CertkitKey** out) {
  return Guard([&]() -> absl::Status {
    CK_REQUIRE(out);
    CK_REQUIRE(der);
    CK_ASSIGN(auto bytes, ByteInput(der, der_length, "der"));
    CK_ASSIGN(auto pass, OptionalText(password, password_length, "password"));
    CK_ASSIGN(certkit::PrivateKey key,
              certkit::PrivateKey::FromDer(bytes, pass.value_or(absl::string_view())));
    *out = New<CertkitKey>(std::move(key));
    return absl::OkStatus();
  });
}

CertkitError certkit_key_from_der(const uint8_t* der, size_t der_length, const char* password,
                                  CertkitKey** out) {
  return certkit_key_from_der_n(der, der_length, password, Len(password), out);
}

void certkit_key_free(CertkitKey* key) { delete key; }

CertkitError certkit_key_type(const CertkitKey* key, CertkitKeyType* out) {
  return Guard([&]() -> absl::Status {
    CK_REQUIRE(key);
    CK_REQUIRE(out);
    switch (key->key.type()) {
      case certkit::KeyType::kRsa: *out = CERTKIT_KEY_RSA; break;
      case certkit::KeyType::kEcP256: *out = CERTKIT_KEY_EC_P256; break;
      case certkit::KeyType::kEcP384: *out = CERTKIT_KEY_EC_P384; break;
      case certkit::KeyType::kEd25519: *out = CERTKIT_KEY_ED25519; break;
      case certkit::KeyType::kEcP521: *out = CERTKIT_KEY_EC_P521; break;
    }
    return absl::OkStatus();
  });
}

CertkitError certkit_key_bits(const CertkitKey* key, int* out) {
  return Guard([&]() -> absl::Status {
    CK_REQUIRE(key);
    CK_REQUIRE(out);
    *out = key->key.bits();
    return absl::OkStatus();
  });
}

CertkitError certkit_key_describe(const CertkitKey* key, char** out, size_t* out_length) {
  return Guard([&]() -> absl::Status {
    CK_REQUIRE(key);
    return OutputText(key->key.Describe(), out, out_length);
  });
}

CertkitError certkit_key_to_pem(const CertkitKey* key, CertkitKeyFormat format, char** out,
                                size_t* out_length) {
  return Guard([&]() -> absl::Status {
    CK_REQUIRE(key);
    CK_RETURN_IF_ERROR(CheckKeyFormat(format));
    CK_RETURN_IF_ERROR(Exportable(key->key));
    return OutputText(key->key.ToPem(ToKeyFormat(format)), out, out_length);
  });
}

CertkitError certkit_key_to_der(const CertkitKey* key, CertkitKeyFormat format, uint8_t** out,
                                size_t* out_length) {
  return Guard([&]() -> absl::Status {
    CK_REQUIRE(key);
    CK_RETURN_IF_ERROR(CheckKeyFormat(format));
    CK_RETURN_IF_ERROR(Exportable(key->key));
    return OutputBytes(key->key.ToDer(ToKeyFormat(format)), out, out_length);
  });
}

CertkitError certkit_key_to_encrypted_pem_n(const CertkitKey* key, const char* password,
                                            size_t password_length, char** out,
                                            size_t* out_length) {
  return Guard([&]() -> absl::Status {
    CK_REQUIRE(key);
    CK_ASSIGN(absl::string_view pass, Text(password, password_length, "password"));
    CK_ASSIGN(std::string pem, key->key.ToEncryptedPkcs8Pem(pass));
    return OutputText(pem, out, out_length);
  });
}

CertkitError certkit_key_to_encrypted_pem(const CertkitKey* key, const char* password,
                                          char** out, size_t* out_length) {
  return certkit_key_to_encrypted_pem_n(key, password, Len(password), out, out_length);
}

CertkitError certkit_key_to_encrypted_der_n(const CertkitKey* key, const char* password,
                                            size_t password_length, uint8_t** out,
                                            size_t* out_length) {
  return Guard([&]() -> absl::Status {
    CK_REQUIRE(key);
    CK_ASSIGN(absl::string_view pass, Text(password, password_length, "password"));
    CK_ASSIGN(certkit::Bytes der, key->key.ToEncryptedPkcs8Der(pass));
    return OutputBytes(der, out, out_length);
  });
}

CertkitError certkit_key_to_encrypted_der(const CertkitKey* key, const char* password,
                                          uint8_t** out, size_t* out_length) {
  return certkit_key_to_encrypted_der_n(key, password, Len(password), out, out_length);
}

CertkitError certkit_key_public_pem(const CertkitKey* key, char** out, size_t* out_length) {
  return Guard([&]() -> absl::Status {
    CK_REQUIRE(key);
    return OutputText(key->key.public_key().ToPem(), out, out_length);
  });
}

}  // extern "C"
