#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <ctime>
#include <thread>

#include <catch2/catch.hpp>

#include "certkit/error.h"
#include "certkit/file.h"
#include "support/oracle.h"
#include "util/write_set.h"

using certkit::ErrorKind;
using certkit::GetErrorKind;

TEST_CASE("WriteFileAtomic creates the file with the requested mode", "[file]") {
  certkit_test::TempDir dir;
  const std::string path = dir.File("node.key");
  REQUIRE(certkit::WriteFileAtomic(path, std::string("secret"), {certkit::kPrivateFileMode}).ok());
  CHECK(certkit_test::ReadString(path) == "secret");
  CHECK(certkit_test::FileMode(path) == 0600);

  const std::string pub = dir.File("node.crt");
  REQUIRE(certkit::WriteFileAtomic(pub, std::string("cert"), {certkit::kPublicFileMode}).ok());
  CHECK(certkit_test::FileMode(pub) == 0644);
}

TEST_CASE("WriteFileAtomic leaves no temp file behind and replaces atomically", "[file]") {
  certkit_test::TempDir dir;
  const std::string path = dir.File("store.jks");
  REQUIRE(certkit::WriteFileAtomic(path, std::string("one")).ok());
  REQUIRE(certkit::WriteFileAtomic(path, std::string("two")).ok());
  CHECK(certkit_test::ReadString(path) == "two");
  certkit_test::ProcessResult ls = certkit_test::Run({"ls", "-A", dir.path()});
  CHECK(ls.out == "store.jks\n");
}

TEST_CASE("WriteFileAtomic refuses to overwrite when asked not to", "[file]") {
  certkit_test::TempDir dir;
  const std::string path = dir.File("ca.key");
  certkit_test::WriteString(path, "original");
  certkit::WriteOptions options;
  options.overwrite = false;
  absl::Status s = certkit::WriteFileAtomic(path, std::string("new"), options);
  CHECK(GetErrorKind(s) == ErrorKind::kAlreadyExists);
  CHECK(std::string(s.message()).find(path) != std::string::npos);
  CHECK(certkit_test::ReadString(path) == "original");
  certkit_test::ProcessResult ls = certkit_test::Run({"ls", "-A", dir.path()});
  CHECK(ls.out == "ca.key\n");
}

TEST_CASE("WriteFileAtomic into a missing directory fails and names the path", "[file]") {
  certkit_test::TempDir dir;
  const std::string path = dir.File("missing/x.pem");
  absl::Status s = certkit::WriteFileAtomic(path, std::string("x"));
  CHECK(GetErrorKind(s) == ErrorKind::kNotFound);
  CHECK(std::string(s.message()).find("x.pem") != std::string::npos);
}

TEST_CASE("WriteFileAtomic keeps the original when the target is a directory", "[file]") {
  certkit_test::TempDir dir;
  const std::string path = dir.File("sub");
  REQUIRE(mkdir(path.c_str(), 0755) == 0);
  certkit_test::WriteString(path + "/keep", "data");
  absl::Status s = certkit::WriteFileAtomic(path, std::string("x"));
  CHECK_FALSE(s.ok());
  CHECK(certkit_test::ReadString(path + "/keep") == "data");
  certkit_test::ProcessResult ls = certkit_test::Run({"ls", "-A", dir.path()});
  CHECK(ls.out == "sub\n");
}

TEST_CASE("ReadFile reports missing files, directories and the size limit", "[file]") {
  certkit_test::TempDir dir;
  CHECK(GetErrorKind(certkit::ReadFile(dir.File("nope")).status()) == ErrorKind::kNotFound);
  CHECK(GetErrorKind(certkit::ReadFile(dir.path()).status()) == ErrorKind::kInvalidArgument);
  certkit_test::WriteString(dir.File("big"), std::string(100, 'a'));
  CHECK(GetErrorKind(certkit::ReadFile(dir.File("big"), 99).status()) == ErrorKind::kLimitExceeded);
  absl::StatusOr<std::vector<uint8_t>> ok = certkit::ReadFile(dir.File("big"), 100);
  REQUIRE(ok.ok());
  CHECK(ok->size() == 100);
}

TEST_CASE("MakePrivateDirectory creates parents and restricts to 0700", "[file]") {
  certkit_test::TempDir dir;
  const std::string path = dir.File("a/b/ca-private");
  REQUIRE(certkit::MakePrivateDirectory(path).ok());
  CHECK(certkit_test::FileMode(path) == 0700);
  REQUIRE(chmod(path.c_str(), 0755) == 0);
  REQUIRE(certkit::MakePrivateDirectory(path).ok());
  CHECK(certkit_test::FileMode(path) == 0700);
}

TEST_CASE("DirectorySyncBatch writes every file completely and nests", "[file]") {
  certkit_test::TempDir dir;
  REQUIRE(certkit::MakeDirectories(dir.File("a")).ok());
  REQUIRE(certkit::MakeDirectories(dir.File("b")).ok());
  {
    certkit::DirectorySyncBatch outer;
    REQUIRE(certkit::WriteFileAtomic(dir.File("a/one"), std::string("1")).ok());
    {
      certkit::DirectorySyncBatch inner;
      REQUIRE(certkit::WriteFileAtomic(dir.File("b/two"), std::string("2"),
                                       {certkit::kPrivateFileMode}).ok());
      REQUIRE(certkit::WriteFileAtomic(dir.File("b/two"), std::string("22"),
                                       {certkit::kPrivateFileMode}).ok());
      CHECK(inner.Commit().ok());
    }
    // Renames are visible before the batch commits; only durability waits.
    CHECK(certkit_test::ReadString(dir.File("a/one")) == "1");
    CHECK(certkit_test::ReadString(dir.File("b/two")) == "22");
    CHECK(outer.Commit().ok());
    CHECK(outer.Commit().ok());  // idempotent
  }
  CHECK(certkit_test::FileMode(dir.File("b/two")) == 0600);
  certkit_test::ProcessResult ls = certkit_test::Run({"ls", "-A", dir.File("b")});
  CHECK(ls.out == "two\n");
  // A refused write inside a batch leaves the original and no temp file.
  certkit::DirectorySyncBatch batch;
  absl::Status s = certkit::WriteFileAtomic(dir.File("b/two"), std::string("x"), {0644, false});
  CHECK(GetErrorKind(s) == ErrorKind::kAlreadyExists);
  CHECK(batch.Commit().ok());
  CHECK(certkit_test::ReadString(dir.File("b/two")) == "22");
}

TEST_CASE("WriteSet: files are complete when written and durable at Commit", "[file]") {
  using certkit::WriteSet;
  for (WriteSet::Strategy strategy : {WriteSet::Strategy::kFileSystem, WriteSet::Strategy::kEachFile}) {
    certkit_test::TempDir dir;
    REQUIRE(certkit::MakeDirectories(dir.File("a")).ok());
    REQUIRE(certkit::MakeDirectories(dir.File("b")).ok());
    certkit_test::WriteString(dir.File("b/kept"), "original");
    WriteSet set(dir.path(), strategy);
    CHECK(WriteSet::Current() == nullptr);
    {
      WriteSet::Scope scope(&set);
      CHECK(WriteSet::Current() == &set);
      REQUIRE(certkit::WriteFileAtomic(dir.File("a/one.key"), std::string("1"),
                                       {certkit::kPrivateFileMode}).ok());
      // A worker thread writes into the same set through its own scope.
      std::thread worker([&] {
        CHECK(WriteSet::Current() == nullptr);
        WriteSet::Scope worker_scope(&set);
        CHECK(certkit::WriteFileAtomic(dir.File("b/two"), std::string("2")).ok());
      });
      worker.join();
      {
        WriteSet::Scope none(nullptr);  // a write synced on its own
        REQUIRE(certkit::WriteFileAtomic(dir.File("alone"), std::string("x")).ok());
      }
      // No-clobber is unchanged: refused, the original and no temp file left.
      absl::Status s = certkit::WriteFileAtomic(dir.File("b/kept"), std::string("new"), {0644, false});
      CHECK(GetErrorKind(s) == ErrorKind::kAlreadyExists);
    }
    CHECK(WriteSet::Current() == nullptr);
    // Renamed into place, complete, before Commit; only durability waits.
    CHECK(certkit_test::ReadString(dir.File("a/one.key")) == "1");
    CHECK(certkit_test::FileMode(dir.File("a/one.key")) == 0600);
    CHECK(certkit_test::ReadString(dir.File("b/two")) == "2");
    CHECK(certkit_test::ReadString(dir.File("b/kept")) == "original");
    CHECK(set.size() == 2);
    CHECK(set.Commit().ok());
    CHECK(set.size() == 0);
    CHECK(set.Commit().ok());  // nothing left
    CHECK(certkit_test::Run({"ls", "-A", dir.File("a")}).out == "one.key\n");
    CHECK(certkit_test::Run({"ls", "-A", dir.File("b")}).out == "kept\ntwo\n");
  }
}

TEST_CASE("WriteDurably commits only when the writes succeeded and names a failed file", "[file]") {
  certkit_test::TempDir dir;
  size_t recorded = 0;
  CHECK(certkit::WriteDurably(dir.path(), [&] {
          absl::Status s = certkit::WriteFileAtomic(dir.File("x"), std::string("x"));
          recorded = certkit::WriteSet::Current()->size();
          return s;
        }).ok());
  CHECK(recorded == 1);
  CHECK(certkit::WriteSet::Current() == nullptr);
  absl::Status s = certkit::WriteDurably(dir.path(), [&] {
    return certkit::WriteFileAtomic(dir.File("missing/y"), std::string("y"));
  });
  CHECK(GetErrorKind(s) == ErrorKind::kNotFound);
  CHECK(std::string(s.message()).find("missing/y") != std::string::npos);
  // A file that vanished before the per-file sync pass is named.
  certkit::WriteSet set(dir.path(), certkit::WriteSet::Strategy::kEachFile);
  {
    certkit::WriteSet::Scope scope(&set);
    REQUIRE(certkit::WriteFileAtomic(dir.File("gone"), std::string("g")).ok());
  }
  REQUIRE(unlink(dir.File("gone").c_str()) == 0);
  s = set.Commit();
  CHECK(GetErrorKind(s) == ErrorKind::kNotFound);
  CHECK(std::string(s.message()).find("gone") != std::string::npos);
}

TEST_CASE("WriteFileAtomic sweeps temporary files a killed writer left", "[file]") {
  certkit_test::TempDir dir;
  // A killed writer's leftover (no lock held), aged past the 2-second guard.
  const std::string stale = dir.File(".store.jks.tmp-AbC123");
  certkit_test::WriteString(stale, "half a store");
  const struct timespec old[2] = {{time(nullptr) - 60, 0}, {time(nullptr) - 60, 0}};
  REQUIRE(utimensat(AT_FDCWD, stale.c_str(), old, 0) == 0);
  // A live writer's temporary file: locked, so it stays.
  const std::string live = dir.File(".other.p12.tmp-XyZ789");
  certkit_test::WriteString(live, "being written");
  REQUIRE(utimensat(AT_FDCWD, live.c_str(), old, 0) == 0);
  const int fd = open(live.c_str(), O_RDONLY);
  REQUIRE(fd >= 0);
  REQUIRE(flock(fd, LOCK_EX) == 0);
  // A fresh one (its writer may not have locked it yet) stays too.
  const std::string fresh = dir.File(".x.tmp-000000");
  certkit_test::WriteString(fresh, "just created");

  REQUIRE(certkit::WriteFileAtomic(dir.File("unrelated.txt"), std::string("data")).ok());
  CHECK(access(stale.c_str(), F_OK) != 0);
  CHECK(access(live.c_str(), F_OK) == 0);
  CHECK(access(fresh.c_str(), F_OK) == 0);
  CHECK(certkit_test::ReadString(dir.File("unrelated.txt")) == "data");
  close(fd);
}

TEST_CASE("WriteSet: new files from two threads are complete, exact-mode and swept once", "[file]") {
  certkit_test::TempDir dir;
  // A killed writer's leftover, aged past the 2-second guard: the set's first
  // write into the folder removes it.
  const std::string stale = dir.File(".node.key.tmp-AbC123");
  certkit_test::WriteString(stale, "half a key");
  const struct timespec old[2] = {{time(nullptr) - 60, 0}, {time(nullptr) - 60, 0}};
  REQUIRE(utimensat(AT_FDCWD, stale.c_str(), old, 0) == 0);
  // A restrictive umask must not change the modes asked for.
  const mode_t saved_umask = umask(077);
  certkit::WriteSet set(dir.path());
  auto write = [&](int first) {
    certkit::WriteSet::Scope scope(&set);
    for (int i = first; i < 200; i += 2) {
      const std::string body(100 + i, static_cast<char>('a' + i % 26));
      const unsigned mode = i % 3 == 0 ? certkit::kPrivateFileMode : certkit::kPublicFileMode;
      CHECK(certkit::WriteFileAtomic(dir.File("f" + std::to_string(i)), body, {mode, false}).ok());
    }
  };
  std::thread other(write, 1);
  write(0);
  other.join();
  umask(saved_umask);
  CHECK(access(stale.c_str(), F_OK) != 0);
  CHECK(set.size() == 200);
  REQUIRE(set.Commit().ok());
  for (int i = 0; i < 200; ++i) {
    const std::string f = dir.File("f" + std::to_string(i));
    CHECK(certkit_test::ReadString(f) == std::string(100 + i, static_cast<char>('a' + i % 26)));
    CHECK(certkit_test::FileMode(f) == (i % 3 == 0 ? 0600 : 0644));
  }
  // 200 files and nothing else: no temporary file is left behind.
  CHECK(certkit_test::Run({"sh", "-c", "ls -A '" + dir.path() + "' | wc -l"}).out == "200\n");
  // No-clobber within the set: refused, and the file keeps its content.
  {
    certkit::WriteSet::Scope scope(&set);
    absl::Status s = certkit::WriteFileAtomic(dir.File("f7"), std::string("new"), {0644, false});
    CHECK(certkit::GetErrorKind(s) == certkit::ErrorKind::kAlreadyExists);
  }
  CHECK(certkit_test::ReadString(dir.File("f7")) == std::string(107, static_cast<char>('a' + 7)));
}
