// The keytool store operations certkit adds (keystore genkeypair, certreq,
// merge, export --chain, export-key, import-cert of a bundle, convert
// --alias), each run side by side with keytool doing the same on the same
// input: `keytool -list -v` must show the same entries, chains and
// fingerprints. JKS and PKCS#12, RSA and EC.
#include <algorithm>
#include <map>
#include <sstream>

#include <catch2/catch.hpp>

#include "cli_support.h"
#include "support/oracle.h"

using certkit_cli_test::Certkit;
using certkit_cli_test::Describe;
using certkit_cli_test::Exists;
using certkit_test::ReadString;
using certkit_test::Run;
using certkit_test::TempDir;

namespace {

const char kPass[] = "kt-pass-1";

struct Listed {
  std::string type;                       // PrivateKeyEntry | trustedCertEntry
  std::vector<std::string> fingerprints;  // SHA256 of each certificate of the chain
  std::vector<std::string> owners;
  std::vector<std::string> facts;  // signature algorithm, key algorithm, version, extension ids
};

// KeytoolList parses `keytool -list -v` of |store| into alias -> entry.
std::map<std::string, Listed> KeytoolList(const std::string& store, const std::string& storetype) {
  auto r = Run({"keytool", "-list", "-v", "-keystore", store, "-storepass", kPass, "-storetype", storetype});
  INFO(r.output());
  REQUIRE(r.exit_code == 0);
  std::map<std::string, Listed> out;
  std::istringstream in(r.out);
  std::string line, alias;
  while (std::getline(in, line)) {
    auto field = [&](const std::string& prefix) {
      return line.rfind(prefix, 0) == 0 ? line.substr(prefix.size()) : std::string();
    };
    if (!field("Alias name: ").empty()) alias = field("Alias name: ");
    if (alias.empty()) continue;
    Listed& e = out[alias];
    if (!field("Entry type: ").empty()) e.type = field("Entry type: ");
    if (!field("Owner: ").empty()) e.owners.push_back(field("Owner: "));
    if (line.find("SHA256: ") != std::string::npos) e.fingerprints.push_back(line.substr(line.find("SHA256: ") + 8));
    for (const char* p : {"Signature algorithm name: ", "Subject Public Key Algorithm: ", "Version: ", "#"}) {
      if (line.rfind(p, 0) == 0) e.facts.push_back(line);
    }
  }
  return out;
}

std::string Ext(const std::string& type) { return type == "JKS" ? ".jks" : ".p12"; }

// KeytoolGen runs keytool -genkeypair the way the seeds do.
void KeytoolGen(const std::string& store, const std::string& type, const std::string& alg,
                const std::string& alias, const std::string& dname, const std::string& san) {
  std::vector<std::string> argv = {"keytool", "-genkeypair", "-keyalg", alg, "-alias", alias, "-dname", dname,
                                   "-keystore", store, "-storetype", type, "-storepass", kPass, "-keypass", kPass};
  if (alg == "EC") argv.insert(argv.end(), {"-groupname", "secp256r1"});
  if (!san.empty()) argv.insert(argv.end(), {"-ext", "SAN=" + san});
  auto r = Run(argv);
  INFO(r.output());
  REQUIRE(r.exit_code == 0);
}

std::vector<std::string> PrintcertFingerprints(const std::string& file) {
  auto r = Run({"keytool", "-printcert", "-file", file});
  INFO(r.output());
  REQUIRE(r.exit_code == 0);
  std::vector<std::string> out;
  std::istringstream in(r.out);
  std::string line;
  while (std::getline(in, line)) {
    if (line.find("SHA256: ") != std::string::npos) out.push_back(line.substr(line.find("SHA256: ") + 8));
  }
  return out;
}

std::string OpensslPubkey(const std::vector<std::string>& argv) {
  auto r = Run(argv);
  INFO(r.output());
  REQUIRE(r.exit_code == 0);
  return r.out;
}

const std::vector<std::string> kEnv = {std::string("KS=") + kPass, "KP=key-pass-9"};

}  // namespace

TEST_CASE("keystore genkeypair makes what keytool -genkeypair makes") {
  for (const std::string type : {"JKS", "PKCS12"}) {
    for (const std::string alg : {"RSA", "EC"}) {
      DYNAMIC_SECTION(type << " " << alg) {
        TempDir tmp;
        const std::string ours = tmp.File("ours" + Ext(type)), theirs = tmp.File("theirs" + Ext(type));
        auto r = Certkit({"keystore", "genkeypair", ours, "--storetype", type, "--alias", "node1", "--dname",
                          "CN=node1, OU=Test, O=Example, C=US", "--key-type", alg == "RSA" ? "rsa:2048" : "ec:p256",
                          "--host", "node1.example.com,10.0.0.1", "--storepass", "env:KS"},
                         kEnv);
        INFO(Describe(r));
        REQUIRE(r.exit_code == 0);
        KeytoolGen(theirs, type, alg, "node1", "CN=node1, OU=Test, O=Example, C=US", "dns:node1.example.com,ip:10.0.0.1");
        auto a = KeytoolList(ours, type), b = KeytoolList(theirs, type);
        REQUIRE(a.size() == 1);
        REQUIRE(b.size() == 1);
        CHECK(a["node1"].type == "PrivateKeyEntry");
        CHECK(a["node1"].type == b["node1"].type);
        CHECK(a["node1"].owners == b["node1"].owners);
        CHECK(a["node1"].fingerprints.size() == 1);
        // Same signature algorithm, key, version and extensions (ids and criticality).
        CHECK(a["node1"].facts == b["node1"].facts);
        // keytool's 90-day default validity.
        const std::string cert = "keytool -exportcert -rfc -alias node1 -keystore '" + ours + "' -storepass " +
                                 kPass + " | openssl x509 -noout -checkend ";
        CHECK(Run({"bash", "-c", cert + std::to_string(89 * 86400)}).exit_code == 0);
        CHECK(Run({"bash", "-c", cert + std::to_string(91 * 86400)}).exit_code == 1);
        // An existing alias is refused and the store is left as it was.
        const std::string before = ReadString(ours);
        r = Certkit({"keystore", "genkeypair", ours, "--alias", "NODE1", "--dname", "CN=x", "--storepass", "env:KS"}, kEnv);
        CHECK(r.exit_code == 3);
        CHECK(r.err.find("already exists") != std::string::npos);
        CHECK(ReadString(ours) == before);
      }
    }
  }
}

TEST_CASE("keystore certreq makes the CSR keytool -certreq makes") {
  for (const std::string type : {"JKS", "PKCS12"}) {
    for (const std::string alg : {"RSA", "EC"}) {
      DYNAMIC_SECTION(type << " " << alg) {
        TempDir tmp;
        const std::string store = tmp.File("s" + Ext(type));
        KeytoolGen(store, type, alg, "db", "CN=db1, O=Example", "");
        auto kt = Run({"keytool", "-certreq", "-alias", "db", "-keystore", store, "-storetype", type, "-storepass",
                       kPass, "-file", tmp.File("kt.csr")});
        INFO(kt.output());
        REQUIRE(kt.exit_code == 0);
        auto r = Certkit({"keystore", "certreq", store, "--alias", "db", "--out", tmp.File("ck.csr"), "--storepass",
                          "env:KS"},
                         kEnv);
        INFO(Describe(r));
        REQUIRE(r.exit_code == 0);
        for (const char* f : {"kt.csr", "ck.csr"}) {
          CHECK(Run({"openssl", "req", "-in", tmp.File(f), "-verify", "-noout"}).exit_code == 0);
        }
        CHECK(OpensslPubkey({"openssl", "req", "-in", tmp.File("ck.csr"), "-noout", "-pubkey"}) ==
              OpensslPubkey({"openssl", "req", "-in", tmp.File("kt.csr"), "-noout", "-pubkey"}));
        CHECK(OpensslPubkey({"openssl", "req", "-in", tmp.File("ck.csr"), "-noout", "-subject", "-nameopt", "RFC2253"}) ==
              OpensslPubkey({"openssl", "req", "-in", tmp.File("kt.csr"), "-noout", "-subject", "-nameopt", "RFC2253"}));
        // Default output is stdout.
        r = Certkit({"keystore", "certreq", store, "--alias", "db", "--storepass", "env:KS"}, kEnv);
        CHECK(r.exit_code == 0);
        CHECK(r.out.rfind("-----BEGIN CERTIFICATE REQUEST-----", 0) == 0);
      }
    }
  }
}

TEST_CASE("keystore merge does what keytool -importkeystore does") {
  for (const std::string type : {"JKS", "PKCS12"}) {
    for (const std::string alg : {"RSA", "EC"}) {
      DYNAMIC_SECTION(type << " " << alg) {
        TempDir tmp;
        const std::string src = tmp.File("src.p12"), dest = tmp.File("dest" + Ext(type));
        KeytoolGen(src, "PKCS12", alg, "a", "CN=a", "");
        KeytoolGen(src, "PKCS12", alg, "b", "CN=b", "");
        KeytoolGen(dest, type, alg, "keep", "CN=keep", "");
        REQUIRE(Run({"cp", dest, tmp.File("kt" + Ext(type))}).exit_code == 0);
        const std::string kt = tmp.File("kt" + Ext(type));

        // Whole store, then one entry renamed.
        auto k = Run({"keytool", "-importkeystore", "-noprompt", "-srckeystore", src, "-srcstoretype", "PKCS12",
                      "-srcstorepass", kPass, "-destkeystore", kt, "-deststoretype", type, "-deststorepass", kPass,
                      "-srcalias", "a", "-destalias", "a2"});
        INFO(k.output());
        REQUIRE(k.exit_code == 0);
        k = Run({"keytool", "-importkeystore", "-noprompt", "-srckeystore", src, "-srcstoretype", "PKCS12",
                 "-srcstorepass", kPass, "-destkeystore", kt, "-deststoretype", type, "-deststorepass", kPass});
        REQUIRE(k.exit_code == 0);
        auto r = Certkit({"keystore", "merge", dest, "--src", src, "--src-storepass", "env:KS", "--src-alias", "a",
                          "--dest-alias", "A2", "--storepass", "env:KS"},
                         kEnv);
        INFO(Describe(r));
        REQUIRE(r.exit_code == 0);
        r = Certkit({"keystore", "merge", dest, "--src", src, "--src-storepass", "env:KS", "--storepass", "env:KS"},
                    kEnv);
        INFO(Describe(r));
        REQUIRE(r.exit_code == 0);
        auto ours = KeytoolList(dest, type), theirs = KeytoolList(kt, type);
        CHECK(ours.size() == 4);
        REQUIRE(ours.size() == theirs.size());
        for (const auto& [alias, e] : theirs) {
          INFO(alias);
          REQUIRE(ours.count(alias) == 1);
          CHECK(ours[alias].type == e.type);
          CHECK(ours[alias].fingerprints == e.fingerprints);
        }
        // A clash is refused without --overwrite and the destination is unchanged.
        const std::string before = ReadString(dest);
        r = Certkit({"keystore", "merge", dest, "--src", src, "--src-storepass", "env:KS", "--storepass", "env:KS"},
                    kEnv);
        CHECK(r.exit_code == 3);
        CHECK(r.err.find("alias 'a' already exists in the destination") != std::string::npos);
        CHECK(ReadString(dest) == before);
        r = Certkit({"keystore", "merge", dest, "--src", src, "--src-storepass", "env:KS", "--storepass", "env:KS",
                     "--overwrite"},
                    kEnv);
        CHECK(r.exit_code == 0);
      }
    }
  }
}

TEST_CASE("keystore export --chain and convert --alias match keytool") {
  for (const std::string type : {"JKS", "PKCS12"}) {
    for (const std::string key : {"rsa:2048", "ec:p256"}) {
      DYNAMIC_SECTION(type << " " << key) {
        TempDir tmp;
        REQUIRE(Certkit({"ca", "create", "--out", tmp.File("root"), "--cn", "Root"}).exit_code == 0);
        REQUIRE(Certkit({"ca", "intermediate", "--ca-cert", tmp.File("root/ca.crt"), "--ca-key",
                         tmp.File("root/ca-private/ca.key"), "--out", tmp.File("int"), "--cn", "Int"})
                    .exit_code == 0);
        auto r = Certkit({"node", "--ca-cert", tmp.File("int/ca.crt"), "--ca-key", tmp.File("int/ca-private/ca.key"),
                          "--host", "db1", "--key-type", key, "--out", tmp.File("n"), "--format",
                          type == "JKS" ? "jks" : "p12", "--storepass", "env:KS"},
                         kEnv);
        INFO(Describe(r));
        REQUIRE(r.exit_code == 0);
        const std::string store = tmp.File("n/keystore" + Ext(type));
        auto listed = KeytoolList(store, type);
        std::string alias;
        for (const auto& [a, e] : listed) {
          if (e.type == "PrivateKeyEntry") alias = a;
        }
        REQUIRE(!alias.empty());
        r = Certkit({"keystore", "export", store, "--alias", alias, "--chain", "--out", tmp.File("chain.pem"),
                     "--storepass", "env:KS"},
                    kEnv);
        INFO(Describe(r));
        REQUIRE(r.exit_code == 0);
        CHECK(listed[alias].fingerprints.size() == 3);
        CHECK(PrintcertFingerprints(tmp.File("chain.pem")) == listed[alias].fingerprints);
        // Without --chain: the leaf only, like keytool -exportcert.
        r = Certkit({"keystore", "export", store, "--alias", alias, "--storepass", "env:KS"}, kEnv);
        REQUIRE(r.exit_code == 0);
        certkit_test::WriteString(tmp.File("leaf.pem"), r.out);
        CHECK(PrintcertFingerprints(tmp.File("leaf.pem")) ==
              std::vector<std::string>{listed[alias].fingerprints.front()});

        // convert --alias = keytool -importkeystore -srcalias into a new store.
        const std::string kt = tmp.File("kt.p12"), ck = tmp.File("ck.p12");
        auto k = Run({"keytool", "-importkeystore", "-noprompt", "-srckeystore", store, "-srcstoretype", type,
                      "-srcstorepass", kPass, "-destkeystore", kt, "-deststoretype", "PKCS12", "-deststorepass", kPass,
                      "-srcalias", alias});
        INFO(k.output());
        REQUIRE(k.exit_code == 0);
        r = Certkit({"keystore", "convert", store, "--alias", alias, "--out", ck, "--storepass", "env:KS"}, kEnv);
        INFO(Describe(r));
        REQUIRE(r.exit_code == 0);
        auto a = KeytoolList(ck, "PKCS12"), b = KeytoolList(kt, "PKCS12");
        REQUIRE(a.size() == 1);
        REQUIRE(b.size() == 1);
        CHECK(a[alias].fingerprints == b[alias].fingerprints);
        CHECK(a[alias].type == b[alias].type);
        r = Certkit({"keystore", "convert", store, "--alias", "nope", "--out", tmp.File("x.p12"), "--storepass", "env:KS"},
                    kEnv);
        CHECK(r.exit_code == 3);
        CHECK(r.err.find("--alias") != std::string::npos);
        CHECK_FALSE(Exists(tmp.File("x.p12")));
      }
    }
  }
}

TEST_CASE("keystore export-key writes an encrypted PKCS#8 of the entry's key, mode 0600") {
  for (const std::string type : {"JKS", "PKCS12"}) {
    for (const std::string alg : {"RSA", "EC"}) {
      DYNAMIC_SECTION(type << " " << alg) {
        TempDir tmp;
        const std::string store = tmp.File("s" + Ext(type));
        KeytoolGen(store, type, alg, "db", "CN=db1", "");
        auto r = Certkit({"keystore", "export-key", store, "--alias", "db", "--out", tmp.File("db.key"), "--storepass",
                          "env:KS", "--new-key-pass", "env:KP"},
                         kEnv);
        INFO(Describe(r));
        REQUIRE(r.exit_code == 0);
        CHECK(certkit_test::FileMode(tmp.File("db.key")) == 0600);
        CHECK(ReadString(tmp.File("db.key")).find("ENCRYPTED PRIVATE KEY") != std::string::npos);
        // openssl decrypts it and its public key is the one keytool's certificate carries.
        auto kt = Run({"bash", "-c", "keytool -exportcert -rfc -alias db -keystore '" + store + "' -storetype " + type +
                                         " -storepass " + kPass + " | openssl x509 -noout -pubkey"});
        REQUIRE(kt.exit_code == 0);
        CHECK(OpensslPubkey({"openssl", "pkey", "-in", tmp.File("db.key"), "-passin", "pass:key-pass-9", "-pubout"}) ==
              kt.out);
        // Plaintext only with --no-encrypt; stdout only with --allow-key-stdout.
        r = Certkit({"keystore", "export-key", store, "--alias", "db", "--out", "-", "--storepass", "env:KS",
                     "--no-encrypt"},
                    kEnv);
        CHECK(r.exit_code == 3);
        CHECK(r.out.empty());
        CHECK(r.err.find("--allow-key-stdout") != std::string::npos);
        r = Certkit({"keystore", "export-key", store, "--alias", "db", "--out", "-", "--storepass", "env:KS",
                     "--no-encrypt", "--allow-key-stdout"},
                    kEnv);
        CHECK(r.exit_code == 0);
        CHECK(r.out.rfind("-----BEGIN PRIVATE KEY-----", 0) == 0);
        // No password source and no terminal: refused, nothing written.
        r = Certkit({"keystore", "export-key", store, "--alias", "db", "--out", tmp.File("k2.key"), "--storepass",
                     "env:KS"},
                    kEnv);
        CHECK(r.exit_code == 3);
        CHECK_FALSE(Exists(tmp.File("k2.key")));
      }
    }
  }
}

TEST_CASE("keystore import-cert of a bundle makes one trusted entry per certificate") {
  for (const std::string type : {"JKS", "PKCS12"}) {
    DYNAMIC_SECTION(type) {
      TempDir tmp;
      REQUIRE(Certkit({"ca", "create", "--out", tmp.File("root"), "--cn", "Root"}).exit_code == 0);
      REQUIRE(Certkit({"ca", "intermediate", "--ca-cert", tmp.File("root/ca.crt"), "--ca-key",
                       tmp.File("root/ca-private/ca.key"), "--out", tmp.File("int"), "--cn", "Int"})
                  .exit_code == 0);
      const std::string bundle = tmp.File("int/ca.crt");  // the intermediate, then the root
      const std::string store = tmp.File("t" + Ext(type));
      auto r = Certkit({"keystore", "import-cert", store, "--storetype", type, "--file", bundle, "--alias", "ca",
                        "--storepass", "env:KS"},
                       kEnv);
      INFO(Describe(r));
      REQUIRE(r.exit_code == 0);
      auto listed = KeytoolList(store, type);
      auto want = PrintcertFingerprints(bundle);
      REQUIRE(want.size() == 2);
      REQUIRE(listed.size() == 2);
      CHECK(listed["ca-1"].type == "trustedCertEntry");
      CHECK(listed["ca-1"].fingerprints == std::vector<std::string>{want[0]});
      CHECK(listed["ca-2"].fingerprints == std::vector<std::string>{want[1]});
      // keytool -importcert of the same single certificate gives the same entry.
      r = Certkit({"keystore", "import-cert", store, "--file", tmp.File("root/ca.crt"), "--alias", "root",
                   "--storepass", "env:KS"},
                  kEnv);
      REQUIRE(r.exit_code == 0);
      CHECK(KeytoolList(store, type)["root"].fingerprints == std::vector<std::string>{want[1]});
      // A clash on any numbered alias adds nothing.
      const std::string before = ReadString(store);
      r = Certkit({"keystore", "import-cert", store, "--file", bundle, "--alias", "ca", "--storepass", "env:KS"}, kEnv);
      CHECK(r.exit_code == 3);
      CHECK(r.err.find("'ca-1' already exists") != std::string::npos);
      CHECK(ReadString(store) == before);
    }
  }
}
