// The format-neutral KeyStore model and its keytool-like operations; Load()
// and Save() dispatch to the codecs.
#include "certkit/keystore.h"

#include <algorithm>
#include <set>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "certkit/ca_files.h"
#include "certkit/error.h"
#include "certkit/file.h"
#include "keystore/entry_assembly.h"
#include "keystore/java_strings.h"
#include "keystore/jks.h"
#include "keystore/keystore_access.h"
#include "keystore/pem_store.h"
#include "keystore/pkcs12.h"
#include "openssl/mem.h"
#include "openssl/x509.h"

namespace certkit {
namespace {

constexpr size_t kMaxChainDepth = 16;

absl::Status NotAKeyEntry(absl::string_view alias) {
  return MakeError(ErrorKind::kInvalidArgument,
                   absl::StrCat("entry '", alias, "' is a trusted certificate, not a key entry"));
}

absl::Time EntryDate(absl::Time date) {
  if (date == absl::InfinitePast()) date = absl::Now();
  return absl::FromUnixMillis(absl::ToUnixMillis(date));  // the precision JKS keeps
}

EntrySummary Summarize(const KeyStoreEntry& e) {
  EntrySummary s;
  s.alias = e.alias;
  s.creation_date = e.creation_date;
  s.type = e.type;
  s.chain_length = e.chain.size();
  s.locked = e.locked();
  if (!e.chain.empty()) {
    const Certificate& c = e.certificate();
    s.sha256_fingerprint = c.Sha256Fingerprint();
    s.subject = c.subject().ToRfc4514();
    s.not_after = c.not_after();
  }
  return s;
}

// SignedBy reports whether |issuer| issued |cert| (name match and a valid
// signature).
bool SignedBy(const Certificate& cert, const Certificate& issuer) {
  if (X509_NAME_cmp(X509_get_issuer_name(cert.native()), X509_get_subject_name(issuer.native())) != 0) {
    return false;
  }
  bssl::UniquePtr<EVP_PKEY> pub(X509_get_pubkey(issuer.native()));
  return pub != nullptr && X509_verify(cert.native(), pub.get()) == 1;
}

}  // namespace

absl::Status AliasNotFound(const KeyStore& store, absl::string_view alias) {
  constexpr size_t kMaxListed = 10;
  std::string message = absl::StrCat("alias '", KeyStore::NormalizeAlias(alias), "' not found");
  if (store.size() == 0) return MakeError(ErrorKind::kNotFound, absl::StrCat(message, "; the store is empty"));
  absl::StrAppend(&message, "; the store holds ");
  for (size_t i = 0; i < store.size() && i < kMaxListed; ++i) {
    absl::StrAppend(&message, i == 0 ? "'" : ", '", store.entries()[i].alias, "'");
  }
  if (store.size() > kMaxListed) absl::StrAppend(&message, " and ", store.size() - kMaxListed, " more");
  return MakeError(ErrorKind::kNotFound, message);
}

std::string KeyStore::NormalizeAlias(absl::string_view alias) {
  return keystore::JavaLowerCase(alias);
}

absl::StatusOr<KeyStore> KeyStore::Load(absl::Span<const uint8_t> data, absl::string_view password,
                                        const LoadOptions& options) {
  StoreFormat format = options.format;
  if (format == StoreFormat::kAuto) {
    auto detected = DetectStoreFormat(data);
    if (!detected.ok()) return detected.status();
    format = *detected;
  }
  // One budget for every key derivation this file costs.
  crypto::KdfBudget budget(options.max_total_iterations);
  crypto::PbeLimits limits;
  limits.max_iterations = options.max_iterations;
  limits.budget = &budget;
  switch (format) {
    case StoreFormat::kJks:
    case StoreFormat::kJceks:
      return keystore::LoadJks(data, password, options, limits);
    case StoreFormat::kPkcs12:
      // skip_integrity_check: LoadPkcs12 reads a passwordless trust store
      // (no MAC, nothing encrypted) and refuses anything else.
      return keystore::LoadPkcs12(data, options.skip_integrity_check ? "" : password, options, limits);
    case StoreFormat::kPem:
      return keystore::LoadPemStore(data, password, options, limits);
    case StoreFormat::kAuto:
      break;
  }
  return MakeError(ErrorKind::kInvalidArgument, "no store format given");
}

absl::StatusOr<KeyStore> KeyStore::LoadFile(const std::string& path, absl::string_view password,
                                            const LoadOptions& options) {
  auto data = ReadFile(path);
  if (!data.ok()) return data.status();
  auto store = Load(*data, password, options);
  OPENSSL_cleanse(data->data(), data->size());
  if (!store.ok()) return Annotate(store.status(), path);
  return store;
}

absl::StatusOr<Bytes> KeyStore::Save(StoreFormat format, absl::string_view password,
                                     const SaveOptions& options) const {
  if (format != StoreFormat::kJks) {
    for (const KeyStoreEntry& e : entries_) {
      if (e.locked()) {
        return MakeError(ErrorKind::kBadKeyPassword,
                         absl::StrCat("key entry '", e.alias,
                                      "' is locked (its key password differs); unlock it before "
                                      "writing ", StoreFormatName(format)));
      }
      // PKCS#12 and PEM keep no chain structure: readers (certkit, and the
      // JDK for PKCS#12) rebuild a key's chain by issuer name. A chain that
      // does not link by name would come back different, its stray
      // certificates as new trusted entries, so it is refused here.
      for (size_t i = 0; i + 1 < e.chain.size(); ++i) {
        // Compared as the readers do: the names, ignoring ASCII case.
        if (absl::AsciiStrToLower(e.chain[i].issuer().ToRfc4514()) !=
            absl::AsciiStrToLower(e.chain[i + 1].subject().ToRfc4514())) {
          return MakeError(
              ErrorKind::kInvalidArgument,
              absl::StrCat("the chain of key entry '", e.alias, "' is not a certificate chain: "
                           "certificate ", i + 1, " is issued by '",
                           e.chain[i].issuer().ToRfc4514(), "', but certificate ", i + 2,
                           " is '", e.chain[i + 1].subject().ToRfc4514(), "'; ",
                           StoreFormatName(format),
                           " cannot keep it (it links chains by issuer name)"));
        }
      }
    }
    absl::Status survives = keystore::CheckChainsSurvive(entries_, format == StoreFormat::kPem,
                                                         StoreFormatName(format));
    if (!survives.ok()) return survives;
  }
  switch (format) {
    case StoreFormat::kJks:
      return keystore::SaveJks(*this, password, options);
    case StoreFormat::kPkcs12:
      return keystore::SavePkcs12(*this, password, options);
    case StoreFormat::kPem:
      return keystore::SavePemStore(*this, password, options);
    case StoreFormat::kJceks:
      return MakeError(ErrorKind::kUnsupported, "writing JCEKS is not supported (use JKS or PKCS12)");
    case StoreFormat::kAuto:
      break;
  }
  return MakeError(ErrorKind::kInvalidArgument, "Save needs an explicit store format");
}

absl::Status KeyStore::SaveFile(const std::string& path, StoreFormat format,
                                absl::string_view password, const SaveOptions& options) const {
  auto bytes = Save(format, password, options);
  if (!bytes.ok()) return Annotate(bytes.status(), path);
  WriteOptions wo;
  wo.mode = HasPrivateKeys() ? kPrivateFileMode : kPublicFileMode;
  wo.overwrite = options.overwrite;
  absl::Status s = WriteFileAtomic(path, *bytes, wo);
  OPENSSL_cleanse(bytes->data(), bytes->size());
  return s;
}

const KeyStoreEntry* KeyStore::Find(absl::string_view alias) const {
  std::string key = NormalizeAlias(alias);
  for (const KeyStoreEntry& e : entries_) {
    if (e.alias == key) return &e;
  }
  return nullptr;
}

std::vector<EntrySummary> KeyStore::List() const {
  std::vector<EntrySummary> out;
  for (const KeyStoreEntry& e : entries_) out.push_back(Summarize(e));
  return out;
}

absl::Status KeyStore::SetKeyEntry(absl::string_view alias, const PrivateKey& key,
                                   std::vector<Certificate> chain, absl::Time date) {
  std::string name = NormalizeAlias(alias);
  if (name.empty()) return MakeError(ErrorKind::kInvalidArgument, "alias must not be empty");
  if (chain.empty()) {
    return MakeError(ErrorKind::kInvalidArgument,
                     absl::StrCat("key entry '", name, "' needs at least one certificate"));
  }
  if (!chain.front().MatchesKey(key)) {
    return MakeError(ErrorKind::kKeyMismatch,
                     absl::StrCat("the certificate '", chain.front().subject().ToRfc4514(),
                                  "' does not belong to the private key of entry '", name, "'"));
  }
  KeyStoreEntry entry;
  entry.type = KeyStoreEntry::Type::kPrivateKey;
  entry.alias = name;
  entry.creation_date = EntryDate(date);
  entry.key = key;
  entry.chain = std::move(chain);
  locked_keys_.erase(name);
  for (KeyStoreEntry& e : entries_) {
    if (e.alias == name) {
      e = std::move(entry);
      return absl::OkStatus();
    }
  }
  entries_.push_back(std::move(entry));
  return absl::OkStatus();
}

absl::Status KeyStore::AddTrustedCert(absl::string_view alias, const Certificate& cert,
                                      absl::Time date) {
  std::string name = NormalizeAlias(alias);
  if (name.empty()) return MakeError(ErrorKind::kInvalidArgument, "alias must not be empty");
  if (Find(name) != nullptr) {
    return MakeError(ErrorKind::kAlreadyExists, absl::StrCat("alias '", name, "' already exists"));
  }
  KeyStoreEntry entry;
  entry.type = KeyStoreEntry::Type::kTrustedCert;
  entry.alias = name;
  entry.creation_date = EntryDate(date);
  entry.chain.push_back(cert);
  entries_.push_back(std::move(entry));
  return absl::OkStatus();
}

absl::Status KeyStore::ImportCaReply(absl::string_view alias,
                                     const std::vector<Certificate>& reply) {
  std::string name = NormalizeAlias(alias);
  KeyStoreEntry* entry = nullptr;
  for (KeyStoreEntry& e : entries_) {
    if (e.alias == name) entry = &e;
  }
  if (entry == nullptr) return AliasNotFound(*this, name);
  if (!entry->is_key()) {
    return MakeError(ErrorKind::kInvalidArgument,
                     absl::StrCat("alias '", name, "' is a trusted certificate, not a key entry"));
  }
  if (reply.empty()) return MakeError(ErrorKind::kInvalidArgument, "the CA reply holds no certificate");
  // The leaf is the reply certificate carrying the entry's public key.
  PublicKey entry_pub = entry->certificate().public_key();
  const Certificate* leaf = nullptr;
  for (const Certificate& c : reply) {
    if (c.public_key().Equals(entry_pub)) leaf = &c;
  }
  if (leaf == nullptr) {
    return MakeError(ErrorKind::kKeyMismatch,
                     absl::StrCat("the CA reply's public key does not match the key of entry '",
                                  name, "'"));
  }
  std::vector<Certificate> pool(reply.begin(), reply.end());
  for (const Certificate& t : TrustedCertificates()) pool.push_back(t);
  for (const KeyStoreEntry& e : entries_) {
    if (e.is_key() && e.alias != name) {
      for (size_t i = 1; i < e.chain.size(); ++i) pool.push_back(e.chain[i]);
    }
  }
  std::vector<Certificate> chain{*leaf};
  while (!chain.back().is_self_issued()) {
    if (chain.size() >= kMaxChainDepth) {
      return MakeError(ErrorKind::kPathLengthExceeded,
                       absl::StrCat("CA reply chain for '", name, "' is longer than ", kMaxChainDepth));
    }
    const Certificate* issuer = nullptr;
    for (const Certificate& c : pool) {
      bool used = std::find(chain.begin(), chain.end(), c) != chain.end();
      if (!used && SignedBy(chain.back(), c)) {
        issuer = &c;
        break;
      }
    }
    if (issuer == nullptr) {
      return MakeError(ErrorKind::kUnknownIssuer,
                       absl::StrCat("cannot complete the chain of '", name, "': issuer '",
                                    chain.back().issuer().ToRfc4514(),
                                    "' is neither in the reply nor a trusted entry of the store"));
    }
    chain.push_back(*issuer);
  }
  if (!SignedBy(chain.back(), chain.back())) {
    return MakeError(ErrorKind::kBadSignature,
                     absl::StrCat("root '", chain.back().subject().ToRfc4514(),
                                  "' of the CA reply is not validly self-signed"));
  }
  entry->chain = std::move(chain);
  return absl::OkStatus();
}

absl::Status KeyStore::Delete(absl::string_view alias) {
  std::string name = NormalizeAlias(alias);
  auto it = std::find_if(entries_.begin(), entries_.end(),
                         [&](const KeyStoreEntry& e) { return e.alias == name; });
  if (it == entries_.end()) return AliasNotFound(*this, name);
  entries_.erase(it);
  locked_keys_.erase(name);
  return absl::OkStatus();
}

absl::Status KeyStore::Rename(absl::string_view from, absl::string_view to) {
  std::string src = NormalizeAlias(from), dst = NormalizeAlias(to);
  if (dst.empty()) return MakeError(ErrorKind::kInvalidArgument, "alias must not be empty");
  KeyStoreEntry* entry = nullptr;
  for (KeyStoreEntry& e : entries_) {
    if (e.alias == src) entry = &e;
  }
  if (entry == nullptr) return AliasNotFound(*this, src);
  if (src == dst) return absl::OkStatus();
  if (Find(dst) != nullptr) {
    return MakeError(ErrorKind::kAlreadyExists, absl::StrCat("alias '", dst, "' already exists"));
  }
  entry->alias = dst;
  auto locked = locked_keys_.find(src);
  if (locked != locked_keys_.end()) {
    locked_keys_[dst] = std::move(locked->second);
    locked_keys_.erase(src);
  }
  return absl::OkStatus();
}

absl::Status KeyStore::UnlockKey(absl::string_view alias, absl::string_view key_password) {
  std::string name = NormalizeAlias(alias);
  KeyStoreEntry* entry = nullptr;
  for (KeyStoreEntry& e : entries_) {
    if (e.alias == name) entry = &e;
  }
  if (entry == nullptr) return AliasNotFound(*this, name);
  if (!entry->is_key()) {
    return MakeError(ErrorKind::kInvalidArgument, absl::StrCat("alias '", name, "' is not a key entry"));
  }
  if (!entry->locked()) return absl::OkStatus();
  auto locked = locked_keys_.find(name);
  if (locked == locked_keys_.end()) {
    return MakeError(ErrorKind::kInternal, absl::StrCat("locked key '", name, "' has no data"));
  }
  auto pkcs8 = keystore::RecoverJavaKey(locked->second, key_password, crypto::PbeLimits{});
  if (!pkcs8.ok()) return Annotate(pkcs8.status(), absl::StrCat("key entry '", name, "'"));
  KeyPolicy policy;
  policy.allow_weak_keys = true;
  auto key = PrivateKey::FromDer(*pkcs8, {}, policy);
  OPENSSL_cleanse(pkcs8->data(), pkcs8->size());
  if (!key.ok()) return Annotate(key.status(), absl::StrCat("key entry '", name, "'"));
  entry->key = std::move(*key);
  locked_keys_.erase(locked);
  return absl::OkStatus();
}

absl::StatusOr<Certificate> KeyStore::ExportCertificate(absl::string_view alias) const {
  const KeyStoreEntry* e = Find(alias);
  if (e == nullptr) {
    return AliasNotFound(*this, alias);
  }
  return e->certificate();
}

absl::Status KeyStore::Merge(const KeyStore& other, bool overwrite) {
  if (!overwrite) {
    for (const KeyStoreEntry& e : other.entries_) {
      if (Find(e.alias) != nullptr) {
        return MakeError(ErrorKind::kAlreadyExists,
                         absl::StrCat("alias '", e.alias, "' exists in both stores"));
      }
    }
  }
  for (const KeyStoreEntry& e : other.entries_) {
    auto it = std::find_if(entries_.begin(), entries_.end(),
                           [&](const KeyStoreEntry& x) { return x.alias == e.alias; });
    if (it != entries_.end()) {
      *it = e;
    } else {
      entries_.push_back(e);
    }
    locked_keys_.erase(e.alias);
    auto locked = other.locked_keys_.find(e.alias);
    if (locked != other.locked_keys_.end()) locked_keys_[e.alias] = locked->second;
  }
  return absl::OkStatus();
}

std::vector<EntrySummary> KeyStore::ExpiringWithin(absl::Duration window, absl::Time now) const {
  std::vector<EntrySummary> out;
  for (const KeyStoreEntry& e : entries_) {
    if (!e.chain.empty() && e.certificate().not_after() < now + window) out.push_back(Summarize(e));
  }
  return out;
}

std::vector<Certificate> KeyStore::TrustedCertificates() const {
  std::vector<Certificate> out;
  for (const KeyStoreEntry& e : entries_) {
    if (!e.is_key()) out.push_back(e.certificate());
  }
  return out;
}

bool KeyStore::HasPrivateKeys() const {
  return std::any_of(entries_.begin(), entries_.end(), [](const KeyStoreEntry& e) { return e.is_key(); });
}

absl::StatusOr<std::vector<Certificate>> KeyStore::TrustAnchors() const {
  std::vector<Certificate> out;
  for (const KeyStoreEntry& e : entries_) {
    if (!e.chain.empty()) out.push_back(e.certificate());
  }
  if (out.empty()) return MakeError(ErrorKind::kNotFound, "the trust store holds no certificate");
  return out;
}

absl::StatusOr<const KeyStoreEntry*> KeyStore::Entry(absl::string_view alias) const {
  const KeyStoreEntry* entry = Find(alias);
  if (entry == nullptr) {
    return AliasNotFound(*this, alias);
  }
  return entry;
}

absl::StatusOr<const KeyStoreEntry*> KeyStore::KeyEntry(absl::string_view alias) const {
  auto entry = Entry(alias);
  if (!entry.ok()) return entry.status();
  if (!(*entry)->is_key()) return NotAKeyEntry((*entry)->alias);
  return entry;
}

absl::StatusOr<const KeyStoreEntry*> KeyStore::SoleKeyEntry() const {
  const KeyStoreEntry* found = nullptr;
  std::string aliases;
  for (const KeyStoreEntry& entry : entries_) {
    if (!entry.is_key()) continue;
    absl::StrAppend(&aliases, aliases.empty() ? "" : ", ", "'", entry.alias, "'");
    if (found != nullptr) {
      return MakeError(ErrorKind::kInvalidArgument,
                       absl::StrCat("the key store holds several key entries (", aliases,
                                    "...); name the alias"));
    }
    found = &entry;
  }
  if (found == nullptr) return MakeError(ErrorKind::kNotFound, "the key store holds no private key entry");
  return found;
}

absl::StatusOr<const KeyStoreEntry*> KeyStore::SelectKeyEntry(
    std::optional<absl::string_view> alias) const {
  return alias.has_value() ? KeyEntry(*alias) : SoleKeyEntry();
}

absl::StatusOr<CertificateAuthority> KeyStore::LoadCa(std::optional<absl::string_view> alias) const {
  auto entry = SelectKeyEntry(alias);
  if (!entry.ok()) return entry.status();
  auto key = (*entry)->UnlockedKey();
  if (!key.ok()) return key.status();
  return CaFromBundle((*entry)->chain, *key);
}

absl::StatusOr<PrivateKey> KeyStoreEntry::UnlockedKey() const {
  if (!is_key()) return NotAKeyEntry(alias);
  if (!key.has_value()) {
    return MakeError(ErrorKind::kBadKeyPassword,
                     absl::StrCat("the key of entry '", alias,
                                  "' is still locked: its key password differs from the store "
                                  "password"));
  }
  return *key;
}

}  // namespace certkit
