#!/bin/sh
# check_exports.sh LIB: libcertkit.so exports only certkit_* functions (plus
# the version node of certkit.map) and carries the SONAME libcertkit.so.0.
set -eu
lib=$1
bad=$(nm -D --defined-only "$lib" | awk '{print $3}' | grep -v '^certkit_' | grep -v '^CERTKIT_0$' || true)
if [ -n "$bad" ]; then
  echo "libcertkit.so exports symbols outside the C ABI:"
  echo "$bad" | head -20
  exit 1
fi
count=$(nm -D --defined-only "$lib" | awk '{print $3}' | grep -c '^certkit_')
if [ "$count" -lt 150 ]; then
  echo "only $count certkit_* symbols exported"
  exit 1
fi
soname=$(readelf -d "$lib" | sed -n 's/.*Library soname: \[\(.*\)\]/\1/p')
if [ "$soname" != "libcertkit.so.0" ]; then
  echo "unexpected SONAME '$soname'"
  exit 1
fi
echo "ok: $count certkit_* symbols, SONAME $soname"
