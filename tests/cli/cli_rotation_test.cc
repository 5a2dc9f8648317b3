// CA rotation without downtime (`certkit cluster rotate-ca`) and the
// revocation list kept in the cluster manifest, through the certkit binary,
// checked with real peers: mutual-TLS handshakes between `openssl s_server`
// and `openssl s_client` using the nodes' PEM files and ca.crt bundles, one
// JSSE handshake with the JKS stores (tests/keystore/java/TlsServer.java and
// TlsClient.java), `openssl verify` and `openssl verify -crl_check`.
#include <catch2/catch.hpp>

#include <algorithm>
#include <map>
#include <utility>

#include <nlohmann/json.hpp>

#include "cli_support.h"
#include "support/oracle.h"

using certkit_cli_test::Certkit;
using certkit_cli_test::Describe;
using certkit_test::Run;
using certkit_test::TempDir;

namespace {

const std::vector<std::string> kEnv = {"CK_SP=rotation-store-pass"};

// Rotate runs one stage of `cluster rotate-ca` on |dir| (extra args after).
certkit_test::ProcessResult Rotate(const std::string& dir, const std::string& stage,
                                   const std::vector<std::string>& extra = {}) {
  std::vector<std::string> argv = {"cluster", "rotate-ca", "--dir", dir, "--storepass", "env:CK_SP"};
  if (!stage.empty()) argv.insert(argv.end(), {"--stage", stage});
  argv.insert(argv.end(), extra.begin(), extra.end());
  return Certkit(argv, kEnv);
}

// Handshake runs a mutual-TLS handshake: `openssl s_server` with the node
// files of |server| (node.crt, node.key, its ca.crt bundle; a client
// certificate required and verified) and `openssl s_client` with those of
// |client| (verifying the server). The server answers (-www) only after it
// verified the client, so an "HTTP/1.0 200" reply proves both directions.
struct Handshake {
  bool ok = false;
  std::string log;  // both sides' output
};

Handshake Mtls(const TempDir& tmp, const std::string& server, const std::string& client) {
  // A log of its own: the server truncates it in the background, and a
  // reused file could still show the previous server's port.
  static int count = 0;
  const std::string log = tmp.File("s_server" + std::to_string(++count) + ".log");
  const std::string script =
      "openssl s_server -www -accept 127.0.0.1:0 -naccept 1 -Verify 2 -verify_return_error -cert " +
      server + "/node.crt -key " + server + "/node.key -CAfile " + server + "/ca.crt >" + log +
      " 2>&1 </dev/null &\n"
      "spid=$!\n"
      "for i in $(seq 1 600); do grep -q '^ACCEPT' " + log + " && break; sleep 0.05; done\n"
      "port=$(sed -n 's/^ACCEPT .*:\\([0-9]*\\)$/\\1/p' " + log + ")\n"
      "[ -n \"$port\" ] || { kill $spid; cat " + log + "; exit 9; }\n"
      "printf 'GET / HTTP/1.0\\r\\n\\r\\n' | openssl s_client -connect 127.0.0.1:$port -cert " + client +
      "/node.crt -key " + client + "/node.key -CAfile " + client +
      "/ca.crt -verify_return_error -ign_eof 2>&1; echo \"client=$?\"\n"
      "wait $spid; echo \"server=$?\"; cat " + log + "\n";
  auto r = Run({"bash", "-c", script}, "", 60);
  Handshake h;
  h.log = "server " + server + " <- client " + client + "\n" + r.output();
  h.ok = r.out.find("client=0") != std::string::npos &&
         r.out.find("HTTP/1.0 200 ok") != std::string::npos;
  return h;
}

// CheckBothWays: |a| and |b| accept each other as server and as client.
void CheckBothWays(const TempDir& tmp, const std::string& a, const std::string& b) {
  for (const auto& [server, client] : {std::pair(a, b), std::pair(b, a)}) {
    const Handshake h = Mtls(tmp, server, client);
    INFO(h.log);
    CHECK(h.ok);
  }
}

bool OpensslVerifies(const std::string& ca, const std::string& cert,
                     const std::vector<std::string>& extra = {}) {
  std::vector<std::string> argv = {"openssl", "verify", "-CAfile", ca};
  argv.insert(argv.end(), extra.begin(), extra.end());
  argv.push_back(cert);
  auto r = Run(argv);
  INFO(r.output());
  return r.exit_code == 0;
}

std::string Issuer(const std::string& cert) {
  return Run({"openssl", "x509", "-in", cert, "-noout", "-issuer"}).out;
}

int CertCount(const std::string& pem) {
  int n = 0;
  for (size_t at = 0; (at = pem.find("BEGIN CERTIFICATE", at)) != std::string::npos; ++at) ++n;
  return n;
}

nlohmann::json Manifest(const std::string& dir) {
  return nlohmann::json::parse(certkit_test::ReadString(dir + "/manifest.json"));
}

// CaStates maps "state" -> subject over the manifest's "cas".
std::map<std::string, std::string> CaStates(const std::string& dir) {
  std::map<std::string, std::string> out;
  const nlohmann::json m = Manifest(dir);
  for (const auto& c : m["cas"]) out[c["state"].get<std::string>()] = c["subject"].get<std::string>();
  return out;
}

// JavaHandshake: a JSSE server with |server|'s keystore.jks and the cluster
// truststore.jks, a JSSE client with |client|'s keystore.jks and the same
// trust store; client auth required.
void JavaHandshake(const TempDir& tmp, const std::string& cluster, const std::string& server,
                   const std::string& client) {
  REQUIRE(certkit_test::HaveTool("javac"));
  const std::string classes = tmp.File("classes");
  const std::string java = certkit_test::SourceDir() + "/tests/keystore/java/";
  auto javac = Run({"javac", "-d", classes, java + "TlsServer.java", java + "TlsClient.java"});
  INFO(javac.output());
  REQUIRE(javac.exit_code == 0);
  const std::string trust = cluster + "/truststore.jks rotation-store-pass JKS ";
  const std::string out = tmp.File("java-server.out");
  const std::string script =
      "java -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -cp " + classes + " TlsServer " + server +
      "/keystore.jks rotation-store-pass JKS " + trust + "true 0 1 >" + out + " 2>&1 &\n"
      "spid=$!\n"
      "for i in $(seq 1 600); do grep -q -e '^READY' -e 'SETUP FAILED' " + out +
      " && break; sleep 0.1; done\n"
      "port=$(sed -n 's/^READY //p' " + out + ")\n"
      "[ -n \"$port\" ] || { kill $spid; cat " + out + "; exit 9; }\n"
      "java -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -cp " + classes + " TlsClient " + client +
      "/keystore.jks rotation-store-pass JKS " + trust + "127.0.0.1 $port; echo client=$?\n"
      "wait $spid; echo server=$?; cat " + out + "\n";
  auto r = Run({"bash", "-c", script}, "", 120);
  INFO(r.output());
  CHECK(r.out.find("CLIENT OK") != std::string::npos);
  CHECK(r.out.find("client=0") != std::string::npos);
  CHECK(r.out.find("HANDSHAKE OK CN=") != std::string::npos);
  CHECK(r.out.find("server=0") != std::string::npos);
}

}  // namespace

TEST_CASE("rotate-ca: nodes on the old and the new CA handshake in both directions at every stage") {
  TempDir tmp;
  const std::string dir = tmp.File("east");
  auto init = Certkit({"cluster", "init", "--nodes", "127.0.0.1,127.0.0.2,127.0.0.3", "--clients", "app",
                       "--format", "pem,jks", "--out", dir, "--storepass", "env:CK_SP", "--quiet"},
                      kEnv);
  INFO(Describe(init));
  REQUIRE(init.exit_code == 0);
  const std::string n1 = dir + "/nodes/127.0.0.1", n2 = dir + "/nodes/127.0.0.2",
                    n3 = dir + "/nodes/127.0.0.3";
  const std::string old_issuer = Issuer(n1 + "/node.crt");
  CheckBothWays(tmp, n1, n2);

  // new-ca: a new CA next to the old one; the nodes' files are untouched.
  auto fresh = Rotate(dir, "new-ca", {"--cross-sign", "--json"});
  INFO(Describe(fresh));
  REQUIRE(fresh.exit_code == 0);
  auto report = nlohmann::json::parse(fresh.out);
  CHECK(report["ok"] == true);
  CHECK(fresh.out.find("-cross.crt") != std::string::npos);
  auto m = Manifest(dir);
  REQUIRE(m["cas"].size() == 2);
  const nlohmann::json next = m["cas"][1];
  CHECK(next["state"] == "next");
  CHECK(next["subject"].get<std::string>().find("certkit CA east ") != std::string::npos);
  CHECK(certkit_test::FileMode(dir + "/" + next["key"].get<std::string>()) == 0600);
  CHECK(certkit_test::FileMode(dir + "/ca-private") == 0700);
  CHECK(certkit_cli_test::Exists(dir + "/ca-private/ca.key"));  // the old key is kept
  CHECK(CertCount(certkit_test::ReadString(n1 + "/ca.crt")) == 1);
  CheckBothWays(tmp, n1, n2);

  // trust-both: every bundle and store trusts both CAs; still the old leaves.
  auto both = Rotate(dir, "trust-both");
  INFO(Describe(both));
  REQUIRE(both.exit_code == 0);
  for (const std::string& f : {dir + "/ca.crt", n1 + "/ca.crt", n3 + "/ca.crt", dir + "/clients/app/ca.crt"}) {
    CHECK(CertCount(certkit_test::ReadString(f)) == 2);
  }
  for (const std::string& store : {dir + "/truststore.jks", n2 + "/keystore.jks"}) {
    auto list = Run({"keytool", "-list", "-keystore", store, "-storepass", "rotation-store-pass"});
    INFO(list.output());
    REQUIRE(list.exit_code == 0);
    size_t trusted = 0;
    for (size_t at = 0; (at = list.out.find("trustedCertEntry", at)) != std::string::npos; ++at) ++trusted;
    CHECK(trusted == 2);
    CHECK(list.out.find("ca-") != std::string::npos);  // distinct aliases ca-<id>
  }
  CheckBothWays(tmp, n1, n2);
  // A node that does not pick up the next stages (it keeps these files).
  REQUIRE(Run({"cp", "-a", n3, tmp.File("laggard")}).exit_code == 0);
  const std::string laggard = tmp.File("laggard");

  // reissue, node 1 only: old and new leaves side by side.
  auto part = Rotate(dir, "reissue", {"--only", "127.0.0.1"});
  INFO(Describe(part));
  REQUIRE(part.exit_code == 0);
  // The rest are named as --only takes them.
  CHECK(part.out.find("still on the old CA: 127.0.0.2, 127.0.0.3, app") != std::string::npos);
  CHECK(Issuer(n1 + "/node.crt") != old_issuer);
  CHECK(Issuer(n2 + "/node.crt") == old_issuer);
  CHECK(CaStates(dir)["active"] == next["subject"]);
  CheckBothWays(tmp, n1, n2);                          // new <-> old, openssl
  JavaHandshake(tmp, dir, n1, n2);                     // JSSE: new server, old client
  // The old CA cannot be retired while leaves still use it: they are named.
  auto early = Rotate(dir, "retire-old");
  CHECK(early.exit_code != 0);
  CHECK(early.err.find("127.0.0.2") != std::string::npos);
  CHECK(early.err.find("client app") != std::string::npos);
  CHECK(early.err.find("127.0.0.1,") == std::string::npos);
  // cluster add signs with the new CA and trusts both meanwhile.
  auto add = Certkit({"cluster", "add", "--dir", dir, "--nodes", "127.0.0.4", "--quiet"}, kEnv);
  INFO(Describe(add));
  REQUIRE(add.exit_code == 0);
  CHECK(Issuer(dir + "/nodes/127.0.0.4/node.crt") == Issuer(n1 + "/node.crt"));
  CHECK(CertCount(certkit_test::ReadString(dir + "/nodes/127.0.0.4/ca.crt")) == 2);
  CheckBothWays(tmp, dir + "/nodes/127.0.0.4", n2);

  // reissue the rest (the default stage now); each new leaf verifies against
  // the bundle, and through the cross certificate against the old CA alone.
  // Without a stage, the rotation in progress goes on: --json says what
  // this run did, what is left and what runs next.
  auto rest = Rotate(dir, "", {"--json"});
  INFO(Describe(rest));
  REQUIRE(rest.exit_code == 0);
  CHECK(Manifest(dir)["rotation"] == "reissue");
  {
    auto j = nlohmann::json::parse(rest.out);
    CHECK(j["ok"] == true);
    CHECK(j["stage"] == "reissue");
    CHECK(j["changed"] == true);
    CHECK(j["finished"] == true);
    CHECK(j["reissued"] == nlohmann::json::array({"127.0.0.2", "127.0.0.3", "app"}));
    CHECK(j["pending"].empty());
    CHECK(j["next_stage"] == "retire-old");
    CHECK(j["rotation"] == "reissue");
    CHECK(!j["written"].empty());
  }
  const std::string old_ca_file = dir + "/" + Manifest(dir)["cas"][1]["cert"].get<std::string>();
  for (const std::string& n : {n1, n2, n3, dir + "/nodes/127.0.0.4"}) {
    CHECK(OpensslVerifies(dir + "/ca.crt", n + "/node.crt"));
    CHECK(OpensslVerifies(n + "/ca.crt", n + "/node.crt"));
    CHECK_FALSE(OpensslVerifies(old_ca_file, n + "/node.crt"));
    CHECK(OpensslVerifies(old_ca_file, n + "/node.crt",
                          {"-untrusted", dir + "/" + next["cross_cert"].get<std::string>()}));
  }
  CHECK(OpensslVerifies(dir + "/ca.crt", dir + "/clients/app/client.app.crt"));
  CheckBothWays(tmp, n1, laggard);                     // new <-> a node still on the old certificate
  CheckBothWays(tmp, n2, n3);

  // retire-old: only the new CA is trusted; the laggard is now refused.
  auto retire = Rotate(dir, "retire-old");
  INFO(Describe(retire));
  REQUIRE(retire.exit_code == 0);
  CHECK(CaStates(dir)["retired"].find("certkit CA east ") != std::string::npos);
  for (const std::string& f : {dir + "/ca.crt", n1 + "/ca.crt", dir + "/clients/app/ca.crt"}) {
    CHECK(CertCount(certkit_test::ReadString(f)) == 1);
  }
  CheckBothWays(tmp, n1, n2);
  CheckBothWays(tmp, n3, dir + "/nodes/127.0.0.4");
  CHECK_FALSE(Mtls(tmp, n1, laggard).ok);
  CHECK_FALSE(Mtls(tmp, laggard, n1).ok);
}

TEST_CASE("rotate-ca: stages are idempotent, ordered, and finish after a crash") {
  TempDir tmp;
  const std::string dir = tmp.File("west");
  REQUIRE(Certkit({"cluster", "init", "--nodes", "10.0.0.1,10.0.0.2", "--clients", "app", "--format", "pem",
                   "--out", dir, "--quiet"}).exit_code == 0);
  // The new CA needs a subject of its own.
  const std::string subject = Manifest(dir)["ca"]["subject"];
  auto same = Rotate(dir, "new-ca", {"--ca-subject", subject});
  CHECK(same.exit_code == 3);
  CHECK(same.err.find("already has a CA named") != std::string::npos);
  auto early = Rotate(dir, "trust-both");
  CHECK(early.exit_code == 3);
  CHECK(early.err.find("no CA rotation is in progress") != std::string::npos);
  REQUIRE(Rotate(dir, "new-ca").exit_code == 0);
  const std::string after_new = certkit_test::ReadString(dir + "/manifest.json");
  auto again = Rotate(dir, "new-ca");
  CHECK(again.exit_code == 0);
  CHECK(again.out.find("already done") != std::string::npos);
  CHECK(certkit_test::ReadString(dir + "/manifest.json") == after_new);
  auto skip = Rotate(dir, "reissue");
  CHECK(skip.exit_code == 3);
  CHECK(skip.err.find("run the trust-both stage first") != std::string::npos);

  // A crash after trust-both rewrote the files but before the manifest: the
  // stage runs again and finishes.
  REQUIRE(Rotate(dir, "trust-both").exit_code == 0);
  const std::string bundle = certkit_test::ReadString(dir + "/ca.crt");
  certkit_test::WriteString(dir + "/manifest.json", after_new);
  auto redo = Rotate(dir, "");
  INFO(Describe(redo));
  REQUIRE(redo.exit_code == 0);
  CHECK(Manifest(dir)["rotation"] == "trust-both");
  CHECK(certkit_test::ReadString(dir + "/ca.crt") == bundle);
  const std::string after_both = certkit_test::ReadString(dir + "/manifest.json");
  CHECK(Rotate(dir, "trust-both").exit_code == 0);
  CHECK(certkit_test::ReadString(dir + "/manifest.json") == after_both);
  CHECK(certkit_test::ReadString(dir + "/ca.crt") == bundle);

  // A crash during reissue (leaves written, manifest not): re-running
  // re-issues what the manifest does not record and finishes.
  auto unknown = Rotate(dir, "reissue", {"--only", "10.9.9.9"});
  CHECK(unknown.exit_code == 3);
  CHECK(unknown.err.find("10.9.9.9") != std::string::npos);
  REQUIRE(Rotate(dir, "reissue").exit_code == 0);
  certkit_test::WriteString(dir + "/manifest.json", after_both);
  auto finish = Rotate(dir, "reissue");
  INFO(Describe(finish));
  REQUIRE(finish.exit_code == 0);
  CHECK(finish.out.find("re-issued 3") != std::string::npos);
  const std::string after_reissue = certkit_test::ReadString(dir + "/manifest.json");
  auto twice = Rotate(dir, "reissue");
  CHECK(twice.out.find("already done") != std::string::npos);
  CHECK(certkit_test::ReadString(dir + "/manifest.json") == after_reissue);
  for (const char* n : {"10.0.0.1", "10.0.0.2"}) {
    CHECK(OpensslVerifies(dir + "/ca.crt", dir + "/nodes/" + n + "/node.crt"));
  }
  REQUIRE(Rotate(dir, "retire-old").exit_code == 0);
  const std::string done = certkit_test::ReadString(dir + "/manifest.json");
  CHECK(Rotate(dir, "retire-old").exit_code == 0);
  CHECK(certkit_test::ReadString(dir + "/manifest.json") == done);
  // A run without a stage after the rotation finished does not start a new
  // one: that takes --stage new-ca, said in the error and in --json.
  auto idle = Rotate(dir, "", {"--json"});
  INFO(Describe(idle));
  CHECK(idle.exit_code == 3);
  {
    auto j = nlohmann::json::parse(idle.out);
    CHECK(j["ok"] == false);
    const std::string message = j["error"]["message"];
    CHECK(message.find("no CA rotation is in progress (the last one finished with retire-old)") != std::string::npos);
    CHECK(message.find("--stage new-ca") != std::string::npos);
  }
  CHECK(certkit_test::ReadString(dir + "/manifest.json") == done);
  // Named, a new rotation starts; subjects stay distinct.
  auto restart = Rotate(dir, "new-ca", {"--json"});
  INFO(Describe(restart));
  REQUIRE(restart.exit_code == 0);
  auto j = nlohmann::json::parse(restart.out);
  CHECK(j["stage"] == "new-ca");
  CHECK(j["changed"] == true);
  CHECK(j["next_stage"] == "trust-both");
  CHECK(j["rotation"] == "new-ca");
  CHECK(Manifest(dir)["cas"].size() == 3);
  CHECK(Manifest(dir)["rotation"] == "new-ca");
}

TEST_CASE("rotate-ca: a manifest written before rotation (no cas) loads, grows and rotates") {
  TempDir tmp;
  const std::string dir = tmp.File("old");
  REQUIRE(Certkit({"cluster", "init", "--nodes", "10.0.0.1", "--format", "pem", "--out", dir, "--quiet"})
              .exit_code == 0);
  auto m = Manifest(dir);
  m.erase("cas");
  REQUIRE(!m.contains("rotation"));
  certkit_test::WriteString(dir + "/manifest.json", m.dump(2));
  auto add = Certkit({"cluster", "add", "--dir", dir, "--nodes", "10.0.0.2", "--quiet"});
  INFO(Describe(add));
  REQUIRE(add.exit_code == 0);
  CHECK(Manifest(dir)["cas"].size() == 1);
  CHECK(Manifest(dir)["cas"][0]["state"] == "active");
  for (const char* stage : {"new-ca", "trust-both", "reissue", "retire-old"}) {
    auto r = Rotate(dir, stage);
    INFO(stage << "\n" << Describe(r));
    REQUIRE(r.exit_code == 0);
  }
  CHECK(OpensslVerifies(dir + "/ca.crt", dir + "/nodes/10.0.0.2/node.crt"));
}

TEST_CASE("revocation: a cluster keeps its list in the manifest and openssl -crl_check and certkit agree") {
  TempDir tmp;
  const std::string dir = tmp.File("south");
  REQUIRE(Certkit({"cluster", "init", "--nodes", "10.0.0.1,10.0.0.2", "--format", "pem", "--out", dir,
                   "--quiet"}).exit_code == 0);
  const std::string good = dir + "/nodes/10.0.0.1/node.crt", bad = dir + "/nodes/10.0.0.2/node.crt";
  auto rev = Certkit({"revoke", "--dir", dir, "--cert", bad, "--reason", "keyCompromise"});
  INFO(Describe(rev));
  REQUIRE(rev.exit_code == 0);
  CHECK_FALSE(certkit_cli_test::Exists(dir + "/revoked.json"));
  auto m = Manifest(dir);
  REQUIRE(m["cas"][0]["revoked"].size() == 1);
  std::string listed = m["cas"][0]["revoked"][0]["serial"];
  listed.erase(0, listed.find_first_not_of('0'));
  CHECK(listed == certkit_cli_test::CertSerial(bad));
  CHECK(m["cas"][0]["revoked"][0]["reason"] == "keyCompromise");
  auto crl = Certkit({"crl", "--dir", dir});
  INFO(Describe(crl));
  REQUIRE(crl.exit_code == 0);
  CHECK(Manifest(dir)["cas"][0]["crl_number"] == 1);
  const std::vector<std::string> check = {"-crl_check", "-CRLfile", dir + "/crl.pem"};
  CHECK(OpensslVerifies(dir + "/ca.crt", good, check));
  CHECK_FALSE(OpensslVerifies(dir + "/ca.crt", bad, check));
  CHECK(Certkit({"verify", "--ca", dir + "/ca.crt", "--crl", dir + "/crl.pem", good}).exit_code == 0);
  auto refused = Certkit({"verify", "--ca", dir + "/ca.crt", "--crl", dir + "/crl.pem", bad});
  CHECK(refused.exit_code == 1);
  CHECK(refused.out.find("[cert_revoked]") != std::string::npos);

  // During a rotation the new active CA signs crl.pem and the old one, still
  // trusted, crl-<id>.pem with what it revoked; after retire-old only crl.pem.
  REQUIRE(Run({"cp", bad, tmp.File("bad-old.crt")}).exit_code == 0);
  for (const char* stage : {"new-ca", "trust-both", "reissue"}) REQUIRE(Rotate(dir, stage).exit_code == 0);
  auto crl2 = Certkit({"crl", "--dir", dir});
  INFO(Describe(crl2));
  REQUIRE(crl2.exit_code == 0);
  m = Manifest(dir);
  auto crl_issuer = Run({"openssl", "crl", "-in", dir + "/crl.pem", "-noout", "-issuer"});
  CHECK(crl_issuer.out.find(m["ca"]["subject"].get<std::string>().substr(3)) != std::string::npos);
  REQUIRE(m["cas"][1]["revoked"].size() == 1);
  CHECK(m["cas"][1]["crl_number"] == 2);
  std::string old_id = m["cas"][1]["sha256_fingerprint"];
  old_id.erase(std::remove(old_id.begin(), old_id.end(), ':'), old_id.end());
  old_id = old_id.substr(0, 8);
  std::transform(old_id.begin(), old_id.end(), old_id.begin(), ::tolower);
  const std::string old_crl = dir + "/crl-" + old_id + ".pem";
  REQUIRE(certkit_cli_test::Exists(old_crl));
  const std::vector<std::string> both = {"-crl_check", "-CRLfile", dir + "/crl.pem", "-CRLfile", old_crl};
  CHECK_FALSE(OpensslVerifies(dir + "/ca.crt", tmp.File("bad-old.crt"), both));
  CHECK(OpensslVerifies(dir + "/ca.crt", dir + "/nodes/10.0.0.1/node.crt", both));
  auto refused_old = Certkit({"verify", "--ca", dir + "/ca.crt", "--crl", dir + "/crl.pem", "--crl", old_crl,
                              tmp.File("bad-old.crt")});
  CHECK(refused_old.exit_code == 1);
  CHECK(refused_old.out.find("[cert_revoked]") != std::string::npos);
  CHECK(Certkit({"verify", "--ca", dir + "/ca.crt", "--crl", dir + "/crl.pem", "--crl", old_crl,
                 dir + "/nodes/10.0.0.1/node.crt"}).exit_code == 0);
  REQUIRE(Rotate(dir, "retire-old").exit_code == 0);
  auto crl3 = Certkit({"crl", "--dir", dir});
  REQUIRE(crl3.exit_code == 0);
  CHECK(crl3.out.find("crl-") == std::string::npos);

  // A plain CA directory keeps DIR/revoked.json.
  REQUIRE(Certkit({"ca", "create", "--out", tmp.File("plain"), "--cn", "Plain CA"}).exit_code == 0);
  REQUIRE(Certkit({"revoke", "--dir", tmp.File("plain"), "--serial", "1f2e"}).exit_code == 0);
  CHECK(certkit_test::ReadString(tmp.File("plain/revoked.json")).find("1f2e") != std::string::npos);
}

// issue 21, item 5: a CA file that no longer holds the certificate the
// manifest records (swapped for another cluster's CA, or for a node
// certificate) is refused, and nothing is written.
TEST_CASE("rotate-ca: a CA file whose fingerprint does not match the manifest is refused") {
  TempDir tmp;
  const std::string dir = tmp.File("east"), other = tmp.File("other");
  for (const std::string& d : {dir, other}) {
    REQUIRE(Certkit({"cluster", "init", "--nodes", "10.0.0.1", "--format", "pem", "--out", d, "--quiet"})
                .exit_code == 0);
  }
  REQUIRE(Rotate(dir, "new-ca").exit_code == 0);
  const auto m = Manifest(dir);
  std::string next_file;
  for (const auto& ca : m["cas"]) {
    if (ca["state"] == "next") next_file = ca["cert"];
  }
  REQUIRE_FALSE(next_file.empty());
  const std::string ca_before = certkit_test::ReadString(dir + "/ca.crt");
  const std::string manifest_before = certkit_test::ReadString(dir + "/manifest.json");
  for (const std::string& swapped : {other + "/ca.crt", dir + "/nodes/10.0.0.1/node.crt"}) {
    INFO(swapped);
    certkit_test::WriteString(dir + "/" + next_file, certkit_test::ReadString(swapped));
    auto r = Rotate(dir, "trust-both");
    INFO(Describe(r));
    CHECK(r.exit_code == 3);
    CHECK(r.err.find("holds no certificate with the SHA-256 fingerprint") != std::string::npos);
    CHECK(r.err.find("restore the CA file") != std::string::npos);
    CHECK(certkit_test::ReadString(dir + "/ca.crt") == ca_before);
    CHECK(certkit_test::ReadString(dir + "/nodes/10.0.0.1/ca.crt") == ca_before);
    CHECK(certkit_test::ReadString(dir + "/manifest.json") == manifest_before);
  }
}
