// bench/tls/handshake_bench.cc: what a TLS server configured through
// certkit_openssl.h costs per handshake, against the same OpenSSL server
// loading the same PEM files itself.
//
// Every benchmark is one full mutual-TLS handshake (TLS 1.3, no session
// tickets, no resumption) over a TCP connection on 127.0.0.1: the client
// (plain OpenSSL, the same in every benchmark) connects, both sides finish
// the handshake, the server writes one byte the client reads, both close.
// Only the server's configuration differs:
//
// handshake/openssl_pem: SSL_CTX_use_certificate_chain_file,
//   SSL_CTX_use_PrivateKey_file and SSL_CTX_load_verify_locations on the
//   node's PEM files; OpenSSL verifies the client.
// handshake/certkit_pem: a CertkitSsl from the same PEM files,
//   certkit_openssl_configure_ctx; certkit's verifier checks the client.
// handshake/certkit_jks: the same from the node's JKS key store and the
//   cluster's JKS trust store.
// handshake/certkit_after_reload: each handshake is the first after
//   certkit_ssl_reload_pem_files (the reload itself is not timed): the
//   certificate callback exports and parses the new material once.
// reload/certkit_pem: certkit_ssl_reload_pem_files alone (reads and checks
//   the files, verifies the new chain).
//
// Time is the CPU of the whole process (client and server threads) per
// handshake; the ratios to handshake/openssl_pem are printed after the run.
// The PKI comes from `certkit cluster init` (P-256) in a temporary folder.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <benchmark/benchmark.h>
#include <openssl/err.h>
#include <openssl/ssl.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <map>
#include <string>
#include <thread>

#include "certkit/certkit.h"
#include "certkit/certkit_openssl.h"
#include "ratio_reporter.h"

namespace {

[[noreturn]] void Die(const std::string& what) {
  std::fprintf(stderr, "bench_handshake: %s\n", what.c_str());
  ERR_print_errors_fp(stderr);
  std::exit(1);
}

std::string ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) Die("cannot read " + path);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// The cluster folder: one node (127.0.0.1) and one client, PEM and JKS.
struct Pki {
  std::string dir;
  std::string node(const std::string& f) const { return dir + "/nodes/127.0.0.1/" + f; }
  std::string client(const std::string& f) const { return dir + "/clients/app/" + f; }
};

const Pki& ThePki() {
  static Pki* pki = [] {
    char tmpl[] = "/tmp/certkit-bench-handshake-XXXXXX";
    if (mkdtemp(tmpl) == nullptr) Die("mkdtemp failed");
    auto* p = new Pki{std::string(tmpl) + "/cluster"};
    setenv("CERTKIT_BENCH_STOREPASS", "bench-storepass", 1);
    const std::string cmd = std::string("'") + CERTKIT_CLI + "' cluster init --out '" + p->dir +
                            "' --nodes 127.0.0.1 --clients app --key-type ec:p256 --format pem,jks"
                            " --storepass env:CERTKIT_BENCH_STOREPASS --quiet";
    if (std::system(cmd.c_str()) != 0) Die("certkit cluster init failed: " + cmd);
    return p;
  }();
  return *pki;
}

SSL_CTX* NewCtx(const SSL_METHOD* method) {
  SSL_CTX* ctx = SSL_CTX_new(method);
  if (ctx == nullptr) Die("SSL_CTX_new failed");
  SSL_CTX_set_min_proto_version(ctx, TLS1_3_VERSION);
  SSL_CTX_set_options(ctx, SSL_OP_NO_TICKET);
  SSL_CTX_set_num_tickets(ctx, 0);
  SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
  return ctx;
}

SSL_CTX* OpenSslServer() {
  const Pki& pki = ThePki();
  SSL_CTX* ctx = NewCtx(TLS_server_method());
  if (SSL_CTX_use_certificate_chain_file(ctx, pki.node("node.crt").c_str()) != 1 ||
      SSL_CTX_use_PrivateKey_file(ctx, pki.node("node.key").c_str(), SSL_FILETYPE_PEM) != 1 ||
      SSL_CTX_load_verify_locations(ctx, pki.node("ca.crt").c_str(), nullptr) != 1) {
    Die("OpenSSL cannot load the node's PEM files");
  }
  SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, nullptr);
  return ctx;
}

void Check(CertkitError rc, const char* what) {
  if (rc != CERTKIT_OK) Die(std::string(what) + ": " + certkit_last_error_message());
}

CertkitSsl* CertkitFromPem() {
  const Pki& pki = ThePki();
  CertkitSsl* ssl = certkit_ssl_new();
  const std::string ca = ReadAll(pki.node("ca.crt")), cert = ReadAll(pki.node("node.crt")),
                    key = ReadAll(pki.node("node.key"));
  Check(certkit_ssl_add_trusted_cert_n(ssl, ca.data(), ca.size()), "certkit_ssl_add_trusted_cert");
  Check(certkit_ssl_set_cert_n(ssl, cert.data(), cert.size()), "certkit_ssl_set_cert");
  Check(certkit_ssl_set_private_key_n(ssl, key.data(), key.size(), nullptr, 0),
        "certkit_ssl_set_private_key");
  certkit_ssl_set_verify_flags(ssl, CERTKIT_SSL_VERIFY_PEER_CERT);
  return ssl;
}

CertkitSsl* CertkitFromJks() {
  const Pki& pki = ThePki();
  CertkitSsl* ssl = certkit_ssl_new();
  const std::string ks = ReadAll(pki.node("keystore.jks")), ts = ReadAll(pki.dir + "/truststore.jks");
  Check(certkit_ssl_set_keystore(ssl, reinterpret_cast<const uint8_t*>(ks.data()), ks.size(),
                                 "bench-storepass", nullptr, nullptr),
        "certkit_ssl_set_keystore");
  Check(certkit_ssl_add_trusted_keystore(ssl, reinterpret_cast<const uint8_t*>(ts.data()), ts.size(),
                                         "bench-storepass"),
        "certkit_ssl_add_trusted_keystore");
  certkit_ssl_set_verify_flags(ssl, CERTKIT_SSL_VERIFY_PEER_CERT);
  return ssl;
}

SSL_CTX* CertkitServer(CertkitSsl* ssl) {
  SSL_CTX* ctx = NewCtx(TLS_server_method());
  Check(certkit_openssl_configure_ctx(ctx, ssl), "certkit_openssl_configure_ctx");
  return ctx;
}

SSL_CTX* Client() {
  static SSL_CTX* ctx = [] {
    const Pki& pki = ThePki();
    SSL_CTX* c = NewCtx(TLS_client_method());
    if (SSL_CTX_use_certificate_chain_file(c, pki.client("client.app.crt").c_str()) != 1 ||
        SSL_CTX_use_PrivateKey_file(c, pki.client("client.app.key").c_str(), SSL_FILETYPE_PEM) != 1 ||
        SSL_CTX_load_verify_locations(c, (pki.dir + "/ca.crt").c_str(), nullptr) != 1) {
      Die("OpenSSL cannot load the client's PEM files");
    }
    SSL_CTX_set_verify(c, SSL_VERIFY_PEER, nullptr);
    return c;
  }();
  return ctx;
}

// A server thread accepting on 127.0.0.1 with whatever SSL_CTX is current.
class Server {
 public:
  Server() {
    listener_ = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof(addr);
    if (listener_ < 0 || bind(listener_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0 ||
        listen(listener_, 16) != 0 ||
        getsockname(listener_, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
      Die("cannot listen on 127.0.0.1");
    }
    port_ = ntohs(addr.sin_port);
    thread_ = std::thread([this] { Loop(); });
  }
  int port() const { return port_; }
  void Use(SSL_CTX* ctx) { ctx_.store(ctx); }
  int failures() const { return failures_.load(); }

 private:
  void Loop() {
    for (;;) {
      const int fd = accept(listener_, nullptr, nullptr);
      if (fd < 0) continue;
      const int one = 1;
      setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
      SSL* s = SSL_new(ctx_.load());
      SSL_set_fd(s, fd);
      if (SSL_accept(s) == 1) {
        const char byte = 'k';
        SSL_write(s, &byte, 1);
        SSL_shutdown(s);
      } else {
        failures_++;
        ERR_clear_error();
      }
      SSL_free(s);
      close(fd);
    }
  }
  int listener_ = -1;
  int port_ = 0;
  std::atomic<SSL_CTX*> ctx_{nullptr};
  std::atomic<int> failures_{0};
  std::thread thread_;
};

Server& TheServer() {
  static Server* server = new Server();
  return *server;
}

// One full handshake from the client's side; false when it failed.
bool Handshake(int port) {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  const int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
    close(fd);
    return false;
  }
  SSL* s = SSL_new(Client());
  SSL_set_fd(s, fd);
  SSL_set1_host(s, "127.0.0.1");
  bool ok = SSL_connect(s) == 1;
  char byte = 0;
  ok = ok && SSL_read(s, &byte, 1) == 1 && byte == 'k';
  if (!ok) ERR_clear_error();
  SSL_shutdown(s);
  SSL_free(s);
  close(fd);
  return ok;
}

void RunHandshakes(benchmark::State& state, SSL_CTX* ctx, CertkitSsl* reload = nullptr) {
  Server& server = TheServer();
  server.Use(ctx);
  const Pki& pki = ThePki();
  for (auto _ : state) {
    if (reload != nullptr) {
      state.PauseTiming();
      Check(certkit_ssl_reload_pem_files(reload, pki.node("node.crt").c_str(),
                                         pki.node("node.key").c_str(), nullptr, nullptr),
            "certkit_ssl_reload_pem_files");
      state.ResumeTiming();
    }
    if (!Handshake(server.port())) state.SkipWithError("a handshake failed");
  }
  if (server.failures() != 0) state.SkipWithError("the server refused a handshake");
  state.counters["handshakes_per_cpu_s"] =
      benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}

void BM_OpenSslPem(benchmark::State& state) {
  static SSL_CTX* ctx = OpenSslServer();
  RunHandshakes(state, ctx);
}

void BM_CertkitPem(benchmark::State& state) {
  static SSL_CTX* ctx = CertkitServer(CertkitFromPem());
  RunHandshakes(state, ctx);
}

void BM_CertkitJks(benchmark::State& state) {
  static SSL_CTX* ctx = CertkitServer(CertkitFromJks());
  RunHandshakes(state, ctx);
}

void BM_CertkitAfterReload(benchmark::State& state) {
  static CertkitSsl* ssl = CertkitFromPem();
  static SSL_CTX* ctx = CertkitServer(ssl);
  RunHandshakes(state, ctx, ssl);
}

void BM_Reload(benchmark::State& state) {
  static CertkitSsl* ssl = CertkitFromPem();
  const Pki& pki = ThePki();
  for (auto _ : state) {
    Check(certkit_ssl_reload_pem_files(ssl, pki.node("node.crt").c_str(), pki.node("node.key").c_str(),
                                       nullptr, nullptr),
          "certkit_ssl_reload_pem_files");
  }
  state.counters["reloads_per_cpu_s"] =
      benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}

}  // namespace

BENCHMARK(BM_OpenSslPem)->Name("handshake/openssl_pem")->MeasureProcessCPUTime()->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_CertkitPem)->Name("handshake/certkit_pem")->MeasureProcessCPUTime()->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_CertkitJks)->Name("handshake/certkit_jks")->MeasureProcessCPUTime()->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_CertkitAfterReload)
    ->Name("handshake/certkit_after_reload")
    ->MeasureProcessCPUTime()
    ->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_Reload)->Name("reload/certkit_pem")->MeasureProcessCPUTime()->Unit(benchmark::kMicrosecond);

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  RatioReporter reporter("handshakes_per_cpu_s");
  benchmark::RunSpecifiedBenchmarks(&reporter);
  auto& rate = reporter.values;
  const std::string base = "handshake/openssl_pem/process_time";
  for (const char* name : {"handshake/certkit_pem", "handshake/certkit_jks", "handshake/certkit_after_reload"}) {
    const std::string key = std::string(name) + "/process_time";
    if (rate.count(key) && rate.count(base) && rate[key] > 0) {
      std::printf("%s costs %.3f x handshake/openssl_pem (%.0f vs %.0f handshakes per CPU-second)\n",
                  name, rate[base] / rate[key], rate[key], rate[base]);
    }
  }
  benchmark::Shutdown();
  return 0;
}
