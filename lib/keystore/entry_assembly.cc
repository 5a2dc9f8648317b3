#include "keystore/entry_assembly.h"

#include <algorithm>
#include <map>
#include <set>
#include <utility>

#include "absl/strings/str_cat.h"
#include "certkit/error.h"
#include "openssl/err.h"
#include "openssl/evp.h"
#include "openssl/x509.h"

namespace certkit {
namespace keystore {
namespace {

// Longest chain followed from a leaf; bounds loops in hostile input.
constexpr size_t kMaxChain = 16;
// Signature checks one file may cost while chains are rebuilt.
constexpr int kMaxSignatureChecks = 4096;

// IssuerMatcher decides whether one certificate issued another: the issuer
// name must equal the candidate's subject AND the signature must verify
// under the candidate's key. Results are remembered, and the number of
// signature checks is bounded.
class IssuerMatcher {
 public:
  IssuerMatcher(const std::vector<LooseCert>& certs, absl::string_view format)
      : certs_(certs), format_(format) {}

  // NameLinks: |issuer|'s subject is |child|'s issuer name.
  bool NameLinks(size_t child, size_t issuer) const {
    return X509_NAME_cmp(X509_get_issuer_name(certs_[child].cert.native()),
                         X509_get_subject_name(certs_[issuer].cert.native())) == 0;
  }

  absl::StatusOr<bool> Issued(size_t child, size_t issuer) {
    const X509* c = certs_[child].cert.native();
    const X509* i = certs_[issuer].cert.native();
    if (!NameLinks(child, issuer)) return false;
    auto found = memo_.find({child, issuer});
    if (found != memo_.end()) return found->second;
    if (++checks_ > kMaxSignatureChecks) {
      return MakeError(ErrorKind::kLimitExceeded,
                       absl::StrCat(format_, " holds too many certificates with the same name ",
                                    "to rebuild its chains (more than ", kMaxSignatureChecks,
                                    " signature checks)"));
    }
    bssl::UniquePtr<EVP_PKEY> key(X509_get_pubkey(const_cast<X509*>(i)));
    const bool ok = key != nullptr && X509_verify(const_cast<X509*>(c), key.get()) == 1;
    ERR_clear_error();
    memo_[{child, issuer}] = ok;
    return ok;
  }

 private:
  const std::vector<LooseCert>& certs_;
  std::string format_;
  std::map<std::pair<size_t, size_t>, bool> memo_;
  int checks_ = 0;
};

// MergeDuplicates folds certificates with identical DER into their first
// occurrence, keeping the trusted occurrence's name (else the first non-empty
// one) and the first localKeyId.
std::vector<LooseCert> MergeDuplicates(std::vector<LooseCert> certs) {
  std::vector<LooseCert> out;
  for (LooseCert& c : certs) {
    LooseCert* same = nullptr;
    for (LooseCert& o : out) {
      if (o.cert == c.cert) same = &o;
    }
    if (same == nullptr) {
      out.push_back(std::move(c));
      continue;
    }
    // The trusted occurrence's name is the entry's alias (keytool also names
    // chain copies, after their subject DN); otherwise the first name wins.
    if (same->name.empty() || (c.trusted && !same->trusted && !c.name.empty())) {
      same->name = c.name;
    }
    if (same->local_key_id.empty()) same->local_key_id = c.local_key_id;
    same->trusted = same->trusted || c.trusted;
  }
  return out;
}

class AliasSet {
 public:
  explicit AliasSet(absl::string_view format) : format_(format) {}

  // Claim returns |name| lower-cased, or a fresh "<prefix>N" when empty;
  // kInvalidArgument when the alias is already taken.
  absl::StatusOr<std::string> Claim(std::string name, const char* prefix) {
    if (name.empty()) {
      do {
        name = absl::StrCat(prefix, ++counter_);
      } while (taken_.count(name));
    }
    name = KeyStore::NormalizeAlias(name);
    if (!taken_.insert(name).second) {
      return MakeError(ErrorKind::kInvalidArgument,
                       absl::StrCat(format_, " holds two entries named '", name, "'"));
    }
    return name;
  }

 private:
  std::string format_;
  std::set<std::string> taken_;
  int counter_ = 0;
};

}  // namespace

absl::StatusOr<std::vector<KeyStoreEntry>> AssembleEntries(std::vector<LooseKey> keys,
                                                           std::vector<LooseCert> loose_certs,
                                                           absl::string_view format_name,
                                                           bool named_certs_are_entries) {
  std::vector<LooseCert> certs = MergeDuplicates(std::move(loose_certs));
  std::vector<bool> in_chain(certs.size(), false);
  std::vector<KeyStoreEntry> entries;
  AliasSet aliases(format_name);
  IssuerMatcher issued(certs, format_name);
  // A certificate that is an entry of its own (trusted, or named in PEM) is
  // an issuer of last resort: a chain copy written with the key wins, so a
  // chain ending at an old root stays on it when a renewed root with the same
  // name and key is also stored.
  auto own_entry = [&](size_t i) {
    return certs[i].trusted || (named_certs_are_entries && !certs[i].name.empty());
  };

  for (size_t k = 0; k < keys.size(); ++k) {
    LooseKey& key = keys[k];
    int leaf = -1;
    if (!key.local_key_id.empty()) {
      for (size_t i = 0; i < certs.size() && leaf < 0; ++i) {
        if (certs[i].local_key_id == key.local_key_id && certs[i].cert.MatchesKey(key.key)) {
          leaf = static_cast<int>(i);
        }
      }
    }
    for (size_t i = 0; i < certs.size() && leaf < 0; ++i) {
      if (certs[i].cert.MatchesKey(key.key)) leaf = static_cast<int>(i);
    }
    if (leaf < 0) {
      std::string label = key.name.empty() ? absl::StrCat("number ", k + 1)
                                           : absl::StrCat("'", key.name, "'");
      return MakeError(ErrorKind::kMalformed,
                       absl::StrCat(format_name, ": no certificate matches private key ", label));
    }
    absl::StatusOr<std::string> alias =
        aliases.Claim(key.name.empty() ? certs[leaf].name : key.name, "key-");
    if (!alias.ok()) return alias.status();

    KeyStoreEntry entry;
    entry.type = KeyStoreEntry::Type::kPrivateKey;
    entry.alias = *alias;
    entry.creation_date = key.date;
    entry.key = std::move(key.key);
    std::vector<size_t> members = {static_cast<size_t>(leaf)};
    entry.chain.push_back(certs[leaf].cert);
    // An issuer is looked for in four passes: chain copies whose key
    // verifies the signature, then entries of their own that do; then, as
    // the JDK links (by name only), chain copies and entries that carry the
    // issuer name: a certificate whose signature does not verify (corrupted,
    // or signed with an algorithm this build cannot check) keeps the chain it
    // was written with.
    while (entry.chain.size() < kMaxChain && !entry.chain.back().is_self_issued()) {
      int next = -1;
      for (int pass = 0; pass < 4 && next < 0; ++pass) {
        const bool by_signature = pass < 2;
        const bool own_entries = pass % 2 == 1;
        for (size_t i = 0; i < certs.size() && next < 0; ++i) {
          bool already = false;
          for (size_t m : members) already = already || m == i;
          if (already || own_entry(i) != own_entries) continue;
          if (!by_signature) {
            if (issued.NameLinks(members.back(), i)) next = static_cast<int>(i);
            continue;
          }
          absl::StatusOr<bool> is_issuer = issued.Issued(members.back(), i);
          if (!is_issuer.ok()) return is_issuer.status();
          if (*is_issuer) next = static_cast<int>(i);
        }
      }
      if (next < 0) break;
      members.push_back(static_cast<size_t>(next));
      entry.chain.push_back(certs[next].cert);
    }
    for (size_t m : members) in_chain[m] = true;
    // The leaf's name belongs to the key entry, not to a trusted entry.
    certs[leaf].name.clear();
    entries.push_back(std::move(entry));
  }

  for (size_t i = 0; i < certs.size(); ++i) {
    // PKCS#12 follows the JDK: only certificates marked trusted are trust
    // anchors; others outside every chain are dropped. PEM has no trust
    // marker, so there any certificate outside a chain is one.
    const bool entry_of_its_own =
        certs[i].trusted ||
        (named_certs_are_entries && (!in_chain[i] || !certs[i].name.empty()));
    if (!entry_of_its_own) continue;
    absl::StatusOr<std::string> alias = aliases.Claim(certs[i].name, "cert-");
    if (!alias.ok()) return alias.status();
    KeyStoreEntry entry;
    entry.type = KeyStoreEntry::Type::kTrustedCert;
    entry.alias = *alias;
    entry.creation_date = certs[i].date;
    entry.chain.push_back(std::move(certs[i].cert));
    entries.push_back(std::move(entry));
  }
  return entries;
}

absl::Status CheckChainsSurvive(const std::vector<KeyStoreEntry>& entries, bool pem,
                                absl::string_view format_name) {
  std::vector<LooseKey> keys;
  std::vector<LooseCert> certs;
  std::vector<Bytes> written;  // PKCS#12 writes a chain certificate once
  auto add_chain = [&](const KeyStoreEntry& e, const Bytes& local_key_id) {
    for (size_t i = 0; i < e.chain.size(); ++i) {
      if (!pem && i > 0) {
        Bytes der = e.chain[i].ToDer();
        if (std::find(written.begin(), written.end(), der) != written.end()) continue;
        written.push_back(std::move(der));
      }
      certs.push_back({e.chain[i], i == 0 ? e.alias : std::string(), i == 0 ? local_key_id : Bytes(),
                       false, e.creation_date});
    }
  };
  // The writers' orders: PKCS#12 puts trusted entries first; PEM keeps the
  // store's order. The localKeyId value only has to pair a key with its leaf.
  for (const KeyStoreEntry& e : entries) {
    if (!e.is_key() && !pem) {
      certs.push_back({e.certificate(), e.alias, {}, true, e.creation_date});
      written.push_back(e.certificate().ToDer());
    }
  }
  for (size_t n = 0; n < entries.size(); ++n) {
    const KeyStoreEntry& e = entries[n];
    if (e.is_key()) {
      Bytes id;
      if (!pem) id = {static_cast<uint8_t>(n >> 24), static_cast<uint8_t>(n >> 16),
                      static_cast<uint8_t>(n >> 8), static_cast<uint8_t>(n)};
      keys.push_back({*e.key, e.alias, id, e.creation_date});
      add_chain(e, id);
    } else if (pem) {
      certs.push_back({e.certificate(), e.alias, {}, false, e.creation_date});
    }
  }
  auto back = AssembleEntries(std::move(keys), std::move(certs), format_name, pem);
  if (!back.ok()) {
    return Annotate(back.status(), absl::StrCat("this store cannot be written as ", format_name));
  }
  for (const KeyStoreEntry& e : entries) {
    if (!e.is_key()) continue;
    const KeyStoreEntry* read = nullptr;
    for (const KeyStoreEntry& b : *back) {
      if (b.is_key() && b.alias == e.alias) read = &b;
    }
    if (read == nullptr) {
      return MakeError(ErrorKind::kInvalidArgument,
                       absl::StrCat("key entry '", e.alias, "' would not read back from ", format_name));
    }
    for (size_t i = 0; i < e.chain.size(); ++i) {
      if (i < read->chain.size() && read->chain[i] == e.chain[i]) continue;
      return MakeError(
          ErrorKind::kInvalidArgument,
          absl::StrCat("the chain of key entry '", e.alias, "' would not read back from ", format_name,
                       ", which links chains by issuer name and signature: certificate ", i + 1, " ('",
                       e.chain[i].subject().ToRfc4514(), "', SHA-256 ", e.chain[i].Sha256Fingerprint(),
                       ") ",
                       i < read->chain.size()
                           ? absl::StrCat("would be replaced by a certificate with the same name (SHA-256 ",
                                          read->chain[i].Sha256Fingerprint(), ")")
                           : std::string("would be dropped"),
                       i > 0 ? absl::StrCat(": its key did not sign certificate ", i) : std::string()));
    }
  }
  return absl::OkStatus();
}

}  // namespace keystore
}  // namespace certkit
