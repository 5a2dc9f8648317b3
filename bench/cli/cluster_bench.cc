// How long `certkit cluster init` takes per node: BM_IssueNode times the
// exact per-node pipeline of the CLI (key generation, signing, node.crt,
// node.key, keystore.jks and keystore.p12 written atomically); multiply by N
// to extrapolate a cluster (divide by --jobs for the parallel run).
// BM_ClusterInit times the whole command for N nodes on all cores.
#include <benchmark/benchmark.h>
#include <stdlib.h>

#include <algorithm>
#include <filesystem>
#include <string>
#include <thread>

#include "certkit/cluster.h"

namespace {

std::string MakeTempDir() {
  char tmpl[] = "/tmp/certkit-bench-XXXXXX";
  const char* dir = mkdtemp(tmpl);
  return dir == nullptr ? std::string("/tmp") : std::string(dir);
}

certkit::LeafSettings Settings(const char* key) {
  certkit::LeafSettings s;
  s.key_spec = *certkit::KeySpec::Parse(key);
  s.write_jks = true;
  s.write_p12 = true;
  s.store_password = "bench-store-pass";
  s.truststore_password = "bench-store-pass";
  s.overwrite = true;
  return s;
}

void BM_IssueNode(benchmark::State& state, const char* key) {
  certkit::CaOptions ca_opts;
  ca_opts.subject = certkit::DistinguishedName(std::vector<certkit::NameAttribute>{{"CN", "bench CA"}});
  ca_opts.key_spec = *certkit::KeySpec::Parse(key);
  auto ca = certkit::CertificateAuthority::CreateRoot(ca_opts);
  if (!ca.ok()) {
    state.SkipWithError(std::string(ca.status().message()).c_str());
    return;
  }
  const std::string dir = MakeTempDir();
  const certkit::LeafSettings settings = Settings(key);
  int i = 0;
  for (auto _ : state) {
    const std::string host = "10.0." + std::to_string(i / 250) + "." + std::to_string(i % 250 + 1);
    auto r = certkit::IssueNode(*ca, {host}, dir + "/nodes/" + host, settings);
    if (!r.ok()) {
      state.SkipWithError(std::string(r.status().message()).c_str());
      break;
    }
    ++i;
  }
  state.counters["nodes_per_s"] = benchmark::Counter(static_cast<double>(state.iterations()),
                                                     benchmark::Counter::kIsRate);
  std::filesystem::remove_all(dir);
}
BENCHMARK_CAPTURE(BM_IssueNode, ec_p256, "ec:p256")->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK_CAPTURE(BM_IssueNode, rsa_2048, "rsa:2048")->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_ClusterInit(benchmark::State& state, const char* key) {
  const int nodes = static_cast<int>(state.range(0));
  for (auto _ : state) {
    state.PauseTiming();
    const std::string dir = MakeTempDir();
    certkit::ClusterInitSpec spec;
    spec.out_dir = dir + "/cluster";
    for (int i = 0; i < nodes; ++i) spec.nodes.push_back("10.1." + std::to_string(i / 250) + "." + std::to_string(i % 250 + 1));
    spec.clients = {"root", "app"};
    spec.leaf = Settings(key);
    spec.leaf.overwrite = false;
    spec.ca.subject = certkit::DistinguishedName(std::vector<certkit::NameAttribute>{{"CN", "bench CA"}});
    spec.ca.key_spec = spec.leaf.key_spec;
    spec.formats = {"pem", "jks", "p12"};
    spec.jobs = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    state.ResumeTiming();
    auto m = certkit::ClusterInit(spec);
    state.PauseTiming();
    if (!m.ok()) state.SkipWithError(std::string(m.status().message()).c_str());
    std::filesystem::remove_all(dir);
    state.ResumeTiming();
  }
  state.counters["nodes"] = nodes;
  // Wall time per node (printed as a duration, e.g. "21.4ms").
  state.counters["per_node"] = benchmark::Counter(static_cast<double>(state.iterations()) * nodes,
                                                  benchmark::Counter::kIsRate |
                                                      benchmark::Counter::kInvert);
}
BENCHMARK_CAPTURE(BM_ClusterInit, ec_p256, "ec:p256")->Arg(50)->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(2);
BENCHMARK_CAPTURE(BM_ClusterInit, rsa_2048, "rsa:2048")->Arg(50)->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(2);

}  // namespace

BENCHMARK_MAIN();
