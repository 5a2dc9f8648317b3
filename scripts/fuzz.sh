#!/usr/bin/env bash
# A long fuzzing campaign: every target of fuzz/ runs until it has executed
# RUNS inputs (default 10 million, the figure docs/SECURITY.md reports) or for
# at most HOURS hours, JOBS targets at a time, slowest targets first so the
# lanes finish together. Corpora are kept in build-fuzz/corpus between runs
# (delete it to start over). Prints one line per
# target and appends it, with the date and commit, to build-fuzz/campaign.txt.
# Debian's prebuilt BoringSSL and abseil are linked (not instrumented): the
# fuzzers target certkit's own parsers, and the build stays short.
# Usage: scripts/fuzz.sh [runs] [hours-per-target] [jobs]
#        (default 10000000, 2, 2: about 2.5 hours of wall time on 2 cores)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-10000000}
hours=${2:-2}
jobs=${3:-2}
dir=build-fuzz
CC=clang-14 CXX=clang++-14 cmake -S . -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCERTKIT_FUZZ=ON -DCERTKIT_BUILD_TESTS=OFF -DCERTKIT_BUILD_BENCH=OFF \
  -DCERTKIT_SYSTEM_BORINGSSL=ON -DCERTKIT_SYSTEM_ABSEIL=ON >/dev/null
cmake --build "$dir" -j "$(nproc)" --target fuzzers certkit
[ -d "$dir/seeds" ] || scripts/fuzz-seeds.sh "$dir/seeds" "$dir/cli/certkit"
# Slowest first (executions per second measured on 2 cores, 2 at a time:
# jks ~2k, pem ~3k, verify and detect ~5k, cert ~8k, jceks ~11k, csr ~15k,
# manifest and key ~22k, dn and pkcs12 ~30k, password ~100k).
order="jks pem verify detect cert jceks csr dn pkcs12 manifest key password spiffe"
targets=""
for t in $order $(ls "$dir/seeds"); do
  [ -d "$dir/seeds/$t" ] && case " $targets " in *" $t "*) ;; *) targets+="$t ";; esac
done
seconds=$(python3 -c "print(int($hours * 3600))")
commit=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
echo "fuzz: $(echo $targets | wc -w) targets, $runs executions or ${seconds}s each, $jobs at a time"
mkdir -p "$dir/findings" "$dir/logs"
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
run_one() {
  local t=$1 start=$SECONDS r
  mkdir -p "$dir/corpus/$t"
  "$dir/fuzz/${t}_fuzzer" -runs="$runs" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
    -artifact_prefix="$dir/findings/$t-" -print_final_stats=1 \
    "$dir/corpus/$t" "$dir/seeds/$t" >"$dir/logs/campaign-$t.log" 2>&1 && r=ok || r=FINDING
  local line
  line="$t: $(grep -o 'stat::number_of_executed_units: *[0-9]*' "$dir/logs/campaign-$t.log" | grep -o '[0-9]*$') execs in $((SECONDS - start))s, $(ls "$dir/corpus/$t" | wc -l) corpus files, $r"
  echo "fuzz: $line"
  echo "$(date -u +%F) $commit $line" >>"$dir/campaign.txt"
}
export -f run_one
export dir runs seconds commit
echo $targets | tr ' ' '\n' | xargs -P "$jobs" -I{} bash -c 'run_one {}'
