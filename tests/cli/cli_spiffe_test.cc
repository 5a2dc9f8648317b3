// --spiffe-id (URI SANs from a template; certkit/spiffe.h) and `certkit
// cluster identities` (the CQL for Cassandra 5.0's MutualTlsAuthenticator),
// checked with openssl: the SAN openssl reads, the template the manifest
// records kept by add, renew and rotate-ca's reissue, and the refusals.
// Cassandra itself runs this CQL in tests/cassandra (cassandra:spiffe).
#include <string>
#include <vector>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "absl/strings/match.h"
#include "cli_support.h"
#include "support/oracle.h"

using certkit_cli_test::Certkit;
using certkit_cli_test::Describe;
using certkit_test::TempDir;

namespace {

const std::vector<std::string> kEnv = {"KS=store-pass-1"};
constexpr char kTemplate[] = "spiffe://cluster.example/cassandra/{kind}/{role}";

// UriSans is what openssl says the certificate's subjectAltName holds.
std::string OpensslSans(const std::string& cert) {
  auto r = certkit_test::Run({"openssl", "x509", "-in", cert, "-noout", "-ext", "subjectAltName"});
  REQUIRE(r.exit_code == 0);
  return r.out;
}

}  // namespace

TEST_CASE("spiffe-id templates: URI SANs openssl reads, kept by add, renew and rotate-ca reissue") {
  TempDir tmp;
  const std::string dir = tmp.File("c");
  auto r = Certkit({"cluster", "init", "--nodes", "10.0.0.1", "--clients", "app", "--spiffe-id", kTemplate,
                    "--out", dir, "--format", "pem", "--quiet"},
                   kEnv);
  REQUIRE(r.exit_code == 0);
  INFO(Describe(r));
  CHECK(absl::StrContains(OpensslSans(dir + "/clients/app/client.app.crt"),
                          "URI:spiffe://cluster.example/cassandra/client/app"));
  const std::string node_sans = OpensslSans(dir + "/nodes/10.0.0.1/node.crt");
  CHECK(absl::StrContains(node_sans, "IP Address:10.0.0.1"));
  CHECK(absl::StrContains(node_sans, "URI:spiffe://cluster.example/cassandra/node/10.0.0.1"));
  auto manifest = nlohmann::json::parse(certkit_test::ReadString(dir + "/manifest.json"));
  CHECK(manifest["spiffe_id"] == kTemplate);

  // add: the manifest's template; a different one is refused naming both.
  r = Certkit({"cluster", "add", "--dir", dir, "--clients", "batch", "--quiet"}, kEnv);
  REQUIRE(r.exit_code == 0);
  CHECK(absl::StrContains(OpensslSans(dir + "/clients/batch/client.batch.crt"),
                          "URI:spiffe://cluster.example/cassandra/client/batch"));
  r = Certkit({"cluster", "add", "--dir", dir, "--clients", "other", "--spiffe-id",
               "spiffe://elsewhere.example/{role}", "--quiet"},
              kEnv);
  CHECK(r.exit_code != 0);
  CHECK(absl::StrContains(r.err, "--spiffe-id 'spiffe://elsewhere.example/{role}'"));
  CHECK(absl::StrContains(r.err, std::string("issues '") + kTemplate + "'"));
  CHECK_FALSE(certkit_cli_test::Exists(dir + "/clients/other"));

  // renew: a new certificate, the same SPIFFE ID.
  const std::string before = certkit_cli_test::CertSerial(dir + "/clients/app/client.app.crt");
  r = Certkit({"cluster", "renew", "--dir", dir, "--within", "3650d", "--quiet"}, kEnv);
  REQUIRE(r.exit_code == 0);
  CHECK(certkit_cli_test::CertSerial(dir + "/clients/app/client.app.crt") != before);
  CHECK(absl::StrContains(OpensslSans(dir + "/clients/app/client.app.crt"),
                          "URI:spiffe://cluster.example/cassandra/client/app"));

  // rotate-ca: the reissued leaves, signed by the new CA, keep it.
  for (const char* stage : {"new-ca", "trust-both", "reissue"}) {
    r = Certkit({"cluster", "rotate-ca", "--dir", dir, "--stage", stage, "--quiet"}, kEnv);
    INFO(stage << ": " << Describe(r));
    REQUIRE(r.exit_code == 0);
  }
  CHECK(certkit_cli_test::CertSerial(dir + "/clients/batch/client.batch.crt") != "");
  CHECK(absl::StrContains(OpensslSans(dir + "/clients/batch/client.batch.crt"),
                          "URI:spiffe://cluster.example/cassandra/client/batch"));
  CHECK(absl::StrContains(OpensslSans(dir + "/nodes/10.0.0.1/node.crt"),
                          "URI:spiffe://cluster.example/cassandra/node/10.0.0.1"));

  // identities: the CQL, in manifest order; --json carries the same.
  r = Certkit({"cluster", "identities", "--dir", dir, "--create-roles"});
  REQUIRE(r.exit_code == 0);
  CHECK(r.out ==
        "CREATE ROLE IF NOT EXISTS 'app' WITH LOGIN = true;\n"
        "CREATE ROLE IF NOT EXISTS 'batch' WITH LOGIN = true;\n"
        "ADD IDENTITY IF NOT EXISTS 'spiffe://cluster.example/cassandra/client/app' TO ROLE 'app';\n"
        "ADD IDENTITY IF NOT EXISTS 'spiffe://cluster.example/cassandra/client/batch' TO ROLE 'batch';\n");
  r = Certkit({"cluster", "identities", "--dir", dir, "--json"});
  REQUIRE(r.exit_code == 0);
  auto j = nlohmann::json::parse(r.out);
  REQUIRE(j["identities"].size() == 2);
  CHECK(j["identities"][1]["role"] == "batch");
  CHECK(j["identities"][1]["spiffe_id"] == "spiffe://cluster.example/cassandra/client/batch");
  CHECK(j["identities"][1]["certificate"] == "clients/batch/client.batch.crt");
  CHECK(absl::StartsWith(j["cql"].get<std::string>(), "ADD IDENTITY IF NOT EXISTS "));
}

TEST_CASE("spiffe-id refusals and cluster identities without SPIFFE IDs") {
  TempDir tmp;
  const std::string dir = tmp.File("plain");
  REQUIRE(Certkit({"cluster", "init", "--nodes", "10.0.0.1", "--clients", "app", "--out", dir, "--format",
                   "pem", "--quiet"})
              .exit_code == 0);
  auto r = Certkit({"cluster", "identities", "--dir", dir});
  CHECK(r.exit_code != 0);
  CHECK(r.out.empty());
  CHECK(absl::StrContains(r.err, "client 'app' (" + dir + "/clients/app/client.app.crt) has no SPIFFE ID"));

  // Each a precise reason; nothing written.
  const std::vector<std::pair<std::string, std::string>> bad = {
      {"spiffe://Cluster.example/{role}", "the trust domain must be lowercase ('C') at byte 9"},
      {"spiffe://c.example:8443/{role}", "has a port"},
      {"spiffe://c.example/{user}", "unknown placeholder {user}"},
      {"spiffe://{role}.example/x", "is not in the path"},
      {"https://c.example/{role}", "does not start with 'spiffe://'"},
  };
  for (const auto& [tmpl, why] : bad) {
    const std::string out = tmp.File("bad");
    r = Certkit({"client", "--ca-cert", dir + "/ca.crt", "--ca-key", dir + "/ca-private/ca.key", "--user", "x",
                 "--out", out, "--spiffe-id", tmpl});
    INFO(tmpl << ": " << Describe(r));
    CHECK(r.exit_code != 0);
    CHECK(absl::StrContains(r.err, why));
    CHECK_FALSE(certkit_cli_test::Exists(out));
  }
  // A name the template cannot carry: the client named.
  r = Certkit({"cluster", "init", "--nodes", "10.0.0.1", "--clients", "bob@corp", "--spiffe-id",
               "spiffe://c.example/{role}", "--out", tmp.File("at"), "--format", "pem", "--quiet"});
  CHECK(r.exit_code != 0);
  CHECK(absl::StrContains(r.err, "--spiffe-id for client 'bob@corp'"));
  CHECK_FALSE(certkit_cli_test::Exists(tmp.File("at") + "/manifest.json"));

  // `certkit client` and `node` add it too.
  const std::string one = tmp.File("one");
  r = Certkit({"client", "--ca-cert", dir + "/ca.crt", "--ca-key", dir + "/ca-private/ca.key", "--user", "svc",
               "--out", one, "--spiffe-id", "spiffe://c.example/db/{role}"});
  REQUIRE(r.exit_code == 0);
  CHECK(absl::StrContains(OpensslSans(one + "/client.svc.crt"), "URI:spiffe://c.example/db/svc"));
  r = Certkit({"node", "--ca-cert", dir + "/ca.crt", "--ca-key", dir + "/ca-private/ca.key", "--host",
               "db1.example.com", "--out", tmp.File("n"), "--spiffe-id", "spiffe://c.example/{kind}/{name}"});
  REQUIRE(r.exit_code == 0);
  CHECK(absl::StrContains(OpensslSans(tmp.File("n") + "/node.crt"), "URI:spiffe://c.example/node/db1.example.com"));

  // A manifest whose template is not valid is refused (older manifests have
  // no "spiffe_id" and load, as the first case's add and renew show).
  {
    const std::string m = dir + "/manifest.json";
    auto doc = nlohmann::json::parse(certkit_test::ReadString(m));
    doc["spiffe_id"] = "spiffe://c.example/{user}";
    certkit_test::WriteString(m, doc.dump(2));
    r = Certkit({"cluster", "add", "--dir", dir, "--clients", "late", "--quiet"});
    CHECK(r.exit_code != 0);
    CHECK(absl::StrContains(r.err, "manifest: spiffe_id: SPIFFE ID template 'spiffe://c.example/{user}': unknown placeholder {user}"));
    CHECK_FALSE(certkit_cli_test::Exists(dir + "/clients/late"));
  }

  // Two clients with one identity: refused, an identity maps to one role.
  const std::string same = tmp.File("same");
  REQUIRE(Certkit({"cluster", "init", "--nodes", "10.0.0.1", "--clients", "a,b", "--spiffe-id",
                   "spiffe://c.example/shared", "--out", same, "--format", "pem", "--quiet"})
              .exit_code == 0);
  r = Certkit({"cluster", "identities", "--dir", same});
  CHECK(r.exit_code != 0);
  CHECK(absl::StrContains(r.err, "has the SPIFFE ID 'spiffe://c.example/shared' of client 'a'"));
}

TEST_CASE("spiffe-id under a CA with URI name constraints made by openssl: issued inside, refused outside") {
  TempDir tmp;
  const std::string key = tmp.File("ca.key"), crt = tmp.File("ca.crt"), cnf = tmp.File("ca.cnf");
  certkit_test::WriteString(cnf,
                            "[req]\ndistinguished_name=dn\nx509_extensions=v3\nprompt=no\n[dn]\nCN=URI CA\n"
                            "[v3]\nbasicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\n"
                            "subjectKeyIdentifier=hash\nnameConstraints=critical,permitted;URI:.cluster.example\n");
  auto o = certkit_test::Run({"openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
                              "-nodes", "-keyout", key, "-out", crt, "-days", "30", "-config", cnf});
  // Leaves for 7 days: inside the CA's 30.
  REQUIRE(o.exit_code == 0);
  auto r = Certkit({"client", "--ca-cert", crt, "--ca-key", key, "--user", "app", "--out", tmp.File("in"),
                    "--days", "7", "--spiffe-id", "spiffe://db.cluster.example/cassandra/{role}"});
  INFO(Describe(r));
  REQUIRE(r.exit_code == 0);
  o = certkit_test::Run({"openssl", "verify", "-CAfile", crt, tmp.File("in") + "/client.app.crt"});
  CHECK(o.exit_code == 0);
  r = Certkit({"client", "--ca-cert", crt, "--ca-key", key, "--user", "app", "--out", tmp.File("out"),
               "--days", "7", "--spiffe-id", "spiffe://evil.example/cassandra/{role}"});
  CHECK(r.exit_code != 0);
  CHECK(absl::StrContains(r.err, "URI:spiffe://evil.example/cassandra/app is outside the permitted subtrees"));
  CHECK_FALSE(certkit_cli_test::Exists(tmp.File("out") + "/client.app.crt"));
}
