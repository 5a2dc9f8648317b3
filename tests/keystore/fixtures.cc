#include "fixtures.h"

#include <catch2/catch.hpp>

#include "openssl/sha.h"

namespace keystore_test {

using certkit_test::Run;

const char* AlgName(Alg alg) {
  switch (alg) {
    case Alg::kRsa: return "RSA";
    case Alg::kEc: return "EC";
    case Alg::kEd25519: return "Ed25519";
  }
  return "?";
}

certkit_test::ProcessResult Tool(const std::vector<std::string>& argv, const std::string& in) {
  std::vector<std::string> full{"env", "LC_ALL=C.UTF-8", "LANG=C.UTF-8"};
  full.insert(full.end(), argv.begin(), argv.end());
  return Run(full, in);
}

std::string Keytool(const std::vector<std::string>& args) {
  REQUIRE(certkit_test::HaveTool("keytool"));
  // Client-compiler-only JIT and the serial GC halve the JVM start-up time.
  std::vector<std::string> argv{"keytool", "-J-XX:TieredStopAtLevel=1", "-J-XX:+UseSerialGC"};
  argv.insert(argv.end(), args.begin(), args.end());
  auto r = Tool(argv);
  INFO("keytool " << args[0] << ": " << r.output());
  REQUIRE(r.exit_code == 0);
  return r.output();
}

namespace {

std::vector<std::string> NewKeyArgs(Alg alg) {
  switch (alg) {
    case Alg::kRsa: return {"-newkey", "rsa:2048"};
    case Alg::kEc: return {"-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256"};
    case Alg::kEd25519: return {"-newkey", "ed25519"};
  }
  return {};
}

void RequireOk(const certkit_test::ProcessResult& r, const char* what) {
  INFO(what << ": " << r.output());
  REQUIRE(r.exit_code == 0);
}

}  // namespace

Pki MakePki(const certkit_test::TempDir& dir, const std::string& prefix, Alg alg,
            const std::string& leaf_cn) {
  REQUIRE(certkit_test::HaveTool("openssl"));
  std::string ca_key = dir.File(prefix + "-ca.key"), ca_crt = dir.File(prefix + "-ca.pem");
  std::string key = dir.File(prefix + "-leaf.key"), csr = dir.File(prefix + "-leaf.csr");
  std::vector<std::string> ca{"openssl", "req", "-x509", "-nodes", "-keyout", ca_key, "-out", ca_crt,
                              "-subj", "/O=certkit test/CN=" + prefix + " Root CA", "-days", "30",
                              "-addext", "basicConstraints=critical,CA:TRUE",
                              "-addext", "keyUsage=critical,keyCertSign,cRLSign"};
  auto nk = NewKeyArgs(alg);
  ca.insert(ca.begin() + 3, nk.begin(), nk.end());
  RequireOk(Run(ca), "openssl req -x509");
  std::vector<std::string> req{"openssl", "req", "-new", "-nodes", "-keyout", key, "-out", csr,
                               "-subj", "/O=certkit test/CN=" + leaf_cn};
  req.insert(req.begin() + 3, nk.begin(), nk.end());
  RequireOk(Run(req), "openssl req -new");
  Pki pki{ca_crt, ca_key, "", key,
          Unwrap(certkit::Certificate::FromPem(certkit_test::ReadString(ca_crt))),
          Unwrap(certkit::Certificate::FromPem(certkit_test::ReadString(ca_crt))),
          Unwrap(certkit::PrivateKey::FromPem(certkit_test::ReadString(key)))};
  pki.leaf_cert_path = SignCsr(dir, pki, csr, prefix + "-leaf.pem");
  pki.leaf_cert = Unwrap(certkit::Certificate::FromPem(certkit_test::ReadString(pki.leaf_cert_path)));
  return pki;
}

std::string SignCsr(const certkit_test::TempDir& dir, const Pki& pki, const std::string& csr_path,
                    const std::string& out_name) {
  std::string ext = dir.File(out_name + ".ext");
  certkit_test::WriteString(ext,
                            "basicConstraints=CA:FALSE\n"
                            "keyUsage=critical,digitalSignature,keyEncipherment\n"
                            "extendedKeyUsage=serverAuth,clientAuth\n"
                            "subjectAltName=IP:127.0.0.1,DNS:localhost\n");
  std::string out = dir.File(out_name);
  RequireOk(Run({"openssl", "x509", "-req", "-in", csr_path, "-CA", pki.ca_cert_path, "-CAkey",
                 pki.ca_key_path, "-CAcreateserial", "-days", "30", "-extfile", ext, "-out", out}),
            "openssl x509 -req");
  return out;
}

void Rehash(certkit::Bytes* jks, const std::string& pass) {
  certkit::Bytes pw;
  for (char c : pass) {
    pw.push_back(0);
    pw.push_back(static_cast<uint8_t>(c));
  }
  SHA_CTX ctx;
  SHA1_Init(&ctx);
  SHA1_Update(&ctx, pw.data(), pw.size());
  SHA1_Update(&ctx, "Mighty Aphrodite", 16);
  SHA1_Update(&ctx, jks->data(), jks->size() - 20);
  SHA1_Final(jks->data() + jks->size() - 20, &ctx);
}

}  // namespace keystore_test
