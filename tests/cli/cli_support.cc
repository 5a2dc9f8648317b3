#include "cli_support.h"

#include <sys/stat.h>

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

}  // namespace certkit_cli_test
