#include "certkit/file.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include <string>

#include "absl/strings/str_cat.h"
#include "certkit/error.h"

namespace certkit {
namespace {

absl::Status ErrnoError(absl::string_view what, const std::string& path, int err) {
  return MakeError(err == ENOENT ? ErrorKind::kNotFound : ErrorKind::kIo,
                   absl::StrCat(what, " '", path, "': ", strerror(err)));
}

std::string DirectoryOf(const std::string& path) {
  size_t slash = path.find_last_of('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

// WriteAll writes |len| bytes to |fd|, retrying on EINTR and short writes.
bool WriteAll(int fd, const uint8_t* data, size_t len) {
  while (len > 0) {
    ssize_t n = write(fd, data, len);
    if (n < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    data += n;
    len -= static_cast<size_t>(n);
  }
  return true;
}

}  // namespace

absl::StatusOr<std::vector<uint8_t>> ReadFile(const std::string& path, size_t max_size) {
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return ErrnoError("cannot open", path, errno);
  struct stat st;
  if (fstat(fd, &st) != 0) {
    int err = errno;
    close(fd);
    return ErrnoError("cannot stat", path, err);
  }
  if (S_ISDIR(st.st_mode)) {
    close(fd);
    return MakeError(ErrorKind::kInvalidArgument, absl::StrCat("'", path, "' is a directory"));
  }
  if (static_cast<uint64_t>(st.st_size) > max_size) {
    close(fd);
    return MakeError(ErrorKind::kLimitExceeded,
                     absl::StrCat("'", path, "' is ", st.st_size, " bytes, more than the limit of ",
                                  max_size));
  }
  std::vector<uint8_t> out;
  out.reserve(static_cast<size_t>(st.st_size));
  uint8_t buf[16384];
  for (;;) {
    ssize_t n = read(fd, buf, sizeof(buf));
    if (n < 0) {
      if (errno == EINTR) continue;
      int err = errno;
      close(fd);
      return ErrnoError("cannot read", path, err);
    }
    if (n == 0) break;
    if (out.size() + static_cast<size_t>(n) > max_size) {
      close(fd);
      return MakeError(ErrorKind::kLimitExceeded,
                       absl::StrCat("'", path, "' is larger than the limit of ", max_size, " bytes"));
    }
    out.insert(out.end(), buf, buf + n);
  }
  close(fd);
  return out;
}

absl::StatusOr<std::string> ReadTextFile(const std::string& path, size_t max_size) {
  absl::StatusOr<std::vector<uint8_t>> bytes = ReadFile(path, max_size);
  if (!bytes.ok()) return bytes.status();
  return std::string(bytes->begin(), bytes->end());
}

absl::Status WriteFileAtomic(const std::string& path, absl::Span<const uint8_t> data,
                             const WriteOptions& options) {
  if (path.empty()) return MakeError(ErrorKind::kInvalidArgument, "empty output path");
  struct stat st;
  if (!options.overwrite && lstat(path.c_str(), &st) == 0) {
    return MakeError(ErrorKind::kAlreadyExists,
                     absl::StrCat("'", path, "' already exists (not overwriting)"));
  }
  std::string dir = DirectoryOf(path);
  std::string base = path.substr(path.find_last_of('/') == std::string::npos
                                     ? 0
                                     : path.find_last_of('/') + 1);
  std::string tmpl = absl::StrCat(dir, "/.", base, ".tmp-XXXXXX");
  std::vector<char> name(tmpl.begin(), tmpl.end());
  name.push_back('\0');
  int fd = mkostemp(name.data(), O_CLOEXEC);
  if (fd < 0) return ErrnoError("cannot create a temporary file next to", path, errno);
  std::string tmp(name.data());
  auto fail = [&](absl::string_view what) {
    int err = errno;
    close(fd);
    unlink(tmp.c_str());
    return ErrnoError(what, path, err);
  };
  if (fchmod(fd, options.mode) != 0) return fail("cannot set permissions for");
  if (!WriteAll(fd, data.data(), data.size())) return fail("cannot write");
  if (fsync(fd) != 0) return fail("cannot sync");
  if (close(fd) != 0) {
    int err = errno;
    unlink(tmp.c_str());
    return ErrnoError("cannot close", path, err);
  }
  if (!options.overwrite) {
    // link() fails if |path| appeared meanwhile, so an existing file is never replaced.
    if (link(tmp.c_str(), path.c_str()) != 0) {
      int err = errno;
      unlink(tmp.c_str());
      if (err == EEXIST) {
        return MakeError(ErrorKind::kAlreadyExists,
                         absl::StrCat("'", path, "' already exists (not overwriting)"));
      }
      return ErrnoError("cannot create", path, err);
    }
    unlink(tmp.c_str());
  } else if (rename(tmp.c_str(), path.c_str()) != 0) {
    int err = errno;
    unlink(tmp.c_str());
    return ErrnoError("cannot replace", path, err);
  }
  int dfd = open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd >= 0) {
    fsync(dfd);
    close(dfd);
  }
  return absl::OkStatus();
}

absl::Status WriteFileAtomic(const std::string& path, const std::string& data,
                             const WriteOptions& options) {
  return WriteFileAtomic(
      path, absl::Span<const uint8_t>(reinterpret_cast<const uint8_t*>(data.data()), data.size()),
      options);
}

absl::Status MakeDirectories(const std::string& path) {
  if (path.empty()) return MakeError(ErrorKind::kInvalidArgument, "empty directory path");
  size_t pos = 0;
  while (pos != std::string::npos) {
    pos = path.find('/', pos + 1);
    std::string prefix = path.substr(0, pos);
    if (prefix.empty()) continue;
    if (mkdir(prefix.c_str(), 0755) != 0 && errno != EEXIST) {
      return ErrnoError("cannot create directory", prefix, errno);
    }
  }
  struct stat st;
  if (stat(path.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) {
    return MakeError(ErrorKind::kIo, absl::StrCat("'", path, "' is not a directory"));
  }
  return absl::OkStatus();
}

absl::Status MakePrivateDirectory(const std::string& path) {
  absl::Status s = MakeDirectories(path);
  if (!s.ok()) return s;
  if (chmod(path.c_str(), 0700) != 0) return ErrnoError("cannot restrict directory", path, errno);
  return absl::OkStatus();
}

bool FileExists(const std::string& path) {
  struct stat st;
  return lstat(path.c_str(), &st) == 0;
}

std::string JoinPath(absl::string_view a, absl::string_view b) {
  if (a.empty()) return std::string(b);
  if (a.back() == '/') return absl::StrCat(a, b);
  return absl::StrCat(a, "/", b);
}

}  // namespace certkit
