// capi/keystore.cc: the certkit_keystore_* functions and certkit_ca_load_keystore.
#include "capi/internal.h"
#include "capi/keystore_util.h"

using certkit::ErrorKind;
using certkit::MakeError;
using certkit::capi::ByteInput;
using certkit::capi::EnumValue;
using certkit::capi::Guard;
using certkit::capi::Len;
using certkit::capi::New;
using certkit::capi::OptionalText;
using certkit::capi::OutputBytes;
using certkit::capi::OutputText;
using certkit::capi::Text;

namespace certkit {
namespace capi {

absl::StatusOr<StoreFormat> ToStoreFormat(const CertkitStoreFormat& format) {
  switch (EnumValue(format)) {
    case CERTKIT_STORE_AUTO: return StoreFormat::kAuto;
    case CERTKIT_STORE_JKS: return StoreFormat::kJks;
    case CERTKIT_STORE_JCEKS: return StoreFormat::kJceks;
    case CERTKIT_STORE_PKCS12: return StoreFormat::kPkcs12;
    case CERTKIT_STORE_PEM: return StoreFormat::kPem;
  }
  return MakeError(ErrorKind::kInvalidArgument,
                   "unknown store format " + std::to_string(EnumValue(format)));
}

absl::StatusOr<SaveOptions> ToSaveOptions(unsigned flags) {
  SaveOptions options;
  constexpr unsigned kProfileFlags = CERTKIT_SAVE_PKCS12_LEGACY | CERTKIT_SAVE_PKCS12_MODERN2026 |
                                     CERTKIT_SAVE_PKCS12_PASSWORDLESS_TRUSTSTORE;
  const unsigned profile = flags & kProfileFlags;
  if ((profile & (profile - 1)) != 0) {
    return MakeError(ErrorKind::kInvalidArgument,
                     "flags: CERTKIT_SAVE_PKCS12_LEGACY, _MODERN2026 and _PASSWORDLESS_TRUSTSTORE "
                     "each name a PKCS#12 profile: give at most one");
  }
  if (profile == CERTKIT_SAVE_PKCS12_LEGACY) options.pkcs12_profile = certkit::Pkcs12Profile::kLegacy;
  if (profile == CERTKIT_SAVE_PKCS12_MODERN2026) {
    options.pkcs12_profile = certkit::Pkcs12Profile::kModern2026;
  }
  if (profile == CERTKIT_SAVE_PKCS12_PASSWORDLESS_TRUSTSTORE) {
    options.pkcs12_profile = certkit::Pkcs12Profile::kPasswordlessTruststore;
  }
  options.pem_encrypt_keys = (flags & CERTKIT_SAVE_PEM_PLAIN_KEYS) == 0;
  return options;
}

// ReadEntry runs |read| on the entry named |alias| (a _n-style text input)
// of |store|, after the NULL checks every entry accessor needs; |out| is the
// accessor's out-parameter, checked only for NULL.
template <typename Out, typename Read>
CertkitError ReadEntry(const CertkitKeystore* store, const char* alias, size_t alias_length,
                       Out* out, Read read) {
  return Guard([&]() -> absl::Status {
    CK_REQUIRE(store);
    CK_REQUIRE(out);
    CK_ASSIGN(absl::string_view name, Text(alias, alias_length, "alias"));
    CK_ASSIGN(const KeyStoreEntry* entry, store->store.Entry(name));
    return read(*entry);
  });
}

}  // namespace capi
}  // namespace certkit

using certkit::capi::ReadEntry;
using certkit::capi::ToSaveOptions;
using certkit::capi::ToStoreFormat;

extern "C" {

const char* certkit_store_format_name(CertkitStoreFormat format) {
  switch (EnumValue(format)) {
    case CERTKIT_STORE_AUTO: return "AUTO";
    case CERTKIT_STORE_JKS: return "JKS";
    case CERTKIT_STORE_JCEKS: return "JCEKS";
    case CERTKIT_STORE_PKCS12: return "PKCS12";
    case CERTKIT_STORE_PEM: return "PEM";
  }
  return "UNKNOWN";
}

CertkitError certkit_keystore_new(CertkitKeystore** out) {
  return Guard([&]() -> absl::Status {
    CK_REQUIRE(out);
    *out = New<CertkitKeystore>();
    return absl::OkStatus();
  });
}

static CertkitError KeystoreLoadImpl(const uint8_t* data, size_t data_length,
                                     const char* password, size_t password_length,
                                     CertkitStoreFormat const& format, CertkitKeystore** out) {
  return Guard([&]() -> absl::Status {
    CK_REQUIRE(data);
    CK_REQUIRE(out);
    CK_ASSIGN(auto bytes, ByteInput(data, data_length, "data"));
    CK_ASSIGN(auto pass, OptionalText(password, password_length, "password"));
    certkit::LoadOptions options;
    CK_ASSIGN(options.format, ToStoreFormat(format));
    CK_ASSIGN(certkit::KeyStore store,
              certkit::KeyStore::Load(bytes, pass.value_or(absl::string_view()), options));
    *out = New<CertkitKeystore>(std::move(store));
    return absl::OkStatus();
  });
}

CertkitError certkit_keystore_load_n(const uint8_t* data, size_t data_length,
                                     const char* password, size_t password_length,
                                     CertkitStoreFormat format, CertkitKeystore** out) {
  // Enum arguments are passed on by reference: C callers may pass any int.
  return KeystoreLoadImpl(data, data_length, password, password_length, format, out);
}

CertkitError certkit_keystore_load(const uint8_t* data, size_t data_length,
                                   const char* password, CertkitStoreFormat format,
                                   CertkitKeystore** out) {
  return KeystoreLoadImpl(data, data_length, password, Len(password), format, out);
}

static CertkitError KeystoreLoadFileImpl(const char* path, size_t path_length,
                                          const char* password, size_t password_length,
                                          CertkitStoreFormat const& format, CertkitKeystore** out) {
  return Guard([&]() -> absl::Status {
    CK_REQUIRE(out);
    CK_ASSIGN(absl::string_view path_view, Text(path, path_length, "path"));
    CK_ASSIGN(auto pass, OptionalText(password, password_length, "password"));
    certkit::LoadOptions options;
    CK_ASSIGN(options.format, ToStoreFormat(format));
    CK_ASSIGN(certkit::KeyStore store,
              certkit::KeyStore::LoadFile(std::string(path_view),
                                          pass.value_or(absl::string_view()), options));
    *out = New<CertkitKeystore>(std::move(store));
    return absl::OkStatus();
  });
}

CertkitError certkit_keystore_load_file_n(const char* path, size_t path_length,
                                          const char* password, size_t password_length,
                                          CertkitStoreFormat format, CertkitKeystore** out) {
  // Enum arguments are passed on by reference: C callers may pass any int.
  return KeystoreLoadFileImpl(path, path_length, password, password_length, format, out);
}

CertkitError certkit_keystore_load_file(const char* path, const char* password,
                                        CertkitStoreFormat format, CertkitKeystore** out) {
  return KeystoreLoadFileImpl(path, Len(path), password, Len(password), format, out);
}

void certkit_keystore_free(CertkitKeystore* store) { delete store; }

CertkitError certkit_keystore_format(const CertkitKeystore* store, CertkitStoreFormat* out) {
  return Guard([&]() -> absl::Status {
    CK_REQUIRE(store);
    CK_REQUIRE(out);
    switch (store->store.source_format()) {
      case certkit::StoreFormat::kAuto: *out = CERTKIT_STORE_AUTO; break;
      case certkit::StoreFormat::kJks: *out = CERTKIT_STORE_JKS; break;
      case certkit::StoreFormat::kJceks: *out = CERTKIT_STORE_JCEKS; break;
      case certkit::StoreFormat::kPkcs12: *out = CERTKIT_STORE_PKCS12; break;
      case certkit::StoreFormat::kPem: *out = CERTKIT_STORE_PEM; break;
    }
    return absl::OkStatus();
  });
}

static CertkitError KeystoreSaveImpl(const CertkitKeystore* store, CertkitStoreFormat const& format,
                                     const char* password, size_t password_length,
                                     unsigned flags, uint8_t** out, size_t* out_length) {
  return Guard([&]() -> absl::Status {
    CK_REQUIRE(store);
    CK_REQUIRE(out);
    CK_REQUIRE(out_length);
    CK_ASSIGN(auto pass, OptionalText(password, password_length, "password"));
    CK_ASSIGN(certkit::StoreFormat fmt, ToStoreFormat(format));
    CK_ASSIGN(certkit::SaveOptions options, ToSaveOptions(flags));
    CK_ASSIGN(certkit::Bytes bytes, store->store.Save(fmt, pass.value_or(absl::string_view()), options));
    return OutputBytes(bytes, out, out_length);
  });
}

CertkitError certkit_keystore_save_n(const CertkitKeystore* store, CertkitStoreFormat format,
                                     const char* password, size_t password_length,
                                     unsigned flags, uint8_t** out, size_t* out_length) {
  // Enum arguments are passed on by reference: C callers may pass any int.
  return KeystoreSaveImpl(store, format, password, password_length, flags, out, out_length);
}

CertkitError certkit_keystore_save(const CertkitKeystore* store, CertkitStoreFormat format,
                                   const char* password, unsigned flags, uint8_t** out,
                                   size_t* out_length) {
  return KeystoreSaveImpl(store, format, password, Len(password), flags, out, out_length);
}

static CertkitError KeystoreSaveFileImpl(const CertkitKeystore* store, const char* path,
                                          size_t path_length, CertkitStoreFormat const& format,
                                          const char* password, size_t password_length,
                                          unsigned flags) {
  return Guard([&]() -> absl::Status {
    CK_REQUIRE(store);
    CK_ASSIGN(absl::string_view path_view, Text(path, path_length, "path"));
    CK_ASSIGN(auto pass, OptionalText(password, password_length, "password"));
    CK_ASSIGN(certkit::StoreFormat fmt, ToStoreFormat(format));
    CK_ASSIGN(certkit::SaveOptions options, ToSaveOptions(flags));
    return store->store.SaveFile(std::string(path_view), fmt, pass.value_or(absl::string_view()),
                                 options);
  });
}

CertkitError certkit_keystore_save_file_n(const CertkitKeystore* store, const char* path,
                                          size_t path_length, CertkitStoreFormat format,
                                          const char* password, size_t password_length,
                                          unsigned flags) {
  // Enum arguments are passed on by reference: C callers may pass any int.
  return KeystoreSaveFileImpl(store, path, path_length, format, password, password_length, flags);
}

CertkitError certkit_keystore_save_file(const CertkitKeystore* store, const char* path,
                                        CertkitStoreFormat format, const char* password,
                                        unsigned flags) {
  return KeystoreSaveFileImpl(store, path, Len(path), format, password, Len(password),
                                      flags);
}

CertkitError certkit_keystore_count(const CertkitKeystore* store, size_t* out) {
  return Guard([&]() -> absl::Status {
    CK_REQUIRE(store);
    CK_REQUIRE(out);
    *out = store->store.size();
    return absl::OkStatus();
  });
}

CertkitError certkit_keystore_alias_at(const CertkitKeystore* store, size_t index, char** out,
                                       size_t* out_length) {
  return Guard([&]() -> absl::Status {
    CK_REQUIRE(store);
    if (index >= store->store.size()) {
      return MakeError(ErrorKind::kLimitExceeded,
                       "entry index " + std::to_string(index) + " is out of range (there are " +
                           std::to_string(store->store.size()) + ")");
    }
    return OutputText(store->store.entries()[index].alias, out, out_length);
  });
}

CertkitError certkit_keystore_entry_type_n(const CertkitKeystore* store, const char* alias,
                                           size_t alias_length, CertkitEntryType* out) {
  return ReadEntry(store, alias, alias_length, out,
                   [&](const certkit::KeyStoreEntry& entry) -> absl::Status {
    *out = entry.is_key() ? CERTKIT_ENTRY_PRIVATE_KEY : CERTKIT_ENTRY_TRUSTED_CERT;
    return absl::OkStatus();
  });
}

CertkitError certkit_keystore_entry_type(const CertkitKeystore* store, const char* alias,
                                         CertkitEntryType* out) {
  return certkit_keystore_entry_type_n(store, alias, Len(alias), out);
}

CertkitError certkit_keystore_entry_date_n(const CertkitKeystore* store, const char* alias,
                                           size_t alias_length, int64_t* out) {
  return ReadEntry(store, alias, alias_length, out,
                   [&](const certkit::KeyStoreEntry& entry) -> absl::Status {
    *out = certkit::capi::ToUnix(entry.creation_date);
    return absl::OkStatus();
  });
}

CertkitError certkit_keystore_entry_date(const CertkitKeystore* store, const char* alias,
                                         int64_t* out) {
  return certkit_keystore_entry_date_n(store, alias, Len(alias), out);
}

CertkitError certkit_keystore_get_cert_n(const CertkitKeystore* store, const char* alias,
                                         size_t alias_length, CertkitCert** out) {
  return ReadEntry(store, alias, alias_length, out,
                   [&](const certkit::KeyStoreEntry& entry) -> absl::Status {
    if (entry.chain.empty()) {
      return MakeError(ErrorKind::kNotFound, "entry '" + entry.alias + "' has no certificate");
    }
    *out = New<CertkitCert>(entry.certificate());
    return absl::OkStatus();
  });
}

CertkitError certkit_keystore_get_cert(const CertkitKeystore* store, const char* alias,
                                       CertkitCert** out) {
  return certkit_keystore_get_cert_n(store, alias, Len(alias), out);
}

CertkitError certkit_keystore_get_chain_n(const CertkitKeystore* store, const char* alias,
                                          size_t alias_length, CertkitCertList** out) {
  return ReadEntry(store, alias, alias_length, out,
                   [&](const certkit::KeyStoreEntry& entry) -> absl::Status {
    *out = New<CertkitCertList>(entry.chain);
    return absl::OkStatus();
  });
}

CertkitError certkit_keystore_get_chain(const CertkitKeystore* store, const char* alias,
                                        CertkitCertList** out) {
  return certkit_keystore_get_chain_n(store, alias, Len(alias), out);
}

CertkitError certkit_keystore_get_key_n(const CertkitKeystore* store, const char* alias,
                                        size_t alias_length, CertkitKey** out) {
  return ReadEntry(store, alias, alias_length, out,
                   [&](const certkit::KeyStoreEntry& entry) -> absl::Status {
    CK_ASSIGN(certkit::PrivateKey key, entry.UnlockedKey());
    *out = New<CertkitKey>(std::move(key));
    return absl::OkStatus();
  });
}

CertkitError certkit_keystore_get_key(const CertkitKeystore* store, const char* alias,
                                      CertkitKey** out) {
  return certkit_keystore_get_key_n(store, alias, Len(alias), out);
}

CertkitError certkit_keystore_set_key_entry_n(CertkitKeystore* store, const char* alias,
                                              size_t alias_length, const CertkitKey* key,
                                              const CertkitCertList* chain) {
  return Guard([&]() -> absl::Status {
    CK_REQUIRE(store);
    CK_REQUIRE(key);
    CK_REQUIRE(chain);
    CK_ASSIGN(absl::string_view name, Text(alias, alias_length, "alias"));
    if (chain->certs.empty()) {
      return MakeError(ErrorKind::kInvalidArgument,
                       "the chain for key entry '" + std::string(name) + "' is empty");
    }
    return store->store.SetKeyEntry(name, key->key, chain->certs);
  });
}

CertkitError certkit_keystore_set_key_entry(CertkitKeystore* store, const char* alias,
                                            const CertkitKey* key, const CertkitCertList* chain) {
  return certkit_keystore_set_key_entry_n(store, alias, Len(alias), key, chain);
}

CertkitError certkit_keystore_add_trusted_cert_n(CertkitKeystore* store, const char* alias,
                                                 size_t alias_length, const CertkitCert* cert) {
  return Guard([&]() -> absl::Status {
    CK_REQUIRE(store);
    CK_REQUIRE(cert);
    CK_ASSIGN(absl::string_view name, Text(alias, alias_length, "alias"));
    return store->store.AddTrustedCert(name, cert->cert);
  });
}

CertkitError certkit_keystore_add_trusted_cert(CertkitKeystore* store, const char* alias,
                                               const CertkitCert* cert) {
  return certkit_keystore_add_trusted_cert_n(store, alias, Len(alias), cert);
}

CertkitError certkit_keystore_import_ca_reply_n(CertkitKeystore* store, const char* alias,
                                                size_t alias_length,
                                                const CertkitCertList* reply) {
  return Guard([&]() -> absl::Status {
    CK_REQUIRE(store);
    CK_REQUIRE(reply);
    CK_ASSIGN(absl::string_view name, Text(alias, alias_length, "alias"));
    return store->store.ImportCaReply(name, reply->certs);
  });
}

CertkitError certkit_keystore_import_ca_reply(CertkitKeystore* store, const char* alias,
                                              const CertkitCertList* reply) {
  return certkit_keystore_import_ca_reply_n(store, alias, Len(alias), reply);
}

CertkitError certkit_keystore_delete_n(CertkitKeystore* store, const char* alias,
                                       size_t alias_length) {
  return Guard([&]() -> absl::Status {
    CK_REQUIRE(store);
    CK_ASSIGN(absl::string_view name, Text(alias, alias_length, "alias"));
    return store->store.Delete(name);
  });
}

CertkitError certkit_keystore_delete(CertkitKeystore* store, const char* alias) {
  return certkit_keystore_delete_n(store, alias, Len(alias));
}

CertkitError certkit_keystore_rename_n(CertkitKeystore* store, const char* from,
                                       size_t from_length, const char* to, size_t to_length) {
  return Guard([&]() -> absl::Status {
    CK_REQUIRE(store);
    CK_ASSIGN(absl::string_view from_view, Text(from, from_length, "from"));
    CK_ASSIGN(absl::string_view to_view, Text(to, to_length, "to"));
    return store->store.Rename(from_view, to_view);
  });
}

CertkitError certkit_keystore_rename(CertkitKeystore* store, const char* from, const char* to) {
  return certkit_keystore_rename_n(store, from, Len(from), to, Len(to));
}

CertkitError certkit_keystore_unlock_key_n(CertkitKeystore* store, const char* alias,
                                           size_t alias_length, const char* key_password,
                                           size_t key_password_length) {
  return Guard([&]() -> absl::Status {
    CK_REQUIRE(store);
    CK_ASSIGN(absl::string_view name, Text(alias, alias_length, "alias"));
    CK_ASSIGN(absl::string_view pass, Text(key_password, key_password_length, "key_password"));
    return store->store.UnlockKey(name, pass);
  });
}

CertkitError certkit_keystore_unlock_key(CertkitKeystore* store, const char* alias,
                                         const char* key_password) {
  return certkit_keystore_unlock_key_n(store, alias, Len(alias), key_password,
                                       Len(key_password));
}

CertkitError certkit_keystore_merge(CertkitKeystore* store, const CertkitKeystore* other,
                                    int overwrite) {
  return Guard([&]() -> absl::Status {
    CK_REQUIRE(store);
    CK_REQUIRE(other);
    return store->store.Merge(other->store, overwrite != 0);
  });
}

CertkitError certkit_keystore_trusted_certs(const CertkitKeystore* store,
                                            CertkitCertList** out) {
  return Guard([&]() -> absl::Status {
    CK_REQUIRE(store);
    CK_REQUIRE(out);
    *out = New<CertkitCertList>(store->store.TrustedCertificates());
    return absl::OkStatus();
  });
}

static CertkitError KeystoreConvertImpl(const uint8_t* data, size_t data_length,
                                        const char* in_password, size_t in_password_length,
                                        CertkitStoreFormat const& in_format,
                                        CertkitStoreFormat const& out_format,
                                        const char* out_password, size_t out_password_length,
                                        unsigned flags,
                                        uint8_t** out, size_t* out_length) {
  return Guard([&]() -> absl::Status {
    CK_REQUIRE(data);
    CK_REQUIRE(out);
    CK_REQUIRE(out_length);
    CK_ASSIGN(auto bytes, ByteInput(data, data_length, "data"));
    CK_ASSIGN(auto in_pass, OptionalText(in_password, in_password_length, "in_password"));
    CK_ASSIGN(auto out_pass, OptionalText(out_password, out_password_length, "out_password"));
    certkit::LoadOptions load;
    CK_ASSIGN(load.format, ToStoreFormat(in_format));
    CK_ASSIGN(certkit::StoreFormat target, ToStoreFormat(out_format));
    CK_ASSIGN(certkit::KeyStore store,
              certkit::KeyStore::Load(bytes, in_pass.value_or(absl::string_view()), load));
    CK_ASSIGN(certkit::SaveOptions options, ToSaveOptions(flags));
    CK_ASSIGN(certkit::Bytes saved, store.Save(target, out_pass.value_or(absl::string_view()), options));
    return OutputBytes(saved, out, out_length);
  });
}

CertkitError certkit_keystore_convert_n(const uint8_t* data, size_t data_length,
                                        const char* in_password, size_t in_password_length,
                                        CertkitStoreFormat in_format,
                                        CertkitStoreFormat out_format, const char* out_password,
                                        size_t out_password_length, unsigned flags,
                                        uint8_t** out, size_t* out_length) {
  // Enum arguments are passed on by reference: C callers may pass any int.
  return KeystoreConvertImpl(data, data_length, in_password, in_password_length, in_format,
                             out_format, out_password, out_password_length, flags, out,
                             out_length);
}

CertkitError certkit_keystore_convert(const uint8_t* data, size_t data_length,
                                      const char* in_password, CertkitStoreFormat in_format,
                                      CertkitStoreFormat out_format, const char* out_password,
                                      unsigned flags, uint8_t** out, size_t* out_length) {
  return KeystoreConvertImpl(data, data_length, in_password, Len(in_password), in_format,
                                    out_format, out_password, Len(out_password), flags, out,
                                    out_length);
}

CertkitError certkit_ca_load_keystore_n(const CertkitKeystore* store, const char* alias,
                                        size_t alias_length, CertkitCa** out) {
  return Guard([&]() -> absl::Status {
    CK_REQUIRE(store);
    CK_REQUIRE(out);
    CK_ASSIGN(auto name, OptionalText(alias, alias_length, "alias"));
    CK_ASSIGN(certkit::CertificateAuthority ca, store->store.LoadCa(name));
    *out = New<CertkitCa>(std::move(ca));
    return absl::OkStatus();
  });
}

CertkitError certkit_ca_load_keystore(const CertkitKeystore* store, const char* alias,
                                      CertkitCa** out) {
  return certkit_ca_load_keystore_n(store, alias, Len(alias), out);
}

}  // extern "C"
