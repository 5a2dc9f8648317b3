// PKCS12 stores: load, and save -> load equality in every writable format.
#include "store_fuzzer.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  return certkit_fuzz::FuzzStore(data, size, certkit::StoreFormat::kPkcs12);
}
