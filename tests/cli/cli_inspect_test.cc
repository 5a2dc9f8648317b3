// certkit inspect: the validity of a certificate now (EXPIRED / NOT YET
// VALID in text, "validity" in JSON), for certificates made by openssl ca
// with dates in the past and in the future; keystore export --der against
// keytool -exportcert.
#include <string>
#include <vector>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "cli_support.h"
#include "support/oracle.h"

using certkit_cli_test::Certkit;
using certkit_cli_test::Describe;
using certkit_test::Run;
using certkit_test::TempDir;
using nlohmann::json;

namespace {

// SelfSigned makes a self-signed certificate valid from |start| to |end|
// (openssl ca dates, e.g. 20200101000000Z) in |dir|/ca.crt.
void SelfSigned(TempDir& tmp, const std::string& dir, const std::string& start, const std::string& end) {
  auto f = [&](const std::string& name) { return tmp.File(dir + "/" + name); };
  REQUIRE(Run({"mkdir", "-p", tmp.File(dir)}).exit_code == 0);
  certkit_test::WriteString(f("index.txt"), "");
  certkit_test::WriteString(f("serial"), "1000\n");
  certkit_test::WriteString(f("ca.cnf"), "[ca]\ndefault_ca=c\n[c]\ndatabase=" + f("index.txt") +
                                             "\nnew_certs_dir=" + tmp.File(dir) + "\nserial=" + f("serial") +
                                             "\ndefault_md=sha256\npolicy=p\n[p]\ncommonName=supplied\n"
                                             "[v3]\nbasicConstraints=critical,CA:TRUE\n");
  REQUIRE(Run({"openssl", "req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout",
               f("ca.key"), "-subj", "/CN=" + dir, "-out", f("ca.csr")})
              .exit_code == 0);
  auto o = Run({"openssl", "ca", "-batch", "-config", f("ca.cnf"), "-selfsign", "-keyfile", f("ca.key"), "-in",
                f("ca.csr"), "-startdate", start, "-enddate", end, "-extensions", "v3", "-out", f("ca.crt")});
  INFO(o.output());
  REQUIRE(o.exit_code == 0);
}

}  // namespace

TEST_CASE("inspect marks expired and not yet valid certificates") {
  TempDir tmp;
  SelfSigned(tmp, "old", "20200101000000Z", "20210101000000Z");
  SelfSigned(tmp, "future", "20900101000000Z", "20910101000000Z");
  REQUIRE(Certkit({"ca", "create", "--out", tmp.File("now"), "--cn", "Now"}).exit_code == 0);

  struct Case {
    std::string file, validity, mark;
  };
  for (const Case& c : std::vector<Case>{{tmp.File("old/ca.crt"), "expired", "EXPIRED"},
                                         {tmp.File("future/ca.crt"), "not_yet_valid", "NOT YET VALID"},
                                         {tmp.File("now/ca.crt"), "valid", ""}}) {
    auto r = Certkit({"inspect", c.file});
    INFO(Describe(r));
    CHECK(r.exit_code == 0);
    const size_t line = r.out.find("Valid from: ");
    REQUIRE(line != std::string::npos);
    const std::string dates = r.out.substr(line, r.out.find('\n', line) - line);
    if (c.mark.empty()) {
      CHECK(dates.find("EXPIRED") == std::string::npos);
      CHECK(dates.find("NOT YET VALID") == std::string::npos);
    } else {
      CHECK(dates.substr(dates.size() - c.mark.size()) == c.mark);
    }
    r = Certkit({"inspect", c.file, "--json"});
    INFO(Describe(r));
    CHECK(r.exit_code == 0);
    json j = json::parse(r.out, nullptr, /*allow_exceptions=*/false);
    REQUIRE(!j.is_discarded());
    CHECK(j["objects"][0]["validity"] == c.validity);
  }
}

TEST_CASE("keystore export --der writes what keytool -exportcert writes") {
  TempDir tmp;
  const std::vector<std::string> env = {"KS=store-pass-1"};
  const std::string store = tmp.File("k.jks");
  REQUIRE(Certkit({"keystore", "genkeypair", store, "--alias", "n1", "--dname", "CN=n1", "--key-type", "ec:p256",
                   "--storepass", "env:KS"},
                  env)
              .exit_code == 0);
  auto r = Certkit({"keystore", "export", store, "--alias", "n1", "--der", "--out", tmp.File("ck.der"), "--storepass",
                    "env:KS"},
                   env);
  INFO(Describe(r));
  REQUIRE(r.exit_code == 0);
  auto k = Run({"keytool", "-exportcert", "-keystore", store, "-storepass", "store-pass-1", "-alias", "n1", "-file",
                tmp.File("kt.der")});
  INFO(k.output());
  REQUIRE(k.exit_code == 0);
  CHECK(certkit_test::ReadString(tmp.File("ck.der")) == certkit_test::ReadString(tmp.File("kt.der")));
  // To stdout, the same bytes.
  r = Certkit({"keystore", "export", store, "--alias", "n1", "--der", "--storepass", "env:KS"}, env);
  CHECK(r.exit_code == 0);
  CHECK(r.out == certkit_test::ReadString(tmp.File("kt.der")));
  // One certificate only: --der with --chain is a usage error.
  r = Certkit({"keystore", "export", store, "--alias", "n1", "--der", "--chain", "--storepass", "env:KS"}, env);
  CHECK(r.exit_code == 2);
}
