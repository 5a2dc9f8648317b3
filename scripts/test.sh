#!/usr/bin/env bash
# Sets up a fresh Debian machine and runs every certkit test:
#   1. installs the dependencies (scripts/install-deps.sh),
#   2. builds and runs the whole ctest suite,
#   3. builds again with -fsanitize=address,undefined and runs the suite again,
#   4. runs the Python and Go binding tests against the built libcertkit.so.
# Usage: scripts/test.sh            (everything)
#        CERTKIT_SKIP_ASAN=1 scripts/test.sh   (skip the sanitizer pass)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
jobs=$(nproc)

scripts/install-deps.sh

echo "== build (RelWithDebInfo)"
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo
cmake --build build -j "$jobs"

echo "== tests"
ctest --test-dir build --output-on-failure -j "$jobs" --timeout 600

if [ -z "${CERTKIT_SKIP_ASAN:-}" ]; then
  echo "== build (AddressSanitizer + UndefinedBehaviorSanitizer)"
  cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=Debug -DCERTKIT_SANITIZE=ON -DCERTKIT_BUILD_BENCH=OFF
  cmake --build build-asan -j "$jobs"
  echo "== tests under ASan/UBSan"
  ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    ctest --test-dir build-asan --output-on-failure -j "$jobs" --timeout 900
fi

if [ -x bindings/test.sh ]; then
  echo "== bindings"
  bindings/test.sh "$root/build"
fi
