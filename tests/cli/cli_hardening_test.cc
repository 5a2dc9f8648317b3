// CLI hardening (issue 13): inspect on an encrypted DER key and on hostile
// PEM input.
#include <catch2/catch.hpp>

#include <string>

#include "cli_support.h"
#include "support/oracle.h"

using certkit_cli_test::Certkit;
using certkit_cli_test::Describe;
using certkit_test::Run;
using certkit_test::TempDir;

TEST_CASE("inspect opens a DER encrypted PKCS#8 key made by openssl with --key-pass") {
  TempDir tmp;
  const std::string pem = tmp.File("k.pem"), der = tmp.File("k.der");
  REQUIRE(Run({"openssl", "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256",
               "-out", pem})
              .exit_code == 0);
  REQUIRE(Run({"openssl", "pkcs8", "-topk8", "-in", pem, "-outform", "DER", "-passout",
               "pass:key-pass-1", "-out", der})
              .exit_code == 0);
  auto r = Certkit({"inspect", der, "--key-pass", "env:KP"}, {"KP=key-pass-1"});
  INFO(Describe(r));
  CHECK(r.exit_code == 0);
  CHECK(r.output().find("P-256") != std::string::npos);
  // Without --key-pass (and no terminal to prompt on) it says a password is needed.
  auto no_pass = Certkit({"inspect", der});
  INFO(Describe(no_pass));
  CHECK(no_pass.exit_code != 0);
  CHECK(no_pass.output().find("--key-pass") != std::string::npos);
  // A wrong one is a wrong password.
  auto wrong = Certkit({"inspect", der, "--key-pass", "env:KP"}, {"KP=nope"});
  CHECK(wrong.exit_code != 0);
  CHECK(wrong.output().find("password") != std::string::npos);
}

TEST_CASE("inspect on more PEM blocks than the limit stops with a clear error") {
  TempDir tmp;
  std::string text;
  const std::string block = "-----BEGIN X-----\nAA==\n-----END X-----\n";
  for (int i = 0; i < 100'001; ++i) text += block;
  certkit_test::WriteString(tmp.File("many.pem"), text);
  auto r = Certkit({"inspect", tmp.File("many.pem")});
  INFO(Describe(r).substr(0, 2000));
  CHECK(r.exit_code != 0);
  CHECK(r.output().find("more than 100000 PEM blocks") != std::string::npos);
  // At the limit it is read (and each unknown block reported).
  text.resize(text.size() - block.size());
  certkit_test::WriteString(tmp.File("limit.pem"), text);
  CHECK(Certkit({"inspect", tmp.File("limit.pem")}).exit_code == 0);
}
