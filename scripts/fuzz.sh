#!/usr/bin/env bash
# A long fuzzing campaign: every target of fuzz/ for HOURS hours in total
# (split evenly), JOBS targets at a time, corpora kept in build-fuzz/corpus
# between runs (delete it to start over). Prints the executions per target,
# the figures docs/SECURITY.md reports.
# Debian's prebuilt BoringSSL and abseil are linked (not instrumented): the
# fuzzers target certkit's own parsers, and the build stays short.
# Usage: scripts/fuzz.sh [hours] [jobs]      (default 1 hour, 2 jobs)
set -euo pipefail
cd "$(dirname "$0")/.."
hours=${1:-1}
jobs=${2:-2}
dir=build-fuzz
CC=clang-14 CXX=clang++-14 cmake -S . -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCERTKIT_FUZZ=ON -DCERTKIT_BUILD_TESTS=OFF -DCERTKIT_BUILD_BENCH=OFF \
  -DCERTKIT_SYSTEM_BORINGSSL=ON -DCERTKIT_SYSTEM_ABSEIL=ON >/dev/null
cmake --build "$dir" -j "$(nproc)" --target fuzzers certkit
[ -d "$dir/seeds" ] || scripts/fuzz-seeds.sh "$dir/seeds" "$dir/cli/certkit"
targets=$(ls "$dir/seeds")
count=$(echo "$targets" | wc -w)
seconds=$(python3 -c "print(max(60, int($hours * 3600 * $jobs / $count)))")
echo "fuzz: $count targets, ${seconds}s each, $jobs at a time"
mkdir -p "$dir/findings" "$dir/logs"
# Exact PKCS#12 and PEM round trips too (fuzz/fuzz_common.h).
export CERTKIT_FUZZ_STRICT_ROUNDTRIP=1
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
run_one() {
  local t=$1
  mkdir -p "$dir/corpus/$t"
  "$dir/fuzz/${t}_fuzzer" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
    -artifact_prefix="$dir/findings/$t-" -print_final_stats=1 \
    "$dir/corpus/$t" "$dir/seeds/$t" >"$dir/logs/campaign-$t.log" 2>&1 && r=ok || r=FINDING
  echo "fuzz: $t: $(grep -o 'stat::number_of_executed_units: *[0-9]*' "$dir/logs/campaign-$t.log" | grep -o '[0-9]*$') execs, $(ls "$dir/corpus/$t" | wc -l) corpus files, $r"
}
export -f run_one
export dir seconds
echo "$targets" | xargs -P "$jobs" -I{} bash -c 'run_one {}'
