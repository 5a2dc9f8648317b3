// bench/core/sign_bench.cc: what certkit's SignRequest costs on top of the
// raw signature primitive of the linked BoringSSL.
//
// For each CA key type (RSA-2048, P-256, Ed25519) two benchmarks run in the
// same binary: sign_csr/<key> (CertificateAuthority::SignRequest of a P-256
// node CSR, including CSR signature verification, extension building and
// re-parsing), sign_pubkey/<key> (SignPublicKey: the same without the CSR)
// and raw_sign/<key> (EVP_DigestSign over a 1 KiB buffer, about
// the size of a TBSCertificate, with the same CA key). After the run the
// program prints "sign_csr/raw ratio <key>: N.NN" (CPU time) for each pair.
#include <benchmark/benchmark.h>

#include <cstdio>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "certkit/ca.h"
#include "certkit/csr.h"
#include "certkit/key.h"
#include "certkit/name.h"
#include "certkit/profile.h"
#include "openssl/evp.h"
#include "openssl/rand.h"
#include "ratio_reporter.h"

namespace {

struct Fixture {
  std::unique_ptr<certkit::CertificateAuthority> ca;
  std::unique_ptr<certkit::CertificateRequest> csr;
};

// GetFixture makes (once per key type) a root CA and a P-256 node CSR.
const Fixture& GetFixture(const std::string& spec) {
  static std::map<std::string, Fixture> fixtures;
  auto it = fixtures.find(spec);
  if (it != fixtures.end()) return it->second;
  Fixture f;
  certkit::CaOptions opts;
  opts.subject = *certkit::DistinguishedName::Parse("CN=Bench CA, O=certkit");
  opts.key_spec = *certkit::KeySpec::Parse(spec);
  auto ca = certkit::CertificateAuthority::CreateRoot(opts);
  if (!ca.ok()) {
    std::fprintf(stderr, "CreateRoot(%s): %s\n", spec.c_str(), ca.status().ToString().c_str());
    std::abort();
  }
  f.ca = std::make_unique<certkit::CertificateAuthority>(*std::move(ca));
  auto leaf_key = certkit::PrivateKey::Generate(*certkit::KeySpec::Parse("ec:p256"));
  certkit::CsrRequest req;
  req.subject = *certkit::DistinguishedName::Parse(
      "CN=10.200.175.15, OU=TestCluster, O=YourCompany, C=US");
  req.sans = *certkit::ParseSubjectAltNames("IP:10.200.175.15,DNS:node1.example.com");
  auto csr = certkit::CertificateRequest::Create(req, *leaf_key);
  if (!csr.ok()) std::abort();
  f.csr = std::make_unique<certkit::CertificateRequest>(*std::move(csr));
  return fixtures.emplace(spec, std::move(f)).first->second;
}

// CountRate sets the counter the ratios are computed from: calls per
// CPU-second (CPU, not wall time: the ratio should not depend on load).
void CountRate(benchmark::State& state) {
  state.counters["per_cpu_s"] =
      benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}

void BM_SignCsr(benchmark::State& state, const std::string& spec) {
  const Fixture& f = GetFixture(spec);
  const certkit::Profile profile = certkit::Profile::Node();
  for (auto _ : state) {
    auto cert = f.ca->SignRequest(*f.csr, profile);
    if (!cert.ok()) {
      state.SkipWithError("SignRequest failed");
      break;
    }
    benchmark::DoNotOptimize(cert);
  }
  CountRate(state);
}

// BM_SignPublicKey: the same issuance without the CSR (no CSR signature
// check), to separate certkit's own overhead from the CSR verification.
void BM_SignPublicKey(benchmark::State& state, const std::string& spec) {
  const Fixture& f = GetFixture(spec);
  const certkit::Profile profile = certkit::Profile::Node();
  certkit::IssueOptions options;
  options.subject = f.csr->subject();
  options.sans = f.csr->requested_sans();
  const certkit::PublicKey key = f.csr->public_key();
  for (auto _ : state) {
    auto cert = f.ca->SignPublicKey(key, profile, options);
    if (!cert.ok()) {
      state.SkipWithError("SignPublicKey failed");
      break;
    }
    benchmark::DoNotOptimize(cert);
  }
  CountRate(state);
}

void BM_RawSign(benchmark::State& state, const std::string& spec) {
  const certkit::PrivateKey& key = GetFixture(spec).ca->key();
  std::vector<uint8_t> tbs(1024);
  RAND_bytes(tbs.data(), tbs.size());
  std::vector<uint8_t> sig(1024);
  for (auto _ : state) {
    bssl::ScopedEVP_MD_CTX ctx;
    size_t sig_len = sig.size();
    if (!EVP_DigestSignInit(ctx.get(), nullptr, certkit::DefaultDigest(key), nullptr,
                            key.native()) ||
        !EVP_DigestSign(ctx.get(), sig.data(), &sig_len, tbs.data(), tbs.size())) {
      state.SkipWithError("EVP_DigestSign failed");
      break;
    }
    benchmark::DoNotOptimize(sig_len);
  }
  CountRate(state);
}

const char* const kSpecs[][2] = {{"rsa2048", "rsa:2048"}, {"p256", "ec:p256"},
                                 {"ed25519", "ed25519"}};

}  // namespace

int main(int argc, char** argv) {
  for (const auto& s : kSpecs) {
    const std::string label = s[0], spec = s[1];
    benchmark::RegisterBenchmark(("sign_csr/" + label).c_str(), BM_SignCsr, spec);
    benchmark::RegisterBenchmark(("sign_pubkey/" + label).c_str(), BM_SignPublicKey, spec);
    benchmark::RegisterBenchmark(("raw_sign/" + label).c_str(), BM_RawSign, spec);
  }
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  RatioReporter reporter("per_cpu_s");
  benchmark::RunSpecifiedBenchmarks(&reporter);
  // Ratios of CPU time per call: raw rate ÷ rate (medians with repetitions).
  auto& rate = reporter.values;
  for (const auto& s : kSpecs) {
    const std::string label = s[0];
    const std::string raw = "raw_sign/" + label;
    if (!rate.count(raw)) continue;
    for (const char* what : {"sign_csr", "sign_pubkey"}) {
      const std::string name = std::string(what) + "/" + label;
      if (rate.count(name) && rate[name] > 0) {
        std::printf("%s/raw ratio %s: %.2f\n", what, label.c_str(), rate[raw] / rate[name]);
      }
    }
  }
  benchmark::Shutdown();
  return 0;
}
