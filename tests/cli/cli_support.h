// tests/cli/cli_support.h: running the certkit binary from tests.
#ifndef CERTKIT_TESTS_CLI_CLI_SUPPORT_H_
#define CERTKIT_TESTS_CLI_CLI_SUPPORT_H_

#include <string>
#include <vector>

#include "support/oracle.h"

namespace certkit_cli_test {

// CertkitBinary is the path of the certkit binary under test.
std::string CertkitBinary();

// Certkit runs the binary with |args| (and optional "VAR=value" environment
// entries) and returns its result. stdin is empty (not a terminal).
certkit_test::ProcessResult Certkit(const std::vector<std::string>& args,
                                    const std::vector<std::string>& env = {},
                                    const std::string& stdin_data = "");

// Describe formats a result for failure messages.
std::string Describe(const certkit_test::ProcessResult& r);

// Exists reports whether |path| exists.
bool Exists(const std::string& path);

// CertSerial returns `openssl x509 -serial` of |path| as lower-case hex.
std::string CertSerial(const std::string& path);

// KeytoolEntryTypes returns the entry types keytool -list reports, sorted
// ("PrivateKeyEntry", "trustedCertEntry").
std::vector<std::string> KeytoolEntryTypes(const std::string& store, const std::string& password,
                                           const std::string& storetype = "");

// PtyStep is one exchange on a pseudo-terminal: wait until |expect| has
// appeared in the output, then type |send|.
struct PtyStep {
  std::string expect;
  std::string send;
};

// CertkitOnPty runs the binary with |args| on a new pseudo-terminal (its
// controlling terminal, so /dev/tty is the pty), answers |steps| in order,
// each only after its prompt is on screen, and returns everything the
// terminal showed in |out| (stdout and stderr together, as a user sees them).
// A prompt that does not appear within |timeout_seconds| kills the program
// and leaves exit_code -1.
certkit_test::ProcessResult CertkitOnPty(const std::vector<std::string>& args,
                                         const std::vector<PtyStep>& steps = {},
                                         int timeout_seconds = 60);

}  // namespace certkit_cli_test

#endif  // CERTKIT_TESTS_CLI_CLI_SUPPORT_H_
