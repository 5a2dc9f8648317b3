// The Cassandra seed workflow (seeds/000, steps 1-18: openssl req, keytool
// -genkeypair/-certreq, openssl x509 -req, keytool -importcert twice) next to
// `certkit node --format jks`: keytool must report the same entry types.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include "cli_support.h"
#include "support/oracle.h"

using certkit_cli_test::Certkit;
using certkit_cli_test::Describe;
using certkit_cli_test::KeytoolEntryTypes;
using certkit_test::Run;
using certkit_test::TempDir;

TEST_CASE("seed 000 openssl+keytool flow and certkit node --format jks give the same entry types") {
  REQUIRE(certkit_test::HaveTool("keytool"));
  REQUIRE(certkit_test::HaveTool("openssl"));
  TempDir tmp;
  const std::string host = "10.200.175.15";
  const std::string dname = "CN=10.200.175.15, OU=TestCluster, O=YourCompany, C=US";
  const std::string seed_jks = tmp.File(host + ".jks");
  certkit_test::WriteString(tmp.File("gen_rootCa_cert.conf"),
                            "[ req ]\ndistinguished_name = req_distinguished_name\nprompt = no\n"
                            "output_password = myPass\ndefault_bits = 2048\n\n"
                            "[ req_distinguished_name ]\nC = US\nO = YourCompany\nOU = TestCluster\nCN = rootCa\n");
  // Steps 1-2: root CA.
  auto r = Run({"openssl", "req", "-config", tmp.File("gen_rootCa_cert.conf"), "-new", "-x509", "-nodes", "-subj",
                "/CN=rootCa/OU=TestCluster/O=YourCompany/C=US/", "-keyout", tmp.File("rootCa.key"), "-out",
                tmp.File("rootCa.crt"), "-days", "365"});
  REQUIRE(r.exit_code == 0);
  // Steps 5-6: node key pair.
  r = Run({"keytool", "-genkeypair", "-keyalg", "RSA", "-alias", host, "-keystore", seed_jks, "-storepass",
           "myKeyPass", "-keypass", "myKeyPass", "-validity", "365", "-keysize", "2048", "-dname", dname});
  REQUIRE(r.exit_code == 0);
  // Steps 9-10: CSR.
  r = Run({"keytool", "-certreq", "-keystore", seed_jks, "-alias", host, "-file", tmp.File(host + ".csr"),
           "-keypass", "myKeyPass", "-storepass", "myKeyPass", "-dname", dname});
  REQUIRE(r.exit_code == 0);
  // Steps 11-12: sign with the root CA.
  r = Run({"openssl", "x509", "-req", "-CA", tmp.File("rootCa.crt"), "-CAkey", tmp.File("rootCa.key"), "-in",
           tmp.File(host + ".csr"), "-out", tmp.File(host + ".crt_signed"), "-days", "365", "-CAcreateserial",
           "-passin", "pass:myPass"});
  REQUIRE(r.exit_code == 0);
  // Steps 13-14.
  REQUIRE(Run({"openssl", "verify", "-CAfile", tmp.File("rootCa.crt"), tmp.File(host + ".crt_signed")}).exit_code == 0);
  // Steps 15-18: import root CA, then the signed certificate.
  REQUIRE(Run({"keytool", "-importcert", "-keystore", seed_jks, "-alias", "rootCa", "-file", tmp.File("rootCa.crt"),
               "-noprompt", "-keypass", "myKeyPass", "-storepass", "myKeyPass"}).exit_code == 0);
  r = Run({"keytool", "-importcert", "-keystore", seed_jks, "-alias", host, "-file", tmp.File(host + ".crt_signed"),
           "-noprompt", "-keypass", "myKeyPass", "-storepass", "myKeyPass"});
  INFO(r.output());
  REQUIRE(r.exit_code == 0);

  // certkit: one CA command, one node command.
  REQUIRE(Certkit({"ca", "create", "--out", tmp.File("ck"), "--subject", "CN=rootCa, OU=TestCluster, O=YourCompany, C=US",
                   "--key-type", "rsa:2048", "--days", "365"}).exit_code == 0);
  r = Certkit({"node", "--ca-cert", tmp.File("ck/ca.crt"), "--ca-key", tmp.File("ck/ca-private/ca.key"), "--host", host,
               "--format", "jks", "--key-type", "rsa:2048", "--days", "365", "--out", tmp.File("ck/node"), "--storepass",
               "pass:myKeyPass"});
  INFO(Describe(r));
  REQUIRE(r.exit_code == 0);
  const std::string ck_jks = tmp.File("ck/node/keystore.jks");

  auto seed_types = KeytoolEntryTypes(seed_jks, "myKeyPass");
  auto ck_types = KeytoolEntryTypes(ck_jks, "myKeyPass");
  CHECK(seed_types == std::vector<std::string>{"PrivateKeyEntry", "trustedCertEntry"});
  CHECK(ck_types == seed_types);
  // Both key entries carry the chain to their root.
  for (const auto& [store, alias] : {std::pair<std::string, std::string>{seed_jks, host}, {ck_jks, host}}) {
    auto v = Run({"keytool", "-list", "-v", "-alias", alias, "-keystore", store, "-storepass", "myKeyPass"});
    INFO(store << "\n" << v.output());
    CHECK(v.out.find("Certificate chain length: 2") != std::string::npos);
    CHECK(v.out.find("CN=rootCa") != std::string::npos);  // the issuer of the node certificate
  }
  // The seed's own check (step 14) passes on certkit's certificate too.
  CHECK(Run({"openssl", "verify", "-CAfile", tmp.File("ck/ca.crt"), tmp.File("ck/node/node.crt")}).exit_code == 0);
  // And certkit reads the seed's store with the same entry types.
  r = Certkit({"keystore", "list", seed_jks, "--storepass", "pass:myKeyPass", "--json"});
  INFO(Describe(r));
  REQUIRE(r.exit_code == 0);
  std::vector<std::string> listed;
  const nlohmann::json seed_listing = nlohmann::json::parse(r.out);
  for (const auto& e : seed_listing["entries"]) listed.push_back(e["entry_type"].get<std::string>());
  std::sort(listed.begin(), listed.end());
  CHECK(listed == seed_types);
}
