// tests/support/oracle.h: running the real peers (openssl, keytool, java,
// postgres, the certkit CLI) from tests, and scratch directories.
#ifndef CERTKIT_TESTS_SUPPORT_ORACLE_H_
#define CERTKIT_TESTS_SUPPORT_ORACLE_H_

#include <cstdint>
#include <string>
#include <vector>

namespace certkit_test {

struct ProcessResult {
  int exit_code = -1;  // -1 when the program could not be started or was killed
  std::string out;
  std::string err;
  std::string output() const { return out + err; }
};

// Run executes |argv| (argv[0] looked up in PATH) with |stdin_data| on its
// standard input, waits for it (killing it after |timeout_seconds|) and
// captures stdout and stderr.
ProcessResult Run(const std::vector<std::string>& argv, const std::string& stdin_data = "",
                  int timeout_seconds = 120);

// HaveTool reports whether |name| is an executable in PATH.
bool HaveTool(const std::string& name);

// TempDir creates a fresh directory under $TMPDIR and removes it (recursively)
// when destroyed, unless CERTKIT_KEEP_TEMP is set in the environment.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }
  // File returns path()/name.
  std::string File(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

void WriteString(const std::string& path, const std::string& data);
void WriteBytes(const std::string& path, const std::vector<uint8_t>& data);
std::string ReadString(const std::string& path);
std::vector<uint8_t> ReadBytes(const std::string& path);
// FileMode returns the permission bits of |path| (e.g. 0600), or -1.
int FileMode(const std::string& path);

// SourceDir is the repository root (CERTKIT_SOURCE_DIR at build time).
std::string SourceDir();
// BinaryDir is the build tree root (CERTKIT_BINARY_DIR at build time).
std::string BinaryDir();

// FreeLoopbackPort returns a TCP port on 127.0.0.1 that was free just now.
int FreeLoopbackPort();

}  // namespace certkit_test

#endif  // CERTKIT_TESTS_SUPPORT_ORACLE_H_
