#include "support/oracle.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <ftw.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <fstream>
#include <sstream>
#include <stdexcept>

namespace certkit_test {
namespace {

std::string Slurp(int fd) {
  std::string out;
  char buf[8192];
  lseek(fd, 0, SEEK_SET);
  ssize_t n;
  while ((n = read(fd, buf, sizeof(buf))) > 0) out.append(buf, static_cast<size_t>(n));
  return out;
}

int TempFd() {
  char name[] = "/tmp/certkit-run-XXXXXX";
  int fd = mkstemp(name);
  if (fd < 0) throw std::runtime_error("mkstemp failed");
  unlink(name);
  return fd;
}

}  // namespace

ProcessResult Run(const std::vector<std::string>& argv, const std::string& stdin_data,
                  int timeout_seconds) {
  ProcessResult result;
  if (argv.empty()) return result;
  int in_fd = TempFd();
  if (!stdin_data.empty() &&
      write(in_fd, stdin_data.data(), stdin_data.size()) != static_cast<ssize_t>(stdin_data.size())) {
    close(in_fd);
    return result;
  }
  lseek(in_fd, 0, SEEK_SET);
  int out_fd = TempFd();
  int err_fd = TempFd();
  pid_t pid = fork();
  if (pid == 0) {
    dup2(in_fd, 0);
    dup2(out_fd, 1);
    dup2(err_fd, 2);
    setpgid(0, 0);
    std::vector<char*> args;
    for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    execvp(args[0], args.data());
    _exit(127);
  }
  int status = 0;
  bool killed = false;
  if (pid > 0) {
    const time_t deadline = time(nullptr) + timeout_seconds;
    for (;;) {
      pid_t r = waitpid(pid, &status, WNOHANG);
      if (r == pid) break;
      if (r < 0) break;
      if (time(nullptr) > deadline) {
        kill(-pid, SIGKILL);
        kill(pid, SIGKILL);
        waitpid(pid, &status, 0);
        killed = true;
        break;
      }
      usleep(10000);
    }
  }
  result.out = Slurp(out_fd);
  result.err = Slurp(err_fd);
  close(in_fd);
  close(out_fd);
  close(err_fd);
  if (pid > 0 && !killed && WIFEXITED(status)) result.exit_code = WEXITSTATUS(status);
  if (killed) result.err += "\n[certkit_test::Run: killed after timeout]";
  return result;
}

bool HaveTool(const std::string& name) {
  const char* path = getenv("PATH");
  if (!path) return false;
  std::stringstream ss(path);
  std::string dir;
  while (std::getline(ss, dir, ':')) {
    std::string candidate = dir + "/" + name;
    if (access(candidate.c_str(), X_OK) == 0) return true;
  }
  return false;
}

TempDir::TempDir() {
  const char* base = getenv("TMPDIR");
  std::string tmpl = std::string(base && *base ? base : "/tmp") + "/certkit-test-XXXXXX";
  std::vector<char> buf(tmpl.begin(), tmpl.end());
  buf.push_back('\0');
  if (!mkdtemp(buf.data())) throw std::runtime_error("mkdtemp failed");
  path_ = buf.data();
}

TempDir::~TempDir() {
  if (getenv("CERTKIT_KEEP_TEMP")) return;
  nftw(
      path_.c_str(),
      [](const char* p, const struct stat*, int, struct FTW*) { return remove(p); }, 16,
      FTW_DEPTH | FTW_PHYS);
}

void WriteString(const std::string& path, const std::string& data) {
  std::ofstream f(path, std::ios::binary | std::ios::trunc);
  if (!f) throw std::runtime_error("cannot write " + path);
  f << data;
}

void WriteBytes(const std::string& path, const std::vector<uint8_t>& data) {
  WriteString(path, std::string(data.begin(), data.end()));
}

std::string ReadString(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  if (!f) throw std::runtime_error("cannot read " + path);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

std::vector<uint8_t> ReadBytes(const std::string& path) {
  std::string s = ReadString(path);
  return std::vector<uint8_t>(s.begin(), s.end());
}

int FileMode(const std::string& path) {
  struct stat st;
  if (stat(path.c_str(), &st) != 0) return -1;
  return static_cast<int>(st.st_mode & 07777);
}

std::string SourceDir() { return CERTKIT_SOURCE_DIR; }
std::string BinaryDir() { return CERTKIT_BINARY_DIR; }

int FreeLoopbackPort() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr));
  socklen_t len = sizeof(addr);
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  int port = ntohs(addr.sin_port);
  close(fd);
  return port;
}

}  // namespace certkit_test
