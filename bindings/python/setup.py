"""Builds the certkit wheel with libcertkit.so inside it.

`pip install ./bindings/python` (from a certkit checkout) either
  * copies a library that is already built: CERTKIT_BUILD_DIR=<cmake build
    dir> (its capi/libcertkit.so; a relative path is taken from the folder
    pip was run from, then from the repository root) -- read at build time
    only; or
  * configures and builds the repository's certkit_shared target with CMake
    (Release, no tests/benchmarks/CLI) in setuptools' build_temp folder.
    Extra configure arguments: CERTKIT_CMAKE_ARGS (split on spaces).
The library lands next to certkit/__init__.py, so `import certkit` needs no
environment variable; the wheel is tagged for the platform
(py3-none-linux_x86_64), not py3-none-any.
"""
import os
import shutil
import subprocess

from setuptools import Distribution, setup
from setuptools.command.build_py import build_py

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.normpath(os.path.join(HERE, "..", ".."))
LIBRARY = "libcertkit.so"


def _fail(message):
    raise SystemExit("certkit: " + message)


def _cmake_build(build_temp):
    """Builds certkit_shared from the checkout; returns the library path."""
    if not os.path.exists(os.path.join(REPO, "capi", "CMakeLists.txt")):
        _fail("no certkit checkout at %s: build the library first and set "
              "CERTKIT_BUILD_DIR to its CMake build folder" % REPO)
    cmake = shutil.which("cmake")
    if cmake is None:
        _fail("cmake not found: install CMake, or set CERTKIT_BUILD_DIR to a build "
              "folder holding capi/libcertkit.so")
    build = os.path.join(os.path.abspath(build_temp), "certkit-cmake")
    configure = [cmake, "-S", REPO, "-B", build, "-DCMAKE_BUILD_TYPE=Release",
                 "-DCERTKIT_BUILD_TESTS=OFF", "-DCERTKIT_BUILD_BENCH=OFF",
                 "-DCERTKIT_BUILD_CLI=OFF"]
    if shutil.which("ninja") and not os.path.exists(os.path.join(build, "CMakeCache.txt")):
        configure += ["-G", "Ninja"]
    if shutil.which("ccache"):
        configure += ["-DCMAKE_C_COMPILER_LAUNCHER=ccache",
                      "-DCMAKE_CXX_COMPILER_LAUNCHER=ccache"]
    configure += os.environ.get("CERTKIT_CMAKE_ARGS", "").split()
    subprocess.check_call(configure)
    subprocess.check_call([cmake, "--build", build, "--target", "certkit_shared",
                           "--parallel", str(os.cpu_count() or 1)])
    return os.path.join(build, "capi", LIBRARY)


def find_library(build_temp):
    build_dir = os.environ.get("CERTKIT_BUILD_DIR")
    if build_dir:
        # pip runs this script inside bindings/python, so a relative folder
        # is taken from where the user ran pip (the shell's PWD), then from
        # the repository root: `CERTKIT_BUILD_DIR=build pip install
        # ./bindings/python` works from the checkout.
        bases = [] if os.path.isabs(build_dir) else [os.environ.get("PWD", ""), REPO]
        tried = [os.path.join(base, build_dir) for base in bases] or [build_dir]
        for candidate in tried:
            path = os.path.join(candidate, "capi", LIBRARY)
            if os.path.exists(path):
                return path
        _fail("CERTKIT_BUILD_DIR=%s has no capi/%s (looked in %s; build the certkit_shared "
              "target)" % (build_dir, LIBRARY, ", ".join(os.path.abspath(t) for t in tried)))
    return _cmake_build(build_temp)


class BuildPyWithLibrary(build_py):
    """build_py that also puts libcertkit.so into the package."""

    def run(self):
        super().run()
        build_temp = self.get_finalized_command("build").build_temp
        source = find_library(build_temp)
        target = os.path.join(self.build_lib, "certkit", LIBRARY)
        os.makedirs(os.path.dirname(target), exist_ok=True)
        shutil.copyfile(source, target)  # follows the .so -> .so.0 -> .so.0.x symlinks
        os.chmod(target, 0o755)
        strip = shutil.which("strip")
        if strip:  # debug information is most of a RelWithDebInfo library
            subprocess.check_call([strip, "--strip-debug", target])


class NativeDistribution(Distribution):
    """The package carries a native library: install it to platlib."""

    def has_ext_modules(self):
        return True


cmdclass = {"build_py": BuildPyWithLibrary}

try:
    from setuptools.command.bdist_wheel import bdist_wheel
except ImportError:
    try:
        from wheel.bdist_wheel import bdist_wheel
    except ImportError:
        bdist_wheel = None

if bdist_wheel is not None:
    class PlatformWheel(bdist_wheel):
        """A wheel for this platform (it carries a native library) that any
        Python 3 can use (ctypes, no extension module)."""

        def finalize_options(self):
            super().finalize_options()
            self.root_is_pure = False

        def get_tag(self):
            _, _, platform = super().get_tag()
            return "py3", "none", platform

    cmdclass["bdist_wheel"] = PlatformWheel

setup(cmdclass=cmdclass, distclass=NativeDistribution)
