// tests/capi/tls_test.cc: real TLS handshakes on loopback. A BoringSSL client
// (the test's own copy, not the one sealed inside libcertkit.so) configured
// only through the driver shim (certkit/certkit.h + the header-only
// certkit/certkit_openssl.h, whose API BoringSSL shares) talks to `openssl s_server`, a separate
// process that presents a certkit-issued node certificate and demands a
// client certificate. Material also comes from keytool-made JKS and PKCS#12
// stores.
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <catch2/catch.hpp>

#include "certkit/certkit.h"
#include "openssl/ssl.h"
#include "certkit/certkit_openssl.h"
#include "support/oracle.h"

namespace {

using certkit_test::ReadBytes;
using certkit_test::ReadString;
using certkit_test::Run;
using certkit_test::TempDir;
using certkit_test::WriteString;

#define REQUIRE_CK(expr)                                                       \
  do {                                                                         \
    CertkitError rc_ = (expr);                                                 \
    INFO(#expr << " -> " << certkit_error_name(rc_) << ": "                    \
               << certkit_last_error_message());                               \
    REQUIRE(rc_ == CERTKIT_OK);                                                \
  } while (0)

// Owned C strings and handles.
struct BufferFree {
  void operator()(void* p) const { certkit_buffer_free(p); }
};
using Text = std::unique_ptr<char, BufferFree>;
struct SslFree {
  void operator()(CertkitSsl* p) const { certkit_ssl_free(p); }
};
using SslConfig = std::unique_ptr<CertkitSsl, SslFree>;

std::string Take(char* text) {
  Text owned(text);
  return owned ? std::string(owned.get()) : std::string();
}

int64_t Now() { return static_cast<int64_t>(time(nullptr)); }

// Pki: a certkit root CA (valid since 30 days ago), and the node and client
// certificates it issues, written as PEM files for openssl.
class Pki {
 public:
  explicit Pki(const std::string& root_cn) {
    CertkitName* subject = nullptr;
    REQUIRE_CK(certkit_name_parse(("CN=" + root_cn + ", O=certkit tests").c_str(), &subject));
    CertkitCaOptions* options = nullptr;
    REQUIRE_CK(certkit_ca_options_new(&options));
    REQUIRE_CK(certkit_ca_options_set_subject(options, subject));
    REQUIRE_CK(certkit_ca_options_set_not_before(options, Now() - 30 * 86400));
    REQUIRE_CK(certkit_ca_create_root(options, &ca_));
    certkit_ca_options_free(options);
    certkit_name_free(subject);
    CertkitCert* cert = nullptr;
    REQUIRE_CK(certkit_ca_certificate(ca_, &cert));
    char* pem = nullptr;
    REQUIRE_CK(certkit_cert_to_pem(cert, &pem, nullptr));
    ca_pem_ = Take(pem);
    certkit_cert_free(cert);
  }
  ~Pki() { certkit_ca_free(ca_); }

  const std::string& ca_pem() const { return ca_pem_; }
  // key_pem: the CA's private key (PKCS#8 PEM), for openssl ca.
  std::string key_pem() const {
    CertkitKey* key = nullptr;
    REQUIRE_CK(certkit_ca_key(ca_, &key));
    char* text = nullptr;
    REQUIRE_CK(certkit_key_to_pem(key, CERTKIT_KEY_FORMAT_PKCS8, &text, nullptr));
    certkit_key_free(key);
    return Take(text);
  }

  // Issue makes a key and a certificate with |profile| for |cn| and |sans|;
  // |not_before|/|days| default to now / 30 days.
  void Issue(const std::string& profile_name, const std::string& cn, const std::string& sans,
             std::string* cert_pem, std::string* key_pem, int64_t not_before = 0,
             int days = 30) {
    CertkitKey* key = nullptr;
    REQUIRE_CK(certkit_key_generate("ec:p256", &key));
    CertkitName* subject = nullptr;
    REQUIRE_CK(certkit_name_parse(("CN=" + cn + ", O=certkit tests").c_str(), &subject));
    CertkitProfile* profile = nullptr;
    REQUIRE_CK(certkit_profile_new(profile_name.c_str(), &profile));
    CertkitIssueOptions* options = nullptr;
    REQUIRE_CK(certkit_issue_options_new(&options));
    REQUIRE_CK(certkit_issue_options_set_subject(options, subject));
    REQUIRE_CK(certkit_issue_options_set_days(options, days));
    if (not_before != 0) REQUIRE_CK(certkit_issue_options_set_not_before(options, not_before));
    if (!sans.empty()) REQUIRE_CK(certkit_issue_options_add_sans(options, sans.c_str()));
    CertkitCert* cert = nullptr;
    REQUIRE_CK(certkit_ca_sign_key(ca_, key, profile, options, &cert));
    char* text = nullptr;
    REQUIRE_CK(certkit_cert_to_pem(cert, &text, nullptr));
    *cert_pem = Take(text);
    REQUIRE_CK(certkit_key_to_pem(key, CERTKIT_KEY_FORMAT_PKCS8, &text, nullptr));
    *key_pem = Take(text);
    certkit_cert_free(cert);
    certkit_issue_options_free(options);
    certkit_profile_free(profile);
    certkit_name_free(subject);
    certkit_key_free(key);
  }

 private:
  CertkitCa* ca_ = nullptr;
  std::string ca_pem_;
};

// Server runs `openssl s_server` on 127.0.0.1 until destroyed.
class Server {
 public:
  Server(const std::string& cert, const std::string& key, const std::string& client_ca,
         const std::vector<std::string>& extra = {})
      : port_(certkit_test::FreeLoopbackPort()) {
    std::vector<std::string> args = {"openssl", "s_server", "-accept", std::to_string(port_),
                                     "-cert", cert, "-key", key, "-CAfile", client_ca,
                                     "-Verify", "1", "-verify_return_error", "-www", "-quiet"};
    args.insert(args.end(), extra.begin(), extra.end());
    pid_ = fork();
    REQUIRE(pid_ >= 0);
    if (pid_ == 0) {
      int null_fd = open("/dev/null", O_RDWR);
      dup2(null_fd, 0);
      dup2(null_fd, 1);
      dup2(null_fd, 2);
      std::vector<char*> argv;
      for (std::string& a : args) argv.push_back(a.data());
      argv.push_back(nullptr);
      execvp(argv[0], argv.data());
      _exit(127);
    }
    // Poll-connect until the server listens (or give up after 15 s).
    bool ready = false;
    for (int i = 0; i < 300 && !ready; ++i) {
      int fd = ConnectTcp(port_);
      if (fd >= 0) {
        close(fd);
        ready = true;
      } else {
        int status = 0;
        REQUIRE(waitpid(pid_, &status, WNOHANG) == 0);  // the server must not have died
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
      }
    }
    REQUIRE(ready);
  }
  ~Server() {
    kill(pid_, SIGTERM);
    int status = 0;
    waitpid(pid_, &status, 0);
  }
  int port() const { return port_; }

  static int ConnectTcp(int port) {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) return -1;
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<uint16_t>(port));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
      close(fd);
      return -1;
    }
    return fd;
  }

 private:
  int port_;
  pid_t pid_ = -1;
};

struct Outcome {
  CertkitError code = CERTKIT_ERROR_INTERNAL;
  std::string message;
  int version = 0;  // negotiated TLS version on success
};

// Connect runs one HTTPS request through a BoringSSL client configured only
// from |config|; |peer| is what the identity flags check.
Outcome Connect(CertkitSsl* config, int port, const char* peer) {
  Outcome outcome;
  bssl::UniquePtr<SSL_CTX> ctx(SSL_CTX_new(TLS_method()));
  REQUIRE(ctx);
  CertkitError rc = certkit_openssl_configure_ctx(ctx.get(), config);
  if (rc != CERTKIT_OK) {
    outcome.code = rc;
    outcome.message = certkit_last_error_message();
    return outcome;
  }
  bssl::UniquePtr<SSL> ssl(SSL_new(ctx.get()));
  REQUIRE(ssl);
  if (peer != nullptr) REQUIRE_CK(certkit_openssl_set_peer(ssl.get(), peer));
  int fd = Server::ConnectTcp(port);
  REQUIRE(fd >= 0);
  SSL_set_fd(ssl.get(), fd);
  auto finish = [&](int ret) {
    outcome.code = certkit_openssl_result(ssl.get(), ret);
    outcome.message = certkit_last_error_message();
  };
  int ret = SSL_connect(ssl.get());
  if (ret <= 0) {
    finish(ret);
    close(fd);
    return outcome;
  }
  const char request[] = "GET / HTTP/1.0\r\n\r\n";
  ret = SSL_write(ssl.get(), request, sizeof(request) - 1);
  std::string response;
  if (ret > 0) {
    char buffer[4096];
    while ((ret = SSL_read(ssl.get(), buffer, sizeof(buffer))) > 0) response.append(buffer, ret);
    // The -www server closes after the page; a clean close ends the response.
    if (SSL_get_error(ssl.get(), ret) == SSL_ERROR_ZERO_RETURN || !response.empty()) ret = 1;
  }
  finish(ret);
  if (outcome.code == CERTKIT_OK && response.find("200 ok") == std::string::npos) {
    outcome.code = CERTKIT_ERROR_TLS_HANDSHAKE;
    outcome.message = "no HTTP response from s_server: " + response.substr(0, 200);
  }
  outcome.version = SSL_version(ssl.get());
  close(fd);
  return outcome;
}

// Material shared by the handshake tests: a node certificate for 127.0.0.1
// and localhost, a client certificate, both from one certkit root.
struct Cluster {
  TempDir dir;
  Pki pki{"certkit TLS test root"};
  std::string node_pem, node_key, client_pem, client_key;
  Cluster() {
    pki.Issue("node", "node1", "IP:127.0.0.1,DNS:localhost", &node_pem, &node_key);
    pki.Issue("client", "driver", "", &client_pem, &client_key);
    WriteString(dir.File("ca.pem"), pki.ca_pem());
    WriteString(dir.File("node.pem"), node_pem);
    WriteString(dir.File("node.key"), node_key);
  }
  // ClientConfig trusts the root and presents the client certificate.
  SslConfig ClientConfig(int flags) const {
    SslConfig config(certkit_ssl_new());
    REQUIRE(config);
    REQUIRE_CK(certkit_ssl_add_trusted_cert(config.get(), pki.ca_pem().c_str()));
    REQUIRE_CK(certkit_ssl_set_cert(config.get(), client_pem.c_str()));
    REQUIRE_CK(certkit_ssl_set_private_key_n(config.get(), client_key.data(), client_key.size(),
                                             nullptr, 0));
    certkit_ssl_set_verify_flags(config.get(), flags);
    return config;
  }
};

const int kIdentityIp = CERTKIT_SSL_VERIFY_PEER_CERT | CERTKIT_SSL_VERIFY_PEER_IDENTITY;
const int kIdentityDns = CERTKIT_SSL_VERIFY_PEER_CERT | CERTKIT_SSL_VERIFY_PEER_IDENTITY_DNS;

}  // namespace

TEST_CASE("mutual TLS with identity by IP and by DNS, TLS 1.3 and 1.3-only") {
  REQUIRE(certkit_test::HaveTool("openssl"));
  Cluster cluster;
  Server server(cluster.dir.File("node.pem"), cluster.dir.File("node.key"),
                cluster.dir.File("ca.pem"));

  SslConfig by_ip = cluster.ClientConfig(kIdentityIp);
  Outcome ip = Connect(by_ip.get(), server.port(), "127.0.0.1");
  INFO(ip.message);
  CHECK(ip.code == CERTKIT_OK);
  CHECK(ip.version == TLS1_3_VERSION);

  SslConfig by_dns = cluster.ClientConfig(kIdentityDns);
  Outcome dns = Connect(by_dns.get(), server.port(), "localhost");
  INFO(dns.message);
  CHECK(dns.code == CERTKIT_OK);

  // Pinned to TLS 1.3 only.
  REQUIRE_CK(certkit_ssl_set_min_protocol_version(by_ip.get(), CERTKIT_SSL_VERSION_TLS1_3));
  Outcome pinned = Connect(by_ip.get(), server.port(), "127.0.0.1");
  INFO(pinned.message);
  CHECK(pinned.code == CERTKIT_OK);
  CHECK(pinned.version == TLS1_3_VERSION);

  // TLS 1.2 when the client caps it.
  SslConfig tls12 = cluster.ClientConfig(kIdentityIp);
  REQUIRE_CK(certkit_ssl_set_max_protocol_version(tls12.get(), CERTKIT_SSL_VERSION_TLS1_2));
  Outcome old = Connect(tls12.get(), server.port(), "127.0.0.1");
  INFO(old.message);
  CHECK(old.code == CERTKIT_OK);
  CHECK(old.version == TLS1_2_VERSION);

  // The user may free the object once a driver (here an SSL_CTX) holds it.
  CertkitSsl* transient = cluster.ClientConfig(kIdentityIp).release();
  bssl::UniquePtr<SSL_CTX> ctx(SSL_CTX_new(TLS_method()));
  REQUIRE_CK(certkit_openssl_configure_ctx(ctx.get(), transient));
  certkit_ssl_free(transient);
  bssl::UniquePtr<SSL> ssl(SSL_new(ctx.get()));
  REQUIRE_CK(certkit_openssl_set_peer(ssl.get(), "127.0.0.1"));
  int fd = Server::ConnectTcp(server.port());
  REQUIRE(fd >= 0);
  SSL_set_fd(ssl.get(), fd);
  int ret = SSL_connect(ssl.get());
  CHECK(certkit_openssl_result(ssl.get(), ret) == CERTKIT_OK);
  // The established connection's peer chain, re-checked after the fact.
  SslConfig checker = cluster.ClientConfig(kIdentityIp);
  STACK_OF(X509)* peer_chain = SSL_get_peer_cert_chain(ssl.get());
  REQUIRE(peer_chain != nullptr);
  std::vector<std::vector<uint8_t>> ders;
  for (size_t i = 0; i < sk_X509_num(peer_chain); ++i) {
    uint8_t* der = nullptr;
    int len = i2d_X509(sk_X509_value(peer_chain, i), &der);
    REQUIRE(len > 0);
    ders.emplace_back(der, der + len);
    OPENSSL_free(der);
  }
  std::vector<const uint8_t*> pointers;
  std::vector<size_t> lengths;
  for (const auto& der : ders) {
    pointers.push_back(der.data());
    lengths.push_back(der.size());
  }
  CHECK(certkit_ssl_verify_peer(checker.get(), pointers.data(), lengths.data(), ders.size(),
                                "127.0.0.1") == CERTKIT_OK);
  CHECK(certkit_ssl_verify_peer(checker.get(), pointers.data(), lengths.data(), ders.size(),
                                "10.9.9.9") == CERTKIT_ERROR_IDENTITY_MISMATCH);
  close(fd);
}

TEST_CASE("handshakes fail with the precise code") {
  REQUIRE(certkit_test::HaveTool("openssl"));
  Cluster cluster;
  // An expired node certificate from the same root (valid 20..19 days ago).
  std::string expired_pem, expired_key;
  cluster.pki.Issue("node", "node-expired", "IP:127.0.0.1", &expired_pem, &expired_key,
                    Now() - 20 * 86400, 1);
  WriteString(cluster.dir.File("expired.pem"), expired_pem);
  WriteString(cluster.dir.File("expired.key"), expired_key);

  Server server(cluster.dir.File("node.pem"), cluster.dir.File("node.key"),
                cluster.dir.File("ca.pem"));

  SECTION("wrong IP") {
    SslConfig config = cluster.ClientConfig(kIdentityIp);
    Outcome o = Connect(config.get(), server.port(), "127.0.0.2");
    INFO(o.message);
    CHECK(o.code == CERTKIT_ERROR_IDENTITY_MISMATCH);
    CHECK(o.message.find("127.0.0.2") != std::string::npos);
  }
  SECTION("wrong host name") {
    SslConfig config = cluster.ClientConfig(kIdentityDns);
    Outcome o = Connect(config.get(), server.port(), "db.wrong.example");
    INFO(o.message);
    CHECK(o.code == CERTKIT_ERROR_IDENTITY_MISMATCH);
    CHECK(o.message.find("db.wrong.example") != std::string::npos);
  }
  SECTION("untrusted CA") {
    Pki other("some other root");
    SslConfig config(certkit_ssl_new());
    REQUIRE_CK(certkit_ssl_add_trusted_cert(config.get(), other.ca_pem().c_str()));
    REQUIRE_CK(certkit_ssl_set_cert(config.get(), cluster.client_pem.c_str()));
    REQUIRE_CK(certkit_ssl_set_private_key(config.get(), cluster.client_key.c_str(), nullptr));
    Outcome o = Connect(config.get(), server.port(), nullptr);
    INFO(o.message);
    CHECK(o.code == CERTKIT_ERROR_UNKNOWN_ISSUER);
  }
  SECTION("missing client certificate, TLS 1.3 and TLS 1.2") {
    for (int max_version : {CERTKIT_SSL_VERSION_TLS1_3, CERTKIT_SSL_VERSION_TLS1_2}) {
      SslConfig config(certkit_ssl_new());
      REQUIRE_CK(certkit_ssl_add_trusted_cert(config.get(), cluster.pki.ca_pem().c_str()));
      REQUIRE_CK(certkit_ssl_set_max_protocol_version(config.get(), max_version));
      Outcome o = Connect(config.get(), server.port(), "127.0.0.1");
      INFO(o.message);
      CHECK(o.code == CERTKIT_ERROR_TLS_HANDSHAKE);
    }
  }
  SECTION("verification off accepts an untrusted server") {
    SslConfig config(certkit_ssl_new());
    REQUIRE_CK(certkit_ssl_set_cert(config.get(), cluster.client_pem.c_str()));
    REQUIRE_CK(certkit_ssl_set_private_key(config.get(), cluster.client_key.c_str(), nullptr));
    certkit_ssl_set_verify_flags(config.get(), CERTKIT_SSL_VERIFY_NONE);
    Outcome o = Connect(config.get(), server.port(), nullptr);
    INFO(o.message);
    CHECK(o.code == CERTKIT_OK);
  }
  SECTION("a certificate without its key cannot configure a context") {
    SslConfig config(certkit_ssl_new());
    REQUIRE_CK(certkit_ssl_set_cert(config.get(), cluster.client_pem.c_str()));
    Outcome o = Connect(config.get(), server.port(), nullptr);
    CHECK(o.code == CERTKIT_ERROR_INVALID_ARGUMENT);
  }
  SECTION("expired server certificate") {
    Server expired(cluster.dir.File("expired.pem"), cluster.dir.File("expired.key"),
                   cluster.dir.File("ca.pem"));
    SslConfig config = cluster.ClientConfig(kIdentityIp);
    Outcome o = Connect(config.get(), expired.port(), "127.0.0.1");
    INFO(o.message);
    CHECK(o.code == CERTKIT_ERROR_CERT_EXPIRED);
  }
  SECTION("TLS 1.3 minimum against a TLS 1.2-only server") {
    Server old(cluster.dir.File("node.pem"), cluster.dir.File("node.key"),
               cluster.dir.File("ca.pem"), {"-tls1_2"});
    SslConfig config = cluster.ClientConfig(kIdentityIp);
    REQUIRE_CK(certkit_ssl_set_min_protocol_version(config.get(), CERTKIT_SSL_VERSION_TLS1_3));
    Outcome o = Connect(config.get(), old.port(), "127.0.0.1");
    INFO(o.message);
    CHECK(o.code == CERTKIT_ERROR_TLS_HANDSHAKE);
  }
}

TEST_CASE("client material from a keytool JKS keystore and PKCS#12 truststore") {
  REQUIRE(certkit_test::HaveTool("openssl"));
  REQUIRE(certkit_test::HaveTool("keytool"));
  Cluster cluster;
  const std::string jks = cluster.dir.File("keystore-driver.jks");
  const std::string p12 = cluster.dir.File("truststore.p12");
  // The seed's commands: an RSA key pair with separate store and key passwords.
  auto gen = Run({"keytool", "-genkeypair", "-noprompt", "-keyalg", "RSA", "-keysize", "2048",
                  "-validity", "30", "-alias", "driver", "-storetype", "JKS", "-keystore", jks,
                  "-storepass", "driver-store", "-keypass", "driver-key", "-dname",
                  "CN=driver, OU=Drivers and Tools, O=DataStax Inc., L=Santa Clara, "
                  "ST=California, C=US"});
  INFO(gen.output());
  REQUIRE(gen.exit_code == 0);
  auto exported = Run({"keytool", "-exportcert", "-rfc", "-noprompt", "-alias", "driver",
                       "-keystore", jks, "-storepass", "driver-store",
                       "-file", cluster.dir.File("driver.pem")});
  REQUIRE(exported.exit_code == 0);
  auto trust = Run({"keytool", "-importcert", "-noprompt", "-alias", "rootca", "-file",
                    cluster.dir.File("ca.pem"), "-storetype", "PKCS12", "-keystore", p12,
                    "-storepass", "trust-pass"});
  INFO(trust.output());
  REQUIRE(trust.exit_code == 0);
  // The server trusts the keytool-made (self-signed) driver certificate.
  WriteString(cluster.dir.File("client-cas.pem"),
              ReadString(cluster.dir.File("driver.pem")) + cluster.pki.ca_pem());
  Server server(cluster.dir.File("node.pem"), cluster.dir.File("node.key"),
                cluster.dir.File("client-cas.pem"));

  std::vector<uint8_t> keystore = ReadBytes(jks);
  std::vector<uint8_t> truststore = ReadBytes(p12);
  SslConfig config(certkit_ssl_new());
  REQUIRE_CK(certkit_ssl_add_trusted_keystore(config.get(), truststore.data(), truststore.size(),
                                              "trust-pass"));
  // The wrong key password is reported as such; the store password never leaks.
  CHECK(certkit_ssl_set_keystore(config.get(), keystore.data(), keystore.size(), "driver-store",
                                 "not-the-key", "driver") == CERTKIT_ERROR_BAD_KEY_PASSWORD);
  CHECK(std::string(certkit_last_error_message()).find("not-the-key") == std::string::npos);
  CHECK(certkit_ssl_set_keystore(config.get(), keystore.data(), keystore.size(), "wrong-store",
                                 nullptr, nullptr) == CERTKIT_ERROR_BAD_PASSWORD);
  CHECK(std::string(certkit_last_error_message()).find("wrong-store") == std::string::npos);
  REQUIRE_CK(certkit_ssl_set_keystore(config.get(), keystore.data(), keystore.size(),
                                      "driver-store", "driver-key", nullptr));
  certkit_ssl_set_verify_flags(config.get(), kIdentityIp);
  Outcome o = Connect(config.get(), server.port(), "127.0.0.1");
  INFO(o.message);
  CHECK(o.code == CERTKIT_OK);
}

TEST_CASE("keytool certificates without SAN: CN fallback only for PEER_IDENTITY") {
  REQUIRE(certkit_test::HaveTool("keytool"));
  TempDir dir;
  const std::string jks = dir.File("keystore.jks");
  for (const char* cn : {"127.0.0.1", "localhost"}) {
    std::string alias = std::string("node-") + cn;
    auto gen = Run({"keytool", "-genkeypair", "-noprompt", "-keyalg", "RSA", "-validity", "30",
                    "-alias", alias, "-keystore", jks, "-storepass", "cassandra", "-dname",
                    std::string("CN=") + cn +
                        ", OU=Drivers and Tools, O=DataStax Inc., L=Santa Clara, "
                        "ST=California, C=US"});
    INFO(gen.output());
    REQUIRE(gen.exit_code == 0);
  }
  auto der_of = [&](const std::string& alias) {
    auto r = Run({"keytool", "-exportcert", "-noprompt", "-alias", alias, "-keystore", jks,
                  "-storepass", "cassandra", "-file", dir.File(alias + ".der")});
    REQUIRE(r.exit_code == 0);
    return ReadBytes(dir.File(alias + ".der"));
  };
  std::vector<uint8_t> ip_cert = der_of("node-127.0.0.1");
  std::vector<uint8_t> dns_cert = der_of("node-localhost");
  std::vector<uint8_t> store = ReadBytes(jks);

  // The same keystore serves as truststore, as in the DataStax guide.
  SslConfig config(certkit_ssl_new());
  REQUIRE_CK(certkit_ssl_add_trusted_keystore(config.get(), store.data(), store.size(),
                                              "cassandra"));
  const uint8_t* ders[1] = {ip_cert.data()};
  size_t lengths[1] = {ip_cert.size()};
  certkit_ssl_set_verify_flags(config.get(), kIdentityIp);
  CHECK(certkit_ssl_verify_peer(config.get(), ders, lengths, 1, "127.0.0.1") == CERTKIT_OK);
  CHECK(certkit_ssl_verify_peer(config.get(), ders, lengths, 1, "127.0.0.2") ==
        CERTKIT_ERROR_IDENTITY_MISMATCH);
  ders[0] = dns_cert.data();
  lengths[0] = dns_cert.size();
  // PEER_IDENTITY_DNS needs a dNSName SAN: no CN fallback.
  certkit_ssl_set_verify_flags(config.get(), kIdentityDns);
  CHECK(certkit_ssl_verify_peer(config.get(), ders, lengths, 1, "localhost") ==
        CERTKIT_ERROR_IDENTITY_MISMATCH);
  certkit_ssl_set_verify_flags(config.get(), CERTKIT_SSL_VERIFY_PEER_CERT);
  CHECK(certkit_ssl_verify_peer(config.get(), ders, lengths, 1, nullptr) == CERTKIT_OK);
}

TEST_CASE("a server certificate revoked by an openssl-made CRL fails the handshake with CERT_REVOKED") {
  REQUIRE(certkit_test::HaveTool("openssl"));
  Cluster cluster;
  std::string good_pem, good_key;
  cluster.pki.Issue("node", "node2", "IP:127.0.0.1", &good_pem, &good_key);
  WriteString(cluster.dir.File("good.pem"), good_pem);
  WriteString(cluster.dir.File("good.key"), good_key);
  // openssl ca revokes node.pem with the certkit CA's key and writes a CRL v2.
  WriteString(cluster.dir.File("ca.key"), cluster.pki.key_pem());
  WriteString(cluster.dir.File("index.txt"), "");
  WriteString(cluster.dir.File("crlnumber"), "01\n");
  WriteString(cluster.dir.File("ca.cnf"), "[ca]\ndefault_ca=d\n[d]\ndatabase=" + cluster.dir.File("index.txt") +
                                             "\ncrlnumber=" + cluster.dir.File("crlnumber") +
                                             "\ndefault_md=sha256\ndefault_crl_days=7\n");
  const std::vector<std::string> ca = {"openssl", "ca", "-config", cluster.dir.File("ca.cnf"), "-keyfile",
                                       cluster.dir.File("ca.key"), "-cert", cluster.dir.File("ca.pem")};
  auto with = [&](std::vector<std::string> extra) {
    std::vector<std::string> argv = ca;
    argv.insert(argv.end(), extra.begin(), extra.end());
    auto r = Run(argv);
    INFO(r.output());
    REQUIRE(r.exit_code == 0);
  };
  with({"-revoke", cluster.dir.File("node.pem")});
  with({"-gencrl", "-out", cluster.dir.File("crl.pem")});
  const std::string crl = ReadString(cluster.dir.File("crl.pem"));

  Server revoked(cluster.dir.File("node.pem"), cluster.dir.File("node.key"), cluster.dir.File("ca.pem"));
  Server good(cluster.dir.File("good.pem"), cluster.dir.File("good.key"), cluster.dir.File("ca.pem"));
  SslConfig config = cluster.ClientConfig(kIdentityIp);
  // Without the CRL the revoked server is accepted; with it, refused.
  CHECK(Connect(config.get(), revoked.port(), "127.0.0.1").code == CERTKIT_OK);
  REQUIRE_CK(certkit_ssl_add_crl(config.get(), reinterpret_cast<const uint8_t*>(crl.data()), crl.size()));
  Outcome o = Connect(config.get(), revoked.port(), "127.0.0.1");
  INFO(o.message);
  CHECK(o.code == CERTKIT_ERROR_CERT_REVOKED);
  CHECK(o.message.find("revoked") != std::string::npos);
  CHECK(Connect(config.get(), good.port(), "127.0.0.1").code == CERTKIT_OK);
  // A CRL that is not one is refused and not added.
  const std::string junk = "not a CRL";
  CHECK(certkit_ssl_add_crl(config.get(), reinterpret_cast<const uint8_t*>(junk.data()), junk.size()) ==
        CERTKIT_ERROR_MALFORMED);
  CHECK(certkit_ssl_add_crl(nullptr, nullptr, 0) == CERTKIT_ERROR_NULL_ARGUMENT);
  CHECK(Connect(config.get(), good.port(), "127.0.0.1").code == CERTKIT_OK);
}

TEST_CASE("one prepared CertkitTrustStore from a keytool truststore serves many handshakes") {
  REQUIRE(certkit_test::HaveTool("openssl"));
  REQUIRE(certkit_test::HaveTool("keytool"));
  Cluster cluster;
  // The truststore as the seeds make it: keytool -importcert into PKCS#12.
  const std::string p12 = cluster.dir.File("truststore.p12");
  auto trust = Run({"keytool", "-importcert", "-noprompt", "-alias", "rootca", "-file",
                    cluster.dir.File("ca.pem"), "-storetype", "PKCS12", "-keystore", p12,
                    "-storepass", "trust-pass"});
  INFO(trust.output());
  REQUIRE(trust.exit_code == 0);
  std::vector<uint8_t> bytes = ReadBytes(p12);
  CertkitKeystore* keystore = nullptr;
  REQUIRE_CK(certkit_keystore_load(bytes.data(), bytes.size(), "trust-pass", CERTKIT_STORE_AUTO,
                                   &keystore));
  CertkitTrustStore* store = nullptr;
  REQUIRE_CK(certkit_trust_store_new(&store));
  CHECK(certkit_trust_store_count(store) == 0);
  CHECK(certkit_trust_store_count(nullptr) == 0);
  REQUIRE_CK(certkit_trust_store_add_keystore(store, keystore));
  certkit_keystore_free(keystore);
  CHECK(certkit_trust_store_count(store) == 1);
  // The same anchor again is not a second anchor.
  REQUIRE_CK(certkit_trust_store_add_bundle(store, cluster.pki.ca_pem().c_str()));
  CHECK(certkit_trust_store_count(store) == 1);
  CHECK(certkit_trust_store_add_bundle(store, "no certificate") == CERTKIT_ERROR_MALFORMED);
  CHECK(certkit_ssl_set_trust_store(nullptr, store) == CERTKIT_ERROR_NULL_ARGUMENT);

  Server server(cluster.dir.File("node.pem"), cluster.dir.File("node.key"),
                cluster.dir.File("ca.pem"));
  // Two endpoints share the store; it may be freed once they hold it.
  std::vector<SslConfig> configs;
  for (int flags : {kIdentityIp, kIdentityDns}) {
    SslConfig config(certkit_ssl_new());
    REQUIRE_CK(certkit_ssl_set_trust_store(config.get(), store));
    REQUIRE_CK(certkit_ssl_set_cert(config.get(), cluster.client_pem.c_str()));
    REQUIRE_CK(certkit_ssl_set_private_key(config.get(), cluster.client_key.c_str(), nullptr));
    certkit_ssl_set_verify_flags(config.get(), flags);
    configs.push_back(std::move(config));
  }
  certkit_trust_store_free(store);
  certkit_trust_store_free(nullptr);
  for (int i = 0; i < 3; ++i) {
    Outcome by_ip = Connect(configs[0].get(), server.port(), "127.0.0.1");
    INFO(by_ip.message);
    CHECK(by_ip.code == CERTKIT_OK);
    Outcome by_dns = Connect(configs[1].get(), server.port(), "localhost");
    INFO(by_dns.message);
    CHECK(by_dns.code == CERTKIT_OK);
  }
  Outcome wrong = Connect(configs[1].get(), server.port(), "db.wrong.example");
  CHECK(wrong.code == CERTKIT_ERROR_IDENTITY_MISMATCH);

  // A store with an unrelated root replaces the anchors: the server is untrusted.
  Pki other("some other root");
  CertkitTrustStore* other_store = nullptr;
  REQUIRE_CK(certkit_trust_store_new(&other_store));
  REQUIRE_CK(certkit_trust_store_add_bundle_n(other_store, other.ca_pem().data(),
                                              other.ca_pem().size()));
  REQUIRE_CK(certkit_ssl_set_trust_store(configs[0].get(), other_store));
  certkit_trust_store_free(other_store);
  Outcome untrusted = Connect(configs[0].get(), server.port(), "127.0.0.1");
  INFO(untrusted.message);
  CHECK(untrusted.code == CERTKIT_ERROR_UNKNOWN_ISSUER);
}

TEST_CASE("another node's valid certificate is refused and identity flags without a peer fail closed") {
  REQUIRE(certkit_test::HaveTool("openssl"));
  Cluster cluster;
  // Another node of the same CA: valid, but for 10.9.9.9 / other.example.
  std::string other_pem, other_key;
  cluster.pki.Issue("node", "other", "IP:10.9.9.9,DNS:other.example", &other_pem, &other_key);
  WriteString(cluster.dir.File("other.pem"), other_pem);
  WriteString(cluster.dir.File("other.key"), other_key);
  Server other(cluster.dir.File("other.pem"), cluster.dir.File("other.key"),
               cluster.dir.File("ca.pem"));
  Server node(cluster.dir.File("node.pem"), cluster.dir.File("node.key"),
              cluster.dir.File("ca.pem"));

  SslConfig by_ip = cluster.ClientConfig(kIdentityIp);
  SslConfig by_dns = cluster.ClientConfig(kIdentityDns);
  for (int i = 0; i < 2; ++i) {  // the second round uses the prepared verifier again
    Outcome wrong_ip = Connect(by_ip.get(), other.port(), "127.0.0.1");
    INFO(wrong_ip.message);
    CHECK(wrong_ip.code == CERTKIT_ERROR_IDENTITY_MISMATCH);
    CHECK(wrong_ip.message.find("10.9.9.9") != std::string::npos);
    Outcome wrong_dns = Connect(by_dns.get(), other.port(), "localhost");
    INFO(wrong_dns.message);
    CHECK(wrong_dns.code == CERTKIT_ERROR_IDENTITY_MISMATCH);
    Outcome right = Connect(by_ip.get(), node.port(), "127.0.0.1");
    INFO(right.message);
    CHECK(right.code == CERTKIT_OK);
    Outcome right_dns = Connect(by_dns.get(), other.port(), "other.example");
    INFO(right_dns.message);
    CHECK(right_dns.code == CERTKIT_OK);
  }
  // Identity flags but no peer given: refused, not accepted.
  Outcome anonymous = Connect(by_ip.get(), other.port(), nullptr);
  INFO(anonymous.message);
  CHECK(anonymous.code == CERTKIT_ERROR_INVALID_ARGUMENT);
  CHECK(anonymous.message.find("peer") != std::string::npos);
  // The explicit opt-out (chain only) accepts any node of the CA.
  SslConfig chain_only = cluster.ClientConfig(CERTKIT_SSL_VERIFY_PEER_CERT);
  Outcome any = Connect(chain_only.get(), other.port(), nullptr);
  INFO(any.message);
  CHECK(any.code == CERTKIT_OK);
  // A change of flags reaches the next handshake (the prepared verifier is
  // made again after every change).
  certkit_ssl_set_verify_flags(chain_only.get(), kIdentityIp);
  Outcome changed = Connect(chain_only.get(), other.port(), "127.0.0.1");
  INFO(changed.message);
  CHECK(changed.code == CERTKIT_ERROR_IDENTITY_MISMATCH);
}
