#include "certkit/keytool.h"

#include <set>

#include "absl/strings/str_cat.h"
#include "certkit/ca.h"
#include "certkit/error.h"
#include "keystore/keystore_access.h"

namespace certkit {
namespace {

const KeyStoreEntry* FindOrNull(const KeyStore& store, absl::string_view alias) {
  return store.Find(alias);
}

}  // namespace

absl::Status GenerateKeyPairEntry(KeyStore& store, const GenKeyPairOptions& options) {
  const std::string alias = KeyStore::NormalizeAlias(options.alias);
  if (store.Find(alias) != nullptr) {
    return MakeError(ErrorKind::kAlreadyExists,
                     absl::StrCat("key pair not generated: alias '", alias, "' already exists"));
  }
  auto key = PrivateKey::Generate(options.key_spec);
  if (!key.ok()) return key.status();
  auto cert = SelfSignLikeKeytool(options.subject, *key, options.sans, options.days);
  if (!cert.ok()) return cert.status();
  return store.SetKeyEntry(alias, *key, {*cert});
}

absl::StatusOr<PrivateKey> EntryPrivateKey(const KeyStore& store, absl::string_view alias) {
  const KeyStoreEntry* e = FindOrNull(store, alias);
  if (e == nullptr) return AliasNotFound(store, alias);
  if (!e->is_key()) {
    return MakeError(ErrorKind::kInvalidArgument,
                     absl::StrCat("alias '", e->alias, "' is a trusted certificate entry, not a key entry"));
  }
  if (e->locked()) {
    return MakeError(ErrorKind::kBadKeyPassword,
                     absl::StrCat("the key of '", e->alias,
                                  "' is protected by a different password; give its key password"));
  }
  return *e->key;
}

absl::StatusOr<CertificateRequest> CertificateRequestForEntry(const KeyStore& store, absl::string_view alias,
                                                              const std::vector<SubjectAltName>& extra_sans) {
  auto key = EntryPrivateKey(store, alias);
  if (!key.ok()) return key.status();
  const Certificate& cert = store.Find(alias)->certificate();
  CsrRequest req;
  req.subject = cert.subject();
  req.sans = cert.subject_alt_names();
  for (const SubjectAltName& s : extra_sans) {
    bool seen = false;
    for (const SubjectAltName& have : req.sans) seen = seen || have.ToString() == s.ToString();
    if (!seen) req.sans.push_back(s);
  }
  return CertificateRequest::Create(req, *key);
}

absl::StatusOr<std::vector<Certificate>> ExportChain(const KeyStore& store, absl::string_view alias) {
  const KeyStoreEntry* e = FindOrNull(store, alias);
  if (e == nullptr) return AliasNotFound(store, alias);
  return e->chain;
}

absl::StatusOr<std::vector<std::string>> ImportKeyStore(KeyStore& dest, const KeyStore& src,
                                                        const ImportKeyStoreOptions& options) {
  if (options.dest_alias && !options.src_alias) {
    return MakeError(ErrorKind::kInvalidArgument, "a destination alias needs a source alias");
  }
  KeyStore incoming;
  if (options.src_alias) {
    auto one = SelectEntries(src, {*options.src_alias});
    if (!one.ok()) return one.status();
    incoming = *std::move(one);
    if (options.dest_alias) {
      absl::Status s = incoming.Rename(*options.src_alias, *options.dest_alias);
      if (!s.ok()) return s;
    }
  } else {
    incoming = src;
  }
  std::vector<std::string> aliases;
  for (const KeyStoreEntry& e : incoming.entries()) {
    if (e.locked()) {
      return MakeError(ErrorKind::kBadKeyPassword,
                       absl::StrCat("the key of source entry '", e.alias,
                                    "' is protected by a different password; give its key password"));
    }
    if (!options.overwrite && dest.Find(e.alias) != nullptr) {
      return MakeError(ErrorKind::kAlreadyExists,
                       absl::StrCat("alias '", e.alias,
                                    "' already exists in the destination store; rename the entry "
                                    "or allow overwriting"));
    }
    aliases.push_back(e.alias);
  }
  absl::Status s = dest.Merge(incoming, options.overwrite);
  if (!s.ok()) return s;
  return aliases;
}

absl::StatusOr<std::vector<std::string>> ImportTrustedCertificates(KeyStore& store, absl::string_view alias,
                                                                   const std::vector<Certificate>& certs) {
  if (certs.empty()) return MakeError(ErrorKind::kInvalidArgument, "no certificate to import");
  const std::string base = KeyStore::NormalizeAlias(alias);
  std::vector<std::string> aliases;
  if (certs.size() == 1) {
    aliases.push_back(base);
  } else {
    for (size_t i = 0; i < certs.size(); ++i) aliases.push_back(absl::StrCat(base, "-", i + 1));
  }
  for (const std::string& a : aliases) {
    if (store.Find(a) != nullptr) {
      return MakeError(ErrorKind::kAlreadyExists, absl::StrCat("alias '", a, "' already exists"));
    }
  }
  KeyStore copy = store;
  for (size_t i = 0; i < certs.size(); ++i) {
    absl::Status s = copy.AddTrustedCert(aliases[i], certs[i]);
    if (!s.ok()) return s;
  }
  store = std::move(copy);
  return aliases;
}

absl::StatusOr<KeyStore> SelectEntries(const KeyStore& store, const std::vector<std::string>& aliases) {
  std::set<std::string> wanted;
  for (const std::string& a : aliases) {
    if (store.Find(a) == nullptr) return AliasNotFound(store, a);
    wanted.insert(KeyStore::NormalizeAlias(a));
  }
  KeyStore out = store;
  for (const KeyStoreEntry& e : store.entries()) {
    if (wanted.count(e.alias) == 0) {
      absl::Status s = out.Delete(e.alias);
      if (!s.ok()) return s;
    }
  }
  return out;
}

}  // namespace certkit
