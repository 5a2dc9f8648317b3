// tests/verify/test_certs.h: building deliberately shaped (and deliberately
// broken) certificates with BoringSSL's X509 setters, for the rule tests.
// Extensions are given in OpenSSL config syntax ("critical,CA:TRUE").
#ifndef CERTKIT_TESTS_VERIFY_TEST_CERTS_H_
#define CERTKIT_TESTS_VERIFY_TEST_CERTS_H_

#include <ctime>
#include <string>
#include <utility>
#include <vector>

#include "certkit/cert.h"
#include "openssl/evp.h"
#include "openssl/x509.h"

namespace verify_test {

bssl::UniquePtr<EVP_PKEY> NewEcKey();
bssl::UniquePtr<EVP_PKEY> NewRsaKey(int bits);

struct TestCert {
  bssl::UniquePtr<X509> x509;
  bssl::UniquePtr<EVP_PKEY> key;
  certkit::Certificate cert() const { return certkit::Certificate(x509.get()); }
};

struct Spec {
  std::string cn;
  int version = 3;
  time_t not_before = 0;          // 0 = now - 1 day
  time_t not_after = 0;           // 0 = now + 30 days
  long serial = 0;                // 0 = a fresh positive serial
  const EVP_MD* md = nullptr;     // nullptr = SHA-256
  bool add_ski = true;
  bool add_aki = true;            // only for non-self-signed
  // Extensions in config syntax, e.g. {"basicConstraints", "critical,CA:TRUE"}.
  std::vector<std::pair<std::string, std::string>> extensions;
  bssl::UniquePtr<EVP_PKEY> key;  // nullptr = new P-256 key
  // A raw extension added verbatim: OID, critical, DER value.
  std::string raw_oid;
  bool raw_critical = false;
  std::string raw_der;
};

// Make issues |spec| signed by |issuer| (self-signed when null). |sign_key|
// overrides the signing key (to forge a bad signature).
TestCert Make(Spec spec, const TestCert* issuer, EVP_PKEY* sign_key = nullptr);

// Convenience shapes.
TestCert Root(const std::string& cn = "Test Root");
TestCert Intermediate(const TestCert& issuer, const std::string& cn = "Test Intermediate",
                      const std::string& pathlen = "");
TestCert Leaf(const TestCert& issuer, const std::string& san = "DNS:node1.example.com,IP:10.0.0.1",
              const std::string& eku = "serverAuth,clientAuth");

// MakeCrl builds a v2 CRL by |issuer| revoking |serials|.
std::string MakeCrl(const TestCert& issuer, const std::vector<const TestCert*>& revoked,
                    bool with_number = true);

// CrlSpec shapes a CRL beyond MakeCrl's defaults.
struct CrlSpec {
  long next_update = 86400;   // seconds from now (negative: already expired)
  bool no_next_update = false;
  std::string idp;            // issuingDistributionPoint in config syntax ("critical,onlyCA:TRUE")
  bool critical_entry_ext = false;  // each entry gets a critical invalidityDate
  int reason = -1;                  // each entry's CRLReason; -1 = none
};
std::string MakeCrl(const TestCert& issuer, const std::vector<const TestCert*>& revoked,
                    const CrlSpec& spec);

std::string ToPem(const TestCert& c);

}  // namespace verify_test

#endif  // CERTKIT_TESTS_VERIFY_TEST_CERTS_H_
