// CA keys protected by a password (--ca-key-pass): `ca create`, `ca
// intermediate` and `cluster init` write an encrypted PKCS#8 key, and every
// command that signs with a CA key (node, client, sign, crl, cluster add,
// renew, rotate-ca) reads it. Checked with the real peer: `openssl pkey`
// decrypts the key with the password and refuses it without, `openssl
// asn1parse` shows PBES2 / PBKDF2 / hmacWithSHA256 / AES-256-CBC and the
// iteration count, and `openssl verify` (with -crl_check for CRLs) accepts
// what certkit issues with the key. Security regressions: a wrong or
// missing password is a precise error that changes no file, the password
// never appears in any output or in the manifest, key files are 0600, and
// a CA key written unencrypted is announced once on stderr.
#include <catch2/catch.hpp>

#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "cli_support.h"
#include "support/oracle.h"

using certkit_cli_test::Certkit;
using certkit_cli_test::Describe;
using certkit_cli_test::Exists;
using certkit_test::FileMode;
using certkit_test::ProcessResult;
using certkit_test::ReadString;
using certkit_test::Run;
using certkit_test::TempDir;

namespace {

// Distinctive, so that a grep for them cannot match anything else.
const std::string kCaPass = "Ck-CA-pass-5f9a2e71";
const std::string kWrongPass = "Ck-wrong-pass-0b3c88";
const std::string kStorePass = "Ck-store-pass-77d1";
const std::vector<std::string> kEnv = {"CK_SP=" + kStorePass, "CK_CAP=" + kCaPass,
                                       "CK_WRONG=" + kWrongPass};

// Every output of every command of a test, to grep for the passwords.
std::string g_all_output;

ProcessResult Ck(const std::vector<std::string>& args,
                 const std::vector<std::string>& env = kEnv) {
  ProcessResult r = Certkit(args, env);
  g_all_output += r.output();
  return r;
}

size_t Count(const std::string& text, const std::string& what) {
  size_t n = 0;
  for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

// NoPasswordIn checks that neither password (nor the store password)
// appears in |text|.
void NoPasswordIn(const std::string& text) {
  CHECK(text.find(kCaPass) == std::string::npos);
  CHECK(text.find(kWrongPass) == std::string::npos);
  CHECK(text.find(kStorePass) == std::string::npos);
}

// Snapshot maps every file under |dir| to its contents.
std::map<std::string, std::string> Snapshot(const std::string& dir) {
  std::map<std::string, std::string> out;
  for (const auto& e : std::filesystem::recursive_directory_iterator(dir)) {
    if (e.is_regular_file()) out[e.path().string()] = ReadString(e.path().string());
  }
  return out;
}

// OpensslPkey runs `openssl pkey -in key -noout` with |passin| (e.g.
// "env:CK_CAP", "pass:x") and the test passwords in its environment.
ProcessResult OpensslPkey(const std::string& key, const std::string& passin) {
  std::vector<std::string> argv = {"env"};
  argv.insert(argv.end(), kEnv.begin(), kEnv.end());
  argv.insert(argv.end(), {"openssl", "pkey", "-in", key, "-noout", "-passin", passin});
  return Run(argv);
}

// CheckEncryptedCaKey: |key| is 0600, an ENCRYPTED PRIVATE KEY that openssl
// opens with |pass_env| only, under PBES2 with PBKDF2-HMAC-SHA256 (600000
// iterations) and AES-256-CBC.
void CheckEncryptedCaKey(const std::string& key, const std::string& pass_env = "env:CK_CAP") {
  INFO(key);
  CHECK(FileMode(key) == 0600);
  const std::string pem = ReadString(key);
  CHECK(pem.rfind("-----BEGIN ENCRYPTED PRIVATE KEY-----", 0) == 0);
  auto right = OpensslPkey(key, pass_env);
  INFO(right.output());
  CHECK(right.exit_code == 0);
  const std::string other = pass_env == "env:CK_WRONG" ? "env:CK_CAP" : "env:CK_WRONG";
  CHECK(OpensslPkey(key, other).exit_code != 0);
  CHECK(OpensslPkey(key, "pass:").exit_code != 0);
  auto parsed = Run({"openssl", "asn1parse", "-in", key});
  INFO(parsed.output());
  REQUIRE(parsed.exit_code == 0);
  CHECK(parsed.out.find(":PBES2") != std::string::npos);
  CHECK(parsed.out.find(":PBKDF2") != std::string::npos);
  CHECK(parsed.out.find(":hmacWithSHA256") != std::string::npos);
  CHECK(parsed.out.find(":aes-256-cbc") != std::string::npos);
  CHECK(parsed.out.find("INTEGER           :0927C0") != std::string::npos);  // 600000
  // A 16-byte random salt.
  CHECK(parsed.out.find("OCTET STRING      [HEX DUMP]:") != std::string::npos);
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

// CheckBadPassword: |r| failed with bad_password naming |key| and the option.
void CheckBadPassword(const ProcessResult& r, const std::string& key,
                      const std::string& flag = "--ca-key-pass") {
  INFO(Describe(r));
  CHECK(r.exit_code == 3);
  CHECK(r.err.find("[bad_password]") != std::string::npos);
  CHECK(r.err.find("CA key file '" + key + "'") != std::string::npos);
  CHECK(r.err.find(flag) != std::string::npos);
  NoPasswordIn(r.output());
}

// InitCluster makes a cluster in |dir| with 2 nodes and a client, its CA
// key encrypted with the password in CK_CAP.
void InitCluster(const std::string& dir) {
  auto r = Ck({"cluster", "init", "--out", dir, "--nodes", "127.0.0.1,10.0.0.2", "--clients", "app",
               "--storepass", "env:CK_SP", "--ca-key-pass", "env:CK_CAP", "--jobs", "2"});
  INFO(Describe(r));
  REQUIRE(r.exit_code == 0);
  CHECK(r.err.find("not encrypted") == std::string::npos);
  CHECK(r.out.find("encrypted: PBES2, AES-256-CBC, PBKDF2-HMAC-SHA256, 600000 iterations; "
                   "password from env:CK_CAP") != std::string::npos);
}

}  // namespace

TEST_CASE("ca-key-pass: cluster init writes the CA key as PBES2 AES-256 PKCS#8 that openssl opens with the password only") {
  g_all_output.clear();
  TempDir tmp;
  const std::string dir = tmp.File("c");
  InitCluster(dir);
  const std::string key = dir + "/ca-private/ca.key";
  CheckEncryptedCaKey(key);
  CHECK(FileMode(dir + "/ca-private") == 0700);
  // The manifest records the source, never the password.
  const std::string manifest = ReadString(dir + "/manifest.json");
  auto j = nlohmann::json::parse(manifest);
  CHECK(j.at("ca_key_password_source") == "env:CK_CAP");
  NoPasswordIn(manifest);
  for (std::string n : {"127.0.0.1", "10.0.0.2"}) {
    CHECK(OpensslVerifies(dir + "/ca.crt", dir + "/nodes/" + n + "/node.crt"));
  }
  CHECK(OpensslVerifies(dir + "/ca.crt", dir + "/clients/app/client.app.crt"));
  // Without the password certkit cannot use the key: a missing password
  // (no --ca-key-pass, and the recorded env:CK_CAP unset) is refused.
  auto no_env = Ck({"node", "--ca-cert", dir + "/ca.crt", "--ca-key", key, "--host", "10.1.1.1",
                    "--out", tmp.File("n")},
                   {});
  CheckBadPassword(no_env, key);
  CHECK(no_env.err.find("no (or a wrong) password") != std::string::npos);
  CHECK(!Exists(tmp.File("n")));
  NoPasswordIn(g_all_output);
}

TEST_CASE("ca-key-pass: node, client, sign, crl, revoke, cluster add and renew work with an encrypted CA key") {
  g_all_output.clear();
  TempDir tmp;
  const std::string dir = tmp.File("c");
  InitCluster(dir);
  const std::string ca = dir + "/ca.crt";
  const std::string key = dir + "/ca-private/ca.key";

  auto node = Ck({"node", "--ca-cert", ca, "--ca-key", key, "--ca-key-pass", "env:CK_CAP", "--host",
                  "10.5.5.5", "--out", tmp.File("n5"), "--format", "pem,p12", "--storepass", "env:CK_SP"});
  INFO(Describe(node));
  REQUIRE(node.exit_code == 0);
  CHECK(OpensslVerifies(ca, tmp.File("n5/node.crt")));
  CHECK(FileMode(tmp.File("n5/node.key")) == 0600);

  auto client = Ck({"client", "--ca-cert", ca, "--ca-key", key, "--ca-key-pass", "env:CK_CAP", "--user",
                    "bob", "--out", tmp.File("bob")});
  INFO(Describe(client));
  REQUIRE(client.exit_code == 0);
  CHECK(OpensslVerifies(ca, tmp.File("bob/client.bob.crt")));

  // A CSR made by openssl, signed by certkit with the encrypted key.
  auto req = Run({"openssl", "req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
                  "-nodes", "-keyout", tmp.File("ext.key"), "-subj", "/CN=ext.example.com", "-out",
                  tmp.File("ext.csr")});
  REQUIRE(req.exit_code == 0);
  auto sign = Ck({"sign", "--ca-cert", ca, "--ca-key", key, "--ca-key-pass", "env:CK_CAP", "--csr",
                  tmp.File("ext.csr"), "--host", "ext.example.com", "--out", tmp.File("ext.crt")});
  INFO(Describe(sign));
  REQUIRE(sign.exit_code == 0);
  CHECK(OpensslVerifies(ca, tmp.File("ext.crt")));

  // revoke never reads the CA key; crl signs with it, from the source the
  // manifest records (no option) and from --ca-key-pass.
  auto revoke = Ck({"revoke", "--dir", dir, "--cert", dir + "/nodes/10.0.0.2/node.crt"});
  INFO(Describe(revoke));
  REQUIRE(revoke.exit_code == 0);
  auto crl = Ck({"crl", "--dir", dir});
  INFO(Describe(crl));
  REQUIRE(crl.exit_code == 0);
  const std::vector<std::string> crl_check = {"-crl_check", "-CRLfile", dir + "/crl.pem"};
  CHECK(OpensslVerifies(ca, dir + "/nodes/127.0.0.1/node.crt", crl_check));
  CHECK_FALSE(OpensslVerifies(ca, dir + "/nodes/10.0.0.2/node.crt", crl_check));
  auto revoked = Run({"openssl", "verify", "-CAfile", ca, "-crl_check", "-CRLfile", dir + "/crl.pem",
                      dir + "/nodes/10.0.0.2/node.crt"});
  CHECK(revoked.output().find("certificate revoked") != std::string::npos);
  auto crl2 = Ck({"crl", "--dir", dir, "--ca-key-pass", "env:CK_CAP"});
  INFO(Describe(crl2));
  REQUIRE(crl2.exit_code == 0);
  CHECK(Run({"openssl", "crl", "-in", dir + "/crl.pem", "-CAfile", ca, "-noout"}).exit_code == 0);

  // cluster add and renew: with the recorded source, and with the option.
  auto add = Ck({"cluster", "add", "--dir", dir, "--nodes", "10.0.0.3", "-q"});
  INFO(Describe(add));
  REQUIRE(add.exit_code == 0);
  CHECK(OpensslVerifies(ca, dir + "/nodes/10.0.0.3/node.crt"));
  auto add2 = Ck({"cluster", "add", "--dir", dir, "--clients", "carol", "-q", "--ca-key-pass", "env:CK_CAP"});
  INFO(Describe(add2));
  REQUIRE(add2.exit_code == 0);
  CHECK(OpensslVerifies(ca, dir + "/clients/carol/client.carol.crt"));
  const std::string serial_before = ReadString(dir + "/nodes/127.0.0.1/node.crt");
  auto renew = Ck({"cluster", "renew", "--dir", dir, "--within", "400d", "-q"});
  INFO(Describe(renew));
  REQUIRE(renew.exit_code == 0);
  CHECK(ReadString(dir + "/nodes/127.0.0.1/node.crt") != serial_before);
  CHECK(OpensslVerifies(ca, dir + "/nodes/127.0.0.1/node.crt"));
  CHECK(OpensslVerifies(ca, dir + "/clients/app/client.app.crt"));
  // The key is still the encrypted one.
  CheckEncryptedCaKey(key);
  NoPasswordIn(ReadString(dir + "/manifest.json"));
  NoPasswordIn(g_all_output);
}

TEST_CASE("ca-key-pass: a wrong or missing CA key password is a precise error and changes no file") {
  g_all_output.clear();
  TempDir tmp;
  const std::string dir = tmp.File("c");
  InitCluster(dir);
  const std::string ca = dir + "/ca.crt";
  const std::string key = dir + "/ca-private/ca.key";
  const auto before = Snapshot(tmp.path());

  // Every command that signs, given the wrong password.
  const std::vector<std::vector<std::string>> wrong = {
      {"node", "--ca-cert", ca, "--ca-key", key, "--ca-key-pass", "env:CK_WRONG", "--host", "10.9.9.9",
       "--out", tmp.File("n")},
      {"client", "--ca-cert", ca, "--ca-key", key, "--ca-key-pass", "env:CK_WRONG", "--user", "eve",
       "--out", tmp.File("eve")},
      {"crl", "--dir", dir, "--ca-key-pass", "env:CK_WRONG"},
      {"cluster", "add", "--dir", dir, "--nodes", "10.0.0.9", "--ca-key-pass", "env:CK_WRONG", "-q"},
      {"cluster", "renew", "--dir", dir, "--within", "400d", "--ca-key-pass", "env:CK_WRONG", "-q"},
      {"cluster", "rotate-ca", "--dir", dir, "--stage", "new-ca", "--ca-key-pass", "env:CK_WRONG", "-q"},
      {"cluster", "rotate-ca", "--dir", dir, "--stage", "new-ca", "--cross-sign", "--ca-key-pass",
       "pass:" + kWrongPass, "-q"},
      {"ca", "intermediate", "--ca-cert", ca, "--ca-key", key, "--ca-key-pass", "env:CK_WRONG", "--out",
       tmp.File("int")},
  };
  for (const auto& args : wrong) {
    auto r = Ck(args);
    CheckBadPassword(r, key);
    CHECK(r.err.find("the password came from --ca-key-pass") != std::string::npos);
  }
  // With the store password and no CA key password at all (the recorded
  // source unset in the environment, or recorded as a prompt).
  const std::vector<std::string> only_store = {"CK_SP=" + kStorePass};
  auto unset = Ck({"cluster", "add", "--dir", dir, "--nodes", "10.0.0.9", "-q"}, only_store);
  INFO(Describe(unset));
  CHECK(unset.exit_code == 3);
  CHECK(unset.err.find("environment variable 'CK_CAP' is not set") != std::string::npos);
  CHECK(unset.err.find("--ca-key-pass") != std::string::npos);
  // A recorded source pointing at the wrong password: named as recorded.
  auto wrong_recorded = Ck({"crl", "--dir", dir},
                           {"CK_SP=" + kStorePass, "CK_CAP=" + kWrongPass});
  CheckBadPassword(wrong_recorded, key);
  CHECK(wrong_recorded.err.find("env:CK_CAP, the source manifest.json records") != std::string::npos);
  // The sign command checks the CSR before the key; give it a real one.
  REQUIRE(Run({"openssl", "req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
               "-keyout", tmp.File("x.key"), "-subj", "/CN=x", "-out", tmp.File("x.csr")})
              .exit_code == 0);
  const auto with_csr = Snapshot(tmp.path());
  auto sign = Ck({"sign", "--ca-cert", ca, "--ca-key", key, "--csr", tmp.File("x.csr"), "--host", "x",
                  "--out", tmp.File("x.crt")});
  CheckBadPassword(sign, key);
  CHECK(sign.err.find("no (or a wrong) password") != std::string::npos);
  CHECK(!Exists(tmp.File("x.crt")));
  CHECK(Snapshot(tmp.path()) == with_csr);

  // Nothing was written or changed by any of them.
  for (const std::string& p : {tmp.File("n"), tmp.File("eve"), tmp.File("int"), dir + "/crl.pem",
                               dir + "/nodes/10.0.0.9"}) {
    CHECK_FALSE(Exists(p));
  }
  auto after = Snapshot(tmp.path());
  after.erase(tmp.File("x.key"));
  after.erase(tmp.File("x.csr"));
  CHECK(after == before);
  NoPasswordIn(g_all_output);
}

TEST_CASE("ca-key-pass: rotate-ca runs all four stages on an encrypted CA key and encrypts the new one") {
  g_all_output.clear();
  TempDir tmp;
  const std::string dir = tmp.File("c");
  InitCluster(dir);
  auto stage = [&](const std::string& name, const std::vector<std::string>& extra = {}) {
    std::vector<std::string> argv = {"cluster", "rotate-ca", "--dir", dir, "--stage", name, "-q"};
    argv.insert(argv.end(), extra.begin(), extra.end());
    return Ck(argv);
  };
  auto new_ca = stage("new-ca", {"--cross-sign"});
  INFO(Describe(new_ca));
  REQUIRE(new_ca.exit_code == 0);
  CHECK(new_ca.err.find("not encrypted") == std::string::npos);
  auto m = nlohmann::json::parse(ReadString(dir + "/manifest.json"));
  std::string next_key, next_cert, cross;
  for (const auto& c : m.at("cas")) {
    if (c.at("state") == "next") {
      next_key = dir + "/" + c.at("key").get<std::string>();
      next_cert = dir + "/" + c.at("cert").get<std::string>();
      cross = dir + "/" + c.at("cross_cert").get<std::string>();
    }
  }
  REQUIRE(!next_key.empty());
  CheckEncryptedCaKey(next_key);
  CHECK(m.at("ca_key_password_source") == "env:CK_CAP");
  // The cross certificate was signed with the old (encrypted) key.
  CHECK(OpensslVerifies(dir + "/" + m.at("ca").at("cert").get<std::string>(), cross));

  auto trust = stage("trust-both");
  INFO(Describe(trust));
  REQUIRE(trust.exit_code == 0);
  // reissue signs with the new key: a wrong password changes nothing.
  const auto before = Snapshot(dir);
  auto bad = stage("reissue", {"--ca-key-pass", "env:CK_WRONG"});
  CheckBadPassword(bad, next_key);
  CHECK(Snapshot(dir) == before);
  auto reissue = stage("reissue");
  INFO(Describe(reissue));
  REQUIRE(reissue.exit_code == 0);
  for (std::string n : {"127.0.0.1", "10.0.0.2"}) {
    CHECK(OpensslVerifies(next_cert, dir + "/nodes/" + n + "/node.crt"));
  }
  CHECK(OpensslVerifies(next_cert, dir + "/clients/app/client.app.crt"));
  // During the rotation crl signs with both CAs' keys.
  auto crl = Ck({"crl", "--dir", dir});
  INFO(Describe(crl));
  REQUIRE(crl.exit_code == 0);
  CHECK(OpensslVerifies(next_cert, dir + "/nodes/127.0.0.1/node.crt",
                        {"-crl_check", "-CRLfile", dir + "/crl.pem"}));
  auto retire = stage("retire-old");
  INFO(Describe(retire));
  REQUIRE(retire.exit_code == 0);
  CHECK(OpensslVerifies(dir + "/ca.crt", dir + "/nodes/10.0.0.2/node.crt"));
  auto add = Ck({"cluster", "add", "--dir", dir, "--nodes", "10.0.0.7", "-q"});
  INFO(Describe(add));
  REQUIRE(add.exit_code == 0);
  CHECK(OpensslVerifies(next_cert, dir + "/nodes/10.0.0.7/node.crt"));
  NoPasswordIn(ReadString(dir + "/manifest.json"));
  NoPasswordIn(g_all_output);
}

TEST_CASE("ca-key-pass: rotate-ca moves a cluster with an unencrypted CA key to an encrypted one") {
  g_all_output.clear();
  TempDir tmp;
  const std::string dir = tmp.File("c");
  auto init = Ck({"cluster", "init", "--out", dir, "--nodes", "10.0.0.1", "--format", "pem", "-q"});
  INFO(Describe(init));
  REQUIRE(init.exit_code == 0);
  CHECK(nlohmann::json::parse(ReadString(dir + "/manifest.json")).at("ca_key_password_source") == "none");
  auto new_ca = Ck({"cluster", "rotate-ca", "--dir", dir, "--stage", "new-ca", "--ca-key-pass", "env:CK_CAP", "-q"});
  INFO(Describe(new_ca));
  REQUIRE(new_ca.exit_code == 0);
  auto m = nlohmann::json::parse(ReadString(dir + "/manifest.json"));
  CHECK(m.at("ca_key_password_source") == "env:CK_CAP");
  std::string next_key;
  for (const auto& c : m.at("cas")) {
    if (c.at("state") == "next") next_key = dir + "/" + c.at("key").get<std::string>();
  }
  REQUIRE(!next_key.empty());
  CheckEncryptedCaKey(next_key);
  for (const char* s : {"trust-both", "reissue", "retire-old"}) {
    auto r = Ck({"cluster", "rotate-ca", "--dir", dir, "--stage", s, "-q"});
    INFO(Describe(r));
    REQUIRE(r.exit_code == 0);
  }
  CHECK(OpensslVerifies(dir + "/ca.crt", dir + "/nodes/10.0.0.1/node.crt"));
  NoPasswordIn(g_all_output);
}

TEST_CASE("ca-key-pass: cluster init without it warns once on stderr, never on stdout") {
  g_all_output.clear();
  TempDir tmp;
  for (bool json : {true, false}) {
    const std::string dir = tmp.File(json ? "j" : "t");
    std::vector<std::string> argv = {"cluster", "init", "--out", dir, "--nodes", "10.0.0.1", "--format", "pem"};
    if (json) argv.push_back("--json");
    auto r = Ck(argv);
    INFO(Describe(r));
    REQUIRE(r.exit_code == 0);
    const std::string key = dir + "/ca-private/ca.key";
    CHECK(Count(r.err, "is not encrypted") == 1);
    CHECK(Count(r.err, "certkit: warning: the CA key " + key + " is not encrypted") == 1);
    CHECK(r.err.find("--ca-key-pass") != std::string::npos);
    CHECK(r.out.find("not encrypted (") == std::string::npos);
    CHECK(r.out.find("warning") == std::string::npos);
    if (json) {
      auto j = nlohmann::json::parse(r.out);  // stdout is one JSON document
      CHECK(j.at("ok") == true);
    }
    CHECK(ReadString(key).rfind("-----BEGIN PRIVATE KEY-----", 0) == 0);
    CHECK(FileMode(key) == 0600);
    CHECK(Run({"openssl", "pkey", "-in", key, "-noout", "-passin", "pass:"}).exit_code == 0);
  }
  // --quiet keeps the warning (it is not progress), and the encrypted case has none.
  auto quiet = Ck({"cluster", "init", "--out", tmp.File("q"), "--nodes", "10.0.0.1", "--format", "pem", "-q"});
  CHECK(Count(quiet.err, "is not encrypted") == 1);
  auto enc = Ck({"cluster", "init", "--out", tmp.File("e"), "--nodes", "10.0.0.1", "--format", "pem",
                 "--ca-key-pass", "env:CK_CAP"});
  INFO(Describe(enc));
  REQUIRE(enc.exit_code == 0);
  CHECK(enc.err.find("not encrypted") == std::string::npos);
  CHECK(enc.err.find("warning") == std::string::npos);
  // An empty password is refused before anything is written.
  auto empty = Ck({"cluster", "init", "--out", tmp.File("x"), "--nodes", "10.0.0.1", "--format", "pem",
                   "--ca-key-pass", "env:CK_EMPTY"},
                  {"CK_EMPTY="});
  INFO(Describe(empty));
  CHECK(empty.exit_code == 3);
  CHECK(empty.err.find("--ca-key-pass: the CA key password from env:CK_EMPTY is empty") != std::string::npos);
  CHECK_FALSE(Exists(tmp.File("x")));
  NoPasswordIn(g_all_output);
}

TEST_CASE("ca-key-pass: ca create and ca intermediate encrypt their keys and sign with them") {
  g_all_output.clear();
  TempDir tmp;
  const std::string root = tmp.File("root");
  auto create = Ck({"ca", "create", "--out", root, "--cn", "Root", "--ca-key-pass", "env:CK_CAP"});
  INFO(Describe(create));
  REQUIRE(create.exit_code == 0);
  CHECK(create.err.find("not encrypted") == std::string::npos);
  CheckEncryptedCaKey(root + "/ca-private/ca.key");
  // The intermediate's key gets its own password (--new-ca-key-pass); the
  // parent's is --ca-key-pass, as for sign.
  const std::string inter = tmp.File("inter");
  auto mk = Ck({"ca", "intermediate", "--ca-cert", root + "/ca.crt", "--ca-key", root + "/ca-private/ca.key",
                "--ca-key-pass", "env:CK_CAP", "--new-ca-key-pass", "env:CK_WRONG", "--out", inter, "--cn",
                "Issuing"});
  INFO(Describe(mk));
  REQUIRE(mk.exit_code == 0);
  CheckEncryptedCaKey(inter + "/ca-private/ca.key", "env:CK_WRONG");
  CHECK(OpensslVerifies(root + "/ca.crt", inter + "/ca.crt"));
  auto node = Ck({"node", "--ca-cert", inter + "/ca.crt", "--ca-key", inter + "/ca-private/ca.key",
                  "--ca-key-pass", "env:CK_WRONG", "--host", "db1.example.com", "--out", tmp.File("db1")});
  INFO(Describe(node));
  REQUIRE(node.exit_code == 0);
  CHECK(OpensslVerifies(root + "/ca.crt", tmp.File("db1/node.crt"), {"-untrusted", inter + "/ca.crt"}));
  // A plain CA directory's crl with the key's password.
  auto crl = Ck({"crl", "--dir", inter, "--ca-key-pass", "env:CK_WRONG"});
  INFO(Describe(crl));
  REQUIRE(crl.exit_code == 0);
  auto bad_crl = Ck({"crl", "--dir", inter, "--ca-key-pass", "env:CK_CAP", "--out", tmp.File("bad.pem")});
  CheckBadPassword(bad_crl, inter + "/ca-private/ca.key");
  CHECK_FALSE(Exists(tmp.File("bad.pem")));
  // Without a password: the key is written in plaintext, with the warning once.
  auto plain = Ck({"ca", "create", "--out", tmp.File("plain"), "--cn", "Plain"});
  INFO(Describe(plain));
  REQUIRE(plain.exit_code == 0);
  CHECK(Count(plain.err, "is not encrypted") == 1);
  CHECK(ReadString(tmp.File("plain/ca-private/ca.key")).rfind("-----BEGIN PRIVATE KEY-----", 0) == 0);
  NoPasswordIn(g_all_output);
}

TEST_CASE("ca-key-pass: csr reads an encrypted key with --key-pass") {
  g_all_output.clear();
  TempDir tmp;
  const std::string key = tmp.File("k.pem");
  auto gen = Run({"openssl", "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256",
                  "-aes-256-cbc", "-pass", "pass:" + kCaPass, "-out", key});
  REQUIRE(gen.exit_code == 0);
  REQUIRE(Run({"chmod", "600", key}).exit_code == 0);
  auto csr = Ck({"csr", "--key", key, "--key-pass", "env:CK_CAP", "--cn", "db1", "--host", "db1.example.com",
                 "--out", tmp.File("db1.csr")});
  INFO(Describe(csr));
  REQUIRE(csr.exit_code == 0);
  auto verify = Run({"openssl", "req", "-in", tmp.File("db1.csr"), "-verify", "-noout"});
  INFO(verify.output());
  CHECK(verify.exit_code == 0);
  // The CSR's public key is the encrypted key's.
  auto pub_csr = Run({"openssl", "req", "-in", tmp.File("db1.csr"), "-pubkey", "-noout"});
  auto pub_key = Run({"openssl", "pkey", "-in", key, "-passin", "pass:" + kCaPass, "-pubout"});
  CHECK(pub_csr.out == pub_key.out);
  auto wrong = Ck({"csr", "--key", key, "--key-pass", "env:CK_WRONG", "--cn", "db1", "--out", tmp.File("w.csr")});
  INFO(Describe(wrong));
  CHECK(wrong.exit_code == 3);
  CHECK(wrong.err.find("[bad_password]") != std::string::npos);
  CHECK(wrong.err.find(key) != std::string::npos);
  CHECK_FALSE(Exists(tmp.File("w.csr")));
  NoPasswordIn(g_all_output);
}

TEST_CASE("ca-key-pass: a manifest without ca_key_password_source (older certkit) keeps working") {
  g_all_output.clear();
  TempDir tmp;
  const std::string dir = tmp.File("c");
  auto init = Ck({"cluster", "init", "--out", dir, "--nodes", "10.0.0.1", "--format", "pem", "-q"});
  REQUIRE(init.exit_code == 0);
  auto j = nlohmann::json::parse(ReadString(dir + "/manifest.json"));
  j.erase("ca_key_password_source");
  certkit_test::WriteString(dir + "/manifest.json", j.dump(2) + "\n");
  auto add = Ck({"cluster", "add", "--dir", dir, "--nodes", "10.0.0.2", "-q"});
  INFO(Describe(add));
  REQUIRE(add.exit_code == 0);
  CHECK(OpensslVerifies(dir + "/ca.crt", dir + "/nodes/10.0.0.2/node.crt"));
  auto crl = Ck({"crl", "--dir", dir});
  INFO(Describe(crl));
  REQUIRE(crl.exit_code == 0);
  CHECK_FALSE(nlohmann::json::parse(ReadString(dir + "/manifest.json")).contains("ca_key_password_source"));
}
