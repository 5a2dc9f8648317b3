// bench/verify/verify_bench.cc: cost of chain verification.
//
// A 3-certificate chain (root -> intermediate -> leaf, made by certkit's
// CertificateAuthority) is verified with RSA-2048 and P-256 keys:
//   * cold: the TrustStore is built (anchor parsed and indexed) per call;
//   * reused: one TrustStore for all calls (the intended use);
// next to the raw primitive, one EVP_DigestVerify of the leaf's signature.
// A chain needs two signature checks, so "reused / (2 x raw)" shows what
// path building and the RFC 5280 rules add on top of the cryptography; the
// ratios are printed after the benchmark table.
#include <cstdio>
#include <map>
#include <string>
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
  auto ica = certkit::CertificateAuthority::CreateIntermediate(*root, io);
  auto key = certkit::PrivateKey::Generate(spec);
  certkit::IssueOptions no;
  no.days = 30;
  no.subject = *certkit::DistinguishedName::Parse("CN=node, O=certkit");
  no.sans = {certkit::SubjectAltName::Dns("node1.cluster.local"), *certkit::SubjectAltName::Ip("10.0.0.5")};
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

const Chain& GetChain(bool rsa) {
  static const Chain* p256 = new Chain(MakeChain(certkit::KeySpec{certkit::KeyType::kEcP256}));
  static const Chain* rsa2048 = new Chain(MakeChain(certkit::KeySpec{certkit::KeyType::kRsa, 2048}));
  return rsa ? *rsa2048 : *p256;
}

certkit::VerifyOptions Options() {
  certkit::VerifyOptions o;
  o.purpose = certkit::Purpose::kServerAuth;
  o.identity = certkit::PeerIdentity::Ip("10.0.0.5");
  return o;
}

void BM_VerifyCold(benchmark::State& state) {
  const Chain& c = GetChain(state.range(0) == 1);
  const auto o = Options();
  for (auto _ : state) {
    certkit::TrustStore trust({c.root});
    auto r = certkit::Verify(c.leaf, {c.ica}, trust, o);
    if (!r.ok()) state.SkipWithError("verification failed");
    benchmark::DoNotOptimize(r);
  }
}

void BM_VerifyReusedStore(benchmark::State& state) {
  const Chain& c = GetChain(state.range(0) == 1);
  const auto o = Options();
  const certkit::TrustStore trust({c.root});
  const std::vector<certkit::Certificate> pool = {c.ica};
  for (auto _ : state) {
    auto r = certkit::Verify(c.leaf, pool, trust, o);
    if (!r.ok()) state.SkipWithError("verification failed");
    benchmark::DoNotOptimize(r);
  }
}

void BM_RawSignatureVerify(benchmark::State& state) {
  const Chain& c = GetChain(state.range(0) == 1);
  bssl::UniquePtr<EVP_PKEY> key(X509_get_pubkey(c.ica.native()));
  for (auto _ : state) {
    bssl::ScopedEVP_MD_CTX ctx;
    const bool ok = EVP_DigestVerifyInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key.get()) &&
                    EVP_DigestVerify(ctx.get(), c.sig.data(), c.sig.size(), c.tbs.data(), c.tbs.size());
    if (!ok) state.SkipWithError("signature does not verify");
  }
}

// Arg 0 = P-256, 1 = RSA-2048.
BENCHMARK(BM_VerifyCold)->ArgName("rsa")->Arg(0)->Arg(1);
BENCHMARK(BM_VerifyReusedStore)->ArgName("rsa")->Arg(0)->Arg(1);
BENCHMARK(BM_RawSignatureVerify)->ArgName("rsa")->Arg(0)->Arg(1);

// Collects the per-benchmark time so the ratios can be printed at the end.
class RatioReporter : public benchmark::ConsoleReporter {
 public:
  void ReportRuns(const std::vector<Run>& runs) override {
    ConsoleReporter::ReportRuns(runs);
    for (const Run& r : runs) times_[r.benchmark_name()] = r.GetAdjustedCPUTime();
  }
  void PrintRatios() const {
    for (const char* arg : {"0", "1"}) {
      const std::string suffix = std::string("/rsa:") + arg;
      auto get = [&](const std::string& name) {
        auto it = times_.find(name + suffix);
        return it == times_.end() ? 0.0 : it->second;
      };
      const double raw = get("BM_RawSignatureVerify");
      if (raw <= 0) continue;
      std::printf("%s: cold verify = %.1f x raw signature check, reused store = %.1f x raw "
                  "(CPU time; a chain needs 2 signature checks)\n",
                  arg[0] == '1' ? "RSA-2048" : "P-256", get("BM_VerifyCold") / raw,
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
