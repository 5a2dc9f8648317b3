// bench/verify/verify_bench.cc: cost of chain verification.
//
// A 3-certificate chain (root -> intermediate with pathlen 0 -> leaf, made by
// certkit's CertificateAuthority; the leaf is a node certificate with the
// SANs DNS:node1.example.com and IP:10.0.0.5) is verified for a server
// (Purpose::kServerAuth, PeerIdentity::Dns("node1.example.com")), every
// certificate of a chain with the same key type: P-256 (arg key:0),
// RSA-2048 (key:1) or Ed25519 (key:2).
//   * cold: the TrustStore is built (anchor parsed and indexed) per call;
//   * reused: one TrustStore for all calls (the intended use);
// next to the raw primitive, one EVP_DigestVerify of the leaf's signature.
// A chain needs two signature checks, so "reused / (2 x raw)" shows what
// path building and the RFC 5280 rules add on top of the cryptography; the
// ratios are printed after the benchmark table.
// Counters (per CPU-second, one thread): verifications_per_cpu_s on the
// verify benchmarks, signature_checks_per_cpu_s on the raw one; half of the
// latter is the floor of a chain verification. bench/peers/compare.sh reads
// them from the JSON output.
//
// usage: build/bench/verify/bench_verify [--benchmark_min_time=1]
//        [--benchmark_format=json --benchmark_out=FILE --benchmark_out_format=json]
#include <cstdio>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include <benchmark/benchmark.h>

#include "certkit/ca.h"
#include "certkit/verify.h"
#include "openssl/evp.h"
#include "openssl/mem.h"
#include "openssl/x509.h"

namespace {

struct Chain {
  certkit::Certificate root, ica, leaf;
  std::vector<uint8_t> tbs;  // leaf TBSCertificate
  std::vector<uint8_t> sig;  // leaf signature
};

Chain MakeChain(certkit::KeySpec spec) {
  certkit::CaOptions ro;
  ro.subject = *certkit::DistinguishedName::Parse("CN=Bench Root, O=certkit");
  ro.key_spec = spec;
  auto root = certkit::CertificateAuthority::CreateRoot(ro);
  certkit::CaOptions io;
  io.subject = *certkit::DistinguishedName::Parse("CN=Bench Intermediate, O=certkit");
  io.key_spec = spec;
  io.days = 365;
  io.path_len = 0;
  auto ica = certkit::CertificateAuthority::CreateIntermediate(*root, io);
  auto key = certkit::PrivateKey::Generate(spec);
  certkit::IssueOptions no;
  no.days = 30;
  no.subject = *certkit::DistinguishedName::Parse("CN=node, O=certkit");
  no.sans = {certkit::SubjectAltName::Dns("node1.example.com"), *certkit::SubjectAltName::Ip("10.0.0.5")};
  auto leaf = ica->SignPublicKey(key->public_key(), certkit::Profile::Node(), no);
  if (!root.ok() || !ica.ok() || !key.ok() || !leaf.ok()) {
    std::fprintf(stderr, "verify_bench: cannot build the chain\n");
    std::abort();
  }
  Chain c{root->certificate(), ica->certificate(), *leaf, {}, {}};
  uint8_t* tbs = nullptr;
  const int len = i2d_re_X509_tbs(c.leaf.native(), &tbs);
  c.tbs.assign(tbs, tbs + len);
  OPENSSL_free(tbs);
  const ASN1_BIT_STRING* sig;
  X509_get0_signature(&sig, nullptr, c.leaf.native());
  c.sig.assign(ASN1_STRING_get0_data(sig), ASN1_STRING_get0_data(sig) + ASN1_STRING_length(sig));
  return c;
}

// The benchmarks' argument: the key type of every certificate in the chain.
enum Alg : int64_t { kP256 = 0, kRsa2048 = 1, kEd25519 = 2 };

const Chain& GetChain(int64_t alg) {
  static const Chain* p256 = new Chain(MakeChain(certkit::KeySpec{certkit::KeyType::kEcP256}));
  static const Chain* rsa2048 = new Chain(MakeChain(certkit::KeySpec{certkit::KeyType::kRsa, 2048}));
  static const Chain* ed25519 = new Chain(MakeChain(certkit::KeySpec{certkit::KeyType::kEd25519}));
  switch (alg) {
    case kRsa2048:
      return *rsa2048;
    case kEd25519:
      return *ed25519;
    default:
      return *p256;
  }
}

certkit::VerifyOptions Options() {
  certkit::VerifyOptions o;
  o.purpose = certkit::Purpose::kServerAuth;
  o.identity = certkit::PeerIdentity::Dns("node1.example.com");
  return o;
}

void BM_VerifyCold(benchmark::State& state) {
  const Chain& c = GetChain(state.range(0));
  const auto o = Options();
  for (auto _ : state) {
    certkit::TrustStore trust({c.root});
    auto r = certkit::Verify(c.leaf, {c.ica}, trust, o);
    if (!r.ok()) state.SkipWithError("verification failed");
    benchmark::DoNotOptimize(r);
  }
  state.counters["verifications_per_cpu_s"] =
      benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}

void BM_VerifyReusedStore(benchmark::State& state) {
  const Chain& c = GetChain(state.range(0));
  const auto o = Options();
  const certkit::TrustStore trust({c.root});
  const std::vector<certkit::Certificate> pool = {c.ica};
  for (auto _ : state) {
    auto r = certkit::Verify(c.leaf, pool, trust, o);
    if (!r.ok()) state.SkipWithError("verification failed");
    benchmark::DoNotOptimize(r);
  }
  state.counters["verifications_per_cpu_s"] =
      benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}

void BM_RawSignatureVerify(benchmark::State& state) {
  const Chain& c = GetChain(state.range(0));
  bssl::UniquePtr<EVP_PKEY> key(X509_get_pubkey(c.ica.native()));
  // Ed25519 signs the message itself: no separate digest.
  const EVP_MD* md = state.range(0) == kEd25519 ? nullptr : EVP_sha256();
  for (auto _ : state) {
    bssl::ScopedEVP_MD_CTX ctx;
    const bool ok = EVP_DigestVerifyInit(ctx.get(), nullptr, md, nullptr, key.get()) &&
                    EVP_DigestVerify(ctx.get(), c.sig.data(), c.sig.size(), c.tbs.data(), c.tbs.size());
    if (!ok) state.SkipWithError("signature does not verify");
  }
  state.counters["signature_checks_per_cpu_s"] =
      benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}

// Arg key: 0 = P-256, 1 = RSA-2048, 2 = Ed25519 (enum Alg).
BENCHMARK(BM_VerifyCold)->ArgName("key")->Arg(kP256)->Arg(kRsa2048)->Arg(kEd25519);
BENCHMARK(BM_VerifyReusedStore)->ArgName("key")->Arg(kP256)->Arg(kRsa2048)->Arg(kEd25519);
BENCHMARK(BM_RawSignatureVerify)->ArgName("key")->Arg(kP256)->Arg(kRsa2048)->Arg(kEd25519);

// Collects the per-benchmark time so the ratios can be printed at the end.
class RatioReporter : public benchmark::ConsoleReporter {
 public:
  void ReportRuns(const std::vector<Run>& runs) override {
    ConsoleReporter::ReportRuns(runs);
    for (const Run& r : runs) times_[r.benchmark_name()] = r.GetAdjustedCPUTime();
  }
  void PrintRatios() const {
    const std::pair<const char*, const char*> algs[] = {
        {"0", "P-256"}, {"1", "RSA-2048"}, {"2", "Ed25519"}};
    for (const auto& [arg, label] : algs) {
      const std::string suffix = std::string("/key:") + arg;
      auto get = [&](const std::string& name) {
        auto it = times_.find(name + suffix);
        return it == times_.end() ? 0.0 : it->second;
      };
      const double raw = get("BM_RawSignatureVerify");
      if (raw <= 0) continue;
      std::printf("%s: cold verify = %.1f x raw signature check, reused store = %.1f x raw "
                  "(CPU time; a chain needs 2 signature checks)\n",
                  label, get("BM_VerifyCold") / raw,
                  get("BM_VerifyReusedStore") / raw);
    }
  }

 private:
  std::map<std::string, double> times_;
};

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  RatioReporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  reporter.PrintRatios();
  benchmark::Shutdown();
  return 0;
}
