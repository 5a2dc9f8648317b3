// CLI hardening (issue 13): inspect on an encrypted DER key and on hostile
// PEM input.
#include <catch2/catch.hpp>
#include <fcntl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <utility>
#include <vector>

#include <string>

#include "cli_support.h"
#include "support/oracle.h"

using certkit_cli_test::Certkit;
using certkit_cli_test::CertkitBinary;
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
  for (int i = 0; i < 10'001; ++i) text += block;
  certkit_test::WriteString(tmp.File("many.pem"), text);
  auto r = Certkit({"inspect", tmp.File("many.pem")});
  INFO(Describe(r).substr(0, 2000));
  CHECK(r.exit_code != 0);
  CHECK(r.output().find("more than 10000 PEM blocks") != std::string::npos);
  // At the limit it is read (and each unknown block reported).
  text.resize(text.size() - block.size());
  certkit_test::WriteString(tmp.File("limit.pem"), text);
  CHECK(Certkit({"inspect", tmp.File("limit.pem")}).exit_code == 0);
}

namespace {

// PeakRssKb runs |argv| (stdout to /dev/null) and returns its exit status
// and its peak resident memory in KiB (wait4's ru_maxrss).
std::pair<int, long> PeakRssKb(const std::vector<std::string>& argv) {
  std::vector<char*> args;
  for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  pid_t pid = fork();
  if (pid == 0) {
    int null = open("/dev/null", O_WRONLY);
    dup2(null, 1);
    execv(args[0], args.data());
    _exit(127);
  }
  int status = 0;
  struct rusage usage {};
  wait4(pid, &status, 0, &usage);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, usage.ru_maxrss};
}

}  // namespace

TEST_CASE("a bundle at the block limit is inspected and verified within 10 times its size in memory") {
  TempDir tmp;
  const std::string dir = tmp.File("c");
  REQUIRE(Certkit({"cluster", "init", "--nodes", "a", "--out", dir, "--format", "pem", "--quiet"}).exit_code == 0);
  std::string cert = certkit_test::ReadString(dir + "/nodes/a/node.crt");
  cert = cert.substr(0, cert.find("-----END CERTIFICATE-----") + 26);
  std::string bundle;
  for (int i = 0; i < 10'000; ++i) bundle += cert;
  const std::string file = tmp.File("bundle.pem");
  certkit_test::WriteString(file, bundle);
  const long input_kb = static_cast<long>(bundle.size() / 1024);
  // A small constant for the program itself (about 7 MB), plus 10x the input.
  const long bound_kb = 32 * 1024 + 10 * input_kb;
  for (const std::vector<std::string>& argv :
       {std::vector<std::string>{CertkitBinary(), "inspect", file},
        std::vector<std::string>{CertkitBinary(), "inspect", "--json", file},
        std::vector<std::string>{CertkitBinary(), "verify", "--ca", dir + "/ca.crt", "--untrusted", file,
                                 dir + "/nodes/a/node.crt"}}) {
    auto [status, peak_kb] = PeakRssKb(argv);
    INFO(argv[1] << " " << argv[2] << ": exit " << status << ", peak " << peak_kb << " KiB for a " << input_kb
                 << " KiB input");
    CHECK(status == 0);
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
    // Sanitizer runtimes keep shadow memory and freed blocks (quarantine):
    // the bound speaks of the plain build, where it is checked.
    WARN("sanitizer build: peak " << peak_kb << " KiB not checked against " << bound_kb << " KiB");
#else
    CHECK(peak_kb < bound_kb);
#endif
  }
}
