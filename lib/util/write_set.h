// util/write_set.h (internal): the files of one operation made durable
// together, in one sync pass, before its commit record is written.
//
// A cluster operation (cluster init, add, renew, each rotate-ca stage)
// writes hundreds or thousands of files and then its manifest, the commit
// record. Syncing every file on its own (fdatasync + directory fsync) costs
// most of the run; a WriteSet instead lets WriteFileAtomic write each file
// to a temp file and rename it into place WITHOUT syncing, records it, and
// Commit makes them all durable at once. The manifest is written (atomically
// and synced, as always) only after Commit succeeded.
//
// What holds: every file is still complete under its final name for every
// reader (temp + rename; a killed process never leaves a partial file under
// a final name), modes and no-clobber are unchanged. What a crash of the
// machine (power loss) before Commit returns may leave: some of the set's
// files empty or partial under their final names. That is why the manifest
// comes after Commit: a file the manifest does not vouch for (no record, or
// another fingerprint) is never trusted; re-running the operation replaces
// it (see docs/CLI.md, "Durable writes").
#ifndef CERTKIT_LIB_UTIL_WRITE_SET_H_
#define CERTKIT_LIB_UTIL_WRITE_SET_H_

#include <sys/types.h>

#include <cstddef>
#include <functional>
#include <mutex>
#include <string>
#include <unordered_set>
#include <vector>

#include "absl/status/status.h"

namespace certkit {

class WriteSet {
 public:
  // How Commit makes the files durable.
  enum class Strategy {
    // syncfs(2) once per file system the files are on (Linux; elsewhere
    // kEachFile). The file system of |root| is opened at construction, so
    // write-back errors from then on are reported (Linux 5.8 and later).
    kFileSystem,
    // fdatasync each file, then fsync each distinct directory once.
    kEachFile,
  };

  // |root| is the folder the operation writes under (it must exist).
  explicit WriteSet(const std::string& root, Strategy strategy = Strategy::kFileSystem);
  // Without Commit nothing is synced: the files stay (complete for readers),
  // but may not survive a crash of the machine.
  ~WriteSet();
  WriteSet(const WriteSet&) = delete;
  WriteSet& operator=(const WriteSet&) = delete;

  // Commit makes every file recorded so far, and its directory entry,
  // durable in one pass. kIo naming the file, or the folder and the number
  // of files when only the file system sync can tell, and the cause. The
  // set is empty afterwards, also on failure.
  absl::Status Commit();

  // The number of files recorded and not yet committed.
  size_t size() const;

  // Scope: while alive, WriteFileAtomic on this thread writes into |set|
  // (null: every write is synced on its own again). Scopes nest; a worker
  // thread writing for an operation opens its own Scope on the same set.
  class Scope {
   public:
    explicit Scope(WriteSet* set);
    ~Scope();
    Scope(const Scope&) = delete;
    Scope& operator=(const Scope&) = delete;

   private:
    WriteSet* previous_;
  };
  // The set WriteFileAtomic writes into on this thread, or null.
  static WriteSet* Current();

  // Record adds a file that was renamed into place unsynced; |dev| is the
  // file system it is on. Thread-safe. Called by WriteFileAtomic.
  void Record(const std::string& path, const std::string& dir, dev_t dev);

  // FirstVisit reports whether |dir| is asked about for the first time in
  // this set (WriteFileAtomic sweeps a folder's stale temporary files once
  // per operation, not once per file). Thread-safe.
  bool FirstVisit(const std::string& dir);

 private:
  struct FileSystem {
    dev_t dev;
    int fd;              // a directory on it, opened when first seen (-1: could not)
    std::string where;   // that directory, for messages
  };
  absl::Status SyncEachFile(const std::vector<std::string>& files,
                            const std::vector<std::string>& dirs);

  const std::string root_;
  const Strategy strategy_;
  mutable std::mutex mu_;
  std::vector<std::string> files_;
  std::vector<std::string> dirs_;       // distinct, in first-write order
  std::unordered_set<std::string> dir_seen_;
  std::unordered_set<std::string> visited_;  // FirstVisit's
  std::vector<FileSystem> filesystems_;  // the root's first
};

// WriteDurably runs |write| with a WriteSet over |root| as this thread's
// Scope and, when |write| succeeded, commits it: on OK every file |write|
// wrote is durable, and the caller may write its commit record. Work that
// |write| hands to other threads must open a Scope on WriteSet::Current()
// (taken on this thread) there.
absl::Status WriteDurably(const std::string& root, const std::function<absl::Status()>& write);

}  // namespace certkit

#endif  // CERTKIT_LIB_UTIL_WRITE_SET_H_
