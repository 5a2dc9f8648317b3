// certkit csr/sign and keystore subcommands, checked with keytool and openssl.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include "cli_support.h"
#include "support/oracle.h"

using certkit_cli_test::Certkit;
using certkit_cli_test::Describe;
using certkit_cli_test::Exists;
using certkit_cli_test::KeytoolEntryTypes;
using certkit_test::ReadString;
using certkit_test::Run;
using certkit_test::TempDir;

TEST_CASE("sign CSRs made by openssl req and keytool -certreq") {
  REQUIRE(certkit_test::HaveTool("keytool"));
  TempDir tmp;
  REQUIRE(Certkit({"ca", "create", "--out", tmp.File("ca"), "--cn", "Sign CA"}).exit_code == 0);
  const std::string ca_crt = tmp.File("ca/ca.crt"), ca_key = tmp.File("ca/ca-private/ca.key");

  // openssl req -> certkit sign --profile client.
  REQUIRE(Run({"openssl", "req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
               "-keyout", tmp.File("u.key"), "-subj", "/O=Example/CN=maxroach", "-out", tmp.File("u.csr")})
              .exit_code == 0);
  auto r = Certkit({"sign", "--ca-cert", ca_crt, "--ca-key", ca_key, "--csr", tmp.File("u.csr"), "--profile",
                    "client", "--out", tmp.File("u.crt")});
  INFO(Describe(r));
  REQUIRE(r.exit_code == 0);
  CHECK(Run({"openssl", "verify", "-CAfile", ca_crt, "-purpose", "sslclient", tmp.File("u.crt")}).exit_code == 0);
  CHECK(Run({"openssl", "x509", "-in", tmp.File("u.crt"), "-noout", "-subject"}).out.find("CN = maxroach") !=
        std::string::npos);

  // A node profile requires a SAN: the CSR has none, so it fails unless --host adds one.
  r = Certkit({"sign", "--ca-cert", ca_crt, "--ca-key", ca_key, "--csr", tmp.File("u.csr"), "--profile", "node",
               "--out", tmp.File("n.crt")});
  CHECK(r.exit_code == 3);
  CHECK(r.err.find("u.csr") != std::string::npos);
  CHECK_FALSE(Exists(tmp.File("n.crt")));

  // keytool -genkeypair + -certreq -> certkit sign --chain -> keytool -importcert (CA reply).
  const std::string jks = tmp.File("node.jks");
  REQUIRE(Run({"keytool", "-genkeypair", "-keyalg", "RSA", "-keysize", "2048", "-alias", "node1", "-keystore", jks,
               "-storepass", "kspass123", "-keypass", "kspass123", "-dname", "CN=node1, OU=Test, O=Example, C=US",
               "-storetype", "JKS"}).exit_code == 0);
  REQUIRE(Run({"keytool", "-certreq", "-alias", "node1", "-keystore", jks, "-storepass", "kspass123", "-file",
               tmp.File("node1.csr")}).exit_code == 0);
  r = Certkit({"sign", "--ca-cert", ca_crt, "--ca-key", ca_key, "--csr", tmp.File("node1.csr"), "--profile",
               "node", "--host", "node1.example.com", "--host", "10.1.1.1", "--chain", "--out", tmp.File("node1.crt")});
  INFO(Describe(r));
  REQUIRE(r.exit_code == 0);
  auto imp = Run({"keytool", "-importcert", "-noprompt", "-trustcacerts", "-alias", "node1", "-file",
                  tmp.File("node1.crt"), "-keystore", jks, "-storepass", "kspass123"});
  INFO(imp.output());
  CHECK(imp.exit_code == 0);
  auto list = Run({"keytool", "-list", "-v", "-alias", "node1", "-keystore", jks, "-storepass", "kspass123"});
  CHECK(list.out.find("Certificate chain length: 2") != std::string::npos);
  CHECK(list.out.find("Sign CA") != std::string::npos);
}

TEST_CASE("keystore subcommands agree with keytool") {
  REQUIRE(certkit_test::HaveTool("keytool"));
  TempDir tmp;
  const std::vector<std::string> env = {"KS_PW=ks-pass-1", "KS_NEW=ks-pass-2"};
  REQUIRE(Certkit({"cluster", "init", "--nodes", "db1", "--out", tmp.File("c"), "--format", "pem", "--quiet"})
              .exit_code == 0);
  const std::string ca = tmp.File("c/ca.crt");
  const std::string store = tmp.File("trust.jks");

  // import-cert creates the store.
  auto r = Certkit({"keystore", "import-cert", store, "--file", ca, "--alias", "ClusterCA", "--storepass", "env:KS_PW"}, env);
  INFO(Describe(r));
  REQUIRE(r.exit_code == 0);
  auto kt = Run({"keytool", "-list", "-keystore", store, "-storepass", "ks-pass-1"});
  INFO(kt.output());
  CHECK(kt.out.find("clusterca") != std::string::npos);
  CHECK(kt.out.find("trustedCertEntry") != std::string::npos);

  // keytool adds one; certkit lists both.
  REQUIRE(Run({"keytool", "-importcert", "-noprompt", "-alias", "second", "-file", tmp.File("c/nodes/db1/node.crt"),
               "-keystore", store, "-storepass", "ks-pass-1"}).exit_code == 0);
  r = Certkit({"keystore", "list", store, "--storepass", "env:KS_PW", "--json"}, env);
  INFO(Describe(r));
  REQUIRE(r.exit_code == 0);
  auto j = nlohmann::json::parse(r.out);
  REQUIRE(j["entries"].size() == 2);

  // rename + delete, seen by keytool.
  REQUIRE(Certkit({"keystore", "rename", store, "--alias", "second", "--to", "node-db1", "--storepass", "env:KS_PW"}, env)
              .exit_code == 0);
  kt = Run({"keytool", "-list", "-keystore", store, "-storepass", "ks-pass-1"});
  CHECK(kt.out.find("node-db1") != std::string::npos);
  CHECK(kt.out.find("second") == std::string::npos);
  r = Certkit({"keystore", "delete", store, "--alias", "no-such-alias", "--storepass", "env:KS_PW"}, env);
  CHECK(r.exit_code == 3);
  CHECK(r.err.find("not_found") != std::string::npos);
  REQUIRE(Certkit({"keystore", "delete", store, "--alias", "node-db1", "--storepass", "env:KS_PW"}, env).exit_code == 0);
  CHECK(KeytoolEntryTypes(store, "ks-pass-1") == std::vector<std::string>{"trustedCertEntry"});

  // export matches keytool -exportcert -rfc.
  r = Certkit({"keystore", "export", store, "--alias", "clusterca", "--out", tmp.File("exported.pem"),
               "--storepass", "env:KS_PW"}, env);
  REQUIRE(r.exit_code == 0);
  auto fp1 = Run({"openssl", "x509", "-in", tmp.File("exported.pem"), "-noout", "-fingerprint", "-sha256"});
  auto fp2 = Run({"openssl", "x509", "-in", ca, "-noout", "-fingerprint", "-sha256"});
  CHECK(fp1.out == fp2.out);

  // passwd: keytool accepts the new password, rejects the old.
  REQUIRE(Certkit({"keystore", "passwd", store, "--storepass", "env:KS_PW", "--new-storepass", "env:KS_NEW"}, env)
              .exit_code == 0);
  CHECK(Run({"keytool", "-list", "-keystore", store, "-storepass", "ks-pass-2"}).exit_code == 0);
  CHECK(Run({"keytool", "-list", "-keystore", store, "-storepass", "ks-pass-1"}).exit_code != 0);

  // wrong password: bad_password, password not echoed.
  r = Certkit({"keystore", "list", store, "--storepass", "pass:not-the-password-9"});
  CHECK(r.exit_code == 3);
  CHECK(r.err.find("bad_password") != std::string::npos);
  CHECK(r.err.find(store) != std::string::npos);
  CHECK(r.err.find("not-the-password-9") == std::string::npos);

  // convert JKS -> PKCS#12, read by keytool and openssl.
  r = Certkit({"keystore", "convert", store, "--out", tmp.File("trust.p12"), "--storepass", "env:KS_NEW"}, env);
  INFO(Describe(r));
  REQUIRE(r.exit_code == 0);
  CHECK(KeytoolEntryTypes(tmp.File("trust.p12"), "ks-pass-2", "PKCS12") == std::vector<std::string>{"trustedCertEntry"});
  CHECK(Run({"openssl", "pkcs12", "-in", tmp.File("trust.p12"), "-passin", "pass:ks-pass-2", "-nokeys"}).exit_code == 0);
  r = Certkit({"keystore", "convert", store, "--out", tmp.File("trust.p12"), "--storepass", "env:KS_NEW"}, env);
  CHECK(r.exit_code == 3);
  CHECK(r.err.find("--overwrite") != std::string::npos);

  // A store that does not exist is named.
  r = Certkit({"keystore", "list", tmp.File("missing.jks"), "--storepass", "env:KS_PW"}, env);
  CHECK(r.exit_code == 3);
  CHECK(r.err.find("missing.jks") != std::string::npos);
}

TEST_CASE("keystore import-reply installs a signed certificate into a key entry") {
  REQUIRE(certkit_test::HaveTool("keytool"));
  TempDir tmp;
  REQUIRE(Certkit({"ca", "create", "--out", tmp.File("ca")}).exit_code == 0);
  const std::string jks = tmp.File("k.jks");
  REQUIRE(Run({"keytool", "-genkeypair", "-keyalg", "EC", "-groupname", "secp256r1", "-alias", "svc", "-keystore", jks,
               "-storepass", "pw-123456", "-dname", "CN=svc", "-storetype", "JKS"}).exit_code == 0);
  REQUIRE(Run({"keytool", "-certreq", "-alias", "svc", "-keystore", jks, "-storepass", "pw-123456", "-file",
               tmp.File("svc.csr")}).exit_code == 0);
  REQUIRE(Certkit({"sign", "--ca-cert", tmp.File("ca/ca.crt"), "--ca-key", tmp.File("ca/ca-private/ca.key"), "--csr",
                   tmp.File("svc.csr"), "--profile", "server", "--host", "svc.example.com", "--out",
                   tmp.File("svc.crt"), "--chain"}).exit_code == 0);
  // A reply for another key is refused.
  REQUIRE(Certkit({"node", "--ca-cert", tmp.File("ca/ca.crt"), "--ca-key", tmp.File("ca/ca-private/ca.key"), "--host",
                   "other", "--out", tmp.File("other")}).exit_code == 0);
  auto r = Certkit({"keystore", "import-reply", jks, "--alias", "svc", "--file", tmp.File("other/node.crt"),
                    "--storepass", "pass:pw-123456"});
  CHECK(r.exit_code == 3);
  CHECK(r.err.find("key_mismatch") != std::string::npos);

  r = Certkit({"keystore", "import-reply", jks, "--alias", "svc", "--file", tmp.File("svc.crt"), "--storepass",
               "pass:pw-123456"});
  INFO(Describe(r));
  REQUIRE(r.exit_code == 0);
  auto list = Run({"keytool", "-list", "-v", "-alias", "svc", "-keystore", jks, "-storepass", "pw-123456"});
  INFO(list.output());
  CHECK(list.out.find("Certificate chain length: 2") != std::string::npos);
  CHECK(list.out.find("svc.example.com") != std::string::npos);
}

TEST_CASE("keystore list of a trust store without a password as keytool -list does") {
  REQUIRE(certkit_test::HaveTool("keytool"));
  TempDir tmp;
  REQUIRE(Certkit({"ca", "create", "--out", tmp.File("ca"), "--cn", "Trust CA"}).exit_code == 0);
  // A trust store made by keytool.
  const std::string trust = tmp.File("trust.jks");
  auto k = Run({"keytool", "-importcert", "-noprompt", "-keystore", trust, "-storetype", "JKS", "-storepass",
                "trust-pass-1", "-alias", "ca", "-file", tmp.File("ca/ca.crt")});
  INFO(k.output());
  REQUIRE(k.exit_code == 0);
  // keytool lists it without a password, warning that the integrity was not checked.
  k = Run({"keytool", "-list", "-keystore", trust}, "\n");
  INFO(k.output());
  CHECK(k.exit_code == 0);
  CHECK(k.output().find("trustedCertEntry") != std::string::npos);

  auto r = Certkit({"keystore", "list", trust});
  INFO(Describe(r));
  CHECK(r.exit_code == 0);
  CHECK(r.out.find("ca, ") != std::string::npos);
  CHECK(r.out.find("trustedCertEntry") != std::string::npos);
  CHECK(r.err.find("certkit: warning: the integrity of '" + trust + "' has NOT been checked") != std::string::npos);
  r = Certkit({"keystore", "list", trust, "--json"});
  INFO(Describe(r));
  CHECK(r.exit_code == 0);
  nlohmann::json j = nlohmann::json::parse(r.out, nullptr, /*allow_exceptions=*/false);
  REQUIRE(!j.is_discarded());
  CHECK(j["integrity_checked"] == false);
  CHECK(j["entries"].size() == 1);
  CHECK(r.err.find("NOT been checked") != std::string::npos);
  // With the password: checked, no warning.
  r = Certkit({"keystore", "list", trust, "--storepass", "pass:trust-pass-1", "--json"});
  INFO(Describe(r));
  CHECK(r.exit_code == 0);
  j = nlohmann::json::parse(r.out, nullptr, /*allow_exceptions=*/false);
  CHECK(j["integrity_checked"] == true);
  CHECK(r.err.find("NOT been checked") == std::string::npos);
  // A store with a key entry still needs its password.
  const std::string keys = tmp.File("keys.jks");
  REQUIRE(Certkit({"keystore", "genkeypair", keys, "--alias", "n1", "--dname", "CN=n1", "--storepass",
                   "pass:store-pass-1"})
              .exit_code == 0);
  r = Certkit({"keystore", "list", keys});
  INFO(Describe(r));
  CHECK(r.exit_code == 3);
  CHECK(r.err.find("[bad_password]") != std::string::npos);
  CHECK(r.err.find("NOT been checked") == std::string::npos);
  // A PKCS#12 trust store too (its MAC and certificate bags need it).
  const std::string p12 = tmp.File("trust.p12");
  REQUIRE(Certkit({"keystore", "convert", trust, "--out", p12, "--storepass", "pass:trust-pass-1"}).exit_code == 0);
  r = Certkit({"keystore", "list", p12});
  INFO(Describe(r));
  CHECK(r.exit_code == 3);
  CHECK(r.err.find("[bad_password]") != std::string::npos);
}

namespace {

// MacOf returns the MAC digest `openssl pkcs12 -info` reports for |p12|
// ("sha1", "sha256"), with the legacy provider so legacy files open too.
std::string MacOf(const std::string& p12, const std::string& pass) {
  auto r = Run({"openssl", "pkcs12", "-info", "-noout", "-legacy", "-in", p12, "-passin", "pass:" + pass});
  INFO(p12 << ": " << r.output());
  REQUIRE(r.exit_code == 0);
  const std::string text = r.output();
  const size_t at = text.find("MAC: ");
  REQUIRE(at != std::string::npos);
  return text.substr(at + 5, text.find(',', at) - at - 5);
}

}  // namespace

TEST_CASE("a cluster's PKCS#12 profile is recorded and kept by add and renew, and changed when given") {
  TempDir tmp;
  const std::string dir = tmp.File("legacy-cluster");
  const std::vector<std::string> env = {"CK_PW=p12-profile-pw"};
  auto r = Certkit({"cluster", "init", "--out", dir, "--nodes", "db1", "--format", "pem,p12", "--p12-profile",
                    "legacy", "--storepass", "env:CK_PW", "--quiet"},
                   env);
  REQUIRE(r.exit_code == 0);
  CHECK(ReadString(dir + "/manifest.json").find("\"pkcs12_profile\": \"legacy\"") != std::string::npos);
  CHECK(MacOf(dir + "/nodes/db1/keystore.p12", "p12-profile-pw") == "sha1");
  // add, without --p12-profile: the cluster's legacy.
  r = Certkit({"cluster", "add", "--dir", dir, "--nodes", "db2", "--storepass", "env:CK_PW", "--quiet"}, env);
  REQUIRE(r.exit_code == 0);
  CHECK(MacOf(dir + "/nodes/db2/keystore.p12", "p12-profile-pw") == "sha1");
  // renew, without: legacy again.
  r = Certkit({"cluster", "renew", "--dir", dir, "--within", "3650d", "--storepass", "env:CK_PW", "--quiet"},
              env);
  REQUIRE(r.exit_code == 0);
  CHECK(MacOf(dir + "/nodes/db1/keystore.p12", "p12-profile-pw") == "sha1");
  CHECK(MacOf(dir + "/truststore.p12", "p12-profile-pw") == "sha1");
  // renew --p12-profile modern: written modern, and recorded (the field,
  // absent for modern, is gone).
  r = Certkit({"cluster", "renew", "--dir", dir, "--within", "3650d", "--p12-profile", "modern", "--storepass",
               "env:CK_PW", "--quiet"},
              env);
  REQUIRE(r.exit_code == 0);
  CHECK(MacOf(dir + "/nodes/db2/keystore.p12", "p12-profile-pw") == "sha256");
  CHECK(ReadString(dir + "/manifest.json").find("pkcs12_profile") == std::string::npos);
  r = Certkit({"cluster", "add", "--dir", dir, "--clients", "app", "--storepass", "env:CK_PW", "--quiet"}, env);
  REQUIRE(r.exit_code == 0);
  CHECK(MacOf(dir + "/clients/app/keystore.p12", "p12-profile-pw") == "sha256");
}
