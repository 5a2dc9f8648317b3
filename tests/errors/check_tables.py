#!/usr/bin/env python3
"""Checks every language's error table against lib/util/errors.def, at run
time where there is one:
  C++     the library's ErrorKindName/Description/Category and status codes
          (printed by errors_cpp_dump),
  C       certkit_error_name/_desc of libcertkit.so, and the CertkitError
          enum of certkit.h (as the binding's pycparser-generated _capi.py
          declares it),
  Python  the exception classes of bindings/python/certkit/errors.py,
  docs    the table of docs/ERRORS.md.
(The Go table is checked by bindings/go/certkit/generated_test.go.)
Adding a code to errors.def without regenerating fails here; so does a
table that drops, renumbers or renames a code.
"""
import argparse
import ctypes
import os
import re
import subprocess
import sys

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "scripts", "gen"))
import gen_errors  # noqa: E402  (the .def parser)

failures = []


def expect(condition, message):
    if not condition:
        failures.append(message)


def differ(where, found, want):
    """Records what |found| (a set or dict) lacks or has beyond |want|."""
    if found != want:
        failures.append("%s: missing %s; unexpected %s" % (
            where, sorted(set(want.items() if isinstance(want, dict) else want) -
                          set(found.items() if isinstance(found, dict) else found)),
            sorted(set(found.items() if isinstance(found, dict) else found) -
                   set(want.items() if isinstance(want, dict) else want))))


def status_name(status):
    """kInvalidArgument -> INVALID_ARGUMENT (absl::StatusCodeToString)."""
    return re.sub(r"(?<!^)(?=[A-Z])", "_", status[1:]).upper()


def check_cpp(table, dump):
    lines = subprocess.run([dump], check=True, stdout=subprocess.PIPE,
                           universal_newlines=True).stdout.splitlines()
    seen = {}
    for line in lines:
        number, name, category, status, round_trip, description = line.split("\t")
        if name != "unknown":
            seen[int(number)] = (name, category, status, round_trip, description)
        else:
            expect((category, description) == ("none", "unknown error"),
                   "C++: unknown kind %s has category %r, description %r"
                   % (number, category, description))
    kinds = {c.number: c for c in table.kinds}
    differ("C++ kinds (against errors.def)", set(seen), set(kinds))
    for number, code in kinds.items():
        if number not in seen:
            continue
        want = (code.name, code.category, status_name(code.status), "round_trip",
                code.description)
        expect(seen[number] == want, "C++: kind %d is %r, errors.def says %r"
               % (number, seen[number], want))


def check_c(table, library):
    lib = ctypes.CDLL(library)
    for fn in (lib.certkit_error_name, lib.certkit_error_desc):
        fn.restype = ctypes.c_char_p
        fn.argtypes = [ctypes.c_int]
    codes = {c.number: c for c in table.codes}
    for number in range(0, 1024):
        name = lib.certkit_error_name(number).decode()
        desc = lib.certkit_error_desc(number).decode()
        code = codes.get(number)
        want = (code.name, code.description) if code else ("unknown", "unknown error")
        expect((name, desc) == want, "C: code %d is %r, errors.def says %r"
               % (number, (name, desc), want))


def check_header(table, capi):
    declared = {k: v for k, v in vars(capi).items()
                if k == "CERTKIT_OK" or k.startswith("CERTKIT_ERROR_")}
    want = {c.c_name: c.number for c in table.codes}
    differ("certkit.h CertkitError (against errors.def)", declared, want)


def check_python(table, errors):
    by_code = errors._BY_CODE
    want_codes = {c.number for c in table.codes if c.number != 0}
    differ("Python classes by code (against errors.def)", set(by_code), want_codes)
    for cat in table.categories:
        base = getattr(errors, cat.py_class, None)
        expect(isinstance(base, type) and issubclass(base, errors.CertkitError)
               and base.category == cat.id,
               "Python: no category base %s (%s)" % (cat.py_class, cat.id))
    for code in table.codes:
        if code.number == 0:
            continue
        cls = getattr(errors, code.py_class, None)
        if not isinstance(cls, type):
            failures.append("Python: no class %s for %s" % (code.py_class, code.name))
            continue
        expect(by_code.get(code.number) is cls, "Python: code %d maps to %r, not %s"
               % (code.number, by_code.get(code.number), code.py_class))
        expect(cls.code == code.number, "Python: %s.code = %r, errors.def says %d"
               % (code.py_class, cls.code, code.number))
        expect(cls.category == code.category, "Python: %s.category = %r, errors.def says %r"
               % (code.py_class, cls.category, code.category))
        category_base = getattr(errors, table.category_by_id[code.category].py_class)
        expect(issubclass(cls, category_base), "Python: %s is not a %s"
               % (code.py_class, category_base.__name__))
        for base in code.py_bases:
            expect(any(b.__name__ == base for b in cls.__mro__),
                   "Python: %s does not derive from %s" % (code.py_class, base))
        raised = errors.error_for(code.number)
        expect(type(raised) is cls and raised.name == code.name,
               "Python: error_for(%d) gives %r" % (code.number, raised))
    expect(type(errors.error_for(12345)) is errors.CertkitError,
           "Python: an unknown code does not give a plain CertkitError")


def check_docs(table):
    with open(os.path.join(ROOT, "docs", "ERRORS.md"), encoding="utf-8") as f:
        rows = re.findall(r"^\| (\d+) \| `(\w+)` \| `(\w+)` \|.*\| (\w+) \| [^|]* \| [^|]* \|$",
                          f.read(), re.M)
    documented = [(int(n), name, c_name, category) for n, name, c_name, category in rows]
    want = [(c.number, c.name, c.c_name, c.category) for c in table.codes]
    differ("docs/ERRORS.md rows (against errors.def)", set(documented), set(want))
    expect(len(documented) == len(set(documented)), "docs/ERRORS.md lists a code twice")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cpp-dump", required=True, help="the errors_cpp_dump program")
    parser.add_argument("--library", required=True, help="libcertkit.so")
    args = parser.parse_args()
    table = gen_errors.load(ROOT)

    check_cpp(table, args.cpp_dump)
    check_c(table, args.library)
    os.environ["CERTKIT_LIBRARY"] = os.path.abspath(args.library)
    sys.path.insert(0, os.path.join(ROOT, "bindings", "python"))
    sys.dont_write_bytecode = True
    from certkit import _capi, errors
    check_header(table, _capi)
    check_python(table, errors)
    check_docs(table)

    for failure in failures:
        print("FAIL:", failure)
    if failures:
        return 1
    print("C++, C, Python and docs agree with errors.def (%d codes, %d categories)"
          % (len(table.codes), len(table.categories)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
