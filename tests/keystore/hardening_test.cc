// Keystore hardening (issue 13): the KDF budget per file, round trips that
// used to lose or invent entries, and the error each hostile or damaged input
// gets. Every input is made here, by certkit, openssl or keytool.
#include <catch2/catch.hpp>

#include <algorithm>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "certkit/ca.h"
#include "certkit/error.h"
#include "certkit/keystore.h"
#include "certkit/objects.h"
#include "fixtures.h"

using certkit::Bytes;
using certkit::Certificate;
using certkit::ErrorKind;
using certkit::GetErrorKind;
using certkit::KeyStore;
using certkit::LoadOptions;
using certkit::PrivateKey;
using certkit::StoreFormat;
using certkit_test::TempDir;
using keystore_test::Keytool;
using keystore_test::Rehash;
using keystore_test::Unwrap;

namespace {

const char kPass[] = "storepass1";

certkit::CertificateAuthority MakeRoot(const std::string& cn,
                                       std::optional<PrivateKey> key = std::nullopt) {
  certkit::CaOptions o;
  o.subject = Unwrap(certkit::DistinguishedName::Parse("CN=" + cn));
  o.key = std::move(key);
  return Unwrap(certkit::CertificateAuthority::CreateRoot(o));
}

struct Node {
  PrivateKey key;
  Certificate cert;
};

Node MakeNode(const certkit::CertificateAuthority& ca, const std::string& host) {
  PrivateKey key = Unwrap(PrivateKey::Generate(certkit::KeySpec{}));
  certkit::IssueOptions io;
  io.subject = Unwrap(certkit::DistinguishedName::Parse("CN=" + host));
  io.sans = {certkit::SubjectAltName::Dns(host)};
  Certificate cert = Unwrap(ca.SignPublicKey(key.public_key(), certkit::Profile::Node(), io));
  return {std::move(key), std::move(cert)};
}

// A store with |n| key entries, each node + CA.
KeyStore ManyKeys(int n) {
  static const certkit::CertificateAuthority ca = MakeRoot("Budget CA");
  KeyStore ks;
  for (int i = 0; i < n; ++i) {
    Node node = MakeNode(ca, absl::StrCat("n", i, ".example.com"));
    REQUIRE(ks.SetKeyEntry(absl::StrCat("n", i), node.key, {node.cert, ca.certificate()}).ok());
  }
  return ks;
}

LoadOptions Budget(int64_t total) {
  LoadOptions o;
  o.max_total_iterations = total;
  return o;
}

void PutU32(Bytes* out, uint32_t v) {
  for (int s = 24; s >= 0; s -= 8) out->push_back(static_cast<uint8_t>(v >> s));
}

}  // namespace

TEST_CASE("a PKCS#12 file's key derivations share one budget") {
  certkit::SaveOptions so;
  so.pkcs12_iterations = 10000;
  Bytes p12 = Unwrap(ManyKeys(4).Save(StoreFormat::kPkcs12, kPass, so));
  // MAC + certificate safe + 4 keys = 60,000 iterations, each call 10,000.
  CHECK(KeyStore::Load(p12, kPass).ok());
  CHECK(KeyStore::Load(p12, kPass, Budget(60000)).ok());
  auto over = KeyStore::Load(p12, kPass, Budget(59999));
  CHECK(GetErrorKind(over.status()) == ErrorKind::kLimitExceeded);
  CHECK(absl::StrContains(over.status().message(), "budget of 59999 iterations"));
  // Legacy PKCS#12 PBE derives a key and an IV: each counts.
  so.pkcs12_legacy = true;
  Bytes legacy = Unwrap(ManyKeys(1).Save(StoreFormat::kPkcs12, kPass, so));
  CHECK(KeyStore::Load(legacy, kPass, Budget(50000)).ok());  // MAC + 2 x (2 x 10,000)
  CHECK(GetErrorKind(KeyStore::Load(legacy, kPass, Budget(49999)).status()) ==
        ErrorKind::kLimitExceeded);
}

TEST_CASE("an openssl PKCS#12 costs its MAC, certificate and key derivations") {
  TempDir dir;
  auto pki = keystore_test::MakePki(dir, "o", keystore_test::Alg::kEc);
  std::string path = dir.File("o.p12");
  auto r = certkit_test::Run({"openssl", "pkcs12", "-export", "-inkey", pki.leaf_key_path, "-in",
                              pki.leaf_cert_path, "-iter", "40000", "-maciter", "-passout",
                              "pass:p12pass", "-out", path});
  REQUIRE(r.exit_code == 0);
  LoadOptions per_call;
  per_call.max_iterations = 40000;
  CHECK(KeyStore::LoadFile(path, "p12pass", per_call).ok());
  // The certificate safe and the key cost 40,000 each and the MAC (-maciter)
  // as much again: more than 60,000 in total although no call exceeds 40,000.
  CHECK(GetErrorKind(KeyStore::LoadFile(path, "p12pass", Budget(60000)).status()) ==
        ErrorKind::kLimitExceeded);
}

TEST_CASE("a PEM store's encrypted keys share one budget and honour max_iterations") {
  // Keys are written as PBES2 with 100,000 PBKDF2 iterations each.
  Bytes pem = Unwrap(ManyKeys(3).Save(StoreFormat::kPem, kPass));
  LoadOptions pem_format = Budget(300000);
  pem_format.format = StoreFormat::kPem;
  CHECK(KeyStore::Load(pem, kPass, pem_format).ok());
  auto over = KeyStore::Load(pem, kPass, Budget(299999));
  CHECK(GetErrorKind(over.status()) == ErrorKind::kLimitExceeded);
  LoadOptions low;
  low.max_iterations = 99999;
  auto limited = KeyStore::Load(pem, kPass, low);
  CHECK(GetErrorKind(limited.status()) == ErrorKind::kLimitExceeded);
  CHECK(absl::StrContains(limited.status().message(), "exceeds the limit 99999"));
}

TEST_CASE("a JCEKS key made by keytool is charged to the budget") {
  TempDir dir;
  std::string path = dir.File("k.jceks");
  Keytool({"-genkeypair", "-alias", "n", "-dname", "CN=n", "-keyalg", "EC", "-keystore", path,
           "-storepass", kPass, "-keypass", kPass, "-storetype", "JCEKS"});
  auto ks = Unwrap(KeyStore::LoadFile(path, kPass));
  CHECK(ks.Find("n")->key.has_value());
  auto over = KeyStore::LoadFile(path, kPass, Budget(1000));
  CHECK(GetErrorKind(over.status()) == ErrorKind::kLimitExceeded);
}

TEST_CASE("an empty store round-trips through PEM") {
  TempDir dir;
  std::string path = dir.File("empty.pem");
  REQUIRE(KeyStore().SaveFile(path, StoreFormat::kPem, kPass).ok());
  CHECK_FALSE(certkit_test::ReadString(path).empty());
  auto back = Unwrap(KeyStore::LoadFile(path, kPass));
  CHECK(back.size() == 0);
  CHECK(back.source_format() == StoreFormat::kPem);
  // A 0-byte file is still refused: more likely a truncated write.
  certkit_test::WriteString(path, "");
  CHECK_FALSE(KeyStore::LoadFile(path, kPass).ok());
}

TEST_CASE("a JKS key entry whose certificate is not its key's is refused at load") {
  auto ca = MakeRoot("Mismatch CA");
  Node a = MakeNode(ca, "a.example.com"), b = MakeNode(ca, "b.example.com");
  KeyStore ks;
  REQUIRE(ks.SetKeyEntry("node", a.key, {a.cert}).ok());
  Bytes good = Unwrap(ks.Save(StoreFormat::kJks, kPass));
  // Re-assemble the file with a's protected key and b's certificate.
  // Layout: magic, version, count (12) | tag (4), alias "node" (2 + 4), date (8),
  // key length (4) + key | chain length (4), "X.509" (2 + 5), length (4) + DER | digest.
  size_t at = 12 + 4 + 6 + 8;
  uint32_t key_len = (uint32_t{good[at]} << 24) | (uint32_t{good[at + 1]} << 16) |
                     (uint32_t{good[at + 2]} << 8) | good[at + 3];
  Bytes bad(good.begin(), good.begin() + at + 4 + key_len);
  PutU32(&bad, 1);
  bad.insert(bad.end(), {0, 5, 'X', '.', '5', '0', '9'});
  Bytes der = b.cert.ToDer();
  PutU32(&bad, static_cast<uint32_t>(der.size()));
  bad.insert(bad.end(), der.begin(), der.end());
  bad.resize(bad.size() + 20);
  Rehash(&bad, kPass);
  TempDir dir;
  std::string path = dir.File("bad.jks");
  certkit_test::WriteBytes(path, bad);
  // keytool reads the file as a key entry: it is well-formed for the JDK.
  CHECK(absl::StrContains(Keytool({"-list", "-keystore", path, "-storepass", kPass}),
                          "PrivateKeyEntry"));
  auto loaded = KeyStore::LoadFile(path, kPass);
  REQUIRE_FALSE(loaded.ok());
  CHECK(GetErrorKind(loaded.status()) == ErrorKind::kKeyMismatch);
  CHECK(absl::StrContains(loaded.status().message(), "key entry 'node'"));
  CHECK(absl::StrContains(loaded.status().message(), "CN=b.example.com"));
}

TEST_CASE("a chain ending at an old root keeps it next to a renewed root") {
  auto old_root = MakeRoot("Cluster CA");
  auto new_root = MakeRoot("Cluster CA", old_root.key());  // same name, same key
  REQUIRE(old_root.certificate() != new_root.certificate());
  Node node = MakeNode(old_root, "db1.example.com");
  KeyStore jks;
  REQUIRE(jks.SetKeyEntry("db1", node.key, {node.cert, old_root.certificate()}).ok());
  REQUIRE(jks.AddTrustedCert("ca", new_root.certificate()).ok());
  TempDir dir;
  std::string jks_path = dir.File("s.jks"), p12_path = dir.File("s.p12");
  REQUIRE(jks.SaveFile(jks_path, StoreFormat::kJks, kPass).ok());
  auto loaded = Unwrap(KeyStore::LoadFile(jks_path, kPass));
  REQUIRE(loaded.SaveFile(p12_path, StoreFormat::kPkcs12, kPass).ok());
  for (StoreFormat f : {StoreFormat::kPkcs12, StoreFormat::kPem}) {
    INFO(certkit::StoreFormatName(f));
    auto back = Unwrap(KeyStore::Load(Unwrap(loaded.Save(f, kPass)), kPass));
    REQUIRE(back.size() == 2);
    REQUIRE(back.Find("db1") != nullptr);
    REQUIRE(back.Find("db1")->chain.size() == 2);
    CHECK(back.Find("db1")->chain[1] == old_root.certificate());
    REQUIRE(back.Find("ca") != nullptr);
    CHECK(back.Find("ca")->certificate() == new_root.certificate());
  }
  std::string out = Keytool({"-list", "-keystore", p12_path, "-storepass", kPass});
  CHECK(absl::StrContains(out, "Your keystore contains 2 entries"));
}

TEST_CASE("PKCS#12 certificates outside every chain and not marked trusted are not anchors") {
  TempDir dir;
  auto pki = keystore_test::MakePki(dir, "t", keystore_test::Alg::kEc);
  auto other = keystore_test::MakePki(dir, "x", keystore_test::Alg::kEc);
  // openssl -nokeys: certificates without the Java trusted-key-usage attribute.
  std::string trust = dir.File("trust.p12");
  REQUIRE(certkit_test::Run({"openssl", "pkcs12", "-export", "-nokeys", "-in", pki.ca_cert_path,
                             "-passout", "pass:trustpass", "-out", trust})
              .exit_code == 0);
  CHECK(absl::StrContains(Keytool({"-list", "-keystore", trust, "-storepass", "trustpass"}),
                          "Your keystore contains 0 entries"));
  CHECK(Unwrap(KeyStore::LoadFile(trust, "trustpass")).size() == 0);
  // A key with its chain plus an unrelated CA: one entry, for keytool and certkit.
  std::string mixed = dir.File("mixed.p12");
  REQUIRE(certkit_test::Run({"openssl", "pkcs12", "-export", "-inkey", pki.leaf_key_path, "-in",
                             pki.leaf_cert_path, "-certfile", other.ca_cert_path, "-name", "node",
                             "-passout", "pass:trustpass", "-out", mixed})
              .exit_code == 0);
  CHECK(absl::StrContains(Keytool({"-list", "-keystore", mixed, "-storepass", "trustpass"}),
                          "Your keystore contains 1 entry"));
  auto ks = Unwrap(KeyStore::LoadFile(mixed, "trustpass"));
  CHECK(ks.size() == 1);
  CHECK(ks.TrustedCertificates().empty());
}

TEST_CASE("a truncated PKCS#12 is reported as one under format auto-detection") {
  Bytes p12 = Unwrap(ManyKeys(1).Save(StoreFormat::kPkcs12, kPass));
  p12.resize(p12.size() / 2);
  CHECK(certkit::DetectStoreFormat(p12).value() == StoreFormat::kPkcs12);
  auto r = KeyStore::Load(p12, kPass);
  CHECK(GetErrorKind(r.status()) == ErrorKind::kMalformed);
  CHECK(absl::StrContains(r.status().message(), "truncated PKCS#12"));
}

TEST_CASE("a JCEKS holding a secret key, opened with a wrong password, says so") {
  TempDir dir;
  std::string path = dir.File("secret.jceks");
  Keytool({"-genseckey", "-alias", "dbkey", "-keyalg", "AES", "-keysize", "128", "-keystore", path,
           "-storepass", kPass, "-keypass", kPass, "-storetype", "JCEKS"});
  auto wrong = KeyStore::LoadFile(path, "not-the-password");
  CHECK(GetErrorKind(wrong.status()) == ErrorKind::kBadPassword);
  CHECK(absl::StrContains(wrong.status().message(), "password is incorrect"));
  CHECK(GetErrorKind(KeyStore::LoadFile(path, kPass).status()) == ErrorKind::kUnsupported);
}

TEST_CASE("a key chain that does not link by issuer name is kept by JKS, refused by PKCS#12 and PEM") {
  auto ca = MakeRoot("Chain CA");
  auto stranger = MakeRoot("Unrelated CA");
  Node node = MakeNode(ca, "db1.example.com");
  KeyStore ks;
  // The second certificate is not the leaf's issuer (the jks fuzzer's case).
  REQUIRE(ks.SetKeyEntry("db1", node.key, {node.cert, stranger.certificate()}).ok());
  REQUIRE(ks.Save(StoreFormat::kJks, kPass).ok());
  for (StoreFormat format : {StoreFormat::kPkcs12, StoreFormat::kPem}) {
    auto saved = ks.Save(format, kPass);
    REQUIRE_FALSE(saved.ok());
    CHECK(certkit::GetErrorKind(saved.status()) == certkit::ErrorKind::kInvalidArgument);
    const std::string message(saved.status().message());
    CHECK(message.find("'db1'") != std::string::npos);
    CHECK(message.find("Unrelated CA") != std::string::npos);
  }
  // A real chain still writes.
  KeyStore good;
  REQUIRE(good.SetKeyEntry("db1", node.key, {node.cert, ca.certificate()}).ok());
  CHECK(good.Save(StoreFormat::kPkcs12, kPass).ok());
  CHECK(good.Save(StoreFormat::kPem, kPass).ok());
}

TEST_CASE("a key chain whose signature does not verify keeps its issuer through PKCS#12 and PEM") {
  // The jks fuzzer's second finding: a leaf whose signature no longer
  // verifies (here one signature byte is flipped) lost its CA in a PKCS#12
  // or PEM round trip, because readers linked chains by name AND signature.
  // They now fall back to the name, as the JDK links, preferring the copy
  // written with the chain over a same-named trusted entry.
  auto old_root = MakeRoot("Fuzz CA");
  auto new_root = MakeRoot("Fuzz CA", old_root.key());
  Node node = MakeNode(old_root, "db1.example.com");
  Bytes der = node.cert.ToDer();
  der.back() ^= 0x01;
  Certificate broken = Unwrap(Certificate::FromDer(der));
  REQUIRE(broken.MatchesKey(node.key));
  KeyStore ks;
  REQUIRE(ks.SetKeyEntry("db1", node.key, {broken, old_root.certificate()}).ok());
  REQUIRE(ks.AddTrustedCert("ca", new_root.certificate()).ok());
  TempDir dir;
  for (StoreFormat f : {StoreFormat::kPkcs12, StoreFormat::kPem}) {
    INFO(certkit::StoreFormatName(f));
    auto back = Unwrap(KeyStore::Load(Unwrap(ks.Save(f, kPass)), kPass));
    REQUIRE(back.size() == 2);
    REQUIRE(back.Find("db1") != nullptr);
    REQUIRE(back.Find("db1")->chain.size() == 2);
    CHECK(back.Find("db1")->chain[0] == broken);
    CHECK(back.Find("db1")->chain[1] == old_root.certificate());
    REQUIRE(back.Find("ca") != nullptr);
    CHECK(back.Find("ca")->certificate() == new_root.certificate());
  }
  // keytool links the same chain by name.
  std::string p12_path = dir.File("broken.p12");
  REQUIRE(ks.SaveFile(p12_path, StoreFormat::kPkcs12, kPass).ok());
  std::string out = Keytool({"-list", "-v", "-alias", "db1", "-keystore", p12_path, "-storepass", kPass});
  CHECK(absl::StrContains(out, "Certificate chain length: 2"));
}

TEST_CASE("a chain certificate that did not sign the one below it is refused by PKCS#12 and PEM "
          "when a same-named certificate did") {
  // The jks fuzzer's third finding: a JKS chain [leaf, CA'] where CA' has the
  // real CA's name but another key, next to the real CA as a trusted entry.
  // Readers link by name and signature, so the chain came back as
  // [leaf, CA]: the writers now refuse it, naming the entry.
  auto real = MakeRoot("Twin CA");
  auto twin = MakeRoot("Twin CA");  // same name, another key
  Node node = MakeNode(real, "db1.example.com");
  KeyStore ks;
  REQUIRE(ks.SetKeyEntry("db1", node.key, {node.cert, twin.certificate()}).ok());
  REQUIRE(ks.AddTrustedCert("ca", real.certificate()).ok());
  REQUIRE(ks.Save(StoreFormat::kJks, kPass).ok());  // JKS keeps chains verbatim
  for (StoreFormat format : {StoreFormat::kPkcs12, StoreFormat::kPem}) {
    INFO(certkit::StoreFormatName(format));
    auto saved = ks.Save(format, kPass);
    REQUIRE_FALSE(saved.ok());
    CHECK(certkit::GetErrorKind(saved.status()) == certkit::ErrorKind::kInvalidArgument);
    const std::string message(saved.status().message());
    CHECK(absl::StrContains(message, "'db1'"));
    CHECK(absl::StrContains(message, twin.certificate().Sha256Fingerprint()));
    CHECK(absl::StrContains(message, real.certificate().Sha256Fingerprint()));
  }
  // Alone (no same-named certificate that verifies), the chain is kept as
  // written: readers fall back to the name.
  KeyStore alone;
  REQUIRE(alone.SetKeyEntry("db1", node.key, {node.cert, twin.certificate()}).ok());
  for (StoreFormat format : {StoreFormat::kPkcs12, StoreFormat::kPem}) {
    INFO(certkit::StoreFormatName(format));
    auto back = Unwrap(KeyStore::Load(Unwrap(alone.Save(format, kPass)), kPass));
    REQUIRE(back.Find("db1") != nullptr);
    CHECK(back.Find("db1")->chain == alone.Find("db1")->chain);
  }
}

TEST_CASE("an alias a PEM store cannot carry is refused, not changed") {
  // The strict jks campaign's finding: an alias "\vca" came back as "ca"
  // (friendlyName lines are trimmed); a line break could also forge blocks.
  auto ca = MakeRoot("Alias CA");
  for (const std::string alias : {"\vca", "ca ", "c\na", "x\r\n-----BEGIN CERTIFICATE-----"}) {
    KeyStore ks;
    REQUIRE(ks.AddTrustedCert(alias, ca.certificate()).ok());
    REQUIRE(ks.Save(StoreFormat::kJks, kPass).ok());
    auto saved = ks.Save(StoreFormat::kPem, kPass);
    REQUIRE_FALSE(saved.ok());
    CHECK(certkit::GetErrorKind(saved.status()) == certkit::ErrorKind::kInvalidArgument);
    const std::string message(saved.status().message());
    CHECK(message.find('\n') == std::string::npos);
    CHECK(absl::StrContains(message, "cannot be written to a PEM store"));
  }
  KeyStore fine;
  REQUIRE(fine.AddTrustedCert("cluster ca", ca.certificate()).ok());
  auto back = Unwrap(KeyStore::Load(Unwrap(fine.Save(StoreFormat::kPem, kPass)), kPass));
  CHECK(back.Find("cluster ca") != nullptr);
}

// ---- KDF bombs refused before any derivation (issue 21, items 2 and 8) ----

namespace {

// Replaces every DER INTEGER |from| (3 content bytes) with |to|: the same
// length, so the structure stays valid and only iteration counts change.
size_t PatchIterations(Bytes* der, uint32_t from, uint32_t to) {
  const uint8_t pattern[] = {0x02, 0x03, uint8_t(from >> 16), uint8_t(from >> 8), uint8_t(from)};
  size_t patched = 0;
  for (size_t i = 0; i + sizeof(pattern) <= der->size(); ++i) {
    if (std::equal(pattern, pattern + sizeof(pattern), der->begin() + i)) {
      (*der)[i + 2] = uint8_t(to >> 16);
      (*der)[i + 3] = uint8_t(to >> 8);
      (*der)[i + 4] = uint8_t(to);
      ++patched;
    }
  }
  return patched;
}

constexpr uint32_t kBomb = 0x7FFFFF;  // 8,388,607: under the per-derivation limit of 10 million

// Re-armors |der| as a PEM block with |label|, 64 characters per line.
std::string Armor(const std::string& label, const Bytes& der) {
  std::string b64 = absl::Base64Escape(absl::string_view(reinterpret_cast<const char*>(der.data()),
                                                         der.size()));
  std::string out = "-----BEGIN " + label + "-----\n";
  for (size_t i = 0; i < b64.size(); i += 64) out += b64.substr(i, 64) + "\n";
  return out + "-----END " + label + "-----\n";
}

// The DER of every "ENCRYPTED PRIVATE KEY" block of |pem|.
std::vector<Bytes> EncryptedKeyBlocks(const std::string& pem) {
  std::vector<Bytes> out;
  const std::string begin = "-----BEGIN ENCRYPTED PRIVATE KEY-----\n";
  const std::string end = "-----END ENCRYPTED PRIVATE KEY-----";
  for (size_t pos = pem.find(begin); pos != std::string::npos; pos = pem.find(begin, pos + 1)) {
    size_t start = pos + begin.size();
    std::string b64 = pem.substr(start, pem.find(end, start) - start);
    b64.erase(std::remove(b64.begin(), b64.end(), '\n'), b64.end());
    std::string der;
    REQUIRE(absl::Base64Unescape(b64, &der));
    out.emplace_back(der.begin(), der.end());
  }
  return out;
}

}  // namespace

TEST_CASE("a PKCS#12 KDF bomb is refused from what it declares, before any derivation") {
  // A real certkit PKCS#12 (MAC, certificate safe, 2 keys at 65,536
  // iterations each), whose counts are then raised to 8,388,607: each under
  // the per-derivation limit, together 33.5 million, over the 20 million
  // budget. Before, the loader derived until the budget ran out (~1.7 s).
  certkit::SaveOptions so;
  so.pkcs12_iterations = 0x010000;
  Bytes p12 = Unwrap(ManyKeys(2).Save(StoreFormat::kPkcs12, kPass, so));
  REQUIRE(PatchIterations(&p12, 0x010000, kBomb) == 4);
  auto loaded = KeyStore::Load(p12, kPass);
  REQUIRE_FALSE(loaded.ok());
  CHECK(GetErrorKind(loaded.status()) == ErrorKind::kLimitExceeded);
  const std::string msg(loaded.status().message());
  INFO(msg);
  CHECK(absl::StrContains(msg, "declares 33554428 iterations"));
  CHECK(absl::StrContains(msg, "refused before deriving any key"));
  // The unpatched file, with the same structure, loads.
  Bytes fine = Unwrap(ManyKeys(2).Save(StoreFormat::kPkcs12, kPass, so));
  CHECK(KeyStore::Load(fine, kPass).ok());
}

TEST_CASE("a PEM file of many encrypted keys shares one budget when inspected") {
  // 16 encrypted keys (certkit's PBES2, 100,000 PBKDF2 iterations) raised to
  // 8,388,607 each: 134 million declared, refused when the first key is
  // opened, as inspect --key-pass does (ParseObjects + OpenPrivateKey).
  Bytes store = Unwrap(ManyKeys(16).Save(StoreFormat::kPem, kPass));
  std::vector<Bytes> keys =
      EncryptedKeyBlocks(std::string(store.begin(), store.end()));
  REQUIRE(keys.size() == 16);
  std::string bomb, fine;
  for (Bytes& der : keys) {
    fine += Armor("ENCRYPTED PRIVATE KEY", der);
    REQUIRE(PatchIterations(&der, 100000, kBomb) == 1);
    bomb += Armor("ENCRYPTED PRIVATE KEY", der);
  }
  auto objects = Unwrap(certkit::ParseObjects(Bytes(bomb.begin(), bomb.end())));
  REQUIRE(objects.size() == 16);
  auto opened = objects[0].OpenPrivateKey(kPass);
  REQUIRE_FALSE(opened.ok());
  CHECK(GetErrorKind(opened.status()) == ErrorKind::kLimitExceeded);
  CHECK(absl::StrContains(opened.status().message(), "declares 134217712 iterations"));
  CHECK(absl::StrContains(opened.status().message(), "refused before deriving any key"));
  // As a PEM key store, the same file is refused the same way.
  LoadOptions pem;
  pem.format = StoreFormat::kPem;
  auto as_store = KeyStore::Load(Bytes(bomb.begin(), bomb.end()), kPass, pem);
  CHECK(GetErrorKind(as_store.status()) == ErrorKind::kLimitExceeded);
  CHECK(absl::StrContains(as_store.status().message(), "refused before deriving any key"));
  // The same 16 keys at 100,000 iterations (1.6 million) open, and the
  // budget is shared: the spent work of one key counts for the next.
  auto good = Unwrap(certkit::ParseObjects(Bytes(fine.begin(), fine.end())));
  REQUIRE(good.size() == 16);
  for (const auto& o : good) CHECK(o.OpenPrivateKey(kPass).ok());
}
