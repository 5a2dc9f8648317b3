// Per-node names and addresses (issue 25): `cluster init/add --nodes
// NAME=HOST+HOST...` and `--node`. Each node's certificate is checked with
// openssl: its SANs (x509 -ext subjectAltName) and `openssl verify
// -verify_ip/-verify_hostname` for its own and for another node's
// addresses; renew and rotate-ca reissue keep the SANs; bad or ambiguous
// node lists are refused with a message naming the cause, writing nothing.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "cli_support.h"
#include "support/oracle.h"

using certkit_cli_test::Certkit;
using certkit_cli_test::CertSerial;
using certkit_cli_test::Describe;
using certkit_cli_test::Exists;
using certkit_test::ReadString;
using certkit_test::Run;
using certkit_test::TempDir;

namespace {

const std::vector<std::string> kEnv = {"CK_SP=store-secret-1"};

certkit_test::ProcessResult Ck(std::vector<std::string> args) { return Certkit(args, kEnv); }

// Sans: the subjectAltName extension as openssl prints it, one line.
std::string Sans(const std::string& cert) {
  auto r = Run({"openssl", "x509", "-in", cert, "-noout", "-ext", "subjectAltName"});
  REQUIRE(r.exit_code == 0);
  const size_t nl = r.out.find('\n');
  REQUIRE(nl != std::string::npos);
  std::string line = r.out.substr(nl + 1);
  while (!line.empty() && (line.back() == '\n' || line.back() == ' ')) line.pop_back();
  while (!line.empty() && line.front() == ' ') line.erase(0, 1);
  return line;
}

std::string Subject(const std::string& cert) {
  auto r = Run({"openssl", "x509", "-in", cert, "-noout", "-subject", "-nameopt", "RFC2253"});
  REQUIRE(r.exit_code == 0);
  return r.out;
}

// Verify: `openssl verify` of |cert| against |ca| as a TLS server with the
// identity check |check| ("-verify_ip" or "-verify_hostname") for |id|.
bool Verify(const std::string& ca, const std::string& cert, const std::string& check,
            const std::string& id) {
  auto r = Run({"openssl", "verify", "-CAfile", ca, "-purpose", "sslserver", check, id, cert});
  INFO(check << " " << id << ": " << r.out << r.err);
  if (r.exit_code == 0) CHECK(absl::StrContains(r.out, ": OK"));
  return r.exit_code == 0;
}

nlohmann::json Manifest(const std::string& dir) {
  return nlohmann::json::parse(ReadString(dir + "/manifest.json"));
}

std::vector<std::string> RecordedHosts(const std::string& dir, const std::string& name) {
  const nlohmann::json m = Manifest(dir);
  for (const auto& n : m["nodes"]) {  // a node's name is its "host"
    if (n["host"] == name) return n["hosts"].get<std::vector<std::string>>();
  }
  FAIL("node " << name << " not in the manifest");
  return {};
}

const char kDb3Sans[] =
    "DNS:db3.example.com, IP Address:10.0.0.3, IP Address:10.0.0.4, DNS:db.example.com";
const char kDb4Sans[] =
    "DNS:db4.example.com, IP Address:FD00:0:0:0:0:0:0:4, DNS:db4.internal, DNS:db.example.com";

// CheckIdentities: db3 and db4 of InitCluster verify for their own names and
// addresses only, against |ca|.
void CheckIdentities(const std::string& dir, const std::string& ca) {
  const std::string db3 = dir + "/nodes/db3.example.com/node.crt";
  const std::string db4 = dir + "/nodes/db4.example.com/node.crt";
  CHECK(Verify(ca, db3, "-verify_ip", "10.0.0.3"));
  CHECK(Verify(ca, db3, "-verify_ip", "10.0.0.4"));
  CHECK(Verify(ca, db3, "-verify_hostname", "db3.example.com"));
  CHECK(Verify(ca, db3, "-verify_hostname", "db.example.com"));  // --san, on every node
  CHECK_FALSE(Verify(ca, db3, "-verify_ip", "10.0.0.9"));        // another node's address
  CHECK_FALSE(Verify(ca, db3, "-verify_ip", "fd00::4"));
  CHECK_FALSE(Verify(ca, db3, "-verify_hostname", "db4.example.com"));
  CHECK(Verify(ca, db4, "-verify_ip", "fd00::4"));
  CHECK(Verify(ca, db4, "-verify_hostname", "db4.internal"));
  CHECK_FALSE(Verify(ca, db4, "-verify_ip", "10.0.0.4"));
  CHECK_FALSE(Verify(ca, db4, "-verify_hostname", "db3.example.com"));
}

// InitCluster: db3 (a name and two IPv4 addresses), db4 (a name, an IPv6
// address and a second name) and db5 (a name only) in one --nodes list,
// 10.0.0.9 by --node; every node also gets --san DNS:db.example.com.
void InitCluster(const std::string& dir) {
  auto r = Ck({"cluster", "init", "--out", dir, "--nodes",
               "db3.example.com=10.0.0.3+10.0.0.4,db4.example.com=[fd00::4]+db4.internal,"
               "db5.example.com",
               "--node", "10.0.0.9", "--san", "DNS:db.example.com", "--storepass", "env:CK_SP",
               "--quiet"});
  REQUIRE(r.exit_code == 0);
}

}  // namespace

TEST_CASE("cluster init --nodes NAME=HOST+HOST: each node's certificate carries its own names and addresses") {
  TempDir t;
  const std::string dir = t.File("cl");
  InitCluster(dir);
  const std::string db3 = dir + "/nodes/db3.example.com/node.crt";
  CHECK(Sans(db3) == kDb3Sans);
  CHECK(absl::StrContains(Subject(db3), "CN=db3.example.com"));
  CHECK(Sans(dir + "/nodes/db4.example.com/node.crt") == kDb4Sans);
  CHECK(Sans(dir + "/nodes/db5.example.com/node.crt") == "DNS:db5.example.com, DNS:db.example.com");
  CHECK(Sans(dir + "/nodes/10.0.0.9/node.crt") == "IP Address:10.0.0.9, DNS:db.example.com");
  CHECK_FALSE(Exists(dir + "/nodes/10.0.0.3"));
  CheckIdentities(dir, dir + "/ca.crt");
  // The manifest records every node's hosts.
  CHECK(RecordedHosts(dir, "db3.example.com") ==
        std::vector<std::string>{"db3.example.com", "10.0.0.3", "10.0.0.4", "db.example.com"});
  CHECK(RecordedHosts(dir, "db4.example.com") ==
        std::vector<std::string>{"db4.example.com", "fd00::4", "db4.internal", "db.example.com"});
  // The key store's entry is aliased by the node's name (keytool reads it).
  auto kl = Run({"keytool", "-list", "-keystore", dir + "/nodes/db3.example.com/keystore.jks",
                 "-storepass", "store-secret-1", "-alias", "db3.example.com"});
  CHECK(kl.exit_code == 0);
}

TEST_CASE("cluster renew and rotate-ca reissue keep each node's names and addresses") {
  TempDir t;
  const std::string dir = t.File("cl");
  InitCluster(dir);
  const std::string db3 = dir + "/nodes/db3.example.com/node.crt";
  const std::string before = CertSerial(db3);
  auto r = Ck({"cluster", "renew", "--dir", dir, "--within", "36500d", "--quiet"});
  REQUIRE(r.exit_code == 0);
  CHECK(CertSerial(db3) != before);
  CHECK(Sans(db3) == kDb3Sans);
  CHECK(Sans(dir + "/nodes/db4.example.com/node.crt") == kDb4Sans);
  CheckIdentities(dir, dir + "/ca.crt");

  const std::string renewed = CertSerial(db3);
  const std::string old_ca = ReadString(dir + "/ca.crt");
  for (const char* stage : {"new-ca", "trust-both", "reissue"}) {
    r = Ck({"cluster", "rotate-ca", "--dir", dir, "--stage", stage, "--storepass", "env:CK_SP", "--quiet"});
    REQUIRE(r.exit_code == 0);
  }
  CHECK(CertSerial(db3) != renewed);
  CHECK(Sans(db3) == kDb3Sans);
  CHECK(Sans(dir + "/nodes/db4.example.com/node.crt") == kDb4Sans);
  // Reissued by the new CA alone: its certificate is the active CA's.
  std::string new_ca_file;
  const nlohmann::json m = Manifest(dir);
  for (const auto& ca : m["cas"]) {
    if (ca["state"] == "active") new_ca_file = dir + "/" + ca["cert"].get<std::string>();
  }
  REQUIRE(!new_ca_file.empty());
  CHECK(ReadString(new_ca_file) != old_ca);
  CheckIdentities(dir, new_ca_file);
  CHECK(RecordedHosts(dir, "db3.example.com") ==
        std::vector<std::string>{"db3.example.com", "10.0.0.3", "10.0.0.4", "db.example.com"});
}

TEST_CASE("cluster add --node NAME=HOST+HOST: a new node with its addresses, a host of another node refused") {
  TempDir t;
  const std::string dir = t.File("cl");
  InitCluster(dir);
  auto r = Ck({"cluster", "add", "--dir", dir, "--node", "db6.example.com=10.0.0.6+10.0.0.7", "--quiet"});
  REQUIRE(r.exit_code == 0);
  const std::string db6 = dir + "/nodes/db6.example.com/node.crt";
  CHECK(Sans(db6) == "DNS:db6.example.com, IP Address:10.0.0.6, IP Address:10.0.0.7, DNS:db.example.com");
  CHECK(Verify(dir + "/ca.crt", db6, "-verify_ip", "10.0.0.7"));
  CHECK_FALSE(Verify(dir + "/ca.crt", db6, "-verify_ip", "10.0.0.4"));

  // 10.0.0.4 is db3's: refused, naming both nodes; nothing written.
  const std::string manifest = ReadString(dir + "/manifest.json");
  r = Ck({"cluster", "add", "--dir", dir, "--nodes", "db7.example.com=10.0.0.4", "--quiet"});
  CHECK(r.exit_code != 0);
  CHECK(absl::StrContains(r.err, "host '10.0.0.4' of new node 'db7.example.com' is already a host of "
                                 "node 'db3.example.com'"));
  CHECK_FALSE(Exists(dir + "/nodes/db7.example.com"));
  CHECK(ReadString(dir + "/manifest.json") == manifest);
  // The same for a node's name (DNS names compared without case) and for
  // an IPv6 address written another way.
  r = Ck({"cluster", "add", "--dir", dir, "--node", "DB4.Internal", "--quiet"});
  CHECK(absl::StrContains(r.err, "host 'DB4.Internal' of new node 'DB4.Internal' is already a host of "
                                 "node 'db4.example.com'"));
  r = Ck({"cluster", "add", "--dir", dir, "--node", "db8=fd00:0::4", "--quiet"});
  CHECK(absl::StrContains(r.err, "host 'fd00:0::4' of new node 'db8' is already a host of node "
                                 "'db4.example.com'"));
  // The --san extra every node carries is no conflict.
  r = Ck({"cluster", "add", "--dir", dir, "--node", "db9=10.0.0.10", "--quiet"});
  CHECK(r.exit_code == 0);
  CHECK(ReadString(dir + "/manifest.json") != manifest);
}

TEST_CASE("cluster init: bad or ambiguous node lists are refused naming the cause, nothing written") {
  TempDir t;
  struct Case {
    std::vector<std::string> nodes;
    std::string message;
  };
  const std::vector<Case> cases = {
      {{"--nodes", "db3.example.com=10.0.0.3,10.0.0.4"},
       "node list 'db3.example.com=10.0.0.3,10.0.0.4' is ambiguous: the bare address '10.0.0.4' may be "
       "meant as another address of 'db3.example.com=10.0.0.3'. A node's hosts are joined by '+' "
       "(db3.example.com=10.0.0.3+10.0.0.4); a node named by the address alone is given on its own "
       "(--node 10.0.0.4)"},
      {{"--nodes", "db1,db1"}, "node 'db1' is listed twice"},
      {{"--nodes", "a=10.0.0.1,b=10.0.0.1"}, "host '10.0.0.1' is given for two nodes: 'a' and 'b'"},
      {{"--nodes", "a=10.0.0.1", "--node", "b=10.0.0.2+10.0.0.1"},
       "host '10.0.0.1' is given for two nodes: 'a' and 'b'"},
      {{"--nodes", "a=::1,b=0:0::1"}, "host '0:0::1' is given for two nodes: 'a' and 'b'"},
      {{"--nodes", "a=db.example.com,b=DB.example.com"},
       "host 'DB.example.com' is given for two nodes: 'a' and 'b'"},
      {{"--nodes", "a,b=A"}, "host 'A' is given for two nodes: 'a' and 'b'"},
      {{"--nodes", "=10.0.0.1"}, "node '=10.0.0.1': no name before '='"},
      {{"--nodes", "a="}, "node 'a=': no host after '='"},
      {{"--nodes", "a=10.0.0.1++10.0.0.2"}, "node 'a=10.0.0.1++10.0.0.2': an empty host"},
      {{"--nodes", "a=10.0.0.1+"}, "node 'a=10.0.0.1+': an empty host"},
      {{"--nodes", "a,,b"}, "node list 'a,,b': node 2 is empty"},
      {{"--node", "a=10.0.0.1,10.0.0.2"}, "node 'a=10.0.0.1,10.0.0.2': a node's hosts are joined by '+', not ','"},
      {{"--nodes", "a=b=c"}, "node 'a=b=c': more than one '='"},
      {{"--nodes", "a+b"}, "node 'a+b': '+' joins hosts after '='"},
      {{"--nodes", "a=10.0.0.300"}, "node 'a=10.0.0.300': host '10.0.0.300'"},
      {{"--nodes", "a=10.0.0.1+10.0.0.1"}, "node 'a=10.0.0.1+10.0.0.1': host '10.0.0.1' is listed twice"},
      {{"--nodes", "a/b=10.0.0.1"}, "node 'a/b=10.0.0.1': name 'a/b'"},
  };
  for (const Case& c : cases) {
    const std::string dir = t.File("cl");
    std::vector<std::string> argv = {"cluster", "init", "--out", dir, "--storepass", "env:CK_SP", "--quiet"};
    argv.insert(argv.end(), c.nodes.begin(), c.nodes.end());
    auto r = Ck(argv);
    INFO(Describe(r));
    CHECK(r.exit_code == 3);  // malformed input
    CHECK(absl::StrContains(r.err, c.message));
    CHECK_FALSE(Exists(dir));
  }
  // No node at all: a usage error.
  auto r = Ck({"cluster", "init", "--out", t.File("cl"), "--storepass", "env:CK_SP"});
  CHECK(r.exit_code == 2);
  CHECK(absl::StrContains(r.err, "cluster init needs its nodes: --nodes LIST and/or --node NODE"));
  // Names alone, and a named node beside bare names, are no ambiguity.
  r = Ck({"cluster", "init", "--out", t.File("ok"), "--nodes", "10.0.0.1,10.0.0.2,db3=10.0.0.3+fd00::3,db4",
          "--storepass", "env:CK_SP", "--quiet"});
  CHECK(r.exit_code != 0);  // the bare addresses beside db3=... are ambiguous
  r = Ck({"cluster", "init", "--out", t.File("ok"), "--nodes", "db3=10.0.0.3+fd00::3,db4", "--nodes",
          "10.0.0.1,10.0.0.2", "--storepass", "env:CK_SP", "--quiet"});
  INFO(Describe(r));
  CHECK(r.exit_code == 0);
  CHECK(Sans(t.File("ok/nodes/db3/node.crt")) == "DNS:db3, IP Address:10.0.0.3, IP Address:FD00:0:0:0:0:0:0:3");
  CHECK(Sans(t.File("ok/nodes/10.0.0.2/node.crt")) == "IP Address:10.0.0.2");
}
