// PKCS#12 profiles (issue 23) and PBMAC1 (RFC 9579, issue 21): each profile
// certkit writes is read by the peers that can (openssl 3.0, keytool 17) and
// refused by the ones that cannot, for the reason they give; certkit reads
// what those peers write; PBMAC1 files with a wrong MAC or hostile parameters
// are refused with a precise error before any key derivation. The pyca /
// OpenSSL 4 side (which reads PBMAC1) is tests/keystore/pkcs12_pyca_test.py.
#include <catch2/catch.hpp>

#include <chrono>
#include <fstream>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "certkit/error.h"
#include "certkit/keystore.h"
#include "fixtures.h"
#include "openssl/bytestring.h"

using certkit::Bytes;
using certkit::ErrorKind;
using certkit::GetErrorKind;
using certkit::KeyStore;
using certkit::LoadOptions;
using certkit::Pkcs12Profile;
using certkit::SaveOptions;
using certkit::StoreFormat;
using certkit_test::TempDir;
using keystore_test::Alg;
using keystore_test::Keytool;
using keystore_test::Unwrap;

namespace {

const char kPass[] = "p12-profile-pass";


Bytes ReadBytes(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  return Bytes(std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>());
}

KeyStore KeyAndCa(const keystore_test::Pki& pki) {
  KeyStore ks;
  REQUIRE(ks.SetKeyEntry("node1", pki.leaf_key, {pki.leaf_cert, pki.ca_cert}).ok());
  REQUIRE(ks.AddTrustedCert("ca", pki.ca_cert).ok());
  return ks;
}

KeyStore CaOnly(const keystore_test::Pki& pki) {
  KeyStore ks;
  REQUIRE(ks.AddTrustedCert("ca", pki.ca_cert).ok());
  return ks;
}

SaveOptions Profile(Pkcs12Profile p) {
  SaveOptions so;
  so.pkcs12_profile = p;
  return so;
}

// ---- DER helpers for hand-made hostile MacData ----------------------------

Bytes Tlv(uint8_t tag, const Bytes& content) {
  Bytes out{tag};
  const size_t n = content.size();
  if (n < 0x80) {
    out.push_back(static_cast<uint8_t>(n));
  } else if (n < 0x100) {
    out.insert(out.end(), {0x81, static_cast<uint8_t>(n)});
  } else {
    out.insert(out.end(), {0x82, static_cast<uint8_t>(n >> 8), static_cast<uint8_t>(n)});
  }
  out.insert(out.end(), content.begin(), content.end());
  return out;
}

Bytes Cat(std::initializer_list<Bytes> parts) {
  Bytes out;
  for (const Bytes& p : parts) out.insert(out.end(), p.begin(), p.end());
  return out;
}

Bytes Seq(std::initializer_list<Bytes> parts) { return Tlv(0x30, Cat(parts)); }
Bytes Octets(const Bytes& b) { return Tlv(0x04, b); }
Bytes Int(const Bytes& be) { return Tlv(0x02, be); }
const Bytes kNull = {0x05, 0x00};
const Bytes kOidPbmac1 = {0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x05, 0x0e};
const Bytes kOidPbkdf2 = {0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x05, 0x0c};
const Bytes kOidHmacSha256 = {0x06, 0x08, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x02, 0x09};
const Bytes kOidScrypt = {0x06, 0x09, 0x2b, 0x06, 0x01, 0x04, 0x01, 0xda, 0x47, 0x04, 0x0b};
const Bytes kSalt16(16, 0x5a);

Bytes HmacSha256Alg() { return Seq({kOidHmacSha256, kNull}); }

// Pbmac1Alg builds the id-PBMAC1 AlgorithmIdentifier around PBKDF2-params
// |pbkdf2| (the fields of the SEQUENCE) and an HMAC-SHA256 MAC.
Bytes Pbmac1Alg(const Bytes& pbkdf2_fields, const Bytes& kdf_oid = kOidPbkdf2) {
  return Seq({kOidPbmac1, Seq({Seq({kdf_oid, Tlv(0x30, pbkdf2_fields)}), HmacSha256Alg()})});
}

// WithMacData replaces the MacData of the PFX |pfx| with one whose DigestInfo
// has |mac_alg| and a 32-byte |digest|, macSalt "NOT USED" and iterations 1
// (as in RFC 9579's examples: ignored with PBMAC1).
Bytes WithMacData(const Bytes& pfx, const Bytes& mac_alg, const Bytes& digest = Bytes(32, 0)) {
  CBS in, seq, version, auth;
  CBS_init(&in, pfx.data(), pfx.size());
  REQUIRE(CBS_get_asn1(&in, &seq, CBS_ASN1_SEQUENCE));
  REQUIRE(CBS_get_asn1_element(&seq, &version, CBS_ASN1_INTEGER));
  REQUIRE(CBS_get_asn1_element(&seq, &auth, CBS_ASN1_SEQUENCE));
  const std::string not_used = "NOT USED";
  Bytes mac_data = Seq({Seq({mac_alg, Octets(digest)}), Octets(Bytes(not_used.begin(), not_used.end())),
                        Int({0x01})});
  return Seq({Bytes(CBS_data(&version), CBS_data(&version) + CBS_len(&version)),
              Bytes(CBS_data(&auth), CBS_data(&auth) + CBS_len(&auth)), mac_data});
}

// MacAlgorithmOf returns the DigestInfo AlgorithmIdentifier of a PFX.
Bytes MacAlgorithmOf(const Bytes& pfx) {
  CBS in, seq, skip, mac, digest_info, alg;
  CBS_init(&in, pfx.data(), pfx.size());
  REQUIRE(CBS_get_asn1(&in, &seq, CBS_ASN1_SEQUENCE));
  REQUIRE(CBS_get_asn1(&seq, &skip, CBS_ASN1_INTEGER));
  REQUIRE(CBS_get_asn1(&seq, &skip, CBS_ASN1_SEQUENCE));
  REQUIRE(CBS_get_asn1(&seq, &mac, CBS_ASN1_SEQUENCE));
  REQUIRE(CBS_get_asn1(&mac, &digest_info, CBS_ASN1_SEQUENCE));
  REQUIRE(CBS_get_asn1_element(&digest_info, &alg, CBS_ASN1_SEQUENCE));
  return Bytes(CBS_data(&alg), CBS_data(&alg) + CBS_len(&alg));
}

}  // namespace

TEST_CASE("profile names parse, print and reject unknown ones") {
  for (Pkcs12Profile p : {Pkcs12Profile::kModern, Pkcs12Profile::kModern2026, Pkcs12Profile::kLegacy,
                          Pkcs12Profile::kPasswordlessTruststore}) {
    CHECK(Unwrap(certkit::ParsePkcs12Profile(certkit::Pkcs12ProfileName(p))) == p);
  }
  CHECK(Unwrap(certkit::ParsePkcs12Profile("MODERN2026")) == Pkcs12Profile::kModern2026);
  auto bad = certkit::ParsePkcs12Profile("modern2027\x1b[31m");
  REQUIRE_FALSE(bad.ok());
  CHECK(GetErrorKind(bad.status()) == ErrorKind::kInvalidArgument);
  CHECK(absl::StrContains(bad.status().message(), "'modern2027\\x1b[31m'"));
  CHECK(absl::StrContains(bad.status().message(), "modern|modern2026|legacy|passwordless-truststore"));
  // The deprecated bool still works, and conflicts are refused.
  TempDir dir;
  auto pki = keystore_test::MakePki(dir, "n", Alg::kEc);
  SaveOptions so;
  so.pkcs12_legacy = true;
  CHECK(KeyAndCa(pki).Save(StoreFormat::kPkcs12, kPass, so).ok());
  so.pkcs12_profile = Pkcs12Profile::kModern2026;
  auto conflict = KeyAndCa(pki).Save(StoreFormat::kPkcs12, kPass, so);
  REQUIRE_FALSE(conflict.ok());
  CHECK(absl::StrContains(conflict.status().message(), "conflicts with PKCS#12 profile 'modern2026'"));
}

TEST_CASE("modern, legacy: openssl 3.0 and keytool 17 read what certkit writes") {
  TempDir dir;
  auto pki = keystore_test::MakePki(dir, "m", Alg::kRsa);
  for (Pkcs12Profile p : {Pkcs12Profile::kModern, Pkcs12Profile::kLegacy}) {
    const bool legacy = p == Pkcs12Profile::kLegacy;
    INFO(certkit::Pkcs12ProfileName(p));
    std::string path = dir.File(absl::StrCat(certkit::Pkcs12ProfileName(p), ".p12"));
    REQUIRE(KeyAndCa(pki).SaveFile(path, StoreFormat::kPkcs12, kPass, Profile(p)).ok());
    std::vector<std::string> argv{"openssl", "pkcs12", "-info", "-noout", "-in", path, "-passin",
                                  absl::StrCat("pass:", kPass)};
    if (legacy) argv.push_back("-legacy");
    auto r = certkit_test::Run(argv);
    INFO(r.output());
    CHECK(r.exit_code == 0);
    CHECK(absl::StrContains(r.output(), legacy ? "MAC: sha1" : "MAC: sha256"));
    CHECK(absl::StrContains(r.output(), legacy ? "pbeWithSHA1And3-KeyTripleDES-CBC"
                                               : "PBES2, PBKDF2, AES-256-CBC"));
    std::string out = Keytool({"-list", "-keystore", path, "-storepass", kPass, "-storetype", "PKCS12"});
    CHECK(absl::StrContains(out, "Your keystore contains 2 entries"));
    CHECK(Unwrap(KeyStore::LoadFile(path, kPass)).size() == 2);
  }
}

TEST_CASE("modern2026: a PBMAC1 MAC that certkit verifies and openssl 3.0 / keytool 17 cannot read") {
  TempDir dir;
  auto pki = keystore_test::MakePki(dir, "p", Alg::kEc);
  std::string path = dir.File("modern2026.p12");
  REQUIRE(KeyAndCa(pki).SaveFile(path, StoreFormat::kPkcs12, kPass, Profile(Pkcs12Profile::kModern2026)).ok());
  // The structure, as openssl parses it: id-PBMAC1 over PBKDF2 (HMAC-SHA256,
  // 32-byte key) with an HMAC-SHA256 MAC.
  auto asn1 = certkit_test::Run({"openssl", "asn1parse", "-inform", "DER", "-in", path});
  INFO(asn1.output());
  REQUIRE(asn1.exit_code == 0);
  CHECK(absl::StrContains(asn1.output(), ":PBMAC1"));
  CHECK(absl::StrContains(asn1.output(), ":PBKDF2"));
  CHECK(absl::StrContains(asn1.output(), ":hmacWithSHA256"));
  CHECK(absl::StrContains(asn1.output(), "INTEGER           :20"));  // keyLength 32
  // OpenSSL 3.0 has no PBMAC1 (3.4 added it): MAC verification fails.
  auto ossl = certkit_test::Run({"openssl", "pkcs12", "-info", "-noout", "-in", path, "-passin",
                                 absl::StrCat("pass:", kPass)});
  INFO(ossl.output());
  CHECK(ossl.exit_code != 0);
  CHECK(absl::StrContains(absl::AsciiStrToLower(ossl.output()), "mac"));
  // ...but it reads the contents when told not to verify the MAC, which
  // shows the PBES2 part is what OpenSSL expects.
  auto nomac = certkit_test::Run({"openssl", "pkcs12", "-nomacver", "-info", "-noout", "-in", path,
                                  "-passin", absl::StrCat("pass:", kPass)});
  INFO(nomac.output());
  CHECK(nomac.exit_code == 0);
  // Java 17 has no PBMAC1 either (nor does 25's keytool write it): keytool
  // refuses the integrity check.
  auto kt = keystore_test::Tool({"keytool", "-list", "-keystore", path, "-storepass", kPass, "-storetype",
                                 "PKCS12"});
  INFO(kt.output());
  CHECK(kt.exit_code != 0);
  CHECK(absl::StrContains(kt.output(), "Integrity check failed"));
  // certkit verifies it, and tells a wrong password from a damaged file.
  CHECK(Unwrap(KeyStore::LoadFile(path, kPass)).size() == 2);
  auto wrong = KeyStore::LoadFile(path, "not-the-password");
  REQUIRE_FALSE(wrong.ok());
  CHECK(GetErrorKind(wrong.status()) == ErrorKind::kBadPassword);
  CHECK(absl::EndsWith(wrong.status().message(), ": PKCS#12 store password is incorrect (PBMAC1 MAC mismatch)"));
  Bytes p12 = ReadBytes(path);
  p12[p12.size() - 40] ^= 0x01;  // inside the MAC value
  auto damaged = KeyStore::Load(p12, kPass);
  REQUIRE_FALSE(damaged.ok());
  CHECK(GetErrorKind(damaged.status()) == ErrorKind::kIntegrity);
  CHECK(absl::StrContains(damaged.status().message(),
                          "corrupted: the PBMAC1 MAC does not match although the password decrypts"));
  // A PBMAC1 trust store (nothing encrypted to decide with): the message says
  // both causes are possible.
  std::string trust = dir.File("trust2026.p12");
  REQUIRE(CaOnly(pki).SaveFile(trust, StoreFormat::kPkcs12, kPass,
                               [] { auto so = Profile(Pkcs12Profile::kModern2026); so.pkcs12_encrypt_certs = false; return so; }())
              .ok());
  auto either = KeyStore::LoadFile(trust, "wrong");
  REQUIRE_FALSE(either.ok());
  CHECK(GetErrorKind(either.status()) == ErrorKind::kBadPassword);
  CHECK(absl::StrContains(either.status().message(), "PBMAC1 MAC mismatch: the store password is incorrect or"));
}

TEST_CASE("passwordless-truststore: keytool and openssl read it, certkit reads it with no password") {
  TempDir dir;
  auto pki = keystore_test::MakePki(dir, "t", Alg::kEc);
  std::string path = dir.File("trust.p12");
  REQUIRE(CaOnly(pki).SaveFile(path, StoreFormat::kPkcs12, "", Profile(Pkcs12Profile::kPasswordlessTruststore)).ok());
  // No MAC, nothing encrypted: openssl shows the certificate without a password.
  auto info = certkit_test::Run({"openssl", "pkcs12", "-in", path, "-nokeys", "-passin", "pass:"});
  INFO(info.output());
  CHECK(info.exit_code == 0);
  CHECK(absl::StrContains(info.output(), "-----BEGIN CERTIFICATE-----"));
  auto mac = certkit_test::Run({"openssl", "pkcs12", "-in", path, "-info", "-noout", "-passin", "pass:"});
  CHECK(absl::StrContains(mac.output(), "Warning: MAC is absent!"));
  // keytool 17 lists it (any store password: there is no MAC to check; Java
  // 18+ also opens it with none) and sees a trusted entry.
  std::string out = Keytool({"-list", "-keystore", path, "-storepass", "anything", "-storetype", "PKCS12"});
  CHECK(absl::StrContains(out, "Your keystore contains 1 entry"));
  CHECK(absl::StrContains(out, "trustedCertEntry"));
  // certkit: no password opens it; a password is refused (fail closed: no MAC
  // can back it); allow_missing_mac opens it either way.
  auto back = Unwrap(KeyStore::LoadFile(path, ""));
  REQUIRE(back.size() == 1);
  CHECK(back.entries()[0].alias == "ca");
  auto with_pass = KeyStore::LoadFile(path, kPass);
  REQUIRE_FALSE(with_pass.ok());
  CHECK(GetErrorKind(with_pass.status()) == ErrorKind::kIntegrity);
  CHECK(absl::StrContains(with_pass.status().message(), "has no MAC, so the password given cannot check"));
  LoadOptions lo;
  lo.allow_missing_mac = true;
  CHECK(Unwrap(KeyStore::LoadFile(path, kPass, lo)).size() == 1);
  // A store with a private key is refused, naming the entry.
  auto keyed = KeyAndCa(pki).Save(StoreFormat::kPkcs12, kPass, Profile(Pkcs12Profile::kPasswordlessTruststore));
  REQUIRE_FALSE(keyed.ok());
  CHECK(GetErrorKind(keyed.status()) == ErrorKind::kInvalidArgument);
  CHECK(absl::StrContains(keyed.status().message(), "holds the private key entry 'node1'"));
}

TEST_CASE("certkit reads what openssl 3.0 (default, -legacy) and keytool 17 (passwordless) write") {
  TempDir dir;
  auto pki = keystore_test::MakePki(dir, "o", Alg::kRsa);
  for (bool legacy : {false, true}) {
    INFO("legacy " << legacy);
    std::string path = dir.File(legacy ? "ossl-legacy.p12" : "ossl.p12");
    std::vector<std::string> argv{"openssl", "pkcs12", "-export", "-inkey", pki.leaf_key_path, "-in",
                                  pki.leaf_cert_path, "-certfile", pki.ca_cert_path, "-name", "node1",
                                  "-out", path, "-passout", absl::StrCat("pass:", kPass)};
    if (legacy) argv.push_back("-legacy");
    auto r = certkit_test::Run(argv);
    INFO(r.output());
    REQUIRE(r.exit_code == 0);
    auto ks = Unwrap(KeyStore::LoadFile(path, kPass));
    REQUIRE(ks.Find("node1") != nullptr);
    CHECK(ks.Find("node1")->key->MatchesPublicKey(pki.leaf_cert.public_key()));
    auto wrong = KeyStore::LoadFile(path, "wrong");
    REQUIRE_FALSE(wrong.ok());
    CHECK(GetErrorKind(wrong.status()) == ErrorKind::kBadPassword);
  }
  // keytool's passwordless trust store (what trust-manager writes).
  std::string path = dir.File("keytool-nopass.p12");
  Keytool({"-J-Dkeystore.pkcs12.certProtectionAlgorithm=NONE", "-J-Dkeystore.pkcs12.macAlgorithm=NONE",
           "-importcert", "-noprompt", "-alias", "root", "-file", pki.ca_cert_path, "-keystore", path,
           "-storetype", "PKCS12", "-storepass", "ignored"});
  auto ks = Unwrap(KeyStore::LoadFile(path, ""));
  REQUIRE(ks.size() == 1);
  CHECK(ks.entries()[0].alias == "root");
  CHECK(ks.entries()[0].certificate().ToDer() == pki.ca_cert.ToDer());
  CHECK(GetErrorKind(KeyStore::LoadFile(path, "ignored").status()) == ErrorKind::kIntegrity);
}

// Hostile PBMAC1 parameters, each refused with its own message before any
// key derivation (each load is timed: no PBKDF2 runs). These mirror what
// broke OpenSSL's PBMAC1 reader (OpenSSL #30581: NULL salt, zero or missing
// keyLength; its test data pbmac1_256_256.no-salt / .zero-len /
// .negative-len / .very-big-len / .bad-key-len / .bad-salt-type).
TEST_CASE("hostile PBMAC1 parameters are refused before any derivation (OpenSSL #30581)") {
  TempDir dir;
  auto pki = keystore_test::MakePki(dir, "h", Alg::kEc);
  SaveOptions so = Profile(Pkcs12Profile::kModern2026);
  so.pkcs12_encrypt_certs = false;
  const Bytes base = Unwrap(CaOnly(pki).Save(StoreFormat::kPkcs12, kPass, so));
  const Bytes iter2048 = Int({0x08, 0x00});
  const Bytes len32 = Int({0x20});
  struct Case {
    const char* name;
    Bytes alg;
    ErrorKind kind;
    const char* message;
  };
  const std::vector<Case> cases = {
      {"NULL salt", Pbmac1Alg(Cat({kNull, iter2048, len32, HmacSha256Alg()})), ErrorKind::kMalformed,
       "PKCS#12 MAC: PBMAC1 PBKDF2 salt is NULL instead of an OCTET STRING"},
      {"no salt", Pbmac1Alg(Cat({iter2048, len32, HmacSha256Alg()})), ErrorKind::kMalformed,
       "PKCS#12 MAC: PBMAC1 PBKDF2 salt is missing or not an OCTET STRING"},
      {"salt as AlgorithmIdentifier (otherSource)",
       Pbmac1Alg(Cat({HmacSha256Alg(), iter2048, len32, HmacSha256Alg()})), ErrorKind::kMalformed,
       "PKCS#12 MAC: PBMAC1 PBKDF2 salt is missing or not an OCTET STRING"},
      {"empty salt", Pbmac1Alg(Cat({Octets({}), iter2048, len32, HmacSha256Alg()})), ErrorKind::kMalformed,
       "PKCS#12 MAC: PBMAC1 PBKDF2 salt is empty"},
      {"keyLength missing", Pbmac1Alg(Cat({Octets(kSalt16), iter2048, HmacSha256Alg()})),
       ErrorKind::kMalformed, "PKCS#12 MAC: PBMAC1 PBKDF2 keyLength is missing (RFC 9579 requires it)"},
      {"keyLength 0", Pbmac1Alg(Cat({Octets(kSalt16), iter2048, Int({0x00}), HmacSha256Alg()})),
       ErrorKind::kMalformed, "PKCS#12 MAC: PBMAC1 PBKDF2 keyLength is zero"},
      {"keyLength negative", Pbmac1Alg(Cat({Octets(kSalt16), iter2048, Int({0xff}), HmacSha256Alg()})),
       ErrorKind::kMalformed, "PKCS#12 MAC: PBMAC1 PBKDF2 keyLength is negative"},
      {"keyLength 1", Pbmac1Alg(Cat({Octets(kSalt16), iter2048, Int({0x01}), HmacSha256Alg()})),
       ErrorKind::kMalformed, "PKCS#12 MAC: PBMAC1 PBKDF2 keyLength 1 is below the 20 bytes RFC 9579 requires"},
      {"keyLength 65", Pbmac1Alg(Cat({Octets(kSalt16), iter2048, Int({0x41}), HmacSha256Alg()})),
       ErrorKind::kLimitExceeded, "PKCS#12 MAC: PBMAC1 PBKDF2 keyLength 65 exceeds the limit of 64 bytes"},
      {"keyLength 2^64", Pbmac1Alg(Cat({Octets(kSalt16), iter2048, Int({0x01, 0, 0, 0, 0, 0, 0, 0, 0}),
                                         HmacSha256Alg()})),
       ErrorKind::kLimitExceeded, "PKCS#12 MAC: PBMAC1 PBKDF2 keyLength exceeds the limit of 64 bytes"},
      {"iterations 0", Pbmac1Alg(Cat({Octets(kSalt16), Int({0x00}), len32, HmacSha256Alg()})),
       ErrorKind::kMalformed, "PKCS#12 MAC: PBMAC1 PBKDF2 iteration count is zero"},
      {"iterations 2^31", Pbmac1Alg(Cat({Octets(kSalt16), Int({0x00, 0x80, 0, 0, 0}), len32, HmacSha256Alg()})),
       ErrorKind::kLimitExceeded, "PKCS#12 MAC: PBMAC1 PBKDF2 iteration count 2147483648 exceeds the limit 10000000"},
      {"PRF absent (hmacWithSHA1 by default)", Pbmac1Alg(Cat({Octets(kSalt16), iter2048, len32})),
       ErrorKind::kUnsupported, "PBMAC1 PBKDF2 PRF is absent, so hmacWithSHA1 by default"},
      {"KDF scrypt", Pbmac1Alg(Cat({Octets(kSalt16), iter2048, len32, HmacSha256Alg()}), kOidScrypt),
       ErrorKind::kUnsupported, "PBMAC1 key derivation function 1.3.6.1.4.1.11591.4.11 is not supported"},
      {"no parameters", Seq({kOidPbmac1}), ErrorKind::kMalformed,
       "PKCS#12 MAC: PBMAC1 parameters are missing or not a SEQUENCE"},
      {"NULL parameters", Seq({kOidPbmac1, kNull}), ErrorKind::kMalformed,
       "PKCS#12 MAC: PBMAC1 parameters are missing or not a SEQUENCE"},
  };
  for (const Case& c : cases) {
    INFO(c.name);
    const Bytes hostile = WithMacData(base, c.alg);
    const auto start = std::chrono::steady_clock::now();
    auto r = KeyStore::Load(hostile, kPass);
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    REQUIRE_FALSE(r.ok());
    INFO(r.status().message());
    CHECK(GetErrorKind(r.status()) == c.kind);
    CHECK(absl::StrContains(r.status().message(), c.message));
    CHECK(seconds < 0.1);
  }
}

TEST_CASE("PBMAC1 work counts in the declared KDF budget before any derivation") {
  TempDir dir;
  auto pki = keystore_test::MakePki(dir, "b", Alg::kEc);
  SaveOptions so = Profile(Pkcs12Profile::kModern2026);
  so.pkcs12_iterations = 10000;
  const Bytes good = Unwrap(KeyAndCa(pki).Save(StoreFormat::kPkcs12, kPass, so));
  // PBMAC1 (10,000 x 1 block) + certificate safe + key = 30,000.
  LoadOptions lo;
  lo.max_total_iterations = 30000;
  CHECK(KeyStore::Load(good, kPass, lo).ok());
  lo.max_total_iterations = 29999;
  auto over = KeyStore::Load(good, kPass, lo);
  REQUIRE_FALSE(over.ok());
  CHECK(GetErrorKind(over.status()) == ErrorKind::kLimitExceeded);
  CHECK(absl::StrContains(over.status().message(), "declares 30000 iterations"));
  // A PBMAC1 bomb: 10,000,000 iterations with a 64-byte key (two PBKDF2
  // blocks) declares 20,000,000 plus the file's own 20,000: refused at once.
  const Bytes bomb_alg = Pbmac1Alg(Cat({Octets(kSalt16), Int({0x00, 0x98, 0x96, 0x80}), Int({0x40}),
                                        HmacSha256Alg()}));
  const Bytes bomb = WithMacData(good, bomb_alg);
  const auto start = std::chrono::steady_clock::now();
  auto refused = KeyStore::Load(bomb, kPass);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  REQUIRE_FALSE(refused.ok());
  INFO(refused.status().message());
  CHECK(GetErrorKind(refused.status()) == ErrorKind::kLimitExceeded);
  CHECK(absl::StrContains(refused.status().message(), "declares 20020000 iterations"));
  CHECK(seconds < 0.1);
  // The writer's own MacData shape: the MAC algorithm is id-PBMAC1.
  const Bytes mac_alg = MacAlgorithmOf(good);
  CHECK(absl::StrContains(std::string(mac_alg.begin(), mac_alg.end()),
                          std::string(kOidPbmac1.begin(), kOidPbmac1.end())));
}
