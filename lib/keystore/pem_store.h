// lib/keystore/pem_store.h (internal): key stores and trust stores as PEM
// bundles.
//
// Written: per entry an OpenSSL-style "Bag Attributes / friendlyName: alias"
// comment, then for a key entry the key (encrypted PKCS#8, PBES2
// AES-256-CBC, when a password is given and SaveOptions.pem_encrypt_keys) and
// its chain leaf first; for a trusted entry its certificate.
// Read: every key is paired with the certificate carrying its public key and
// the issuers found in the bundle; the remaining certificates are trusted
// entries. Aliases come from "friendlyName:" comments (as printed by
// `openssl pkcs12 -nodes`), else "key-N" / "cert-N".
// A store with no entries is written as the single line kEmptyPemStoreLine,
// which reads back as an empty store (a 0-byte file stays an error: it is
// more likely a truncated write than an intent).
#ifndef CERTKIT_LIB_KEYSTORE_PEM_STORE_H_
#define CERTKIT_LIB_KEYSTORE_PEM_STORE_H_

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "certkit/keystore.h"
#include "crypto/pbe.h"

namespace certkit {
namespace keystore {

inline constexpr char kEmptyPemStoreLine[] = "# certkit PEM store with no entries\n";

// IsEmptyPemStore reports whether |data| is exactly what SavePemStore writes
// for a store with no entries.
bool IsEmptyPemStore(absl::Span<const uint8_t> data);

// LoadPemStore parses a PEM bundle. Encrypted keys open with |password| or
// options.key_password (kBadPassword otherwise); no certificate or key at
// all is kMalformed.
absl::StatusOr<KeyStore> LoadPemStore(absl::Span<const uint8_t> data, absl::string_view password,
                                      const LoadOptions& options,
                                      const crypto::PbeLimits& limits);

// SavePemStore writes |store| as a PEM bundle.
absl::StatusOr<Bytes> SavePemStore(const KeyStore& store, absl::string_view password,
                                   const SaveOptions& options);

}  // namespace keystore
}  // namespace certkit

#endif  // CERTKIT_LIB_KEYSTORE_PEM_STORE_H_
