#include "keystore/jks.h"

#include <set>

#include "absl/strings/str_cat.h"
#include "certkit/error.h"
#include "keystore/encrypted_key_info.h"
#include "keystore/java_strings.h"
#include "keystore/jceks.h"
#include "keystore/jks_key_protector.h"
#include "keystore/keystore_access.h"
#include "openssl/bytestring.h"
#include "openssl/crypto.h"
#include "openssl/mem.h"
#include "openssl/sha.h"

namespace certkit {
namespace keystore {
namespace {

constexpr char kWhitener[] = "Mighty Aphrodite";
constexpr size_t kTrailerLen = SHA_DIGEST_LENGTH;

struct RawEntry {
  uint32_t tag = 0;
  std::string alias;  // as stored (UTF-8)
  int64_t date_ms = 0;
  Bytes protected_key;
  std::vector<Bytes> certs;
};

struct RawStore {
  uint32_t magic = 0;
  uint32_t version = 0;
  std::vector<RawEntry> entries;
};

const char* StoreName(uint32_t magic) { return magic == kJceksMagic ? "JCEKS" : "JKS"; }

absl::Status Truncated(const char* store, absl::string_view what, size_t index) {
  return MakeError(ErrorKind::kMalformed, absl::StrCat(store, " store is truncated or damaged: ",
                                                       what, " of entry ", index));
}

bool GetBytes(CBS* cbs, uint32_t len, Bytes* out) {
  CBS part;
  if (!CBS_get_bytes(cbs, &part, len)) return false;
  out->assign(CBS_data(&part), CBS_data(&part) + CBS_len(&part));
  return true;
}

// ReadUtf reads a DataInput.readUTF string and returns it as UTF-8.
absl::StatusOr<std::string> ReadUtf(CBS* cbs, const char* store, absl::string_view what,
                                    size_t index) {
  uint16_t len;
  CBS bytes;
  if (!CBS_get_u16(cbs, &len) || !CBS_get_bytes(cbs, &bytes, len)) {
    return Truncated(store, what, index);
  }
  std::string label = absl::StrCat(what, " of entry ", index);
  auto utf16 = DecodeModifiedUtf8(absl::MakeConstSpan(CBS_data(&bytes), CBS_len(&bytes)), label);
  if (!utf16.ok()) return utf16.status();
  return Utf16ToUtf8(*utf16, label);
}

absl::Status ReadCert(CBS* cbs, const RawStore& raw, size_t index, Bytes* out) {
  const char* store = StoreName(raw.magic);
  if (raw.version == 2) {
    auto type = ReadUtf(cbs, store, "certificate type", index);
    if (!type.ok()) return type.status();
    if (*type != "X.509") {
      return MakeError(ErrorKind::kUnsupported,
                       absl::StrCat(store, " entry ", index, " holds a certificate of type '",
                                    *type, "', only X.509 is supported"));
    }
  }
  uint32_t len;
  if (!CBS_get_u32(cbs, &len)) return Truncated(store, "certificate length", index);
  if (len > CBS_len(cbs)) {
    return MakeError(ErrorKind::kMalformed,
                     absl::StrCat(store, " entry ", index, " declares a ", len,
                                  "-byte certificate but only ", CBS_len(cbs), " bytes remain"));
  }
  GetBytes(cbs, len, out);
  return absl::OkStatus();
}

absl::StatusOr<RawStore> ParseStructure(absl::Span<const uint8_t> data) {
  RawStore raw;
  CBS cbs;
  CBS_init(&cbs, data.data(), data.size());
  uint32_t count;
  if (!CBS_get_u32(&cbs, &raw.magic) ||
      (raw.magic != kJksMagic && raw.magic != kJceksMagic)) {
    return MakeError(ErrorKind::kMalformed, "not a JKS/JCEKS store (bad magic number)");
  }
  const char* store = StoreName(raw.magic);
  if (!CBS_get_u32(&cbs, &raw.version) || !CBS_get_u32(&cbs, &count)) {
    return MakeError(ErrorKind::kMalformed, absl::StrCat(store, " header is truncated"));
  }
  if (raw.version != 1 && raw.version != 2) {
    return MakeError(ErrorKind::kUnsupported,
                     absl::StrCat(store, " version ", raw.version, " is not supported"));
  }
  // Every entry takes at least 4 (tag) + 2 (alias) + 8 (date) + 4 bytes.
  if (count > CBS_len(&cbs) / 18) {
    return MakeError(ErrorKind::kMalformed,
                     absl::StrCat(store, " declares ", count, " entries, more than its ",
                                  data.size(), " bytes can hold"));
  }
  for (uint32_t i = 0; i < count; ++i) {
    RawEntry e;
    if (!CBS_get_u32(&cbs, &e.tag)) return Truncated(store, "tag", i);
    if (e.tag != 1 && e.tag != 2 && !(e.tag == 3 && raw.magic == kJceksMagic)) {
      return MakeError(ErrorKind::kMalformed,
                       absl::StrCat(store, " entry ", i, " has unknown tag ", e.tag));
    }
    auto alias = ReadUtf(&cbs, store, "alias", i);
    if (!alias.ok()) return alias.status();
    e.alias = std::move(*alias);
    uint64_t date;
    if (!CBS_get_u64(&cbs, &date)) return Truncated(store, "date", i);
    e.date_ms = static_cast<int64_t>(date);
    if (e.tag == 3) {
      return MakeError(ErrorKind::kUnsupported,
                       absl::StrCat("JCEKS entry '", e.alias,
                                    "' is a secret key entry, which certkit does not support"));
    }
    if (e.tag == 1) {
      uint32_t key_len, chain_len;
      if (!CBS_get_u32(&cbs, &key_len)) return Truncated(store, "key length", i);
      if (key_len > CBS_len(&cbs)) {
        return MakeError(ErrorKind::kMalformed,
                         absl::StrCat(store, " entry '", e.alias, "' declares a ", key_len,
                                      "-byte key but only ", CBS_len(&cbs), " bytes remain"));
      }
      GetBytes(&cbs, key_len, &e.protected_key);
      if (!CBS_get_u32(&cbs, &chain_len)) return Truncated(store, "chain length", i);
      if (chain_len > CBS_len(&cbs) / 4) {
        return MakeError(ErrorKind::kMalformed,
                         absl::StrCat(store, " entry '", e.alias, "' declares a chain of ",
                                      chain_len, " certificates, more than the file can hold"));
      }
      for (uint32_t c = 0; c < chain_len; ++c) {
        Bytes cert;
        absl::Status s = ReadCert(&cbs, raw, i, &cert);
        if (!s.ok()) return s;
        e.certs.push_back(std::move(cert));
      }
    } else {
      Bytes cert;
      absl::Status s = ReadCert(&cbs, raw, i, &cert);
      if (!s.ok()) return s;
      e.certs.push_back(std::move(cert));
    }
    raw.entries.push_back(std::move(e));
  }
  if (CBS_len(&cbs) < kTrailerLen) {
    return MakeError(ErrorKind::kMalformed,
                     absl::StrCat(store, " store is truncated: integrity digest missing"));
  }
  if (CBS_len(&cbs) > kTrailerLen) {
    return MakeError(ErrorKind::kMalformed,
                     absl::StrCat(store, " store has ", CBS_len(&cbs) - kTrailerLen,
                                  " bytes of trailing garbage"));
  }
  return raw;
}

absl::StatusOr<Bytes> StoreDigest(absl::Span<const uint8_t> body, absl::string_view password) {
  auto utf16 = Utf8ToUtf16(password, "store password");
  if (!utf16.ok()) return utf16.status();
  Bytes pw = Utf16Be(*utf16);
  Bytes digest(SHA_DIGEST_LENGTH);
  SHA_CTX ctx;
  SHA1_Init(&ctx);
  SHA1_Update(&ctx, pw.data(), pw.size());
  SHA1_Update(&ctx, kWhitener, sizeof(kWhitener) - 1);
  SHA1_Update(&ctx, body.data(), body.size());
  SHA1_Final(digest.data(), &ctx);
  OPENSSL_cleanse(pw.data(), pw.size());
  return digest;
}

// ClassifyDigestMismatch tells a wrong password from a corrupted file: if a
// key entry opens with the password (its own check digest matches), the
// password is right and the file was modified.
absl::Status ClassifyDigestMismatch(const RawStore& raw, absl::string_view password,
                                    const crypto::PbeLimits& limits) {
  const char* store = StoreName(raw.magic);
  bool any_key = false;
  for (const RawEntry& e : raw.entries) {
    if (e.tag != 1) continue;
    any_key = true;
    // Only the store password proves anything here: a key that opens with a
    // separate key password says nothing about the store password.
    if (RecoverJavaKey(e.protected_key, password, limits).ok()) {
      return MakeError(ErrorKind::kIntegrity,
                       absl::StrCat(store, " store is corrupted: the integrity digest does not "
                                           "match although the password opens entry '",
                                    e.alias, "'"));
    }
  }
  if (!any_key) {
    for (const RawEntry& e : raw.entries) {
      for (const Bytes& der : e.certs) {
        if (!Certificate::FromDer(der).ok()) {
          return MakeError(ErrorKind::kIntegrity,
                           absl::StrCat(store, " store is corrupted: integrity digest mismatch "
                                               "and the certificate of entry '",
                                        e.alias, "' is damaged"));
        }
      }
    }
  }
  return MakeError(ErrorKind::kBadPassword,
                   absl::StrCat(store, " store password is incorrect (integrity digest mismatch)"));
}

absl::StatusOr<std::vector<Certificate>> ParseCerts(const RawEntry& e, const char* store) {
  std::vector<Certificate> chain;
  for (size_t i = 0; i < e.certs.size(); ++i) {
    auto cert = Certificate::FromDer(e.certs[i]);
    if (!cert.ok()) {
      return Annotate(cert.status(), absl::StrCat(store, " entry '", e.alias, "' certificate ", i));
    }
    chain.push_back(std::move(*cert));
  }
  return chain;
}

void PutU32(CBB* cbb, uint32_t v) { CBB_add_u32(cbb, v); }

absl::Status PutUtf(CBB* cbb, absl::string_view utf8, absl::string_view what) {
  auto utf16 = Utf8ToUtf16(utf8, what);
  if (!utf16.ok()) return utf16.status();
  std::string m = EncodeModifiedUtf8(*utf16);
  if (m.size() > 0xFFFF) {
    return MakeError(ErrorKind::kInvalidArgument, absl::StrCat(what, " is longer than 65535 bytes"));
  }
  CBB_add_u16(cbb, static_cast<uint16_t>(m.size()));
  CBB_add_bytes(cbb, reinterpret_cast<const uint8_t*>(m.data()), m.size());
  return absl::OkStatus();
}

absl::Status PutCert(CBB* cbb, const Certificate& cert) {
  absl::Status s = PutUtf(cbb, "X.509", "certificate type");
  if (!s.ok()) return s;
  Bytes der = cert.ToDer();
  PutU32(cbb, static_cast<uint32_t>(der.size()));
  CBB_add_bytes(cbb, der.data(), der.size());
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<Bytes> RecoverJavaKey(absl::Span<const uint8_t> epki, absl::string_view password,
                                     const crypto::PbeLimits& limits) {
  auto info = ParseEncryptedKeyInfo(epki);
  if (!info.ok()) return info.status();
  if (info->oid == kJceksKeyProtectorOid) return JceksRecoverKey(epki, password, limits);
  return SunRecoverKey(epki, password);
}

absl::StatusOr<KeyStore> LoadJks(absl::Span<const uint8_t> data, absl::string_view password,
                                 const LoadOptions& options, const crypto::PbeLimits& limits) {
  auto raw = ParseStructure(data);
  if (!raw.ok()) {
    // A store that cannot be read through (a JCEKS secret key entry) still
    // reports a wrong password first, as keytool does.
    if (GetErrorKind(raw.status()) == ErrorKind::kUnsupported && data.size() >= 4 + kTrailerLen &&
        !options.skip_integrity_check) {
      absl::Span<const uint8_t> body = data.subspan(0, data.size() - kTrailerLen);
      auto digest = StoreDigest(body, password);
      if (digest.ok() && CRYPTO_memcmp(digest->data(), data.data() + body.size(), kTrailerLen) != 0) {
        const uint32_t magic = (uint32_t{data[0]} << 24) | (uint32_t{data[1]} << 16) |
                               (uint32_t{data[2]} << 8) | data[3];
        return MakeError(ErrorKind::kBadPassword,
                         absl::StrCat(StoreName(magic),
                                      " store password is incorrect (integrity digest mismatch)"));
      }
    }
    return raw.status();
  }
  const char* store = StoreName(raw->magic);
  if (options.skip_integrity_check) {
    // Only trusted certificates: nothing here needs the password.
    for (const RawEntry& e : raw->entries) {
      if (e.tag != 2) {
        return MakeError(ErrorKind::kBadPassword,
                         absl::StrCat(store, " store holds key entry '", KeyStore::NormalizeAlias(e.alias),
                                      "': give the store password"));
      }
    }
  } else {
    absl::Span<const uint8_t> body = data.subspan(0, data.size() - kTrailerLen);
    auto digest = StoreDigest(body, password);
    if (!digest.ok()) return digest.status();
    if (CRYPTO_memcmp(digest->data(), data.data() + body.size(), kTrailerLen) != 0) {
      return ClassifyDigestMismatch(*raw, password, limits);
    }
  }

  KeyStore ks;
  KeyStoreAccess::SetSourceFormat(
      ks, raw->magic == kJceksMagic ? StoreFormat::kJceks : StoreFormat::kJks);
  std::set<std::string> seen;
  for (const RawEntry& e : raw->entries) {
    KeyStoreEntry entry;
    entry.alias = KeyStore::NormalizeAlias(e.alias);
    if (!seen.insert(entry.alias).second) {
      return MakeError(ErrorKind::kInvalidArgument,
                       absl::StrCat(store, " store holds alias '", entry.alias, "' twice"));
    }
    entry.creation_date = absl::FromUnixMillis(e.date_ms);
    auto chain = ParseCerts(e, store);
    if (!chain.ok()) return chain.status();
    entry.chain = std::move(*chain);
    if (e.tag == 2) {
      entry.type = KeyStoreEntry::Type::kTrustedCert;
    } else {
      entry.type = KeyStoreEntry::Type::kPrivateKey;
      if (entry.chain.empty()) {
        return MakeError(ErrorKind::kMalformed,
                         absl::StrCat(store, " key entry '", entry.alias, "' has no certificate"));
      }
      auto pkcs8 = RecoverJavaKey(e.protected_key, password, limits);
      if (!pkcs8.ok() && GetErrorKind(pkcs8.status()) == ErrorKind::kBadKeyPassword &&
          options.key_password) {
        pkcs8 = RecoverJavaKey(e.protected_key, *options.key_password, limits);
      }
      if (pkcs8.ok()) {
        KeyPolicy policy;
        policy.allow_weak_keys = true;  // read what exists; policies apply when issuing
        auto key = PrivateKey::FromDer(*pkcs8, {}, policy);
        OPENSSL_cleanse(pkcs8->data(), pkcs8->size());
        if (!key.ok()) {
          return Annotate(key.status(), absl::StrCat(store, " key entry '", entry.alias, "'"));
        }
        // keytool refuses to store such an entry; a file that holds one was
        // made elsewhere and cannot be converted faithfully.
        if (!entry.chain.front().MatchesKey(*key)) {
          return MakeError(ErrorKind::kKeyMismatch,
                           absl::StrCat(store, " key entry '", entry.alias,
                                        "': its first certificate (", entry.chain.front().subject().ToRfc4514(),
                                        ") does not carry the entry's public key"));
        }
        entry.key = std::move(*key);
      } else if (GetErrorKind(pkcs8.status()) == ErrorKind::kBadKeyPassword) {
        KeyStoreAccess::LockedKeys(ks)[entry.alias] = e.protected_key;  // stays locked
      } else {
        return Annotate(pkcs8.status(), absl::StrCat(store, " key entry '", entry.alias, "'"));
      }
    }
    KeyStoreAccess::Entries(ks).push_back(std::move(entry));
  }
  return ks;
}

absl::StatusOr<Bytes> SaveJks(const KeyStore& store, absl::string_view password,
                              const SaveOptions& options) {
  bssl::ScopedCBB cbb;
  CBB_init(cbb.get(), 4096);
  PutU32(cbb.get(), kJksMagic);
  PutU32(cbb.get(), 2);
  PutU32(cbb.get(), static_cast<uint32_t>(store.entries().size()));
  for (const KeyStoreEntry& e : store.entries()) {
    if (e.alias != KeyStore::NormalizeAlias(e.alias)) {
      return MakeError(ErrorKind::kInternal,
                       absl::StrCat("alias '", e.alias, "' is not lower-cased; refusing to write JKS"));
    }
    PutU32(cbb.get(), e.is_key() ? 1 : 2);
    absl::Status s = PutUtf(cbb.get(), e.alias, absl::StrCat("alias '", e.alias, "'"));
    if (!s.ok()) return s;
    CBB_add_u64(cbb.get(), static_cast<uint64_t>(absl::ToUnixMillis(e.creation_date)));
    if (e.is_key()) {
      Bytes protected_key;
      if (e.locked()) {
        auto it = KeyStoreAccess::LockedKeys(store).find(e.alias);
        if (it == KeyStoreAccess::LockedKeys(store).end()) {
          return MakeError(ErrorKind::kInternal, absl::StrCat("locked key '", e.alias, "' has no data"));
        }
        auto info = ParseEncryptedKeyInfo(it->second);
        if (!info.ok() || info->oid != kSunKeyProtectorOid) {
          return MakeError(ErrorKind::kUnsupported,
                           absl::StrCat("key entry '", e.alias,
                                        "' is locked under a non-JKS protection; unlock it first"));
        }
        protected_key = it->second;
      } else {
        auto kp = options.key_passwords.find(e.alias);
        absl::string_view key_password = kp != options.key_passwords.end()
                                             ? absl::string_view(kp->second)
                                             : password;
        Bytes pkcs8 = e.key->ToDer(KeyFormat::kPkcs8);
        auto prot = SunProtectKey(pkcs8, key_password);
        OPENSSL_cleanse(pkcs8.data(), pkcs8.size());
        if (!prot.ok()) return prot.status();
        protected_key = std::move(*prot);
      }
      PutU32(cbb.get(), static_cast<uint32_t>(protected_key.size()));
      CBB_add_bytes(cbb.get(), protected_key.data(), protected_key.size());
      PutU32(cbb.get(), static_cast<uint32_t>(e.chain.size()));
      for (const Certificate& c : e.chain) {
        s = PutCert(cbb.get(), c);
        if (!s.ok()) return s;
      }
    } else {
      s = PutCert(cbb.get(), e.certificate());
      if (!s.ok()) return s;
    }
  }
  auto digest = StoreDigest(absl::MakeConstSpan(CBB_data(cbb.get()), CBB_len(cbb.get())), password);
  if (!digest.ok()) return digest.status();
  CBB_add_bytes(cbb.get(), digest->data(), digest->size());
  return Bytes(CBB_data(cbb.get()), CBB_data(cbb.get()) + CBB_len(cbb.get()));
}

}  // namespace keystore
}  // namespace certkit
