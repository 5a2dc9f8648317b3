// Private keys in every format (PKCS#8, encrypted PKCS#8, PKCS#1, SEC 1,
// traditional PEM encryption), PEM or DER, with the seeds' password; a key
// that parses survives its PKCS#8 and traditional round trips.
#include "core/key_limits.h"
#include "certkit/key.h"
#include "fuzz_common.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using certkit_fuzz::Require;
  certkit::KeyPolicy policy;
  policy.allow_weak_keys = true;
  auto key = certkit::PrivateKeyFromDer(certkit_fuzz::Span(data, size), certkit_fuzz::kPassword,
                                        policy, certkit_fuzz::Limits());
  if (!key.ok()) return 0;
  (void)key->Describe();
  const certkit::Bytes pkcs8 = key->ToDer(certkit::KeyFormat::kPkcs8);
  auto again = certkit::PrivateKey::FromDer(pkcs8, {}, policy);
  Require(again.ok() && again->ToDer(certkit::KeyFormat::kPkcs8) == pkcs8, "PKCS#8 round trip");
  auto traditional = certkit::PrivateKey::FromPem(key->ToPem(certkit::KeyFormat::kTraditional), {},
                                                  policy);
  Require(traditional.ok() && traditional->ToDer(certkit::KeyFormat::kPkcs8) == pkcs8,
          "traditional PEM round trip");
  return 0;
}
