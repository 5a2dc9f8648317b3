// keystore/keystore_access.h (internal): what the format codecs need of a
// KeyStore beyond its public API: its entry list, source format and the
// still-locked JKS key blobs.
#ifndef CERTKIT_LIB_KEYSTORE_KEYSTORE_ACCESS_H_
#define CERTKIT_LIB_KEYSTORE_KEYSTORE_ACCESS_H_

#include <map>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "certkit/keystore.h"

namespace certkit {

struct KeyStoreAccess {
  static std::vector<KeyStoreEntry>& Entries(KeyStore& store) { return store.entries_; }
  static void SetSourceFormat(KeyStore& store, StoreFormat format) {
    store.source_format_ = format;
  }
  // alias -> JKS-protected key bytes of the entries that are still locked.
  static std::map<std::string, Bytes>& LockedKeys(KeyStore& store) { return store.locked_keys_; }
  static const std::map<std::string, Bytes>& LockedKeys(const KeyStore& store) {
    return store.locked_keys_;
  }
};

// AliasNotFound is the kNotFound error for an |alias| that |store| does not
// hold: "alias 'x' not found; the store holds 'a', 'b'" (at most 10 aliases,
// then how many more), or "; the store is empty".
absl::Status AliasNotFound(const KeyStore& store, absl::string_view alias);

}  // namespace certkit

#endif  // CERTKIT_LIB_KEYSTORE_KEYSTORE_ACCESS_H_
