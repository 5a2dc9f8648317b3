// Tests for lib/crypto/sha256_kdf.h: PBKDF2-HMAC-SHA256 against the RFC 7914
// section 11 vectors and the RFC 6070-style SHA-256 vectors, and against
// BoringSSL's own PKCS5_PBKDF2_HMAC and HMAC for random inputs; the PKCS#12
// KDF (RFC 7292 appendix B, SHA-256) through BoringSSL's own PKCS#12 reader,
// which re-derives the MAC key and both PBES2 keys of stores we write.
#include "crypto/sha256_kdf.h"

#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "absl/strings/escaping.h"
#include "certkit/ca.h"
#include "certkit/error.h"
#include "certkit/keystore.h"
#include "crypto/pbe.h"
#include "openssl/bytestring.h"
#include "openssl/digest.h"
#include "openssl/err.h"
#include "openssl/evp.h"
#include "openssl/hmac.h"
#include "openssl/pkcs8.h"
#include "openssl/rand.h"
#include "openssl/sha.h"
#include "openssl/x509.h"

using certkit::crypto::Bytes;

namespace {

std::string Hex(const Bytes& b) {
  return absl::BytesToHexString(absl::string_view(reinterpret_cast<const char*>(b.data()), b.size()));
}

Bytes Of(absl::string_view s) { return Bytes(s.begin(), s.end()); }

Bytes Derive(absl::string_view password, absl::string_view salt, uint32_t iterations, size_t len) {
  Bytes out(len);
  certkit::crypto::Pbkdf2HmacSha256(Of(password), Of(salt), iterations, absl::MakeSpan(out));
  return out;
}

Bytes RandomBytes(size_t n) {
  Bytes b(n);
  RAND_bytes(b.data(), b.size());
  return b;
}

uint32_t RandomBelow(uint32_t n) {
  uint32_t v;
  RAND_bytes(reinterpret_cast<uint8_t*>(&v), sizeof(v));
  return v % n;
}

}  // namespace

TEST_CASE("PBKDF2-HMAC-SHA256 reproduces the RFC 7914 section 11 vectors") {
  CHECK(Hex(Derive("passwd", "salt", 1, 64)) ==
        "55ac046e56e3089fec1691c22544b605f94185216dde0465e68b9d57c20dacbc"
        "49ca9cccf179b645991664b39d77ef317c71b845b1e30bd509112041d3a19783");
  CHECK(Hex(Derive("Password", "NaCl", 80000, 64)) ==
        "4ddcd8f60b98be21830cee5ef22701f9641a4418d04c0414aeff08876b34ab56"
        "a1d425a1225833549adb841b51c9b3176a272bdebba1d078478f62b397f33c8d");
}

TEST_CASE("PBKDF2-HMAC-SHA256 reproduces the RFC 6070-style SHA-256 vectors") {
  CHECK(Hex(Derive("password", "salt", 1, 32)) ==
        "120fb6cffcf8b32c43e7225256c4f837a86548c92ccc35480805987cb70be17b");
  CHECK(Hex(Derive("password", "salt", 2, 32)) ==
        "ae4d0c95af6b46d32d0adff928f06dd02a303f8ef3c251dfd6e2d85a95474c43");
  CHECK(Hex(Derive("password", "salt", 4096, 32)) ==
        "c5e478d59288c841aa530db6845c4c8d962893a001ce4e11a4963873aa98134a");
  CHECK(Hex(Derive("passwordPASSWORDpassword", "saltSALTsaltSALTsaltSALTsaltSALTsalt", 4096, 40)) ==
        "348c89dbcbd32b2f32d814b8116e84cf2b17347ebc1800181c4e2a1fb8dd53e1c635518c7dac47e9");
  CHECK(Hex(Derive(absl::string_view("pass\0word", 9), absl::string_view("sa\0lt", 5), 4096, 16)) ==
        "89b69d0516f829893c696226650a8687");
}

TEST_CASE("PBKDF2-HMAC-SHA256 equals BoringSSL's PKCS5_PBKDF2_HMAC for random inputs") {
  for (int i = 0; i < 300; ++i) {
    // Passwords up to 150 bytes (longer than a block are hashed first),
    // salts up to 100 bytes (the first U spans one or two blocks), outputs
    // up to 3 blocks and not a multiple of 32.
    const Bytes password = RandomBytes(RandomBelow(151));
    const Bytes salt = RandomBytes(RandomBelow(101));
    const uint32_t iterations = 1 + RandomBelow(40);
    const size_t len = 1 + RandomBelow(96);
    Bytes ours(len), theirs(len);
    certkit::crypto::Pbkdf2HmacSha256(password, salt, iterations, absl::MakeSpan(ours));
    REQUIRE(PKCS5_PBKDF2_HMAC(reinterpret_cast<const char*>(password.data()), password.size(),
                              salt.data(), salt.size(), iterations, EVP_sha256(), len,
                              theirs.data()) == 1);
    INFO("password " << password.size() << " salt " << salt.size() << " iterations "
                     << iterations << " len " << len);
    REQUIRE(Hex(ours) == Hex(theirs));
  }
}

TEST_CASE("HmacSha256Key equals BoringSSL's HMAC for random keys and messages") {
  for (int i = 0; i < 200; ++i) {
    const Bytes key = RandomBytes(RandomBelow(200));
    const Bytes data = RandomBytes(RandomBelow(300));
    Bytes ours(32), theirs(32);
    certkit::crypto::HmacSha256Key(key).Mac(data, ours.data());
    unsigned len = 0;
    REQUIRE(HMAC(EVP_sha256(), key.data(), key.size(), data.data(), data.size(), theirs.data(),
                 &len) != nullptr);
    REQUIRE(Hex(ours) == Hex(theirs));
    // The two-compression path for 32-byte messages.
    Bytes digest = RandomBytes(32);
    certkit::crypto::HmacSha256Key(key).MacOfDigest(digest.data(), ours.data());
    REQUIRE(HMAC(EVP_sha256(), key.data(), key.size(), digest.data(), 32, theirs.data(), &len) !=
            nullptr);
    REQUIRE(Hex(ours) == Hex(theirs));
  }
}

TEST_CASE("Sha256Iterate equals repeated SHA256") {
  Bytes a = RandomBytes(32), b = a;
  certkit::crypto::Sha256Iterate(a.data(), 1000);
  for (int i = 0; i < 1000; ++i) SHA256(b.data(), 32, b.data());
  CHECK(Hex(a) == Hex(b));
}

TEST_CASE("BoringSSL's PKCS#12 reader accepts stores keyed with our KDFs, random passwords") {
  // BoringSSL re-derives the HMAC-SHA256 MAC key with its own RFC 7292 KDF
  // and both PBES2 keys (certificate bags, key bag) with its own PBKDF2; a
  // wrong byte anywhere in ours fails the MAC or the decryption.
  certkit::CaOptions ca_options;
  ca_options.subject = *certkit::DistinguishedName::Parse("CN=kdf test CA");
  ca_options.days = 30;
  auto ca = *certkit::CertificateAuthority::CreateRoot(ca_options);
  for (int i = 0; i < 12; ++i) {
    // Printable ASCII of 0..70 characters (BoringSSL takes the password as
    // a C string and converts it to BMPString itself).
    std::string password;
    const size_t n = RandomBelow(71);
    for (size_t k = 0; k < n; ++k) password.push_back(static_cast<char>(' ' + RandomBelow(95)));
    certkit::KeyStore ks;
    REQUIRE(ks.SetKeyEntry("ca", ca.key(), {ca.certificate()}).ok());
    certkit::SaveOptions so;
    so.pkcs12_iterations = 1 + static_cast<int>(RandomBelow(3000));
    auto der = ks.Save(certkit::StoreFormat::kPkcs12, password, so);
    REQUIRE(der.ok());
    CBS cbs;
    CBS_init(&cbs, der->data(), der->size());
    EVP_PKEY* key = nullptr;
    bssl::UniquePtr<STACK_OF(X509)> certs(sk_X509_new_null());
    INFO("password length " << n << ", iterations " << so.pkcs12_iterations);
    REQUIRE(PKCS12_get_key_and_certs(&key, certs.get(), &cbs, password.c_str()) == 1);
    bssl::UniquePtr<EVP_PKEY> owned(key);
    REQUIRE(key != nullptr);
    CHECK(EVP_PKEY_cmp(key, ca.certificate().public_key().native()) == 1);
    CHECK(sk_X509_num(certs.get()) == 1);
    // And a wrong password is refused by the same reader.
    CBS_init(&cbs, der->data(), der->size());
    EVP_PKEY* none = nullptr;
    CHECK(PKCS12_get_key_and_certs(&none, certs.get(), &cbs, (password + "x").c_str()) == 0);
    ERR_clear_error();
  }
}

TEST_CASE("RunSha256Kdfs gives each job what it gives alone, for any mix of chains") {
  // Up to five PBKDF2 jobs (outputs of 1..96 bytes: one to three chains
  // each) and up to four iterated digests (0..41 rounds, odd and even), so
  // one, two and three chains advance together and chains end at different
  // steps.
  for (int round = 0; round < 150; ++round) {
    const size_t n_pbkdf2 = RandomBelow(6), n_iterate = RandomBelow(5);
    std::vector<Bytes> passwords, salts, outs;
    std::vector<uint32_t> iterations;
    for (size_t j = 0; j < n_pbkdf2; ++j) {
      passwords.push_back(RandomBytes(RandomBelow(100)));
      salts.push_back(RandomBytes(RandomBelow(40)));
      iterations.push_back(1 + RandomBelow(40));
      outs.push_back(Bytes(1 + RandomBelow(96)));
    }
    std::vector<Bytes> digests, expected_digests;
    std::vector<uint32_t> rounds;
    for (size_t j = 0; j < n_iterate; ++j) {
      digests.push_back(RandomBytes(32));
      rounds.push_back(RandomBelow(42));
      Bytes d = digests.back();
      for (uint32_t r = 0; r < rounds.back(); ++r) SHA256(d.data(), 32, d.data());
      expected_digests.push_back(d);
    }
    std::vector<certkit::crypto::Pbkdf2Sha256Job> pbkdf2;
    for (size_t j = 0; j < n_pbkdf2; ++j) {
      pbkdf2.push_back({passwords[j], salts[j], iterations[j], absl::MakeSpan(outs[j])});
    }
    std::vector<certkit::crypto::Sha256IterateJob> iterate;
    for (size_t j = 0; j < n_iterate; ++j) iterate.push_back({digests[j].data(), rounds[j]});
    certkit::crypto::RunSha256Kdfs(pbkdf2, iterate);
    for (size_t j = 0; j < n_pbkdf2; ++j) {
      Bytes theirs(outs[j].size());
      REQUIRE(PKCS5_PBKDF2_HMAC(reinterpret_cast<const char*>(passwords[j].data()),
                                passwords[j].size(), salts[j].data(), salts[j].size(),
                                iterations[j], EVP_sha256(), theirs.size(), theirs.data()) == 1);
      INFO("round " << round << ", PBKDF2 job " << j << " of " << n_pbkdf2 << ", iterated "
                    << n_iterate);
      REQUIRE(Hex(outs[j]) == Hex(theirs));
    }
    for (size_t j = 0; j < n_iterate; ++j) {
      INFO("round " << round << ", iterated job " << j << ", " << rounds[j] << " rounds");
      REQUIRE(Hex(digests[j]) == Hex(expected_digests[j]));
    }
  }
}

TEST_CASE("DerivePkcs12Keys: PBKDF2 over each key's own salt, and the RFC 7292 MAC key") {
  certkit::crypto::Pbes2Params params;
  params.iterations = 1 + static_cast<int>(RandomBelow(500));
  const Bytes mac_salt = RandomBytes(20);
  const int mac_iterations = 1 + static_cast<int>(RandomBelow(500));
  const std::string password = "store pass \xc3\xa9";  // UTF-8, as the MAC's BMPString needs
  auto keys = certkit::crypto::DerivePkcs12Keys(password, params, 3, mac_salt, mac_iterations);
  REQUIRE(keys.ok());
  REQUIRE(keys->pbes2.size() == 3);
  for (const certkit::crypto::Pbes2Key& k : keys->pbes2) {
    REQUIRE(k.salt.size() == params.salt_len);
    Bytes theirs(32);
    REQUIRE(PKCS5_PBKDF2_HMAC(password.data(), password.size(), k.salt.data(), k.salt.size(),
                              params.iterations, EVP_sha256(), theirs.size(), theirs.data()) == 1);
    CHECK(Hex(k.key) == Hex(theirs));
  }
  CHECK(keys->pbes2[0].salt != keys->pbes2[1].salt);
  auto bmp = certkit::crypto::Utf8ToBmpPassword(password);
  REQUIRE(bmp.ok());
  auto mac_key = certkit::crypto::Pkcs12Kdf(EVP_sha256(), *bmp, mac_salt, 3, mac_iterations, 32);
  REQUIRE(mac_key.ok());
  CHECK(Hex(keys->mac_key) == Hex(*mac_key));

  // A key derived ahead encrypts what PbeDecrypt opens with the password...
  const Bytes plain = Of("the key bag");
  auto enc = certkit::crypto::PbeEncryptPbes2(plain, password, params, &keys->pbes2[0]);
  REQUIRE(enc.ok());
  auto dec = certkit::crypto::PbeDecrypt(enc->algorithm, enc->ciphertext, password);
  REQUIRE(dec.ok());
  CHECK(*dec == plain);
  // ...and one that does not fit the parameters is refused.
  certkit::crypto::Pbes2Params aes128 = params;
  aes128.cipher = certkit::crypto::Pbes2Cipher::kAes128Cbc;
  auto mismatch = certkit::crypto::PbeEncryptPbes2(plain, password, aes128, &keys->pbes2[0]);
  REQUIRE_FALSE(mismatch.ok());
  CHECK(certkit::GetErrorKind(mismatch.status()) == certkit::ErrorKind::kInvalidArgument);
  // Only HMAC-SHA256 runs on the interleaved SHA-256 chains.
  certkit::crypto::Pbes2Params sha1 = params;
  sha1.prf = certkit::crypto::Prf::kHmacSha1;
  auto refused = certkit::crypto::DerivePkcs12Keys(password, sha1, 1, {}, 0);
  REQUIRE_FALSE(refused.ok());
  CHECK(certkit::GetErrorKind(refused.status()) == certkit::ErrorKind::kInvalidArgument);
}
