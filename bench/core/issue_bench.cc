// bench/core/issue_bench.cc: issuing node certificates per CPU-second, the
// work bench/peers/ (pyca/cryptography, Go crypto/x509) repeat.
//
// issue/<alg>: a fresh key, CertificateAuthority::SignPublicKey with the node
// profile (CN/OU/O subject, an IP and a DNS subjectAltName, 365 days) by a CA
// of the same key type, then the certificate and the PKCS#8 key as PEM.
// floor/<alg>: the same key generation plus one raw signature over 1 KiB
// with the CA key: what issuing cannot go below.
// batch/<alg>: the same certificates through IssueBatch (certkit/batch.h),
// 64 fresh-key items per call on one worker, each encoded as PEM in the
// batch's on_issued callback (on the pool): the batch's own cost shows as
// batch/<alg> ÷ issue/<alg>, printed after the run with floor ÷ issue.
// batch_all_cores/<alg>: the same on every core, per wall-clock second;
// printed as its ratio to batch/<alg> (the scaling) and to issue/<alg>.
// capi/<alg>: issue/<alg> through libcertkit.so's C ABI (certkit_key_generate,
// certkit_ca_sign_key, certkit_cert_to_pem, certkit_key_to_pem, and the
// frees), in the same process: its cost over issue/<alg> is the C ABI's.
// (Not for RSA, whose cost is key generation.)
// The counter certs_per_cpu_s is per CPU-second (one thread).
#include <benchmark/benchmark.h>

#include <cstdio>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "certkit/batch.h"
#include "certkit/ca.h"
#include "certkit/certkit.h"
#include "certkit/key.h"
#include "certkit/name.h"
#include "certkit/profile.h"
#include "openssl/rand.h"
#include "ratio_reporter.h"

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

// The C ABI's CA for |spec|, made through the C ABI.
const CertkitCa* CapiCaFor(const std::string& spec) {
  static auto* cas = new std::map<std::string, CertkitCa*>();
  auto it = cas->find(spec);
  if (it != cas->end()) return it->second;
  CertkitCaOptions* opts = nullptr;
  CertkitName* subject = nullptr;
  CertkitCa* ca = nullptr;
  if (certkit_ca_options_new(&opts) != CERTKIT_OK ||
      certkit_name_parse("CN=Bench CA, O=certkit", &subject) != CERTKIT_OK ||
      certkit_ca_options_set_subject(opts, subject) != CERTKIT_OK ||
      certkit_ca_options_set_key_spec(opts, spec.c_str()) != CERTKIT_OK ||
      certkit_ca_create_root(opts, &ca) != CERTKIT_OK) {
    std::fprintf(stderr, "C ABI CA: %s\n", certkit_last_error_message());
    std::abort();
  }
  certkit_name_free(subject);
  certkit_ca_options_free(opts);
  return cas->emplace(spec, ca).first->second;
}

void BM_Capi(benchmark::State& state, const std::string& spec) {
  const CertkitCa* ca = CapiCaFor(spec);
  CertkitProfile* profile = nullptr;
  if (certkit_profile_new("node", &profile) != CERTKIT_OK) std::abort();
  size_t n = 0;
  for (auto _ : state) {
    CertkitKey* key = nullptr;
    CertkitIssueOptions* options = nullptr;
    CertkitName* subject = nullptr;
    CertkitCert* cert = nullptr;
    char* cert_pem = nullptr;
    char* key_pem = nullptr;
    size_t len = 0;
    const std::string host = absl::StrCat("10.0.", (n >> 8) & 255, ".", n & 255);
    const std::string dn = absl::StrCat("CN=", host, ", OU=TestCluster, O=YourCompany");
    const std::string sans = absl::StrCat("IP:", host, ",DNS:node", n, ".example.com");
    const bool ok = certkit_key_generate(spec.c_str(), &key) == CERTKIT_OK &&
                    certkit_issue_options_new(&options) == CERTKIT_OK &&
                    certkit_issue_options_set_days(options, 365) == CERTKIT_OK &&
                    certkit_name_parse(dn.c_str(), &subject) == CERTKIT_OK &&
                    certkit_issue_options_set_subject(options, subject) == CERTKIT_OK &&
                    certkit_issue_options_add_sans(options, sans.c_str()) == CERTKIT_OK &&
                    certkit_ca_sign_key(ca, key, profile, options, &cert) == CERTKIT_OK &&
                    certkit_cert_to_pem(cert, &cert_pem, &len) == CERTKIT_OK &&
                    certkit_key_to_pem(key, CERTKIT_KEY_FORMAT_PKCS8, &key_pem, &len) == CERTKIT_OK;
    certkit_buffer_free(key_pem);
    certkit_buffer_free(cert_pem);
    certkit_cert_free(cert);
    certkit_name_free(subject);
    certkit_issue_options_free(options);
    certkit_key_free(key);
    if (!ok) {
      state.SkipWithError(certkit_last_error_message());
      break;
    }
    ++n;
  }
  certkit_profile_free(profile);
  state.counters["certs_per_cpu_s"] =
      benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}

constexpr size_t kBatchItems = 64;

// BatchItems are kBatchItems node certificates as BM_Issue makes them.
std::vector<certkit::BatchItem> BatchItems(const std::string& spec) {
  std::vector<certkit::BatchItem> items(kBatchItems);
  for (size_t n = 0; n < items.size(); ++n) {
    const std::string host = absl::StrCat("10.0.", (n >> 8) & 255, ".", n & 255);
    items[n].subject_key = *certkit::KeySpec::Parse(spec);
    items[n].profile = certkit::Profile::Node();
    items[n].options.days = 365;
    items[n].options.subject = *certkit::DistinguishedName::Parse(
        absl::StrCat("CN=", host, ", OU=TestCluster, O=YourCompany"));
    items[n].options.sans = {*certkit::SubjectAltName::Ip(host),
                             certkit::SubjectAltName::Dns(absl::StrCat("node", n, ".example.com"))};
  }
  return items;
}

void BM_Batch(benchmark::State& state, const std::string& spec, int jobs) {
  const certkit::CertificateAuthority& ca = CaFor(spec);
  const std::vector<certkit::BatchItem> items = BatchItems(spec);
  certkit::BatchOptions options;
  options.jobs = jobs;
  // The PEM encoding runs on the pool too, as a caller writing files does.
  options.on_issued = [](size_t, const certkit::IssuedCertificate& issued) {
    benchmark::DoNotOptimize(issued.certificate.ToPem());
    benchmark::DoNotOptimize(issued.private_key->ToPem());
    return absl::OkStatus();
  };
  for (auto _ : state) {
    auto results = certkit::IssueBatch(ca, items, options);
    for (const auto& r : results) {
      if (!r.ok()) {
        state.SkipWithError("IssueBatch item failed");
        return;
      }
    }
  }
  state.counters["certs_per_cpu_s"] = benchmark::Counter(
      static_cast<double>(state.iterations() * kBatchItems), benchmark::Counter::kIsRate);
}


}  // namespace

int main(int argc, char** argv) {
  const std::vector<std::pair<std::string, std::string>> algs = {
      {"p256", "ec:p256"}, {"ed25519", "ed25519"}, {"rsa2048", "rsa:2048"}};
  for (const auto& [label, spec] : algs) {
    benchmark::RegisterBenchmark(("issue/" + label).c_str(), BM_Issue, spec);
    benchmark::RegisterBenchmark(("floor/" + label).c_str(), BM_Floor, spec);
    benchmark::RegisterBenchmark(("capi/" + label).c_str(), BM_Capi, spec);
    if (label == "rsa2048") continue;  // key generation bound: 64 keys take seconds
    benchmark::RegisterBenchmark(("batch/" + label).c_str(), BM_Batch, spec, 1);
    benchmark::RegisterBenchmark(("batch_all_cores/" + label).c_str(), BM_Batch, spec, 0)
        ->UseRealTime();
  }
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  RatioReporter reporter("certs_per_cpu_s");
  benchmark::RunSpecifiedBenchmarks(&reporter);
  auto& rate = reporter.values;
  auto ratio = [&](const std::string& a, const std::string& b) {
    if (rate.count(a) && rate.count(b) && rate[b] > 0) {
      std::printf("%s / %s: %.2f (%.0f vs %.0f certificates/s)\n", a.c_str(), b.c_str(),
                  rate[a] / rate[b], rate[a], rate[b]);
    }
  };
  for (const auto& alg : algs) {
    ratio("batch/" + alg.first, "issue/" + alg.first);
    ratio("issue/" + alg.first, "floor/" + alg.first);
    ratio("capi/" + alg.first, "issue/" + alg.first);
    ratio("batch_all_cores/" + alg.first + "/real_time", "batch/" + alg.first);
    ratio("batch_all_cores/" + alg.first + "/real_time", "issue/" + alg.first);
  }
  benchmark::Shutdown();
  return 0;
}
