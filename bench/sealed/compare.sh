#!/usr/bin/env bash
# compare.sh [BUILD_DIR]: runs the raw-primitive benchmark against the sealed
# BoringSSL and against Debian's shared one, one after the other in one run,
# and prints each primitive's speed-up (Debian time / sealed time).
# MIN_TIME (seconds per benchmark run, default 0.5) trades time for noise.
set -euo pipefail
build=${1:-build}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
# Interleaved, one primitive at a time and twice each way, so that a change
# in machine load hits both builds alike.
names=$("$build/bench/sealed/bench_primitives_sealed" --benchmark_list_tests | sed 's|/.*||' | sort -u)
for round in 1 2; do
  for name in $names; do
    for v in sealed debian; do
      "$build/bench/sealed/bench_primitives_$v" --benchmark_format=json \
        --benchmark_filter="^$name(/|\$)" --benchmark_min_time=${MIN_TIME:-0.5} \
        > "$out/$v-$name-$round.json" 2> /dev/null
    done
  done
done
python3 - "$out" <<'PY'
import glob, json, os, sys
def load(variant):
    best = {}
    for path in glob.glob(os.path.join(sys.argv[1], variant + "-*.json")):
        for b in json.load(open(path))["benchmarks"]:
            name = b["name"].split("/")[0]
            # The faster of the two rounds: load only ever slows a run down.
            if name not in best or b["real_time"] < best[name]["real_time"]:
                best[name] = b
    return best
sealed, debian = load("sealed"), load("debian")
print("%-22s %14s %14s %9s" % ("primitive", "Debian", "sealed", "speed-up"))
for name, s in sealed.items():
    d = debian.get(name)
    if d is None:
        continue
    unit = s["time_unit"]
    if "items_per_second" in s:
        sv, dv, unit = 1e9 / s["items_per_second"], 1e9 / d["items_per_second"], "ns/iter"
    else:
        sv, dv = s["real_time"], d["real_time"]
    print("%-22s %11.2f %-2s %11.2f %-2s %8.2fx" % (name.replace("BM_", ""), dv, unit[:2],
                                                  sv, unit[:2], dv / sv))
PY
