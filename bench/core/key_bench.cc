// Benchmarks for key generation and encrypted PKCS#8 import/export.
// Each iteration is one operation, so "Time" is the per-operation cost.
#include <string>

#include <benchmark/benchmark.h>

#include "certkit/key.h"

namespace {

certkit::KeySpec Spec(const char* text) { return *certkit::KeySpec::Parse(text); }

void BM_Generate(benchmark::State& state, const char* spec_text) {
  const certkit::KeySpec spec = Spec(spec_text);
  for (auto _ : state) {
    auto key = certkit::PrivateKey::Generate(spec);
    if (!key.ok()) state.SkipWithError("generation failed");
    benchmark::DoNotOptimize(key);
  }
}
BENCHMARK_CAPTURE(BM_Generate, rsa2048, "rsa:2048")->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_Generate, rsa3072, "rsa:3072")->Unit(benchmark::kMillisecond)->Iterations(10);
BENCHMARK_CAPTURE(BM_Generate, rsa4096, "rsa:4096")->Unit(benchmark::kMillisecond)->Iterations(5);
BENCHMARK_CAPTURE(BM_Generate, ec_p256, "ec:p256")->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_Generate, ec_p384, "ec:p384")->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_Generate, ed25519, "ed25519")->Unit(benchmark::kMicrosecond);

// Encrypting a P-256 key with PBES2 at the iteration count in range(0).
void BM_EncryptPkcs8(benchmark::State& state) {
  const auto key = certkit::PrivateKey::Generate(Spec("ec:p256"));
  certkit::KeyEncryption enc;
  enc.iterations = static_cast<int>(state.range(0));
  for (auto _ : state) {
    auto der = key->ToEncryptedPkcs8Der("benchmark password", enc);
    if (!der.ok()) state.SkipWithError("encryption failed");
    benchmark::DoNotOptimize(der);
  }
  state.counters["iterations_pbkdf2"] = enc.iterations;
}
BENCHMARK(BM_EncryptPkcs8)->Arg(1)->Arg(10000)->Arg(100000)->Unit(benchmark::kMillisecond);

// Decrypting (and parsing) the same key.
void BM_DecryptPkcs8(benchmark::State& state) {
  const auto key = certkit::PrivateKey::Generate(Spec("ec:p256"));
  certkit::KeyEncryption enc;
  enc.iterations = static_cast<int>(state.range(0));
  const std::string pem = *key->ToEncryptedPkcs8Pem("benchmark password", enc);
  for (auto _ : state) {
    auto back = certkit::PrivateKey::FromPem(pem, "benchmark password");
    if (!back.ok()) state.SkipWithError("decryption failed");
    benchmark::DoNotOptimize(back);
  }
  state.counters["iterations_pbkdf2"] = enc.iterations;
}
BENCHMARK(BM_DecryptPkcs8)->Arg(1)->Arg(10000)->Arg(100000)->Unit(benchmark::kMillisecond);

// Plain PEM parsing for comparison (RSA 2048 includes the key check).
void BM_ParsePlainPem(benchmark::State& state, const char* spec_text) {
  const auto key = certkit::PrivateKey::Generate(Spec(spec_text));
  const std::string pem = key->ToPem();
  for (auto _ : state) {
    auto back = certkit::PrivateKey::FromPem(pem);
    benchmark::DoNotOptimize(back);
  }
}
BENCHMARK_CAPTURE(BM_ParsePlainPem, rsa2048, "rsa:2048")->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_ParsePlainPem, ec_p256, "ec:p256")->Unit(benchmark::kMicrosecond);

void BM_Sign(benchmark::State& state, const char* spec_text) {
  const auto key = certkit::PrivateKey::Generate(Spec(spec_text));
  const std::string data(1024, 'x');
  const auto span = absl::Span<const uint8_t>(reinterpret_cast<const uint8_t*>(data.data()),
                                              data.size());
  for (auto _ : state) {
    auto sig = key->Sign(span);
    benchmark::DoNotOptimize(sig);
  }
}
BENCHMARK_CAPTURE(BM_Sign, rsa2048, "rsa:2048")->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_Sign, ec_p256, "ec:p256")->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_Sign, ed25519, "ed25519")->Unit(benchmark::kMicrosecond);

}  // namespace

BENCHMARK_MAIN();
