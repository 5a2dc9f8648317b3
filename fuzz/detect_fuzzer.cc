// Format auto-detection: whatever DetectStoreFormat says, loading under
// auto-detection gives the same answer as loading in that format.
#include "store_fuzzer.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto format = certkit::DetectStoreFormat(certkit_fuzz::Span(data, size));
  auto detected = certkit::KeyStore::Load(certkit_fuzz::Span(data, size), certkit_fuzz::kPassword,
                                          certkit_fuzz::Options(certkit::StoreFormat::kAuto));
  if (!format.ok()) {
    certkit_fuzz::Require(!detected.ok(), "an undetectable input loaded");
    return 0;
  }
  auto direct = certkit::KeyStore::Load(certkit_fuzz::Span(data, size), certkit_fuzz::kPassword,
                                        certkit_fuzz::Options(*format));
  certkit_fuzz::Require(direct.ok() == detected.ok() && direct.status() == detected.status(),
                        "auto-detection and the detected format disagree");
  return 0;
}
