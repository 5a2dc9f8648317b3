// Certificate lifecycle through the certkit binary, checked with openssl:
// name-constrained CAs (made by certkit and by openssl), revocation (CRLs
// checked by `openssl verify -crl_check`), profile files against `openssl
// ca` with CockroachDB's ca.conf, key usage by key type, CA bundles.
#include <catch2/catch.hpp>

#include <algorithm>
#include <sstream>

#include "cli_support.h"
#include "support/oracle.h"

using certkit_cli_test::Certkit;
using certkit_cli_test::CertSerial;
using certkit_cli_test::Describe;
using certkit_test::ReadString;
using certkit_test::Run;
using certkit_test::TempDir;
using certkit_test::WriteString;

namespace {

std::string Text(const std::string& cert) {
  auto r = Run({"openssl", "x509", "-in", cert, "-noout", "-text"});
  REQUIRE(r.exit_code == 0);
  return r.out;
}

// ExtensionBlocks returns the "X509v3 ..." extension entries of `openssl
// x509 -text` (name line + value lines, whitespace-trimmed), sorted: the
// extension section as a set, independent of the order they were written in.
std::vector<std::string> ExtensionBlocks(const std::string& cert) {
  std::istringstream in(Text(cert));
  std::vector<std::string> blocks;
  std::string line;
  bool inside = false;
  while (std::getline(in, line)) {
    const size_t start = line.find_first_not_of(' ');
    const std::string t = start == std::string::npos ? "" : line.substr(start);
    if (t.rfind("X509v3 extensions:", 0) == 0) {
      inside = true;
      continue;
    }
    if (!inside) continue;
    if (t.rfind("Signature Algorithm", 0) == 0) break;
    if (t.rfind("X509v3 ", 0) == 0 || t.rfind("Authority Information", 0) == 0) {
      blocks.push_back(t);
    } else if (!blocks.empty()) {
      blocks.back() += " | " + t;
    }
  }
  std::sort(blocks.begin(), blocks.end());
  return blocks;
}

bool OpensslVerifies(const std::vector<std::string>& extra, const std::string& ca,
                     const std::string& cert) {
  std::vector<std::string> argv = {"openssl", "verify"};
  argv.insert(argv.end(), extra.begin(), extra.end());
  argv.insert(argv.end(), {"-CAfile", ca, cert});
  auto r = Run(argv);
  INFO(r.output());
  return r.exit_code == 0;
}

bool CertkitVerifies(const std::vector<std::string>& extra, const std::string& ca,
                     const std::string& cert) {
  std::vector<std::string> argv = {"verify", "--ca", ca};
  argv.insert(argv.end(), extra.begin(), extra.end());
  argv.push_back(cert);
  auto r = Certkit(argv);
  INFO(Describe(r));
  return r.exit_code == 0;
}

// The seed's CockroachDB ca.conf (docs: "Create Security Certificates").
const char kCockroachCaConf[] = R"([ ca ]
default_ca = CA_default

[ CA_default ]
default_days = 3660
database = index.txt
serial = serial.txt
default_md = sha256
copy_extensions = copy

[ req ]
prompt=no
distinguished_name = distinguished_name
x509_extensions = extensions

[ distinguished_name ]
organizationName = Cockroach
commonName = Cockroach CA

[ extensions ]
keyUsage = critical,digitalSignature,nonRepudiation,keyEncipherment,keyCertSign
basicConstraints = critical,CA:true,pathlen:1

[ signing_policy ]
organizationName = supplied
commonName = supplied

[ signing_node_req ]
keyUsage = critical,digitalSignature,keyEncipherment
extendedKeyUsage = serverAuth,clientAuth

[ signing_client_req ]
keyUsage = critical,digitalSignature,keyEncipherment
extendedKeyUsage = clientAuth
)";

}  // namespace

TEST_CASE("name constraints: a certkit CA signs inside and refuses outside and openssl agrees") {
  TempDir tmp;
  const std::string ca = tmp.File("ca");
  auto r = Certkit({"ca", "create", "--out", ca, "--cn", "Constrained CA", "--permit-dns",
                    ".example.com,example.org", "--permit-ip", "10.0.0.0/8", "--exclude-dns",
                    "bad.example.com"});
  REQUIRE(r.exit_code == 0);
  const std::string text = Text(ca + "/ca.crt");
  CHECK(text.find("X509v3 Name Constraints: critical") != std::string::npos);
  CHECK(text.find("DNS:.example.com") != std::string::npos);
  CHECK(text.find("IP:10.0.0.0/255.0.0.0") != std::string::npos);

  const std::vector<std::string> ca_args = {"--ca-cert", ca + "/ca.crt", "--ca-key",
                                            ca + "/ca-private/ca.key"};
  auto node = [&](const std::string& out, std::vector<std::string> hosts) {
    std::vector<std::string> argv = {"node"};
    argv.insert(argv.end(), ca_args.begin(), ca_args.end());
    for (const auto& h : hosts) argv.insert(argv.end(), {"--host", h});
    argv.insert(argv.end(), {"--out", tmp.File(out)});
    return Certkit(argv);
  };
  for (const auto& inside : std::vector<std::vector<std::string>>{
           {"db1.example.com", "10.1.2.3"}, {"example.org"}, {"a.b.example.org"}}) {
    auto ok = node("in-" + inside.front(), inside);
    INFO(Describe(ok));
    REQUIRE(ok.exit_code == 0);
    const std::string cert = tmp.File("in-" + inside.front()) + "/node.crt";
    CHECK(OpensslVerifies({}, ca + "/ca.crt", cert));
    CHECK(CertkitVerifies({}, ca + "/ca.crt", cert));
  }
  for (const auto& outside : std::vector<std::vector<std::string>>{
           {"db1.other.com"},           // not permitted
           {"example.com"},             // ".example.com" is subdomains only
           {"x.bad.example.com"},       // excluded
           {"db2.example.com", "192.168.1.1"}}) {
    auto refused = node("out-" + outside.front(), outside);
    INFO(Describe(refused));
    CHECK(refused.exit_code == 3);
    CHECK(refused.err.find("[name_constraints]") != std::string::npos);
    CHECK(refused.err.find("refusing to issue") != std::string::npos);
    CHECK_FALSE(certkit_cli_test::Exists(tmp.File("out-" + outside.front()) + "/node.crt"));
  }
}

TEST_CASE("name constraints: an openssl CA with a leading-dot DNS constraint verifies alike in certkit and openssl") {
  TempDir tmp;
  WriteString(tmp.File("ca.cnf"),
              "[req]\nprompt=no\ndistinguished_name=dn\nx509_extensions=v3\n[dn]\nCN=OpenSSL NC CA\n"
              "[v3]\nbasicConstraints=critical,CA:true\nkeyUsage=critical,keyCertSign,cRLSign\n"
              "subjectKeyIdentifier=hash\n"
              "nameConstraints=critical,permitted;DNS:.example.com,permitted;IP:10.0.0.0/255.0.0.0\n");
  REQUIRE(Run({"openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
               "-nodes", "-keyout", tmp.File("ca.key"), "-out", tmp.File("ca.crt"), "-days", "30",
               "-config", tmp.File("ca.cnf")})
              .exit_code == 0);
  REQUIRE(Run({"chmod", "600", tmp.File("ca.key")}).exit_code == 0);
  // Leaves signed by openssl (inside and outside), and by certkit with the openssl CA.
  auto openssl_leaf = [&](const std::string& name, const std::string& san) {
    WriteString(tmp.File(name + ".ext"), "subjectAltName=" + san + "\n");
    REQUIRE(Run({"openssl", "req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
                 "-nodes", "-keyout", tmp.File(name + ".key"), "-subj", "/CN=" + name, "-out",
                 tmp.File(name + ".csr")})
                .exit_code == 0);
    REQUIRE(Run({"openssl", "x509", "-req", "-in", tmp.File(name + ".csr"), "-CA", tmp.File("ca.crt"),
                 "-CAkey", tmp.File("ca.key"), "-CAcreateserial", "-days", "10", "-extfile",
                 tmp.File(name + ".ext"), "-out", tmp.File(name + ".crt")})
                .exit_code == 0);
    return tmp.File(name + ".crt");
  };
  const std::string inside = openssl_leaf("db1.example.com", "DNS:db1.example.com,IP:10.9.9.9");
  CHECK(OpensslVerifies({}, tmp.File("ca.crt"), inside));
  CHECK(CertkitVerifies({"--dns", "db1.example.com"}, tmp.File("ca.crt"), inside));
  for (const std::string& san : {"DNS:example.com", "DNS:db1.example.net"}) {
    const std::string outside = openssl_leaf("out" + std::to_string(san.size()), san);
    CHECK_FALSE(OpensslVerifies({}, tmp.File("ca.crt"), outside));
    auto r = Certkit({"verify", "--ca", tmp.File("ca.crt"), outside});
    CHECK(r.exit_code == 1);
    CHECK(r.out.find("[name_constraints]") != std::string::npos);
  }
  // certkit signing with the openssl-made CA applies its constraints too.
  auto in = Certkit({"node", "--ca-cert", tmp.File("ca.crt"), "--ca-key", tmp.File("ca.key"),
                     "--host", "db2.example.com", "--days", "10", "--out", tmp.File("ck-in")});
  INFO(Describe(in));
  REQUIRE(in.exit_code == 0);
  CHECK(OpensslVerifies({}, tmp.File("ca.crt"), tmp.File("ck-in/node.crt")));
  CHECK(CertkitVerifies({}, tmp.File("ca.crt"), tmp.File("ck-in/node.crt")));
  auto out = Certkit({"node", "--ca-cert", tmp.File("ca.crt"), "--ca-key", tmp.File("ca.key"),
                      "--host", "example.com", "--days", "10", "--out", tmp.File("ck-out")});
  CHECK(out.exit_code == 3);
  CHECK(out.err.find("outside the permitted subtrees") != std::string::npos);
}

TEST_CASE("revocation: openssl verify -crl_check and certkit verify agree on a certkit CRL") {
  TempDir tmp;
  const std::string dir = tmp.File("cluster");
  auto init = Certkit({"cluster", "init", "--nodes", "10.0.0.1,10.0.0.2", "--out", dir,
                       "--format", "pem", "--quiet"});
  REQUIRE(init.exit_code == 0);
  const std::string good = dir + "/nodes/10.0.0.1/node.crt";
  const std::string bad = dir + "/nodes/10.0.0.2/node.crt";
  // An empty CRL first: both certificates pass the CRL check.
  auto crl0 = Certkit({"crl", "--dir", dir});
  INFO(Describe(crl0));
  REQUIRE(crl0.exit_code == 0);
  CHECK(OpensslVerifies({"-crl_check", "-CRLfile", dir + "/crl.pem"}, dir + "/ca.crt", bad));

  auto rev = Certkit({"revoke", "--dir", dir, "--cert", bad, "--reason", "keyCompromise"});
  INFO(Describe(rev));
  REQUIRE(rev.exit_code == 0);
  // Idempotent: revoking again changes nothing.
  auto again = Certkit({"revoke", "--dir", dir, "--serial", CertSerial(bad)});
  CHECK(again.exit_code == 0);
  CHECK(again.out.find("already revoked") != std::string::npos);
  auto crl = Certkit({"crl", "--dir", dir, "--days", "3"});
  REQUIRE(crl.exit_code == 0);
  CHECK(crl.out.find("CRL number 2") != std::string::npos);
  auto crl_text = Run({"openssl", "crl", "-in", dir + "/crl.pem", "-noout", "-text"});
  REQUIRE(crl_text.exit_code == 0);
  CHECK(crl_text.out.find("Version 2") != std::string::npos);
  CHECK(crl_text.out.find("X509v3 CRL Number") != std::string::npos);
  CHECK(crl_text.out.find("X509v3 Authority Key Identifier") != std::string::npos);
  CHECK(crl_text.out.find("Key Compromise") != std::string::npos);

  const std::vector<std::string> ossl_crl = {"-crl_check", "-CRLfile", dir + "/crl.pem"};
  CHECK(OpensslVerifies(ossl_crl, dir + "/ca.crt", good));
  CHECK_FALSE(OpensslVerifies(ossl_crl, dir + "/ca.crt", bad));
  CHECK(CertkitVerifies({"--crl", dir + "/crl.pem"}, dir + "/ca.crt", good));
  auto refused = Certkit({"verify", "--ca", dir + "/ca.crt", "--crl", dir + "/crl.pem", bad});
  CHECK(refused.exit_code == 1);
  CHECK(refused.out.find("[cert_revoked]") != std::string::npos);
  // DER output is the same CRL.
  auto der = Certkit({"crl", "--dir", dir, "--der"});
  REQUIRE(der.exit_code == 0);
  CHECK(Run({"openssl", "crl", "-inform", "DER", "-in", dir + "/crl.der", "-noout"}).exit_code == 0);
  CHECK_FALSE(OpensslVerifies({"-crl_check", "-CRLfile", dir + "/crl.pem"}, dir + "/ca.crt", bad));
  // A serial that is not hex is refused with the reason.
  auto junk = Certkit({"revoke", "--dir", dir, "--serial", "xyz"});
  CHECK(junk.exit_code == 3);
  CHECK(junk.err.find("not hexadecimal") != std::string::npos);
}

TEST_CASE("profile file: CockroachDB ca.conf as a profile file gives the extensions openssl ca gives") {
  TempDir tmp;
  WriteString(tmp.File("ca.conf"), kCockroachCaConf);
  WriteString(tmp.File("index.txt"), "");
  WriteString(tmp.File("serial.txt"), "01\n");
  const std::string profile = certkit_test::SourceDir() + "/docs/profiles/cockroach.json";
  REQUIRE(Run({"openssl", "genrsa", "-out", tmp.File("ca.key"), "2048"}).exit_code == 0);
  REQUIRE(Run({"chmod", "600", tmp.File("ca.key")}).exit_code == 0);
  auto req = Run({"sh", "-c", "cd " + tmp.path() + " && openssl req -new -x509 -config ca.conf -key ca.key "
                                                   "-out ca.crt -days 3660 -batch"});
  REQUIRE(req.exit_code == 0);
  // The CA made by certkit from the same file has the same keyUsage and basicConstraints.
  auto ca = Certkit({"ca", "create", "--out", tmp.File("ck-ca"), "--subject",
                     "O=Cockroach, CN=Cockroach CA", "--key-type", "rsa:2048", "--profile-file", profile});
  INFO(Describe(ca));
  REQUIRE(ca.exit_code == 0);
  auto ca_blocks = [](const std::vector<std::string>& all) {
    std::vector<std::string> out;
    for (const auto& b : all) {
      if (b.find("Key Usage") != std::string::npos || b.find("Basic Constraints") != std::string::npos) {
        out.push_back(b);
      }
    }
    return out;
  };
  CHECK(ca_blocks(ExtensionBlocks(tmp.File("ck-ca/ca.crt"))) == ca_blocks(ExtensionBlocks(tmp.File("ca.crt"))));

  struct Leaf {
    const char* name;
    const char* conf;
    const char* section;
    const char* profile;
  };
  for (const Leaf& leaf :
       {Leaf{"node", "[req]\nprompt=no\ndistinguished_name=dn\nreq_extensions=ext\n[dn]\n"
                     "organizationName=Cockroach\ncommonName=node1\n[ext]\n"
                     "subjectAltName=DNS:node1,DNS:node1.example.com,IP:10.0.0.1\n",
             "signing_node_req", "node"},
        Leaf{"client", "[req]\nprompt=no\ndistinguished_name=dn\n[dn]\norganizationName=Cockroach\n"
                       "commonName=maxroach\n",
             "signing_client_req", "client"}}) {
    const std::string n = leaf.name;
    WriteString(tmp.File(n + ".conf"), leaf.conf);
    REQUIRE(Run({"openssl", "genrsa", "-out", tmp.File(n + ".key"), "2048"}).exit_code == 0);
    REQUIRE(Run({"openssl", "req", "-new", "-config", tmp.File(n + ".conf"), "-key", tmp.File(n + ".key"),
                 "-out", tmp.File(n + ".csr"), "-batch"})
                .exit_code == 0);
    auto signed_by_openssl =
        Run({"sh", "-c", "cd " + tmp.path() + " && openssl ca -config ca.conf -keyfile ca.key -cert ca.crt "
                         "-policy signing_policy -extensions " + leaf.section + " -out " + n +
                         "-openssl.crt -outdir . -in " + n + ".csr -days 1830 -batch"});
    INFO(signed_by_openssl.output());
    REQUIRE(signed_by_openssl.exit_code == 0);
    auto signed_by_certkit = Certkit({"sign", "--ca-cert", tmp.File("ca.crt"), "--ca-key", tmp.File("ca.key"),
                                      "--csr", tmp.File(n + ".csr"), "--profile", leaf.profile,
                                      "--profile-file", profile, "--out", tmp.File(n + "-certkit.crt")});
    INFO(Describe(signed_by_certkit));
    REQUIRE(signed_by_certkit.exit_code == 0);
    const auto ours = ExtensionBlocks(tmp.File(n + "-certkit.crt"));
    CHECK(ours.size() >= 4);
    CHECK(ours == ExtensionBlocks(tmp.File(n + "-openssl.crt")));
    auto subject = [](const std::string& cert) {
      return Run({"openssl", "x509", "-in", cert, "-noout", "-subject"}).out;
    };
    CHECK(subject(tmp.File(n + "-certkit.crt")) == subject(tmp.File(n + "-openssl.crt")));
  }

  // The policy's "supplied" fields: a CSR without O is refused, like openssl ca does.
  REQUIRE(Run({"openssl", "req", "-new", "-key", tmp.File("node.key"), "-subj", "/CN=noorg", "-out",
               tmp.File("noorg.csr")})
              .exit_code == 0);
  auto refused = Certkit({"sign", "--ca-cert", tmp.File("ca.crt"), "--ca-key", tmp.File("ca.key"), "--csr",
                          tmp.File("noorg.csr"), "--profile", "client", "--profile-file", profile, "--out",
                          tmp.File("noorg.crt")});
  CHECK(refused.exit_code == 3);
  CHECK(refused.err.find("has no O") != std::string::npos);
  auto openssl_refused =
      Run({"sh", "-c", "cd " + tmp.path() + " && openssl ca -config ca.conf -keyfile ca.key -cert ca.crt "
                       "-policy signing_policy -extensions signing_client_req -out noorg-o.crt "
                       "-outdir . -in noorg.csr -batch"});
  CHECK(openssl_refused.exit_code != 0);
  // A typo in a profile file is an error naming the key, not a silent default.
  WriteString(tmp.File("typo.json"), R"({"profiles": {"node": {"key_usgae": ["digitalSignature"]}}})");
  auto typo = Certkit({"sign", "--ca-cert", tmp.File("ca.crt"), "--ca-key", tmp.File("ca.key"), "--csr",
                       tmp.File("node.csr"), "--profile-file", tmp.File("typo.json"), "--out",
                       tmp.File("typo.crt")});
  CHECK(typo.exit_code == 3);
  CHECK(typo.err.find("profiles.node: unknown key 'key_usgae'") != std::string::npos);
}

TEST_CASE("key usage follows the key type and CA key usage and pathlen are options") {
  TempDir tmp;
  REQUIRE(Certkit({"ca", "create", "--out", tmp.File("ca"), "--cn", "KU CA"}).exit_code == 0);
  for (const std::string key : {"ec:p256", "ed25519", "rsa:2048"}) {
    const std::string out = tmp.File("n-" + key.substr(0, 2));
    auto r = Certkit({"node", "--ca-cert", tmp.File("ca/ca.crt"), "--ca-key", tmp.File("ca/ca-private/ca.key"),
                      "--host", "db.example.com", "--key-type", key, "--out", out});
    INFO(Describe(r));
    REQUIRE(r.exit_code == 0);
    const std::string text = Text(out + "/node.crt");
    CHECK(text.find("Digital Signature") != std::string::npos);
    CHECK((text.find("Key Encipherment") != std::string::npos) == (key == "rsa:2048"));
  }
  // CA key usage and pathlen are options; a CA without keyCertSign is refused.
  auto ku = Certkit({"ca", "create", "--out", tmp.File("ca2"), "--cn", "KU CA 2", "--key-usage",
                     "keyCertSign,cRLSign", "--pathlen", "2"});
  REQUIRE(ku.exit_code == 0);
  const std::string text = Text(tmp.File("ca2/ca.crt"));
  CHECK(text.find("Certificate Sign, CRL Sign\n") != std::string::npos);
  CHECK(text.find("pathlen:2") != std::string::npos);
  auto bad = Certkit({"ca", "create", "--out", tmp.File("ca3"), "--cn", "x", "--key-usage", "digitalSignature"});
  CHECK(bad.exit_code == 3);
  CHECK(bad.err.find("keyCertSign") != std::string::npos);
}

TEST_CASE("a CA bundle in ca-cert signs with the CA matching the key and default CA subjects differ") {
  TempDir tmp;
  REQUIRE(Certkit({"ca", "create", "--out", tmp.File("old"), "--cn", "Old CA"}).exit_code == 0);
  REQUIRE(Certkit({"ca", "create", "--out", tmp.File("new"), "--cn", "New CA"}).exit_code == 0);
  WriteString(tmp.File("bundle.crt"), ReadString(tmp.File("old/ca.crt")) + ReadString(tmp.File("new/ca.crt")));
  auto r = Certkit({"node", "--ca-cert", tmp.File("bundle.crt"), "--ca-key", tmp.File("new/ca-private/ca.key"),
                    "--host", "10.0.0.9", "--out", tmp.File("n")});
  INFO(Describe(r));
  REQUIRE(r.exit_code == 0);
  CHECK(OpensslVerifies({}, tmp.File("new/ca.crt"), tmp.File("n/node.crt")));
  CHECK_FALSE(OpensslVerifies({}, tmp.File("old/ca.crt"), tmp.File("n/node.crt")));
  // A key matching none of them names the subjects in the bundle.
  REQUIRE(Certkit({"ca", "create", "--out", tmp.File("other"), "--cn", "Other CA"}).exit_code == 0);
  auto none = Certkit({"node", "--ca-cert", tmp.File("bundle.crt"), "--ca-key",
                       tmp.File("other/ca-private/ca.key"), "--host", "10.0.0.9", "--out", tmp.File("m")});
  CHECK(none.exit_code == 3);
  CHECK(none.err.find("CN=Old CA") != std::string::npos);
  CHECK(none.err.find("[key_mismatch]") != std::string::npos);
  // Default cluster CA subjects carry the cluster name and a unique id.
  REQUIRE(Certkit({"cluster", "init", "--nodes", "10.0.0.1", "--out", tmp.File("east"), "--format", "pem",
                   "--quiet"}).exit_code == 0);
  REQUIRE(Certkit({"cluster", "init", "--nodes", "10.0.0.1", "--out", tmp.File("east2/east"), "--format",
                   "pem", "--quiet"}).exit_code == 0);
  auto subject = [&](const std::string& f) {
    return Run({"openssl", "x509", "-in", f, "-noout", "-subject"}).out;
  };
  const std::string a = subject(tmp.File("east/ca.crt")), b = subject(tmp.File("east2/east/ca.crt"));
  CHECK(a.find("certkit CA east ") != std::string::npos);
  CHECK(a != b);
}

TEST_CASE("revocation: a CA without cRLSign signs no CRL, and revoke warns at once (openssl agrees)") {
  TempDir tmp;
  const std::string profile = certkit_test::SourceDir() + "/docs/profiles/cockroach.json";
  const std::string ca = tmp.File("ca");
  // CockroachDB's ca.conf gives the CA keyCertSign, digitalSignature: no cRLSign.
  auto made = Certkit({"ca", "create", "--out", ca, "--subject", "O=Cockroach, CN=Cockroach CA",
                       "--profile-file", profile});
  INFO(Describe(made));
  REQUIRE(made.exit_code == 0);
  const std::string ku = Text(ca + "/ca.crt");
  REQUIRE(ku.find("Certificate Sign") != std::string::npos);
  REQUIRE(ku.find("CRL Sign") == std::string::npos);
  auto node = Certkit({"node", "--ca-cert", ca + "/ca.crt", "--ca-key", ca + "/ca-private/ca.key",
                       "--host", "10.0.0.5", "--out", tmp.File("n")});
  INFO(Describe(node));
  REQUIRE(node.exit_code == 0);

  auto rev = Certkit({"revoke", "--dir", ca, "--cert", tmp.File("n/node.crt")});
  INFO(Describe(rev));
  CHECK(rev.exit_code == 0);
  CHECK(rev.err.find("warning: CA 'O=Cockroach, CN=Cockroach CA' may not sign CRLs") != std::string::npos);
  auto crl = Certkit({"crl", "--dir", ca});
  INFO(Describe(crl));
  CHECK(crl.exit_code == 3);
  CHECK(crl.err.find("may not sign CRLs: its keyUsage is digitalSignature, nonRepudiation, keyCertSign, "
                     "without cRLSign") != std::string::npos);
  CHECK(crl.err.find("key_usage includes cRLSign") != std::string::npos);
  CHECK_FALSE(certkit_cli_test::Exists(ca + "/crl.pem"));

  // What certkit refuses to write is what openssl refuses to use: a CRL
  // signed by that CA (openssl ca writes it) fails every check.
  WriteString(tmp.File("index.txt"), "");
  WriteString(tmp.File("ca.conf"),
              "[ca]\ndefault_ca=d\n[d]\ndatabase=" + tmp.File("index.txt") +
                  "\ndefault_md=sha256\ndefault_crl_days=7\n");
  auto ossl_crl = Run({"openssl", "ca", "-gencrl", "-config", tmp.File("ca.conf"), "-cert", ca + "/ca.crt",
                       "-keyfile", ca + "/ca-private/ca.key", "-out", tmp.File("ossl-crl.pem")});
  INFO(ossl_crl.output());
  REQUIRE(ossl_crl.exit_code == 0);
  CHECK_FALSE(OpensslVerifies({"-crl_check", "-CRLfile", tmp.File("ossl-crl.pem")}, ca + "/ca.crt",
                              tmp.File("n/node.crt")));
}

TEST_CASE("revocation: removeFromCRL and unknown reasons are refused, in revoke and in a stored list") {
  TempDir tmp;
  const std::string dir = tmp.File("ca");
  REQUIRE(Certkit({"ca", "create", "--out", dir, "--cn", "Reasons CA"}).exit_code == 0);
  REQUIRE(Certkit({"node", "--ca-cert", dir + "/ca.crt", "--ca-key", dir + "/ca-private/ca.key", "--host",
                   "10.0.0.6", "--out", tmp.File("n")})
              .exit_code == 0);
  const std::string cert = tmp.File("n/node.crt");
  for (const char* reason : {"removeFromCRL", "REMOVEFROMCRL", "frobnicated"}) {
    auto r = Certkit({"revoke", "--dir", dir, "--cert", cert, "--reason", reason});
    INFO(reason << ": " << Describe(r));
    CHECK(r.exit_code == 3);
    CHECK(r.out.find("revoked") == std::string::npos);
    CHECK_FALSE(certkit_cli_test::Exists(dir + "/revoked.json"));
  }
  auto removed = Certkit({"revoke", "--dir", dir, "--cert", cert, "--reason", "removeFromCRL"});
  CHECK(removed.err.find("removeFromCRL does not revoke") != std::string::npos);
  auto unknown = Certkit({"revoke", "--dir", dir, "--cert", cert, "--reason", "frobnicated"});
  CHECK(unknown.err.find("valid reasons: unspecified, keyCompromise") != std::string::npos);
  CHECK(unknown.err.find("removeFromCRL") == std::string::npos);

  // A list written by hand (or by an older certkit) with removeFromCRL is
  // refused when read, not published as a CRL that revokes nothing.
  WriteString(dir + "/revoked.json",
              "{\"crl_number\": 1, \"revoked\": [{\"serial\": \"" + CertSerial(cert) +
                  "\", \"time\": \"2026-01-02T03:04:05Z\", \"reason\": \"removeFromCRL\"}]}\n");
  auto crl = Certkit({"crl", "--dir", dir});
  INFO(Describe(crl));
  CHECK(crl.exit_code != 0);
  CHECK(crl.err.find("removeFromCRL does not revoke") != std::string::npos);
  CHECK_FALSE(certkit_cli_test::Exists(dir + "/crl.pem"));
}

TEST_CASE("revocation: the CRL number is bounded when read and stops clearly at its maximum") {
  TempDir tmp;
  const std::string dir = tmp.File("ca");
  REQUIRE(Certkit({"ca", "create", "--out", dir, "--cn", "Numbers CA"}).exit_code == 0);
  WriteString(dir + "/revoked.json", "{\"crl_number\": 9223372036854775807, \"revoked\": []}\n");
  auto top = Certkit({"crl", "--dir", dir});
  INFO(Describe(top));
  CHECK(top.exit_code != 0);
  CHECK(top.err.find("has number 9223372036854775807, the largest there is") != std::string::npos);
  CHECK(top.err.find("[limit_exceeded]") != std::string::npos);
  CHECK_FALSE(certkit_cli_test::Exists(dir + "/crl.pem"));
  WriteString(dir + "/revoked.json", "{\"crl_number\": 9223372036854775808, \"revoked\": []}\n");
  auto over = Certkit({"crl", "--dir", dir});
  INFO(Describe(over));
  CHECK(over.exit_code != 0);
  CHECK(over.err.find("revocation list: expected") != std::string::npos);
  // One below the top still works, and openssl reads the number.
  WriteString(dir + "/revoked.json", "{\"crl_number\": 9223372036854775806, \"revoked\": []}\n");
  auto last = Certkit({"crl", "--dir", dir});
  INFO(Describe(last));
  REQUIRE(last.exit_code == 0);
  auto text = Run({"openssl", "crl", "-in", dir + "/crl.pem", "-noout", "-crlnumber"});
  CHECK(text.out.find("7FFFFFFFFFFFFFFF") != std::string::npos);
}
