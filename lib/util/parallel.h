// util/parallel.h (internal): the one bounded worker pool of certkit, used
// by batch issuance (certkit/batch.h) and the cluster pipelines.
#ifndef CERTKIT_LIB_UTIL_PARALLEL_H_
#define CERTKIT_LIB_UTIL_PARALLEL_H_

#include <cstddef>
#include <functional>

namespace certkit {

// WorkerCount turns a requested number of workers into the number to run:
// |jobs| when positive, otherwise the machine's hardware concurrency (at
// least 1).
int WorkerCount(int jobs);

// RunParallel calls |fn(i)| for i in [0, n) on up to WorkerCount(|jobs|)
// threads: the calling thread and idle helpers of the process's pool, which
// are started on the first call that needs them and then kept (no helper is
// used for n <= 1 or jobs == 1). Items are handed out in index order. Once
// any call returns false no new item starts; the calls already running
// finish. Returns when every started call has returned. Calls may be nested
// or concurrent: a caller always works on its own items, so it never waits
// for a busy helper. |fn| must not throw.
void RunParallel(size_t n, int jobs, const std::function<bool(size_t)>& fn);

}  // namespace certkit

#endif  // CERTKIT_LIB_UTIL_PARALLEL_H_
