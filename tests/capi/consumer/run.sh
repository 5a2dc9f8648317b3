#!/bin/sh
# run.sh BUILD_DIR CONSUMER_SRC WORK_DIR GENERATOR: installs the C ABI
# component of BUILD_DIR into a temporary prefix, then configures, builds and
# runs the consumer project against it twice: via find_package(certkit) and
# via pkg-config. Nothing but the installed tree is visible to the consumer.
set -eu
build=$1
src=$2
work=$3
generator=${4:-Ninja}
rm -rf "$work"
mkdir -p "$work"
prefix="$work/prefix"
cmake --install "$build" --component certkit_capi --prefix "$prefix"
unset LD_LIBRARY_PATH || true
pcdir=$(dirname "$(find "$prefix" -name certkit.pc | head -1)")

for mode in config pkgconfig; do
  if [ "$mode" = pkgconfig ]; then
    extra="-DUSE_PKG_CONFIG=ON"
    export PKG_CONFIG_PATH="$pcdir"
    prefix_path=""
  else
    extra=""
    prefix_path="-DCMAKE_PREFIX_PATH=$prefix"
  fi
  cmake -S "$src" -B "$work/build-$mode" -G "$generator" $prefix_path $extra
  cmake --build "$work/build-$mode"
  "$work/build-$mode/consumer"
  unset PKG_CONFIG_PATH || true
done
echo "consumer built and ran via find_package and pkg-config"
