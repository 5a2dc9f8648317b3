#!/bin/sh
# install_tree.sh BUILD_DIR WORK_DIR: `cmake --install` into a fresh prefix,
# then the installed CLI runs the main job (cluster init + verify) with an
# empty environment, and neither it nor libcertkit.so needs anything beyond
# libc, libm, libgcc and libstdc++ (no BoringSSL, no abseil: ldd shows it).
set -eu
build=$1
work=$2
rm -rf "$work"
mkdir -p "$work"
prefix="$work/prefix"
cmake --install "$build" --prefix "$prefix" >/dev/null
cli="$prefix/bin/certkit"
lib=$(find "$prefix" -name 'libcertkit.so.0' | head -1)
test -x "$cli"
test -n "$lib"
for bin in "$cli" "$lib"; do
  echo "ldd $bin:"
  ldd "$bin" | sed 's/^/  /'
  if ldd "$bin" | grep -Eiq 'boringssl|android|absl|libcrypto|libssl|not found'; then
    echo "FAIL: $bin needs BoringSSL, OpenSSL or abseil at run time (or a library is missing)"
    exit 1
  fi
done
# The main job, from the installed tree, with no environment at all.
env -i "$cli" --version
env -i "$cli" cluster init --nodes 10.0.0.1,db1.example.com --clients app --out "$work/cluster" \
  --format pem,jks,p12 --storepass pass:install-test --quiet
env -i "$cli" verify --ca "$work/cluster/ca.crt" --ip 10.0.0.1 --purpose server \
  "$work/cluster/nodes/10.0.0.1/node.crt"
env -i "$cli" inspect "$work/cluster/nodes/10.0.0.1/keystore.p12" --storepass pass:install-test >/dev/null
echo "ok: the installed tree runs with a clean environment and needs only libc/libstdc++"
