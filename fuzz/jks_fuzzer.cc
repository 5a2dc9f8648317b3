// JKS stores: load, and save -> load equality in every writable format.
#include "jks_mutator.h"
#include "store_fuzzer.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  return certkit_fuzz::FuzzStore(data, size, certkit::StoreFormat::kJks);
}

// Mutations keep a valid integrity digest (jks_mutator.h).
extern "C" size_t LLVMFuzzerCustomMutator(uint8_t* data, size_t size, size_t max_size,
                                          unsigned int /*seed*/) {
  return certkit_fuzz::MutateJks(data, size, max_size);
}
