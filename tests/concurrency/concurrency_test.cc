// Concurrency: the promises of ca.h, batch.h, verify.h and certkit.h about threads,
// exercised so that ThreadSanitizer (scripts/ci-tsan.sh) can see any race.
// Each case also checks its results, so it is a test in a plain build too.
#include <atomic>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <catch2/catch.hpp>

#include "absl/strings/str_cat.h"
#include "certkit/batch.h"
#include "certkit/ca.h"
#include "certkit/certkit.h"
#include "certkit/verify.h"

using certkit::Certificate;
using certkit::CertificateAuthority;
using certkit::PrivateKey;

namespace {

template <typename T>
T Unwrap(absl::StatusOr<T> v) {
  REQUIRE(v.ok());
  return *std::move(v);
}

CertificateAuthority Root(const std::string& cn) {
  certkit::CaOptions o;
  o.subject = Unwrap(certkit::DistinguishedName::Parse("CN=" + cn));
  return Unwrap(CertificateAuthority::CreateRoot(o));
}

Certificate Node(const CertificateAuthority& ca, const std::string& host) {
  PrivateKey key = Unwrap(PrivateKey::Generate(certkit::KeySpec{}));
  certkit::IssueOptions io;
  io.subject = Unwrap(certkit::DistinguishedName::Parse("CN=" + host));
  io.sans = {certkit::SubjectAltName::Dns(host)};
  return Unwrap(ca.SignPublicKey(key.public_key(), certkit::Profile::Node(), io));
}

}  // namespace

TEST_CASE("one CA signs from 8 threads") {
  const CertificateAuthority ca = Root("Threaded CA");
  const PrivateKey key = Unwrap(PrivateKey::Generate(certkit::KeySpec{}));
  constexpr int kThreads = 8, kPerThread = 8;
  std::vector<std::vector<Certificate>> out(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      certkit::IssueOptions io;
      io.subject = *certkit::DistinguishedName::Parse(absl::StrCat("CN=n", t));
      io.sans = {certkit::SubjectAltName::Dns(absl::StrCat("n", t, ".example.com"))};
      for (int i = 0; i < kPerThread; ++i) {
        auto c = ca.SignPublicKey(key.public_key(), certkit::Profile::Node(), io);
        if (c.ok()) out[t].push_back(*c);
      }
    });
  }
  for (auto& th : threads) th.join();
  std::set<std::string> serials;
  const certkit::TrustStore trust({ca.certificate()});
  for (const auto& v : out) {
    REQUIRE(v.size() == kPerThread);
    for (const Certificate& c : v) {
      serials.insert(c.serial_hex());
      CHECK(certkit::Verify(c, {}, trust).ok());
    }
  }
  CHECK(serials.size() == kThreads * kPerThread);
}

TEST_CASE("verifying with a shared TrustStore while another thread adds to it") {
  const CertificateAuthority ca = Root("Shared CA");
  const Certificate leaf = Node(ca, "db1.example.com");
  std::vector<Certificate> others;
  for (int i = 0; i < 40; ++i) others.push_back(Root(absl::StrCat("Other ", i)).certificate());
  certkit::TrustStore shared({ca.certificate()});
  std::atomic<bool> adding{true};
  std::atomic<int> failures{0}, runs{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      certkit::VerifyOptions v;
      v.identity = certkit::PeerIdentity::Dns("db1.example.com");
      do {
        // Verify on the store itself, and on a copy taken now.
        if (!certkit::Verify(leaf, {}, shared, v).ok()) ++failures;
        certkit::TrustStore copy = shared;
        if (!certkit::Verify(leaf, {}, copy, v).ok()) ++failures;
        runs += 2;
      } while (adding.load());
    });
  }
  std::thread adder([&] {
    for (const Certificate& c : others) {
      shared.Add(c);
      shared.Add(c);  // a duplicate is ignored
    }
    adding = false;
  });
  adder.join();
  for (auto& th : threads) th.join();
  CHECK(failures.load() == 0);
  CHECK(runs.load() >= 8);
  CHECK(shared.size() == 41);
  CHECK(shared.anchors().front() == ca.certificate());
}

TEST_CASE("one CertkitSsl verifies peers from several threads while it is configured") {
  const CertificateAuthority ca = Root("Ssl CA");
  const Certificate leaf = Node(ca, "db2.example.com");
  const std::string ca_pem = ca.certificate().ToPem();
  const certkit::Bytes der = leaf.ToDer();
  CertkitSsl* ssl = certkit_ssl_new();
  REQUIRE(ssl != nullptr);
  REQUIRE(certkit_ssl_add_trusted_cert_n(ssl, ca_pem.data(), ca_pem.size()) == CERTKIT_OK);
  certkit_ssl_set_verify_flags(ssl, CERTKIT_SSL_VERIFY_PEER_CERT | CERTKIT_SSL_VERIFY_PEER_IDENTITY_DNS);
  std::atomic<bool> configuring{true};
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      CertkitSsl* mine = certkit_ssl_ref(ssl);
      const uint8_t* ders[] = {der.data()};
      const size_t lengths[] = {der.size()};
      do {
        if (certkit_ssl_verify_peer(mine, ders, lengths, 1, "db2.example.com") != CERTKIT_OK) {
          ++failures;
        }
      } while (configuring.load());
      certkit_ssl_free(mine);
    });
  }
  std::thread configurer([&] {
    for (int i = 0; i < 20; ++i) {
      const std::string other = Root(absl::StrCat("Extra ", i)).certificate().ToPem();
      if (certkit_ssl_add_trusted_cert_n(ssl, other.data(), other.size()) != CERTKIT_OK) ++failures;
      certkit_ssl_set_verify_flags(ssl, certkit_ssl_get_verify_flags(ssl));
    }
    configuring = false;
  });
  configurer.join();
  for (auto& th : threads) th.join();
  certkit_ssl_free(ssl);
  CHECK(failures.load() == 0);
}

TEST_CASE("IssueBatch on 8 workers: results, progress and on_issued stay per item") {
  const CertificateAuthority ca = Root("Batch CA");
  std::vector<certkit::BatchItem> items(48);
  for (size_t i = 0; i < items.size(); ++i) {
    items[i].options.subject =
        Unwrap(certkit::DistinguishedName::Parse(absl::StrCat("CN=b", i)));
    items[i].options.sans = {certkit::SubjectAltName::Dns(absl::StrCat("b", i, ".example.com"))};
  }
  items[7].options.subject.reset();  // fails alone
  std::vector<int> seen(items.size(), 0);  // written by on_issued, one slot per item
  size_t last_done = 0;                    // written by progress (serialized)
  certkit::BatchOptions options;
  options.jobs = 8;
  options.on_issued = [&](size_t i, const certkit::IssuedCertificate&) {
    ++seen[i];
    return absl::OkStatus();
  };
  options.progress = [&](size_t done, size_t) {
    CHECK(done == last_done + 1);
    last_done = done;
    return true;
  };
  auto results = certkit::IssueBatch(ca, items, options);
  CHECK(last_done == items.size());
  std::set<std::string> serials;
  for (size_t i = 0; i < results.size(); ++i) {
    CHECK(results[i].ok() == (i != 7));
    CHECK(seen[i] == (i != 7 ? 1 : 0));
    if (results[i].ok()) serials.insert(results[i]->certificate.serial_hex());
  }
  CHECK(serials.size() == items.size() - 1);
}
