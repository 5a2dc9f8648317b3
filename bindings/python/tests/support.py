"""Shared test setup: import the binding from this checkout and, unless
CERTKIT_LIBRARY is set (bindings/test.sh sets it), load the repository's
build/capi/libcertkit.so."""
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
_BUILD_LIBRARY = os.path.join(HERE, "..", "..", "..", "build", "capi", "libcertkit.so")
if "CERTKIT_LIBRARY" not in os.environ and os.path.exists(_BUILD_LIBRARY):
    os.environ["CERTKIT_LIBRARY"] = os.path.abspath(_BUILD_LIBRARY)
