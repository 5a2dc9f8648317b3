"""Finds and loads libcertkit.so.

Search order: the CERTKIT_LIBRARY environment variable (a file path),
libcertkit.so(.0) next to this package, then the system loader
(ctypes.util.find_library / "libcertkit.so.0").
"""
import ctypes
import ctypes.util
import os

_HERE = os.path.dirname(os.path.abspath(__file__))


def _candidates():
    env = os.environ.get("CERTKIT_LIBRARY")
    if env:
        yield env
        return
    for name in ("libcertkit.so", "libcertkit.so.0", "libcertkit.dylib"):
        path = os.path.join(_HERE, name)
        if os.path.exists(path):
            yield path
    found = ctypes.util.find_library("certkit")
    if found:
        yield found
    yield "libcertkit.so.0"


def _load():
    errors = []
    for candidate in _candidates():
        try:
            return ctypes.CDLL(candidate)
        except OSError as e:
            errors.append("%s: %s" % (candidate, e))
    raise OSError("cannot load libcertkit (set CERTKIT_LIBRARY to its path): " + "; ".join(errors))


LIBRARY = _load()


def _missing(name):
    def missing(*_args):
        raise NotImplementedError("%s is not exported by the loaded libcertkit" % name)
    return missing


def function(name, restype, argtypes):
    """Returns the library function |name| with its restype and argtypes set."""
    try:
        fn = getattr(LIBRARY, name)
    except AttributeError:
        return _missing(name)
    fn.restype = restype
    fn.argtypes = argtypes
    return fn
