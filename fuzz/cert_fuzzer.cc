// Certificates, PEM or DER: parse, describe, and the DER round trip.
#include "certkit/cert.h"
#include "fuzz_common.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using certkit_fuzz::Require;
  const absl::string_view text(reinterpret_cast<const char*>(data), size);
  auto der = certkit::Certificate::FromDer(certkit_fuzz::Span(data, size));
  if (der.ok()) {
    (void)der->Summary();
    (void)der->subject().ToRfc4514();
    auto again = certkit::Certificate::FromDer(der->ToDer());
    Require(again.ok() && *again == *der, "certificate DER round trip");
    auto pem = certkit::Certificate::FromPem(der->ToPem());
    Require(pem.ok() && *pem == *der, "certificate PEM round trip");
  }
  auto bundle = certkit::Certificate::ParseBundle(text);
  if (bundle.ok()) {
    for (const certkit::Certificate& c : *bundle) (void)c.Summary();
    auto again = certkit::Certificate::ParseBundle(certkit::CertificatesToPem(*bundle));
    Require(again.ok() && *again == *bundle, "PEM bundle round trip");
  }
  return 0;
}
