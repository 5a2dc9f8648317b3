#!/usr/bin/env python3
"""Checks that every place that states certkit's version agrees with VERSION:
the CMake project version, the CERTKIT_VERSION_* macros of certkit.h, the
Python package (pyproject.toml), the Go module (ModuleVersion), the library
at run time (certkit_version, certkit_version_number, the Python binding's
version()) and `certkit --version`.
"""
import argparse
import ctypes
import os
import re
import subprocess
import sys

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
failures = []


def read(*path):
    with open(os.path.join(ROOT, *path), encoding="utf-8") as f:
        return f.read()


def found(where, value, want):
    if value != want:
        failures.append("%s says %r, VERSION says %r" % (where, value, want))


def one(pattern, text, where):
    match = re.search(pattern, text, re.M)
    if not match:
        failures.append("%s: no match for %s" % (where, pattern))
        return None
    return match.group(1)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cmake-version", required=True)
    parser.add_argument("--library", required=True, help="libcertkit.so")
    parser.add_argument("--cli", default="", help="the certkit program (empty: not built)")
    args = parser.parse_args()

    version = read("VERSION").strip()
    major, minor, patch = (int(p) for p in version.split("."))
    found("CMake project(VERSION)", args.cmake_version, version)

    header = read("include", "certkit", "certkit.h")
    macros = {name: one(r"^#define CERTKIT_VERSION_%s (\S+)$" % name, header, "certkit.h")
              for name in ("MAJOR", "MINOR", "PATCH", "STRING")}
    found("certkit.h CERTKIT_VERSION_MAJOR/MINOR/PATCH",
          "%s.%s.%s" % (macros["MAJOR"], macros["MINOR"], macros["PATCH"]), version)
    found("certkit.h CERTKIT_VERSION_STRING", macros["STRING"], '"%s"' % version)

    pyproject = read("bindings", "python", "pyproject.toml")
    project = pyproject.split("[project]", 1)[-1].split("\n[", 1)[0]
    found("pyproject.toml [project] version", one(r'^version = "([^"]*)"$', project,
                                                  "pyproject.toml"), version)

    go = read("bindings", "go", "certkit", "version_gen.go")
    found("Go ModuleVersion", one(r'^const ModuleVersion = "([^"]*)"$', go, "version_gen.go"),
          version)

    lib = ctypes.CDLL(args.library)
    lib.certkit_version.restype = ctypes.c_char_p
    lib.certkit_version_number.restype = ctypes.c_uint32
    found("certkit_version()", lib.certkit_version().decode(), version)
    found("certkit_version_number()", lib.certkit_version_number(),
          (major << 16) | (minor << 8) | patch)

    os.environ["CERTKIT_LIBRARY"] = os.path.abspath(args.library)
    sys.path.insert(0, os.path.join(ROOT, "bindings", "python"))
    sys.dont_write_bytecode = True
    import certkit
    found("Python certkit.version()", certkit.version(), version)

    if args.cli:
        out = subprocess.run([args.cli, "--version"], check=True, stdout=subprocess.PIPE,
                             universal_newlines=True).stdout.strip()
        # "certkit X (library Y)": the CLI's version and the library it runs on.
        found("certkit --version", out, "certkit %s (library %s)" % (version, version))
    else:
        print("certkit --version: not checked (the CLI is not built)")

    for failure in failures:
        print("FAIL:", failure)
    if failures:
        return 1
    print("every version agrees: %s" % version)
    return 0


if __name__ == "__main__":
    sys.exit(main())
