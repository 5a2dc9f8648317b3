// fuzz/store_fuzzer.h: the body shared by the keystore fuzz targets: load
// with the seeds' password in one format, then save the result in every
// writable format and check it loads back equal.
#ifndef CERTKIT_FUZZ_STORE_FUZZER_H_
#define CERTKIT_FUZZ_STORE_FUZZER_H_

#include "fuzz_common.h"

namespace certkit_fuzz {

inline int FuzzStore(const uint8_t* data, size_t size, certkit::StoreFormat format) {
  auto store = certkit::KeyStore::Load(Span(data, size), kPassword, Options(format));
  if (!store.ok()) return 0;
  (void)store->List();
  for (certkit::StoreFormat out :
       {certkit::StoreFormat::kJks, certkit::StoreFormat::kPkcs12, certkit::StoreFormat::kPem}) {
    bool locked = false;
    for (const certkit::KeyStoreEntry& e : store->entries()) locked = locked || e.locked();
    if (locked && out != certkit::StoreFormat::kJks) continue;  // only JKS keeps locked keys
    CheckSaveLoad(*store, out);
  }
  return 0;
}

}  // namespace certkit_fuzz

#endif  // CERTKIT_FUZZ_STORE_FUZZER_H_
