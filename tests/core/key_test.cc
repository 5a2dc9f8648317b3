// Tests for certkit::PrivateKey / PublicKey, checked against openssl.
#include "certkit/key.h"

#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "certkit/error.h"
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
