#include "cli_support.h"

#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cerrno>

#include <algorithm>
#include <cctype>
#include <sstream>

namespace certkit_cli_test {

std::string CertkitBinary() { return CERTKIT_CLI_BINARY; }

certkit_test::ProcessResult Certkit(const std::vector<std::string>& args,
                                    const std::vector<std::string>& env,
                                    const std::string& stdin_data) {
  std::vector<std::string> argv = {"env"};
  argv.insert(argv.end(), env.begin(), env.end());
  argv.push_back(CertkitBinary());
  argv.insert(argv.end(), args.begin(), args.end());
  return certkit_test::Run(argv, stdin_data);
}

std::string Describe(const certkit_test::ProcessResult& r) {
  std::ostringstream out;
  out << "exit " << r.exit_code << "\nstdout:\n" << r.out << "\nstderr:\n" << r.err;
  return out.str();
}

bool Exists(const std::string& path) {
  struct stat st;
  return stat(path.c_str(), &st) == 0;
}

std::string CertSerial(const std::string& path) {
  auto r = certkit_test::Run({"openssl", "x509", "-in", path, "-noout", "-serial"});
  std::string s = r.out;
  auto eq = s.find('=');
  if (eq == std::string::npos) return "";
  s = s.substr(eq + 1);
  s.erase(std::remove_if(s.begin(), s.end(), [](unsigned char c) { return std::isspace(c); }), s.end());
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  s.erase(0, std::min(s.find_first_not_of('0'), s.size() - 1));
  return s;
}

std::vector<std::string> KeytoolEntryTypes(const std::string& store, const std::string& password,
                                           const std::string& storetype) {
  std::vector<std::string> argv = {"keytool", "-list", "-keystore", store, "-storepass", password};
  if (!storetype.empty()) {
    argv.push_back("-storetype");
    argv.push_back(storetype);
  }
  auto r = certkit_test::Run(argv);
  std::vector<std::string> types;
  std::istringstream lines(r.out);
  std::string line;
  while (std::getline(lines, line)) {
    if (line.find("PrivateKeyEntry") != std::string::npos) types.push_back("PrivateKeyEntry");
    if (line.find("trustedCertEntry") != std::string::npos) types.push_back("trustedCertEntry");
  }
  std::sort(types.begin(), types.end());
  return types;
}

certkit_test::ProcessResult CertkitOnPty(const std::vector<std::string>& args,
                                         const std::vector<PtyStep>& steps, int timeout_seconds) {
  certkit_test::ProcessResult result;
  std::vector<std::string> argv_s = {CertkitBinary()};
  argv_s.insert(argv_s.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& a : argv_s) argv.push_back(a.data());
  argv.push_back(nullptr);

  int master = -1;
  pid_t pid = forkpty(&master, nullptr, nullptr, nullptr);
  if (pid < 0) return result;
  if (pid == 0) {
    execv(argv[0], argv.data());
    _exit(127);
  }
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(timeout_seconds);
  size_t step = 0, searched_from = 0;
  bool timed_out = false;
  for (;;) {
    // Answer every prompt already on screen, in order.
    while (step < steps.size()) {
      size_t at = result.out.find(steps[step].expect, searched_from);
      if (at == std::string::npos) break;
      searched_from = at + steps[step].expect.size();
      (void)!write(master, steps[step].send.data(), steps[step].send.size());
      ++step;
    }
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      timed_out = true;
      break;
    }
    struct pollfd pfd = {master, POLLIN, 0};
    int n = poll(&pfd, 1, static_cast<int>(left.count()));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) continue;
    char buf[4096];
    ssize_t got = read(master, buf, sizeof buf);
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) break;  // EIO: the child closed its side of the terminal
    result.out.append(buf, static_cast<size_t>(got));
  }
  if (timed_out) kill(pid, SIGKILL);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  close(master);
  if (!timed_out && WIFEXITED(status)) result.exit_code = WEXITSTATUS(status);
  return result;
}

}  // namespace certkit_cli_test
