// Keystores against the real JDK (keytool) and OpenSSL: every cell of
// {JKS, PKCS#12} x {RSA-2048, P-256, Ed25519} x {certkit writes -> keytool
// reads, keytool writes -> certkit reads}, plus JCEKS and OpenSSL PKCS#12.
#include <catch2/catch.hpp>

#include "absl/strings/match.h"
#include "certkit/ca.h"
#include "certkit/csr.h"
#include "certkit/error.h"
#include "certkit/keystore.h"
#include "fixtures.h"

using certkit::ErrorKind;
using certkit::KeyStore;
using certkit::StoreFormat;
using certkit_test::TempDir;
using keystore_test::Alg;
using keystore_test::Keytool;
using keystore_test::Unwrap;

namespace {

const char kStorePass[] = "storepass1";

std::string KeytoolType(StoreFormat f) { return f == StoreFormat::kJks ? "JKS" : "PKCS12"; }

std::vector<std::string> StoreArgs(const std::string& path, StoreFormat f,
                                   const std::string& pass = kStorePass) {
  return {"-keystore", path, "-storepass", pass, "-storetype", KeytoolType(f)};
}

std::vector<std::string> Cat(std::vector<std::string> a, const std::vector<std::string>& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

std::vector<std::string> KeyAlgArgs(Alg alg) {
  switch (alg) {
    case Alg::kRsa: return {"-keyalg", "RSA", "-keysize", "2048"};
    case Alg::kEc: return {"-keyalg", "EC", "-groupname", "secp256r1"};
    case Alg::kEd25519: return {"-keyalg", "Ed25519"};
  }
  return {};
}

// The public key inside a PEM CSR, via openssl.
certkit::PublicKey CsrPublicKey(const std::string& csr) {
  auto r = certkit_test::Run({"openssl", "req", "-in", csr, "-noout", "-pubkey", "-verify"});
  INFO(r.output());
  REQUIRE(r.exit_code == 0);
  return Unwrap(certkit::PublicKey::FromPem(r.out));
}

// certkit writes a node store (key + chain) and a trusted CA entry; keytool
// must list them with the right types and fingerprints and be able to use
// the private key (keytool -certreq signs with it).
void CertkitWrites(StoreFormat format, Alg alg) {
  TempDir dir;
  auto pki = keystore_test::MakePki(dir, "w", alg);
  KeyStore ks;
  REQUIRE(ks.SetKeyEntry("Node1", pki.leaf_key, {pki.leaf_cert, pki.ca_cert}).ok());
  REQUIRE(ks.AddTrustedCert("RootCA", pki.ca_cert).ok());
  std::string path = dir.File(format == StoreFormat::kJks ? "node.jks" : "node.p12");
  auto saved = ks.SaveFile(path, format, kStorePass);
  INFO(saved.ToString());
  REQUIRE(saved.ok());
  CHECK(certkit_test::FileMode(path) == 0600);

  std::string out = Keytool(Cat({"-list", "-v"}, StoreArgs(path, format)));
  INFO(out);
  CHECK(absl::StrContains(out, "Your keystore contains 2 entries"));
  CHECK(absl::StrContains(out, "Keystore type: " + KeytoolType(format)));
  CHECK(absl::StrContains(out, "Alias name: node1\n"));
  CHECK(absl::StrContains(out, "Alias name: rootca\n"));
  CHECK(absl::StrContains(out, "Entry type: PrivateKeyEntry"));
  CHECK(absl::StrContains(out, "Entry type: trustedCertEntry"));
  CHECK(absl::StrContains(out, "Certificate chain length: 2"));
  CHECK(absl::StrContains(out, "SHA256: " + pki.leaf_cert.Sha256Fingerprint()));
  CHECK(absl::StrContains(out, "SHA256: " + pki.ca_cert.Sha256Fingerprint()));

  std::string csr = dir.File("node1.csr");
  Keytool(Cat({"-certreq", "-alias", "node1", "-file", csr}, StoreArgs(path, format)));
  CHECK(CsrPublicKey(csr).Equals(pki.leaf_cert.public_key()));
}

certkit::KeySpec SpecOf(Alg alg) {
  certkit::KeySpec spec;
  spec.type = alg == Alg::kRsa ? certkit::KeyType::kRsa
                               : alg == Alg::kEc ? certkit::KeyType::kEcP256 : certkit::KeyType::kEd25519;
  return spec;
}

// keytool generates a key pair, imports the CA as trusted, makes a CSR that
// a certkit CA signs, and imports the reply; certkit must read the key, the
// completed chain and the trusted entry.
void KeytoolWrites(StoreFormat format, Alg alg) {
  TempDir dir;
  certkit::CaOptions ca_options;
  ca_options.subject = Unwrap(certkit::DistinguishedName::Parse("CN=certkit test root,O=certkit test"));
  ca_options.key_spec = SpecOf(alg);
  ca_options.days = 60;
  auto ca = Unwrap(certkit::CertificateAuthority::CreateRoot(ca_options));
  keystore_test::Pki pki{dir.File("ca.pem"), "", "", "", ca.certificate(), ca.certificate(), ca.key()};
  certkit_test::WriteString(pki.ca_cert_path, ca.certificate().ToPem());
  std::string path = dir.File(format == StoreFormat::kJks ? "kt.jks" : "kt.p12");
  Keytool(Cat(Cat({"-genkeypair", "-alias", "Node1", "-dname", "CN=node1,O=certkit test",
                   "-validity", "30", "-keypass", kStorePass},
                  KeyAlgArgs(alg)),
              StoreArgs(path, format)));
  Keytool(Cat({"-importcert", "-noprompt", "-alias", "RootCA", "-file", pki.ca_cert_path},
              StoreArgs(path, format)));
  std::string csr = dir.File("node1.csr");
  Keytool(Cat({"-certreq", "-alias", "node1", "-file", csr}, StoreArgs(path, format)));
  auto request = Unwrap(certkit::CertificateRequest::FromPem(certkit_test::ReadString(csr)));
  certkit::IssueOptions issue;
  issue.days = 30;
  issue.sans.push_back(Unwrap(certkit::SubjectAltName::Ip("127.0.0.1")));
  auto signed_cert = Unwrap(ca.SignRequest(request, certkit::Profile::Node(), issue));
  std::string signed_path = dir.File("node1-signed.pem");
  certkit_test::WriteString(signed_path, signed_cert.ToPem());
  Keytool(Cat({"-importcert", "-noprompt", "-alias", "node1", "-file", signed_path},
              StoreArgs(path, format)));

  auto ks = Unwrap(KeyStore::LoadFile(path, kStorePass));
  CHECK(ks.source_format() == format);
  REQUIRE(ks.size() == 2);
  const certkit::KeyStoreEntry* node = ks.Find("NODE1");
  REQUIRE(node != nullptr);
  CHECK(node->alias == "node1");
  REQUIRE(node->is_key());
  REQUIRE_FALSE(node->locked());
  REQUIRE(node->chain.size() == 2);
  CHECK(node->chain[0] == signed_cert);
  CHECK(node->chain[1] == pki.ca_cert);
  CHECK(node->chain[0].MatchesKey(*node->key));
  const certkit::KeyStoreEntry* root = ks.Find("rootca");
  REQUIRE(root != nullptr);
  CHECK_FALSE(root->is_key());
  CHECK(root->certificate() == pki.ca_cert);
  // The listing agrees with keytool's fingerprints (once per format: JVM starts are slow).
  if (alg != Alg::kRsa) return;
  std::string out = Keytool(Cat({"-list", "-v"}, StoreArgs(path, format)));
  for (const auto& s : ks.List()) CHECK(absl::StrContains(out, "SHA256: " + s.sha256_fingerprint));
}

}  // namespace

#define MATRIX_CELL(fmt, alg)                                                    \
  TEST_CASE("certkit writes " #fmt " " #alg ", keytool reads") {                  \
    CertkitWrites(StoreFormat::k##fmt, Alg::k##alg);                             \
  }                                                                              \
  TEST_CASE("keytool writes " #fmt " " #alg ", certkit reads") {                  \
    KeytoolWrites(StoreFormat::k##fmt, Alg::k##alg);                             \
  }

MATRIX_CELL(Jks, Rsa)
MATRIX_CELL(Jks, Ec)
MATRIX_CELL(Jks, Ed25519)
MATRIX_CELL(Pkcs12, Rsa)
MATRIX_CELL(Pkcs12, Ec)
MATRIX_CELL(Pkcs12, Ed25519)

TEST_CASE("JCEKS written by keytool is read") {
  TempDir dir;
  auto pki = keystore_test::MakePki(dir, "j", Alg::kRsa);
  std::string path = dir.File("store.jceks");
  std::vector<std::string> store{"-keystore", path, "-storepass", kStorePass, "-storetype", "JCEKS"};
  Keytool(Cat({"-genkeypair", "-alias", "Node1", "-dname", "CN=node1", "-keyalg", "EC", "-keypass",
               kStorePass},
              store));
  Keytool(Cat({"-importcert", "-noprompt", "-alias", "ca", "-file", pki.ca_cert_path}, store));
  auto ks = Unwrap(KeyStore::LoadFile(path, kStorePass));
  CHECK(ks.source_format() == StoreFormat::kJceks);
  REQUIRE(ks.size() == 2);
  const auto* node = ks.Find("node1");
  REQUIRE(node != nullptr);
  REQUIRE(node->key.has_value());
  CHECK(node->certificate().MatchesKey(*node->key));
  CHECK(ks.Find("ca")->certificate() == pki.ca_cert);
  // JCEKS is read-only, but converts to JKS that keytool reads back.
  CHECK(certkit::GetErrorKind(ks.Save(StoreFormat::kJceks, kStorePass).status()) == ErrorKind::kUnsupported);
  std::string jks = dir.File("converted.jks");
  REQUIRE(ks.SaveFile(jks, StoreFormat::kJks, kStorePass).ok());
  std::string out = Keytool({"-list", "-keystore", jks, "-storepass", kStorePass});
  CHECK(absl::StrContains(out, "Your keystore contains 2 entries"));
}

TEST_CASE("JCEKS secret key entries are reported as unsupported") {
  TempDir dir;
  std::string path = dir.File("secret.jceks");
  Keytool({"-genseckey", "-alias", "DbKey", "-keyalg", "AES", "-keysize", "128", "-keystore", path,
           "-storepass", kStorePass, "-keypass", kStorePass, "-storetype", "JCEKS"});
  auto ks = KeyStore::LoadFile(path, kStorePass);
  REQUIRE_FALSE(ks.ok());
  CHECK(certkit::GetErrorKind(ks.status()) == ErrorKind::kUnsupported);
  CHECK(absl::StrContains(ks.status().message(), "dbkey"));
}

namespace {

// openssl pkcs12 -export of a key + chain, then certkit reads it.
void ReadOpensslPkcs12(const std::vector<std::string>& extra, const certkit::LoadOptions& opts = {}) {
  TempDir dir;
  auto pki = keystore_test::MakePki(dir, "o", Alg::kEc);
  std::string path = dir.File("o.p12");
  std::vector<std::string> argv{"openssl", "pkcs12", "-export", "-inkey", pki.leaf_key_path, "-in",
                                pki.leaf_cert_path, "-certfile", pki.ca_cert_path, "-name", "Node1",
                                "-passout", "pass:p12pass", "-out", path};
  argv.insert(argv.end(), extra.begin(), extra.end());
  auto r = certkit_test::Run(argv);
  INFO(r.output());
  REQUIRE(r.exit_code == 0);
  auto ks = Unwrap(KeyStore::LoadFile(path, "p12pass", opts));
  REQUIRE(ks.size() == 1);
  const auto* node = ks.Find("node1");
  REQUIRE(node != nullptr);
  REQUIRE(node->key.has_value());
  REQUIRE(node->chain.size() == 2);
  CHECK(node->chain[0] == pki.leaf_cert);
  CHECK(node->chain[1] == pki.ca_cert);
  CHECK(node->key->MatchesPublicKey(pki.leaf_key.public_key()));
}

}  // namespace

TEST_CASE("PKCS#12 from openssl pkcs12 -export (default) is read") { ReadOpensslPkcs12({}); }
TEST_CASE("PKCS#12 from openssl pkcs12 -export -legacy is read") { ReadOpensslPkcs12({"-legacy"}); }
TEST_CASE("PKCS#12 with MAC SHA-1/224/384/512 and plain cert bags is read") {
  for (const char* md : {"sha1", "sha224", "sha384", "sha512"}) {
    INFO(md);
    ReadOpensslPkcs12({"-macalg", md, "-certpbe", "NONE"});
  }
}
TEST_CASE("PKCS#12 without MAC loads only when allowed") {
  TempDir dir;
  auto pki = keystore_test::MakePki(dir, "n", Alg::kEc);
  std::string path = dir.File("nomac.p12");
  auto r = certkit_test::Run({"openssl", "pkcs12", "-export", "-inkey", pki.leaf_key_path, "-in",
                              pki.leaf_cert_path, "-nomac", "-passout", "pass:p12pass", "-out", path});
  REQUIRE(r.exit_code == 0);
  auto refused = KeyStore::LoadFile(path, "p12pass");
  REQUIRE_FALSE(refused.ok());
  CHECK(certkit::GetErrorKind(refused.status()) == ErrorKind::kIntegrity);
  certkit::LoadOptions opts;
  opts.allow_missing_mac = true;
  auto ks = Unwrap(KeyStore::LoadFile(path, "p12pass", opts));
  CHECK(ks.size() == 1);
}

TEST_CASE("certkit PKCS#12 passes openssl pkcs12 -info (default and legacy)") {
  TempDir dir;
  auto pki = keystore_test::MakePki(dir, "i", Alg::kRsa);
  for (bool legacy : {false, true}) {
    INFO("legacy " << legacy);
    KeyStore ks;
    REQUIRE(ks.SetKeyEntry("node1", pki.leaf_key, {pki.leaf_cert, pki.ca_cert}).ok());
    REQUIRE(ks.AddTrustedCert("ca", pki.ca_cert).ok());
    certkit::SaveOptions so;
    so.pkcs12_legacy = legacy;
    std::string path = dir.File(legacy ? "legacy.p12" : "modern.p12");
    REQUIRE(ks.SaveFile(path, StoreFormat::kPkcs12, "p12pass", so).ok());
    std::vector<std::string> argv{"openssl", "pkcs12", "-info", "-noout", "-in", path, "-passin",
                                  "pass:p12pass"};
    if (legacy) argv.push_back("-legacy");
    auto r = certkit_test::Run(argv);
    INFO(r.output());
    CHECK(r.exit_code == 0);
    CHECK(absl::StrContains(r.output(), "MAC: " + std::string(legacy ? "sha1" : "sha256")));
    if (!legacy) CHECK(absl::StrContains(r.output(), "PBES2, PBKDF2, AES-256-CBC"));
    // Java 8 style stores are still read by the JDK 17 keytool.
    std::string out = Keytool({"-list", "-keystore", path, "-storepass", "p12pass", "-storetype", "PKCS12"});
    CHECK(absl::StrContains(out, "Your keystore contains 2 entries"));
    // And by certkit.
    auto back = Unwrap(KeyStore::LoadFile(path, "p12pass"));
    CHECK(back.size() == 2);
  }
}

TEST_CASE("PKCS#12 with two private keys round-trips through keytool") {
  TempDir dir;
  auto a = keystore_test::MakePki(dir, "a", Alg::kEc, "node-a");
  auto b = keystore_test::MakePki(dir, "b", Alg::kRsa, "node-b");
  KeyStore ks;
  REQUIRE(ks.SetKeyEntry("node-a", a.leaf_key, {a.leaf_cert, a.ca_cert}).ok());
  REQUIRE(ks.SetKeyEntry("node-b", b.leaf_key, {b.leaf_cert, b.ca_cert}).ok());
  std::string path = dir.File("two.p12");
  REQUIRE(ks.SaveFile(path, StoreFormat::kPkcs12, kStorePass).ok());
  std::string out = Keytool({"-list", "-keystore", path, "-storepass", kStorePass});
  CHECK(absl::StrContains(out, "Your keystore contains 2 entries"));
  CHECK(absl::StrContains(out, "node-a, "));
  CHECK(absl::StrContains(out, "node-b, "));
  // keytool copies it into a new PKCS#12 of its own; certkit reads both keys.
  std::string copy = dir.File("copy.p12");
  Keytool({"-importkeystore", "-srckeystore", path, "-srcstorepass", kStorePass, "-destkeystore", copy,
           "-deststorepass", kStorePass, "-deststoretype", "PKCS12"});
  auto back = Unwrap(KeyStore::LoadFile(copy, kStorePass));
  REQUIRE(back.size() == 2);
  CHECK(back.Find("node-a")->key->MatchesPublicKey(a.leaf_cert.public_key()));
  CHECK(back.Find("node-b")->key->MatchesPublicKey(b.leaf_cert.public_key()));
  CHECK(back.Find("node-b")->chain.size() == 2);
}

TEST_CASE("storepass != keypass JKS from keytool loads locked and unlocks") {
  TempDir dir;
  std::string path = dir.File("kp.jks");
  Keytool({"-genkeypair", "-alias", "node1", "-dname", "CN=node1", "-keyalg", "EC", "-keystore", path,
           "-storepass", kStorePass, "-keypass", "keypass22", "-storetype", "JKS"});
  auto ks = Unwrap(KeyStore::LoadFile(path, kStorePass));
  const auto* e = ks.Find("node1");
  REQUIRE(e != nullptr);
  CHECK(e->locked());
  // A locked key cannot go to PKCS#12.
  CHECK(certkit::GetErrorKind(ks.Save(StoreFormat::kPkcs12, kStorePass).status()) ==
        ErrorKind::kBadKeyPassword);
  auto wrong = ks.UnlockKey("node1", "not-the-key-pass");
  CHECK(certkit::GetErrorKind(wrong) == ErrorKind::kBadKeyPassword);
  CHECK_FALSE(absl::StrContains(wrong.message(), "not-the-key-pass"));
  REQUIRE(ks.UnlockKey("node1", "keypass22").ok());
  CHECK(ks.Find("node1")->key.has_value());
  // Same via LoadOptions.key_password.
  certkit::LoadOptions opts;
  opts.key_password = "keypass22";
  auto ks2 = Unwrap(KeyStore::LoadFile(path, kStorePass, opts));
  CHECK_FALSE(ks2.Find("node1")->locked());
  // A right key password does not make a wrong store password look like a
  // corrupted file.
  auto wrong_store = KeyStore::LoadFile(path, "not-the-store-pass", opts);
  CHECK(certkit::GetErrorKind(wrong_store.status()) == ErrorKind::kBadPassword);
}

TEST_CASE("certkit writes storepass != keypass JKS that keytool reads with both") {
  TempDir dir;
  auto pki = keystore_test::MakePki(dir, "s", Alg::kEc);
  KeyStore ks;
  REQUIRE(ks.SetKeyEntry("node1", pki.leaf_key, {pki.leaf_cert, pki.ca_cert}).ok());
  certkit::SaveOptions so;
  so.key_passwords["node1"] = "keypass22";
  std::string path = dir.File("kp.jks");
  REQUIRE(ks.SaveFile(path, StoreFormat::kJks, kStorePass, so).ok());
  std::string csr = dir.File("r.csr");
  Keytool({"-certreq", "-alias", "node1", "-file", csr, "-keystore", path, "-storepass", kStorePass,
           "-keypass", "keypass22"});
  CHECK(CsrPublicKey(csr).Equals(pki.leaf_cert.public_key()));
  auto r = keystore_test::Tool({"keytool", "-certreq", "-alias", "node1", "-file", dir.File("x.csr"),
                                "-keystore", path, "-storepass", kStorePass, "-keypass", kStorePass});
  CHECK(r.exit_code != 0);
  // Re-saving the locked entry keeps the key password.
  auto back = Unwrap(KeyStore::LoadFile(path, kStorePass));
  CHECK(back.Find("node1")->locked());
  std::string again = dir.File("again.jks");
  REQUIRE(back.SaveFile(again, StoreFormat::kJks, kStorePass).ok());
  Keytool({"-certreq", "-alias", "node1", "-file", dir.File("y.csr"), "-keystore", again, "-storepass",
           kStorePass, "-keypass", "keypass22"});
}

TEST_CASE("aliases: mixed case and non-ASCII round trip with keytool") {
  TempDir dir;
  auto pki = keystore_test::MakePki(dir, "u", Alg::kEc);
  const std::string alias = "\xC3\x84LIAS-\xC3\x9F-\xF0\x9F\x94\x91";    // "ÄLIAS-ß-🔑"
  const std::string lower = "\xC3\xA4lias-\xC3\x9F-\xF0\x9F\x94\x91";    // "älias-ß-🔑"
  CHECK(KeyStore::NormalizeAlias(alias) == lower);
  for (StoreFormat f : {StoreFormat::kJks, StoreFormat::kPkcs12}) {
    INFO(KeytoolType(f));
    // keytool writes, certkit reads.
    std::string kt = dir.File("kt-" + KeytoolType(f));
    Keytool(Cat({"-importcert", "-noprompt", "-alias", alias, "-file", pki.ca_cert_path}, StoreArgs(kt, f)));
    auto ks = Unwrap(KeyStore::LoadFile(kt, kStorePass));
    REQUIRE(ks.size() == 1);
    CHECK(ks.entries()[0].alias == lower);
    CHECK(ks.Find(alias) != nullptr);
    // certkit writes a mixed-case alias: lower-cased out, keytool finds it.
    KeyStore mine;
    REQUIRE(mine.SetKeyEntry(alias, pki.leaf_key, {pki.leaf_cert, pki.ca_cert}).ok());
    REQUIRE(mine.AddTrustedCert("MixedCase", pki.ca_cert).ok());
    std::string ck = dir.File("ck-" + KeytoolType(f));
    REQUIRE(mine.SaveFile(ck, f, kStorePass).ok());
    std::string out = Keytool(Cat({"-list", "-v"}, StoreArgs(ck, f)));
    CHECK(absl::StrContains(out, "Alias name: " + lower + "\n"));
    CHECK(absl::StrContains(out, "Alias name: mixedcase\n"));
    Keytool(Cat({"-exportcert", "-alias", alias, "-file", dir.File("x.der")}, StoreArgs(ck, f)));
  }
}

TEST_CASE("PKCS#12 written by keytool -J-Dkeystore.pkcs12.legacy is read") {
  TempDir dir;
  std::string path = dir.File("legacy.p12");
  Keytool({"-J-Dkeystore.pkcs12.legacy", "-genkeypair", "-alias", "Node1", "-dname", "CN=node1",
           "-keyalg", "EC", "-keystore", path, "-storepass", kStorePass, "-storetype", "PKCS12"});
  auto info = certkit_test::Run({"openssl", "pkcs12", "-info", "-noout", "-legacy", "-in", path,
                                 "-passin", std::string("pass:") + kStorePass});
  INFO(info.output());
  CHECK(absl::StrContains(info.output(), "MAC: sha1"));
  auto ks = Unwrap(KeyStore::LoadFile(path, kStorePass));
  REQUIRE(ks.Find("node1") != nullptr);
  CHECK(ks.Find("node1")->certificate().MatchesKey(*ks.Find("node1")->key));
}

TEST_CASE("PKCS#12 trust store written by certkit is a trust store for keytool") {
  // openssl -nokeys output has no Java trusted-key-usage attribute, so it is
  // no trust store for the JDK or certkit (hardening_test.cc); certkit's own
  // is, for both.
  TempDir dir;
  auto pki = keystore_test::MakePki(dir, "t", Alg::kEc);
  KeyStore ks;
  REQUIRE(ks.AddTrustedCert("ca", pki.ca_cert).ok());
  std::string ours = dir.File("ours.p12");
  REQUIRE(ks.SaveFile(ours, StoreFormat::kPkcs12, "trustpass").ok());
  std::string out = Keytool({"-list", "-keystore", ours, "-storepass", "trustpass"});
  CHECK(absl::StrContains(out, "trustedCertEntry"));
  CHECK(absl::StrContains(out, "Your keystore contains 1 entry"));
  auto back = Unwrap(KeyStore::LoadFile(ours, "trustpass"));
  REQUIRE(back.TrustedCertificates().size() == 1);
  CHECK(back.TrustedCertificates()[0] == pki.ca_cert);
}

TEST_CASE("PKCS#12 with unencrypted certificate bags is read by keytool and openssl") {
  TempDir dir;
  auto pki = keystore_test::MakePki(dir, "plain", Alg::kEc, "node1");
  KeyStore ks;
  REQUIRE(ks.SetKeyEntry("node1", pki.leaf_key, {pki.leaf_cert, pki.ca_cert}).ok());
  REQUIRE(ks.AddTrustedCert("ca", pki.ca_cert).ok());
  certkit::SaveOptions so;
  so.pkcs12_encrypt_certs = false;
  std::string path = dir.File("plain-certs.p12");
  REQUIRE(ks.SaveFile(path, StoreFormat::kPkcs12, kStorePass, so).ok());
  // openssl sees the certificates outside any encryptedData and the key
  // still shrouded under PBES2.
  auto r = certkit_test::Run({"openssl", "pkcs12", "-info", "-noout", "-in", path, "-passin",
                              std::string("pass:") + kStorePass});
  INFO(r.output());
  CHECK(r.exit_code == 0);
  CHECK_FALSE(absl::StrContains(r.output(), "PKCS7 Encrypted data"));
  CHECK(absl::StrContains(r.output(), "PKCS7 Data"));
  CHECK(absl::StrContains(r.output(), "Shrouded Keybag: PBES2, PBKDF2, AES-256-CBC"));
  // keytool reads the key entry with its chain and the trusted entry.
  std::string out = Keytool({"-list", "-v", "-keystore", path, "-storepass", kStorePass,
                             "-storetype", "PKCS12"});
  INFO(out);
  CHECK(absl::StrContains(out, "Your keystore contains 2 entries"));
  CHECK(absl::StrContains(out, "Entry type: PrivateKeyEntry"));
  CHECK(absl::StrContains(out, "Entry type: trustedCertEntry"));
  CHECK(absl::StrContains(out, "Certificate chain length: 2"));
  CHECK(absl::StrContains(out, "SHA256: " + pki.leaf_cert.Sha256Fingerprint()));
  // keytool can use the key (signs a CSR with it).
  std::string csr = dir.File("node1.csr");
  Keytool({"-certreq", "-alias", "node1", "-file", csr, "-keystore", path, "-storepass", kStorePass,
           "-storetype", "PKCS12"});
  CHECK(CsrPublicKey(csr).Equals(pki.leaf_cert.public_key()));
  // The default still encrypts them, as the JDK does.
  std::string enc = dir.File("default.p12");
  REQUIRE(ks.SaveFile(enc, StoreFormat::kPkcs12, kStorePass).ok());
  r = certkit_test::Run({"openssl", "pkcs12", "-info", "-noout", "-in", enc, "-passin",
                         std::string("pass:") + kStorePass});
  CHECK(absl::StrContains(r.output(), "PKCS7 Encrypted data: PBES2, PBKDF2, AES-256-CBC"));
}
