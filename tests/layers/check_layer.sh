#!/bin/sh
# check_layer.sh NM LAYER_ARCHIVE [BELOW_ARCHIVE...]
#
# The layering rule of lib/ (docs/ARCHITECTURE.md): every certkit symbol a
# layer uses must be defined in the layer itself or in a layer below it.
# Fails listing (demangled) each symbol the layer takes from anywhere else,
# e.g. from a layer above it or a sibling.
set -eu
nm_tool=$1
layer=$2
shift 2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# Symbols in namespace certkit: functions, methods, vtables, typeinfo.
certkit_symbols() { grep -E '^_Z(N|NK|TVN|TIN|TSN)7certkit' || true; }
for archive in "$layer" "$@"; do
  "$nm_tool" --defined-only -g "$archive" 2>/dev/null | awk 'NF >= 3 { print $3 }'
done | certkit_symbols | sort -u > "$work/defined"
"$nm_tool" -u -g "$layer" 2>/dev/null | awk '{ print $NF }' | certkit_symbols | sort -u > "$work/used"
comm -23 "$work/used" "$work/defined" > "$work/missing"
if [ -s "$work/missing" ]; then
  echo "$(basename "$layer") uses certkit symbols that neither it nor the layers below it define:"
  if command -v c++filt > /dev/null; then c++filt < "$work/missing"; else cat "$work/missing"; fi
  exit 1
fi
echo "$(basename "$layer"): $(wc -l < "$work/used") certkit symbols used, all defined at or below it"
