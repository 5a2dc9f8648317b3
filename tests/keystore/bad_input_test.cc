// Damaged and hostile keystore input: each case a clear, distinct ErrorKind,
// never a crash or a length-driven giant allocation (also run under ASan).
#include <cstring>

#include <catch2/catch.hpp>

#include "absl/strings/match.h"
#include "certkit/error.h"
#include "certkit/keystore.h"
#include "fixtures.h"
#include "keystore/keystore_access.h"
#include "openssl/sha.h"
#include "openssl/bytestring.h"
#include "openssl/mem.h"
#include "support/oracle.h"

using certkit::Bytes;
using certkit::ErrorKind;
using certkit::GetErrorKind;
using certkit::KeyStore;
using certkit::StoreFormat;
using certkit_test::TempDir;
using keystore_test::Alg;
using keystore_test::Unwrap;

namespace {

const char kPass[] = "storepass1";

struct Material {
  TempDir dir;
  keystore_test::Pki pki = keystore_test::MakePki(dir, "b", Alg::kEc);
};

Material& Shared() {
  static Material m;
  return m;
}

KeyStore NodeStore() {
  KeyStore ks;
  REQUIRE(ks.SetKeyEntry("node1", Shared().pki.leaf_key, {Shared().pki.leaf_cert}).ok());
  return ks;
}

KeyStore TrustStore() {
  KeyStore ks;
  REQUIRE(ks.AddTrustedCert("ca", Shared().pki.ca_cert).ok());
  return ks;
}

ErrorKind LoadKind(const Bytes& data, const std::string& pass = kPass,
                   const certkit::LoadOptions& opts = {}) {
  auto ks = KeyStore::Load(data, pass, opts);
  if (!ks.ok()) {
    CHECK_FALSE(absl::StrContains(ks.status().message(), pass));
  }
  return GetErrorKind(ks.status());
}

using keystore_test::Rehash;

certkit::SaveOptions FastPkcs12() {
  certkit::SaveOptions so;
  so.pkcs12_iterations = 1000;
  return so;
}

}  // namespace

TEST_CASE("wrong store password is kBadPassword, not leaked") {
  for (StoreFormat f : {StoreFormat::kJks, StoreFormat::kPkcs12}) {
    Bytes data = Unwrap(NodeStore().Save(f, kPass, FastPkcs12()));
    CHECK(LoadKind(data, "Wrong-Password-77") == ErrorKind::kBadPassword);
    Bytes trust = Unwrap(TrustStore().Save(f, kPass, FastPkcs12()));
    CHECK(LoadKind(trust, "Wrong-Password-77") == ErrorKind::kBadPassword);
  }
}

TEST_CASE("corrupted digest/MAC with the right password is kIntegrity") {
  Bytes jks = Unwrap(NodeStore().Save(StoreFormat::kJks, kPass));
  jks.back() ^= 0x01;
  CHECK(LoadKind(jks) == ErrorKind::kIntegrity);
  Bytes p12 = Unwrap(NodeStore().Save(StoreFormat::kPkcs12, kPass, FastPkcs12()));
  // The MAC value sits near the end (before the 20-byte salt and the count).
  p12[p12.size() - 30] ^= 0x01;
  CHECK(LoadKind(p12) == ErrorKind::kIntegrity);
}

TEST_CASE("truncation at every length is kMalformed") {
  for (StoreFormat f : {StoreFormat::kJks, StoreFormat::kPkcs12}) {
    INFO(certkit::StoreFormatName(f));
    Bytes data = Unwrap(NodeStore().Save(f, kPass, FastPkcs12()));
    certkit::LoadOptions opts;
    opts.format = f;
    for (size_t len = 0; len < data.size(); ++len) {
      Bytes cut(data.begin(), data.begin() + len);
      ErrorKind kind = LoadKind(cut, kPass, opts);
      INFO("length " << len);
      REQUIRE(kind == ErrorKind::kMalformed);
    }
  }
}

TEST_CASE("flipped bytes never load and never crash") {
  for (StoreFormat f : {StoreFormat::kJks, StoreFormat::kPkcs12}) {
    INFO(certkit::StoreFormatName(f));
    Bytes data = Unwrap(NodeStore().Save(f, kPass, FastPkcs12()));
    size_t step = f == StoreFormat::kJks ? 1 : 5;
    for (size_t i = 0; i < data.size(); i += step) {
      Bytes bad = data;
      bad[i] ^= 0x40;
      ErrorKind kind = LoadKind(bad);
      INFO("byte " << i);
      REQUIRE(kind != ErrorKind::kOk);
      REQUIRE((kind == ErrorKind::kMalformed || kind == ErrorKind::kIntegrity ||
               kind == ErrorKind::kBadPassword || kind == ErrorKind::kUnsupported ||
               kind == ErrorKind::kBadKeyPassword || kind == ErrorKind::kLimitExceeded));
    }
  }
}

TEST_CASE("JKS huge declared count and lengths are kMalformed without allocation") {
  // count = 0x7fffffff in a 32-byte file.
  Bytes header{0xFE, 0xED, 0xFE, 0xED, 0, 0, 0, 2, 0x7F, 0xFF, 0xFF, 0xFF};
  header.resize(header.size() + 20);
  CHECK(LoadKind(header) == ErrorKind::kMalformed);
  // A trusted entry whose certificate claims 4 GB.
  Bytes jks = Unwrap(TrustStore().Save(StoreFormat::kJks, kPass));
  // magic(4) version(4) count(4) tag(4) alias(2+2) date(8) type(2+5) len(4)
  size_t len_at = 12 + 4 + 2 + 2 + 8 + 2 + 5;
  for (int i = 0; i < 4; ++i) jks[len_at + i] = 0xFF;
  Rehash(&jks, kPass);
  CHECK(LoadKind(jks) == ErrorKind::kMalformed);
}

TEST_CASE("JKS unknown tag, trailing garbage, bad magic, duplicate aliases") {
  Bytes jks = Unwrap(TrustStore().Save(StoreFormat::kJks, kPass));
  Bytes tag = jks;
  tag[15] = 7;
  Rehash(&tag, kPass);
  auto r = KeyStore::Load(tag, kPass);
  CHECK(GetErrorKind(r.status()) == ErrorKind::kMalformed);
  CHECK(absl::StrContains(r.status().message(), "unknown tag 7"));

  Bytes trailing = jks;
  trailing.insert(trailing.end(), {1, 2, 3});
  r = KeyStore::Load(trailing, kPass);
  CHECK(GetErrorKind(r.status()) == ErrorKind::kMalformed);
  CHECK(absl::StrContains(r.status().message(), "trailing"));

  Bytes magic = jks;
  magic[0] = 0xAB;
  CHECK(LoadKind(magic) == ErrorKind::kMalformed);

  KeyStore dup = TrustStore();
  certkit::KeyStoreAccess::Entries(dup).push_back(dup.entries()[0]);
  Bytes twice = Unwrap(dup.Save(StoreFormat::kJks, kPass));
  CHECK(LoadKind(twice) == ErrorKind::kInvalidArgument);
}

TEST_CASE("a mixed-case alias is never written to JKS") {
  KeyStore ks = TrustStore();
  certkit::KeyStoreAccess::Entries(ks)[0].alias = "MixedCase";
  CHECK_FALSE(ks.Save(StoreFormat::kJks, kPass).ok());
}

TEST_CASE("PKCS#12 trailing garbage, absurd iteration counts") {
  Bytes p12 = Unwrap(NodeStore().Save(StoreFormat::kPkcs12, kPass, FastPkcs12()));
  Bytes trailing = p12;
  trailing.push_back(0);
  CHECK(LoadKind(trailing) == ErrorKind::kMalformed);
  certkit::LoadOptions strict;
  strict.max_iterations = 500;
  auto r = KeyStore::Load(p12, kPass, strict);
  CHECK(GetErrorKind(r.status()) == ErrorKind::kLimitExceeded);
  CHECK(absl::StrContains(r.status().message(), "1000"));
}

TEST_CASE("garbage is not a store") {
  Bytes junk{'h', 'e', 'l', 'l', 'o'};
  CHECK(GetErrorKind(certkit::DetectStoreFormat(junk).status()) == ErrorKind::kMalformed);
  CHECK(LoadKind(junk) == ErrorKind::kMalformed);
  Bytes empty;
  CHECK(LoadKind(empty) == ErrorKind::kMalformed);
}

TEST_CASE("JKS version 1 (no certificate type strings) is read") {
  Bytes v2 = Unwrap(TrustStore().Save(StoreFormat::kJks, kPass));
  // Drop the u16 length + "X.509" in front of the certificate and set version 1.
  size_t type_at = 12 + 4 + 2 + 2 + 8;
  Bytes v1(v2.begin(), v2.begin() + type_at);
  v1.insert(v1.end(), v2.begin() + type_at + 7, v2.end());
  v1[7] = 1;
  Rehash(&v1, kPass);
  auto ks = Unwrap(KeyStore::Load(v1, kPass));
  REQUIRE(ks.size() == 1);
  CHECK(ks.entries()[0].certificate() == Shared().pki.ca_cert);
}

namespace {

// Appends an OBJECT IDENTIFIER given in dotted text.
void AddOid(CBB* cbb, const char* text) {
  CBB oid;
  REQUIRE(CBB_add_asn1(cbb, &oid, CBS_ASN1_OBJECT));
  REQUIRE(CBB_add_asn1_oid_from_text(&oid, text, strlen(text)));
  REQUIRE(CBB_flush(cbb));
}

// A SafeBag (RFC 7292 4.2) of type |oid| whose [0] value is |value| (DER),
// with |attrs| (the DER of a SET, or empty).
Bytes SafeBag(const char* oid, const Bytes& value, const Bytes& attrs = {}) {
  bssl::ScopedCBB cbb;
  CBB bag, wrapped;
  REQUIRE(CBB_init(cbb.get(), 64));
  REQUIRE(CBB_add_asn1(cbb.get(), &bag, CBS_ASN1_SEQUENCE));
  AddOid(&bag, oid);
  REQUIRE(CBB_add_asn1(&bag, &wrapped, CBS_ASN1_CONTEXT_SPECIFIC | CBS_ASN1_CONSTRUCTED | 0));
  REQUIRE(CBB_add_bytes(&wrapped, value.data(), value.size()));
  REQUIRE(CBB_add_bytes(&bag, attrs.data(), attrs.size()));
  uint8_t* out = nullptr;
  size_t len = 0;
  REQUIRE(CBB_finish(cbb.get(), &out, &len));
  Bytes der(out, out + len);
  OPENSSL_free(out);
  return der;
}

// Wraps |der| in a universal constructed |tag| (SEQUENCE, SET).
Bytes Wrap(unsigned tag, const Bytes& der) {
  bssl::ScopedCBB cbb;
  CBB child;
  REQUIRE(CBB_init(cbb.get(), der.size() + 8));
  REQUIRE(CBB_add_asn1(cbb.get(), &child, tag));
  REQUIRE(CBB_add_bytes(&child, der.data(), der.size()));
  uint8_t* out = nullptr;
  size_t len = 0;
  REQUIRE(CBB_finish(cbb.get(), &out, &len));
  Bytes wrapped(out, out + len);
  OPENSSL_free(out);
  return wrapped;
}

// A MAC-less PFX whose one SafeContents holds a trusted certificate bag
// (friendlyName "nested", as keytool marks trust) inside |depth|
// safeContentsBags, one in the other.
Bytes NestedPfx(int depth) {
  const Bytes cert = Shared().pki.ca_cert.ToDer();
  bssl::ScopedCBB tmp;
  // CertBag: certId x509Certificate, certValue [0] OCTET STRING.
  CBB cert_bag, value, octets;
  REQUIRE(CBB_init(tmp.get(), cert.size() + 32));
  REQUIRE(CBB_add_asn1(tmp.get(), &cert_bag, CBS_ASN1_SEQUENCE));
  AddOid(&cert_bag, "1.2.840.113549.1.9.22.1");
  REQUIRE(CBB_add_asn1(&cert_bag, &value, CBS_ASN1_CONTEXT_SPECIFIC | CBS_ASN1_CONSTRUCTED | 0));
  REQUIRE(CBB_add_asn1(&value, &octets, CBS_ASN1_OCTETSTRING));
  REQUIRE(CBB_add_bytes(&octets, cert.data(), cert.size()));
  uint8_t* out = nullptr;
  size_t len = 0;
  REQUIRE(CBB_finish(tmp.get(), &out, &len));
  const Bytes cert_bag_der(out, out + len);
  OPENSSL_free(out);
  // Attributes: friendlyName "nested" (BMPString) and Oracle's trusted-key
  // usage (anyExtendedKeyUsage), as keytool marks a trusted certificate.
  auto attribute = [](const char* oid, const Bytes& value) {
    bssl::ScopedCBB cbb;
    CBB attr;
    REQUIRE(CBB_init(cbb.get(), 64));
    REQUIRE(CBB_add_asn1(cbb.get(), &attr, CBS_ASN1_SEQUENCE));
    AddOid(&attr, oid);
    const Bytes set = Wrap(CBS_ASN1_SET, value);
    REQUIRE(CBB_add_bytes(&attr, set.data(), set.size()));
    uint8_t* bytes = nullptr;
    size_t n = 0;
    REQUIRE(CBB_finish(cbb.get(), &bytes, &n));
    Bytes der(bytes, bytes + n);
    OPENSSL_free(bytes);
    return der;
  };
  Bytes attrs = attribute("1.2.840.113549.1.9.20",
                          {0x1e, 0x0c, 0, 'n', 0, 'e', 0, 's', 0, 't', 0, 'e', 0, 'd'});
  const Bytes trusted = attribute("2.16.840.1.113894.746875.1.1", {0x06, 0x04, 0x55, 0x1d, 0x25, 0x00});
  attrs.insert(attrs.end(), trusted.begin(), trusted.end());
  Bytes contents = Wrap(CBS_ASN1_SEQUENCE, SafeBag("1.2.840.113549.1.12.10.1.3", cert_bag_der,
                                                  Wrap(CBS_ASN1_SET, attrs)));
  for (int i = 0; i < depth; ++i) {
    contents = Wrap(CBS_ASN1_SEQUENCE, SafeBag("1.2.840.113549.1.12.10.1.6", contents));
  }
  // AuthenticatedSafe: one ContentInfo of type data holding |contents|.
  auto content_info = [](const Bytes& data) {
    bssl::ScopedCBB cbb;
    CBB ci, explicit0, os;
    REQUIRE(CBB_init(cbb.get(), data.size() + 32));
    REQUIRE(CBB_add_asn1(cbb.get(), &ci, CBS_ASN1_SEQUENCE));
    AddOid(&ci, "1.2.840.113549.1.7.1");
    REQUIRE(CBB_add_asn1(&ci, &explicit0, CBS_ASN1_CONTEXT_SPECIFIC | CBS_ASN1_CONSTRUCTED | 0));
    REQUIRE(CBB_add_asn1(&explicit0, &os, CBS_ASN1_OCTETSTRING));
    REQUIRE(CBB_add_bytes(&os, data.data(), data.size()));
    uint8_t* bytes = nullptr;
    size_t n = 0;
    REQUIRE(CBB_finish(cbb.get(), &bytes, &n));
    Bytes der(bytes, bytes + n);
    OPENSSL_free(bytes);
    return der;
  };
  const Bytes auth_safe = content_info(Wrap(CBS_ASN1_SEQUENCE, content_info(contents)));
  Bytes pfx{0x02, 0x01, 0x03};  // version 3
  pfx.insert(pfx.end(), auth_safe.begin(), auth_safe.end());
  return Wrap(CBS_ASN1_SEQUENCE, pfx);
}

}  // namespace

TEST_CASE("PKCS#12 safeContentsBag nesting is bounded") {
  // OpenSSL #28615: deeply nested safeContentsBags drive a recursive parser
  // into the stack. certkit follows 4 levels, which no writer exceeds
  // (OpenSSL and the JDK write none), and refuses more before descending.
  certkit::LoadOptions no_mac;
  no_mac.allow_missing_mac = true;
  SECTION("four levels: the certificate inside is read") {
    auto ks = KeyStore::Load(NestedPfx(4), "", no_mac);
    INFO(ks.status());
    REQUIRE(ks.ok());
    REQUIRE(ks->size() == 1);
    CHECK(ks->entries()[0].alias == "nested");
    CHECK(ks->entries()[0].certificate() == Shared().pki.ca_cert);
    // openssl reads the same file the same way.
    TempDir dir;
    const std::string file = dir.File("nested4.p12");
    certkit_test::WriteBytes(file, NestedPfx(4));
    const auto openssl = certkit_test::Run(
        {"openssl", "pkcs12", "-in", file, "-nokeys", "-passin", "pass:", "-nomacver"});
    INFO(openssl.output());
    CHECK(openssl.exit_code == 0);
    CHECK(absl::StrContains(openssl.out, "friendlyName: nested"));
    CHECK(absl::StrContains(openssl.out, "-----BEGIN CERTIFICATE-----"));
  }
  SECTION("five levels: refused, naming the limit") {
    auto ks = KeyStore::Load(NestedPfx(5), "", no_mac);
    REQUIRE_FALSE(ks.ok());
    CHECK(GetErrorKind(ks.status()) == ErrorKind::kLimitExceeded);
    CHECK(absl::StrContains(ks.status().message(), "safeContentsBag nesting is deeper than 4 levels"));
  }
  SECTION("100 levels: refused at the fifth") {
    auto ks = KeyStore::Load(NestedPfx(100), "", no_mac);
    REQUIRE_FALSE(ks.ok());
    CHECK(GetErrorKind(ks.status()) == ErrorKind::kLimitExceeded);
    CHECK(absl::StrContains(ks.status().message(), "safeContentsBag nesting is deeper than 4 levels"));
  }
  SECTION("3,000 levels: refused by the BER reader's own depth limit, without deep recursion") {
    // 3 constructed elements per level: past BoringSSL's 2048 (ber.c).
    auto ks = KeyStore::Load(NestedPfx(3000), "", no_mac);
    REQUIRE_FALSE(ks.ok());
    INFO(ks.status());
    CHECK(GetErrorKind(ks.status()) == ErrorKind::kMalformed);
    CHECK(absl::StrContains(ks.status().message(), "nests more than 2048 levels deep"));
  }
}
