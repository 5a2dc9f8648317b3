// Tests of lib/cluster pieces that need no peer: the manifest codec and the
// parallel runner. The pipelines themselves are tested end to end against
// openssl, keytool and PostgreSQL through the CLI (tests/cli).
#include <catch2/catch.hpp>

#include <atomic>
#include <cstdio>
#include <functional>

#include <nlohmann/json.hpp>

#include "certkit/error.h"
#include "certkit/ca_files.h"
#include "certkit/cluster.h"
#include "certkit/file.h"
#include "certkit/keystore.h"
#include "certkit/manifest.h"
#include "certkit/presets.h"
#include "certkit/rotation.h"
#include "cluster/parallel.h"
#include "support/oracle.h"

using namespace certkit;

TEST_CASE("manifest round trip and bad manifests") {
  Manifest m;
  m.created = m.updated = absl::FromUnixSeconds(1700000000);
  m.key_spec = "ec:p256";
  m.formats = {"pem", "jks"};
  m.store_password_source = "env:X";
  m.truststore_password_source = "env:X";
  m.ca.cert_file = "ca.crt";
  m.ca.key_file = "ca-private/ca.key";
  m.ca.not_after = absl::FromUnixSeconds(1900000000);
  LeafRecord n;
  n.name = "10.0.0.1";
  n.dir = "nodes/10.0.0.1";
  n.hosts = {"10.0.0.1"};
  n.serial = "0abc";
  n.not_after = absl::FromUnixSeconds(1800000000);
  n.files = {"ca.crt", "node.crt", "node.key"};
  m.nodes.push_back(n);
  auto back = ParseManifest(ManifestToJson(m));
  REQUIRE(back.ok());
  REQUIRE(back->nodes.size() == 1);
  CHECK(back->nodes[0].name == "10.0.0.1");
  CHECK(back->nodes[0].not_after == n.not_after);
  CHECK(back->HasFormat("jks"));
  CHECK_FALSE(back->HasFormat("p12"));

  nlohmann::json j = nlohmann::json::parse(ManifestToJson(m));
  j.erase("nodes");
  auto bad = ParseManifest(j.dump());
  REQUIRE_FALSE(bad.ok());
  CHECK(GetErrorKind(bad.status()) == ErrorKind::kMalformed);
  CHECK(std::string(bad.status().message()).find("nodes") != std::string::npos);

  j = nlohmann::json::parse(ManifestToJson(m));
  j["version"] = 7;
  CHECK(GetErrorKind(ParseManifest(j.dump()).status()) == ErrorKind::kUnsupported);

  certkit_test::TempDir dir;
  certkit_test::WriteString(dir.File("manifest.json"), "{not json");
  auto loaded = LoadManifest(dir.path());
  REQUIRE_FALSE(loaded.ok());
  CHECK(GetErrorKind(loaded.status()) == ErrorKind::kMalformed);
  CHECK(std::string(loaded.status().message()).find("manifest.json") != std::string::npos);
}

TEST_CASE("manifest CAs: states and revocations round trip and inconsistent cas are refused") {
  Manifest m;
  m.created = m.updated = absl::FromUnixSeconds(1700000000);
  m.key_spec = "ec:p256";
  m.ca.cert_file = "ca-2.crt";
  m.ca.key_file = "ca-private/ca-2.key";
  m.ca.sha256_fingerprint = "22";
  m.ca.not_after = absl::FromUnixSeconds(1900000000);
  certkit::RevokedCertificate r;
  r.serial = {0x1f, 0x2e};
  r.revocation_time = absl::FromUnixSeconds(1750000000);
  r.reason = 1;
  m.ca.revocations.revoked.push_back(r);
  m.ca.revocations.crl_number = 4;
  certkit::CaRecord old = m.ca;
  old.cert_file = "ca-1.crt";
  old.sha256_fingerprint = "11";
  old.state = certkit::kCaPrevious;
  old.revocations = {};
  m.other_cas.push_back(old);
  m.rotation = "reissue";
  auto back = ParseManifest(ManifestToJson(m));
  REQUIRE(back.ok());
  CHECK(back->ca.cert_file == "ca-2.crt");
  CHECK(back->ca.revocations.crl_number == 4);
  REQUIRE(back->ca.revocations.revoked.size() == 1);
  CHECK(back->ca.revocations.revoked[0].serial == r.serial);
  CHECK(back->ca.revocations.revoked[0].reason == 1);
  REQUIRE(back->other_cas.size() == 1);
  CHECK(back->other_cas[0].state == "previous");
  CHECK(back->rotation == "reissue");
  CHECK(back->TrustedCas().size() == 2);
  CHECK(ManifestToJson(*back) == ManifestToJson(m));

  auto refused = [&](const std::function<void(nlohmann::json&)>& edit, const char* word) {
    nlohmann::json j = nlohmann::json::parse(ManifestToJson(m));
    edit(j);
    auto bad = ParseManifest(j.dump());
    REQUIRE_FALSE(bad.ok());
    CHECK(GetErrorKind(bad.status()) == ErrorKind::kMalformed);
    INFO(bad.status().message());
    CHECK(std::string(bad.status().message()).find(word) != std::string::npos);
  };
  refused([](nlohmann::json& j) { j["cas"][1]["state"] = "active"; }, "exactly one active");
  refused([](nlohmann::json& j) { j["cas"][0]["state"] = "next"; }, "no active CA");
  refused([](nlohmann::json& j) { j["cas"][1]["state"] = "sleeping"; }, "sleeping");
  refused([](nlohmann::json& j) { j["cas"][1]["cert"] = "../ca.crt"; }, "not a path inside");
  refused([](nlohmann::json& j) { j["cas"][0]["revoked"][0]["serial"] = "xyz"; }, "revoked[0]");
  // A token-held CA key: a pkcs11: URI instead of a key file, never with a PIN in it.
  refused([](nlohmann::json& j) {
    j["cas"][1].erase("key");
    j["cas"][1]["key_uri"] = "pkcs11:token=t;object=k?pin-value=1234";
  }, "pin-value");
  refused([](nlohmann::json& j) { j["cas"][1]["key_uri"] = "pkcs11:token=t;object=k"; }, "both key and key_uri");
  refused([](nlohmann::json& j) {
    j["cas"][1].erase("key");
    j["cas"][1]["key_uri"] = "/etc/ca.key";
  }, "not a pkcs11: URI");
  {
    Manifest token = m;
    token.other_cas[0].key_file.clear();
    token.other_cas[0].key_uri = "pkcs11:token=t;object=k;type=private";
    token.pkcs11_module = "/usr/lib/softhsm/libsofthsm2.so";
    token.pkcs11_pin_source = "env:PIN";
    auto again = ParseManifest(ManifestToJson(token));
    REQUIRE(again.ok());
    CHECK(again->other_cas[0].key_uri == token.other_cas[0].key_uri);
    CHECK(again->other_cas[0].key_file.empty());
    CHECK(again->pkcs11_pin_source == "env:PIN");
    CHECK(ManifestToJson(*again) == ManifestToJson(token));
  }
  // A manifest from before rotation: only "ca", no revocations.
  nlohmann::json j = nlohmann::json::parse(ManifestToJson(m));
  j.erase("cas");
  j.erase("rotation");
  auto plain = ParseManifest(j.dump());
  REQUIRE(plain.ok());
  CHECK(plain->ca.state == "active");
  CHECK(plain->other_cas.empty());
  CHECK(plain->ca.revocations.revoked.empty());
}

TEST_CASE("ForEachParallel runs every item and reports the first error") {
  std::atomic<int> count{0};
  absl::Status s = ForEachParallel(100, 4, nullptr, [&](size_t) {
    ++count;
    return absl::OkStatus();
  });
  CHECK(s.ok());
  CHECK(count == 100);
  s = ForEachParallel(10, 3, nullptr, [&](size_t i) {
    return i == 3 ? certkit::MakeError(ErrorKind::kIo, "item 3") : absl::OkStatus();
  });
  CHECK(GetErrorKind(s) == ErrorKind::kIo);
  CHECK(s.message() == "item 3");
}

namespace {

Manifest SmallManifest() {
  Manifest m;
  m.created = m.updated = absl::FromUnixSeconds(1700000000);
  m.key_spec = "ec:p256";
  m.formats = {"pem"};
  m.ca.cert_file = "ca.crt";
  m.ca.key_file = "ca-private/ca.key";
  m.ca.not_after = absl::FromUnixSeconds(1900000000);
  LeafRecord n;
  n.name = "db1";
  n.dir = "nodes/db1";
  n.hosts = {"db1"};
  n.not_after = absl::FromUnixSeconds(1800000000);
  n.files = {"node.crt", "node.key"};
  m.nodes.push_back(n);
  return m;
}

ErrorKind ParseKind(const nlohmann::json& j, std::string* message = nullptr) {
  auto r = ParseManifest(j.dump());
  if (message != nullptr) *message = std::string(r.status().message());
  return GetErrorKind(r.status());
}

}  // namespace

TEST_CASE("a manifest cannot send writes outside the cluster folder") {
  const nlohmann::json good = nlohmann::json::parse(ManifestToJson(SmallManifest()));
  REQUIRE(ParseManifest(good.dump()).ok());
  for (const char* dir : {"../elsewhere", "/etc", "nodes/../../x", "nodes//db1", "", "./nodes"}) {
    INFO(dir);
    nlohmann::json j = good;
    j["nodes"][0]["dir"] = dir;
    std::string message;
    CHECK(ParseKind(j, &message) == ErrorKind::kMalformed);
    CHECK(message.find("inside the cluster folder") != std::string::npos);
  }
  nlohmann::json j = good;
  j["ca"]["key"] = "../../home/user/.ssh/id_ed25519";
  CHECK(ParseKind(j) == ErrorKind::kMalformed);
  j = good;
  j["nodes"][0]["files"] = {"../node.key"};
  CHECK(ParseKind(j) == ErrorKind::kMalformed);
}

// issue 21, item 3: two records for one folder would issue two keys and
// certificates into it (renew -j 3 mixed them up; a rotation served one
// node's identity from another's folder).
TEST_CASE("a manifest with two records for one name or one folder is refused") {
  const nlohmann::json good = nlohmann::json::parse(ManifestToJson(SmallManifest()));
  nlohmann::json node2 = good["nodes"][0];
  node2["host"] = "db2";
  node2["hosts"] = {"db2"};
  node2["dir"] = "nodes/db2";
  nlohmann::json j = good;
  j["nodes"].push_back(node2);
  REQUIRE(ParseManifest(j.dump()).ok());
  std::string message;
  // Two hosts, one folder.
  j["nodes"][1]["dir"] = "nodes/db1";
  CHECK(ParseKind(j, &message) == ErrorKind::kMalformed);
  CHECK(message == "manifest: node 'db1' and node 'db2' share the folder 'nodes/db1'");
  // One host (in another case), two folders.
  j["nodes"][1]["dir"] = "nodes/db2";
  j["nodes"][1]["host"] = "DB1";
  CHECK(ParseKind(j, &message) == ErrorKind::kMalformed);
  CHECK(message == "manifest: two nodes named 'DB1'");
  // A client in a node's folder.
  j = good;
  nlohmann::json client = good["nodes"][0];
  client.erase("host");
  client.erase("hosts");
  client["user"] = "app";
  j["clients"].push_back(client);
  CHECK(ParseKind(j, &message) == ErrorKind::kMalformed);
  CHECK(message == "manifest: node 'db1' and client 'app' share the folder 'nodes/db1'");
  // A client may share a node's name (its folder differs).
  j["clients"][0]["dir"] = "clients/db1";
  j["clients"][0]["user"] = "db1";
  CHECK(ParseManifest(j.dump()).ok());
}

TEST_CASE("manifest integers must be integers in range") {
  const nlohmann::json good = nlohmann::json::parse(ManifestToJson(SmallManifest()));
  for (const nlohmann::json& days : {nlohmann::json(1e308), nlohmann::json(-1),
                                     nlohmann::json(36501), nlohmann::json(2.5),
                                     nlohmann::json(uint64_t{1} << 63)}) {
    INFO(days.dump());
    nlohmann::json j = good;
    j["days"] = days;
    std::string message;
    CHECK(ParseKind(j, &message) == ErrorKind::kMalformed);
    CHECK(message.find("'days' must be an integer from 0 to 36500") != std::string::npos);
  }
  nlohmann::json j = good;
  j["days"] = 36500;
  CHECK(ParseManifest(j.dump()).ok());
  j["version"] = 1e308;
  CHECK(ParseKind(j) == ErrorKind::kMalformed);
}

TEST_CASE("cluster add finishes a node an interrupted add left without a record") {
  certkit_test::TempDir dir;
  ClusterInitSpec init;
  init.out_dir = dir.File("c");
  init.nodes = {"db1"};
  init.ca.subject = *DistinguishedName::Parse("CN=Add CA");
  init.formats = {"pem"};
  REQUIRE(ClusterInit(init).ok());
  // What a kill between the first file and the manifest leaves behind.
  REQUIRE(MakeDirectories(dir.File("c/nodes/db2")).ok());
  certkit_test::WriteString(dir.File("c/nodes/db2/node.key"), "-----BEGIN PRIVATE KEY-----\ntrunc");
  ClusterUpdateSpec add;
  add.dir = dir.File("c");
  add.nodes = {"db2"};
  auto m = ClusterAdd(add);
  REQUIRE(m.ok());
  REQUIRE(m->FindNode("db2") != nullptr);
  auto cert = ReadCertificate(dir.File("c/nodes/db2/node.crt"));
  auto key = PrivateKey::FromPem(certkit_test::ReadString(dir.File("c/nodes/db2/node.key")));
  REQUIRE(cert.ok());
  REQUIRE(key.ok());
  CHECK(cert->MatchesKey(*key));
  // A recorded node is still refused, and its files are left alone.
  const std::string before = certkit_test::ReadString(dir.File("c/nodes/db1/node.key"));
  add.nodes = {"db1"};
  CHECK(GetErrorKind(ClusterAdd(add).status()) == ErrorKind::kAlreadyExists);
  CHECK(certkit_test::ReadString(dir.File("c/nodes/db1/node.key")) == before);
}

namespace {

// LeafPairMatches: |dir|/node.crt carries |dir|/node.key's public key.
bool LeafPairMatches(const std::string& dir) {
  auto cert = ReadCertificate(JoinPath(dir, "node.crt"));
  auto key = ReadPrivateKey(JoinPath(dir, "node.key"));
  return cert.ok() && key.ok() && cert->MatchesKey(*key);
}

}  // namespace

TEST_CASE("cluster init interrupted before its manifest: a re-run replaces the files") {
  certkit_test::TempDir dir;
  ClusterInitSpec init;
  init.out_dir = dir.File("c");
  init.nodes = {"db1", "db2"};
  init.ca.subject = *DistinguishedName::Parse("CN=Init CA");
  init.formats = {"pem", "jks"};
  init.leaf.write_jks = true;
  init.leaf.store_password = "storepass1";
  init.jobs = 2;
  auto first = ClusterInit(init);
  REQUIRE(first.ok());
  CHECK_FALSE(FileExists(dir.File("c/.init-incomplete")));
  // What a crash after the data files and before the manifest leaves: the
  // marker, no manifest, and (a power loss before the sync pass) files that
  // are empty or cut short under their final names.
  REQUIRE(std::remove(dir.File("c/manifest.json").c_str()) == 0);
  certkit_test::WriteString(dir.File("c/.init-incomplete"), "");
  certkit_test::WriteString(dir.File("c/ca-private/ca.key"), "");
  certkit_test::WriteString(dir.File("c/nodes/db2/node.key"), "-----BEGIN PRIVATE KEY-----\ntrunc");
  certkit_test::WriteString(dir.File("c/nodes/db1/keystore.jks"), "");
  auto again = ClusterInit(init);
  INFO(again.status());
  REQUIRE(again.ok());
  CHECK(again->ca.sha256_fingerprint != first->ca.sha256_fingerprint);  // nothing reused
  CHECK_FALSE(FileExists(dir.File("c/.init-incomplete")));
  auto loaded = LoadManifest(dir.File("c"));
  REQUIRE(loaded.ok());
  auto ca = ReadCertificate(dir.File("c/ca.crt"));
  REQUIRE(ca.ok());
  CHECK(ca->Sha256Fingerprint() == loaded->ca.sha256_fingerprint);
  for (const LeafRecord& n : loaded->nodes) {
    CHECK(LeafPairMatches(dir.File("c/" + n.dir)));
    auto cert = ReadCertificate(dir.File("c/" + n.dir + "/node.crt"));
    REQUIRE(cert.ok());
    CHECK(cert->Sha256Fingerprint() == n.sha256_fingerprint);
    auto store = KeyStore::LoadFile(dir.File("c/" + n.dir + "/keystore.jks"), "storepass1");
    CHECK(store.ok());
  }
  // A finished cluster still refuses a second init; a plain CA folder (no
  // marker) is never taken over.
  CHECK(GetErrorKind(ClusterInit(init).status()) == ErrorKind::kAlreadyExists);
  ClusterInitSpec plain = init;
  plain.out_dir = dir.File("p");
  REQUIRE(MakePrivateDirectory(dir.File("p/ca-private")).ok());
  certkit_test::WriteString(dir.File("p/ca-private/ca.key"), "a key");
  CHECK(GetErrorKind(ClusterInit(plain).status()) == ErrorKind::kAlreadyExists);
  CHECK(certkit_test::ReadString(dir.File("p/ca-private/ca.key")) == "a key");
}

TEST_CASE("cluster renew re-issues a leaf whose files the manifest does not vouch for") {
  certkit_test::TempDir dir;
  ClusterInitSpec init;
  init.out_dir = dir.File("c");
  init.nodes = {"db1", "db2", "db3"};
  init.ca.subject = *DistinguishedName::Parse("CN=Renew CA");
  init.formats = {"pem"};
  auto m = ClusterInit(init);
  REQUIRE(m.ok());
  // db1: an unreadable certificate (a power loss before the sync pass);
  // db2: a matching pair the manifest does not record (a renew killed
  // before its manifest); db3: untouched.
  certkit_test::WriteString(dir.File("c/nodes/db1/node.crt"), "");
  ClusterInitSpec other = init;
  other.out_dir = dir.File("o");
  other.nodes = {"db2"};
  REQUIRE(ClusterInit(other).ok());
  for (const char* f : {"node.crt", "node.key"}) {
    certkit_test::WriteString(dir.File(std::string("c/nodes/db2/") + f),
                              certkit_test::ReadString(dir.File(std::string("o/nodes/db2/") + f)));
  }
  const std::string db3 = certkit_test::ReadString(dir.File("c/nodes/db3/node.crt"));
  ClusterUpdateSpec renew;
  renew.dir = dir.File("c");
  renew.within = absl::ZeroDuration();
  std::vector<std::string> renewed;
  auto after = ClusterRenew(renew, &renewed);
  INFO(after.status());
  REQUIRE(after.ok());
  CHECK(renewed == std::vector<std::string>{"db1", "db2"});
  CHECK(certkit_test::ReadString(dir.File("c/nodes/db3/node.crt")) == db3);
  for (const LeafRecord& n : after->nodes) {
    CHECK(LeafPairMatches(dir.File("c/" + n.dir)));
    auto cert = ReadCertificate(dir.File("c/" + n.dir + "/node.crt"));
    REQUIRE(cert.ok());
    CHECK(cert->Sha256Fingerprint() == n.sha256_fingerprint);
  }
}

TEST_CASE("CA key password: ClusterInit encrypts, ClusterAdd and RotateCa need it, the manifest keeps the source") {
  certkit_test::TempDir dir;
  ClusterInitSpec init;
  init.out_dir = dir.File("c");
  init.nodes = {"db1"};
  init.ca.subject = *DistinguishedName::Parse("CN=Encrypted CA");
  init.formats = {"pem"};
  init.ca_key_password = "lib-test-ca-pass";
  // A password without the source to record is refused before any write.
  CHECK(GetErrorKind(ClusterInit(init).status()) == ErrorKind::kInvalidArgument);
  CHECK_FALSE(FileExists(dir.File("c")));
  init.ca_key_password_source = "env:LIB_CA_PASS";
  auto m = ClusterInit(init);
  REQUIRE(m.ok());
  CHECK(m->ca_key_password_source == "env:LIB_CA_PASS");
  const std::string key_path = dir.File("c/ca-private/ca.key");
  const std::string pem = certkit_test::ReadString(key_path);
  CHECK(IsEncryptedKeyPem(pem));
  CHECK(pem.find("-----BEGIN ENCRYPTED PRIVATE KEY-----") == 0);
  CHECK(pem.find("lib-test-ca-pass") == std::string::npos);
  CHECK(GetErrorKind(PrivateKey::FromPem(pem).status()) == ErrorKind::kBadPassword);
  CHECK(PrivateKey::FromPem(pem, "lib-test-ca-pass").ok());
  const std::string manifest = certkit_test::ReadString(dir.File("c/manifest.json"));
  CHECK(manifest.find("\"ca_key_password_source\": \"env:LIB_CA_PASS\"") != std::string::npos);
  CHECK(manifest.find("lib-test-ca-pass") == std::string::npos);
  auto parsed = ParseManifest(manifest);
  REQUIRE(parsed.ok());
  CHECK(parsed->ca_key_password_source == "env:LIB_CA_PASS");
  CHECK(ReusablePasswordSource("env:LIB_CA_PASS") == "env:LIB_CA_PASS");
  CHECK(ReusablePasswordSource("file:/p") == "file:/p");
  for (const char* s : {"prompt", "pass", "none", "insecure-default", ""}) {
    CHECK(ReusablePasswordSource(s).empty());
  }

  ClusterUpdateSpec add;
  add.dir = dir.File("c");
  add.nodes = {"db2"};
  for (const char* wrong : {"", "not-the-password"}) {
    add.ca_key_password = wrong;
    auto r = ClusterAdd(add);
    REQUIRE_FALSE(r.ok());
    CHECK(GetErrorKind(r.status()) == ErrorKind::kBadPassword);
    CHECK(std::string(r.status().message()).find("CA key file '" + key_path + "'") != std::string::npos);
    CHECK_FALSE(FileExists(dir.File("c/nodes/db2")));
  }
  add.ca_key_password = "lib-test-ca-pass";
  REQUIRE(ClusterAdd(add).ok());

  // new-ca: a wrong password writes nothing; the right one encrypts the new key.
  RotationSpec rot;
  rot.dir = dir.File("c");
  rot.stage = RotationStage::kNewCa;
  rot.ca_key_password = "not-the-password";
  rot.ca_key_password_source = "env:OTHER";
  auto bad = RotateCa(rot);
  REQUIRE_FALSE(bad.ok());
  CHECK(GetErrorKind(bad.status()) == ErrorKind::kBadPassword);
  CHECK(certkit_test::ReadString(dir.File("c/manifest.json")).find("env:OTHER") == std::string::npos);
  rot.ca_key_password = "lib-test-ca-pass";
  rot.ca_key_password_source = "file:/run/ca-pass";
  auto done = RotateCa(rot);
  REQUIRE(done.ok());
  CHECK(done->manifest.ca_key_password_source == "file:/run/ca-pass");
  const CaRecord* next = done->manifest.CaInState(kCaNext);
  REQUIRE(next != nullptr);
  const std::string next_pem = certkit_test::ReadString(JoinPath(dir.File("c"), next->key_file));
  CHECK(IsEncryptedKeyPem(next_pem));
  CHECK(PrivateKey::FromPem(next_pem, "lib-test-ca-pass").ok());
  CHECK(certkit_test::FileMode(JoinPath(dir.File("c"), next->key_file)) == 0600);
}

TEST_CASE("CA key password: CaKeyPem writes PKCS#8, encrypted only with a password") {
  auto key = PrivateKey::Generate(KeySpec());
  REQUIRE(key.ok());
  auto plain = CaKeyPem(*key, "");
  REQUIRE(plain.ok());
  CHECK(plain->find("-----BEGIN PRIVATE KEY-----") == 0);
  CHECK_FALSE(IsEncryptedKeyPem(*plain));
  auto enc = CaKeyPem(*key, "pw");
  REQUIRE(enc.ok());
  CHECK(IsEncryptedKeyPem(*enc));
  auto back = PrivateKey::FromPem(*enc, "pw");
  REQUIRE(back.ok());
  CHECK(back->MatchesPublicKey(key->public_key()));
}

namespace {

// SubjectOf: the subject of |path| as `openssl x509 -subject` prints it.
std::string SubjectOf(const std::string& path) {
  auto r = certkit_test::Run({"openssl", "x509", "-noout", "-subject", "-nameopt", "RFC2253", "-in", path});
  REQUIRE(r.exit_code == 0);
  return r.out;
}

}  // namespace

TEST_CASE("presets are a table: lookup, unknown names list the presets, ApplyPreset fills defaults") {
  auto p = FindPreset("cockroach");
  REQUIRE(p.ok());
  LeafSettings s;
  s.organization = "Mine";
  s.extra_sans = {"DNS:localhost"};
  ApplyPreset(**p, &s);
  CHECK(s.preset == "cockroach");
  CHECK(s.node_cn == "node");
  CHECK(s.organization == "Mine");  // given explicitly: kept
  CHECK(s.extra_sans == std::vector<std::string>{"DNS:localhost", "IP:127.0.0.1"});
  LeafSettings given;
  given.node_cn = "other";
  ApplyPreset(**p, &given);
  CHECK(given.node_cn == "other");
  CHECK(given.organization == "Cockroach");
  LeafSettings pg;
  ApplyPreset(**FindPreset("postgres"), &pg);
  CHECK(pg.node_cn.empty());
  CHECK(pg.organization.empty());
  CHECK(pg.extra_sans.empty());
  auto unknown = FindPreset("mongo\x1b");
  REQUIRE_FALSE(unknown.ok());
  CHECK(GetErrorKind(unknown.status()) == ErrorKind::kInvalidArgument);
  const std::string msg(unknown.status().message());
  CHECK(msg.find("cockroach, cassandra, postgres") != std::string::npos);
  CHECK(msg.find('\x1b') == std::string::npos);
  CHECK(ValidateNodeCommonName("node").ok());
  CHECK_FALSE(ValidateNodeCommonName("").ok());
  CHECK_FALSE(ValidateNodeCommonName(std::string(65, 'x')).ok());
  CHECK_FALSE(ValidateNodeCommonName("a\nb").ok());
}

TEST_CASE("node CN: ClusterInit records it, ClusterAdd and ClusterRenew keep the manifest's") {
  certkit_test::TempDir dir;
  ClusterInitSpec init;
  init.out_dir = dir.File("c");
  init.nodes = {"db1.example.com"};
  init.ca.subject = *DistinguishedName::Parse("CN=CN CA");
  init.formats = {"pem"};
  init.leaf.node_cn = "node";
  auto m = ClusterInit(init);
  REQUIRE(m.ok());
  CHECK(m->node_cn == "node");
  auto loaded = LoadManifest(dir.File("c"));
  REQUIRE(loaded.ok());
  CHECK(loaded->node_cn == "node");
  CHECK(SubjectOf(dir.File("c/nodes/db1.example.com/node.crt")) == "subject=CN=node\n");
  // A library caller that fills no settings still gets the cluster's CN.
  ClusterUpdateSpec add;
  add.dir = dir.File("c");
  add.nodes = {"db2.example.com"};
  REQUIRE(ClusterAdd(add).ok());
  CHECK(SubjectOf(dir.File("c/nodes/db2.example.com/node.crt")) == "subject=CN=node\n");
  auto san = certkit_test::Run({"openssl", "x509", "-noout", "-ext", "subjectAltName", "-in",
                                dir.File("c/nodes/db2.example.com/node.crt")});
  CHECK(san.out.find("DNS:db2.example.com") != std::string::npos);
  ClusterUpdateSpec renew;
  renew.dir = dir.File("c");
  renew.within = absl::Hours(24 * 36500);
  renew.leaf.node_cn = "ignored";
  std::vector<std::string> renewed;
  REQUIRE(ClusterRenew(renew, &renewed).ok());
  CHECK(renewed.size() == 2);
  CHECK(SubjectOf(dir.File("c/nodes/db1.example.com/node.crt")) == "subject=CN=node\n");

  init.out_dir = dir.File("bad");
  init.leaf.node_cn = "a\x01" "b";
  auto bad = ClusterInit(init);
  REQUIRE_FALSE(bad.ok());
  CHECK(GetErrorKind(bad.status()) == ErrorKind::kInvalidArgument);
  CHECK_FALSE(FileExists(dir.File("bad")));
}
