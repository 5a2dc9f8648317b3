#!/usr/bin/env bash
# Fetches the Debian source packages that certkit builds from source and
# seals inside libcertkit.so (BoringSSL and abseil; third_party/sources.txt
# names them and their versions) into third_party/<dir>/src, with Debian's
# patches applied. They are not tracked by git.
#
# The sources come through apt from the machine's own Debian mirror: if no
# deb-src entry exists, one is added (/etc/apt/sources.list.d/certkit-deb-src.sources)
# with the same URIs and keyring as the machine's "deb" entry for Debian.
# Idempotent: a tree already at the right version is left alone.
# Usage: scripts/fetch-sources.sh   (needs root, or sudo, to add the deb-src entry)
set -euo pipefail
cd "$(dirname "$0")/.."

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

have_source() {  # PACKAGE VERSION
  apt-cache showsrc "$1" 2>/dev/null | grep -q "^Version: $2\$"
}

add_deb_src() {
  # Derive the deb-src entry from the machine's Debian "deb" entry.
  local codename uri="" keyring="" f
  codename=$(. /etc/os-release && echo "${VERSION_CODENAME:-bookworm}")
  for f in /etc/apt/sources.list.d/*.sources; do
    [ -f "$f" ] || continue
    # The first stanza whose Suites include the release codename.
    read -r uri keyring < <(awk -v c="$codename" '
      BEGIN { RS=""; FS="\n" }
      { u=""; k=""; s=0
        for (i = 1; i <= NF; i++) {
          if ($i ~ /^URIs:/) { sub(/^URIs:[ \t]*/, "", $i); split($i, a, /[ \t]+/); u = a[1] }
          if ($i ~ /^Signed-By:/) { sub(/^Signed-By:[ \t]*/, "", $i); k = $i }
          if ($i ~ /^Suites:/ && (" " $i " ") ~ (" " c " ")) s = 1
        }
        if (s && u != "") { print u, k; exit }
      }' "$f") || true
    [ -n "$uri" ] && break
  done
  if [ -z "$uri" ] && [ -f /etc/apt/sources.list ]; then
    uri=$(awk -v c="$codename" '$1 == "deb" && $0 ~ (" " c " ") { for (i = 2; i <= NF; i++) if ($i ~ /^[a-z]+:\/\//) { print $i; exit } }' /etc/apt/sources.list)
  fi
  if [ -z "$uri" ]; then
    echo "fetch-sources: no Debian '$codename' entry in /etc/apt to derive a deb-src entry from" >&2
    exit 1
  fi
  echo "fetch-sources: adding a deb-src entry for $uri $codename"
  {
    echo "Types: deb-src"
    echo "URIs: $uri"
    echo "Suites: $codename"
    echo "Components: main"
    if [ -n "$keyring" ]; then echo "Signed-By: $keyring"; fi
  } | $SUDO tee /etc/apt/sources.list.d/certkit-deb-src.sources >/dev/null
  $SUDO apt-get update -qq
}

fetch() {  # DIR PACKAGE VERSION
  local dir=$1 pkg=$2 version=$3
  local dest="third_party/$dir/src" stamp="third_party/$dir/src/.certkit-version"
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$pkg $version" ]; then
    echo "fetch-sources: $pkg $version already in $dest"
    return
  fi
  if ! have_source "$pkg" "$version"; then
    add_deb_src
    if ! have_source "$pkg" "$version"; then
      echo "fetch-sources: the mirror has no source package $pkg=$version" >&2
      exit 1
    fi
  fi
  local work
  work=$(mktemp -d)
  # apt-get source runs dpkg-source -x, which applies Debian's patches.
  if ! (cd "$work" && apt-get source -qq "$pkg=$version" >"$work/log" 2>&1); then
    cat "$work/log" >&2
    echo "fetch-sources: 'apt-get source $pkg=$version' failed" >&2
    rm -rf "$work"
    exit 1
  fi
  local tree
  tree=$(find "$work" -mindepth 1 -maxdepth 1 -type d | head -n1)
  rm -rf "$dest"
  mkdir -p "$(dirname "$dest")"
  mv "$tree" "$dest"
  rm -rf "$work"
  echo "$pkg $version" > "$stamp"
  echo "fetch-sources: $pkg $version in $dest"
}

while read -r dir pkg version; do
  case "$dir" in ''|'#'*) continue ;; esac
  fetch "$dir" "$pkg" "$version"
done < third_party/sources.txt
