#include "cluster/parallel.h"

#include <mutex>

#include "util/parallel.h"

namespace certkit {

absl::Status ForEachParallel(size_t n, int jobs, ProgressObserver* progress,
                             const std::function<absl::Status(size_t)>& fn) {
  std::mutex mu;
  size_t first_error_index = n;
  absl::Status first_error;
  RunParallel(n, jobs, [&](size_t i) {
    absl::Status s = fn(i);
    if (progress != nullptr) progress->Step();
    if (s.ok()) return true;
    std::lock_guard<std::mutex> lock(mu);
    if (i < first_error_index) {
      first_error_index = i;
      first_error = std::move(s);
    }
    return false;  // stop early after a failure
  });
  return first_error;
}

}  // namespace certkit
