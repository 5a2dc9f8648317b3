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

# --- hardening stages (issue 13): ThreadSanitizer, then fuzzing -------------
# (the kill test is a ctest: cli:kill_test). CERTKIT_SKIP_HARDENING=1 skips.
if [ -z "${CERTKIT_SKIP_HARDENING:-}" ]; then
  echo "== concurrency tests under ThreadSanitizer"
  scripts/ci-tsan.sh
  echo "== fuzzing (every target ${CERTKIT_FUZZ_SECONDS:-25}s)"
  scripts/ci-fuzz.sh "${CERTKIT_FUZZ_SECONDS:-25}"
fi
# --- end of hardening stages -------------------------------------------------

if [ -x bindings/test.sh ]; then
  echo "== bindings"
  bindings/test.sh "$root/build"
fi
