#!/usr/bin/env bash
# CI stage: the concurrency tests under ThreadSanitizer. Builds only the
# concurrency_test target (one CA signing from 8 threads, a TrustStore shared
# with a thread adding to it, one CertkitSsl used from several threads) with
# clang -fsanitize=thread in its own build dir, then runs it; any race report
# fails the stage.
# Usage: scripts/ci-tsan.sh [build-dir]     (default build-tsan)
set -euo pipefail
cd "$(dirname "$0")/.."
dir=${1:-build-tsan}
launcher=()
if command -v ccache >/dev/null; then
  launcher=(-DCMAKE_C_COMPILER_LAUNCHER=ccache -DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
fi
CC=clang-14 CXX=clang++-14 cmake -S . -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCERTKIT_TSAN=ON -DCERTKIT_BUILD_BENCH=OFF "${launcher[@]}" >/dev/null
cmake --build "$dir" -j "$(nproc)" --target concurrency_test
TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1 ${TSAN_OPTIONS:-}" \
  "$dir/tests/concurrency/concurrency_test"
echo "ci-tsan: concurrency tests clean under ThreadSanitizer"
