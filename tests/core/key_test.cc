// Tests for certkit::PrivateKey / PublicKey, checked against openssl.
#include "certkit/key.h"

#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "certkit/error.h"
#include "openssl/bytestring.h"
#include "openssl/digest.h"
#include "openssl/evp.h"
#include "support/oracle.h"

using certkit::ErrorKind;
using certkit::GetErrorKind;
using certkit::KeyFormat;
using certkit::KeySpec;
using certkit::KeyType;
using certkit::PrivateKey;
using certkit::PublicKey;
using certkit_test::Run;
using certkit_test::TempDir;

namespace {


// OpensslPubout returns openssl's SPKI PEM for the private key file |path|.
std::string OpensslPubout(const std::string& path, const std::string& pass = "") {
  std::vector<std::string> argv = {"openssl", "pkey", "-in", path, "-pubout"};
  if (!pass.empty()) {
    argv.push_back("-passin");
    argv.push_back("pass:" + pass);
  }
  auto r = Run(argv);
  INFO(r.output());
  REQUIRE(r.exit_code == 0);
  return r.out;
}

}  // namespace

TEST_CASE("KeySpec parses and prints the CLI forms") {
  struct Case {
    const char* text;
    KeyType type;
    int bits;
    const char* canonical;
  } cases[] = {
      {"rsa", KeyType::kRsa, 2048, "rsa:2048"},       {"RSA:3072", KeyType::kRsa, 3072, "rsa:3072"},
      {"rsa:4096", KeyType::kRsa, 4096, "rsa:4096"},  {"ec:p256", KeyType::kEcP256, 0, "ec:p256"},
      {"prime256v1", KeyType::kEcP256, 0, "ec:p256"}, {"p256", KeyType::kEcP256, 0, "ec:p256"},
      {"ec:P384", KeyType::kEcP384, 0, "ec:p384"},    {"secp384r1", KeyType::kEcP384, 0, "ec:p384"},
      {"Ed25519", KeyType::kEd25519, 0, "ed25519"},   {"ec:p521", KeyType::kEcP521, 0, "ec:p521"},
  };
  for (const Case& c : cases) {
    INFO(c.text);
    auto spec = KeySpec::Parse(c.text);
    REQUIRE(spec.ok());
    CHECK(spec->type == c.type);
    if (c.type == KeyType::kRsa) CHECK(spec->rsa_bits == c.bits);
    CHECK(spec->ToString() == c.canonical);
  }
  CHECK(GetErrorKind(KeySpec::Parse("rsa:1024").status()) == ErrorKind::kWeakParameter);
  CHECK(GetErrorKind(KeySpec::Parse("rsa:2049").status()) == ErrorKind::kInvalidArgument);
  CHECK(GetErrorKind(KeySpec::Parse("rsa:abc").status()) == ErrorKind::kInvalidArgument);
  CHECK(GetErrorKind(KeySpec::Parse("dsa").status()) == ErrorKind::kInvalidArgument);
  CHECK(GetErrorKind(KeySpec::Parse("ec:p224").status()) == ErrorKind::kInvalidArgument);
}

TEST_CASE("Generate refuses bad RSA sizes") {
  KeySpec spec;
  spec.type = KeyType::kRsa;
  spec.rsa_bits = 1024;
  auto weak = PrivateKey::Generate(spec);
  CHECK(GetErrorKind(weak.status()) == ErrorKind::kWeakParameter);
  CHECK(std::string(weak.status().message()).find("1024") != std::string::npos);
  spec.rsa_bits = 2500;
  CHECK(GetErrorKind(PrivateKey::Generate(spec).status()) == ErrorKind::kInvalidArgument);
}

TEST_CASE("Generated keys round-trip through openssl in every format") {
  TempDir dir;
  for (const char* text : {"rsa:2048", "ec:p256", "ec:p384", "ed25519"}) {
    INFO(text);
    auto spec = KeySpec::Parse(text);
    REQUIRE(spec.ok());
    auto key = PrivateKey::Generate(*spec);
    REQUIRE(key.ok());
    CHECK(key->type() == spec->type);
    PublicKey pub = key->public_key();
    CHECK(pub.type() == spec->type);
    CHECK(key->MatchesPublicKey(pub));
    CHECK(pub.Equals(key->public_key()));
    if (spec->type == KeyType::kRsa) CHECK(key->bits() == 2048);
    if (spec->type == KeyType::kEcP256) CHECK(key->Describe() == "EC P-256");
    if (spec->type == KeyType::kEcP384) CHECK(key->bits() == 384);
    if (spec->type == KeyType::kEd25519) CHECK(key->Describe() == "Ed25519");

    for (KeyFormat format : {KeyFormat::kPkcs8, KeyFormat::kTraditional}) {
      const std::string pem = key->ToPem(format);
      const std::string file = dir.File("key.pem");
      certkit_test::WriteString(file, pem);
      // openssl accepts what we wrote and derives the same public key.
      CHECK(OpensslPubout(file) == pub.ToPem());
      // We read it back.
      auto back = PrivateKey::FromPem(pem);
      REQUIRE(back.ok());
      CHECK(back->MatchesPublicKey(pub));
      auto back_der = PrivateKey::FromDer(key->ToDer(format));
      REQUIRE(back_der.ok());
      CHECK(back_der->MatchesPublicKey(pub));
    }
    if (spec->type == KeyType::kRsa) {
      CHECK(key->ToPem(KeyFormat::kTraditional).find("BEGIN RSA PRIVATE KEY") != std::string::npos);
    }
    if (spec->type == KeyType::kEcP256) {
      CHECK(key->ToPem(KeyFormat::kTraditional).find("BEGIN EC PRIVATE KEY") != std::string::npos);
    }

    // SPKI round trip.
    auto spki = PublicKey::FromSpkiDer(pub.ToSpkiDer());
    REQUIRE(spki.ok());
    CHECK(spki->Equals(pub));
    auto spki_pem = PublicKey::FromPem(pub.ToPem());
    REQUIRE(spki_pem.ok());
    CHECK(spki_pem->Equals(pub));

    // A different key does not match.
    auto other = PrivateKey::Generate(*spec);
    REQUIRE(other.ok());
    CHECK_FALSE(other->MatchesPublicKey(pub));
    CHECK_FALSE(other->public_key().Equals(pub));
  }
}

TEST_CASE("Signatures verify with openssl") {
  TempDir dir;
  const std::string data = "certkit signing test data";
  certkit_test::WriteString(dir.File("data"), data);
  for (const char* text : {"rsa:2048", "ec:p256", "ec:p384", "ed25519"}) {
    INFO(text);
    auto key = PrivateKey::Generate(*KeySpec::Parse(text));
    REQUIRE(key.ok());
    auto sig = key->Sign(absl::Span<const uint8_t>(
        reinterpret_cast<const uint8_t*>(data.data()), data.size()));
    REQUIRE(sig.ok());
    certkit_test::WriteBytes(dir.File("sig"), *sig);
    certkit_test::WriteString(dir.File("pub.pem"), key->public_key().ToPem());
    std::vector<std::string> argv = {"openssl", "pkeyutl", "-verify", "-pubin", "-inkey",
                                     dir.File("pub.pem"), "-sigfile", dir.File("sig")};
    if (key->type() == KeyType::kEd25519) {
      argv.insert(argv.end(), {"-rawin", "-in", dir.File("data")});
    } else {
      // openssl dgst does the hashing with the digest we claim to use.
      argv = {"openssl", "dgst", key->type() == KeyType::kEcP384 ? "-sha384" : "-sha256",
              "-verify", dir.File("pub.pem"), "-signature", dir.File("sig"), dir.File("data")};
    }
    auto r = Run(argv);
    INFO(r.output());
    CHECK(r.exit_code == 0);
    // A flipped byte in the data fails verification.
    certkit_test::WriteString(dir.File("data"), data + "x");
    CHECK(Run(argv).exit_code != 0);
    certkit_test::WriteString(dir.File("data"), data);
  }
}

TEST_CASE("Unencrypted keys written by openssl load") {
  TempDir dir;
  struct Case {
    std::vector<std::string> argv;
    KeyType type;
  } cases[] = {
      {{"openssl", "genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048"},
       KeyType::kRsa},
      {{"openssl", "genrsa", "-traditional", "2048"}, KeyType::kRsa},
      {{"openssl", "ecparam", "-genkey", "-name", "prime256v1"}, KeyType::kEcP256},
      {{"openssl", "ecparam", "-genkey", "-name", "secp384r1", "-noout"}, KeyType::kEcP384},
      {{"openssl", "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256"},
       KeyType::kEcP256},
      {{"openssl", "genpkey", "-algorithm", "ED25519"}, KeyType::kEd25519},
  };
  for (const Case& c : cases) {
    INFO(c.argv[1] + " " + c.argv[2]);
    auto gen = Run(c.argv);
    REQUIRE(gen.exit_code == 0);
    const std::string file = dir.File("k.pem");
    certkit_test::WriteString(file, gen.out);
    auto key = PrivateKey::FromPem(gen.out);
    INFO(key.status().ToString());
    REQUIRE(key.ok());
    CHECK(key->type() == c.type);
    CHECK(key->public_key().ToPem() == OpensslPubout(file));
    // DER form from openssl too.
    auto der = Run({"openssl", "pkey", "-in", file, "-outform", "DER"});
    REQUIRE(der.exit_code == 0);
    auto from_der = PrivateKey::FromDer(certkit::Bytes(der.out.begin(), der.out.end()));
    REQUIRE(from_der.ok());
    CHECK(from_der->MatchesPublicKey(key->public_key()));
  }
}

TEST_CASE("Weak keys are refused unless allowed") {
  auto gen = Run({"openssl", "genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:1024"});
  REQUIRE(gen.exit_code == 0);
  auto refused = PrivateKey::FromPem(gen.out);
  CHECK(GetErrorKind(refused.status()) == ErrorKind::kWeakParameter);
  CHECK(std::string(refused.status().message()).find("1024") != std::string::npos);
  certkit::KeyPolicy allow;
  allow.allow_weak_keys = true;
  auto allowed = PrivateKey::FromPem(gen.out, "", allow);
  REQUIRE(allowed.ok());
  CHECK(allowed->bits() == 1024);
  // Its public key likewise.
  CHECK(GetErrorKind(PublicKey::FromSpkiDer(allowed->public_key().ToSpkiDer()).status()) ==
        ErrorKind::kWeakParameter);

  auto p224 = Run({"openssl", "ecparam", "-genkey", "-name", "secp224r1", "-noout"});
  REQUIRE(p224.exit_code == 0);
  CHECK(GetErrorKind(PrivateKey::FromPem(p224.out).status()) == ErrorKind::kWeakParameter);
}

TEST_CASE("Garbage and truncated keys fail cleanly") {
  CHECK(GetErrorKind(PrivateKey::FromPem("hello").status()) == ErrorKind::kMalformed);
  CHECK(GetErrorKind(PrivateKey::FromDer({}).status()) == ErrorKind::kMalformed);
  auto key = PrivateKey::Generate(*KeySpec::Parse("ec:p256"));
  REQUIRE(key.ok());
  for (KeyFormat format : {KeyFormat::kPkcs8, KeyFormat::kTraditional}) {
    const certkit::Bytes der = key->ToDer(format);
    for (size_t len = 0; len < der.size(); ++len) {
      auto r = PrivateKey::FromDer(absl::MakeConstSpan(der.data(), len));
      INFO(len);
      CHECK(GetErrorKind(r.status()) == ErrorKind::kMalformed);
    }
  }
  const certkit::Bytes spki = key->public_key().ToSpkiDer();
  for (size_t len = 0; len < spki.size(); ++len) {
    CHECK(GetErrorKind(PublicKey::FromSpkiDer(absl::MakeConstSpan(spki.data(), len)).status()) ==
          ErrorKind::kMalformed);
  }
}

namespace {

const std::vector<std::string> kLegacyProviders = {"-provider", "legacy", "-provider",
                                                   "default"};

// GenerateOpensslKey writes a fresh key with openssl and returns its path.
std::string GenerateOpensslKey(const TempDir& dir, const std::string& name,
                               const std::vector<std::string>& argv) {
  const std::string file = dir.File(name);
  std::vector<std::string> full = argv;
  full.insert(full.begin() + 2, {"-out", file});  // genrsa wants numbits last
  auto r = Run(full);
  INFO(r.output());
  REQUIRE(r.exit_code == 0);
  return file;
}

void CheckPasswordErrors(const std::string& pem, const std::string& password) {
  auto wrong = PrivateKey::FromPem(pem, "not the password");
  CHECK(GetErrorKind(wrong.status()) == ErrorKind::kBadPassword);
  CHECK(std::string(wrong.status().message()).find("not the password") == std::string::npos);
  auto missing = PrivateKey::FromPem(pem);
  CHECK(GetErrorKind(missing.status()) == ErrorKind::kBadPassword);
  // A prefix of the right password is still wrong (length is honoured).
  auto prefix = PrivateKey::FromPem(pem, password.substr(0, password.size() - 1));
  CHECK(GetErrorKind(prefix.status()) == ErrorKind::kBadPassword);
}

}  // namespace

TEST_CASE("Encrypted PKCS#8 keys written by openssl load with every scheme") {
  TempDir dir;
  const std::string rsa = GenerateOpensslKey(
      dir, "rsa.pem", {"openssl", "genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048"});
  const std::string ec = GenerateOpensslKey(
      dir, "ec.pem", {"openssl", "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-384"});
  const std::string ed = GenerateOpensslKey(dir, "ed.pem", {"openssl", "genpkey", "-algorithm", "ED25519"});
  const std::string password = "correct horse battery staple";
  const std::vector<std::vector<std::string>> schemes = {
      {"-v2", "aes-256-cbc", "-v2prf", "hmacWithSHA256"},
      {"-v2", "aes-128-cbc", "-v2prf", "hmacWithSHA1"},
      {"-v2", "aes-192-cbc", "-v2prf", "hmacWithSHA512"},
      {"-v2", "des3"},
      {"-v1", "PBE-MD5-DES"},
      {"-v1", "PBE-SHA1-DES"},
      {"-v1", "PBE-SHA1-3DES"},
      {"-v1", "PBE-SHA1-RC2-40"},
  };
  for (const std::string& plain : {rsa, ec, ed}) {
    const std::string expected_pub = OpensslPubout(plain);
    for (const auto& scheme : schemes) {
      INFO(plain << " " << scheme[0] << " " << scheme[1]);
      std::vector<std::string> argv = {"openssl", "pkcs8", "-topk8", "-in", plain,
                                       "-passout", "pass:" + password};
      argv.insert(argv.end(), scheme.begin(), scheme.end());
      argv.insert(argv.end(), kLegacyProviders.begin(), kLegacyProviders.end());
      auto enc = Run(argv);
      INFO(enc.output());
      REQUIRE(enc.exit_code == 0);
      REQUIRE(enc.out.find("BEGIN ENCRYPTED PRIVATE KEY") != std::string::npos);
      auto key = PrivateKey::FromPem(enc.out, password);
      INFO(key.status().ToString());
      REQUIRE(key.ok());
      CHECK(key->public_key().ToPem() == expected_pub);
      CheckPasswordErrors(enc.out, password);

      argv.insert(argv.end(), {"-outform", "DER"});
      auto der = Run(argv);
      REQUIRE(der.exit_code == 0);
      const certkit::Bytes der_bytes(der.out.begin(), der.out.end());
      auto from_der = PrivateKey::FromDer(der_bytes, password);
      REQUIRE(from_der.ok());
      CHECK(from_der->public_key().ToPem() == expected_pub);
      CHECK(GetErrorKind(PrivateKey::FromDer(der_bytes, "wrong").status()) ==
            ErrorKind::kBadPassword);
    }
  }
}

TEST_CASE("Traditional encrypted PEM keys written by openssl load") {
  TempDir dir;
  const std::string rsa = GenerateOpensslKey(dir, "rsa.pem", {"openssl", "genrsa", "-traditional", "2048"});
  const std::string ec = GenerateOpensslKey(
      dir, "ec.pem", {"openssl", "ecparam", "-genkey", "-name", "prime256v1", "-noout"});
  const std::string password = "tr4d1t10nal!";
  for (const char* cipher : {"-aes256", "-aes128", "-aes192", "-des3", "-des"}) {
    for (const auto& kv : {std::make_pair(std::string("rsa"), rsa), std::make_pair(std::string("ec"), ec)}) {
      INFO(kv.first << " " << cipher);
      std::vector<std::string> argv = {"openssl", kv.first, "-in", kv.second, cipher,
                                       "-passout", "pass:" + password};
      if (kv.first == "rsa") argv.push_back("-traditional");
      argv.insert(argv.end(), kLegacyProviders.begin(), kLegacyProviders.end());
      auto enc = Run(argv);
      INFO(enc.output());
      REQUIRE(enc.exit_code == 0);
      REQUIRE(enc.out.find("Proc-Type: 4,ENCRYPTED") != std::string::npos);
      auto key = PrivateKey::FromPem(enc.out, password);
      INFO(key.status().ToString());
      REQUIRE(key.ok());
      CHECK(key->public_key().ToPem() == OpensslPubout(kv.second));
      CheckPasswordErrors(enc.out, password);
    }
  }
  // An unknown DEK-Info cipher is named.
  auto enc = Run({"openssl", "rsa", "-in", rsa, "-traditional", "-aes256", "-passout", "pass:x"});
  REQUIRE(enc.exit_code == 0);
  std::string pem = enc.out;
  const size_t at = pem.find("AES-256-CBC");
  REQUIRE(at != std::string::npos);
  pem.replace(at, 11, "CAMELLIA-256-CBC");
  auto unsupported = PrivateKey::FromPem(pem, "x");
  CHECK(GetErrorKind(unsupported.status()) == ErrorKind::kUnsupported);
  CHECK(std::string(unsupported.status().message()).find("CAMELLIA-256-CBC") != std::string::npos);
}

TEST_CASE("Keys we encrypt load in openssl") {
  TempDir dir;
  const std::string password = "our pässword";
  for (const char* text : {"rsa:2048", "ec:p256", "ec:p384", "ed25519"}) {
    INFO(text);
    auto key = PrivateKey::Generate(*KeySpec::Parse(text));
    REQUIRE(key.ok());
    certkit::KeyEncryption enc;
    enc.iterations = 4096;
    auto pem = key->ToEncryptedPkcs8Pem(password, enc);
    REQUIRE(pem.ok());
    const std::string file = dir.File("enc.pem");
    certkit_test::WriteString(file, *pem);
    auto ok = Run({"openssl", "pkey", "-in", file, "-passin", "pass:" + password, "-noout"});
    INFO(ok.output());
    CHECK(ok.exit_code == 0);
    CHECK(OpensslPubout(file, password) == key->public_key().ToPem());
    CHECK(Run({"openssl", "pkey", "-in", file, "-passin", "pass:wrong", "-noout"}).exit_code != 0);
    // openssl reports the scheme we promise: PBES2, PBKDF2 HMAC-SHA256, AES-256-CBC.
    auto info = Run({"openssl", "asn1parse", "-in", file});
    REQUIRE(info.exit_code == 0);
    CHECK(info.out.find("PBES2") != std::string::npos);
    CHECK(info.out.find("hmacWithSHA256") != std::string::npos);
    CHECK(info.out.find("aes-256-cbc") != std::string::npos);
    CHECK(info.out.find(":1000") != std::string::npos);  // 4096 = 0x1000
    // We read it back; wrong and missing passwords fail.
    auto back = PrivateKey::FromPem(*pem, password);
    REQUIRE(back.ok());
    CHECK(back->MatchesPublicKey(key->public_key()));
    CheckPasswordErrors(*pem, password);
    auto der = key->ToEncryptedPkcs8Der(password);
    REQUIRE(der.ok());
    auto back_der = PrivateKey::FromDer(*der, password);
    REQUIRE(back_der.ok());
    CHECK(back_der->MatchesPublicKey(key->public_key()));
  }
  auto key = PrivateKey::Generate(KeySpec{});
  REQUIRE(key.ok());
  CHECK(GetErrorKind(key->ToEncryptedPkcs8Pem("").status()) == ErrorKind::kInvalidArgument);
  certkit::KeyEncryption zero;
  zero.iterations = 0;
  CHECK(GetErrorKind(key->ToEncryptedPkcs8Der("pw", zero).status()) ==
        ErrorKind::kInvalidArgument);
}

TEST_CASE("Truncated and damaged encrypted keys fail cleanly") {
  auto key = PrivateKey::Generate(*KeySpec::Parse("ec:p256"));
  REQUIRE(key.ok());
  certkit::KeyEncryption enc;
  enc.iterations = 1;
  auto der = key->ToEncryptedPkcs8Der("pw", enc);
  REQUIRE(der.ok());
  for (size_t len = 0; len < der->size(); ++len) {
    INFO(len);
    auto r = PrivateKey::FromDer(absl::MakeConstSpan(der->data(), len), "pw");
    CHECK(GetErrorKind(r.status()) == ErrorKind::kMalformed);
  }
  // A flipped ciphertext byte in the last block breaks the padding or the
  // structure: either way a bad-password report, not a crash.
  certkit::Bytes damaged = *der;
  damaged[damaged.size() - 20] ^= 0x55;
  auto r = PrivateKey::FromDer(damaged, "pw");
  CHECK(GetErrorKind(r.status()) == ErrorKind::kBadPassword);

  // Truncated PEM.
  auto pem = key->ToEncryptedPkcs8Pem("pw", enc);
  REQUIRE(pem.ok());
  for (size_t len : {size_t{10}, pem->size() / 2, pem->size() - 10}) {
    CHECK(GetErrorKind(PrivateKey::FromPem(pem->substr(0, len), "pw").status()) ==
          ErrorKind::kMalformed);
  }
  // Encrypted traditional block without DEK-Info.
  const std::string no_dek =
      "-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\n\nAAAA\n-----END RSA PRIVATE "
      "KEY-----\n";
  CHECK(GetErrorKind(PrivateKey::FromPem(no_dek, "pw").status()) == ErrorKind::kMalformed);
  const std::string bad_iv =
      "-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,XYZ\n\n"
      "AAAAAAAAAAAAAAAAAAAAAA==\n-----END RSA PRIVATE KEY-----\n";
  CHECK(GetErrorKind(PrivateKey::FromPem(bad_iv, "pw").status()) == ErrorKind::kMalformed);
}

TEST_CASE("Keys extracted by openssl pkcs12 with bag attributes load") {
  TempDir dir;
  const std::string key = dir.File("k.pem"), cert = dir.File("c.pem"), p12 = dir.File("s.p12");
  REQUIRE(Run({"openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out",
               cert, "-subj", "/CN=node1", "-days", "1"})
              .exit_code == 0);
  REQUIRE(Run({"openssl", "pkcs12", "-export", "-in", cert, "-inkey", key, "-out", p12,
               "-passout", "pass:storepw", "-name", "node1"})
              .exit_code == 0);
  auto extracted = Run({"openssl", "pkcs12", "-nocerts", "-in", p12, "-password", "pass:storepw",
                        "-passout", "pass:keypw"});
  INFO(extracted.output());
  REQUIRE(extracted.exit_code == 0);
  REQUIRE(extracted.out.find("Bag Attributes") != std::string::npos);
  auto loaded = PrivateKey::FromPem(extracted.out, "keypw");
  INFO(loaded.status().ToString());
  REQUIRE(loaded.ok());
  CHECK(loaded->public_key().ToPem() == OpensslPubout(key));
  CHECK(GetErrorKind(PrivateKey::FromPem(extracted.out, "storepw").status()) ==
        ErrorKind::kBadPassword);
}

TEST_CASE("P-521 keys round-trip through openssl") {
  TempDir dir;
  auto gen = Run({"openssl", "ecparam", "-genkey", "-name", "secp521r1", "-noout"});
  REQUIRE(gen.exit_code == 0);
  auto key = PrivateKey::FromPem(gen.out);
  REQUIRE(key.ok());
  CHECK(key->type() == KeyType::kEcP521);
  CHECK(key->bits() == 521);
  CHECK(key->Describe() == "EC P-521");
  certkit_test::WriteString(dir.File("k.pem"), gen.out);
  CHECK(key->public_key().ToPem() == OpensslPubout(dir.File("k.pem")));
  auto ours = PrivateKey::Generate(*KeySpec::Parse("ec:p521"));
  REQUIRE(ours.ok());
  certkit_test::WriteString(dir.File("ours.pem"), ours->ToPem(KeyFormat::kTraditional));
  CHECK(OpensslPubout(dir.File("ours.pem")) == ours->public_key().ToPem());
  CHECK(certkit::DefaultDigest(*ours) == EVP_sha512());
}

TEST_CASE("Unsupported key types and odd PEM blocks are reported precisely") {
  TempDir dir;
  // Key algorithms certkit does not model, written by openssl.
  auto dsa_params = Run({"openssl", "genpkey", "-genparam", "-algorithm", "DSA", "-pkeyopt",
                         "dsa_paramgen_bits:2048", "-out", dir.File("dsa.params")});
  REQUIRE(dsa_params.exit_code == 0);
  auto dsa = Run({"openssl", "genpkey", "-paramfile", dir.File("dsa.params")});
  REQUIRE(dsa.exit_code == 0);
  auto dsa_key = PrivateKey::FromPem(dsa.out);
  CHECK(GetErrorKind(dsa_key.status()) == ErrorKind::kUnsupported);
  CHECK(std::string(dsa_key.status().message()).find("DSA") != std::string::npos);

  auto x25519 = Run({"openssl", "genpkey", "-algorithm", "X25519"});
  REQUIRE(x25519.exit_code == 0);
  CHECK(GetErrorKind(PrivateKey::FromPem(x25519.out).status()) == ErrorKind::kUnsupported);

  auto x448 = Run({"openssl", "genpkey", "-algorithm", "X448"});
  REQUIRE(x448.exit_code == 0);
  auto x448_key = PrivateKey::FromPem(x448.out);
  CHECK(GetErrorKind(x448_key.status()) == ErrorKind::kUnsupported);
  CHECK(std::string(x448_key.status().message()).find("1.3.101.111") != std::string::npos);
  certkit_test::WriteString(dir.File("x448.pem"), x448.out);
  auto x448_pub = Run({"openssl", "pkey", "-in", dir.File("x448.pem"), "-pubout"});
  REQUIRE(x448_pub.exit_code == 0);
  CHECK(GetErrorKind(PublicKey::FromPem(x448_pub.out).status()) == ErrorKind::kUnsupported);

  auto k1 = Run({"openssl", "ecparam", "-genkey", "-name", "secp256k1", "-noout"});
  REQUIRE(k1.exit_code == 0);
  CHECK(GetErrorKind(PrivateKey::FromPem(k1.out).status()) == ErrorKind::kUnsupported);

  // No key block at all: a certificate only.
  auto cert = Run({"openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                   "ec_paramgen_curve:P-256", "-nodes", "-keyout", dir.File("k.pem"), "-subj",
                   "/CN=x", "-days", "1"});
  REQUIRE(cert.exit_code == 0);
  CHECK(GetErrorKind(PrivateKey::FromPem(cert.out).status()) == ErrorKind::kMalformed);
  CHECK(GetErrorKind(PublicKey::FromPem(cert.out).status()) == ErrorKind::kMalformed);

  // A Proc-Type other than 4,ENCRYPTED.
  auto rsa = Run({"openssl", "genrsa", "-traditional", "2048"});
  REQUIRE(rsa.exit_code == 0);
  std::string odd = rsa.out;
  odd.insert(odd.find('\n') + 1, "Proc-Type: 4,MIC-ONLY\n\n");
  CHECK(GetErrorKind(PrivateKey::FromPem(odd).status()) == ErrorKind::kUnsupported);

  // PKCS#1 "RSA PUBLIC KEY" blocks are read too.
  certkit_test::WriteString(dir.File("rsa.pem"), rsa.out);
  auto rsa_pub = Run({"openssl", "rsa", "-in", dir.File("rsa.pem"), "-RSAPublicKey_out"});
  REQUIRE(rsa_pub.exit_code == 0);
  REQUIRE(rsa_pub.out.find("BEGIN RSA PUBLIC KEY") != std::string::npos);
  auto pub = PublicKey::FromPem(rsa_pub.out);
  REQUIRE(pub.ok());
  CHECK(pub->ToPem() == OpensslPubout(dir.File("rsa.pem")));
}

TEST_CASE("Mutated key bytes never crash the parsers") {
  // Every single-byte corruption of small keys: the parsers must return a
  // status (any kind but kInternal), never crash or read out of bounds.
  auto key = PrivateKey::Generate(*KeySpec::Parse("ec:p256"));
  REQUIRE(key.ok());
  certkit::KeyEncryption enc;
  enc.iterations = 1;
  std::vector<certkit::Bytes> inputs = {key->ToDer(KeyFormat::kPkcs8),
                                        key->ToDer(KeyFormat::kTraditional),
                                        *key->ToEncryptedPkcs8Der("pw", enc)};
  auto ed = PrivateKey::Generate(*KeySpec::Parse("ed25519"));
  REQUIRE(ed.ok());
  inputs.push_back(ed->ToDer());
  size_t accepted = 0;
  for (const certkit::Bytes& original : inputs) {
    for (size_t i = 0; i < original.size(); ++i) {
      for (uint8_t mask : {0x01, 0x80, 0xff}) {
        certkit::Bytes mutated = original;
        mutated[i] ^= mask;
        auto r = PrivateKey::FromDer(mutated, "pw");
        if (r.ok()) {
          ++accepted;
        } else {
          INFO(i << " " << r.status().ToString());
          CHECK(GetErrorKind(r.status()) != ErrorKind::kInternal);
        }
      }
    }
  }
  // Some corruptions (e.g. inside the private scalar) still yield a valid key,
  // but most must be rejected.
  INFO("accepted " << accepted);
  CHECK(accepted < 200);
}

TEST_CASE("A generated EC key's PKCS#8 is byte for byte BoringSSL's, from its encoded public half") {
  // Generate keeps the SPKI it encoded, and PKCS#8 reuses its point rather
  // than encoding it again (a field inversion each time). The bytes must
  // be exactly what EVP_marshal_private_key writes for the same key, and
  // openssl must derive the same public key (the test above).
  for (const char* text : {"ec:p256", "ec:p384", "ec:p521"}) {
    INFO(text);
    auto key = PrivateKey::Generate(*KeySpec::Parse(text));
    REQUIRE(key.ok());
    bssl::ScopedCBB cbb;
    REQUIRE(CBB_init(cbb.get(), 256));
    REQUIRE(EVP_marshal_private_key(cbb.get(), key->native()));
    const certkit::Bytes reference(CBB_data(cbb.get()), CBB_data(cbb.get()) + CBB_len(cbb.get()));
    CHECK(key->ToDer(KeyFormat::kPkcs8) == reference);
    // A copy (which shares the encoding) and a parsed key (which has none)
    // write the same bytes.
    const PrivateKey copy = *key;
    CHECK(copy.ToDer(KeyFormat::kPkcs8) == reference);
    auto parsed = PrivateKey::FromDer(reference);
    REQUIRE(parsed.ok());
    CHECK(parsed->ToDer(KeyFormat::kPkcs8) == reference);
    CHECK(parsed->public_key().ToSpkiDer() == key->public_key().ToSpkiDer());
  }
}
