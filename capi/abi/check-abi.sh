#!/bin/sh
# check-abi.sh LIB [--record]
#
# Compares the ABI of LIB (a freshly built libcertkit.so) with the recorded
# one in capi/abi/libcertkit.abi using libabigail's abidiff (Debian
# abigail-tools). Additions are fine; any incompatible change (removed or
# changed function, changed type layout) fails. Only the public headers
# (include/certkit/) define the ABI.
#
# To change the ABI on purpose (e.g. after adding functions), re-record it:
#   capi/abi/check-abi.sh build/capi/libcertkit.so --record
# and commit capi/abi/libcertkit.abi with the change.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
headers="$here/../../include/certkit"
abi="$here/libcertkit.abi"
lib=$1
mode=${2:-check}

if [ "$mode" = "--record" ]; then
  abidw --no-corpus-path --no-show-locs --exported-interfaces-only --drop-private-types \
    --headers-dir "$headers" --out-file "$abi" "$lib"
  echo "recorded the ABI of $lib in $abi"
  exit 0
fi

flags="--no-show-locs --exported-interfaces-only --drop-private-types --headers-dir2 $headers"
# 1. Anything but additions fails. abidiff only flags removals as
#    "incompatible" (bit 8); for a C ABI a changed enum value or parameter
#    type (bit 4) breaks callers too, so with added symbols filtered out any
#    remaining change is a failure.
set +e
abidiff $flags --no-added-syms "$abi" "$lib"
rc=$?
set -e
# abidiff exit status bits: 1 error, 2 usage error, 4 ABI change, 8 incompatible change.
if [ $((rc & 3)) -ne 0 ]; then
  echo "abidiff failed to run (status $rc)"
  exit 1
fi
if [ "$rc" -ne 0 ]; then
  echo "INCOMPATIBLE change of the C ABI against capi/abi/libcertkit.abi (see above)."
  echo "Keep the C ABI stable: add new functions instead of changing existing ones,"
  echo "never renumber enum values. A deliberate break needs a new SONAME."
  exit 1
fi
# 2. Additions are fine; say so, so that the record gets refreshed.
set +e
abidiff $flags "$abi" "$lib" >/dev/null
rc=$?
set -e
if [ "$rc" -ne 0 ]; then
  echo "compatible additions to the C ABI; re-record with: $0 $lib --record"
fi
echo "ABI compatible with capi/abi/libcertkit.abi"
