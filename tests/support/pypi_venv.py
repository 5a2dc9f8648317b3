"""pypi_venv: the one way Python tests get a package from PyPI.

reexec_in_venv(script, build_dir, venv_name, requirement, child_mark) makes
(once, and again when |requirement| changes) a venv under |build_dir|
holding |requirement|, then re-runs |script| with that venv's Python and
|child_mark|=1 in the environment; it returns at once in that child. When
PyPI cannot be reached the test is skipped (exit 77), or fails when
CERTKIT_REQUIRE_PYPI=1 (CI sets it: .ci/run)."""
import os
import shutil
import subprocess
import sys
import urllib.request


def skip_or_fail(reason):
    if os.environ.get("CERTKIT_REQUIRE_PYPI") == "1":
        print("FAIL: %s and CERTKIT_REQUIRE_PYPI=1" % reason, file=sys.stderr)
        sys.exit(1)
    print("SKIP: %s (set CERTKIT_REQUIRE_PYPI=1 to make this a failure)" % reason)
    sys.exit(77)


def pypi_reachable(requirement):
    name = requirement.split("==")[0].replace("_", "-").lower()
    try:
        urllib.request.urlopen("https://pypi.org/simple/%s/" % name, timeout=15).close()
        return True
    except OSError:
        return False


def reexec_in_venv(script, build_dir, venv_name, requirement, child_mark, pip_args=()):
    if os.environ.get(child_mark) == "1":
        return
    venv = os.path.join(os.path.abspath(build_dir), venv_name)
    python = os.path.join(venv, "bin", "python")
    stamp = os.path.join(venv, ".requirements")
    ready = False
    if os.path.exists(python) and os.path.exists(stamp):
        with open(stamp) as f:
            ready = f.read() == requirement
    if not ready:
        shutil.rmtree(venv, True)
        r = subprocess.run([sys.executable, "-m", "venv", venv], capture_output=True, text=True)
        if r.returncode != 0:
            print("FAIL: python3 -m venv failed (Debian: python3-venv, installed by scripts/install-deps.sh): "
                  + r.stderr, file=sys.stderr)
            sys.exit(1)
        r = subprocess.run([os.path.join(venv, "bin", "pip"), "install", "-q", "--disable-pip-version-check",
                            *pip_args, "--retries", "1", "--timeout", "20", requirement],
                           capture_output=True, text=True, timeout=600)
        if r.returncode != 0:
            shutil.rmtree(venv, True)
            if not pypi_reachable(requirement):
                skip_or_fail("PyPI cannot be reached to install %s" % requirement)
            print("FAIL: pip could not install %s from PyPI:\n%s" % (requirement, r.stderr), file=sys.stderr)
            sys.exit(1)
        with open(stamp, "w") as f:
            f.write(requirement)
    env = dict(os.environ, **{child_mark: "1"})
    os.execve(python, [python, os.path.abspath(script)] + sys.argv[1:], env)
