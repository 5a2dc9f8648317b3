#!/usr/bin/env python3
"""Adding an error code is a one-line change to lib/util/errors.def: in a
copy of the tree, insert one code line, run the generators, and check that
every language gained the code (C and C++ headers compile, the Python
binding raises the new class, the Go file is valid Go in the category's
predicate, the docs list it) while nothing else changed meaning.
Needs pycparser (bindings/python/gen_capi.py), cc, c++ and gofmt.
"""
import argparse
import difflib
import os
import re
import shutil
import subprocess
import sys
import tempfile

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "scripts", "gen"))
import gen_errors  # noqa: E402

NEW_LINE = ("code | 41 | tls_alert_probe | CERTKIT_ERROR_TLS_ALERT_PROBE | tls | "
            "kFailedPrecondition | (ConnectionError) | TLS alert probe | a test-only code\n")


def words(line):
    return [w for w in re.split(r"\W+", line) if w]


def names_probe(text):
    return "probe" in text.lower()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--library", required=True, help="libcertkit.so")
    parser.add_argument("--absl-include", action="append", default=[],
                        help="include directories for abseil (error.h)")
    args = parser.parse_args()
    failures = []
    with tempfile.TemporaryDirectory() as tmp:
        for out in gen_errors.outputs(ROOT):
            os.makedirs(os.path.dirname(os.path.join(tmp, out.path)), exist_ok=True)
            if os.path.exists(os.path.join(ROOT, out.path)):
                shutil.copy(os.path.join(ROOT, out.path), os.path.join(tmp, out.path))
        shutil.copytree(os.path.join(ROOT, "bindings", "python"),
                        os.path.join(tmp, "bindings", "python"), dirs_exist_ok=True,
                        ignore=shutil.ignore_patterns("__pycache__"))
        shutil.copytree(os.path.join(ROOT, "scripts", "gen"), os.path.join(tmp, "scripts", "gen"))
        # The one-line change: the new code goes right after code 40.
        def_path = os.path.join(tmp, gen_errors.DEF_PATH)
        os.makedirs(os.path.dirname(def_path), exist_ok=True)
        with open(os.path.join(ROOT, gen_errors.DEF_PATH), encoding="utf-8") as f:
            lines = f.readlines()
        anchor = next(i for i, line in enumerate(lines) if line.startswith("code | 40 "))
        lines.insert(anchor + 1, NEW_LINE)
        with open(def_path, "w", encoding="utf-8") as f:
            f.writelines(lines)

        run = lambda *cmd: subprocess.run(cmd, check=True, cwd=tmp)  # noqa: E731
        run(sys.executable, "scripts/gen/gen_errors.py", "--root", tmp)
        run(sys.executable, "bindings/python/gen_capi.py")

        def contains(path, text):
            with open(os.path.join(tmp, path), encoding="utf-8") as f:
                if " ".join(text.split()) not in " ".join(f.read().split()):
                    failures.append("%s lacks %r" % (path, text))

        contains("include/certkit/error.h", "kTlsAlertProbe = 41,")
        contains("lib/util/error_data.inc", "{ErrorKind::kTlsAlertProbe,")
        contains("capi/error_data.inc", 'case CERTKIT_ERROR_TLS_ALERT_PROBE: return "tls_alert_probe";')
        contains("bindings/go/certkit/errors_gen.go",
                 "CodeTLSAlertProbe ErrorCode = C.CERTKIT_ERROR_TLS_ALERT_PROBE")
        contains("bindings/go/certkit/errors_gen.go", "case CodeTLSHandshake, CodeTLSAlertProbe:")
        contains("docs/ERRORS.md", "| 41 | `tls_alert_probe` | `CERTKIT_ERROR_TLS_ALERT_PROBE` |")

        # The headers compile with the new code.
        subprocess.run(["cc", "-std=c99", "-pedantic", "-Werror", "-fsyntax-only", "-x", "c",
                        os.path.join(tmp, "include/certkit/certkit.h")], check=True)
        subprocess.run(["c++", "-std=c++17", "-fsyntax-only", "-x", "c++",
                        "-I", os.path.join(tmp, "include")] +
                       ["-I" + d for d in args.absl_include] +
                       ["-include", os.path.join(tmp, "include/certkit/error.h"), "/dev/null"],
                       check=True)
        # Valid Go (gofmt fails on a syntax error) and already gofmt-formatted.
        gofmt = shutil.which("gofmt") or "/usr/lib/go/bin/gofmt"
        unformatted = subprocess.run(
            [gofmt, "-l", os.path.join(tmp, "bindings/go/certkit/errors_gen.go")],
            check=True, stdout=subprocess.PIPE, universal_newlines=True).stdout
        if unformatted.strip():
            failures.append("errors_gen.go is not gofmt-formatted")

        # The Python binding raises the new class (its constant comes from the
        # regenerated _capi.py, i.e. from the regenerated certkit.h).
        probe = subprocess.run(
            [sys.executable, "-B", "-c",
             "from certkit import errors, _capi\n"
             "e = errors.error_for(41)\n"
             "print(type(e).__name__, isinstance(e, errors.TlsError),"
             " isinstance(e, ConnectionError), _capi.CERTKIT_ERROR_TLS_ALERT_PROBE)"],
            cwd=os.path.join(tmp, "bindings", "python"), stdout=subprocess.PIPE,
            universal_newlines=True, check=True,
            env=dict(os.environ, CERTKIT_LIBRARY=os.path.abspath(args.library)))
        if probe.stdout.split() != ["TlsAlertProbeError", "True", "True", "41"]:
            failures.append("Python: error_for(41) gives %s" % probe.stdout.strip())

        # Nothing else: every line the regeneration added names the new code,
        # and every line it changed only gained the new code's name (a Go
        # "case" list, a Python docstring listing the category's classes).
        for out in gen_errors.outputs(tmp):
            with open(os.path.join(ROOT, out.path), encoding="utf-8") as f:
                old = f.read().splitlines()
            with open(os.path.join(tmp, out.path), encoding="utf-8") as f:
                new = f.read().splitlines()
            matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
            for op, i1, i2, j1, j2 in matcher.get_opcodes():
                if op == "equal":
                    continue
                if op == "replace" and i2 - i1 == j2 - j1:
                    for before, after in zip(old[i1:i2], new[j1:j2]):
                        if words(before) != [w for w in words(after) if not names_probe(w)]:
                            failures.append("%s: %r became %r" % (out.path, before, after))
                    continue
                for line in old[i1:i2]:
                    failures.append("%s: a line went away: %r" % (out.path, line))
                for line in new[j1:j2]:
                    if line.strip() and not names_probe(line):
                        failures.append("%s: an unrelated line appeared: %r" % (out.path, line))

    for failure in failures:
        print("FAIL:", failure)
    if failures:
        return 1
    print("one line in errors.def added the code to C, C++, Python, Go and the docs")
    return 0


if __name__ == "__main__":
    sys.exit(main())
