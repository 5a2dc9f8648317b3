// End-to-end tests of the certkit binary, checked with openssl and keytool.
#include <catch2/catch.hpp>
#include <sys/stat.h>

#include <nlohmann/json.hpp>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "cli_support.h"
#include "support/oracle.h"

using certkit_cli_test::Certkit;
using certkit_cli_test::Describe;
using certkit_cli_test::Exists;
using certkit_test::FileMode;
using certkit_test::ReadString;
using certkit_test::Run;
using certkit_test::TempDir;

namespace {

const std::vector<std::string> kEnv = {"CK_STOREPASS=store-secret-1"};

// MakeCa creates a root CA in |dir| and returns (cert, key) paths.
std::pair<std::string, std::string> MakeCa(const std::string& dir, const std::string& key = "ec:p256") {
  auto r = Certkit({"ca", "create", "--out", dir, "--cn", "Test CA", "--key-type", key});
  REQUIRE(r.exit_code == 0);
  return {dir + "/ca.crt", dir + "/ca-private/ca.key"};
}

}  // namespace

TEST_CASE("every command has --help with an example") {
  for (std::vector<std::string> cmd :
       std::vector<std::vector<std::string>>{{},
                                             {"ca", "create"},
                                             {"ca", "intermediate"},
                                             {"node"},
                                             {"client"},
                                             {"csr"},
                                             {"sign"},
                                             {"cluster", "init"},
                                             {"cluster", "add"},
                                             {"cluster", "renew"},
                                             {"inspect"},
                                             {"verify"},
                                             {"expiry"},
                                             {"revoke"},
                                             {"crl"},
                                             {"keystore", "list"},
                                             {"keystore", "import-cert"},
                                             {"keystore", "import-reply"},
                                             {"keystore", "export"},
                                             {"keystore", "delete"},
                                             {"keystore", "rename"},
                                             {"keystore", "passwd"},
                                             {"keystore", "convert"}}) {
    cmd.push_back("--help");
    auto r = Certkit(cmd);
    INFO(Describe(r));
    CHECK(r.exit_code == 0);
    CHECK(r.out.find("Example:") != std::string::npos);
    CHECK(r.out.find("certkit ") != std::string::npos);
  }
  auto r = Certkit({"node", "--no-such-flag"});
  CHECK(r.exit_code == 2);
}

TEST_CASE("ca create, node and client produce files openssl accepts") {
  REQUIRE(certkit_test::HaveTool("openssl"));
  TempDir tmp;
  auto [ca_crt, ca_key] = MakeCa(tmp.File("ca"), "rsa:2048");
  CHECK(FileMode(tmp.File("ca/ca-private")) == 0700);
  CHECK(FileMode(ca_key) == 0600);
  auto text = Run({"openssl", "x509", "-in", ca_crt, "-noout", "-text"});
  CHECK(text.out.find("CA:TRUE") != std::string::npos);
  CHECK(text.out.find("Test CA") != std::string::npos);

  auto r = Certkit({"node", "--ca-cert", ca_crt, "--ca-key", ca_key, "--host", "10.0.0.1", "--host",
                    "db1.example.com", "--out", tmp.File("n1"), "--pkcs8"});
  INFO(Describe(r));
  REQUIRE(r.exit_code == 0);
  for (const char* f : {"ca.crt", "node.crt", "node.key", "node.key.pk8"}) {
    CHECK(Exists(tmp.File(std::string("n1/") + f)));
  }
  CHECK(FileMode(tmp.File("n1/node.key")) == 0600);
  CHECK(FileMode(tmp.File("n1/node.key.pk8")) == 0600);
  auto verify = Run({"openssl", "verify", "-CAfile", ca_crt, "-purpose", "sslserver", "-verify_ip",
                     "10.0.0.1", tmp.File("n1/node.crt")});
  INFO(verify.output());
  CHECK(verify.exit_code == 0);
  auto san = Run({"openssl", "x509", "-in", tmp.File("n1/node.crt"), "-noout", "-ext", "subjectAltName"});
  CHECK(san.out.find("IP Address:10.0.0.1") != std::string::npos);
  CHECK(san.out.find("DNS:db1.example.com") != std::string::npos);
  // The key matches the certificate, and the .pk8 is the same key in DER PKCS#8.
  auto pub_cert = Run({"openssl", "x509", "-in", tmp.File("n1/node.crt"), "-noout", "-pubkey"});
  auto pub_key = Run({"openssl", "pkey", "-in", tmp.File("n1/node.key"), "-pubout"});
  auto pub_pk8 = Run({"openssl", "pkey", "-inform", "DER", "-in", tmp.File("n1/node.key.pk8"), "-pubout"});
  CHECK(pub_cert.out == pub_key.out);
  CHECK(pub_key.out == pub_pk8.out);

  r = Certkit({"client", "--ca-cert", ca_crt, "--ca-key", ca_key, "--user", "app", "--out", tmp.File("c")});
  INFO(Describe(r));
  REQUIRE(r.exit_code == 0);
  CHECK(FileMode(tmp.File("c/client.app.key")) == 0600);
  verify = Run({"openssl", "verify", "-CAfile", ca_crt, "-purpose", "sslclient", tmp.File("c/client.app.crt")});
  CHECK(verify.exit_code == 0);
  auto subject = Run({"openssl", "x509", "-in", tmp.File("c/client.app.crt"), "-noout", "-subject"});
  CHECK(subject.out.find("CN = app") != std::string::npos);
  // Not a server certificate.
  verify = Run({"openssl", "verify", "-CAfile", ca_crt, "-purpose", "sslserver", tmp.File("c/client.app.crt")});
  CHECK(verify.exit_code != 0);
}

TEST_CASE("existing keys are not overwritten without --overwrite") {
  TempDir tmp;
  auto [ca_crt, ca_key] = MakeCa(tmp.File("ca"));
  std::vector<std::string> node = {"node", "--ca-cert", ca_crt, "--ca-key", ca_key, "--host", "db1", "--out", tmp.File("n")};
  REQUIRE(Certkit(node).exit_code == 0);
  const std::string key_before = ReadString(tmp.File("n/node.key"));
  const std::string crt_before = ReadString(tmp.File("n/node.crt"));
  auto r = Certkit(node);
  CHECK(r.exit_code == 3);
  CHECK(r.err.find(tmp.File("n/node.key")) != std::string::npos);
  CHECK(r.err.find("--overwrite") != std::string::npos);
  CHECK(ReadString(tmp.File("n/node.key")) == key_before);
  CHECK(ReadString(tmp.File("n/node.crt")) == crt_before);
  node.push_back("--overwrite");
  REQUIRE(Certkit(node).exit_code == 0);
  CHECK(ReadString(tmp.File("n/node.key")) != key_before);
  // ca create refuses too.
  r = Certkit({"ca", "create", "--out", tmp.File("ca")});
  CHECK(r.exit_code == 3);
  CHECK(r.err.find("already_exists") != std::string::npos);
}

TEST_CASE("a CA key readable by others is refused unless overridden") {
  TempDir tmp;
  auto [ca_crt, ca_key] = MakeCa(tmp.File("ca"));
  REQUIRE(chmod(ca_key.c_str(), 0644) == 0);
  std::vector<std::string> node = {"node", "--ca-cert", ca_crt, "--ca-key", ca_key, "--host", "db1", "--out", tmp.File("n")};
  auto r = Certkit(node);
  CHECK(r.exit_code == 3);
  CHECK(r.err.find(ca_key) != std::string::npos);
  CHECK(r.err.find("0644") != std::string::npos);
  CHECK_FALSE(Exists(tmp.File("n/node.key")));
  node.push_back("--allow-insecure-ca-key");
  r = Certkit(node);
  INFO(Describe(r));
  CHECK(r.exit_code == 0);
}

TEST_CASE("intermediate CA: node chains verify through it") {
  TempDir tmp;
  auto [root_crt, root_key] = MakeCa(tmp.File("root"));
  auto r = Certkit({"ca", "intermediate", "--ca-cert", root_crt, "--ca-key", root_key, "--out",
                    tmp.File("int"), "--cn", "Issuing CA"});
  INFO(Describe(r));
  REQUIRE(r.exit_code == 0);
  r = Certkit({"node", "--ca-cert", tmp.File("int/ca.crt"), "--ca-key", tmp.File("int/ca-private/ca.key"),
               "--host", "db1.example.com", "--out", tmp.File("n")});
  INFO(Describe(r));
  REQUIRE(r.exit_code == 0);
  // ca.crt is the root; node.crt carries the intermediate.
  CHECK(ReadString(tmp.File("n/ca.crt")) == ReadString(root_crt));
  auto verify = Run({"openssl", "verify", "-CAfile", root_crt, "-untrusted", tmp.File("n/node.crt"),
                     tmp.File("n/node.crt")});
  INFO(verify.output());
  CHECK(verify.exit_code == 0);
  r = Certkit({"verify", "--ca", root_crt, "--dns", "db1.example.com", "--purpose", "server", tmp.File("n/node.crt")});
  INFO(Describe(r));
  CHECK(r.exit_code == 0);
}

TEST_CASE("cluster init writes the whole layout, stores and manifest") {
  REQUIRE(certkit_test::HaveTool("keytool"));
  TempDir tmp;
  const std::string out = tmp.File("demo");
  auto r = Certkit({"cluster", "init", "--nodes", "10.0.0.1,10.0.0.2,db3.example.com", "--clients", "root,app",
                    "--out", out, "--storepass", "env:CK_STOREPASS", "--jobs", "2"},
                   kEnv);
  INFO(Describe(r));
  REQUIRE(r.exit_code == 0);
  CHECK(r.out.find("keep it off the nodes") != std::string::npos);
  CHECK(r.err.find("[") == std::string::npos);  // no progress bar when not a terminal
  CHECK(FileMode(out + "/ca-private") == 0700);
  CHECK(FileMode(out + "/ca-private/ca.key") == 0600);
  CHECK(Exists(out + "/truststore.jks"));
  CHECK(Exists(out + "/truststore.p12"));
  for (const char* host : {"10.0.0.1", "10.0.0.2", "db3.example.com"}) {
    const std::string dir = out + "/nodes/" + host;
    for (const char* f : {"ca.crt", "node.crt", "node.key", "keystore.jks", "keystore.p12"}) {
      CHECK(Exists(dir + "/" + f));
    }
    CHECK_FALSE(Exists(dir + "/ca.key"));
    CHECK(FileMode(dir + "/node.key") == 0600);
    CHECK(FileMode(dir + "/keystore.jks") == 0600);
    auto types = certkit_cli_test::KeytoolEntryTypes(dir + "/keystore.jks", "store-secret-1");
    CHECK(types == std::vector<std::string>{"PrivateKeyEntry", "trustedCertEntry"});
    auto p12 = Run({"openssl", "pkcs12", "-in", dir + "/keystore.p12", "-passin", "pass:store-secret-1",
                    "-nokeys", "-info"});
    INFO(p12.output());
    CHECK(p12.exit_code == 0);
  }
  for (const char* user : {"root", "app"}) {
    const std::string dir = out + "/clients/" + user;
    CHECK(Exists(dir + "/ca.crt"));
    CHECK(FileMode(dir + "/client." + std::string(user) + ".key") == 0600);
    auto subject = Run({"openssl", "x509", "-in", dir + "/client." + user + ".crt", "-noout", "-subject"});
    CHECK(subject.out.find(std::string("CN = ") + user) != std::string::npos);
  }
  CHECK(certkit_cli_test::KeytoolEntryTypes(out + "/truststore.jks", "store-secret-1") ==
        std::vector<std::string>{"trustedCertEntry"});

  const std::string manifest_text = ReadString(out + "/manifest.json");
  CHECK(manifest_text.find("store-secret-1") == std::string::npos);
  auto m = nlohmann::json::parse(manifest_text);
  CHECK(m["store_password_source"] == "env:CK_STOREPASS");
  REQUIRE(m["nodes"].size() == 3);
  REQUIRE(m["clients"].size() == 2);
  for (const auto& node : m["nodes"]) {
    const std::string crt = out + "/" + node["dir"].get<std::string>() + "/node.crt";
    std::string serial = node["serial"].get<std::string>();
    serial.erase(0, std::min(serial.find_first_not_of('0'), serial.size() - 1));
    CHECK(certkit_cli_test::CertSerial(crt) == serial);
    auto fp = Run({"openssl", "x509", "-in", crt, "-noout", "-fingerprint", "-sha256"});
    CHECK(fp.out.find(node["sha256_fingerprint"].get<std::string>()) != std::string::npos);
  }
  CHECK(m["nodes"][0]["host"] == "10.0.0.1");
  CHECK(m["truststores"] == nlohmann::json({"truststore.jks", "truststore.p12"}));

  // A second init into the same directory is refused.
  r = Certkit({"cluster", "init", "--nodes", "10.0.0.9", "--out", out, "--storepass", "env:CK_STOREPASS"}, kEnv);
  CHECK(r.exit_code == 3);
  CHECK(r.err.find("cluster add") != std::string::npos);
}

TEST_CASE("store passwords must come from somewhere explicit") {
  TempDir tmp;
  auto r = Certkit({"cluster", "init", "--nodes", "db1", "--out", tmp.File("a")});
  CHECK(r.exit_code == 3);
  CHECK(r.err.find("--storepass") != std::string::npos);
  CHECK(r.err.find("bad_password") != std::string::npos);
  CHECK_FALSE(Exists(tmp.File("a/ca-private/ca.key")));

  r = Certkit({"cluster", "init", "--nodes", "db1", "--out", tmp.File("b"), "--storepass", "env:CK_NOT_SET_ANYWHERE"});
  CHECK(r.exit_code == 3);
  CHECK(r.err.find("CK_NOT_SET_ANYWHERE") != std::string::npos);

  certkit_test::WriteString(tmp.File("pw.txt"), "file-secret-2\n");
  r = Certkit({"cluster", "init", "--nodes", "db1", "--out", tmp.File("c"), "--format", "jks",
               "--storepass", "file:" + tmp.File("pw.txt"), "--quiet"});
  INFO(Describe(r));
  REQUIRE(r.exit_code == 0);
  CHECK(certkit_cli_test::KeytoolEntryTypes(tmp.File("c/nodes/db1/keystore.jks"), "file-secret-2").size() == 2);
  CHECK_FALSE(Exists(tmp.File("c/nodes/db1/keystore.p12")));

  r = Certkit({"cluster", "init", "--nodes", "db1", "--out", tmp.File("d"), "--format", "jks",
               "--insecure-default-password", "--quiet"});
  REQUIRE(r.exit_code == 0);
  CHECK(certkit_cli_test::KeytoolEntryTypes(tmp.File("d/nodes/db1/keystore.jks"), "changeit").size() == 2);
  CHECK(nlohmann::json::parse(ReadString(tmp.File("d/manifest.json")))["store_password_source"] ==
        "insecure-default");

  r = Certkit({"cluster", "init", "--nodes", "db1", "--out", tmp.File("e"), "--storepass", "justapassword"});
  CHECK(r.exit_code == 3);
  CHECK(r.err.find("justapassword") == std::string::npos);
}

TEST_CASE("cluster add leaves existing files alone and renew re-issues what expires") {
  TempDir tmp;
  const std::string out = tmp.File("demo");
  auto r = Certkit({"cluster", "init", "--nodes", "10.0.0.1", "--clients", "app", "--out", out, "--days", "10",
                    "--storepass", "env:CK_STOREPASS", "--quiet"},
                   kEnv);
  REQUIRE(r.exit_code == 0);
  const std::string n1_key = ReadString(out + "/nodes/10.0.0.1/node.key");
  const std::string n1_jks = ReadString(out + "/nodes/10.0.0.1/keystore.jks");
  const std::string ca = ReadString(out + "/ca.crt");

  // env: source recorded in the manifest is reused.
  r = Certkit({"cluster", "add", "--dir", out, "--nodes", "10.0.0.2", "--quiet"}, kEnv);
  INFO(Describe(r));
  REQUIRE(r.exit_code == 0);
  CHECK(ReadString(out + "/nodes/10.0.0.1/node.key") == n1_key);
  CHECK(ReadString(out + "/nodes/10.0.0.1/keystore.jks") == n1_jks);
  CHECK(ReadString(out + "/ca.crt") == ca);
  CHECK(Run({"openssl", "verify", "-CAfile", out + "/ca.crt", out + "/nodes/10.0.0.2/node.crt"}).exit_code == 0);
  CHECK(certkit_cli_test::KeytoolEntryTypes(out + "/nodes/10.0.0.2/keystore.jks", "store-secret-1").size() == 2);
  auto m = nlohmann::json::parse(ReadString(out + "/manifest.json"));
  CHECK(m["nodes"].size() == 2);

  r = Certkit({"cluster", "add", "--dir", out, "--nodes", "10.0.0.1"}, kEnv);
  CHECK(r.exit_code == 3);
  CHECK(r.err.find("10.0.0.1") != std::string::npos);
  CHECK(ReadString(out + "/nodes/10.0.0.1/node.key") == n1_key);

  // Nothing expires within a day; everything within 30 days.
  const std::string serial_before = certkit_cli_test::CertSerial(out + "/nodes/10.0.0.1/node.crt");
  r = Certkit({"cluster", "renew", "--dir", out, "--within", "1d"}, kEnv);
  INFO(Describe(r));
  REQUIRE(r.exit_code == 0);
  CHECK(r.out.find("nothing expires") != std::string::npos);
  CHECK(certkit_cli_test::CertSerial(out + "/nodes/10.0.0.1/node.crt") == serial_before);

  r = Certkit({"cluster", "renew", "--dir", out, "--within", "30d", "--days", "365"}, kEnv);
  INFO(Describe(r));
  REQUIRE(r.exit_code == 0);
  CHECK(r.out.find("renewed 3") != std::string::npos);
  CHECK(certkit_cli_test::CertSerial(out + "/nodes/10.0.0.1/node.crt") != serial_before);
  CHECK(ReadString(out + "/nodes/10.0.0.1/node.key") != n1_key);
  CHECK(ReadString(out + "/ca.crt") == ca);
  CHECK(Run({"openssl", "verify", "-CAfile", out + "/ca.crt", "-verify_ip", "10.0.0.1",
             out + "/nodes/10.0.0.1/node.crt"}).exit_code == 0);
  CHECK(certkit_cli_test::KeytoolEntryTypes(out + "/nodes/10.0.0.1/keystore.jks", "store-secret-1").size() == 2);
  r = Certkit({"expiry", "--within", "30d", out, "--storepass", "env:CK_STOREPASS"}, kEnv);
  INFO(Describe(r));
  CHECK(r.exit_code == 0);
}

TEST_CASE("verify reports the precise reason and exits non-zero") {
  TempDir tmp;
  const std::string out = tmp.File("demo");
  REQUIRE(Certkit({"cluster", "init", "--nodes", "10.0.0.1", "--clients", "app", "--out", out, "--format", "pem",
                   "--quiet"}).exit_code == 0);
  const std::string node = out + "/nodes/10.0.0.1/node.crt";
  const std::string client = out + "/clients/app/client.app.crt";
  auto r = Certkit({"verify", "--ca", out + "/ca.crt", "--ip", "10.0.0.1", "--purpose", "server", node});
  INFO(Describe(r));
  CHECK(r.exit_code == 0);
  CHECK(r.out.find("OK") != std::string::npos);

  r = Certkit({"verify", "--ca", out + "/ca.crt", "--ip", "10.0.0.2", node});
  CHECK(r.exit_code == 1);
  CHECK(r.out.find("identity_mismatch") != std::string::npos);

  r = Certkit({"verify", "--ca", out + "/ca.crt", "--purpose", "server", client});
  CHECK(r.exit_code == 1);
  CHECK(r.out.find("wrong_purpose") != std::string::npos);

  r = Certkit({"verify", "--ca", out + "/ca.crt", "--at", "2099-01-01T00:00:00Z", node, "--json"});
  CHECK(r.exit_code == 1);
  auto j = nlohmann::json::parse(r.out);
  CHECK(j["valid"] == false);
  CHECK(j["error"] == "cert_expired");

  REQUIRE(Certkit({"ca", "create", "--out", tmp.File("other")}).exit_code == 0);
  r = Certkit({"verify", "--ca", tmp.File("other/ca.crt"), node, "--json"});
  CHECK(r.exit_code == 1);
  CHECK(nlohmann::json::parse(r.out)["error"] == "unknown_issuer");

  r = Certkit({"verify", "--ca", out + "/ca.crt", "--purpose", "client", client, "--json"});
  CHECK(r.exit_code == 0);
  j = nlohmann::json::parse(r.out);
  CHECK(j["valid"] == true);
  CHECK(j["chain"].size() == 2);

  r = Certkit({"verify", "--ca", tmp.File("missing.crt"), node});
  CHECK(r.exit_code == 3);
  CHECK(r.err.find("missing.crt") != std::string::npos);
}

TEST_CASE("inspect detects certificates, CSRs, keys and stores from the bytes") {
  TempDir tmp;
  const std::string out = tmp.File("demo");
  REQUIRE(Certkit({"cluster", "init", "--nodes", "10.0.0.1", "--out", out, "--quiet", "--storepass",
                   "env:CK_STOREPASS"}, kEnv).exit_code == 0);
  auto r = Certkit({"inspect", out + "/nodes/10.0.0.1/node.crt", "--json"});
  INFO(Describe(r));
  REQUIRE(r.exit_code == 0);
  auto j = nlohmann::json::parse(r.out);
  REQUIRE(j["objects"].size() == 1);
  CHECK(j["objects"][0]["type"] == "certificate");
  CHECK(j["objects"][0]["subject_alt_names"][0] == "IP:10.0.0.1");

  // DER certificate.
  REQUIRE(Run({"openssl", "x509", "-in", out + "/ca.crt", "-outform", "DER", "-out", tmp.File("ca.der")}).exit_code == 0);
  r = Certkit({"inspect", tmp.File("ca.der"), "--json"});
  REQUIRE(r.exit_code == 0);
  CHECK(nlohmann::json::parse(r.out)["objects"][0]["basic_constraints"]["ca"] == true);

  // CSR and key from openssl.
  REQUIRE(Run({"openssl", "req", "-new", "-newkey", "rsa:2048", "-nodes", "-keyout", tmp.File("k.pem"), "-subj",
               "/CN=from-openssl", "-out", tmp.File("r.csr")}).exit_code == 0);
  r = Certkit({"inspect", tmp.File("r.csr"), "--json"});
  REQUIRE(r.exit_code == 0);
  j = nlohmann::json::parse(r.out)["objects"][0];
  CHECK(j["type"] == "certificate_request");
  CHECK(j["subject"] == "CN=from-openssl");
  r = Certkit({"inspect", tmp.File("k.pem")});
  REQUIRE(r.exit_code == 0);
  CHECK(r.out.find("RSA") != std::string::npos);
  CHECK(r.out.find("BEGIN") == std::string::npos);  // never prints key material

  // Key stores need their password.
  r = Certkit({"inspect", out + "/nodes/10.0.0.1/keystore.p12", "--storepass", "env:CK_STOREPASS", "--json"}, kEnv);
  INFO(Describe(r));
  REQUIRE(r.exit_code == 0);
  j = nlohmann::json::parse(r.out)["objects"][0];
  CHECK(j["type"] == "keystore");
  CHECK(j["entries"].size() == 2);
  r = Certkit({"inspect", out + "/nodes/10.0.0.1/keystore.jks", "--storepass", "pass:wrong-pw-77"});
  CHECK(r.exit_code == 3);
  CHECK(r.err.find("bad_password") != std::string::npos);
  CHECK(r.err.find("wrong-pw-77") == std::string::npos);

  certkit_test::WriteString(tmp.File("junk.bin"), "this is not a certificate at all");
  r = Certkit({"inspect", tmp.File("junk.bin")});
  CHECK(r.exit_code == 3);
  CHECK(r.err.find("junk.bin") != std::string::npos);
  CHECK(r.err.find("malformed") != std::string::npos);
}

TEST_CASE("expiry finds what expires in files, stores and directories") {
  TempDir tmp;
  const std::string out = tmp.File("demo");
  REQUIRE(Certkit({"cluster", "init", "--nodes", "10.0.0.1", "--clients", "app", "--out", out, "--days", "10",
                   "--quiet", "--storepass", "env:CK_STOREPASS"}, kEnv).exit_code == 0);
  auto r = Certkit({"expiry", "--within", "30d", out, "--storepass", "env:CK_STOREPASS"}, kEnv);
  INFO(Describe(r));
  CHECK(r.exit_code == 1);
  CHECK(r.out.find("nodes/10.0.0.1/node.crt") != std::string::npos);
  CHECK(r.out.find("keystore.jks") != std::string::npos);
  CHECK(r.out.find("client.app.crt") != std::string::npos);
  CHECK(r.out.find("ca.crt:") == std::string::npos);  // the CA lasts 10 years

  r = Certkit({"expiry", "--within", "1d", out, "--storepass", "env:CK_STOREPASS"}, kEnv);
  INFO(Describe(r));
  CHECK(r.exit_code == 0);

  r = Certkit({"expiry", "--within", "30d", out + "/nodes/10.0.0.1/node.crt", "--json"});
  CHECK(r.exit_code == 1);
  auto j = nlohmann::json::parse(r.out);
  REQUIRE(j["expiring"].size() == 1);
  CHECK(j["expiring"][0]["expired"] == false);
  CHECK(j["expiring"][0]["days_left"].get<int>() <= 10);

  // A store it cannot open is reported as an error (exit 3), not skipped silently.
  r = Certkit({"expiry", "--within", "1d", out + "/truststore.jks"});
  CHECK(r.exit_code == 3);
  CHECK(r.err.find("truststore.jks") != std::string::npos);

  r = Certkit({"expiry", "--within", "soon", out});
  CHECK(r.exit_code == 3);
  CHECK(r.err.find("--within") != std::string::npos);
}

TEST_CASE("on a terminal: a progress bar, and a password prompt without echo") {
  TempDir tmp;
  auto r = certkit_cli_test::CertkitOnPty({"cluster", "init", "--nodes", "a1,a2,a3", "--format", "pem", "--out",
                                           tmp.File("p")});
  INFO(r.output());
  REQUIRE(r.exit_code == 0);
  CHECK(r.out.find("issuing [") != std::string::npos);
  CHECK(r.out.find("3/3") != std::string::npos);

  // Each answer is typed only once its prompt is on screen, so echo is
  // already off: whatever the terminal shows of the password, certkit showed.
  r = certkit_cli_test::CertkitOnPty(
      {"cluster", "init", "--nodes", "a1", "--format", "jks", "--quiet", "--out", tmp.File("q")},
      {{"Enter store password:", "tty-secret-42\n"}, {"Re-enter store password:", "tty-secret-42\n"}});
  INFO(r.output());
  REQUIRE(r.exit_code == 0);
  CHECK(r.out.find("Enter store password:") != std::string::npos);
  CHECK(r.out.find("Re-enter store password:") != std::string::npos);
  CHECK(r.out.find("tty-secret-42") == std::string::npos);
  CHECK(certkit_cli_test::KeytoolEntryTypes(tmp.File("q/nodes/a1/keystore.jks"), "tty-secret-42").size() == 2);
  CHECK(nlohmann::json::parse(ReadString(tmp.File("q/manifest.json")))["store_password_source"] == "prompt");

  // Two entries that differ are refused, and nothing is written.
  r = certkit_cli_test::CertkitOnPty(
      {"cluster", "init", "--nodes", "a1", "--format", "jks", "--quiet", "--out", tmp.File("d")},
      {{"Enter store password:", "tty-secret-42\n"}, {"Re-enter store password:", "tty-secret-43\n"}});
  INFO(r.output());
  CHECK(r.exit_code != 0);
  CHECK(r.out.find("differ") != std::string::npos);
  CHECK_FALSE(certkit_cli_test::Exists(tmp.File("d/manifest.json")));
}

TEST_CASE("a node's files are each synced and renamed, its folder synced once") {
  REQUIRE(certkit_test::HaveTool("strace"));
  TempDir tmp;
  auto [ca_crt, ca_key] = MakeCa(tmp.File("ca"));
  const std::string trace = tmp.File("trace");
  // strace runs certkit and logs every sync and every rename/link of a temp
  // file into place, with the file names (-y).
  // LeakSanitizer cannot run under ptrace: in sanitizer builds, the traced
  // certkit runs without leak checking (env is a no-op elsewhere).
  auto r = Run({"strace", "-f", "-y", "-e", "trace=fsync,fdatasync,rename,link", "-o", trace,
                "env", "ASAN_OPTIONS=detect_leaks=0", certkit_cli_test::CertkitBinary(), "node", "--ca-cert", ca_crt, "--ca-key", ca_key,
                "--host", "10.0.0.7", "--out", tmp.File("n7"), "--format", "pem,jks,p12",
                "--storepass", "pass:storepass1"});
  INFO(r.output());
  REQUIRE(r.exit_code == 0);
  const std::string log = certkit_test::ReadString(trace);
  INFO(log);
  size_t data_syncs = 0, dir_syncs = 0, placed = 0;
  for (absl::string_view line : absl::StrSplit(log, '\n')) {
    if (absl::StrContains(line, "fdatasync(") && absl::StrContains(line, ".tmp-")) ++data_syncs;
    if (absl::StrContains(line, " fsync(") && absl::StrContains(line, "/n7>")) ++dir_syncs;
    if ((absl::StrContains(line, " rename(") || absl::StrContains(line, " link(")) &&
        absl::StrContains(line, ".tmp-")) {
      ++placed;
    }
  }
  auto ls = Run({"ls", "-A", tmp.File("n7")});
  // Nothing but the node's files is left in the folder (no temp files).
  CHECK(ls.out ==
        "ca.crt\nkeystore.jks\nkeystore.p12\nnode.crt\nnode.key\ntruststore.jks\ntruststore.p12\n");
  const size_t files = 7;
  // Each file: one data sync of its temp file, then renamed (or linked) into
  // place; the folder: one sync for all of them.
  CHECK(data_syncs == files);
  CHECK(placed == files);
  CHECK(dir_syncs == 1);
}

namespace {

// SyncTrace is what strace logged of a run: the sync calls and the temp
// files renamed (or linked) into place, named or unnamed (O_TMPFILE), in
// order.
struct SyncTrace {
  size_t syncfs = 0, data_syncs = 0, dir_syncs = 0;
  std::vector<std::string> placed;    // the final names, in order
  size_t last_syncfs = 0;             // index into |placed| when the last syncfs ran
  size_t manifest_at = SIZE_MAX;      // index of manifest.json in |placed|
};

SyncTrace ParseSyncTrace(const std::string& log) {
  SyncTrace t;
  for (absl::string_view line : absl::StrSplit(log, '\n')) {
    if (absl::StrContains(line, "resumed>")) continue;  // the second half of a call
    if (absl::StrContains(line, "syncfs(")) {
      ++t.syncfs;
      t.last_syncfs = t.placed.size();
    } else if (absl::StrContains(line, "fdatasync(")) {
      ++t.data_syncs;
    } else if (absl::StrContains(line, "fsync(")) {
      ++t.dir_syncs;
    } else if (((absl::StrContains(line, "rename(") || absl::StrContains(line, "link(")) &&
                absl::StrContains(line, ".tmp-")) ||
               // A new file of a set: an unnamed O_TMPFILE linked in by name.
               (absl::StrContains(line, "linkat(") && absl::StrContains(line, "/proc/self/fd/"))) {
      if (absl::StrContains(line, "/manifest.json\"")) t.manifest_at = t.placed.size();
      t.placed.emplace_back(line);
    }
  }
  return t;
}

std::string NodeList(int n) {
  std::string out;
  for (int i = 1; i <= n; ++i) out += (i > 1 ? "," : "") + absl::StrCat("10.0.1.", i);
  return out;
}

}  // namespace

// TraceSyncs runs certkit |args| under strace and returns what it synced
// and placed.
SyncTrace TraceSyncs(const std::string& trace, const std::vector<std::string>& args) {
  std::vector<std::string> argv = {"strace", "-f", "-y", "-e", "trace=fsync,fdatasync,syncfs,rename,link,linkat",
                                   "-o", trace, "env", "ASAN_OPTIONS=detect_leaks=0",
                                   certkit_cli_test::CertkitBinary()};
  argv.insert(argv.end(), args.begin(), args.end());
  auto r = Run(argv);
  INFO(r.output());
  CHECK(r.exit_code == 0);
  const std::string log = ReadString(trace);
  INFO(log);
  return ParseSyncTrace(log);
}

// CheckOneSyncPass: the data files had no sync of their own, one syncfs
// made them all durable, and then the manifest was written (synced alone,
// with its folder): it is placed last, after the sync pass. |alone| counts
// the files synced on their own (the manifest, and for init its marker).
void CheckOneSyncPass(const SyncTrace& t, size_t alone) {
  CHECK(t.syncfs == 1);
  CHECK(t.data_syncs == alone);
  CHECK(t.dir_syncs == alone);
  CHECK(t.manifest_at == t.placed.size() - 1);
  CHECK(t.last_syncfs == t.placed.size() - 1);
}

TEST_CASE("cluster operations write every file then sync once before the manifest") {
  REQUIRE(certkit_test::HaveTool("strace"));
  TempDir tmp;
  const std::string trace = tmp.File("trace");
  const size_t nodes = 24;
  const std::string pass = "pass:storepass1";
  SyncTrace t = TraceSyncs(trace, {"cluster", "init", "--nodes", NodeList(nodes), "--clients", "app",
                                   "--format", "pem,jks", "--jobs", "2", "--quiet", "--storepass",
                                   pass, "--out", tmp.File("c")});
  // Per leaf 4 files (PEM files, keystore.jks), the CA's, the trust store,
  // the init marker (placed and synced first) and the manifest.
  CHECK(t.placed.size() >= (nodes + 1) * 4 + 5);
  CheckOneSyncPass(t, 2);
  CHECK(absl::StrContains(t.placed.front(), ".init-incomplete\""));
  CHECK_FALSE(Exists(tmp.File("c/.init-incomplete")));
  auto v = Run({"openssl", "verify", "-CAfile", tmp.File("c/ca.crt"), tmp.File("c/nodes/10.0.1.7/node.crt")});
  CHECK(v.exit_code == 0);

  // add, renew and rotation stages: the same shape, the manifest alone synced.
  CheckOneSyncPass(TraceSyncs(trace, {"cluster", "add", "--dir", tmp.File("c"), "--nodes",
                                      "10.0.2.1,10.0.2.2", "--jobs", "2", "--quiet", "--storepass", pass}),
                   1);
  t = TraceSyncs(trace, {"cluster", "renew", "--dir", tmp.File("c"), "--within", "400d", "--jobs", "2",
                         "--quiet", "--storepass", pass});
  CHECK(t.placed.size() >= (nodes + 3) * 4 + 1);
  CheckOneSyncPass(t, 1);
  for (const char* stage : {"new-ca", "trust-both"}) {
    INFO(stage);
    CheckOneSyncPass(TraceSyncs(trace, {"cluster", "rotate-ca", "--dir", tmp.File("c"), "--stage", stage,
                                        "--jobs", "2", "--quiet", "--storepass", pass}),
                     1);
  }
}

TEST_CASE("cluster init and add killed at the sync pass before the manifest: a re-run converges") {
  REQUIRE(certkit_test::HaveTool("strace"));
  TempDir tmp;
  const std::string dir = tmp.File("c");
  auto killed_at_sync = [&](std::vector<std::string> args) {
    // strace kills certkit (SIGKILL) when it enters syncfs: every data file
    // is written and renamed into place, none is synced, no manifest.
    std::vector<std::string> argv = {"strace", "-f", "-o", "/dev/null", "-e", "trace=syncfs",
                                     "-e", "inject=syncfs:signal=SIGKILL", "env",
                                     "ASAN_OPTIONS=detect_leaks=0",
                                     certkit_cli_test::CertkitBinary()};
    argv.insert(argv.end(), args.begin(), args.end());
    return Run(argv);
  };
  const std::vector<std::string> init = {"cluster", "init", "--nodes", NodeList(6), "--format",
                                         "pem,jks", "--jobs", "2", "--quiet", "--storepass",
                                         "pass:storepass1", "--out", dir};
  auto r = killed_at_sync(init);
  INFO(r.output());
  REQUIRE(Exists(dir + "/nodes/10.0.1.6/keystore.jks"));
  REQUIRE_FALSE(Exists(dir + "/manifest.json"));
  CHECK(Exists(dir + "/.init-incomplete"));
  const std::string first_ca = ReadString(dir + "/ca.crt");
  // Not a cluster yet: add refuses (no manifest), init runs again and
  // replaces everything (a new CA).
  CHECK(Certkit({"cluster", "add", "--dir", dir, "--nodes", "x", "--storepass", "pass:storepass1"})
            .exit_code != 0);
  r = Certkit(init);
  INFO(r.output());
  REQUIRE(r.exit_code == 0);
  CHECK_FALSE(Exists(dir + "/.init-incomplete"));
  CHECK(ReadString(dir + "/ca.crt") != first_ca);
  auto pairs_match = [&](const std::string& node) {
    auto a = Run({"openssl", "x509", "-in", dir + "/nodes/" + node + "/node.crt", "-noout", "-pubkey"});
    auto b = Run({"openssl", "pkey", "-in", dir + "/nodes/" + node + "/node.key", "-pubout"});
    auto v = Run({"openssl", "verify", "-CAfile", dir + "/ca.crt", dir + "/nodes/" + node + "/node.crt"});
    return a.exit_code == 0 && a.out == b.out && v.exit_code == 0;
  };
  for (int i = 1; i <= 6; ++i) CHECK(pairs_match(absl::StrCat("10.0.1.", i)));
  CHECK(certkit_cli_test::KeytoolEntryTypes(dir + "/nodes/10.0.1.3/keystore.jks", "storepass1").size() == 2);

  // add: killed at its sync pass, the new node is not recorded; the same add
  // again issues it afresh.
  const std::vector<std::string> add = {"cluster", "add", "--dir", dir, "--nodes", "10.0.3.1",
                                        "--quiet", "--storepass", "pass:storepass1"};
  const std::string manifest = ReadString(dir + "/manifest.json");
  r = killed_at_sync(add);
  REQUIRE(Exists(dir + "/nodes/10.0.3.1/node.key"));
  CHECK(ReadString(dir + "/manifest.json") == manifest);
  r = Certkit(add);
  INFO(r.output());
  REQUIRE(r.exit_code == 0);
  CHECK(pairs_match("10.0.3.1"));
  CHECK(absl::StrContains(ReadString(dir + "/manifest.json"), "10.0.3.1"));
}
