#include "util/parallel.h"

#include <pthread.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

#include "openssl/err.h"

namespace certkit {

int WorkerCount(int jobs) {
  if (jobs > 0) return jobs;
  static const int cores = std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
  return cores;
}

namespace {

// A Job is one RunParallel call: its items, handed out in index order to
// the calling thread and to the helpers that join it.
struct Job {
  Job(size_t n, const std::function<bool(size_t)>& fn) : n(n), fn(fn) {}

  // Work runs items until none is left or one returned false.
  void Work() {
    for (;;) {
      if (stop.load(std::memory_order_acquire)) return;
      const size_t i = next.fetch_add(1, std::memory_order_relaxed);
      if (i >= n) return;
      if (!fn(i)) stop.store(true, std::memory_order_release);
    }
  }

  const size_t n;
  const std::function<bool(size_t)>& fn;
  std::atomic<size_t> next{0};
  std::atomic<bool> stop{false};
  // Guarded by the pool's mutex.
  size_t seats = 0;   // helpers that may still join
  size_t inside = 0;  // helpers working on it
  std::condition_variable all_left;
};

// Pool is the process's set of helper threads. They are started on demand
// (never more than a RunParallel call asked for, at most kMaxHelpers) and
// then wait for work, so a batch does not pay for starting threads, and
// thread-local state (the RNG, the allocator's arena) stays warm.
class Pool {
 public:
  static constexpr size_t kMaxHelpers = 1023;

  explicit Pool(pid_t pid) : pid_(pid) {}

  // pid is the process that made the pool (and owns its threads).
  pid_t pid() const { return pid_; }

  // Run hands |job| to up to |helpers| idle helper threads, works on it on
  // the calling thread too, and returns when no helper is inside it. A
  // helper busy with another job does not join, so nested and concurrent
  // calls always make progress on their own thread.
  void Run(Job* job, size_t helpers) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (shut_down_) helpers = 0;
      helpers = std::min(helpers, kMaxHelpers);
      while (threads_.size() < helpers) threads_.emplace_back([this] { Loop(); });
      if (helpers > 0) {
        job->seats = helpers;
        open_.push_back(job);
        open_count_.store(open_.size(), std::memory_order_relaxed);
      }
    }
    if (helpers == 1) {
      wake_.notify_one();
    } else if (helpers > 1) {
      wake_.notify_all();
    }
    job->Work();
    std::unique_lock<std::mutex> lock(mu_);
    Close(job);
    job->all_left.wait(lock, [job] { return job->inside == 0; });
  }

  // ShutDown stops and joins the helpers (at exit, or when libcertkit.so is
  // unloaded, so no helper runs code that is being unmapped). Later calls
  // run on the calling thread only.
  void ShutDown() {
    std::vector<std::thread> threads;
    {
      std::lock_guard<std::mutex> lock(mu_);
      shut_down_ = true;
      threads.swap(threads_);
    }
    wake_.notify_all();
    for (std::thread& t : threads) {
      if (t.get_id() == std::this_thread::get_id()) {
        t.detach();  // exit() called from inside a job
      } else {
        t.join();
      }
    }
  }

 private:
  // Close removes |job| from the open list (mu_ held).
  void Close(Job* job) {
    job->seats = 0;
    open_.erase(std::remove(open_.begin(), open_.end(), job), open_.end());
    open_count_.store(open_.size(), std::memory_order_relaxed);
  }

  void Loop() {
    std::unique_lock<std::mutex> lock(mu_);
    for (;;) {
      if (open_.empty() && !shut_down_) {
        // A helper that just finished a job looks for the next one for a
        // short while before it sleeps: callers that issue batch after
        // batch then find it awake instead of paying a wake-up each time.
        lock.unlock();
        const auto until = std::chrono::steady_clock::now() + kSpin;
        while (open_count_.load(std::memory_order_relaxed) == 0 &&
               std::chrono::steady_clock::now() < until) {
          std::this_thread::yield();
        }
        lock.lock();
      }
      wake_.wait(lock, [this] { return shut_down_ || !open_.empty(); });
      if (shut_down_) return;
      Job* job = open_.front();
      ++job->inside;
      if (--job->seats == 0) Close(job);
      lock.unlock();
      job->Work();
      ERR_clear_error();  // each job starts with an empty error queue, as on a new thread
      lock.lock();
      if (--job->inside == 0) job->all_left.notify_all();
    }
  }

  const pid_t pid_;
  std::mutex mu_;
  std::condition_variable wake_;
  // How long an idle helper keeps looking for work before it sleeps.
  static constexpr std::chrono::microseconds kSpin{200};

  std::vector<Job*> open_;  // jobs with free seats, oldest first
  std::atomic<size_t> open_count_{0};  // open_.size(), read without mu_ while spinning
  std::vector<std::thread> threads_;
  bool shut_down_ = false;
};

// The pool of this process, found without a lock. A child of fork() has
// none of its parent's threads, so it starts a pool of its own; the
// parent's (whose mutex a parent thread may have held at the fork) is left
// alone.
std::atomic<Pool*> g_pool{nullptr};

Pool& CurrentPool() {
  const pid_t pid = getpid();
  Pool* pool = g_pool.load(std::memory_order_acquire);
  while (pool == nullptr || pool->pid() != pid) {
    Pool* fresh = new Pool(pid);
    if (g_pool.compare_exchange_strong(pool, fresh, std::memory_order_acq_rel)) return *fresh;
    delete fresh;  // another thread installed one first; it has no threads yet
  }
  return *pool;
}

// At exit or unload, the helpers are joined.
struct PoolShutdown {
  ~PoolShutdown() {
    Pool* pool = g_pool.load(std::memory_order_acquire);
    if (pool != nullptr && pool->pid() == getpid()) pool->ShutDown();
  }
} g_pool_shutdown;

}  // namespace

void RunParallel(size_t n, int jobs, const std::function<bool(size_t)>& fn) {
  Job job(n, fn);
  const size_t workers = std::min<size_t>(static_cast<size_t>(WorkerCount(jobs)), n);
  if (workers <= 1) {
    job.Work();
    return;
  }
  CurrentPool().Run(&job, workers - 1);
}

}  // namespace certkit
