// A real Java TLS handshake (JSSE SSLServerSocket, client auth required)
// with certkit-made node key stores and trust stores; the client is
// `openssl s_client` presenting a certkit-written PEM key store.
#include <catch2/catch.hpp>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "certkit/keystore.h"
#include "fixtures.h"

using certkit::KeyStore;
using certkit::StoreFormat;
using certkit_test::TempDir;
using keystore_test::Alg;

namespace {

// CompileServer compiles tests/keystore/java/TlsServer.java into |dir|.
std::string CompileServer(const TempDir& dir) {
  REQUIRE(certkit_test::HaveTool("javac"));
  REQUIRE(certkit_test::HaveTool("java"));
  std::string classes = dir.File("classes");
  auto r = certkit_test::Run({"javac", "-d", classes,
                              certkit_test::SourceDir() + "/tests/keystore/java/TlsServer.java"});
  INFO(r.output());
  REQUIRE(r.exit_code == 0);
  return classes;
}

// WriteClientPem writes the client's key + chain as a certkit PEM store
// (key encrypted with "clientpass").
std::string WriteClientPem(const TempDir& dir, const keystore_test::Pki& pki, const std::string& name) {
  KeyStore ks;
  REQUIRE(ks.SetKeyEntry(name, pki.leaf_key, {pki.leaf_cert, pki.ca_cert}).ok());
  std::string path = dir.File(name + ".pem");
  REQUIRE(ks.SaveFile(path, StoreFormat::kPem, "clientpass").ok());
  CHECK(certkit_test::FileMode(path) == 0600);
  CHECK(absl::StrContains(certkit_test::ReadString(path), "ENCRYPTED PRIVATE KEY"));
  return path;
}

void Handshakes(StoreFormat format) {
  TempDir dir;
  std::string classes = CompileServer(dir);
  auto node = keystore_test::MakePki(dir, "cluster", Alg::kRsa, "node1");
  auto client = keystore_test::MakePki(dir, "cluster2", Alg::kEc, "client");
  auto rogue = keystore_test::MakePki(dir, "rogue", Alg::kEc, "client");
  // The good client's certificate is issued by the cluster CA too.
  std::string csr = dir.File("client.csr");
  REQUIRE(certkit_test::Run({"openssl", "req", "-new", "-key", client.leaf_key_path, "-subj",
                             "/CN=client", "-out", csr}).exit_code == 0);
  client.leaf_cert_path = keystore_test::SignCsr(dir, node, csr, "client-by-cluster.pem");
  client.leaf_cert = keystore_test::Unwrap(
      certkit::Certificate::FromPem(certkit_test::ReadString(client.leaf_cert_path)));
  client.ca_cert = node.ca_cert;

  const std::string type = format == StoreFormat::kJks ? "JKS" : "PKCS12";
  KeyStore keystore;
  REQUIRE(keystore.SetKeyEntry("node1", node.leaf_key, {node.leaf_cert, node.ca_cert}).ok());
  std::string ks_path = dir.File("node." + type);
  REQUIRE(keystore.SaveFile(ks_path, format, "nodepass").ok());
  KeyStore truststore;
  REQUIRE(truststore.AddTrustedCert("cluster-ca", node.ca_cert).ok());
  std::string ts_path = dir.File("trust." + type);
  REQUIRE(truststore.SaveFile(ts_path, format, "trustpass").ok());
  CHECK(certkit_test::FileMode(ts_path) == 0644);

  std::string good = WriteClientPem(dir, client, "good");
  std::string bad = WriteClientPem(dir, rogue, "bad");
  std::string out = dir.File("server.out");
  auto connect = [&](const std::string& pem) {
    return absl::StrCat("openssl s_client -connect 127.0.0.1:$port -cert ", pem, " -key ", pem,
                        " -pass pass:clientpass -CAfile ", node.ca_cert_path,
                        " -verify_return_error </dev/null >>", dir.File("client.out"), " 2>&1; echo client=$?\n");
  };
  std::string script = absl::StrCat(
      "java -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -cp ", classes, " TlsServer ", ks_path, " nodepass ", type, " ", ts_path, " trustpass ", type,
      " true 0 2 >", out, " 2>&1 &\n",
      "spid=$!\n",
      "for i in $(seq 1 600); do grep -q -e '^READY' -e 'SETUP FAILED' ", out,
      " && break; sleep 0.1; done\n",
      "port=$(sed -n 's/^READY //p' ", out, ")\n",
      connect(good), connect(bad),
      "wait $spid; echo server=$?\n", "cat ", out, "\n");
  auto r = certkit_test::Run({"sh", "-c", script}, "", 120);
  INFO(r.output());
  INFO(certkit_test::ReadString(dir.File("client.out")));
  REQUIRE(absl::StrContains(r.out, "READY "));
  CHECK(absl::StrContains(r.out, "client=0"));
  CHECK(absl::StrContains(r.out, "HANDSHAKE OK CN=client"));
  CHECK(absl::StrContains(r.out, "HANDSHAKE FAILED"));
  CHECK(absl::StrContains(r.out, "server=1"));
}

}  // namespace

TEST_CASE("Java TLS handshake with certkit JKS key store and trust store") { Handshakes(StoreFormat::kJks); }
TEST_CASE("Java TLS handshake with certkit PKCS12 key store and trust store") {
  Handshakes(StoreFormat::kPkcs12);
}
