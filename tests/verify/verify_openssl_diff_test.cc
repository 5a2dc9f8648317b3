// tests/verify/verify_openssl_diff_test.cc: differential test against
// `openssl verify`. For chains certkit's CertificateAuthority produces (node
// and client certificates under an intermediate, P-256 and RSA-2048),
// certkit's Verify and OpenSSL 3 must agree on acceptance, including the
// failures (wrong IP or host, wrong purpose, expiry via -attime, missing
// intermediate, wrong anchor).
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "certkit/ca.h"
#include "certkit/error.h"
#include "certkit/verify.h"
#include "support/oracle.h"

namespace {

using certkit::Certificate;
using certkit::CertificateAuthority;

struct Fixture {
  CertificateAuthority root, ica;
  Certificate node, client;
};

Fixture MakeChain(const certkit::KeySpec& spec, const std::string& tag) {
  certkit::CaOptions ro;
  ro.subject = *certkit::DistinguishedName::Parse("CN=Diff Root " + tag + ", O=certkit");
  ro.key_spec = spec;
  auto root = CertificateAuthority::CreateRoot(ro);
  REQUIRE(root.ok());
  certkit::CaOptions io;
  io.subject = *certkit::DistinguishedName::Parse("CN=Diff Intermediate " + tag + ", O=certkit");
  io.key_spec = spec;
  io.days = 365;
  auto ica = CertificateAuthority::CreateIntermediate(*root, io);
  REQUIRE(ica.ok());
  auto node_key = certkit::PrivateKey::Generate(spec);
  auto client_key = certkit::PrivateKey::Generate(spec);
  REQUIRE(node_key.ok());
  REQUIRE(client_key.ok());
  certkit::IssueOptions no;
  no.days = 30;
  no.subject = *certkit::DistinguishedName::Parse("CN=node, O=certkit");
  no.sans = {certkit::SubjectAltName::Dns("node1.cluster.local"), *certkit::SubjectAltName::Ip("10.0.0.5")};
  auto node = ica->SignPublicKey(node_key->public_key(), certkit::Profile::Node(), no);
  REQUIRE(node.ok());
  certkit::IssueOptions co;
  co.days = 30;
  co.subject = *certkit::DistinguishedName::Parse("CN=root, O=certkit");
  auto client = ica->SignPublicKey(client_key->public_key(), certkit::Profile::Client(), co);
  INFO(client.status());
  REQUIRE(client.ok());
  return Fixture{*root, *ica, *node, *client};
}

struct Scenario {
  std::string name;
  const Certificate* leaf;
  bool with_intermediate = true;
  std::string purpose;  // "sslserver", "sslclient" or ""
  std::string ip, host;
  absl::Time at;
  bool expect_ok;
};

void Compare(const Fixture& f, const std::string& tag) {
  certkit_test::TempDir dir;
  const std::string root_pem = dir.File("root.pem"), ica_pem = dir.File("ica.pem");
  certkit_test::WriteString(root_pem, f.root.certificate().ToPem());
  certkit_test::WriteString(ica_pem, f.ica.certificate().ToPem());
  const absl::Time now = absl::Now();
  const std::vector<Scenario> scenarios = {
      {"node by IP", &f.node, true, "sslserver", "10.0.0.5", "", now, true},
      {"node wrong IP", &f.node, true, "sslserver", "10.0.0.6", "", now, false},
      {"node by host", &f.node, true, "sslserver", "", "node1.cluster.local", now, true},
      {"node wrong host", &f.node, true, "sslserver", "", "node2.cluster.local", now, false},
      {"node as client", &f.node, true, "sslclient", "", "", now, true},
      {"node expired", &f.node, true, "sslserver", "10.0.0.5", "", now + absl::Hours(24 * 40), false},
      {"node not yet valid", &f.node, true, "sslserver", "10.0.0.5", "", now - absl::Hours(24 * 2), false},
      {"node without intermediate", &f.node, false, "sslserver", "10.0.0.5", "", now, false},
      {"client", &f.client, true, "sslclient", "", "", now, true},
      {"client as server", &f.client, true, "sslserver", "", "", now, false},
      {"chain expired", &f.client, true, "sslclient", "", "", now + absl::Hours(24 * 400), false},
  };
  certkit::TrustStore trust({f.root.certificate()});
  for (const Scenario& s : scenarios) {
    const std::string leaf_pem = dir.File("leaf.pem");
    certkit_test::WriteString(leaf_pem, s.leaf->ToPem());
    std::vector<std::string> argv = {"openssl", "verify", "-CAfile", root_pem};
    if (s.with_intermediate) argv.insert(argv.end(), {"-untrusted", ica_pem});
    if (!s.purpose.empty()) argv.insert(argv.end(), {"-purpose", s.purpose});
    if (!s.ip.empty()) argv.insert(argv.end(), {"-verify_ip", s.ip});
    if (!s.host.empty()) argv.insert(argv.end(), {"-verify_hostname", s.host});
    argv.insert(argv.end(), {"-attime", absl::StrCat(absl::ToUnixSeconds(s.at)), leaf_pem});
    const auto openssl = certkit_test::Run(argv);

    certkit::VerifyOptions o;
    o.at = s.at;
    o.purpose = s.purpose == "sslserver"   ? certkit::Purpose::kServerAuth
                : s.purpose == "sslclient" ? certkit::Purpose::kClientAuth
                                           : certkit::Purpose::kAny;
    if (!s.ip.empty()) o.identity = certkit::PeerIdentity::Ip(s.ip);
    if (!s.host.empty()) o.identity = certkit::PeerIdentity::Dns(s.host);
    std::vector<Certificate> pool;
    if (s.with_intermediate) pool.push_back(f.ica.certificate());
    auto ours = certkit::Verify(*s.leaf, pool, trust, o);

    INFO(tag << " / " << s.name << "\nopenssl: " << openssl.output() << "\ncertkit: " << ours.status());
    REQUIRE(openssl.exit_code >= 0);
    CHECK((openssl.exit_code == 0) == s.expect_ok);
    CHECK(ours.ok() == s.expect_ok);
    if (ours.ok()) CHECK(ours->chain.size() == 3);
  }
}

}  // namespace

TEST_CASE("certkit Verify agrees with openssl verify on P-256 chains") {
  REQUIRE(certkit_test::HaveTool("openssl"));
  Compare(MakeChain(certkit::KeySpec{certkit::KeyType::kEcP256}, "P-256"), "P-256");
}

TEST_CASE("certkit Verify agrees with openssl verify on RSA-2048 chains") {
  REQUIRE(certkit_test::HaveTool("openssl"));
  Compare(MakeChain(certkit::KeySpec{certkit::KeyType::kRsa, 2048}, "RSA"), "RSA");
}

TEST_CASE("failure kinds name the cause for CA-made chains") {
  const Fixture f = MakeChain(certkit::KeySpec{certkit::KeyType::kEcP256}, "kinds");
  certkit::TrustStore trust({f.root.certificate()});
  certkit::VerifyOptions o;
  o.at = absl::Now() + absl::Hours(24 * 40);
  auto expired = certkit::Verify(f.node, {f.ica.certificate()}, trust, o);
  CHECK(certkit::GetErrorKind(expired.status()) == certkit::ErrorKind::kCertExpired);
  CHECK(absl::StrContains(expired.status().message(), "CN=node"));
  o.at = absl::InfinitePast();
  o.identity = certkit::PeerIdentity::Ip("10.0.0.6");
  auto wrong_ip = certkit::Verify(f.node, {f.ica.certificate()}, trust, o);
  CHECK(certkit::GetErrorKind(wrong_ip.status()) == certkit::ErrorKind::kIdentityMismatch);
  CHECK(absl::StrContains(wrong_ip.status().message(), "IP:10.0.0.5"));
  o.identity = {};
  o.purpose = certkit::Purpose::kServerAuth;
  auto wrong_purpose = certkit::Verify(f.client, {f.ica.certificate()}, trust, o);
  CHECK(certkit::GetErrorKind(wrong_purpose.status()) == certkit::ErrorKind::kWrongPurpose);
  auto missing = certkit::Verify(f.node, {}, trust, {});
  CHECK(certkit::GetErrorKind(missing.status()) == certkit::ErrorKind::kUnknownIssuer);
}
