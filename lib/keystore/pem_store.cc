#include "keystore/pem_store.h"

#include <algorithm>
#include <set>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "absl/strings/ascii.h"
#include "certkit/error.h"
#include "openssl/x509.h"
#include "util/pem_blocks.h"

namespace certkit {
namespace keystore {
namespace {

constexpr size_t kMaxChain = 16;

bool IsCertLabel(const std::string& l) {
  return l == "CERTIFICATE" || l == "X509 CERTIFICATE" || l == "TRUSTED CERTIFICATE";
}
bool IsKeyLabel(const std::string& l) {
  return l == "PRIVATE KEY" || l == "ENCRYPTED PRIVATE KEY" || l == "RSA PRIVATE KEY" ||
         l == "EC PRIVATE KEY";
}

// FriendlyNames returns, per PEM block in order, the "friendlyName:" value
// that precedes it since the previous block ("" if none).
std::vector<std::string> FriendlyNames(absl::string_view text) {
  std::vector<std::string> names;
  std::string pending;
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    line = absl::StripAsciiWhitespace(line);
    if (absl::StartsWith(line, "-----BEGIN ")) {
      names.push_back(pending);
      pending.clear();
    } else if (absl::ConsumePrefix(&line, "friendlyName:")) {
      pending = std::string(absl::StripAsciiWhitespace(line));
    }
  }
  return names;
}

bool Issued(const Certificate& cert, const Certificate& issuer) {
  return X509_NAME_cmp(X509_get_issuer_name(cert.native()), X509_get_subject_name(issuer.native())) == 0;
}

void AddComment(std::string* out, const std::string& alias) {
  absl::StrAppend(out, "Bag Attributes\n    friendlyName: ", alias, "\n");
}

}  // namespace

absl::StatusOr<KeyStore> LoadPemStore(absl::Span<const uint8_t> data, absl::string_view password,
                                      const LoadOptions& options) {
  absl::string_view text(reinterpret_cast<const char*>(data.data()), data.size());
  auto blocks = pem::Parse(text);
  if (!blocks.ok()) return blocks.status();
  std::vector<std::string> names = FriendlyNames(text);
  struct KeyItem {
    PrivateKey key;
    std::string name;
  };
  std::vector<KeyItem> keys;
  std::vector<Certificate> certs;
  std::vector<std::string> cert_names;
  for (size_t i = 0; i < blocks->size(); ++i) {
    const pem::Block& b = (*blocks)[i];
    std::string name = i < names.size() ? names[i] : "";
    std::string pem_text = pem::Encode(b.label, b.der, b.headers);
    if (IsCertLabel(b.label)) {
      auto cert = Certificate::FromPem(pem_text);
      if (!cert.ok()) return Annotate(cert.status(), absl::StrCat("PEM block ", i));
      certs.push_back(std::move(*cert));
      cert_names.push_back(name);
    } else if (IsKeyLabel(b.label)) {
      KeyPolicy policy;
      policy.allow_weak_keys = true;
      auto key = PrivateKey::FromPem(pem_text, password, policy);
      if (!key.ok() && GetErrorKind(key.status()) == ErrorKind::kBadPassword && options.key_password) {
        key = PrivateKey::FromPem(pem_text, *options.key_password, policy);
      }
      if (!key.ok()) return Annotate(key.status(), absl::StrCat("PEM block ", i, " (", b.label, ")"));
      keys.push_back({std::move(*key), name});
    }
  }
  if (keys.empty() && certs.empty()) {
    return MakeError(ErrorKind::kMalformed, "PEM store holds no certificate and no private key");
  }
  KeyStore ks;
  ks.set_source_format(StoreFormat::kPem);
  std::set<std::string> aliases;
  auto claim = [&](std::string name, const char* prefix, int n) -> absl::StatusOr<std::string> {
    if (name.empty()) {
      do {
        name = absl::StrCat(prefix, n++);
      } while (aliases.count(name));
    }
    name = KeyStore::NormalizeAlias(name);
    if (!aliases.insert(name).second) {
      return MakeError(ErrorKind::kInvalidArgument, absl::StrCat("PEM store names alias '", name, "' twice"));
    }
    return name;
  };
  absl::Time now = absl::FromUnixMillis(absl::ToUnixMillis(absl::Now()));
  std::vector<bool> used(certs.size(), false);
  for (size_t k = 0; k < keys.size(); ++k) {
    int leaf = -1;
    for (size_t i = 0; i < certs.size() && leaf < 0; ++i) {
      if (certs[i].MatchesKey(keys[k].key)) leaf = static_cast<int>(i);
    }
    std::string name = keys[k].name.empty() && leaf >= 0 ? cert_names[leaf] : keys[k].name;
    auto alias = claim(name, "key-", static_cast<int>(k) + 1);
    if (!alias.ok()) return alias.status();
    if (leaf < 0) {
      return MakeError(ErrorKind::kMalformed,
                       absl::StrCat("PEM store: no certificate matches private key '", *alias, "'"));
    }
    KeyStoreEntry entry;
    entry.type = KeyStoreEntry::Type::kPrivateKey;
    entry.alias = *alias;
    entry.creation_date = now;
    entry.key = keys[k].key;
    entry.chain.push_back(certs[leaf]);
    used[leaf] = true;
    while (entry.chain.size() < kMaxChain && !entry.chain.back().is_self_issued()) {
      int next = -1;
      for (size_t i = 0; i < certs.size() && next < 0; ++i) {
        bool in_chain = std::find(entry.chain.begin(), entry.chain.end(), certs[i]) != entry.chain.end();
        if (!in_chain && Issued(entry.chain.back(), certs[i])) next = static_cast<int>(i);
      }
      if (next < 0) break;
      entry.chain.push_back(certs[next]);
      used[next] = true;
    }
    ks.mutable_entries().push_back(std::move(entry));
  }
  int n = 0;
  for (size_t i = 0; i < certs.size(); ++i) {
    if (used[i]) continue;
    auto alias = claim(cert_names[i], "cert-", ++n);
    if (!alias.ok()) return alias.status();
    KeyStoreEntry entry;
    entry.type = KeyStoreEntry::Type::kTrustedCert;
    entry.alias = *alias;
    entry.creation_date = now;
    entry.chain.push_back(certs[i]);
    ks.mutable_entries().push_back(std::move(entry));
  }
  return ks;
}

absl::StatusOr<Bytes> SavePemStore(const KeyStore& store, absl::string_view password,
                                   const SaveOptions& options) {
  std::string out;
  for (const KeyStoreEntry& e : store.entries()) {
    AddComment(&out, e.alias);
    if (e.is_key()) {
      if (options.pem_encrypt_keys && !password.empty()) {
        auto pem = e.key->ToEncryptedPkcs8Pem(password);
        if (!pem.ok()) return pem.status();
        out += *pem;
      } else {
        out += e.key->ToPem(KeyFormat::kPkcs8);
      }
      for (size_t i = 0; i < e.chain.size(); ++i) {
        if (i == 0) AddComment(&out, e.alias);
        out += e.chain[i].ToPem();
      }
    } else {
      out += e.certificate().ToPem();
    }
  }
  return Bytes(out.begin(), out.end());
}

}  // namespace keystore
}  // namespace certkit
