#include "util/parallel.h"

#include <algorithm>
#include <atomic>
#include <thread>
#include <vector>

namespace certkit {

int WorkerCount(int jobs) {
  if (jobs > 0) return jobs;
  return std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
}

void RunParallel(size_t n, int jobs, const std::function<bool(size_t)>& fn) {
  std::atomic<size_t> next{0};
  std::atomic<bool> stop{false};
  auto worker = [&] {
    for (;;) {
      if (stop.load(std::memory_order_acquire)) return;
      size_t i = next.fetch_add(1);
      if (i >= n) return;
      if (!fn(i)) stop.store(true, std::memory_order_release);
    }
  };
  const size_t threads = std::min<size_t>(static_cast<size_t>(WorkerCount(jobs)), n);
  std::vector<std::thread> pool;
  for (size_t t = 1; t < threads; ++t) pool.emplace_back(worker);
  worker();
  for (auto& t : pool) t.join();
}

}  // namespace certkit
