#include "keystore/pem_store.h"

#include <algorithm>
#include <set>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "absl/strings/ascii.h"
#include "certkit/display.h"
#include "certkit/error.h"
#include "keystore/keystore_access.h"
#include "openssl/x509.h"
#include "core/key_limits.h"
#include "keystore/encrypted_key_info.h"
#include "keystore/entry_assembly.h"
#include "util/pem_blocks.h"

namespace certkit {
namespace keystore {
namespace {

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

void AddComment(std::string* out, const std::string& alias) {
  absl::StrAppend(out, "Bag Attributes\n    friendlyName: ", alias, "\n");
}

}  // namespace

bool IsEmptyPemStore(absl::Span<const uint8_t> data) {
  return absl::string_view(reinterpret_cast<const char*>(data.data()), data.size()) ==
         kEmptyPemStoreLine;
}

absl::StatusOr<KeyStore> LoadPemStore(absl::Span<const uint8_t> data, absl::string_view password,
                                      const LoadOptions& options,
                                      const crypto::PbeLimits& limits) {
  if (IsEmptyPemStore(data)) {
    KeyStore empty;
    KeyStoreAccess::SetSourceFormat(empty, StoreFormat::kPem);
    return empty;
  }
  absl::string_view text(reinterpret_cast<const char*>(data.data()), data.size());
  auto blocks = pem::Parse(text);
  if (!blocks.ok()) return blocks.status();
  // The key-derivation work of every encrypted key, before the first.
  int64_t declared = 0;
  for (const pem::Block& b : *blocks) {
    if (b.label == "ENCRYPTED PRIVATE KEY") declared += DeclaredKeyKdfWork(b.der);
  }
  if (absl::Status st = crypto::CheckDeclaredKdf(limits, declared, "the PEM store"); !st.ok()) {
    return st;
  }
  std::vector<std::string> names = FriendlyNames(text);
  absl::Time now = absl::FromUnixMillis(absl::ToUnixMillis(absl::Now()));
  std::vector<LooseKey> keys;
  std::vector<LooseCert> certs;
  for (size_t i = 0; i < blocks->size(); ++i) {
    const pem::Block& b = (*blocks)[i];
    std::string name = i < names.size() ? names[i] : "";
    std::string pem_text = pem::Encode(b.label, b.der, b.headers);
    if (IsCertLabel(b.label)) {
      auto cert = Certificate::FromPem(pem_text);
      if (!cert.ok()) return Annotate(cert.status(), absl::StrCat("PEM block ", i));
      certs.push_back({std::move(*cert), name, {}, false, now});
    } else if (IsKeyLabel(b.label)) {
      KeyPolicy policy;
      policy.allow_weak_keys = true;
      auto key = PrivateKeyFromPem(pem_text, password, policy, limits);
      if (!key.ok() && GetErrorKind(key.status()) == ErrorKind::kBadPassword && options.key_password) {
        key = PrivateKeyFromPem(pem_text, *options.key_password, policy, limits);
      }
      if (!key.ok()) return Annotate(key.status(), absl::StrCat("PEM block ", i, " (", b.label, ")"));
      keys.push_back({std::move(*key), name, {}, now});
    }
  }
  if (keys.empty() && certs.empty()) {
    return MakeError(ErrorKind::kMalformed, "PEM store holds no certificate and no private key");
  }
  auto entries = AssembleEntries(std::move(keys), std::move(certs), "PEM store",
                                 /*named_certs_are_entries=*/true);
  if (!entries.ok()) return entries.status();
  KeyStore ks;
  KeyStoreAccess::SetSourceFormat(ks, StoreFormat::kPem);
  KeyStoreAccess::Entries(ks) = std::move(*entries);
  return ks;
}

absl::StatusOr<Bytes> SavePemStore(const KeyStore& store, absl::string_view password,
                                   const SaveOptions& options) {
  // An alias travels as a "friendlyName:" line read back with its white space
  // trimmed: one with a line break (which could also forge PEM blocks) or
  // leading/trailing white space would not come back, so it is refused.
  for (const KeyStoreEntry& e : store.entries()) {
    if (e.alias.find_first_of("\r\n") != std::string::npos ||
        absl::StripAsciiWhitespace(e.alias) != e.alias) {
      return MakeError(ErrorKind::kInvalidArgument,
                       absl::StrCat("alias '", EscapeForDisplay(e.alias),
                                    "' cannot be written to a PEM store (a line break or white space "
                                    "at either end would not survive); rename the entry first"));
    }
  }
  std::string out;
  if (store.entries().empty()) out = kEmptyPemStoreLine;
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
