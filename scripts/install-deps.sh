#!/usr/bin/env bash
# Installs every build and test dependency of certkit on Debian 12 (bookworm).
# Idempotent: packages already present are left alone. Needs root (or sudo).
set -euo pipefail

PACKAGES=(
  # build
  build-essential cmake ninja-build pkg-config
  # fuzzing and ThreadSanitizer builds (scripts/ci-fuzz.sh, scripts/ci-tsan.sh)
  clang-14 libfuzzer-14-dev libclang-rt-14-dev
  # libraries (BoringSSL and abseil are built from Debian's source packages:
  # scripts/fetch-sources.sh, run at the end; dpkg-dev unpacks them)
  dpkg-dev catch2 libbenchmark-dev libcli11-dev nlohmann-json3-dev
  # Debian's shared BoringSSL and abseil: the baseline of bench/sealed, and what
  # the fuzz build links (scripts/ci-fuzz.sh: -DCERTKIT_SYSTEM_BORINGSSL/ABSEIL=ON)
  android-libboringssl-dev libabsl-dev
  # peers that share a process with libcertkit.so in the tests: OpenSSL 3, libpq
  libssl-dev libpq-dev
  # test oracles and peers
  openssl default-jdk-headless postgresql valgrind abigail-tools
  # Cassandra tests (tests/cassandra): Maven fetches Cassandra and the Java
  # driver; a venv holds the Python driver
  maven python3-venv
  # strace: the durable-write test counts sync calls (bench/peers uses python3-venv too)
  strace
  # CLI tests: the bash completion test drives an interactive bash in tmux
  tmux
  # docs tests (tests/docs): README.md pipes the man page into `man -l -`
  man-db
  # PKCS#11 CA keys (tests/pkcs11): SoftHSM2 is the token, opensc's
  # pkcs11-tool generates its keys; p11-kit/pkcs11.h declares the interface
  softhsm2 opensc libp11-kit-dev
  # Public Suffix List, read by the verifier (wildcard certificates)
  publicsuffix
  # bindings (python3-pycparser: bindings/python/gen_capi.py parses certkit.h;
  # python3-cryptography: a peer in the same process as certkit, test_coexist.py;
  # python3-venv/-setuptools/-wheel: bindings/python/test_wheel.sh builds the wheel offline)
  python3 python3-pycparser python3-cryptography python3-venv python3-setuptools python3-wheel golang-go
)

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#PACKAGES[@]} packages present"
else
  echo "install-deps: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# BoringSSL and abseil sources (Debian source packages, versions in
# third_party/sources.txt).
"$(dirname "$0")/fetch-sources.sh"
