// bench/core/issue_bench.cc: issuing node certificates per CPU-second, the
// work bench/peers/ (pyca/cryptography, Go crypto/x509) repeat.
//
// issue/<alg>: a fresh key, CertificateAuthority::SignPublicKey with the node
// profile (CN/OU/O subject, an IP and a DNS subjectAltName, 365 days) by a CA
// of the same key type, then the certificate and the PKCS#8 key as PEM.
// floor/<alg>: the same key generation plus one raw signature over 1 KiB
// with the CA key: what issuing cannot go below.
// The counter certs_per_cpu_s is per CPU-second (one thread).
#include <benchmark/benchmark.h>

#include <cstdio>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "certkit/ca.h"
#include "certkit/key.h"
#include "certkit/name.h"
#include "certkit/profile.h"
#include "openssl/rand.h"

namespace {

const certkit::CertificateAuthority& CaFor(const std::string& spec) {
  static auto* cas = new std::map<std::string, certkit::CertificateAuthority>();
  auto it = cas->find(spec);
  if (it != cas->end()) return it->second;
  certkit::CaOptions opts;
  opts.subject = *certkit::DistinguishedName::Parse("CN=Bench CA, O=certkit");
  opts.key_spec = *certkit::KeySpec::Parse(spec);
  auto ca = certkit::CertificateAuthority::CreateRoot(opts);
  if (!ca.ok()) std::abort();
  return cas->emplace(spec, *std::move(ca)).first->second;
}

void BM_Issue(benchmark::State& state, const std::string& spec) {
  const certkit::CertificateAuthority& ca = CaFor(spec);
  const certkit::KeySpec key_spec = *certkit::KeySpec::Parse(spec);
  const certkit::Profile profile = certkit::Profile::Node();
  size_t n = 0;
  for (auto _ : state) {
    auto key = certkit::PrivateKey::Generate(key_spec);
    if (!key.ok()) {
      state.SkipWithError("Generate failed");
      break;
    }
    const std::string host = absl::StrCat("10.0.", (n >> 8) & 255, ".", n & 255);
    certkit::IssueOptions options;
    options.days = 365;
    options.subject = *certkit::DistinguishedName::Parse(
        absl::StrCat("CN=", host, ", OU=TestCluster, O=YourCompany"));
    options.sans = {*certkit::SubjectAltName::Ip(host),
                    certkit::SubjectAltName::Dns(absl::StrCat("node", n, ".example.com"))};
    auto cert = ca.SignPublicKey(key->public_key(), profile, options);
    if (!cert.ok()) {
      state.SkipWithError("SignPublicKey failed");
      break;
    }
    benchmark::DoNotOptimize(cert->ToPem());
    benchmark::DoNotOptimize(key->ToPem());
    ++n;
  }
  state.counters["certs_per_cpu_s"] =
      benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}

void BM_Floor(benchmark::State& state, const std::string& spec) {
  const certkit::CertificateAuthority& ca = CaFor(spec);
  const certkit::KeySpec key_spec = *certkit::KeySpec::Parse(spec);
  std::vector<uint8_t> tbs(1024);
  RAND_bytes(tbs.data(), tbs.size());
  for (auto _ : state) {
    auto key = certkit::PrivateKey::Generate(key_spec);
    auto sig = ca.key().Sign(tbs);
    benchmark::DoNotOptimize(key);
    benchmark::DoNotOptimize(sig);
  }
  state.counters["certs_per_cpu_s"] =
      benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}

}  // namespace

int main(int argc, char** argv) {
  for (const auto& [label, spec] : std::vector<std::pair<std::string, std::string>>{
           {"p256", "ec:p256"}, {"ed25519", "ed25519"}, {"rsa2048", "rsa:2048"}}) {
    benchmark::RegisterBenchmark(("issue/" + label).c_str(), BM_Issue, spec);
    benchmark::RegisterBenchmark(("floor/" + label).c_str(), BM_Floor, spec);
  }
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
