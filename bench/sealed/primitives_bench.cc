// Raw BoringSSL primitives, compiled twice from this one file: against the
// BoringSSL that certkit builds from source and seals inside libcertkit.so
// (bench_primitives_sealed) and against Debian's shared android-libboringssl
// (bench_primitives_debian, built with OPENSSL_SMALL and without P-256
// assembly). compare.sh runs both in one go and prints the ratios.
#include <cstdint>
#include <cstring>
#include <vector>

#include <benchmark/benchmark.h>

#include <openssl/bn.h>
#include <openssl/bytestring.h>
#include <openssl/curve25519.h>
#include <openssl/ec.h>
#include <openssl/ec_key.h>
#include <openssl/ecdsa.h>
#include <openssl/evp.h>
#include <openssl/mem.h>
#include <openssl/nid.h>
#include <openssl/rsa.h>

namespace {

const uint8_t kDigest[32] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16,
                             17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32};

void BM_P256_Keygen(benchmark::State& state) {
  for (auto _ : state) {
    bssl::UniquePtr<EC_KEY> key(EC_KEY_new_by_curve_name(NID_X9_62_prime256v1));
    if (!EC_KEY_generate_key(key.get())) state.SkipWithError("keygen");
    benchmark::DoNotOptimize(key.get());
  }
}
BENCHMARK(BM_P256_Keygen)->Unit(benchmark::kMicrosecond);

void BM_P256_Sign(benchmark::State& state) {
  bssl::UniquePtr<EC_KEY> key(EC_KEY_new_by_curve_name(NID_X9_62_prime256v1));
  EC_KEY_generate_key(key.get());
  std::vector<uint8_t> sig(ECDSA_size(key.get()));
  for (auto _ : state) {
    unsigned len = 0;
    if (!ECDSA_sign(0, kDigest, sizeof(kDigest), sig.data(), &len, key.get())) {
      state.SkipWithError("sign");
    }
    benchmark::DoNotOptimize(len);
  }
}
BENCHMARK(BM_P256_Sign)->Unit(benchmark::kMicrosecond);

void BM_P256_Verify(benchmark::State& state) {
  bssl::UniquePtr<EC_KEY> key(EC_KEY_new_by_curve_name(NID_X9_62_prime256v1));
  EC_KEY_generate_key(key.get());
  std::vector<uint8_t> sig(ECDSA_size(key.get()));
  unsigned len = 0;
  ECDSA_sign(0, kDigest, sizeof(kDigest), sig.data(), &len, key.get());
  for (auto _ : state) {
    if (ECDSA_verify(0, kDigest, sizeof(kDigest), sig.data(), len, key.get()) != 1) {
      state.SkipWithError("verify");
    }
  }
}
BENCHMARK(BM_P256_Verify)->Unit(benchmark::kMicrosecond);

void BM_Ed25519_Keygen(benchmark::State& state) {
  uint8_t pub[32], priv[64];
  for (auto _ : state) {
    ED25519_keypair(pub, priv);
    benchmark::DoNotOptimize(pub);
  }
}
BENCHMARK(BM_Ed25519_Keygen)->Unit(benchmark::kMicrosecond);

void BM_Ed25519_Sign(benchmark::State& state) {
  uint8_t pub[32], priv[64], sig[64];
  ED25519_keypair(pub, priv);
  for (auto _ : state) {
    if (!ED25519_sign(sig, kDigest, sizeof(kDigest), priv)) state.SkipWithError("sign");
    benchmark::DoNotOptimize(sig);
  }
}
BENCHMARK(BM_Ed25519_Sign)->Unit(benchmark::kMicrosecond);

void BM_RSA2048_Keygen(benchmark::State& state) {
  bssl::UniquePtr<BIGNUM> e(BN_new());
  BN_set_word(e.get(), RSA_F4);
  for (auto _ : state) {
    bssl::UniquePtr<RSA> rsa(RSA_new());
    if (!RSA_generate_key_ex(rsa.get(), 2048, e.get(), nullptr)) state.SkipWithError("keygen");
  }
}
BENCHMARK(BM_RSA2048_Keygen)->Unit(benchmark::kMillisecond)->MinTime(2.0);

void BM_RSA2048_Sign(benchmark::State& state) {
  bssl::UniquePtr<BIGNUM> e(BN_new());
  BN_set_word(e.get(), RSA_F4);
  bssl::UniquePtr<RSA> rsa(RSA_new());
  RSA_generate_key_ex(rsa.get(), 2048, e.get(), nullptr);
  std::vector<uint8_t> sig(RSA_size(rsa.get()));
  for (auto _ : state) {
    unsigned len = 0;
    if (!RSA_sign(NID_sha256, kDigest, sizeof(kDigest), sig.data(), &len, rsa.get())) {
      state.SkipWithError("sign");
    }
  }
}
BENCHMARK(BM_RSA2048_Sign)->Unit(benchmark::kMicrosecond);

// PBKDF2-HMAC-SHA256 at 10,000 iterations per call; items_per_second counts
// single iterations (compare.sh prints ns per iteration).
void BM_PBKDF2_SHA256(benchmark::State& state) {
  const int iterations = 10000;
  uint8_t salt[20] = {0}, out[32];
  for (auto _ : state) {
    if (!PKCS5_PBKDF2_HMAC("changeit", 8, salt, sizeof(salt), iterations, EVP_sha256(),
                           sizeof(out), out)) {
      state.SkipWithError("pbkdf2");
    }
    benchmark::DoNotOptimize(out);
  }
  state.SetItemsProcessed(state.iterations() * iterations);
}
BENCHMARK(BM_PBKDF2_SHA256)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
