// KeyStore operations (keytool parity) and the PEM store, checked against
// openssl and keytool.
#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>

#include "absl/strings/match.h"
#include "certkit/ca.h"
#include "certkit/profile.h"
#include "certkit/error.h"
#include "certkit/file.h"
#include "certkit/keystore.h"
#include "certkit/keytool.h"
#include "certkit/objects.h"
#include "fixtures.h"

using certkit::ErrorKind;
using certkit::GetErrorKind;
using certkit::KeyStore;
using certkit::StoreFormat;
using certkit_test::TempDir;
using keystore_test::Alg;
using keystore_test::Keytool;
using keystore_test::Unwrap;

TEST_CASE("import a CA reply completes the chain from trusted entries, and a mismatch leaves the store untouched") {
  TempDir dir;
  auto pki = keystore_test::MakePki(dir, "r", Alg::kEc);
  auto other = keystore_test::MakePki(dir, "x", Alg::kEc);
  // keytool makes the key pair and CSR, the CA signs, certkit imports the reply.
  std::string path = dir.File("node.jks");
  Keytool({"-genkeypair", "-alias", "node1", "-dname", "CN=node1", "-keyalg", "EC", "-keystore", path,
           "-storepass", "storepass1", "-keypass", "storepass1", "-storetype", "JKS"});
  std::string csr = dir.File("node1.csr");
  Keytool({"-certreq", "-alias", "node1", "-file", csr, "-keystore", path, "-storepass", "storepass1"});
  std::string signed_path = keystore_test::SignCsr(dir, pki, csr, "signed.pem");
  auto reply = Unwrap(certkit::Certificate::FromPem(certkit_test::ReadString(signed_path)));
  auto ks = Unwrap(KeyStore::LoadFile(path, "storepass1"));
  auto before = ks.Find("node1")->chain;

  // Without the CA the chain cannot be completed.
  CHECK(GetErrorKind(ks.ImportCaReply("node1", {reply})) == ErrorKind::kUnknownIssuer);
  // A reply for another key is refused.
  CHECK(GetErrorKind(ks.ImportCaReply("node1", {other.leaf_cert})) == ErrorKind::kKeyMismatch);
  CHECK(ks.Find("node1")->chain == before);
  CHECK(GetErrorKind(ks.ImportCaReply("nope", {reply})) == ErrorKind::kNotFound);

  REQUIRE(ks.AddTrustedCert("rootca", pki.ca_cert).ok());
  REQUIRE(ks.ImportCaReply("NODE1", {reply}).ok());
  REQUIRE(ks.Find("node1")->chain.size() == 2);
  CHECK(ks.Find("node1")->chain[1] == pki.ca_cert);
  REQUIRE(ks.SaveFile(path, StoreFormat::kJks, "storepass1").ok());
  std::string out = Keytool({"-list", "-v", "-keystore", path, "-storepass", "storepass1"});
  CHECK(absl::StrContains(out, "Certificate chain length: 2"));
  CHECK(absl::StrContains(out, "SHA256: " + reply.Sha256Fingerprint()));
}

TEST_CASE("export, delete, rename, change passwords, expiring, convert") {
  TempDir dir;
  auto pki = keystore_test::MakePki(dir, "o", Alg::kRsa);
  KeyStore ks;
  REQUIRE(ks.SetKeyEntry("node1", pki.leaf_key, {pki.leaf_cert, pki.ca_cert}).ok());
  REQUIRE(ks.AddTrustedCert("ca", pki.ca_cert).ok());
  CHECK(GetErrorKind(ks.AddTrustedCert("CA", pki.ca_cert)) == ErrorKind::kAlreadyExists);
  CHECK(GetErrorKind(ks.SetKeyEntry("bad", pki.leaf_key, {pki.ca_cert})) == ErrorKind::kKeyMismatch);

  // Export matches keytool -exportcert -rfc.
  std::string path = dir.File("s.p12");
  REQUIRE(ks.SaveFile(path, StoreFormat::kPkcs12, "oldpass1").ok());
  std::string kt = Keytool({"-exportcert", "-rfc", "-alias", "node1", "-keystore", path, "-storepass", "oldpass1"});
  auto exported = Unwrap(ks.ExportCertificate("Node1"));
  CHECK(Unwrap(certkit::Certificate::FromPem(kt)) == exported);

  // Rename and delete.
  CHECK(GetErrorKind(ks.Rename("node1", "ca")) == ErrorKind::kAlreadyExists);
  CHECK(GetErrorKind(ks.Rename("missing", "x")) == ErrorKind::kNotFound);
  REQUIRE(ks.Rename("node1", "Node-One").ok());
  CHECK(ks.Find("node-one") != nullptr);
  REQUIRE(ks.Delete("ca").ok());
  CHECK(GetErrorKind(ks.Delete("ca")) == ErrorKind::kNotFound);

  // Expiring: the certs are valid for 30 days.
  CHECK(ks.ExpiringWithin(absl::Hours(24 * 10)).empty());
  CHECK(ks.ExpiringWithin(absl::Hours(24 * 40)).size() == 1);

  // Change store password + key password (JKS), keytool reads with the new ones.
  std::string jks = dir.File("s.jks");
  auto loaded = Unwrap(KeyStore::LoadFile(path, "oldpass1"));
  certkit::SaveOptions so;
  so.key_passwords["node1"] = "newkeypass";
  REQUIRE(loaded.SaveFile(jks, StoreFormat::kJks, "newstorepass", so).ok());
  Keytool({"-certreq", "-alias", "node1", "-file", dir.File("c.csr"), "-keystore", jks, "-storepass",
           "newstorepass", "-keypass", "newkeypass"});
  CHECK(GetErrorKind(KeyStore::LoadFile(jks, "oldpass1").status()) == ErrorKind::kBadPassword);

  // keytool -importkeystore JKS -> PKCS12 and certkit PKCS12 -> PEM -> PKCS12.
  auto again = Unwrap(KeyStore::LoadFile(jks, "newstorepass"));
  REQUIRE(again.UnlockKey("node1", "newkeypass").ok());
  std::string pem = dir.File("s.pem");
  REQUIRE(again.SaveFile(pem, StoreFormat::kPem, "pempass").ok());
  auto r = certkit_test::Run({"openssl", "pkey", "-in", pem, "-passin", "pass:pempass", "-noout"});
  CHECK(r.exit_code == 0);
  auto from_pem = Unwrap(KeyStore::LoadFile(pem, "pempass"));
  REQUIRE(from_pem.size() == 2);
  CHECK(from_pem.Find("node1")->chain.size() == 2);
  CHECK(from_pem.Find("ca") != nullptr);
}

TEST_CASE("PEM trust store of CA certificates and openssl -nodes output") {
  TempDir dir;
  auto a = keystore_test::MakePki(dir, "pa", Alg::kEc);
  auto b = keystore_test::MakePki(dir, "pb", Alg::kEc);
  std::string bundle = certkit_test::ReadString(a.ca_cert_path) + certkit_test::ReadString(b.ca_cert_path);
  certkit_test::WriteString(dir.File("bundle.pem"), bundle);
  auto ks = Unwrap(KeyStore::LoadFile(dir.File("bundle.pem"), ""));
  CHECK(ks.source_format() == StoreFormat::kPem);
  CHECK(ks.TrustedCertificates().size() == 2);
  CHECK_FALSE(ks.HasPrivateKeys());
  // openssl pkcs12 -nodes prints "friendlyName:" bag attributes that name the alias.
  std::string p12 = dir.File("o.p12");
  REQUIRE(certkit_test::Run({"openssl", "pkcs12", "-export", "-inkey", a.leaf_key_path, "-in", a.leaf_cert_path,
                             "-certfile", a.ca_cert_path, "-name", "Node1", "-passout", "pass:x", "-out", p12})
              .exit_code == 0);
  auto r = certkit_test::Run({"openssl", "pkcs12", "-in", p12, "-passin", "pass:x", "-nodes"});
  REQUIRE(r.exit_code == 0);
  certkit_test::WriteString(dir.File("nodes.pem"), r.out);
  auto nodes = Unwrap(KeyStore::LoadFile(dir.File("nodes.pem"), ""));
  REQUIRE(nodes.Find("node1") != nullptr);
  CHECK(nodes.Find("node1")->chain.size() == 2);
  // A wrong password for an encrypted PEM key.
  KeyStore enc;
  REQUIRE(enc.SetKeyEntry("k", a.leaf_key, {a.leaf_cert}).ok());
  auto bytes = Unwrap(enc.Save(StoreFormat::kPem, "rightpass"));
  CHECK(GetErrorKind(KeyStore::Load(bytes, "wrongpass").status()) == ErrorKind::kBadPassword);
}

TEST_CASE("format detection and names") {
  CHECK(Unwrap(certkit::ParseStoreFormat("P12")) == StoreFormat::kPkcs12);
  CHECK(Unwrap(certkit::ParseStoreFormat("jks")) == StoreFormat::kJks);
  CHECK(GetErrorKind(certkit::ParseStoreFormat("bks").status()) == ErrorKind::kInvalidArgument);
  CHECK(std::string(certkit::StoreFormatName(StoreFormat::kJceks)) == "JCEKS");
}

TEST_CASE("save to a path is atomic and keeps the original on failure") {
  TempDir dir;
  auto pki = keystore_test::MakePki(dir, "f", Alg::kEc);
  KeyStore ks;
  REQUIRE(ks.AddTrustedCert("ca", pki.ca_cert).ok());
  std::string path = dir.File("t.jks");
  REQUIRE(ks.SaveFile(path, StoreFormat::kJks, "pass123").ok());
  std::string original = certkit_test::ReadString(path);
  CHECK(GetErrorKind(ks.SaveFile(path, StoreFormat::kJceks, "pass123")) == ErrorKind::kUnsupported);
  CHECK(certkit_test::ReadString(path) == original);
  CHECK(certkit_test::FileMode(path) == 0644);
}

TEST_CASE("key entries whose chains share certificates survive PEM and PKCS#12 round trips") {
  // A node key under an intermediate plus the intermediate's own key: the
  // intermediate and root certificates appear in both chains.
  certkit::CaOptions root_opts;
  root_opts.subject = Unwrap(certkit::DistinguishedName::Parse("CN=shared root"));
  auto root = Unwrap(certkit::CertificateAuthority::CreateRoot(root_opts));
  certkit::CaOptions inter_opts;
  inter_opts.subject = Unwrap(certkit::DistinguishedName::Parse("CN=shared intermediate"));
  auto inter = Unwrap(certkit::CertificateAuthority::CreateIntermediate(root, inter_opts));
  auto node_key = Unwrap(certkit::PrivateKey::Generate(certkit::KeySpec{}));
  certkit::IssueOptions issue;
  issue.subject = Unwrap(certkit::DistinguishedName::Parse("CN=node"));
  issue.sans.push_back(Unwrap(certkit::SubjectAltName::Host("10.1.2.3")));
  auto node = Unwrap(inter.SignPublicKey(node_key.public_key(), certkit::Profile::Node(), issue));

  KeyStore ks;
  REQUIRE(ks.SetKeyEntry("node", node_key, {node, inter.certificate(), root.certificate()}).ok());
  REQUIRE(ks.SetKeyEntry("inter", inter.key(), inter.ChainWithSelf()).ok());
  REQUIRE(ks.AddTrustedCert("root", root.certificate()).ok());

  TempDir dir;
  for (StoreFormat format : {StoreFormat::kPem, StoreFormat::kPkcs12, StoreFormat::kJks}) {
    INFO(certkit::StoreFormatName(format));
    auto bytes = Unwrap(ks.Save(format, "changeit"));
    auto back = Unwrap(KeyStore::Load(bytes, "changeit"));
    REQUIRE(back.size() == 3);
    REQUIRE(back.Find("node") != nullptr);
    REQUIRE(back.Find("inter") != nullptr);
    REQUIRE(back.Find("root") != nullptr);
    CHECK(back.Find("node")->chain.size() == 3);
    CHECK(back.Find("inter")->chain.size() == 2);
    CHECK(back.Find("node")->key->MatchesPublicKey(node_key.public_key()));
    CHECK_FALSE(back.Find("root")->is_key());
    if (format != StoreFormat::kPem) {
      // The JDK sees the same three entries.
      std::string path = dir.File(std::string("shared.") + certkit::StoreFormatName(format));
      REQUIRE(ks.SaveFile(path, format, "changeit").ok());
      std::string listing = Keytool({"-list", "-keystore", path, "-storepass", "changeit"});
      CHECK(absl::StrContains(listing, "node, "));
      CHECK(absl::StrContains(listing, "inter, "));
      CHECK(absl::StrContains(listing, "Your keystore contains 3 entries"));
    }
  }
}

TEST_CASE("SaveFile without overwrite never replaces a file, even one keytool wrote") {
  TempDir dir;
  auto pki = keystore_test::MakePki(dir, "n", Alg::kEc);
  std::string path = dir.File("ks.jks");
  Keytool({"-genkeypair", "-alias", "other", "-dname", "CN=other", "-keyalg", "EC", "-keystore", path,
           "-storepass", "storepass1", "-keypass", "storepass1", "-storetype", "JKS"});
  const std::string original = certkit_test::ReadString(path);
  KeyStore ks;
  REQUIRE(ks.SetKeyEntry("node1", pki.leaf_key, {pki.leaf_cert, pki.ca_cert}).ok());
  certkit::SaveOptions no_clobber;
  no_clobber.overwrite = false;
  absl::Status s = ks.SaveFile(path, StoreFormat::kJks, "storepass1", no_clobber);
  CHECK(GetErrorKind(s) == ErrorKind::kAlreadyExists);
  CHECK(absl::StrContains(s.message(), path));
  CHECK(certkit_test::ReadString(path) == original);
  // A new path is created (0600: it holds a key) and keytool reads it.
  const std::string fresh = dir.File("fresh.jks");
  REQUIRE(ks.SaveFile(fresh, StoreFormat::kJks, "storepass1", no_clobber).ok());
  CHECK(certkit_test::FileMode(fresh) == 0600);
  CHECK(absl::StrContains(Keytool({"-list", "-keystore", fresh, "-storepass", "storepass1"}),
                          "node1, "));
  // The refused save left no temporary file behind.
  for (const auto& entry : std::filesystem::directory_iterator(dir.path())) {
    CHECK_FALSE(absl::StartsWith(entry.path().filename().string(), ".ks.jks.tmp"));
  }
}

TEST_CASE("key entry selection, Java trust anchors and a CA from a keytool store") {
  TempDir dir;
  std::string path = dir.File("ca.p12");
  // keytool makes a CA key pair (basicConstraints CA) and imports a trusted root.
  Keytool({"-genkeypair", "-alias", "myca", "-dname", "CN=keytool CA", "-keyalg", "EC",
           "-validity", "3650", "-ext",
           "bc:c", "-ext", "ku:c=keyCertSign,cRLSign", "-keystore", path, "-storepass", "capass12",
           "-storetype", "PKCS12"});
  auto other = keystore_test::MakePki(dir, "t", Alg::kEc);
  Keytool({"-importcert", "-noprompt", "-alias", "otherroot", "-file", other.ca_cert_path,
           "-keystore", path, "-storepass", "capass12", "-storetype", "PKCS12"});
  auto ks = Unwrap(KeyStore::LoadFile(path, "capass12"));

  // Java's trust managers trust the trusted entry and the key entry's leaf.
  auto anchors = Unwrap(ks.TrustAnchors());
  REQUIRE(anchors.size() == 2);
  CHECK(std::count(anchors.begin(), anchors.end(), other.ca_cert) == 1);
  CHECK(std::count(anchors.begin(), anchors.end(), ks.Find("myca")->certificate()) == 1);
  CHECK(GetErrorKind(KeyStore().TrustAnchors().status()) == ErrorKind::kNotFound);

  const certkit::KeyStoreEntry* sole = Unwrap(ks.SoleKeyEntry());
  CHECK(sole->alias == "myca");
  CHECK(Unwrap(ks.SelectKeyEntry(std::nullopt)) == sole);
  CHECK(Unwrap(ks.SelectKeyEntry("MYCA")) == sole);
  CHECK(GetErrorKind(ks.KeyEntry("otherroot").status()) == ErrorKind::kInvalidArgument);
  CHECK(GetErrorKind(ks.KeyEntry("missing").status()) == ErrorKind::kNotFound);
  CHECK(GetErrorKind(ks.Find("otherroot")->UnlockedKey().status()) == ErrorKind::kInvalidArgument);

  // The keytool CA signs; openssl verifies the leaf against keytool's certificate.
  auto ca = Unwrap(ks.LoadCa(std::nullopt));
  auto key = Unwrap(certkit::PrivateKey::Generate(Unwrap(certkit::KeySpec::Parse("ec:p256"))));
  certkit::IssueOptions opts;
  opts.subject = certkit::DistinguishedName(std::vector<certkit::NameAttribute>{{"CN", "db1"}});
  opts.sans = {Unwrap(certkit::SubjectAltName::Host("db1.example.com"))};
  auto leaf = Unwrap(ca.SignPublicKey(key.public_key(), certkit::Profile::Server(), opts));
  certkit_test::WriteString(dir.File("ca.pem"), ca.certificate().ToPem());
  certkit_test::WriteString(dir.File("leaf.pem"), leaf.ToPem());
  auto verify = keystore_test::Tool({"openssl", "verify", "-CAfile", dir.File("ca.pem"),
                                     dir.File("leaf.pem")});
  INFO(verify.output());
  CHECK(verify.exit_code == 0);

  // Two key entries: the sole one is ambiguous, and the error names both.
  REQUIRE(ks.SetKeyEntry("second", other.leaf_key, {other.leaf_cert, other.ca_cert}).ok());
  absl::Status several = ks.SoleKeyEntry().status();
  CHECK(GetErrorKind(several) == ErrorKind::kInvalidArgument);
  CHECK(absl::StrContains(several.message(), "'myca'"));
  CHECK(absl::StrContains(several.message(), "'second'"));
  CHECK(GetErrorKind(ks.LoadCa(std::nullopt).status()) == ErrorKind::kInvalidArgument);
  CHECK(Unwrap(ks.LoadCa("myca")).certificate() == ca.certificate());
}

TEST_CASE("ParseObjects classifies what openssl and keytool write, PEM and DER") {
  TempDir dir;
  auto pki = keystore_test::MakePki(dir, "p", Alg::kRsa);
  // openssl: an encrypted PKCS#8 key, a CSR and a CRL in one PEM file.
  const std::string key = dir.File("k.pem"), csr = dir.File("r.csr");
  REQUIRE(keystore_test::Tool({"openssl", "genpkey", "-algorithm", "EC", "-pkeyopt",
                               "ec_paramgen_curve:P-256", "-aes-256-cbc", "-pass", "pass:kpw12345",
                               "-out", key}).exit_code == 0);
  REQUIRE(keystore_test::Tool({"openssl", "req", "-new", "-key", key, "-passin", "pass:kpw12345",
                               "-subj", "/CN=svc", "-out", csr}).exit_code == 0);
  const std::string pem = certkit_test::ReadString(pki.leaf_cert_path) +
                          certkit_test::ReadString(key) + certkit_test::ReadString(csr) +
                          "-----BEGIN X509 CRL-----\nMAA=\n-----END X509 CRL-----\n";
  auto objects = Unwrap(certkit::ParseObjects(
      absl::MakeConstSpan(reinterpret_cast<const uint8_t*>(pem.data()), pem.size())));
  using Kind = certkit::InputObject::Kind;
  REQUIRE(objects.size() == 4);
  CHECK(objects[0].kind == Kind::kCertificate);
  CHECK(*objects[0].certificate == pki.leaf_cert);
  CHECK(objects[1].kind == Kind::kPrivateKey);
  CHECK(objects[1].encrypted);
  CHECK(GetErrorKind(objects[1].OpenPrivateKey("wrong").status()) == ErrorKind::kBadPassword);
  CHECK(Unwrap(objects[1].OpenPrivateKey("kpw12345")).public_key().ToSpkiDer() ==
        objects[2].request->public_key().ToSpkiDer());
  CHECK(objects[2].kind == Kind::kCertificateRequest);
  CHECK(objects[3].kind == Kind::kCrl);
  CHECK(objects[3].pem_label == "X509 CRL");

  // DER: keytool's PKCS#12 store and openssl's DER certificate.
  const std::string p12 = dir.File("s.p12");
  Keytool({"-importcert", "-noprompt", "-alias", "ca", "-file", pki.ca_cert_path, "-keystore", p12,
           "-storepass", "storepw1", "-storetype", "PKCS12"});
  auto store_objects = Unwrap(certkit::ParseObjects(Unwrap(certkit::ReadFile(p12))));
  REQUIRE(store_objects.size() == 1);
  CHECK(store_objects[0].kind == Kind::kKeyStore);
  CHECK(Unwrap(store_objects[0].OpenKeyStore("storepw1")).TrustedCertificates() ==
        std::vector<certkit::Certificate>{pki.ca_cert});
  const certkit::Bytes der = pki.ca_cert.ToDer();
  auto der_objects = Unwrap(certkit::ParseObjects(der));
  REQUIRE(der_objects.size() == 1);
  CHECK(der_objects[0].kind == Kind::kCertificate);
  // Anything else is one unknown object, not an error.
  const std::string json = "{\"format\": \"certkit-cluster-manifest\"}";
  auto unknown = Unwrap(certkit::ParseObjects(
      absl::MakeConstSpan(reinterpret_cast<const uint8_t*>(json.data()), json.size())));
  REQUIRE(unknown.size() == 1);
  CHECK(unknown[0].kind == Kind::kUnknown);
  CHECK(unknown[0].pem_label.empty());
}

TEST_CASE("an alias that is not in the store: the error lists the aliases that are") {
  KeyStore ks;
  auto missing = [&](const absl::Status& s) {
    INFO(s.ToString());
    CHECK(GetErrorKind(s) == ErrorKind::kNotFound);
    return std::string(s.message());
  };
  CHECK(missing(ks.Delete("Nope")) == "alias 'nope' not found; the store is empty");
  certkit::GenKeyPairOptions opts;
  opts.subject = Unwrap(certkit::DistinguishedName::Parse("CN=n"));
  opts.key_spec = Unwrap(certkit::KeySpec::Parse("ec:p256"));
  for (const char* alias : {"node1", "node2"}) {
    opts.alias = alias;
    REQUIRE(certkit::GenerateKeyPairEntry(ks, opts).ok());
  }
  const std::string want = "alias 'nope' not found; the store holds 'node1', 'node2'";
  CHECK(missing(ks.Delete("nope")) == want);
  CHECK(missing(ks.Rename("nope", "x")) == want);
  CHECK(missing(ks.ExportCertificate("NOPE").status()) == want);
  CHECK(missing(ks.Entry("nope").status()) == want);
  CHECK(missing(ks.KeyEntry("nope").status()) == want);
  CHECK(missing(ks.ImportCaReply("nope", {ks.Find("node1")->certificate()})) == want);
  CHECK(missing(certkit::EntryPrivateKey(ks, "nope").status()) == want);
  CHECK(missing(certkit::SelectEntries(ks, {"node1", "nope"}).status()) == want);
  // Many entries: the first 10, then how many more.
  for (int i = 3; i <= 14; ++i) {
    opts.alias = "node" + std::to_string(i);
    REQUIRE(certkit::GenerateKeyPairEntry(ks, opts).ok());
  }
  const std::string many = missing(ks.Delete("nope"));
  CHECK(absl::EndsWith(many, "'node10' and 4 more"));
}
