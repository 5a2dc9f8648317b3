// The process's worker pool (util/parallel.h): every item once, helpers
// kept between calls, early stop, nested and concurrent calls, fork, and a
// clean error queue on the helpers.
#include "util/parallel.h"

#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

#include <catch2/catch.hpp>

#include "openssl/err.h"

namespace {

// Counts runs n items on |jobs| workers and returns how often each ran.
std::vector<int> Counts(size_t n, int jobs) {
  std::vector<std::atomic<int>> counts(n);
  certkit::RunParallel(n, jobs, [&](size_t i) {
    counts[i].fetch_add(1);
    return true;
  });
  std::vector<int> out;
  for (auto& c : counts) out.push_back(c.load());
  return out;
}

}  // namespace

TEST_CASE("RunParallel runs every item exactly once", "[parallel]") {
  for (int jobs : {0, 1, 2, 3, 8}) {
    for (size_t n : {0, 1, 2, 7, 64, 1000}) {
      INFO("jobs " << jobs << ", n " << n);
      CHECK(Counts(n, jobs) == std::vector<int>(n, 1));
    }
  }
}

TEST_CASE("RunParallel keeps its helper threads between calls", "[parallel]") {
  std::mutex mu;
  std::set<pid_t> seen;  // kernel thread ids: unlike std::thread::id, not reused soon
  for (int call = 0; call < 50; ++call) {
    certkit::RunParallel(16, 3, [&](size_t) {
      std::this_thread::sleep_for(std::chrono::microseconds(200));
      std::lock_guard<std::mutex> lock(mu);
      seen.insert(gettid());
      return true;
    });
  }
  // A thread per call would have shown up to 101 threads; the pool has the
  // caller plus at most the helpers that any earlier test asked for (8).
  CHECK(seen.size() >= 2);
  CHECK(seen.size() <= 9);
}

TEST_CASE("RunParallel starts no item after one returned false", "[parallel]") {
  std::atomic<size_t> started{0};
  certkit::RunParallel(1000, 1, [&](size_t i) {
    started.fetch_add(1);
    return i != 10;
  });
  CHECK(started.load() == 11);

  std::atomic<size_t> highest{0};
  started = 0;
  certkit::RunParallel(1000, 4, [&](size_t i) {
    started.fetch_add(1);
    size_t h = highest.load();
    while (i > h && !highest.compare_exchange_weak(h, i)) {
    }
    return i != 10;
  });
  // Items go out in index order, so at most the workers' in-flight items
  // follow the failing one.
  CHECK(started.load() >= 11);
  CHECK(highest.load() <= 10 + 4);
}

TEST_CASE("RunParallel calls may be nested and concurrent", "[parallel]") {
  std::atomic<int> inner{0};
  certkit::RunParallel(8, 2, [&](size_t) {
    certkit::RunParallel(8, 2, [&](size_t) {
      inner.fetch_add(1);
      return true;
    });
    return true;
  });
  CHECK(inner.load() == 64);

  std::atomic<int> total{0};
  std::vector<std::thread> callers;
  for (int t = 0; t < 4; ++t) {
    callers.emplace_back([&] {
      for (int call = 0; call < 20; ++call) {
        certkit::RunParallel(32, 2, [&](size_t) {
          total.fetch_add(1);
          return true;
        });
      }
    });
  }
  for (auto& t : callers) t.join();
  CHECK(total.load() == 4 * 20 * 32);
}

TEST_CASE("a forked child gets a pool of its own", "[parallel]") {
  REQUIRE(Counts(64, 2) == std::vector<int>(64, 1));  // the parent's pool is running
  const pid_t pid = fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    // The parent's helpers do not exist here; a call that waited for them
    // would hang, and the test's timeout would report it.
    const bool ok = Counts(64, 2) == std::vector<int>(64, 1);
    _exit(ok ? 0 : 1);
  }
  int status = 0;
  REQUIRE(waitpid(pid, &status, 0) == pid);
  CHECK(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 0);
}

TEST_CASE("a helper starts each call with an empty error queue", "[parallel]") {
  // Leave an error on whichever threads run the first call's items...
  certkit::RunParallel(64, 2, [](size_t) {
    OPENSSL_PUT_ERROR(SSL, ERR_R_INTERNAL_ERROR);
    std::this_thread::sleep_for(std::chrono::microseconds(100));
    return true;
  });
  ERR_clear_error();  // the caller's own queue is the caller's
  // ...and none of it is seen by the next call's items on the helpers.
  const std::thread::id caller = std::this_thread::get_id();
  std::atomic<int> on_helpers{0};
  std::atomic<int> dirty{0};
  certkit::RunParallel(64, 2, [&](size_t) {
    if (std::this_thread::get_id() != caller) {
      on_helpers.fetch_add(1);
      if (ERR_peek_error() != 0) dirty.fetch_add(1);
    }
    std::this_thread::sleep_for(std::chrono::microseconds(100));
    return true;
  });
  CHECK(on_helpers.load() > 0);
  CHECK(dirty.load() == 0);
}
