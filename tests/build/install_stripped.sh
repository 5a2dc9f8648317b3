#!/usr/bin/env bash
# build:install_stripped: `cmake --install BUILD --strip` (what docs/BUILDING.md
# tells users to run) installs a stripped tree: every ELF file it installs
# has no symbol table left (`file` says "stripped"), libcertkit.so still
# exports its certkit_* ABI (nm -D), the installed certkit runs, and the tree
# stays small (the unstripped one was 139 MB).
# Usage: install_stripped.sh BUILD_DIR
set -euo pipefail
build=${1:?usage: install_stripped.sh BUILD_DIR}
prefix=$(mktemp -d "${TMPDIR:-/tmp}/certkit-install.XXXXXX")
trap 'rm -rf "$prefix"' EXIT
cmake --install "$build" --strip --prefix "$prefix" >/dev/null
fail() { echo "FAIL: $*" >&2; exit 1; }
elves=0
while IFS= read -r -d '' f; do
  desc=$(file -b "$f")
  case "$desc" in
    ELF*) elves=$((elves + 1))
          case "$desc" in *", stripped"*) ;; *) fail "${f#"$prefix"/} is not stripped: $desc" ;; esac ;;
  esac
done < <(find "$prefix" -type f -print0)
[ "$elves" -ge 2 ] || fail "expected the certkit binary and libcertkit.so, found $elves ELF files"
lib=$(ls "$prefix"/lib*/libcertkit.so.*.*.* 2>/dev/null | head -1)
[ -n "$lib" ] || fail "no libcertkit.so installed"
nm -D --defined-only "$lib" | grep -q ' certkit_version@@' || fail "stripping removed the exported ABI of $lib"
"$prefix/bin/certkit" --version >/dev/null || fail "the installed certkit does not run"
kb=$(du -sk "$prefix" | cut -f1)
echo "installed $elves ELF files, stripped; $((kb / 1024)) MB in total"
[ "$kb" -lt $((40 * 1024)) ] || fail "the installed tree is $((kb / 1024)) MB (over 40 MB)"
