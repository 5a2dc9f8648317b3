// Java TLS as Cassandra uses it: the JSSE test server (tests/keystore/java/
// TlsServer.java) loads the node key store and the shared trust store that
// `certkit cluster init` wrote, exactly as cassandra.yaml's
// server_encryption_options name them, with require_client_auth: true. An
// `openssl s_client` presenting clients/<user> PEM files must complete the
// handshake; a client from another CA must not.
#include <catch2/catch.hpp>

#include <map>
#include <sstream>

#include "cli_support.h"
#include "support/oracle.h"

using certkit_cli_test::Certkit;
using certkit_cli_test::Describe;
using certkit_test::ReadString;
using certkit_test::Run;
using certkit_test::TempDir;

namespace {

// ParseYaml reads the flat "key: value" lines of a cassandra.yaml fragment.
std::map<std::string, std::string> ParseYaml(const std::string& text) {
  std::map<std::string, std::string> out;
  std::istringstream lines(text);
  std::string line;
  while (std::getline(lines, line)) {
    auto colon = line.find(':');
    if (colon == std::string::npos) continue;
    std::string key = line.substr(0, colon);
    std::string value = line.substr(colon + 1);
    key.erase(0, key.find_first_not_of(' '));
    value.erase(0, value.find_first_not_of(' '));
    out[key] = value;
  }
  return out;
}

void Handshakes(const std::string& keystore_file, const std::string& truststore_file) {
  REQUIRE(certkit_test::HaveTool("java"));
  REQUIRE(certkit_test::HaveTool("javac"));
  TempDir tmp;
  const std::string out = tmp.File("demo");
  const std::vector<std::string> env = {"CK_KS=node-store-pass", "CK_TS=trust-store-pass"};
  auto r = Certkit({"cluster", "init", "--nodes", "127.0.0.1", "--clients", "app", "--out", out, "--storepass",
                    "env:CK_KS", "--truststorepass", "env:CK_TS", "--quiet"},
                   env);
  INFO(Describe(r));
  REQUIRE(r.exit_code == 0);
  REQUIRE(Certkit({"cluster", "init", "--nodes", "127.0.0.1", "--clients", "app", "--out", tmp.File("rogue"),
                   "--format", "pem", "--quiet"}).exit_code == 0);

  const std::string yaml = tmp.File("cassandra.yaml");
  certkit_test::WriteString(
      yaml, "server_encryption_options:\n  internode_encryption: all\n  keystore: " + out + "/nodes/127.0.0.1/" +
                keystore_file + "\n  keystore_password: node-store-pass\n  truststore: " + out + "/" +
                truststore_file + "\n  truststore_password: trust-store-pass\n  require_client_auth: true\n");
  auto conf = ParseYaml(ReadString(yaml));
  auto type = [](const std::string& path) {
    return path.size() > 4 && path.substr(path.size() - 4) == ".p12" ? "PKCS12" : "JKS";
  };

  const std::string classes = tmp.File("classes");
  auto javac = Run({"javac", "-d", classes, certkit_test::SourceDir() + "/tests/keystore/java/TlsServer.java"});
  INFO(javac.output());
  REQUIRE(javac.exit_code == 0);

  const std::string server_out = tmp.File("server.out");
  auto client = [&](const std::string& dir) {
    return "openssl s_client -connect 127.0.0.1:$port -cert " + dir + "/client.app.crt -key " + dir +
           "/client.app.key -CAfile " + out + "/ca.crt -verify_return_error -verify_ip 127.0.0.1 </dev/null >>" +
           tmp.File("client.out") + " 2>&1; echo client=$?\n";
  };
  const std::string script =
      "java -cp " + classes + " TlsServer " + conf["keystore"] + " " + conf["keystore_password"] + " " +
      type(conf["keystore"]) + " " + conf["truststore"] + " " + conf["truststore_password"] + " " +
      type(conf["truststore"]) + " " + conf["require_client_auth"] + " 0 2 >" + server_out + " 2>&1 &\n" +
      "spid=$!\n"
      "for i in $(seq 1 600); do grep -q -e '^READY' -e 'SETUP FAILED' " + server_out +
      " 2>/dev/null && break; sleep 0.1; done\n"
      "port=$(sed -n 's/^READY //p' " + server_out + ")\n"
      "[ -n \"$port\" ] || { kill $spid; exit 9; }\n" +
      client(out + "/clients/app") + client(tmp.File("rogue") + "/clients/app") +
      "wait $spid; echo server=$?\n";
  auto run = Run({"bash", "-c", script}, "", 120);
  const std::string server = ReadString(server_out);
  INFO(run.output() << "\nserver:\n" << server << "\nclient:\n" << ReadString(tmp.File("client.out")));
  REQUIRE(run.exit_code == 0);
  CHECK(run.out.find("client=0") != std::string::npos);  // our client verified the node (CA + IP SAN)
  // First connection: certkit's client; second: a client of another CA.
  auto first = server.find("HANDSHAKE OK CN=app");
  CHECK(first != std::string::npos);
  CHECK(server.find("HANDSHAKE FAILED", first == std::string::npos ? 0 : first) != std::string::npos);
  CHECK(run.out.find("server=1") != std::string::npos);  // exactly the rogue handshake failed
}

}  // namespace

TEST_CASE("Java TLS server with cluster init JKS stores and client auth") {
  Handshakes("keystore.jks", "truststore.jks");
}

TEST_CASE("Java TLS server with cluster init PKCS#12 stores and client auth") {
  Handshakes("keystore.p12", "truststore.p12");
}

namespace {

// CheckJavaClientStore checks with keytool that |store| holds the key entry
// |user| (chain of 2: client + CA) and the trusted CA entry.
void CheckJavaClientStore(const std::string& store, const std::string& password,
                          const std::string& user) {
  auto list = Run({"keytool", "-list", "-v", "-keystore", store, "-storepass", password});
  INFO(store << "\n" << list.output());
  REQUIRE(list.exit_code == 0);
  CHECK(list.out.find("Alias name: " + user + "\n") != std::string::npos);
  CHECK(list.out.find("Entry type: PrivateKeyEntry") != std::string::npos);
  CHECK(list.out.find("Certificate chain length: 2") != std::string::npos);
  CHECK(list.out.find("Owner: CN=" + user) != std::string::npos);
  CHECK(list.out.find("Alias name: ca\n") != std::string::npos);
  CHECK(list.out.find("Entry type: trustedCertEntry") != std::string::npos);
}

}  // namespace

TEST_CASE("cluster init and client write Java key stores for clients (alias = user)") {
  REQUIRE(certkit_test::HaveTool("keytool"));
  TempDir tmp;
  const std::vector<std::string> env = {"CK_KS=client-store-pass"};
  auto r = Certkit({"cluster", "init", "--nodes", "127.0.0.1", "--clients", "app,reporting", "--out",
                    tmp.File("demo"), "--storepass", "env:CK_KS", "--quiet"},
                   env);
  INFO(Describe(r));
  REQUIRE(r.exit_code == 0);
  for (const char* user : {"app", "reporting"}) {
    const std::string dir = tmp.File("demo") + "/clients/" + user;
    CheckJavaClientStore(dir + "/keystore.jks", "client-store-pass", user);
    CheckJavaClientStore(dir + "/keystore.p12", "client-store-pass", user);
  }
  // --format pem: no key stores.
  r = Certkit({"cluster", "init", "--nodes", "127.0.0.1", "--clients", "app", "--out", tmp.File("pem"),
               "--format", "pem", "--quiet"});
  REQUIRE(r.exit_code == 0);
  CHECK_FALSE(certkit_cli_test::Exists(tmp.File("pem") + "/clients/app/keystore.jks"));
  CHECK_FALSE(certkit_cli_test::Exists(tmp.File("pem") + "/clients/app/keystore.p12"));

  // certkit client --format jks,p12 with the cluster's CA.
  const std::string demo = tmp.File("demo");
  r = Certkit({"client", "--ca-cert", demo + "/ca.crt", "--ca-key", demo + "/ca-private/ca.key", "--user",
               "batch", "--out", tmp.File("batch"), "--format", "jks,p12", "--storepass", "env:CK_KS"},
              env);
  INFO(Describe(r));
  REQUIRE(r.exit_code == 0);
  CheckJavaClientStore(tmp.File("batch") + "/keystore.jks", "client-store-pass", "batch");
  CheckJavaClientStore(tmp.File("batch") + "/keystore.p12", "client-store-pass", "batch");
  CHECK(certkit_cli_test::Exists(tmp.File("batch") + "/truststore.jks"));
}
