#include "password.h"

#include <fcntl.h>
#include <termios.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "certkit/error.h"
#include "certkit/file.h"

namespace certkit_cli {
namespace {

using certkit::ErrorKind;
using certkit::MakeError;

// ReadLineNoEcho prints |prompt| on the terminal and reads one line from it
// with echo switched off.
absl::StatusOr<std::string> ReadLineNoEcho(const std::string& prompt) {
  int fd = open("/dev/tty", O_RDWR | O_CLOEXEC);
  if (fd < 0) {
    return MakeError(ErrorKind::kInvalidArgument,
                     "no terminal to prompt on; give the password with pass:, env: or file:");
  }
  struct termios old_tio;
  bool have_tio = tcgetattr(fd, &old_tio) == 0;
  if (have_tio) {
    struct termios tio = old_tio;
    tio.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    tcsetattr(fd, TCSANOW, &tio);
  }
  (void)!write(fd, prompt.data(), prompt.size());
  std::string line;
  char c;
  while (read(fd, &c, 1) == 1 && c != '\n') line.push_back(c);
  if (have_tio) tcsetattr(fd, TCSANOW, &old_tio);
  (void)!write(fd, "\n", 1);
  close(fd);
  if (!line.empty() && line.back() == '\r') line.pop_back();
  return line;
}

absl::StatusOr<Password> Prompt(const PasswordRequest& request) {
  auto first = ReadLineNoEcho(absl::StrCat("Enter ", request.what, ": "));
  if (!first.ok()) return first.status();
  if (request.confirm) {
    auto second = ReadLineNoEcho(absl::StrCat("Re-enter ", request.what, ": "));
    if (!second.ok()) return second.status();
    if (*first != *second) {
      return MakeError(ErrorKind::kBadPassword,
                       absl::StrCat("the two ", request.what, " entries differ"));
    }
  }
  return Password{*first, "prompt"};
}

}  // namespace

absl::Status ValidatePasswordSpec(absl::string_view spec) {
  if (spec.empty() || spec == "prompt" || absl::StartsWith(spec, "pass:") ||
      absl::StartsWith(spec, "env:") || absl::StartsWith(spec, "file:")) {
    return absl::OkStatus();
  }
  // Never echo the spec back: it may be a password typed without "pass:".
  return MakeError(ErrorKind::kInvalidArgument,
                   "invalid password source: use pass:PASSWORD, env:VAR, file:PATH or prompt");
}

absl::StatusOr<Password> ResolvePassword(const PasswordRequest& request) {
  const std::string& spec = request.spec;
  absl::Status valid = ValidatePasswordSpec(spec);
  if (!valid.ok()) return certkit::Annotate(valid, request.what);
  if (absl::StartsWith(spec, "pass:")) return Password{spec.substr(5), "pass"};
  if (absl::StartsWith(spec, "env:")) {
    std::string var = spec.substr(4);
    const char* value = var.empty() ? nullptr : std::getenv(var.c_str());
    if (value == nullptr) {
      return MakeError(ErrorKind::kNotFound, absl::StrCat(request.what, ": environment variable '",
                                                          var, "' is not set"));
    }
    return Password{value, spec};
  }
  if (absl::StartsWith(spec, "file:")) {
    std::string path = spec.substr(5);
    auto text = certkit::ReadTextFile(path, 1 << 20);
    if (!text.ok()) return certkit::Annotate(text.status(), request.what);
    std::string value = text->substr(0, text->find('\n'));
    if (!value.empty() && value.back() == '\r') value.pop_back();
    return Password{value, spec};
  }
  if (spec == "prompt") return Prompt(request);
  // No source given.
  if (request.allow_insecure_default) return Password{kInsecureDefaultPassword, "insecure-default"};
  if (!request.required) return Password{"", "none"};
  if (isatty(STDIN_FILENO)) return Prompt(request);
  return MakeError(ErrorKind::kBadPassword,
                   absl::StrCat("no ", request.what,
                                " given: pass ", request.flag, " pass:X|env:VAR|file:PATH (or run on a "
                                "terminal to be prompted, or --insecure-default-password)"));
}

absl::StatusOr<std::string> ResolveArgPassword(const std::string& spec, const char* what,
                                               const char* flag) {
  PasswordRequest req;
  req.spec = spec;
  req.what = what;
  req.flag = flag;
  auto p = ResolvePassword(req);
  if (!p.ok()) return p.status();
  return p->value;
}

}  // namespace certkit_cli
