#!/usr/bin/env bash
# CI stage: build the libFuzzer targets (fuzz/) with clang, ASan and UBSan in
# their own build dir, generate the seed corpora (scripts/fuzz-seeds.sh) and
# run every target for a bounded time, two at a time. Any crash, leak,
# sanitizer report or broken invariant fails the stage; the reproducer is
# left in build-fuzz/findings/.
# Debian's prebuilt BoringSSL and abseil are linked (not instrumented): the
# fuzzers target certkit's own parsers, and the build stays short.
# Usage: scripts/ci-fuzz.sh [seconds-per-target [certkit-binary]]
#   (default 30 s; the seeds are made with CERTKIT-BINARY, e.g. the plain
#   build's build/cli/certkit, or else with a certkit built here, which
#   costs the CLI's compilation with clang)
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-30}
seed_cli=${2:+$(realpath "$2")}
dir=build-fuzz
launcher=()
if command -v ccache >/dev/null; then
  launcher=(-DCMAKE_C_COMPILER_LAUNCHER=ccache -DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
fi
CC=clang-14 CXX=clang++-14 cmake -S . -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCERTKIT_FUZZ=ON -DCERTKIT_BUILD_TESTS=OFF -DCERTKIT_BUILD_BENCH=OFF \
  -DCERTKIT_SYSTEM_BORINGSSL=ON -DCERTKIT_SYSTEM_ABSEIL=ON "${launcher[@]}" >/dev/null
if [ -n "$seed_cli" ]; then
  cmake --build "$dir" -j "$(nproc)" --target fuzzers
else
  cmake --build "$dir" -j "$(nproc)" --target fuzzers certkit
  seed_cli=$dir/cli/certkit
fi
rm -rf "$dir/seeds"
scripts/fuzz-seeds.sh "$dir/seeds" "$seed_cli"
mkdir -p "$dir/findings" "$dir/logs"
targets=$(ls "$dir/seeds")
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
run_one() {
  local t=$1
  mkdir -p "$dir/corpus/$t"
  if "$dir/fuzz/${t}_fuzzer" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
       -artifact_prefix="$dir/findings/$t-" -print_final_stats=1 \
       "$dir/corpus/$t" "$dir/seeds/$t" >"$dir/logs/$t.log" 2>&1; then
    echo "ci-fuzz: $t: $(grep -o 'stat::number_of_executed_units: *[0-9]*' "$dir/logs/$t.log" | grep -o '[0-9]*$') execs, no finding"
  else
    echo "ci-fuzz: $t FAILED"; tail -40 "$dir/logs/$t.log"; return 1
  fi
}
export -f run_one
export dir seconds
echo "$targets" | xargs -P 2 -I{} bash -c 'run_one {}'
echo "ci-fuzz: every target ran ${seconds}s without a finding"
