// certkit/file.h: safe file reading and atomic writing.
#ifndef CERTKIT_FILE_H_
#define CERTKIT_FILE_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"

namespace certkit {

// Mode for files that hold private keys or key stores with keys.
inline constexpr unsigned kPrivateFileMode = 0600;
// Mode for certificates and trust stores.
inline constexpr unsigned kPublicFileMode = 0644;

// ReadFile returns the contents of |path|. kNotFound when it does not exist,
// kIo for other errors, kLimitExceeded when larger than |max_size|. The
// message names the path.
absl::StatusOr<std::vector<uint8_t>> ReadFile(const std::string& path,
                                              size_t max_size = 64u << 20);
absl::StatusOr<std::string> ReadTextFile(const std::string& path,
                                         size_t max_size = 64u << 20);

struct WriteOptions {
  unsigned mode = kPublicFileMode;
  // When false, an existing |path| is kAlreadyExists and left untouched.
  bool overwrite = true;
};

// WriteFileAtomic writes |data| to a temp file created with |options.mode| in
// the directory of |path|, syncs it (fdatasync), renames it over |path| and
// fsyncs the directory. On any failure the temp file is removed and |path| is
// unchanged. Guarantee: after a crash at any point |path| holds either its
// old content (or does not exist, if it did not) or the complete new
// content, never an empty or partial file. Within a DirectorySyncBatch on the
// same thread the directory fsync is deferred to the batch's Commit. Within
// a WriteSet scope (lib/util/write_set.h: the cluster operations) neither
// the file nor the directory is synced here: the set's Commit makes all its
// files durable in one pass, and until then the guarantee holds for a killed
// process but not for a crash of the machine.
// The temp file is ".NAME.tmp-XXXXXX", locked (flock) while it is written;
// each call first removes the unlocked ones older than 2 seconds in the same
// directory, which a killed writer left behind (within a WriteSet, once per
// directory). Within a WriteSet a new file (|options.overwrite| false) is
// instead written as an unnamed O_TMPFILE and linked in under |path| when
// complete, where the file system supports it: a killed writer leaves no
// temp file at all.
absl::Status WriteFileAtomic(const std::string& path, absl::Span<const uint8_t> data,
                             const WriteOptions& options = {});
absl::Status WriteFileAtomic(const std::string& path, const std::string& data,
                             const WriteOptions& options = {});

// DirectorySyncBatch groups the directory syncs of the WriteFileAtomic calls
// made on this thread while it is alive: each file is still written to a temp
// file, synced and renamed (so every file is old or new after a crash), but
// the directory holding it is fsynced once, at Commit, instead of once per
// file. A node of `cluster init` writes five files into one folder: six syncs
// instead of ten. Until Commit returns, a crash may lose some renames (those
// files are then still old); after it every rename is durable. Batches nest:
// an inner batch's directories are synced by the outermost one. Not copyable;
// use on one thread.
class DirectorySyncBatch {
 public:
  DirectorySyncBatch();
  // Commits if Commit was not called (errors are then lost).
  ~DirectorySyncBatch();
  DirectorySyncBatch(const DirectorySyncBatch&) = delete;
  DirectorySyncBatch& operator=(const DirectorySyncBatch&) = delete;

  // Commit fsyncs every directory written into since the batch began (for
  // the outermost batch; an inner batch leaves that to it). kIo naming the
  // directory when a sync fails.
  absl::Status Commit();

 private:
  DirectorySyncBatch* outer_;
  std::vector<std::string> directories_;
  bool committed_ = false;
  friend absl::Status WriteFileAtomic(const std::string&, absl::Span<const uint8_t>,
                                      const WriteOptions&);
};

// MakePrivateDirectory creates |path| (and parents) with mode 0700, or
// tightens an existing directory to 0700.
absl::Status MakePrivateDirectory(const std::string& path);
// MakeDirectories creates |path| and parents with mode 0755 where missing.
absl::Status MakeDirectories(const std::string& path);

// FileExists reports whether |path| exists (any type, a dangling symlink
// included). Only for messages and plans: never check-then-write, use
// WriteOptions::overwrite = false instead.
bool FileExists(const std::string& path);
// JoinPath joins two path components with one '/'; |a| empty gives |b|.
std::string JoinPath(absl::string_view a, absl::string_view b);

}  // namespace certkit

#endif  // CERTKIT_FILE_H_
