// Tests for lib/crypto/pbe.h against openssl: keys encrypted by `openssl
// pkcs8` decrypt with PbeDecrypt, what PbeEncrypt* writes decrypts with
// openssl, and the PKCS#12 KDF reproduces openssl's PKCS#12 MACs.
#include "crypto/pbe.h"

#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "certkit/error.h"
#include "openssl/bytestring.h"
#include "openssl/digest.h"
#include "openssl/hmac.h"
#include "openssl/mem.h"
#include "support/oracle.h"

using certkit::ErrorKind;
using certkit::GetErrorKind;
using certkit::crypto::Bytes;
using certkit::crypto::PbeDecrypt;
using certkit_test::Run;
using certkit_test::TempDir;

namespace {

Bytes ToBytes(const std::string& s) { return Bytes(s.begin(), s.end()); }

// SplitEpki splits a DER EncryptedPrivateKeyInfo into the algorithm DER and
// the ciphertext.
void SplitEpki(const Bytes& der, Bytes* alg, Bytes* ciphertext) {
  CBS in, seq, alg_cbs, ct;
  CBS_init(&in, der.data(), der.size());
  REQUIRE(CBS_get_asn1(&in, &seq, CBS_ASN1_SEQUENCE));
  REQUIRE(CBS_get_asn1_element(&seq, &alg_cbs, CBS_ASN1_SEQUENCE));
  REQUIRE(CBS_get_asn1(&seq, &ct, CBS_ASN1_OCTETSTRING));
  alg->assign(CBS_data(&alg_cbs), CBS_data(&alg_cbs) + CBS_len(&alg_cbs));
  ciphertext->assign(CBS_data(&ct), CBS_data(&ct) + CBS_len(&ct));
}

// JoinEpki builds a DER EncryptedPrivateKeyInfo.
Bytes JoinEpki(const Bytes& alg, const Bytes& ciphertext) {
  bssl::ScopedCBB cbb;
  CBB seq, ct;
  REQUIRE(CBB_init(cbb.get(), 256));
  REQUIRE(CBB_add_asn1(cbb.get(), &seq, CBS_ASN1_SEQUENCE));
  REQUIRE(CBB_add_bytes(&seq, alg.data(), alg.size()));
  REQUIRE(CBB_add_asn1(&seq, &ct, CBS_ASN1_OCTETSTRING));
  REQUIRE(CBB_add_bytes(&ct, ciphertext.data(), ciphertext.size()));
  uint8_t* data;
  size_t len;
  REQUIRE(CBB_finish(cbb.get(), &data, &len));
  Bytes out(data, data + len);
  OPENSSL_free(data);
  return out;
}

const std::vector<std::string> kLegacy = {"-provider", "legacy", "-provider", "default"};

struct Fixture {
  TempDir dir;
  std::string key_pem;
  Bytes key_der;   // unencrypted PKCS#8
  Bytes key_trad;  // SEC 1 form, what OpensslDecrypt returns
  Fixture() {
    key_pem = dir.File("key.pem");
    auto gen = Run({"openssl", "genpkey", "-algorithm", "EC", "-pkeyopt",
                    "ec_paramgen_curve:P-256", "-out", key_pem});
    REQUIRE(gen.exit_code == 0);
    auto der = Run({"openssl", "pkcs8", "-topk8", "-nocrypt", "-in", key_pem, "-outform", "DER"});
    REQUIRE(der.exit_code == 0);
    key_der = ToBytes(der.out);
    auto trad = Run({"openssl", "pkey", "-in", key_pem, "-traditional", "-outform", "DER"});
    REQUIRE(trad.exit_code == 0);
    key_trad = ToBytes(trad.out);
  }
  // OpensslEncrypt returns the DER EncryptedPrivateKeyInfo openssl writes
  // with the scheme options |scheme|.
  Bytes OpensslEncrypt(const std::vector<std::string>& scheme, const std::string& pass) {
    std::vector<std::string> argv = {"openssl", "pkcs8", "-topk8", "-in", key_pem,
                                     "-outform", "DER", "-passout", "pass:" + pass};
    argv.insert(argv.end(), scheme.begin(), scheme.end());
    argv.insert(argv.end(), kLegacy.begin(), kLegacy.end());
    auto r = Run(argv);
    INFO(r.output());
    REQUIRE(r.exit_code == 0);
    return ToBytes(r.out);
  }
  // OpensslDecrypt returns the key openssl decrypts from |epki|, in SEC 1
  // form (openssl 3 writes legacy-PBE keys back in varying containers).
  certkit_test::ProcessResult OpensslDecrypt(const Bytes& epki, const std::string& pass) {
    const std::string file = dir.File("enc.der");
    certkit_test::WriteBytes(file, epki);
    std::vector<std::string> argv = {"openssl", "pkey", "-inform", "DER", "-in", file,
                                     "-outform", "DER", "-traditional", "-passin", "pass:" + pass};
    argv.insert(argv.end(), kLegacy.begin(), kLegacy.end());
    return Run(argv);
  }
};

}  // namespace

TEST_CASE("PbeDecrypt opens every scheme openssl writes") {
  Fixture f;
  const std::string pass = "s3cret pässword";
  const std::vector<std::vector<std::string>> schemes = {
      {"-v2", "aes-256-cbc", "-v2prf", "hmacWithSHA256"},
      {"-v2", "aes-128-cbc", "-v2prf", "hmacWithSHA1"},
      {"-v2", "aes-192-cbc", "-v2prf", "hmacWithSHA224"},
      {"-v2", "aes-256-cbc", "-v2prf", "hmacWithSHA384"},
      {"-v2", "aes-128-cbc", "-v2prf", "hmacWithSHA512"},
      {"-v2", "des3"},
      {"-v2", "des-cbc"},
      {"-v1", "PBE-MD5-DES"},
      {"-v1", "PBE-SHA1-DES"},
      {"-v1", "PBE-SHA1-3DES"},
      {"-v1", "PBE-SHA1-2DES"},
      {"-v1", "PBE-SHA1-RC2-40"},
      {"-v1", "PBE-SHA1-RC2-128"},
      {"-v1", "PBE-SHA1-RC4-40"},
      {"-v1", "PBE-SHA1-RC4-128"},
  };
  for (const auto& scheme : schemes) {
    const std::string name = scheme[0] + " " + scheme[1] + (scheme.size() > 2 ? " " + scheme[3] : "");
    INFO(name);
    Bytes alg, ct;
    SplitEpki(f.OpensslEncrypt(scheme, pass), &alg, &ct);
    auto plain = PbeDecrypt(alg, ct, pass);
    INFO(plain.status().ToString());
    REQUIRE(plain.ok());
    CHECK(*plain == f.key_der);

    auto wrong = PbeDecrypt(alg, ct, "wrong password");
    if (name.find("RC4") != std::string::npos) {
      // A stream cipher cannot tell; the output is just different.
      REQUIRE(wrong.ok());
      CHECK(*wrong != f.key_der);
    } else {
      // A wrong password almost always breaks the padding; in the rare case
      // it does not, the plaintext still differs.
      if (wrong.ok()) {
        CHECK(*wrong != f.key_der);
      } else {
        CHECK(GetErrorKind(wrong.status()) == ErrorKind::kBadPassword);
        CHECK(std::string(wrong.status().message()).find("wrong password") != std::string::npos);
      }
    }
  }
}

TEST_CASE("PbeDecrypt handles empty and binary passwords like openssl") {
  Fixture f;
  for (const auto& scheme : std::vector<std::vector<std::string>>{
           {"-v2", "aes-256-cbc"}, {"-v1", "PBE-SHA1-3DES"}}) {
    INFO(scheme[1]);
    Bytes alg, ct;
    SplitEpki(f.OpensslEncrypt(scheme, ""), &alg, &ct);
    auto plain = PbeDecrypt(alg, ct, "");
    INFO(plain.status().ToString());
    REQUIRE(plain.ok());
    CHECK(*plain == f.key_der);
  }
  // A password with an embedded NUL is honoured by length: the prefix before
  // the NUL is a different password.
  const std::string with_nul("ab\0cd", 5);
  auto out = certkit::crypto::PbeEncryptPbes2(f.key_der, with_nul, {});
  REQUIRE(out.ok());
  CHECK(*PbeDecrypt(out->algorithm, out->ciphertext, with_nul) == f.key_der);
  auto prefix = PbeDecrypt(out->algorithm, out->ciphertext, "ab");
  CHECK((!prefix.ok() || *prefix != f.key_der));
}

TEST_CASE("PbeEncryptPbes2 output decrypts with openssl") {
  using certkit::crypto::Pbes2Cipher;
  using certkit::crypto::Prf;
  Fixture f;
  const std::string pass = "hunter2";
  for (Prf prf : {Prf::kHmacSha1, Prf::kHmacSha224, Prf::kHmacSha256, Prf::kHmacSha384,
                  Prf::kHmacSha512}) {
    for (Pbes2Cipher cipher : {Pbes2Cipher::kAes128Cbc, Pbes2Cipher::kAes192Cbc,
                               Pbes2Cipher::kAes256Cbc, Pbes2Cipher::kDesEde3Cbc}) {
      INFO("prf " << static_cast<int>(prf) << " cipher " << static_cast<int>(cipher));
      certkit::crypto::Pbes2Params params;
      params.prf = prf;
      params.cipher = cipher;
      params.iterations = 2048;
      auto out = certkit::crypto::PbeEncryptPbes2(f.key_der, pass, params);
      REQUIRE(out.ok());
      const Bytes epki = JoinEpki(out->algorithm, out->ciphertext);
      auto r = f.OpensslDecrypt(epki, pass);
      INFO(r.err);
      REQUIRE(r.exit_code == 0);
      CHECK(ToBytes(r.out) == f.key_trad);
      CHECK(f.OpensslDecrypt(epki, "not it").exit_code != 0);
      // And we read our own output.
      CHECK(*PbeDecrypt(out->algorithm, out->ciphertext, pass) == f.key_der);
    }
  }
  // Two encryptions use fresh salt and IV.
  auto a = certkit::crypto::PbeEncryptPbes2(f.key_der, pass, {});
  auto b = certkit::crypto::PbeEncryptPbes2(f.key_der, pass, {});
  REQUIRE((a.ok() && b.ok()));
  CHECK(a->algorithm != b->algorithm);
  CHECK(a->ciphertext != b->ciphertext);
  certkit::crypto::Pbes2Params bad;
  bad.iterations = 0;
  CHECK(GetErrorKind(certkit::crypto::PbeEncryptPbes2(f.key_der, pass, bad).status()) ==
        ErrorKind::kInvalidArgument);
}

TEST_CASE("PbeEncryptPkcs12 output decrypts with openssl") {
  using certkit::crypto::Pkcs12Pbe;
  Fixture f;
  for (const std::string pass : {"hunter2", "pässwörd €", ""}) {
    for (Pkcs12Pbe scheme : {Pkcs12Pbe::kSha1And3DesCbc, Pkcs12Pbe::kSha1And40BitRc2Cbc}) {
      INFO("scheme " << static_cast<int>(scheme) << " pass '" << pass << "'");
      auto out = certkit::crypto::PbeEncryptPkcs12(f.key_der, pass, scheme, 2048);
      REQUIRE(out.ok());
      const Bytes epki = JoinEpki(out->algorithm, out->ciphertext);
      auto r = f.OpensslDecrypt(epki, pass);
      INFO(r.err);
      REQUIRE(r.exit_code == 0);
      CHECK(ToBytes(r.out) == f.key_trad);
      CHECK(*PbeDecrypt(out->algorithm, out->ciphertext, pass) == f.key_der);
    }
  }
  CHECK(GetErrorKind(certkit::crypto::PbeEncryptPkcs12(f.key_der, "x",
                                                       Pkcs12Pbe::kSha1And3DesCbc, 0)
                         .status()) == ErrorKind::kInvalidArgument);
}

TEST_CASE("Pkcs12Kdf matches published vectors") {
  // Test vectors from the OpenSSL / Bouncy Castle PKCS#12 KDF tests
  // (password "smeg" and "queeg", SHA-1).
  auto hex = [](const Bytes& b) {
    std::string s;
    for (uint8_t c : b) {
      static const char* d = "0123456789ABCDEF";
      s += d[c >> 4];
      s += d[c & 15];
    }
    return s;
  };
  auto smeg = certkit::crypto::Utf8ToBmpPassword("smeg");
  REQUIRE(smeg.ok());
  const Bytes salt1 = {0x0A, 0x58, 0xCF, 0x64, 0x53, 0x0D, 0x82, 0x3F};
  CHECK(hex(*certkit::crypto::Pkcs12Kdf(EVP_sha1(), *smeg, salt1, 1, 1, 24)) ==
        "8AAAE6297B6CB04642AB5B077851284EB7128F1A2A7FBCA3");
  CHECK(hex(*certkit::crypto::Pkcs12Kdf(EVP_sha1(), *smeg, salt1, 2, 1, 8)) ==
        "79993DFE048D3B76");
  auto queeg = certkit::crypto::Utf8ToBmpPassword("queeg");
  const Bytes salt2 = {0x16, 0x82, 0xC0, 0xFC, 0x5B, 0x3F, 0x7E, 0xC5};
  CHECK(hex(*certkit::crypto::Pkcs12Kdf(EVP_sha1(), *queeg, salt2, 1, 1000, 24)) ==
        "483DD6E919D7DE2E8E648BA8F862F3FBFBDC2BCB2C02957F");

  CHECK(GetErrorKind(certkit::crypto::Pkcs12Kdf(EVP_sha1(), *smeg, salt1, 4, 1, 8).status()) ==
        ErrorKind::kInvalidArgument);
  CHECK(GetErrorKind(certkit::crypto::Pkcs12Kdf(EVP_sha1(), *smeg, salt1, 1, 0, 8).status()) ==
        ErrorKind::kInvalidArgument);
}

TEST_CASE("Pkcs12Kdf reproduces openssl PKCS#12 MACs for every digest") {
  TempDir dir;
  const std::string key = dir.File("key.pem"), cert = dir.File("cert.pem");
  REQUIRE(Run({"openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
               "-nodes", "-keyout", key, "-out", cert, "-subj", "/CN=kdf", "-days", "1"})
              .exit_code == 0);
  struct Case {
    const char* macalg;
    const EVP_MD* md;
  } cases[] = {{"sha1", EVP_sha1()}, {"sha256", EVP_sha256()}, {"sha512", EVP_sha512()},
               {"sha384", EVP_sha384()}};
  for (const std::string pass : {"changeit", "pässwörd 🔑", ""}) {
    for (const Case& c : cases) {
      INFO(c.macalg << " '" << pass << "'");
      const std::string p12 = dir.File("s.p12");
      auto r = Run({"openssl", "pkcs12", "-export", "-in", cert, "-inkey", key, "-out", p12,
                    "-passout", "pass:" + pass, "-macalg", c.macalg, "-iter", "1500"});
      INFO(r.output());
      REQUIRE(r.exit_code == 0);
      const Bytes der = certkit_test::ReadBytes(p12);
      // PFX ::= SEQUENCE { version, authSafe ContentInfo, macData }
      CBS in, pfx, auth_safe, content, mac_data, digest_info, digest, salt;
      uint64_t version, iterations;
      CBS_init(&in, der.data(), der.size());
      REQUIRE(CBS_get_asn1(&in, &pfx, CBS_ASN1_SEQUENCE));
      REQUIRE(CBS_get_asn1_uint64(&pfx, &version));
      REQUIRE(CBS_get_asn1(&pfx, &auth_safe, CBS_ASN1_SEQUENCE));
      REQUIRE(CBS_get_asn1(&auth_safe, nullptr, CBS_ASN1_OBJECT));
      REQUIRE(CBS_get_asn1(&auth_safe, &content,
                           CBS_ASN1_CONTEXT_SPECIFIC | CBS_ASN1_CONSTRUCTED | 0));
      REQUIRE(CBS_get_asn1(&content, &content, CBS_ASN1_OCTETSTRING));
      REQUIRE(CBS_get_asn1(&pfx, &mac_data, CBS_ASN1_SEQUENCE));
      REQUIRE(CBS_get_asn1(&mac_data, &digest_info, CBS_ASN1_SEQUENCE));
      REQUIRE(CBS_get_asn1(&digest_info, nullptr, CBS_ASN1_SEQUENCE));
      REQUIRE(CBS_get_asn1(&digest_info, &digest, CBS_ASN1_OCTETSTRING));
      REQUIRE(CBS_get_asn1(&mac_data, &salt, CBS_ASN1_OCTETSTRING));
      REQUIRE(CBS_get_asn1_uint64(&mac_data, &iterations));
      CHECK(iterations == 1500);

      auto bmp = certkit::crypto::Utf8ToBmpPassword(pass);
      REQUIRE(bmp.ok());
      auto mac_key = certkit::crypto::Pkcs12Kdf(
          c.md, *bmp, Bytes(CBS_data(&salt), CBS_data(&salt) + CBS_len(&salt)), 3,
          static_cast<int>(iterations), EVP_MD_size(c.md));
      REQUIRE(mac_key.ok());
      uint8_t mac[EVP_MAX_MD_SIZE];
      unsigned mac_len = 0;
      REQUIRE(HMAC(c.md, mac_key->data(), mac_key->size(), CBS_data(&content), CBS_len(&content),
                   mac, &mac_len));
      CHECK(Bytes(mac, mac + mac_len) ==
            Bytes(CBS_data(&digest), CBS_data(&digest) + CBS_len(&digest)));
    }
  }
}

TEST_CASE("Utf8ToBmpPassword encodes UTF-16BE with terminator") {
  using certkit::crypto::Utf8ToBmpPassword;
  CHECK(*Utf8ToBmpPassword("") == Bytes{0, 0});
  CHECK(*Utf8ToBmpPassword("A") == Bytes{0, 'A', 0, 0});
  CHECK(*Utf8ToBmpPassword("\xc3\xa4") == Bytes{0x00, 0xe4, 0, 0});          // ä
  CHECK(*Utf8ToBmpPassword("\xe2\x82\xac") == Bytes{0x20, 0xac, 0, 0});      // €
  CHECK(*Utf8ToBmpPassword("\xf0\x9f\x94\x91") == Bytes{0xd8, 0x3d, 0xdd, 0x11, 0, 0});  // 🔑
  CHECK(*Utf8ToBmpPassword(std::string("a\0b", 3)) == Bytes{0, 'a', 0, 0, 0, 'b', 0, 0});
  for (const char* bad : {"\xff", "\xc3", "\xe2\x82", "\xc0\x80", "\xed\xa0\x80", "\xf4\x90\x80\x80"}) {
    INFO(bad);
    CHECK(GetErrorKind(Utf8ToBmpPassword(bad).status()) == ErrorKind::kInvalidArgument);
  }
}

TEST_CASE("PbeDecrypt rejects bad parameters before doing work") {
  Fixture f;
  const std::string pass = "secret-pass-123";
  // A real file with 2048 iterations against a limit of 1000.
  Bytes alg, ct;
  SplitEpki(f.OpensslEncrypt({"-v2", "aes-256-cbc", "-iter", "2048"}, pass), &alg, &ct);
  certkit::crypto::PbeLimits limits;
  limits.max_iterations = 1000;
  auto limited = PbeDecrypt(alg, ct, pass, limits);
  CHECK(GetErrorKind(limited.status()) == ErrorKind::kLimitExceeded);
  CHECK(std::string(limited.status().message()).find("2048") != std::string::npos);
  SplitEpki(f.OpensslEncrypt({"-v1", "PBE-SHA1-3DES", "-iter", "2048"}, pass), &alg, &ct);
  CHECK(GetErrorKind(PbeDecrypt(alg, ct, pass, limits).status()) == ErrorKind::kLimitExceeded);

  // Hand-built PKCS#12 parameters with absurd and zero iteration counts.
  auto pkcs12_alg = [](const Bytes& iterations_der) {
    // SEQUENCE { OID pbeWithSHAAnd3-KeyTripleDES-CBC, SEQUENCE { OCTET STRING, <iterations> } }
    const Bytes oid = {0x06, 0x0a, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x0c, 0x01, 0x03};
    Bytes params = {0x04, 0x02, 0x01, 0x02};
    params.insert(params.end(), iterations_der.begin(), iterations_der.end());
    Bytes out = {0x30, static_cast<uint8_t>(oid.size() + 2 + params.size())};
    out.reserve(64);
    out.insert(out.end(), oid.begin(), oid.end());
    out.insert(out.end(), {0x30, static_cast<uint8_t>(params.size())});
    out.insert(out.end(), params.begin(), params.end());
    return out;
  };
  const Bytes block(16, 0);
  CHECK(GetErrorKind(PbeDecrypt(pkcs12_alg({0x02, 0x05, 0x00, 0xff, 0xff, 0xff, 0xff}), block,
                                pass)
                         .status()) == ErrorKind::kLimitExceeded);
  CHECK(GetErrorKind(PbeDecrypt(pkcs12_alg({0x02, 0x09, 0x01, 0, 0, 0, 0, 0, 0, 0, 0}), block,
                                pass)
                         .status()) == ErrorKind::kLimitExceeded);
  CHECK(GetErrorKind(PbeDecrypt(pkcs12_alg({0x02, 0x01, 0x00}), block, pass).status()) ==
        ErrorKind::kMalformed);
  CHECK(GetErrorKind(PbeDecrypt(pkcs12_alg({0x02, 0x01, 0xff}), block, pass).status()) ==
        ErrorKind::kMalformed);

  // Truncated algorithm identifiers and ciphertexts never crash.
  SplitEpki(f.OpensslEncrypt({"-v2", "aes-128-cbc"}, pass), &alg, &ct);
  for (size_t len = 0; len < alg.size(); ++len) {
    auto r = PbeDecrypt(absl::MakeConstSpan(alg.data(), len), ct, pass);
    CHECK(GetErrorKind(r.status()) == ErrorKind::kMalformed);
  }
  for (size_t len : {size_t{0}, size_t{1}, size_t{15}, ct.size() - 1}) {
    auto r = PbeDecrypt(alg, absl::MakeConstSpan(ct.data(), len), pass);
    CHECK(GetErrorKind(r.status()) == ErrorKind::kMalformed);
    CHECK(std::string(r.status().message()).find(pass) == std::string::npos);
  }
}

TEST_CASE("PbeDecrypt names unsupported schemes") {
  Fixture f;
  // scrypt, written by openssl.
  Bytes alg, ct;
  SplitEpki(f.OpensslEncrypt({"-scrypt"}, "pw"), &alg, &ct);
  auto scrypt = PbeDecrypt(alg, ct, "pw");
  CHECK(GetErrorKind(scrypt.status()) == ErrorKind::kUnsupported);
  CHECK(std::string(scrypt.status().message()).find("1.3.6.1.4.1.11591.4.11") !=
        std::string::npos);
  // PBES1 with RC2 (pbeWithMD5AndRC2-CBC is not supported).
  SplitEpki(f.OpensslEncrypt({"-v1", "PBE-MD5-RC2-64"}, "pw"), &alg, &ct);
  auto rc2 = PbeDecrypt(alg, ct, "pw");
  CHECK(GetErrorKind(rc2.status()) == ErrorKind::kUnsupported);
  CHECK(std::string(rc2.status().message()).find("1.2.840.113549.1.5.6") != std::string::npos);
  // A made-up OID: SEQUENCE { OID 1.2.3.4 }.
  const Bytes unknown = {0x30, 0x05, 0x06, 0x03, 0x2a, 0x03, 0x04};
  auto u = PbeDecrypt(unknown, Bytes(16), "pw");
  CHECK(GetErrorKind(u.status()) == ErrorKind::kUnsupported);
  CHECK(std::string(u.status().message()).find("1.2.3.4") != std::string::npos);
}
