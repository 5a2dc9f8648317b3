#!/usr/bin/env python3
"""Generates bindings/python/certkit/_capi.py from include/certkit/certkit.h.

The header goes through the C preprocessor (cpp) and pycparser, a C99 parser:
the declarations are read from the parse tree, the #define flags from the
preprocessor's -dD output.

The generated module mirrors the C ABI one to one: every enum constant, every
#define flag and every CERTKIT_EXPORT prototype (with argtypes and restype).
Usage:
    gen_capi.py [HEADER] [OUTPUT]     (defaults: the repository's header and
                                       certkit/_capi.py next to this script)
    gen_capi.py --check               (exit 1 when _capi.py is out of date)
"""
import os
import re
import subprocess
import sys
import tempfile

try:
    import pycparser
    from pycparser import c_ast
except ImportError:  # pragma: no cover - depends on the machine
    # Debian's /usr/bin/python3 has python3-pycparser (scripts/install-deps.sh);
    # a python3 earlier on PATH (pyenv, a venv) may not.
    if os.path.exists("/usr/bin/python3") and os.path.realpath(sys.executable) != \
            os.path.realpath("/usr/bin/python3"):
        os.execv("/usr/bin/python3", ["/usr/bin/python3"] + sys.argv)
    sys.exit("gen_capi.py needs pycparser: apt-get install python3-pycparser "
             "(scripts/install-deps.sh)")

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_HEADER = os.path.join(HERE, "..", "..", "include", "certkit", "certkit.h")
DEFAULT_OUTPUT = os.path.join(HERE, "certkit", "_capi.py")

# Scalar C types and their ctypes equivalents. Handles (struct pointers) are
# c_void_p; byte inputs are c_char_p so Python bytes pass without copying.
SCALARS = {
    "void": "None",
    "int": "c_int",
    "unsigned": "c_uint",
    "size_t": "c_size_t",
    "uint32_t": "c_uint32",
    "uint64_t": "c_uint64",
    "int64_t": "c_int64",
    "char": "c_char",
    "uint8_t": "c_uint8",
}

# The only #include lines of certkit.h are these; the preprocessor reads these
# stand-ins, so the declarations parse without the C library's extensions.
STUB_HEADERS = {
    "stddef.h": "typedef unsigned long size_t;\n",
    "stdint.h": "typedef unsigned char uint8_t;\ntypedef unsigned int uint32_t;\n"
                "typedef long long int64_t;\ntypedef unsigned long long uint64_t;\n",
}

# The #define flags the binding mirrors (integer constants).
FLAG_MACRO = re.compile(r"CERTKIT_(?:SAVE|SSL)_\w+")
INTEGER = re.compile(r"(0[xX][0-9a-fA-F]+|\d+)[uU]?")


class CType:
    """A C type as the binding needs it: the base type name, the pointer
    depth, and which levels are const (consts[0] is the base, consts[i] the
    i-th pointer)."""

    def __init__(self, node):
        self.consts = []
        levels = []
        while isinstance(node, c_ast.PtrDecl):
            levels.append("const" in node.quals)
            node = node.type
        if not isinstance(node, c_ast.TypeDecl) or not isinstance(node.type, c_ast.IdentifierType):
            raise ValueError("unsupported declarator %s" % type(node).__name__)
        self.base = " ".join(node.type.names)
        self.consts = ["const" in node.quals] + levels[::-1]
        self.stars = len(levels)

    def __str__(self):
        """The declaration's spelling: "const uint8_t* const*"."""
        text = ("const " if self.consts[0] else "") + self.base
        for const in self.consts[1:]:
            text += "*" + (" const" if const else "")
        return text


def preprocess(header_text):
    """Runs the C preprocessor over |header_text| with -dD (the #define lines
    stay in place) and returns its output; the header's own lines are
    attributed to the file "<stdin>"."""
    cpp = os.environ.get("CPP", "cpp")
    with tempfile.TemporaryDirectory() as stubs:
        for name, text in STUB_HEADERS.items():
            with open(os.path.join(stubs, name), "w", encoding="utf-8") as f:
                f.write(text)
        return subprocess.run([cpp, "-undef", "-nostdinc", "-dD", "-I", stubs, "-"],
                              input=header_text, check=True, stdout=subprocess.PIPE,
                              universal_newlines=True).stdout


def parse_header(header_text):
    """Returns (enums, defines, structs, callbacks, functions) declared in the
    header; callbacks are the function pointer typedefs, as
    (name, return CType, [(CType, name)])."""
    source, defines = [], []
    for line in preprocess(header_text).splitlines():
        if line.startswith("#define") or line.startswith("#undef"):
            parts = line.split(None, 2)
            if line.startswith("#define") and FLAG_MACRO.fullmatch(parts[1]) and len(parts) == 3:
                value = INTEGER.fullmatch(parts[2].strip())
                if value:
                    defines.append((parts[1], value.group(1)))
            source.append("")  # keep line numbers for error messages
        else:
            source.append(line)
    ast = pycparser.CParser().parse("\n".join(source), filename="<stdin>")
    enums, structs, callbacks, functions = [], [], [], []
    for node in ast.ext:
        if node.coord.file != "<stdin>":
            continue  # the stub headers
        if isinstance(node, c_ast.Typedef) and isinstance(node.type, c_ast.TypeDecl):
            inner = node.type.type
            if isinstance(inner, c_ast.Enum) and inner.values is not None:
                enums.append((node.name, enum_values(inner)))
            elif isinstance(inner, c_ast.Struct) and inner.decls is None:
                structs.append(inner.name)
        elif (isinstance(node, c_ast.Typedef) and isinstance(node.type, c_ast.PtrDecl)
              and isinstance(node.type.type, c_ast.FuncDecl)):
            func = node.type.type
            callbacks.append((node.name, CType(func.type), parameters(func)))
        elif isinstance(node, c_ast.Decl) and isinstance(node.type, c_ast.FuncDecl):
            if not node.name.startswith("certkit_"):
                continue
            functions.append((node.name, CType(node.type.type), parameters(node.type)))
    return enums, defines, structs, callbacks, functions


def parameters(func):
    """[(CType, name)] of a FuncDecl's parameters."""
    params = []
    for param in (func.args.params if func.args else []):
        if isinstance(param, c_ast.Typename):  # (void)
            continue
        params.append((CType(param.type), param.name))
    return params


def enum_values(enum):
    """[(constant, value)] of an enum, counting implicit values as C does."""
    values, next_value = [], 0
    for item in enum.values.enumerators:
        if item.value is not None:
            next_value = evaluate(item.value)
        values.append((item.name, next_value))
        next_value += 1
    return values


def evaluate(node):
    """The value of an integer constant expression (literals, unary minus)."""
    if isinstance(node, c_ast.Constant):
        return int(INTEGER.fullmatch(node.value).group(1), 0)
    if isinstance(node, c_ast.UnaryOp) and node.op == "-":
        return -evaluate(node.expr)
    raise ValueError("unsupported enum value at %s" % node.coord)


def ctype_of(c_type, enum_names, struct_names, callback_names=()):
    """Maps a CType ("const CertkitKey*", "char**") to a ctypes expression."""
    stars = c_type.stars
    base = c_type.base
    if base in callback_names and stars == 0:
        return base  # the CFUNCTYPE declared for the typedef
    if base in struct_names:
        scalar, stars = "c_void_p", stars - 1  # a handle is an opaque pointer
    elif base in enum_names:
        scalar = "c_int"
    elif base in SCALARS:
        scalar = SCALARS[base]
    else:
        raise ValueError("unmapped C type %r" % str(c_type))
    if stars == 0:
        return scalar
    if base in ("char", "uint8_t"):
        # char* / uint8_t*: text or bytes in (c_char_p); char** / uint8_t**:
        # a library-allocated buffer out (void*, freed by certkit_buffer_free),
        # except const uint8_t* const* (an array of byte inputs).
        if stars == 1:
            return "c_char_p"
        if stars == 2 and c_type.consts[1]:
            return "POINTER(c_char_p)"
        return "POINTER(c_void_p)"
    if scalar == "None":
        return "c_void_p"
    result = scalar
    for _ in range(stars):
        result = "POINTER(%s)" % result
    return result


def generate(header_text):
    """Returns the text of _capi.py for the header text |header_text|."""
    enums, defines, structs, callbacks, functions = parse_header(header_text)
    enum_names = {name for name, _ in enums}
    struct_names = set(structs)
    callback_names = {name for name, _, _ in callbacks}
    out = []
    out.append('"""The certkit C ABI (include/certkit/certkit.h), one to one.\n\n'
               "GENERATED by bindings/python/gen_capi.py from certkit.h: do not edit.\n"
               "Every CERTKIT_EXPORT function is a module attribute with argtypes and\n"
               "restype declared; handles are c_void_p, library-allocated outputs are\n"
               'void* released with certkit_buffer_free.\n"""')
    out.append("# flake8: noqa")
    out.append("from ctypes import (CFUNCTYPE, POINTER, c_char, c_char_p, c_int, c_int64, "
               "c_size_t, c_uint,\n                    c_uint8, c_uint32, c_uint64, c_void_p)")
    out.append("")
    out.append("from ._library import function as _function")
    out.append("")
    for enum_name, values in enums:
        out.append("# enum %s" % enum_name)
        for name, value in values:
            out.append("%s = %d" % (name, value))
        out.append("")
    out.append("# #define flags")
    for name, value in defines:
        out.append("%s = %s" % (name, value))
    out.append("")
    out.append("# Opaque handle types (all c_void_p): %s" % ", ".join(structs))
    out.append("")
    for name, return_type, params in callbacks:
        proto = ", ".join("%s %s" % (t, n) for t, n in params) or "void"
        out.append("# typedef %s (*%s)(%s)" % (return_type, name, proto))
        types = [ctype_of(return_type, enum_names, struct_names)]
        types += [ctype_of(t, enum_names, struct_names) for t, _ in params]
        out.append("%s = CFUNCTYPE(%s)" % (name, ", ".join(types)))
        out.append("")
    for name, return_type, params in functions:
        proto = ", ".join("%s %s" % (t, n) for t, n in params) or "void"
        out.append("# %s %s(%s)" % (return_type, name, proto))
        restype = ctype_of(return_type, enum_names, struct_names)
        if restype == "c_char_p" and (return_type.base != "char" or not return_type.consts[0]):
            # Only const char* results are NUL-terminated text; bytes (uint8_t*,
            # sized by an out-parameter) and owned buffers stay pointers.
            restype = "c_void_p"
        argtypes = ", ".join(ctype_of(t, enum_names, struct_names, callback_names)
                             for t, _ in params)
        out.append('%s = _function("%s", %s, [%s])' % (name, name, restype, argtypes))
    out.append("")
    out.append("FUNCTIONS = (%s)" % "".join("\n    %r," % f[0] for f in functions))
    out.append("")
    return "\n".join(out)


def main(argv):
    check = "--check" in argv
    args = [a for a in argv if a != "--check"]
    header = args[0] if args else DEFAULT_HEADER
    output = args[1] if len(args) > 1 else DEFAULT_OUTPUT
    with open(header, encoding="utf-8") as f:
        text = generate(f.read())
    if check:
        with open(output, encoding="utf-8") as f:
            if f.read() != text:
                print("%s is out of date: run %s" % (output, __file__), file=sys.stderr)
                return 1
        return 0
    with open(output, "w", encoding="utf-8") as f:
        f.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
