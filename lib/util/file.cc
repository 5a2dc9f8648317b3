#include "certkit/file.h"

#include <errno.h>
#include <dirent.h>
#include <fcntl.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include <algorithm>
#include <ctime>
#include <optional>
#include <string>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "certkit/error.h"
#include "util/write_set.h"

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

// The innermost DirectorySyncBatch of this thread, or null.
thread_local DirectorySyncBatch* current_batch = nullptr;
// The WriteSet WriteFileAtomic writes into on this thread, or null.
thread_local WriteSet* current_write_set = nullptr;

absl::Status SyncDirectory(const std::string& dir) {
  int dfd = open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd < 0) return ErrnoError("cannot open directory", dir, errno);
  if (fsync(dfd) != 0 && errno != EINVAL) {  // EINVAL: a file system without directory sync
    int err = errno;
    close(dfd);
    return ErrnoError("cannot sync directory", dir, err);
  }
  close(dfd);
  return absl::OkStatus();
}

// A temporary file younger than this is never swept: its writer may be
// between creating it and locking it.
constexpr time_t kStaleTempSeconds = 2;

// SweepStaleTemps removes the ".NAME.tmp-XXXXXX" files of |dir| that no live
// writer holds: a writer keeps an exclusive flock on its temporary file
// until it is renamed, and the kernel drops the lock when the writer dies
// (a killed command). Best effort: errors are ignored.
void SweepStaleTemps(const std::string& dir) {
  DIR* d = opendir(dir.c_str());
  if (d == nullptr) return;
  const time_t now = time(nullptr);
  while (const dirent* e = readdir(d)) {
    const absl::string_view name(e->d_name);
    if (!absl::StartsWith(name, ".") || !absl::StrContains(name, ".tmp-")) continue;
    const std::string path = absl::StrCat(dir, "/", name);
    const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
    if (fd < 0) continue;
    struct stat st;
    if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && now - st.st_mtime >= kStaleTempSeconds &&
        flock(fd, LOCK_EX | LOCK_NB) == 0) {
      unlink(path.c_str());
    }
    close(fd);
  }
  closedir(d);
}

}  // namespace

DirectorySyncBatch::DirectorySyncBatch() : outer_(current_batch) { current_batch = this; }

DirectorySyncBatch::~DirectorySyncBatch() {
  if (!committed_) Commit().IgnoreError();
}

absl::Status DirectorySyncBatch::Commit() {
  if (committed_) return absl::OkStatus();
  committed_ = true;
  // Unlink from the thread's chain (batches end in reverse order of start).
  if (current_batch == this) current_batch = outer_;
  if (outer_ != nullptr) {
    for (std::string& d : directories_) {
      if (std::find(outer_->directories_.begin(), outer_->directories_.end(), d) ==
          outer_->directories_.end()) {
        outer_->directories_.push_back(std::move(d));
      }
    }
    return absl::OkStatus();
  }
  absl::Status first;
  for (const std::string& d : directories_) {
    absl::Status s = SyncDirectory(d);
    if (first.ok()) first = s;
  }
  return first;
}

WriteSet::WriteSet(const std::string& root, Strategy strategy) : root_(root), strategy_(strategy) {
  struct stat st;
  // Opened before anything is written: syncfs reports the write-back errors
  // of its file system since this open.
  const int fd = open(root.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd >= 0 && fstat(fd, &st) == 0) {
    filesystems_.push_back({st.st_dev, fd, root});
  } else if (fd >= 0) {
    close(fd);
  }
}

WriteSet::~WriteSet() {
  for (const FileSystem& f : filesystems_) {
    if (f.fd >= 0) close(f.fd);
  }
}

size_t WriteSet::size() const {
  std::lock_guard<std::mutex> lock(mu_);
  return files_.size();
}

WriteSet::Scope::Scope(WriteSet* set) : previous_(current_write_set) { current_write_set = set; }
WriteSet::Scope::~Scope() { current_write_set = previous_; }
WriteSet* WriteSet::Current() { return current_write_set; }

void WriteSet::Record(const std::string& path, const std::string& dir, dev_t dev) {
  std::lock_guard<std::mutex> lock(mu_);
  files_.push_back(path);
  if (dir_seen_.insert(dir).second) dirs_.push_back(dir);
  for (const FileSystem& f : filesystems_) {
    if (f.dev == dev) return;
  }
  // A file system not seen yet (a mount point under the root) is synced
  // too; one that cannot be opened (fd -1) makes Commit sync each file.
  filesystems_.push_back({dev, open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC), dir});
}

bool WriteSet::FirstVisit(const std::string& dir) {
  std::lock_guard<std::mutex> lock(mu_);
  return visited_.insert(dir).second;
}

absl::Status WriteSet::SyncEachFile(const std::vector<std::string>& files,
                                    const std::vector<std::string>& dirs) {
  for (const std::string& f : files) {
    const int fd = open(f.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0) return ErrnoError("cannot open for syncing", f, errno);
    if (fdatasync(fd) != 0) {
      const int err = errno;
      close(fd);
      return ErrnoError("cannot sync", f, err);
    }
    close(fd);
  }
  for (const std::string& d : dirs) {
    absl::Status s = SyncDirectory(d);
    if (!s.ok()) return s;
  }
  return absl::OkStatus();
}

absl::Status WriteSet::Commit() {
  std::vector<std::string> files, dirs;
  std::vector<FileSystem> filesystems;
  {
    std::lock_guard<std::mutex> lock(mu_);
    files.swap(files_);
    dirs.swap(dirs_);
    dir_seen_.clear();
    filesystems = filesystems_;
  }
  if (files.empty()) return absl::OkStatus();
#ifdef __linux__
  bool each_file = strategy_ == Strategy::kEachFile || filesystems.empty();
  for (const FileSystem& f : filesystems) each_file = each_file || f.fd < 0;
  if (!each_file) {
    for (const FileSystem& f : filesystems) {
      if (syncfs(f.fd) == 0) continue;
      const int err = errno;
      // Name the file when a sync of each one can tell which; otherwise the
      // folder and what was written under it.
      absl::Status each = SyncEachFile(files, dirs);
      if (!each.ok()) return each;
      return MakeError(ErrorKind::kIo,
                       absl::StrCat("cannot sync the file system of '", f.where, "' (", files.size(),
                                    " files written under '", root_, "'): ", strerror(err)));
    }
    return absl::OkStatus();
  }
#endif
  return SyncEachFile(files, dirs);
}

absl::Status WriteDurably(const std::string& root, const std::function<absl::Status()>& write) {
  WriteSet set(root);
  absl::Status s;
  {
    WriteSet::Scope scope(&set);
    s = write();
  }
  if (!s.ok()) return s;
  return set.Commit();
}

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

namespace {

// FillFile gives the new file |fd| its |mode| and |data|; inside a WriteSet
// it stats it (|written|, for the set's Record), alone it syncs the data.
// Returns null, or what failed (errno tells why).
const char* FillFile(int fd, absl::Span<const uint8_t> data, unsigned mode, WriteSet* set,
                     struct stat* written) {
  if (fchmod(fd, mode) != 0) return "cannot set permissions for";
  if (!WriteAll(fd, data.data(), data.size())) return "cannot write";
  if (set != nullptr && fstat(fd, written) != 0) return "cannot stat";
  if (set == nullptr && fdatasync(fd) != 0) return "cannot sync";
  return nullptr;
}

#ifdef O_TMPFILE
// PublishUnnamed writes a new file |path| that must not exist yet through an
// unnamed O_TMPFILE in |dir|, linked in under its name only once complete: a
// killed writer leaves nothing behind (no temporary name to sweep), and no
// lock or unlink is needed. Returns nullopt when |dir|'s file system or the
// kernel has no O_TMPFILE, or /proc is not mounted: the caller then uses a
// named temporary file.
std::optional<absl::Status> PublishUnnamed(const std::string& path, const std::string& dir,
                                           absl::Span<const uint8_t> data,
                                           const WriteOptions& options, WriteSet* set) {
  const int fd = open(dir.c_str(), O_TMPFILE | O_WRONLY | O_CLOEXEC, options.mode & 0777);
  if (fd < 0) {
    if (errno == EOPNOTSUPP || errno == EISDIR || errno == EINVAL) return std::nullopt;
    return ErrnoError("cannot create a temporary file next to", path, errno);
  }
  auto fail = [&](absl::string_view what) {
    const int err = errno;
    close(fd);
    return ErrnoError(what, path, err);
  };
  struct stat written;
  if (const char* what = FillFile(fd, data, options.mode, set, &written)) return fail(what);
  // linkat fails with EEXIST if |path| appeared meanwhile: no clobbering.
  const std::string self = absl::StrCat("/proc/self/fd/", fd);
  if (linkat(AT_FDCWD, self.c_str(), AT_FDCWD, path.c_str(), AT_SYMLINK_FOLLOW) != 0) {
    if (errno == EEXIST) {
      close(fd);
      return MakeError(ErrorKind::kAlreadyExists,
                       absl::StrCat("'", path, "' already exists (not overwriting)"));
    }
    if (errno == ENOENT && access("/proc/self/fd", F_OK) != 0) {
      close(fd);
      return std::nullopt;  // no /proc
    }
    return fail("cannot create");
  }
  close(fd);
  if (set != nullptr) set->Record(path, dir, written.st_dev);
  return absl::OkStatus();
}
#endif

}  // namespace

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
  // Inside a WriteSet the data is synced with the set's other files, at its
  // Commit (util/write_set.h); alone, before the file gets its name.
  WriteSet* const set = WriteSet::Current();
  // A folder is swept of dead writers' temporary files once per set.
  if (set == nullptr || set->FirstVisit(dir)) SweepStaleTemps(dir);
#ifdef O_TMPFILE
  // Within a set a new file goes in unnamed; the directory is synced with
  // the set. (Alone or replacing a file: the named temporary file below.)
  if (set != nullptr && !options.overwrite) {
    if (auto published = PublishUnnamed(path, dir, data, options, set)) return *published;
  }
#endif
  std::string tmpl = absl::StrCat(dir, "/.", base, ".tmp-XXXXXX");
  std::vector<char> name(tmpl.begin(), tmpl.end());
  name.push_back('\0');
  int fd = mkostemp(name.data(), O_CLOEXEC);
  if (fd < 0) return ErrnoError("cannot create a temporary file next to", path, errno);
  // Held until the file is closed: marks it as in use for SweepStaleTemps.
  flock(fd, LOCK_EX);
  std::string tmp(name.data());
  auto fail = [&](absl::string_view what) {
    int err = errno;
    close(fd);
    unlink(tmp.c_str());
    return ErrnoError(what, path, err);
  };
  struct stat written;
  if (const char* what = FillFile(fd, data, options.mode, set, &written)) return fail(what);
  // The file is published while |fd| (and so its lock) is still open.
  if (!options.overwrite) {
    // link() fails if |path| appeared meanwhile, so an existing file is never replaced.
    if (link(tmp.c_str(), path.c_str()) != 0) {
      if (errno == EEXIST) {
        close(fd);
        unlink(tmp.c_str());
        return MakeError(ErrorKind::kAlreadyExists,
                         absl::StrCat("'", path, "' already exists (not overwriting)"));
      }
      return fail("cannot create");
    }
    unlink(tmp.c_str());
  } else if (rename(tmp.c_str(), path.c_str()) != 0) {
    return fail("cannot replace");
  }
  close(fd);  // the data is already synced (or the set will); nothing left to report
  if (set != nullptr) {
    set->Record(path, dir, written.st_dev);
    return absl::OkStatus();
  }
  if (current_batch != nullptr) {
    std::vector<std::string>& dirs = current_batch->directories_;
    if (std::find(dirs.begin(), dirs.end(), dir) == dirs.end()) dirs.push_back(dir);
    return absl::OkStatus();
  }
  // The file is complete either way; a directory that cannot be synced only
  // means the rename may not survive a crash (the old file then remains).
  SyncDirectory(dir).IgnoreError();
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
  // Most calls make one new folder whose parent exists: one mkdir.
  if (mkdir(path.c_str(), 0755) == 0) return absl::OkStatus();
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
