// tests/verify/verify_keytool_test.cc: the DataStax guide's keytool-made,
// self-signed node certificates (seed 002), pinned as trust anchors: the IP
// only in the CN needs allow_cn_fallback; with an IP SAN it verifies without.
// Also: one TrustStore shared by concurrent verifications.
#include <string>
#include <thread>
#include <vector>

#include <catch2/catch.hpp>

#include "certkit/cert.h"
#include "certkit/error.h"
#include "certkit/verify.h"
#include "support/oracle.h"

namespace {

certkit::Certificate KeytoolSelfSigned(const certkit_test::TempDir& dir, const std::string& name,
                                       const std::string& dname, const std::string& san) {
  const std::string ks = dir.File(name + ".jks");
  std::vector<std::string> gen = {"keytool", "-genkeypair", "-noprompt", "-keyalg", "RSA",
                                  "-validity", "36500", "-alias", "node", "-keystore", ks,
                                  "-storepass", "changeit", "-keypass", "changeit", "-dname", dname};
  if (!san.empty()) gen.insert(gen.end(), {"-ext", "SAN=" + san});
  auto g = certkit_test::Run(gen);
  INFO(g.output());
  REQUIRE(g.exit_code == 0);
  auto e = certkit_test::Run({"keytool", "-exportcert", "-rfc", "-noprompt", "-alias", "node",
                              "-keystore", ks, "-storepass", "changeit"});
  INFO(e.output());
  REQUIRE(e.exit_code == 0);
  auto cert = certkit::Certificate::FromPem(e.out);
  REQUIRE(cert.ok());
  return *cert;
}

}  // namespace

TEST_CASE("keytool self-signed node certificates verify when pinned") {
  REQUIRE(certkit_test::HaveTool("keytool"));
  certkit_test::TempDir dir;
  const auto cn_only = KeytoolSelfSigned(
      dir, "cn", "CN=10.1.2.3, OU=Drivers and Tools, O=DataStax Inc., L=Santa Clara, ST=California, C=US", "");
  const auto with_san = KeytoolSelfSigned(dir, "san", "CN=node, OU=Drivers and Tools, O=DataStax Inc.", "IP:10.1.2.4");

  certkit::VerifyOptions o;
  o.purpose = certkit::Purpose::kServerAuth;
  o.identity = certkit::PeerIdentity::Ip("10.1.2.3");
  auto no_fallback = certkit::Verify(cn_only, {}, certkit::TrustStore({cn_only}), o);
  CHECK(certkit::GetErrorKind(no_fallback.status()) == certkit::ErrorKind::kIdentityMismatch);
  o.allow_cn_fallback = true;
  auto fallback = certkit::Verify(cn_only, {}, certkit::TrustStore({cn_only}), o);
  INFO(fallback.status());
  CHECK(fallback.ok());
  o.identity = certkit::PeerIdentity::Ip("10.1.2.9");
  CHECK(certkit::GetErrorKind(certkit::Verify(cn_only, {}, certkit::TrustStore({cn_only}), o).status()) ==
        certkit::ErrorKind::kIdentityMismatch);
  // Not pinned: the other node's certificate is no anchor for this one.
  o.identity = certkit::PeerIdentity::Ip("10.1.2.3");
  CHECK(certkit::GetErrorKind(certkit::Verify(cn_only, {}, certkit::TrustStore({with_san}), o).status()) ==
        certkit::ErrorKind::kUnknownIssuer);

  certkit::VerifyOptions s;
  s.purpose = certkit::Purpose::kServerAuth;
  s.identity = certkit::PeerIdentity::Ip("10.1.2.4");
  auto san = certkit::Verify(with_san, {}, certkit::TrustStore({cn_only, with_san}), s);
  INFO(san.status());
  CHECK(san.ok());
  // An IP SAN overrides the CN, even with the fallback on.
  s.allow_cn_fallback = true;
  s.identity = certkit::PeerIdentity::Dns("node");
  CHECK(certkit::GetErrorKind(certkit::Verify(with_san, {}, certkit::TrustStore({with_san}), s).status()) ==
        certkit::ErrorKind::kIdentityMismatch);

  // One TrustStore, many threads.
  const certkit::TrustStore shared({cn_only, with_san});
  std::vector<std::thread> threads;
  std::vector<int> ok(4, 0);
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      certkit::VerifyOptions v;
      v.identity = certkit::PeerIdentity::Ip("10.1.2.4");
      for (int i = 0; i < 25; ++i) ok[t] += certkit::Verify(with_san, {}, shared, v).ok() ? 1 : 0;
    });
  }
  for (auto& th : threads) th.join();
  CHECK(ok == std::vector<int>(4, 25));
}
