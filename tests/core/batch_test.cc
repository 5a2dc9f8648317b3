// Batch issuance (certkit/batch.h): per-item results and errors, progress,
// cancellation; every issued certificate is checked by openssl verify.
#include <catch2/catch.hpp>

#include <atomic>
#include <mutex>
#include <stdexcept>
#include <string>
#include <vector>

#include "certkit/batch.h"
#include "certkit/error.h"
#include "support/oracle.h"
#include "x509_fixtures.h"

using certkit::BatchItem;
using certkit::BatchOptions;
using certkit::ErrorKind;
using certkit::GetErrorKind;
using certkit::IssueBatch;
using certkit::KeySpec;
using certkit::Profile;
using certkit_test::TempDir;
using namespace x509_test;

namespace {

// ConstrainedRoot is a P-256 root whose name constraints permit only
// names under example.com.
certkit::CertificateAuthority ConstrainedRoot() {
  certkit::CaOptions opts;
  opts.subject = Dn("CN=Batch CA");
  opts.key = NewKey("ec:p256");
  opts.name_constraints.permitted_dns = {"example.com"};
  auto ca = certkit::CertificateAuthority::CreateRoot(opts);
  INFO(ca.status());
  REQUIRE(ca.ok());
  return *ca;
}

BatchItem FreshKeyItem(const std::string& cn, const std::string& sans) {
  BatchItem item;
  item.subject_key = *KeySpec::Parse("ec:p256");
  item.profile = Profile::Node();
  item.options.subject = Dn("CN=" + cn);
  item.options.sans = Sans(sans);
  return item;
}

bool Mentions(const absl::Status& s, const std::string& text) {
  return std::string(s.message()).find(text) != std::string::npos;
}

}  // namespace

TEST_CASE("a batch issues every good item and reports each bad one on its own") {
  REQUIRE(certkit_test::HaveTool("openssl"));
  const certkit::CertificateAuthority ca = ConstrainedRoot();
  std::vector<BatchItem> items;
  for (int i = 0; i < 12; ++i) {
    const std::string cn = "n" + std::to_string(i);
    items.push_back(FreshKeyItem(cn, "DNS:" + cn + ".example.com"));
  }
  const size_t kPublicKey = items.size();
  const certkit::PrivateKey own_key = NewKey("ed25519");
  {
    BatchItem item;
    item.subject_key = own_key.public_key();
    item.options.subject = Dn("CN=pk");
    item.options.sans = Sans("DNS:pk.example.com");
    items.push_back(item);
  }
  const size_t kCsr = items.size();
  const certkit::PrivateKey csr_key = NewKey("ec:p384");
  const certkit::CertificateRequest csr = NewCsr("CN=csr", Sans("DNS:csr.example.com"), csr_key);
  {
    BatchItem item;
    item.subject_key = csr;
    items.push_back(item);
  }
  const size_t kBrokenCsr = items.size();
  {
    certkit::Bytes der = NewCsr("CN=broken", Sans("DNS:broken.example.com"), csr_key).ToDer();
    der[der.size() - 5] ^= 0x01;  // inside the signature value
    auto tampered = certkit::CertificateRequest::FromDer(der);
    REQUIRE(tampered.ok());
    BatchItem item;
    item.subject_key = *tampered;
    items.push_back(item);
  }
  const size_t kOutside = items.size();
  items.push_back(FreshKeyItem("outside", "DNS:db.other.org"));
  const size_t kNoSubject = items.size();
  {
    BatchItem item;
    item.subject_key = own_key.public_key();
    items.push_back(item);
  }
  for (int i = 12; i < 20; ++i) {
    const std::string cn = "n" + std::to_string(i);
    items.push_back(FreshKeyItem(cn, "DNS:" + cn + ".example.com"));
  }

  std::mutex mu;
  std::vector<size_t> reports;
  BatchOptions options;
  options.jobs = 3;
  options.progress = [&](size_t done, size_t total) {
    std::lock_guard<std::mutex> lock(mu);
    CHECK(total == items.size());
    reports.push_back(done);
    return true;
  };
  auto results = IssueBatch(ca, items, options);
  REQUIRE(results.size() == items.size());

  // Progress: one report per item, rising by one up to the total.
  REQUIRE(reports.size() == items.size());
  for (size_t i = 0; i < reports.size(); ++i) CHECK(reports[i] == i + 1);

  // The bad items fail alone, each with its own precise error.
  REQUIRE_FALSE(results[kBrokenCsr].ok());
  CHECK(GetErrorKind(results[kBrokenCsr].status()) == ErrorKind::kBadSignature);
  REQUIRE_FALSE(results[kOutside].ok());
  CHECK(GetErrorKind(results[kOutside].status()) == ErrorKind::kNameConstraints);
  CHECK(Mentions(results[kOutside].status(), "db.other.org"));
  REQUIRE_FALSE(results[kNoSubject].ok());
  CHECK(GetErrorKind(results[kNoSubject].status()) == ErrorKind::kInvalidArgument);

  // Every other item is issued; openssl verifies each against the CA
  // (signature, name constraints, serverAuth purpose).
  TempDir dir;
  const std::string root = WriteCert(dir, "ca.pem", ca.certificate());
  size_t issued = 0;
  for (size_t i = 0; i < results.size(); ++i) {
    if (i == kBrokenCsr || i == kOutside || i == kNoSubject) continue;
    INFO("item " << i << ": " << results[i].status());
    REQUIRE(results[i].ok());
    const certkit::Certificate& cert = results[i]->certificate;
    const std::string path = WriteCert(dir, "leaf" + std::to_string(i) + ".pem", cert);
    auto v = OpensslVerify(root, "", path, "sslserver");
    INFO(v.output());
    CHECK(v.exit_code == 0);
    if (i == kPublicKey) {
      CHECK_FALSE(results[i]->private_key.has_value());
      CHECK(cert.MatchesKey(own_key));
    } else if (i == kCsr) {
      CHECK_FALSE(results[i]->private_key.has_value());
      CHECK(cert.MatchesKey(csr_key));
      CHECK(cert.subject().ToRfc4514() == "CN=csr");
    } else {
      REQUIRE(results[i]->private_key.has_value());
      CHECK(cert.MatchesKey(*results[i]->private_key));
    }
    ++issued;
  }
  CHECK(issued == items.size() - 3);
  // Fresh keys are fresh: no two items share one.
  CHECK_FALSE(results[0]->certificate.MatchesKey(*results[1]->private_key));
}

TEST_CASE("a progress callback that returns false cancels the rest of the batch") {
  const certkit::CertificateAuthority ca = ConstrainedRoot();
  std::vector<BatchItem> items;
  for (int i = 0; i < 60; ++i) items.push_back(FreshKeyItem("c", "DNS:c.example.com"));
  std::atomic<int> calls{0};
  BatchOptions options;
  options.jobs = 2;
  options.progress = [&](size_t done, size_t) {
    ++calls;
    return done < 5;
  };
  auto results = IssueBatch(ca, items, options);
  CHECK(calls == 5);  // no report after the cancelling one
  size_t ok = 0, cancelled = 0;
  bool cancelled_seen = false;
  for (const auto& r : results) {
    if (r.ok()) {
      ++ok;
      CHECK_FALSE(cancelled_seen);  // items start in order: cancelled ones are the tail
    } else {
      CHECK(GetErrorKind(r.status()) == ErrorKind::kCancelled);
      ++cancelled;
      cancelled_seen = true;
    }
  }
  CHECK(ok >= 5);
  CHECK(ok <= 5 + 2);  // at most the workers' items in flight finish
  CHECK(ok + cancelled == items.size());
}

TEST_CASE("on_issued errors are the item's, and stop_on_error stops new items") {
  const certkit::CertificateAuthority ca = ConstrainedRoot();
  std::vector<BatchItem> items;
  for (int i = 0; i < 6; ++i) items.push_back(FreshKeyItem("s", "DNS:s.example.com"));
  BatchOptions options;
  options.jobs = 1;
  options.on_issued = [](size_t i, const certkit::IssuedCertificate& issued) -> absl::Status {
    CHECK(issued.private_key.has_value());
    return i == 2 ? certkit::MakeError(ErrorKind::kIo, "disk full at item 2") : absl::OkStatus();
  };
  auto all = IssueBatch(ca, items, options);
  for (size_t i = 0; i < all.size(); ++i) CHECK(all[i].ok() == (i != 2));
  CHECK(all[2].status().message() == "disk full at item 2");

  options.stop_on_error = true;
  auto stopped = IssueBatch(ca, items, options);
  CHECK(stopped[0].ok());
  CHECK(stopped[1].ok());
  CHECK(GetErrorKind(stopped[2].status()) == ErrorKind::kIo);
  for (size_t i = 3; i < stopped.size(); ++i) {
    CHECK(GetErrorKind(stopped[i].status()) == ErrorKind::kCancelled);
  }

  // An exception in on_issued becomes the item's kInternal, on a worker
  // thread as well.
  options = BatchOptions();
  options.jobs = 2;
  options.on_issued = [](size_t i, const certkit::IssuedCertificate&) -> absl::Status {
    if (i == 4) throw std::runtime_error("boom at 4");
    return absl::OkStatus();
  };
  auto thrown = IssueBatch(ca, items, options);
  CHECK(GetErrorKind(thrown[4].status()) == ErrorKind::kInternal);
  CHECK(Mentions(thrown[4].status(), "boom at 4"));
  CHECK(thrown[5].ok());

  options = BatchOptions();  // jobs = 0: the machine's cores
  CHECK(IssueBatch(ca, items, options).size() == items.size());
  CHECK(IssueBatch(ca, {}, options).empty());
}
