#!/usr/bin/env bash
# compare.sh [BUILD_DIR]: runs the raw-primitive benchmark against the sealed
# BoringSSL and against Debian's shared one, one after the other in one run,
# and prints each primitive's speed-up (Debian time / sealed time).
set -euo pipefail
build=${1:-build}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
for v in sealed debian; do
  "$build/bench/sealed/bench_primitives_$v" --benchmark_format=json \
    --benchmark_min_time=${MIN_TIME:-1} > "$out/$v.json" 2> /dev/null
done
python3 - "$out/sealed.json" "$out/debian.json" <<'PY'
import json, sys
def load(path):
    return {b["name"]: b for b in json.load(open(path))["benchmarks"]}
sealed, debian = load(sys.argv[1]), load(sys.argv[2])
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
