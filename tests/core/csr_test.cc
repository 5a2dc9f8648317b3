// Tests of CertificateRequest against openssl req.
#include "certkit/csr.h"

#include <catch2/catch.hpp>

#include <string>

#include "certkit/cert.h"
#include "certkit/error.h"
#include "support/oracle.h"
#include "x509_fixtures.h"

using certkit::CertificateRequest;
using certkit::CsrRequest;
using certkit::ErrorKind;
using certkit::GetErrorKind;
using certkit_test::Run;
using certkit_test::TempDir;
using namespace x509_test;

TEST_CASE("CSRs for every key type pass openssl req -verify and carry the extensions") {
  REQUIRE(certkit_test::HaveTool("openssl"));
  struct Case {
    const char* spec;
    const char* sig_alg;
  } cases[] = {{"rsa:2048", "sha256WithRSAEncryption"},
               {"ec:p256", "ecdsa-with-SHA256"},
               {"ec:p384", "ecdsa-with-SHA384"},
               {"ed25519", "ED25519"}};
  for (const Case& c : cases) {
    INFO(c.spec);
    TempDir dir;
    auto key = NewKey(c.spec);
    CsrRequest req;
    req.subject = Dn("CN=10.200.175.15, OU=TestCluster, O=YourCompany, C=US");
    req.sans = Sans("IP:10.200.175.15,DNS:node1.example.com,email:ops@example.com");
    req.key_usage = certkit::kKuDigitalSignature | certkit::kKuKeyEncipherment;
    req.extended_key_usage = {certkit::kEkuServerAuth, certkit::kEkuClientAuth};
    auto csr = CertificateRequest::Create(req, key);
    INFO(csr.status());
    REQUIRE(csr.ok());
    CHECK(csr->VerifySignature().ok());
    CHECK(csr->signature_algorithm() == c.sig_alg);
    CHECK(csr->subject() == req.subject);
    CHECK(csr->requested_sans() == req.sans);
    CHECK(csr->requested_key_usage() == req.key_usage);
    CHECK(csr->requested_extended_key_usage() == req.extended_key_usage);
    CHECK(csr->public_key().Equals(key.public_key()));

    certkit_test::WriteString(dir.File("our.csr"), csr->ToPem());
    auto v = Run({"openssl", "req", "-verify", "-in", dir.File("our.csr"), "-noout"});
    INFO(v.output());
    CHECK(v.exit_code == 0);
    CHECK(Contains(v.output(), "verify OK"));
    auto text = Run({"openssl", "req", "-in", dir.File("our.csr"), "-noout", "-text"});
    REQUIRE(text.exit_code == 0);
    INFO(text.out);
    CHECK(Contains(text.out, "Subject: C = US, O = YourCompany, OU = TestCluster, CN = 10.200.175.15"));
    CHECK(Contains(text.out, "Requested Extensions:"));
    CHECK(Contains(text.out, "IP Address:10.200.175.15, DNS:node1.example.com, email:ops@example.com"));
    CHECK(Contains(text.out, "TLS Web Server Authentication, TLS Web Client Authentication"));
    CHECK(Contains(text.out, "Digital Signature, Key Encipherment"));

    // DER round trip and Parse() detection.
    const certkit::Bytes der = csr->ToDer();
    auto from_der = CertificateRequest::Parse(std::string(der.begin(), der.end()));
    REQUIRE(from_der.ok());
    CHECK(from_der->ToDer() == der);
    auto from_pem = CertificateRequest::Parse(csr->ToPem());
    REQUIRE(from_pem.ok());
    CHECK(from_pem->ToDer() == der);
  }
}

TEST_CASE("CSRs from openssl req and without extensions parse") {
  REQUIRE(certkit_test::HaveTool("openssl"));
  TempDir dir;
  auto r = Run({"openssl", "req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-384",
                "-nodes", "-keyout", dir.File("k.pem"), "-out", dir.File("r.csr"), "-subj",
                "/O=Cockroach/CN=node1", "-addext", "subjectAltName=DNS:node1,IP:::1"});
  INFO(r.output());
  REQUIRE(r.exit_code == 0);
  auto csr = CertificateRequest::FromPem(certkit_test::ReadString(dir.File("r.csr")));
  REQUIRE(csr.ok());
  CHECK(csr->VerifySignature().ok());
  CHECK(csr->subject().ToRfc4514() == "CN=node1, O=Cockroach");
  CHECK(csr->requested_sans() == Sans("DNS:node1,IP:::1"));
  CHECK_FALSE(csr->requested_key_usage().has_value());
  CHECK(csr->requested_extended_key_usage().empty());
  CHECK(csr->public_key().Describe() == "EC P-384");

  auto plain = NewCsr("CN=client", {}, NewKey("ec:p256"));
  CHECK(plain.requested_sans().empty());
  CHECK_FALSE(plain.requested_key_usage().has_value());
  // SAN-only request: the subject is empty and the SAN extension is critical.
  CsrRequest only_san;
  only_san.sans = Sans("DNS:svc.example.com");
  auto san_csr = CertificateRequest::Create(only_san, NewKey("ec:p256"));
  REQUIRE(san_csr.ok());
  CHECK(san_csr->subject().empty());
  certkit_test::WriteString(dir.File("san.csr"), san_csr->ToPem());
  auto t = Run({"openssl", "req", "-in", dir.File("san.csr"), "-noout", "-text", "-verify"});
  CHECK(t.exit_code == 0);
  CHECK(Contains(t.out, "X509v3 Subject Alternative Name: critical"));
}

TEST_CASE("bad CSR input fails with the right ErrorKind") {
  CsrRequest empty;
  auto none = CertificateRequest::Create(empty, NewKey("ec:p256"));
  REQUIRE_FALSE(none.ok());
  CHECK(GetErrorKind(none.status()) == ErrorKind::kInvalidArgument);
  CsrRequest bad_country;
  bad_country.subject = Dn("C=USA");
  CHECK(GetErrorKind(CertificateRequest::Create(bad_country, NewKey("ec:p256")).status()) ==
        ErrorKind::kInvalidArgument);
  CsrRequest bad_eku;
  bad_eku.subject = Dn("CN=x");
  bad_eku.extended_key_usage = {"serverAuth"};
  CHECK(GetErrorKind(CertificateRequest::Create(bad_eku, NewKey("ec:p256")).status()) ==
        ErrorKind::kInvalidArgument);

  auto good = NewCsr("CN=x", {}, NewKey("ec:p256"));
  const std::string pem = good.ToPem();
  certkit::Bytes der = good.ToDer();
  const std::string inputs[] = {
      "",
      "garbage",
      "-----BEGIN CERTIFICATE REQUEST-----\nAAAA\n-----END CERTIFICATE REQUEST-----\n",
      pem.substr(0, pem.size() / 2),
      "-----BEGIN CERTIFICATE-----\n" + pem.substr(36),
  };
  for (const std::string& in : inputs) {
    INFO(in);
    auto r = CertificateRequest::FromPem(in);
    REQUIRE_FALSE(r.ok());
    CHECK(GetErrorKind(r.status()) == ErrorKind::kMalformed);
  }
  certkit::Bytes truncated(der.begin(), der.end() - 3);
  CHECK(GetErrorKind(CertificateRequest::FromDer(truncated).status()) == ErrorKind::kMalformed);
  certkit::Bytes trailing = der;
  trailing.push_back(0);
  CHECK(GetErrorKind(CertificateRequest::FromDer(trailing).status()) == ErrorKind::kMalformed);
  CHECK(GetErrorKind(CertificateRequest::Parse("\x30\x03\x02\x01").status()) ==
        ErrorKind::kMalformed);
}

// The keytool CSR printed in the Cassandra guide (76-column lines, an
// extensionRequest holding only a subjectKeyIdentifier).
TEST_CASE("the keytool CSR from the Cassandra guide parses and verifies") {
  const std::string pem =
    "-----BEGIN NEW CERTIFICATE REQUEST-----\n"
    "MIICvDCCAaQCAQAwRzELMAkGA1UEBhMCVVMxDDAKBgNVBAoTA0xMUDESMBAGA1UECxMJTExQMDkw\n"
    "NzE2MRYwFAYDVQQDEw0xMC4yMDAuMTc1LjE1MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKC\n"
    "AQEAhUJWFQ+9Xgs8KfhLYCBi8i0csY44YkCBFAz3jh6g80wdCqYetYcNxWi+3rgAFL6BAibt23xG\n"
    "qBKtNszxyUu8M7ocfw+dVeT4YQJWE0TNAnwlijx+jyl2IKCFtuON3NmGvvHviPDyNyz2VuB7jlA3\n"
    "fGuCSsXEzpDXdStKZNcozeIxnmLRv2VKkp8edOX0Bi3QOxwKgwzZQ0/Z7yWaixl1WB2YKzY9s1Bn\n"
    "oEoRHdFeQZR7f9QuQYBwIKsCx3cFsiEQJnpKqbZYLFrPmpMrR7ynLx6MGZVDuLfrXp/yFyuHmamI\n"
    "M80CGvKljwr/onalDY2F5AeSdUyBM3vVTWrC9n9jwQIDAQABoDAwLgYJKoZIhvcNAQkOMSEwHzAd\n"
    "BgNVHQ4EFgQUSbrkacD4XXCIaJQtX+7/en3Z8r8wDQYJKoZIhvcNAQELBQADggEBAAxU2FbQxy21\n"
    "EHcnfC4YETDQvXuwv4qQzcT61faZEjmznZ9ekm8ckzV5NlHpyArk12EO13twh94U56ZItKfiYOKW\n"
    "tP5wUGcoYhdyQnG0p6wunVRJAMidoZMAkjJ6bXwDwgNqnlKL48iGD8ZnguVUM353KwTDm1mvJ4yE\n"
    "ssEcnBKd4lDzfZN+yx3pmyCr/MjMCODLF7VVMRH5FpQZ0+uGAIq0fx8FeEugxGie4tkzqP3xkkUB\n"
    "RDKkfrUC8Z61gL3K1LpLZ77a1okpP3cNkvSStVgbhLH9qwnhCORNGHy+NyZLm1a+hS4QCAJzRKlC\n"
    "nsdwUTp+HXUtyNLd7GJHGLPu0YY=\n"
    "-----END NEW CERTIFICATE REQUEST-----\n";
  auto csr = CertificateRequest::FromPem(pem);
  INFO(csr.status());
  REQUIRE(csr.ok());
  CHECK(csr->VerifySignature().ok());
  CHECK(csr->subject().ToRfc4514() == "CN=10.200.175.15, OU=LLP090716, O=LLP, C=US");
  CHECK(csr->requested_sans().empty());
  CHECK(csr->signature_algorithm() == "sha256WithRSAEncryption");
  CHECK(csr->public_key().Describe() == "RSA 2048");
}
