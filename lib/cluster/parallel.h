// cluster/parallel.h (internal): a bounded worker pool for issuing many
// leaves at once.
#ifndef CERTKIT_LIB_CLUSTER_PARALLEL_H_
#define CERTKIT_LIB_CLUSTER_PARALLEL_H_

#include <cstddef>
#include <functional>

#include "absl/status/status.h"
#include "certkit/cluster.h"

namespace certkit {

// ForEachParallel runs |fn(i)| for i in [0, n) on |jobs| threads (the
// calling thread included), calling |progress|->Step() (when not null)
// after each. Returns the first error by index; after an error no new item
// starts, but items already running finish.
absl::Status ForEachParallel(size_t n, int jobs, ProgressObserver* progress,
                             const std::function<absl::Status(size_t)>& fn);

}  // namespace certkit

#endif  // CERTKIT_LIB_CLUSTER_PARALLEL_H_
