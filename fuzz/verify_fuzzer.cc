// Chain verification: the input is split into DER certificates (each
// preceded by a 2-byte big-endian length); the first is the leaf, the last
// the trust anchor, the others intermediates. Validation time is fixed so
// runs are reproducible.
#include <vector>

#include "absl/time/time.h"
#include "certkit/verify.h"
#include "fuzz_common.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::vector<certkit::Certificate> certs;
  while (size >= 2 && certs.size() < 16) {
    const size_t len = (size_t{data[0]} << 8) | data[1];
    data += 2;
    size -= 2;
    if (len > size) break;
    auto c = certkit::Certificate::FromDer(certkit_fuzz::Span(data, len));
    if (c.ok()) certs.push_back(*std::move(c));
    data += len;
    size -= len;
  }
  if (certs.size() < 2) return 0;
  certkit::TrustStore trust({certs.back()});
  std::vector<certkit::Certificate> intermediates(certs.begin() + 1, certs.end() - 1);
  certkit::VerifyOptions o;
  o.at = absl::FromUnixSeconds(1767225600);  // 2026-01-01
  o.identity = certkit::PeerIdentity::Dns("node1.example.com");
  auto r = certkit::Verify(certs.front(), intermediates, trust, o);
  if (r.ok()) {
    certkit_fuzz::Require(!r->chain.empty() && r->chain.front() == certs.front(),
                          "a verified chain does not start at the leaf");
  }
  return 0;
}
