// Load and save of JKS and PKCS#12 key stores with 1 and 100 key entries
// (P-256 keys, self-signed certificates). PKCS#12 time is dominated by the
// KDF, so those benchmarks also report the time per KDF iteration
// ("per_kdf_iteration": MAC + certificate safe + one key each, times the
// iteration count).
#include <benchmark/benchmark.h>

#include "absl/strings/str_cat.h"
#include "certkit/keystore.h"
#include "openssl/bn.h"
#include "openssl/evp.h"
#include "openssl/x509.h"

namespace {

constexpr char kPass[] = "benchpass";

certkit::Certificate SelfSigned(const certkit::PrivateKey& key, int n) {
  bssl::UniquePtr<X509> x(X509_new());
  X509_set_version(x.get(), 2);
  ASN1_INTEGER_set(X509_get_serialNumber(x.get()), n + 1);
  X509_NAME* name = X509_get_subject_name(x.get());
  std::string cn = absl::StrCat("bench-", n);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8, reinterpret_cast<const uint8_t*>(cn.data()),
                             static_cast<int>(cn.size()), -1, 0);
  X509_set_issuer_name(x.get(), name);
  X509_gmtime_adj(X509_getm_notBefore(x.get()), 0);
  X509_gmtime_adj(X509_getm_notAfter(x.get()), 86400L * 365);
  X509_set_pubkey(x.get(), key.native());
  X509_sign(x.get(), key.native(), EVP_sha256());
  return certkit::Certificate(x.get());
}

const certkit::KeyStore& Store(int entries) {
  static std::map<int, certkit::KeyStore> stores;
  auto it = stores.find(entries);
  if (it != stores.end()) return it->second;
  certkit::KeyStore ks;
  certkit::KeySpec spec;
  for (int i = 0; i < entries; ++i) {
    auto key = certkit::PrivateKey::Generate(spec);
    (void)ks.SetKeyEntry(absl::StrCat("node", i), *key, {SelfSigned(*key, i)});
  }
  return stores.emplace(entries, std::move(ks)).first->second;
}

void SetKdfCounter(benchmark::State& state, int entries, certkit::StoreFormat format) {
  if (format != certkit::StoreFormat::kPkcs12) return;
  double iterations = static_cast<double>(entries + 2) * certkit::SaveOptions{}.pkcs12_iterations;
  state.counters["per_kdf_iteration"] =
      benchmark::Counter(iterations, benchmark::Counter::kIsIterationInvariantRate |
                                         benchmark::Counter::kInvert);
}

void BM_Save(benchmark::State& state, certkit::StoreFormat format) {
  int entries = static_cast<int>(state.range(0));
  const certkit::KeyStore& ks = Store(entries);
  for (auto _ : state) {
    auto bytes = ks.Save(format, kPass);
    if (!bytes.ok()) state.SkipWithError("save failed");
    benchmark::DoNotOptimize(bytes);
  }
  SetKdfCounter(state, entries, format);
}

void BM_Load(benchmark::State& state, certkit::StoreFormat format) {
  int entries = static_cast<int>(state.range(0));
  auto bytes = Store(entries).Save(format, kPass);
  for (auto _ : state) {
    auto ks = certkit::KeyStore::Load(*bytes, kPass);
    if (!ks.ok()) state.SkipWithError("load failed");
    benchmark::DoNotOptimize(ks);
  }
  SetKdfCounter(state, entries, format);
}

BENCHMARK_CAPTURE(BM_Save, jks, certkit::StoreFormat::kJks)->Arg(1)->Arg(100)->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_Load, jks, certkit::StoreFormat::kJks)->Arg(1)->Arg(100)->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_Save, pkcs12, certkit::StoreFormat::kPkcs12)->Arg(1)->Arg(100)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_Load, pkcs12, certkit::StoreFormat::kPkcs12)->Arg(1)->Arg(100)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
