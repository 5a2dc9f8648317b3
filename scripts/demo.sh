#!/usr/bin/env bash
# Sets up a fresh Debian machine and runs certkit's main job: one command
# creates a three-node demo cluster's CA, node and client certificates, JKS and
# PKCS#12 key/trust stores; then certkit verifies and inspects the result.
# Output goes to ./demo (removed and recreated on each run).
set -euo pipefail
cd "$(dirname "$(readlink -f "$0")")/.."

scripts/install-deps.sh
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build --target certkit -j "$(nproc)"
certkit=build/cli/certkit

# Store passwords come from the environment, never from the command line.
export CERTKIT_STOREPASS="${CERTKIT_STOREPASS:-demo-store-pass}"
rm -rf demo

set -x
"$certkit" cluster init --nodes 10.0.0.1,10.0.0.2,node3.demo.internal --clients app \
  --out demo --storepass env:CERTKIT_STOREPASS
"$certkit" verify --ca demo/ca.crt --ip 10.0.0.1 --purpose server demo/nodes/10.0.0.1/node.crt
"$certkit" verify --ca demo/ca.crt --dns node3.demo.internal --purpose server demo/nodes/node3.demo.internal/node.crt
"$certkit" verify --ca demo/ca.crt --purpose client demo/clients/app/client.app.crt
"$certkit" inspect demo/nodes/10.0.0.1/node.crt
"$certkit" inspect demo/nodes/10.0.0.1/keystore.jks --storepass env:CERTKIT_STOREPASS
