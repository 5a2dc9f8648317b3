// Certificate requests, PEM or DER: parse, verify, and the DER round trip.
#include "certkit/csr.h"
#include "fuzz_common.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto der = certkit::CertificateRequest::FromDer(certkit_fuzz::Span(data, size));
  if (der.ok()) {
    (void)der->VerifySignature();
    auto again = certkit::CertificateRequest::FromDer(der->ToDer());
    certkit_fuzz::Require(again.ok() && again->ToDer() == der->ToDer(), "CSR DER round trip");
  }
  (void)certkit::CertificateRequest::Parse(
      absl::string_view(reinterpret_cast<const char*>(data), size));
  return 0;
}
