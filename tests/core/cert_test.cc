// Tests of Certificate: parsing bundles, accessors and fingerprints compared
// with openssl and keytool.
#include "certkit/cert.h"

#include <catch2/catch.hpp>

#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/strip.h"
#include "certkit/error.h"
#include "support/oracle.h"
#include "x509_fixtures.h"

using certkit::Certificate;
using certkit::ErrorKind;
using certkit::GetErrorKind;
using certkit_test::Run;
using certkit_test::TempDir;
using namespace x509_test;

namespace {

// OpensslField runs `openssl x509 -noout <flag>` and returns the value after '='.
std::string OpensslField(const std::string& path, const std::string& flag) {
  auto r = Run({"openssl", "x509", "-in", path, "-noout", flag});
  INFO(r.output());
  REQUIRE(r.exit_code == 0);
  absl::string_view v = absl::StripTrailingAsciiWhitespace(r.out);
  return std::string(v.substr(v.find('=') + 1));
}

struct OpensslCert {
  std::string path;
  std::string key_path;
};

OpensslCert MakeOpensslCert(const TempDir& dir, const std::string& name,
                            const std::string& subj) {
  OpensslCert c{dir.File(name + ".pem"), dir.File(name + ".key")};
  auto r = Run({"openssl", "req", "-new", "-x509", "-newkey", "ec", "-pkeyopt",
                "ec_paramgen_curve:P-256", "-nodes", "-subj", subj, "-keyout", c.key_path, "-out",
                c.path, "-days", "30", "-addext",
                "subjectAltName=DNS:node1.example.com,IP:10.200.175.15,IP:2001:db8::1", "-addext",
                "keyUsage=critical,digitalSignature,keyEncipherment", "-addext",
                "extendedKeyUsage=serverAuth,clientAuth"});
  INFO(r.output());
  REQUIRE(r.exit_code == 0);
  return c;
}

}  // namespace

TEST_CASE("accessors and fingerprints agree with openssl and keytool") {
  REQUIRE(certkit_test::HaveTool("openssl"));
  REQUIRE(certkit_test::HaveTool("keytool"));
  TempDir dir;
  OpensslCert oc = MakeOpensslCert(dir, "a", "/CN=node1/OU=TestCluster/O=YourCompany/C=US");
  auto cert = Certificate::FromPem(certkit_test::ReadString(oc.path));
  INFO(cert.status());
  REQUIRE(cert.ok());
  CHECK(cert->version() == 3);
  CHECK(cert->subject().ToSlash() == "/CN=node1/OU=TestCluster/O=YourCompany/C=US");
  CHECK(cert->is_self_issued());
  CHECK(cert->issuer() == cert->subject());
  CHECK(cert->subject_alt_names() ==
        Sans("DNS:node1.example.com,IP:10.200.175.15,IP:2001:db8::1"));
  CHECK(cert->has_subject_alt_name_extension());
  CHECK(cert->key_usage() == (certkit::kKuDigitalSignature | certkit::kKuKeyEncipherment));
  CHECK(cert->extended_key_usage() ==
        std::vector<std::string>{certkit::kEkuServerAuth, certkit::kEkuClientAuth});
  CHECK(cert->signature_algorithm() == "ecdsa-with-SHA256");
  CHECK(cert->public_key().Describe() == "EC P-256");
  CHECK(cert->not_after() - cert->not_before() == absl::Hours(24 * 30));
  // openssl prints the SKI/AKI as AB:CD:...
  auto ext = Run({"openssl", "x509", "-in", oc.path, "-noout", "-ext", "subjectKeyIdentifier"});
  REQUIRE(ext.exit_code == 0);
  CHECK(Contains(ext.out, certkit::FormatFingerprint(cert->subject_key_id())));
  CHECK(cert->authority_key_id() == cert->subject_key_id());

  // Fingerprints and serial as openssl prints them.
  CHECK(OpensslField(oc.path, "-fingerprint") == cert->Sha1Fingerprint());
  auto sha256 = Run({"openssl", "x509", "-in", oc.path, "-noout", "-fingerprint", "-sha256"});
  CHECK(Contains(sha256.out, "=" + cert->Sha256Fingerprint() + "\n"));
  std::string serial = absl::AsciiStrToLower(OpensslField(oc.path, "-serial"));
  while (serial.size() > 1 && serial[0] == '0') serial.erase(0, 1);
  CHECK(serial == cert->serial_hex());
  // Validity as openssl prints it.
  auto end = Run({"openssl", "x509", "-in", oc.path, "-noout", "-enddate", "-dateopt", "iso_8601"});
  REQUIRE(end.exit_code == 0);
  CHECK(Contains(end.out, absl::FormatTime("%Y-%m-%d %H:%M:%S", cert->not_after(),
                                           absl::UTCTimeZone())));

  // keytool: owner, serial and fingerprints.
  auto kt = Run({"keytool", "-printcert", "-file", oc.path});
  INFO(kt.output());
  REQUIRE(kt.exit_code == 0);
  CHECK(Contains(kt.out, "Owner: " + cert->subject().ToRfc4514() + "\n"));
  CHECK(Contains(kt.out, "Serial number: " + cert->serial_hex() + "\n"));
  CHECK(Contains(kt.out, "SHA1: " + cert->Sha1Fingerprint() + "\n"));
  CHECK(Contains(kt.out, "SHA256: " + cert->Sha256Fingerprint() + "\n"));

  // Summary mentions the essentials.
  const std::string summary = cert->Summary();
  CHECK(Contains(summary, "Subject: C=US, O=YourCompany, OU=TestCluster, CN=node1\n"));
  CHECK(Contains(summary, "DNS:node1.example.com, IP:10.200.175.15, IP:2001:db8::1"));
  CHECK(Contains(summary, "Key usage: digitalSignature, keyEncipherment"));
  CHECK(Contains(summary, "Extended key usage: serverAuth, clientAuth"));
  CHECK(Contains(summary, "SHA256: " + cert->Sha256Fingerprint()));
  CHECK(Contains(summary, "Basic constraints: CA:TRUE"));

  // Key matching.
  auto key = certkit::PrivateKey::FromPem(certkit_test::ReadString(oc.key_path));
  REQUIRE(key.ok());
  CHECK(cert->MatchesKey(*key));
  CHECK_FALSE(cert->MatchesKey(NewKey("ec:p256")));

  // PEM/DER round trips preserve the bytes.
  auto again = Certificate::FromPem(cert->ToPem());
  REQUIRE(again.ok());
  CHECK(*again == *cert);
  auto from_der = Certificate::FromDer(cert->ToDer());
  REQUIRE(from_der.ok());
  CHECK(from_der->ToDer() == cert->ToDer());
  auto der_out = Run({"openssl", "x509", "-in", oc.path, "-outform", "DER", "-out",
                      dir.File("a.der")});
  REQUIRE(der_out.exit_code == 0);
  CHECK(certkit_test::ReadBytes(dir.File("a.der")) == cert->ToDer());
}

TEST_CASE("bundles: several PEM certificates, other blocks skipped, single DER") {
  REQUIRE(certkit_test::HaveTool("openssl"));
  TempDir dir;
  OpensslCert a = MakeOpensslCert(dir, "a", "/CN=a");
  OpensslCert b = MakeOpensslCert(dir, "b", "/CN=b");
  const std::string bundle = "Bag Attributes\n    friendlyName: a\n" +
                             certkit_test::ReadString(a.path) +
                             certkit_test::ReadString(a.key_path) +
                             certkit_test::ReadString(b.path);
  auto certs = Certificate::ParseBundle(bundle);
  INFO(certs.status());
  REQUIRE(certs.ok());
  REQUIRE(certs->size() == 2);
  CHECK((*certs)[0].subject().CommonName() == "a");
  CHECK((*certs)[1].subject().CommonName() == "b");
  CHECK(certkit::CertificatesToPem(*certs) ==
        certkit_test::ReadString(a.path) + certkit_test::ReadString(b.path));
  // FromPem takes the first certificate even after a key block.
  auto first = Certificate::FromPem(certkit_test::ReadString(b.key_path) +
                                    certkit_test::ReadString(b.path));
  REQUIRE(first.ok());
  CHECK(first->subject().CommonName() == "b");
  // A DER input is one certificate.
  const certkit::Bytes der = (*certs)[1].ToDer();
  auto single = Certificate::ParseBundle(std::string(der.begin(), der.end()));
  REQUIRE(single.ok());
  REQUIRE(single->size() == 1);
  CHECK((*single)[0] == (*certs)[1]);
  // openssl's TRUSTED CERTIFICATE form.
  auto trusted = Run({"openssl", "x509", "-in", a.path, "-trustout", "-addtrust", "serverAuth",
                      "-out", dir.File("t.pem")});
  REQUIRE(trusted.exit_code == 0);
  auto t = Certificate::FromPem(certkit_test::ReadString(dir.File("t.pem")));
  INFO(t.status());
  REQUIRE(t.ok());
  CHECK(t->subject().CommonName() == "a");
}

TEST_CASE("truncated or garbage certificate input is kMalformed") {
  REQUIRE(certkit_test::HaveTool("openssl"));
  TempDir dir;
  OpensslCert a = MakeOpensslCert(dir, "a", "/CN=a");
  const std::string pem = certkit_test::ReadString(a.path);
  auto good = Certificate::FromPem(pem);
  REQUIRE(good.ok());
  const certkit::Bytes der = good->ToDer();
  std::string bad_body = pem;
  bad_body[40] = '*';
  std::string short_der = pem.substr(0, 28) + "\nMIIB\n-----END CERTIFICATE-----\n";
  const std::string inputs[] = {
      "",
      "not a certificate",
      pem.substr(0, pem.size() / 2),  // no END line
      bad_body,                       // invalid base64
      short_der,                      // truncated DER
      certkit_test::ReadString(a.key_path),  // no certificate at all
  };
  for (const std::string& in : inputs) {
    INFO(in);
    auto r = Certificate::FromPem(in);
    REQUIRE_FALSE(r.ok());
    CHECK(GetErrorKind(r.status()) == ErrorKind::kMalformed);
    auto b = Certificate::ParseBundle(in);
    REQUIRE_FALSE(b.ok());
    CHECK(GetErrorKind(b.status()) == ErrorKind::kMalformed);
  }
  for (size_t cut : {size_t{0}, size_t{1}, size_t{10}, der.size() - 1}) {
    certkit::Bytes truncated(der.begin(), der.begin() + cut);
    CHECK(GetErrorKind(Certificate::FromDer(truncated).status()) == ErrorKind::kMalformed);
  }
  certkit::Bytes trailing = der;
  trailing.push_back(0x00);
  auto tr = Certificate::FromDer(trailing);
  REQUIRE_FALSE(tr.ok());
  CHECK(GetErrorKind(tr.status()) == ErrorKind::kMalformed);
  CHECK(Contains(std::string(tr.status().message()), "1 trailing bytes"));
}

TEST_CASE("FormatFingerprint") {
  CHECK(certkit::FormatFingerprint(certkit::Bytes{0x0a, 0xbc, 0xff}) == "0A:BC:FF");
  CHECK(certkit::FormatFingerprint(certkit::Bytes{}).empty());
}

TEST_CASE("keyUsage and extendedKeyUsage names", "[cert]") {
  using certkit::KeyUsageNames;
  CHECK(KeyUsageNames(0).empty());
  CHECK(KeyUsageNames(certkit::kKuDigitalSignature | certkit::kKuKeyEncipherment) ==
        std::vector<std::string>{"digitalSignature", "keyEncipherment"});
  CHECK(KeyUsageNames(certkit::kKuKeyCertSign | certkit::kKuCrlSign | certkit::kKuDecipherOnly) ==
        std::vector<std::string>{"keyCertSign", "cRLSign", "decipherOnly"});
  CHECK(certkit::ExtendedKeyUsageName(certkit::kEkuServerAuth) == "serverAuth");
  CHECK(certkit::ExtendedKeyUsageName(certkit::kEkuClientAuth) == "clientAuth");
  CHECK(certkit::ExtendedKeyUsageName("1.3.6.1.5.5.7.3.3") == "1.3.6.1.5.5.7.3.3");
}
