// bench/core/kdf_bench.cc: password-based key derivation per iteration.
//
// pbkdf2/certkit: crypto::Pbkdf2HmacSha256 (lib/crypto/sha256_kdf.h);
// pbkdf2/boringssl: PKCS5_PBKDF2_HMAC(EVP_sha256()) of the linked BoringSSL;
// floor/two_compressions: two SHA-256 block compressions, the least one
// PBKDF2-HMAC-SHA256 iteration can cost; pkcs12kdf/certkit: the RFC 7292 KDF
// with SHA-256 through crypto::Pkcs12Kdf; floor/one_compression: its floor.
// Each runs 10,000 iterations (the PKCS#12 default) per benchmark iteration;
// the counter ns_per_iteration is CPU ns per KDF iteration. After the run the
// program prints the ratios against the floors.
#include <benchmark/benchmark.h>

#include <cstdio>
#include <map>
#include <string>
#include <vector>

#include "crypto/pbe.h"
#include "crypto/sha256_kdf.h"
#include "ratio_reporter.h"
#include "openssl/digest.h"
#include "openssl/evp.h"
#include "openssl/sha.h"

namespace {

constexpr int kIterations = 10000;
const char kPassword[] = "bench-store-password";
const uint8_t kSalt[16] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};

void SetCounter(benchmark::State& state) {
  // Rate (per CPU-second) of giga-iterations, inverted: CPU ns per iteration.
  state.counters["ns_per_iteration"] = benchmark::Counter(
      static_cast<double>(state.iterations()) * kIterations * 1e-9,
      benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}

void BM_Pbkdf2Certkit(benchmark::State& state) {
  uint8_t out[32];
  for (auto _ : state) {
    certkit::crypto::Pbkdf2HmacSha256(
        absl::MakeConstSpan(reinterpret_cast<const uint8_t*>(kPassword), sizeof(kPassword) - 1),
        kSalt, kIterations, absl::MakeSpan(out));
    benchmark::DoNotOptimize(out);
  }
  SetCounter(state);
}

void BM_Pbkdf2BoringSsl(benchmark::State& state) {
  uint8_t out[32];
  for (auto _ : state) {
    PKCS5_PBKDF2_HMAC(kPassword, sizeof(kPassword) - 1, kSalt, sizeof(kSalt), kIterations,
                      EVP_sha256(), sizeof(out), out);
    benchmark::DoNotOptimize(out);
  }
  SetCounter(state);
}

void BM_Compressions(benchmark::State& state, int per_iteration) {
  uint32_t h[8] = {0};
  uint8_t block[64] = {0};
  for (auto _ : state) {
    for (int i = 0; i < kIterations * per_iteration; ++i) {
      SHA256_TransformBlocks(h, block, 1);
      block[0] = static_cast<uint8_t>(h[0]);  // a dependency chain, as in the KDF
    }
    benchmark::DoNotOptimize(h);
  }
  SetCounter(state);
}

void BM_Pkcs12Kdf(benchmark::State& state) {
  auto bmp = certkit::crypto::Utf8ToBmpPassword(kPassword);
  for (auto _ : state) {
    auto key = certkit::crypto::Pkcs12Kdf(EVP_sha256(), *bmp, kSalt, 3, kIterations, 32);
    benchmark::DoNotOptimize(key);
  }
  SetCounter(state);
}

void BM_StoreInterleaved(benchmark::State& state) {
  uint8_t key_bag[32], cert_bag[32], mac[32] = {1};
  const absl::Span<const uint8_t> password(reinterpret_cast<const uint8_t*>(kPassword),
                                           sizeof(kPassword) - 1);
  const certkit::crypto::Pbkdf2Sha256Job pbkdf2[] = {
      {password, kSalt, kIterations, absl::MakeSpan(key_bag)},
      {password, kSalt, kIterations, absl::MakeSpan(cert_bag)}};
  const certkit::crypto::Sha256IterateJob iterate[] = {{mac, kIterations - 1}};
  for (auto _ : state) {
    certkit::crypto::RunSha256Kdfs(pbkdf2, iterate);
    benchmark::DoNotOptimize(key_bag);
    benchmark::DoNotOptimize(cert_bag);
    benchmark::DoNotOptimize(mac);
  }
  SetCounter(state);
}

}  // namespace

int main(int argc, char** argv) {
  benchmark::RegisterBenchmark("pbkdf2/certkit", BM_Pbkdf2Certkit);
  benchmark::RegisterBenchmark("pbkdf2/boringssl", BM_Pbkdf2BoringSsl);
  benchmark::RegisterBenchmark("floor/two_compressions", BM_Compressions, 2);
  benchmark::RegisterBenchmark("pkcs12kdf/certkit", BM_Pkcs12Kdf);
  benchmark::RegisterBenchmark("floor/one_compression", BM_Compressions, 1);
  benchmark::RegisterBenchmark("store/interleaved", BM_StoreInterleaved);
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  RatioReporter reporter("ns_per_iteration");
  benchmark::RunSpecifiedBenchmarks(&reporter);
  auto& ns = reporter.values;
  auto ratio = [&](const char* a, const char* b) {
    if (ns.count(a) && ns.count(b) && ns[b] > 0) {
      std::printf("%s / %s: %.2f (%.1f ns vs %.1f ns per iteration)\n", a, b, ns[a] / ns[b], ns[a],
                  ns[b]);
    }
  };
  ratio("pbkdf2/certkit", "floor/two_compressions");
  ratio("pbkdf2/boringssl", "floor/two_compressions");
  ratio("pbkdf2/certkit", "pbkdf2/boringssl");
  ratio("pkcs12kdf/certkit", "floor/one_compression");
  if (ns.count("store/interleaved") && ns.count("floor/two_compressions") &&
      ns.count("floor/one_compression")) {
    const double floor = 2 * ns["floor/two_compressions"] + ns["floor/one_compression"];
    std::printf("store/interleaved / (2 x floor/two_compressions + floor/one_compression): %.2f "
                "(%.1f ns vs %.1f ns per iteration of a PKCS#12 file's three derivations)\n",
                ns["store/interleaved"] / floor, ns["store/interleaved"], floor);
  }
  benchmark::Shutdown();
  return 0;
}
