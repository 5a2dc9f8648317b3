// Damaged and hostile keystore input: each case a clear, distinct ErrorKind,
// never a crash or a length-driven giant allocation (also run under ASan).
#include <catch2/catch.hpp>

#include "absl/strings/match.h"
#include "certkit/error.h"
#include "certkit/keystore.h"
#include "fixtures.h"
#include "keystore/keystore_access.h"
#include "openssl/sha.h"

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
