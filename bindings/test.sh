#!/usr/bin/env bash
# Runs the Python and Go binding tests against BUILD_DIR's libcertkit.so.
# Usage: bindings/test.sh BUILD_DIR [python|go]   (e.g. bindings/test.sh build)
#   The second argument runs one binding's tests only; CERTKIT_GO_RUN=REGEX
#   passes -run REGEX to go test.
# Needs python3, go (Debian golang-go 1.19 or newer), openssl and keytool.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=${1:?usage: bindings/test.sh BUILD_DIR}
build=$(cd "$build" && pwd)
only=${2:-}
lib="$build/capi/libcertkit.so"
if [ ! -e "$lib" ]; then
  echo "bindings/test.sh: $lib not found (build the certkit_shared target)" >&2
  exit 1
fi
if [ ! -e "$build/capi/pkgconfig/certkit.pc" ]; then
  echo "bindings/test.sh: $build/capi/pkgconfig/certkit.pc not found (re-run cmake on $build)" >&2
  exit 1
fi
status=0

if [ "$only" != go ]; then
echo "== Python binding tests"
if CERTKIT_LIBRARY="$lib" PYTHONDONTWRITEBYTECODE=1 \
    python3 -m unittest discover -s "$here/python/tests" -v; then
  echo "python: PASS"
else
  echo "python: FAIL"
  status=1
fi
echo "== Python wheel (pip install into a fresh venv, import without CERTKIT_LIBRARY)"
if "$here/python/test_wheel.sh" "$build"; then
  echo "python wheel: PASS"
else
  echo "python wheel: FAIL"
  status=1
fi
fi
[ "$only" = python ] && exit $status

echo "== Go binding tests"
go=$(command -v go || true)
[ -z "$go" ] && [ -x /usr/lib/go/bin/go ] && go=/usr/lib/go/bin/go
if [ -z "$go" ]; then
  echo "go: FAIL (no go toolchain; install golang-go)" >&2
  exit 1
fi
"$go" version
# Keep the Go caches out of a possibly read-only HOME.
gotmp="$build/bindings-go"
mkdir -p "$gotmp"
if [ -z "${HOME:-}" ] || [ ! -w "${HOME:-/nonexistent}" ]; then
  export GOCACHE="${GOCACHE:-$gotmp/cache}" GOPATH="${GOPATH:-$gotmp/path}"
fi
export GOFLAGS="${GOFLAGS:-} -mod=mod" GOTOOLCHAIN=local GOPROXY=off GO111MODULE=on
export CGO_ENABLED=1
# cgo finds the library through pkg-config: the build tree's certkit.pc.
export PKG_CONFIG_PATH="$build/capi/pkgconfig${PKG_CONFIG_PATH:+:$PKG_CONFIG_PATH}"
# The docs/BINDINGS.md example test runs `certkit cluster init`.
export CERTKIT_CLI="${CERTKIT_CLI:-$build/cli/certkit}"
log="$gotmp/go-test.log"
(cd "$here/go" && "$go" test -count=1 -v ${CERTKIT_GO_RUN:+-run "$CERTKIT_GO_RUN"} ./... ) >"$log" 2>&1
go_status=$?
# The summary: every test's verdict and the package lines.
grep -E '^(--- (PASS|FAIL|SKIP)|PASS|FAIL|ok |panic:|.*\.go:[0-9]+:)' "$log" || true
if [ $go_status -ne 0 ]; then
  echo "go: FAIL (full log: $log)"
  tail -n 40 "$log"
  status=1
else
  echo "go: PASS"
fi
exit $status
