// Tests of CertificateAuthority and profiles: every certificate certkit signs
// is checked by openssl verify / openssl x509 -text / keytool.
#include "certkit/ca.h"

#include <catch2/catch.hpp>

#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_replace.h"
#include "absl/time/clock.h"
#include "certkit/error.h"
#include "certkit/profile.h"
#include "certkit/profile_file.h"
#include "core/x509_ext.h"  // internal: RandomSerial
#include "openssl/mem.h"
#include "openssl/x509.h"
#include "support/oracle.h"
#include "x509_fixtures.h"

using certkit::CaOptions;
using certkit::Certificate;
using certkit::CertificateAuthority;
using certkit::CertificateRequest;
using certkit::ErrorKind;
using certkit::GetErrorKind;
using certkit::IssueOptions;
using certkit::Profile;
using certkit::SigningPolicy;
using certkit_test::Run;
using certkit_test::TempDir;
using namespace x509_test;

namespace {

std::string Hex(const certkit::Bytes& b) { return certkit::FormatFingerprint(b); }

// SpkiBitStringSha1 computes the RFC 5280 method-1 key id of a P-256 public
// key with openssl only: the last 65 bytes of the DER SPKI are the point.
std::string OpensslP256KeyId(const TempDir& dir, const std::string& cert_path) {
  auto pub = Run({"openssl", "x509", "-in", cert_path, "-noout", "-pubkey"});
  REQUIRE(pub.exit_code == 0);
  certkit_test::WriteString(dir.File("pub.pem"), pub.out);
  auto der = Run({"openssl", "pkey", "-pubin", "-in", dir.File("pub.pem"), "-outform", "DER",
                  "-out", dir.File("pub.der")});
  REQUIRE(der.exit_code == 0);
  std::vector<uint8_t> spki = certkit_test::ReadBytes(dir.File("pub.der"));
  REQUIRE(spki.size() > 65);
  certkit_test::WriteBytes(dir.File("point.bin"),
                           std::vector<uint8_t>(spki.end() - 65, spki.end()));
  auto sha = Run({"openssl", "dgst", "-sha1", "-r", dir.File("point.bin")});
  REQUIRE(sha.exit_code == 0);
  return sha.out.substr(0, 40);
}

}  // namespace

TEST_CASE("node certificates from RSA, P-256, P-384 and Ed25519 CAs pass openssl verify") {
  REQUIRE(certkit_test::HaveTool("openssl"));
  REQUIRE(certkit_test::HaveTool("keytool"));
  struct Case {
    const char* ca_spec;
    const char* sig_alg;
    const char* openssl_sig;
  } cases[] = {
      {"rsa:2048", "sha256WithRSAEncryption", "sha256WithRSAEncryption"},
      {"ec:p256", "ecdsa-with-SHA256", "ecdsa-with-SHA256"},
      {"ec:p384", "ecdsa-with-SHA384", "ecdsa-with-SHA384"},
      {"ed25519", "ED25519", "ED25519"},
  };
  for (const Case& c : cases) {
    INFO("CA key " << c.ca_spec);
    TempDir dir;
    CertificateAuthority ca = NewRoot("/CN=rootCa/OU=TestCluster/O=YourCompany/C=US/", c.ca_spec);
    CHECK(ca.certificate().signature_algorithm() == c.sig_alg);
    auto leaf_key = NewKey("ec:p256");
    auto csr = NewCsr("CN=10.200.175.15, OU=TestCluster, O=YourCompany, C=US",
                      Sans("IP:10.200.175.15,DNS:node1.example.com"), leaf_key);
    auto cert = ca.SignRequest(csr, Profile::Node());
    INFO(cert.status());
    REQUIRE(cert.ok());
    const std::string root = WriteCert(dir, "root.pem", ca.certificate());
    const std::string leaf = WriteCert(dir, "leaf.pem", *cert);
    auto v = OpensslVerify(root, "", leaf, "sslserver");
    INFO(v.output());
    CHECK(v.exit_code == 0);
    CHECK(v.out == leaf + ": OK\n");
    CHECK(OpensslVerify(root, "", leaf, "sslclient").exit_code == 0);

    const std::string text = OpensslText(leaf);
    INFO(text);
    CHECK(Contains(text, "Version: 3 (0x2)"));
    CHECK(Contains(text, std::string("Signature Algorithm: ") + c.openssl_sig));
    CHECK(Contains(text, "X509v3 Basic Constraints: critical\n                CA:FALSE"));
    // The leaf key is EC: digitalSignature only, no keyEncipherment (RFC 5480 3).
    CHECK(Contains(text, "X509v3 Key Usage: critical\n                Digital Signature\n"));
    CHECK(Contains(text, "TLS Web Server Authentication, TLS Web Client Authentication"));
    CHECK(Contains(text, "X509v3 Subject Key Identifier"));
    CHECK(Contains(text, "X509v3 Authority Key Identifier"));
    CHECK(Contains(text, "IP Address:10.200.175.15"));
    CHECK(Contains(text, "DNS:node1.example.com"));
    CHECK(Contains(text, "Subject: C = US, O = YourCompany, OU = TestCluster, CN = 10.200.175.15"));
    CHECK(Contains(text, "Issuer: CN = rootCa, OU = TestCluster, O = YourCompany, C = US"));

    CHECK(OpensslSubjectRfc2253(leaf) == Rfc2253Compact(cert->subject().ToRfc4514()));
    CHECK(OpensslSubjectRfc2253(root) ==
          Rfc2253Compact(ca.certificate().subject().ToRfc4514()));
    // keytool reads certificates signed with every CA key type.
    auto kt = Run({"keytool", "-printcert", "-file", leaf});
    INFO(kt.output());
    CHECK(kt.exit_code == 0);
    CHECK(Contains(kt.out, "Owner: " + cert->subject().ToRfc4514() + "\n"));
    CHECK(Contains(kt.out, "Issuer: C=US, O=YourCompany, OU=TestCluster, CN=rootCa\n"));

    const std::string root_text = OpensslText(root);
    CHECK(Contains(root_text, "X509v3 Basic Constraints: critical\n                CA:TRUE\n"));
    CHECK(Contains(root_text, "Certificate Sign, CRL Sign"));

    // Accessors agree and the key ids chain up.
    CHECK(cert->version() == 3);
    CHECK(cert->authority_key_id() == ca.certificate().subject_key_id());
    CHECK(ca.certificate().authority_key_id() == ca.certificate().subject_key_id());
    CHECK(cert->subject_key_id().size() == 20);
    CHECK(absl::AsciiStrToLower(absl::StrReplaceAll(Hex(cert->subject_key_id()), {{":", ""}})) ==
          OpensslP256KeyId(dir, leaf));
    // A positive 128-bit serial: at most 16 bytes of magnitude, and a full
    // 16-byte one has its top bit clear (a shorter one just had leading zeros).
    const certkit::Bytes serial = cert->serial_bytes();
    CHECK(serial.size() <= 16);
    CHECK((serial.size() < 16 || (serial[0] & 0x80) == 0));
    CHECK_FALSE(Contains(text, "(Negative)"));
    CHECK(cert->MatchesKey(leaf_key));
    const absl::Duration skew = absl::Now() - cert->not_before();
    CHECK(skew >= absl::Seconds(55));
    CHECK(skew <= absl::Seconds(600));
    CHECK(cert->not_after() - cert->not_before() == absl::Hours(24 * 365));
  }
}

TEST_CASE("intermediate CA chains verify and pathlen is enforced") {
  REQUIRE(certkit_test::HaveTool("openssl"));
  TempDir dir;
  CertificateAuthority root = NewRoot("CN=Root, O=Acme", "ec:p256", 1);
  CaOptions io;
  io.subject = Dn("CN=Issuing, O=Acme");
  io.key = NewKey("ec:p384");
  io.days = 1000;
  auto inter = CertificateAuthority::CreateIntermediate(root, io);
  INFO(inter.status());
  REQUIRE(inter.ok());
  CHECK(inter->chain().size() == 1);
  CHECK(inter->ChainWithSelf().size() == 2);
  CHECK(inter->certificate().basic_constraints().path_len == 0);
  CHECK(inter->certificate().basic_constraints().critical);

  IssueOptions client_opts;
  client_opts.subject = Dn("CN=maxroach");
  auto leaf = inter->SignPublicKey(NewKey("ed25519").public_key(), Profile::Client(), client_opts);
  INFO(leaf.status());
  REQUIRE(leaf.ok());
  CHECK(leaf->subject().ToRfc4514() == "CN=maxroach");
  CHECK(leaf->extended_key_usage() == std::vector<std::string>{certkit::kEkuClientAuth});
  const std::string r = WriteCert(dir, "root.pem", root.certificate());
  const std::string i = WriteCert(dir, "inter.pem", inter->certificate());
  const std::string l = WriteCert(dir, "leaf.pem", *leaf);
  auto v = OpensslVerify(r, i, l, "sslclient");
  INFO(v.output());
  CHECK(v.exit_code == 0);
  CHECK(OpensslVerify(r, i, l, "sslserver").exit_code != 0);  // clientAuth only
  CHECK(OpensslVerify(r, "", l).exit_code != 0);              // needs the intermediate

  // pathlen 0 on the intermediate: no further CA below it.
  io.subject = Dn("CN=Too deep");
  auto deeper = CertificateAuthority::CreateIntermediate(*inter, io);
  REQUIRE_FALSE(deeper.ok());
  CHECK(GetErrorKind(deeper.status()) == ErrorKind::kPathLengthExceeded);
  // The root (pathlen 1) refuses an intermediate asking for pathlen 1.
  io.path_len = 1;
  auto wide = CertificateAuthority::CreateIntermediate(root, io);
  REQUIRE_FALSE(wide.ok());
  CHECK(GetErrorKind(wide.status()) == ErrorKind::kPathLengthExceeded);
  // Signing a CA from the intermediate with the intermediate profile fails too.
  auto via_profile = inter->SignPublicKey(NewKey("ec:p256").public_key(), Profile::Intermediate(),
                                          client_opts);
  REQUIRE_FALSE(via_profile.ok());
  CHECK(GetErrorKind(via_profile.status()) == ErrorKind::kPathLengthExceeded);
}

TEST_CASE("validity never silently exceeds the issuer's") {
  CaOptions opts;
  opts.subject = Dn("CN=Short CA");
  opts.key = NewKey("ec:p256");
  opts.days = 30;
  auto ca = CertificateAuthority::CreateRoot(opts);
  REQUIRE(ca.ok());
  auto key = NewKey("ec:p256");
  IssueOptions io;
  io.subject = Dn("CN=node");
  io.sans = Sans("DNS:node.example.com");
  auto too_long = ca->SignPublicKey(key.public_key(), Profile::Node(), io);  // 365 default
  REQUIRE_FALSE(too_long.ok());
  CHECK(GetErrorKind(too_long.status()) == ErrorKind::kInvalidArgument);
  const std::string msg(too_long.status().message());
  INFO(msg);
  CHECK(Contains(msg, "notAfter"));
  CHECK(Contains(msg, absl::FormatTime("%Y-%m-%d", ca->certificate().not_after(),
                                       absl::UTCTimeZone())));
  CHECK(Contains(msg, absl::FormatTime("%Y-%m-%d", absl::Now() + absl::Hours(24 * 365),
                                       absl::UTCTimeZone())));
  io.days = 10;
  auto ok = ca->SignPublicKey(key.public_key(), Profile::Node(), io);
  REQUIRE(ok.ok());
  CHECK(ok->not_after() < ca->certificate().not_after());
  io.days = 365;
  io.allow_beyond_issuer = true;
  auto beyond = ca->SignPublicKey(key.public_key(), Profile::Node(), io);
  REQUIRE(beyond.ok());
  CHECK(beyond->not_after() > ca->certificate().not_after());
  // Within a day of the issuer's end the leaf ends with the issuer.
  io.allow_beyond_issuer = false;
  io.days = 30;
  auto same_end = ca->SignPublicKey(key.public_key(), Profile::Node(), io);
  REQUIRE(same_end.ok());
  CHECK(same_end->not_after() == ca->certificate().not_after());
  io.days = 32;
  CHECK_FALSE(ca->SignPublicKey(key.public_key(), Profile::Node(), io).ok());
  io.days = -1;
  CHECK(GetErrorKind(ca->SignPublicKey(key.public_key(), Profile::Node(), io).status()) ==
        ErrorKind::kInvalidArgument);
  // Explicit notBefore.
  io.days = 5;
  io.not_before = absl::FromUnixSeconds(absl::ToUnixSeconds(absl::Now()) + 3600);
  auto later = ca->SignPublicKey(key.public_key(), Profile::Node(), io);
  REQUIRE(later.ok());
  CHECK(later->not_before() == io.not_before);
}

TEST_CASE("tampered CSRs are refused") {
  CertificateAuthority ca = NewRoot("CN=CA", "ec:p256");
  auto key = NewKey("ec:p256");
  auto csr = NewCsr("CN=node", Sans("DNS:node.example.com"), key);
  certkit::Bytes der = csr.ToDer();
  der[der.size() - 5] ^= 0x01;  // inside the signature value
  auto tampered = CertificateRequest::FromDer(der);
  REQUIRE(tampered.ok());
  CHECK(GetErrorKind(tampered->VerifySignature()) == ErrorKind::kBadSignature);
  auto cert = ca.SignRequest(*tampered, Profile::Node());
  REQUIRE_FALSE(cert.ok());
  CHECK(GetErrorKind(cert.status()) == ErrorKind::kBadSignature);
  // A changed subject byte breaks the signature as well.
  certkit::Bytes der2 = csr.ToDer();
  const std::string s(der2.begin(), der2.end());
  const size_t at = s.find("node");
  REQUIRE(at != std::string::npos);
  der2[at] = 'm';
  auto renamed = CertificateRequest::FromDer(der2);
  REQUIRE(renamed.ok());
  CHECK(GetErrorKind(ca.SignRequest(*renamed, Profile::Node()).status()) ==
        ErrorKind::kBadSignature);
}

TEST_CASE("profile and policy rules") {
  CertificateAuthority ca = NewRoot("CN=Cockroach CA, O=Cockroach", "ec:p256", 1);
  auto key = NewKey("ec:p256");
  // node requires a SAN.
  auto no_san = ca.SignRequest(NewCsr("CN=node, O=Cockroach", {}, key), Profile::Node());
  REQUIRE_FALSE(no_san.ok());
  CHECK(GetErrorKind(no_san.status()) == ErrorKind::kInvalidArgument);
  CHECK(Contains(std::string(no_san.status().message()), "node"));
  // Cockroach policy: O supplied.
  IssueOptions io;
  io.policy = SigningPolicy::Cockroach();
  auto no_o = ca.SignRequest(NewCsr("CN=node1", Sans("DNS:node1"), key), Profile::Node(), io);
  REQUIRE_FALSE(no_o.ok());
  CHECK(GetErrorKind(no_o.status()) == ErrorKind::kInvalidArgument);
  CHECK(Contains(std::string(no_o.status().message()), "has no O"));
  // kMatch: O must equal the CA's.
  io.policy.fields = {{"O", SigningPolicy::Rule::kMatch}};
  auto other_o =
      ca.SignRequest(NewCsr("CN=n, O=Evil", Sans("DNS:n.example"), key), Profile::Node(), io);
  REQUIRE_FALSE(other_o.ok());
  CHECK(Contains(std::string(other_o.status().message()), "Evil"));
  auto same_o =
      ca.SignRequest(NewCsr("CN=n, O=Cockroach", Sans("DNS:n.example"), key), Profile::Node(), io);
  CHECK(same_o.ok());
  // keep_unlisted = false drops OU; the subject override replaces CN;
  // copy_csr_sans = false ignores the CSR's SANs.
  io.policy.keep_unlisted = false;
  io.policy.copy_csr_sans = false;
  io.policy.fields.push_back({"CN", SigningPolicy::Rule::kSupplied});
  io.subject = Dn("CN=root");
  io.sans = Sans("DNS:other.example");
  auto filtered = ca.SignRequest(NewCsr("CN=x, OU=dropped, O=Cockroach", Sans("DNS:csr.example"),
                                        key),
                                 Profile::Server(), io);
  INFO(filtered.status());
  REQUIRE(filtered.ok());
  CHECK(filtered->subject().ToRfc4514() == "CN=root, O=Cockroach");
  CHECK(filtered->subject_alt_names() == Sans("DNS:other.example"));
  CHECK(filtered->extended_key_usage() == std::vector<std::string>{certkit::kEkuServerAuth});
  // SignPublicKey needs a subject.
  CHECK(GetErrorKind(ca.SignPublicKey(key.public_key(), Profile::Client(), {}).status()) ==
        ErrorKind::kInvalidArgument);
  // Profiles by name.
  for (const char* name : {"node", "server", "client", "intermediate"}) {
    auto p = Profile::ByName(name);
    REQUIRE(p.ok());
    CHECK(p->name == name);
  }
  auto bad = Profile::ByName("root-ish");
  REQUIRE_FALSE(bad.ok());
  CHECK(Contains(std::string(bad.status().message()), "node, server, client, intermediate"));
  CHECK(Profile::Client().extended_key_usage == std::vector<std::string>{certkit::kEkuClientAuth});
  CHECK(Profile::Root().is_ca);
  CHECK(!Profile::Root().path_len.has_value());
  CHECK(Profile::Intermediate().path_len == 0);
}

TEST_CASE("Load checks the key and the CA flag, and an openssl-made CA signs for certkit") {
  REQUIRE(certkit_test::HaveTool("openssl"));
  TempDir dir;
  // string_mask=nombstr: openssl writes PrintableString names, which we
  // would encode differently; the issuer must still be copied byte for byte.
  certkit_test::WriteString(dir.File("ca.cnf"),
                            "[req]\ndistinguished_name=dn\nstring_mask=nombstr\n[dn]\n");
  auto r = Run({"openssl", "req", "-config", dir.File("ca.cnf"), "-new", "-x509", "-newkey",
                "rsa:2048", "-nodes", "-subj", "/CN=rootCa/OU=TestCluster/O=YourCompany/C=US/",
                "-keyout", dir.File("ca.key"), "-out", dir.File("ca.crt"), "-days", "365",
                "-addext", "basicConstraints=critical,CA:TRUE", "-addext",
                "keyUsage=critical,keyCertSign,cRLSign", "-addext", "subjectKeyIdentifier=hash"});
  INFO(r.output());
  REQUIRE(r.exit_code == 0);
  auto cert = Certificate::FromPem(certkit_test::ReadString(dir.File("ca.crt")));
  REQUIRE(cert.ok());
  auto key = certkit::PrivateKey::FromPem(certkit_test::ReadString(dir.File("ca.key")));
  REQUIRE(key.ok());
  auto ca = CertificateAuthority::Load(*cert, *key);
  INFO(ca.status());
  REQUIRE(ca.ok());
  IssueOptions io;
  io.subject = Dn("CN=10.200.175.15, OU=TestCluster, O=YourCompany, C=US");
  io.sans = Sans("IP:10.200.175.15");
  auto leaf = ca->SignPublicKey(NewKey("ec:p256").public_key(), Profile::Node(), io);
  REQUIRE(leaf.ok());
  // The issuer field is the CA's subject byte for byte.
  auto name_der = [](const X509_NAME* n) {
    uint8_t* der = nullptr;
    const int len = i2d_X509_NAME(const_cast<X509_NAME*>(n), &der);
    std::string out(reinterpret_cast<char*>(der), len);
    OPENSSL_free(der);
    return out;
  };
  CHECK(name_der(X509_get_issuer_name(leaf->native())) ==
        name_der(X509_get_subject_name(cert->native())));
  auto v = OpensslVerify(dir.File("ca.crt"), "", WriteCert(dir, "leaf.pem", *leaf), "sslserver");
  INFO(v.output());
  CHECK(v.exit_code == 0);

  auto wrong = CertificateAuthority::Load(*cert, NewKey("rsa:2048"));
  REQUIRE_FALSE(wrong.ok());
  CHECK(GetErrorKind(wrong.status()) == ErrorKind::kKeyMismatch);
  // A leaf is not a CA.
  auto leaf_key = NewKey("ec:p256");
  auto leaf2 = ca->SignPublicKey(leaf_key.public_key(), Profile::Node(), io);
  REQUIRE(leaf2.ok());
  auto not_ca = CertificateAuthority::Load(*leaf2, leaf_key);
  REQUIRE_FALSE(not_ca.ok());
  CHECK(GetErrorKind(not_ca.status()) == ErrorKind::kIssuerNotCa);
}

TEST_CASE("a v1 root without extensions (old openssl req -x509) can sign") {
  REQUIRE(certkit_test::HaveTool("openssl"));
  TempDir dir;
  certkit_test::WriteString(dir.File("v1.cnf"), "[req]\ndistinguished_name=dn\n[dn]\n");
  auto r = Run({"openssl", "req", "-config", dir.File("v1.cnf"), "-new", "-x509", "-newkey",
                "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-subj",
                "/CN=rootCa/OU=TestCluster/O=YourCompany/C=US/", "-keyout", dir.File("ca.key"),
                "-out", dir.File("ca.crt"), "-days", "365"});
  INFO(r.output());
  REQUIRE(r.exit_code == 0);
  auto cert = Certificate::FromPem(certkit_test::ReadString(dir.File("ca.crt")));
  REQUIRE(cert.ok());
  REQUIRE(cert->version() == 1);
  auto key = certkit::PrivateKey::FromPem(certkit_test::ReadString(dir.File("ca.key")));
  REQUIRE(key.ok());
  auto ca = CertificateAuthority::Load(*cert, *key);
  INFO(ca.status());
  REQUIRE(ca.ok());
  IssueOptions io;
  io.subject = Dn("CN=10.200.175.15, OU=TestCluster, O=YourCompany, C=US");
  io.sans = Sans("IP:10.200.175.15");
  auto leaf = ca->SignPublicKey(NewKey("ec:p256").public_key(), Profile::Node(), io);
  INFO(leaf.status());
  REQUIRE(leaf.ok());
  CHECK(leaf->authority_key_id().size() == 20);
  const std::string leaf_path = WriteCert(dir, "leaf.pem", *leaf);
  CHECK(absl::AsciiStrToLower(absl::StrReplaceAll(Hex(leaf->authority_key_id()), {{":", ""}})) ==
        OpensslP256KeyId(dir, dir.File("ca.crt")));
  auto v = OpensslVerify(dir.File("ca.crt"), "", leaf_path, "sslserver");
  INFO(v.output());
  CHECK(v.exit_code == 0);
}

TEST_CASE("the Cassandra flow: keytool CSR signed by certkit, verified by openssl and keytool") {
  REQUIRE(certkit_test::HaveTool("openssl"));
  REQUIRE(certkit_test::HaveTool("keytool"));
  TempDir dir;
  CaOptions ro;
  ro.subject = Dn("/CN=rootCa/OU=TestCluster/O=YourCompany/C=US/");
  ro.key_spec.type = certkit::KeyType::kRsa;
  ro.days = 365;
  auto ca = CertificateAuthority::CreateRoot(ro);
  REQUIRE(ca.ok());
  const std::string root = WriteCert(dir, "rootCa.crt", ca->certificate());
  const std::string dname = "CN=10.200.175.15, OU=TestCluster, O=YourCompany, C=US";
  const std::string jks = dir.File("10.200.175.15.jks");
  auto gen = Run({"keytool", "-genkeypair", "-keyalg", "RSA", "-alias", "10.200.175.15",
                  "-keystore", jks, "-storetype", "JKS", "-storepass", "myKeyPass", "-keypass",
                  "myKeyPass", "-validity", "365", "-keysize", "2048", "-dname", dname});
  INFO(gen.output());
  REQUIRE(gen.exit_code == 0);
  auto req = Run({"keytool", "-certreq", "-keystore", jks, "-alias", "10.200.175.15", "-file",
                  dir.File("node.csr"), "-keypass", "myKeyPass", "-storepass", "myKeyPass",
                  "-dname", dname});
  INFO(req.output());
  REQUIRE(req.exit_code == 0);
  const std::string csr_pem = certkit_test::ReadString(dir.File("node.csr"));
  REQUIRE(Contains(csr_pem, "BEGIN NEW CERTIFICATE REQUEST"));
  auto csr = CertificateRequest::FromPem(csr_pem);
  INFO(csr.status());
  REQUIRE(csr.ok());
  CHECK(csr->VerifySignature().ok());
  CHECK(csr->subject().ToRfc4514() == dname);
  CHECK(csr->signature_algorithm() == "sha256WithRSAEncryption");
  IssueOptions io;
  io.sans = Sans("IP:10.200.175.15");
  auto signed_cert = csr.ok() ? ca->SignRequest(*csr, Profile::Node(), io)
                              : absl::StatusOr<Certificate>(absl::UnknownError("no csr"));
  INFO(signed_cert.status());
  REQUIRE(signed_cert.ok());
  CHECK(signed_cert->subject().ToRfc4514() == dname);
  const std::string leaf = WriteCert(dir, "10.200.175.15.crt_signed", *signed_cert);
  auto v = OpensslVerify(root, "", leaf);
  INFO(v.output());
  CHECK(v.out == leaf + ": OK\n");
  // keytool reads our certificates and accepts the signed reply.
  auto print = Run({"keytool", "-printcert", "-file", leaf});
  INFO(print.output());
  CHECK(print.exit_code == 0);
  CHECK(Contains(print.out, "Owner: " + dname + "\n"));
  CHECK(Contains(print.out, "Issuer: " + ca->certificate().subject().ToRfc4514() + "\n"));
  auto imp_root = Run({"keytool", "-importcert", "-keystore", jks, "-alias", "rootCa", "-file",
                       root, "-noprompt", "-keypass", "myKeyPass", "-storepass", "myKeyPass"});
  INFO(imp_root.output());
  CHECK(imp_root.exit_code == 0);
  auto imp_leaf = Run({"keytool", "-importcert", "-keystore", jks, "-alias", "10.200.175.15",
                       "-file", leaf, "-noprompt", "-keypass", "myKeyPass", "-storepass",
                       "myKeyPass"});
  INFO(imp_leaf.output());
  CHECK(imp_leaf.exit_code == 0);
  CHECK(Contains(imp_leaf.output(), "Certificate reply was installed in keystore"));
}

TEST_CASE("the CockroachDB flow: openssl req CSRs under the Cockroach policy") {
  REQUIRE(certkit_test::HaveTool("openssl"));
  TempDir dir;
  CaOptions ro;
  ro.subject = Dn("O=Cockroach, CN=Cockroach CA");
  ro.key = NewKey("rsa:2048");
  ro.path_len = 1;
  ro.days = 3660;
  auto ca = CertificateAuthority::CreateRoot(ro);
  REQUIRE(ca.ok());
  const std::string root = WriteCert(dir, "ca.crt", ca->certificate());
  IssueOptions io;
  io.policy = SigningPolicy::Cockroach();
  io.days = 1830;

  auto make_csr = [&](const std::string& name, const std::string& subj,
                      const std::vector<std::string>& extra,
                      const std::string& newkey = "rsa:2048") {
    std::vector<std::string> argv = {"openssl", "req", "-new", "-newkey", newkey, "-nodes",
                                     "-keyout", dir.File(name + ".key"), "-out",
                                     dir.File(name + ".csr"), "-subj", subj, "-batch"};
    argv.insert(argv.end(), extra.begin(), extra.end());
    auto r = Run(argv);
    INFO(r.output());
    REQUIRE(r.exit_code == 0);
    auto csr = CertificateRequest::FromPem(certkit_test::ReadString(dir.File(name + ".csr")));
    REQUIRE(csr.ok());
    return *csr;
  };

  // Node: DNS + IP SANs copied from the CSR.
  auto node_csr = make_csr("node", "/O=Cockroach/CN=node1",
                           {"-addext", "subjectAltName=DNS:node1,DNS:node1.example.com,IP:10.0.0.1"});
  CHECK(node_csr.VerifySignature().ok());
  CHECK(node_csr.requested_sans() == Sans("DNS:node1,DNS:node1.example.com,IP:10.0.0.1"));
  auto node = ca->SignRequest(node_csr, Profile::Node(), io);
  INFO(node.status());
  REQUIRE(node.ok());
  const std::string node_path = WriteCert(dir, "node.crt", *node);
  CHECK(OpensslVerify(root, "", node_path, "sslserver").exit_code == 0);
  CHECK(OpensslVerify(root, "", node_path, "sslclient").exit_code == 0);
  const std::string text = OpensslText(node_path);
  CHECK(Contains(text, "DNS:node1, DNS:node1.example.com, IP Address:10.0.0.1"));
  CHECK(node->not_after() - node->not_before() == absl::Hours(24 * 1830));

  // Client root: clientAuth only.
  auto client_csr = make_csr("client.root", "/O=Cockroach/CN=root", {});
  auto client = ca->SignRequest(client_csr, Profile::Client(), io);
  REQUIRE(client.ok());
  CHECK(client->subject().CommonName() == "root");
  CHECK(client->extended_key_usage() == std::vector<std::string>{certkit::kEkuClientAuth});
  const std::string client_path = WriteCert(dir, "client.root.crt", *client);
  CHECK(OpensslVerify(root, "", client_path, "sslclient").exit_code == 0);
  CHECK(OpensslVerify(root, "", client_path, "sslserver").exit_code != 0);
  CHECK(Contains(OpensslText(client_path), "TLS Web Client Authentication\n"));

  // A 1024-bit RSA key is refused unless the key policy allows it.
  auto weak_csr = make_csr("weak", "/O=Cockroach/CN=weak", {}, "rsa:1024");
  auto weak = ca->SignRequest(weak_csr, Profile::Client(), io);
  REQUIRE_FALSE(weak.ok());
  CHECK(GetErrorKind(weak.status()) == ErrorKind::kWeakParameter);
  IssueOptions weak_ok = io;
  weak_ok.key_policy.allow_weak_keys = true;
  CHECK(ca->SignRequest(weak_csr, Profile::Client(), weak_ok).ok());

  // A CSR without O is refused by the policy.
  auto no_o = make_csr("client.bad", "/CN=maxroach", {});
  auto refused = ca->SignRequest(no_o, Profile::Client(), io);
  REQUIRE_FALSE(refused.ok());
  CHECK(GetErrorKind(refused.status()) == ErrorKind::kInvalidArgument);
}

TEST_CASE("Sign* is safe from 8 threads at once") {
  CertificateAuthority ca = NewRoot("CN=Threaded CA", "ec:p256");
  auto key = NewKey("ec:p256");
  auto csr = NewCsr("CN=node", Sans("DNS:node.example.com"), key);
  constexpr int kThreads = 8, kPerThread = 10;
  std::vector<std::vector<Certificate>> out(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        auto c = ca.SignRequest(csr, Profile::Node());
        if (c.ok()) out[t].push_back(*c);
      }
    });
  }
  for (auto& th : threads) th.join();
  std::set<std::string> serials;
  bssl::UniquePtr<EVP_PKEY> ca_pub(X509_get_pubkey(ca.certificate().native()));
  for (const auto& v : out) {
    REQUIRE(v.size() == kPerThread);
    for (const Certificate& c : v) {
      serials.insert(c.serial_hex());
      CHECK(X509_verify(c.native(), ca_pub.get()) == 1);
    }
  }
  CHECK(serials.size() == kThreads * kPerThread);
}

TEST_CASE("RandomSerial is positive, 128-bit and varies") {
  std::set<certkit::Bytes> seen;
  for (int i = 0; i < 64; ++i) {
    certkit::Bytes s = certkit::RandomSerial();
    REQUIRE(s.size() == 16);
    CHECK((s[0] & 0x80) == 0);
    seen.insert(s);
  }
  CHECK(seen.size() == 64);
}

TEST_CASE("extended key usage lists and profile files share one name table") {
  auto oids = certkit::ParseExtendedKeyUsages("serverAuth, clientAuth,codeSigning , OCSPSigning, 1.2.3.4");
  REQUIRE(oids.ok());
  CHECK(*oids == std::vector<std::string>{"1.3.6.1.5.5.7.3.1", "1.3.6.1.5.5.7.3.2", "1.3.6.1.5.5.7.3.3",
                                          "1.3.6.1.5.5.7.3.9", "1.2.3.4"});
  for (const char* name : {"timeStamping", "anyExtendedKeyUsage", "emailProtection"}) {
    auto list = certkit::ParseExtendedKeyUsages(name);
    auto one = certkit::ParseExtendedKeyUsageName(name);
    REQUIRE(list.ok());
    REQUIRE(one.ok());
    CHECK(*list == std::vector<std::string>{*one});
  }
  auto bad = certkit::ParseExtendedKeyUsages("serverAuth, webAuth");
  CHECK(GetErrorKind(bad.status()) == ErrorKind::kInvalidArgument);
  CHECK(std::string(bad.status().message()).find("'webAuth'") != std::string::npos);
}
