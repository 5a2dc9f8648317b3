#!/usr/bin/env bash
# Builds the certkit wheel with BUILD_DIR's libcertkit.so inside, installs it
# into a fresh venv and checks that `import certkit` works with no environment
# variable, from outside the source tree, and that the wheel is tagged for
# the platform (not py3-none-any).
# Usage: bindings/python/test_wheel.sh BUILD_DIR
# Offline when python3 has setuptools and wheel (Debian: python3-setuptools,
# python3-wheel); otherwise pip fetches them from its index.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=$(cd "${1:?usage: test_wheel.sh BUILD_DIR}" && pwd)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/certkit-wheel.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

venv_args=() pip_args=()
if python3 -c "import setuptools, wheel" 2>/dev/null; then
  venv_args=(--system-site-packages) pip_args=(--no-build-isolation --no-index)
fi
python3 -m venv "${venv_args[@]}" "$tmp/venv"
# Build from a copy: the source tree stays clean and parallel runs don't clash.
cp -r "$here" "$tmp/src"
rm -rf "$tmp/src/build" "$tmp/src"/*.egg-info
CERTKIT_BUILD_DIR="$build" "$tmp/venv/bin/pip" wheel -q --no-deps "${pip_args[@]}" \
  -w "$tmp/dist" "$tmp/src"
wheel=$(ls "$tmp/dist"/certkit-*.whl)
echo "built $(basename "$wheel")"

case "$(basename "$wheel")" in
  *-py3-none-any.whl) echo "FAIL: the wheel is not platform-tagged" >&2; exit 1 ;;
  *-py3-none-linux_*.whl) ;;
  *) echo "FAIL: unexpected wheel tag" >&2; exit 1 ;;
esac
names=$(python3 -c 'import sys, zipfile; print("\n".join(zipfile.ZipFile(sys.argv[1]).namelist()))' "$wheel")
for member in certkit/libcertkit.so certkit/py.typed certkit/tls.py; do
  grep -qx "$member" <<<"$names" || { echo "FAIL: no $member in the wheel" >&2; exit 1; }
done
# auditwheel (PyPI) reads the wheel's ELF files and names the manylinux
# policy they satisfy: libcertkit.so needs only glibc and libstdc++
# (docs/BUILDING.md), so it must be a manylinux tag, never "linux".
if python3 -m venv "$tmp/audit" && "$tmp/audit/bin/pip" install -q auditwheel 2>"$tmp/audit.log"; then
  show=$("$tmp/audit/bin/auditwheel" show "$wheel")
  echo "$show"
  tag=$(grep -o '"manylinux_[0-9]*_[0-9]*_x86_64"' <<<"$show" | head -1 | tr -d '"')
  [ -n "$tag" ] || { echo "FAIL: auditwheel show finds no manylinux platform tag for the wheel" >&2; exit 1; }
  echo "auditwheel: consistent with $tag"
elif [ "${CERTKIT_REQUIRE_PYPI:-0}" = 1 ]; then
  echo "FAIL: pip could not install auditwheel from PyPI: $(tail -1 "$tmp/audit.log")" >&2
  exit 1
else
  echo "SKIP auditwheel: PyPI not reachable ($(tail -1 "$tmp/audit.log"))"
fi
"$tmp/venv/bin/pip" install -q --no-deps --no-index "$wheel"
# No CERTKIT_* variable, not in the source tree: the bundled library loads.
cd /
env -u CERTKIT_LIBRARY -u CERTKIT_BUILD_DIR -u LD_LIBRARY_PATH "$tmp/venv/bin/python" - <<'PY'
import os, ssl, sys
import certkit
from certkit import _library
package = os.path.dirname(certkit.__file__)
assert package.startswith(sys.prefix + os.sep), (package, sys.prefix)
assert os.path.dirname(_library.LIBRARY._name) == package, (_library.LIBRARY._name, package)
ca = certkit.CertificateAuthority.create_root("CN=wheel test", key_spec="ec:p256")
ca_file = os.path.join(os.environ.get("TMPDIR", "/tmp"), "certkit-wheel-ca-%d.pem" % os.getpid())
with open(ca_file, "w") as f:
    f.write(ca.certificate.to_pem())
try:
    context = certkit.ssl_context("client", ca=ca_file)
finally:
    os.unlink(ca_file)
assert isinstance(context, ssl.SSLContext)
print("import certkit %s from %s: OK" % (certkit.version(), package))
PY
