#!/usr/bin/env bash
# Installs every build and test dependency of certkit on Debian 12 (bookworm).
# Idempotent: packages already present are left alone. Needs root (or sudo).
set -euo pipefail

PACKAGES=(
  # build
  build-essential cmake ninja-build pkg-config
  # libraries
  android-libboringssl-dev libabsl-dev catch2 libbenchmark-dev libcli11-dev nlohmann-json3-dev
  # test oracles and peers
  openssl default-jdk-headless postgresql valgrind abigail-tools
  # CLI tests: the bash completion test drives an interactive bash in tmux
  tmux
  # Public Suffix List, read by the verifier (wildcard certificates)
  publicsuffix
  # bindings
  python3 golang-go
)

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#PACKAGES[@]} packages present"
  exit 0
fi

echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
