// tests/keystore/fixtures.h: test material for the keystore tests, made by
// the real peers (openssl, keytool), and helpers to run them.
#ifndef CERTKIT_TESTS_KEYSTORE_FIXTURES_H_
#define CERTKIT_TESTS_KEYSTORE_FIXTURES_H_

#include <string>
#include <vector>

#include "certkit/cert.h"
#include "certkit/key.h"
#include "certkit/keystore.h"
#include "support/oracle.h"

namespace keystore_test {

enum class Alg { kRsa, kEc, kEd25519 };
const char* AlgName(Alg alg);

// Tool runs |argv| in a UTF-8 locale (keytool reads arguments and prints
// aliases in the locale's charset).
certkit_test::ProcessResult Tool(const std::vector<std::string>& argv, const std::string& in = "");

// Keytool runs keytool with |args| and REQUIREs success, returning its output.
std::string Keytool(const std::vector<std::string>& args);

// Pki is a CA and a leaf it issued, made with openssl in |dir|.
struct Pki {
  std::string ca_cert_path, ca_key_path, leaf_cert_path, leaf_key_path;
  certkit::Certificate ca_cert;
  certkit::Certificate leaf_cert;
  certkit::PrivateKey leaf_key;
};

// MakePki creates "<prefix>-ca" (self-signed) and "<prefix>-leaf" (CN
// |leaf_cn|, SAN IP 127.0.0.1, serverAuth+clientAuth) keys of type |alg|.
Pki MakePki(const certkit_test::TempDir& dir, const std::string& prefix, Alg alg,
            const std::string& leaf_cn = "node1");

// SignCsr signs a PEM CSR file with the CA of |pki| (openssl x509 -req) and
// returns the path of the signed PEM certificate.
std::string SignCsr(const certkit_test::TempDir& dir, const Pki& pki, const std::string& csr_path,
                    const std::string& out_name);

// Rehash recomputes a JKS file's integrity digest (SHA-1 of the UTF-16BE
// password, "Mighty Aphrodite" and the body) after a test edits the body.
// |pass| is ASCII.
void Rehash(certkit::Bytes* jks, const std::string& pass);

// Unwrap REQUIREs |v| to be OK and returns its value.
template <typename T>
T Unwrap(absl::StatusOr<T> v);

}  // namespace keystore_test

#include "fixtures_inl.h"

#endif  // CERTKIT_TESTS_KEYSTORE_FIXTURES_H_
