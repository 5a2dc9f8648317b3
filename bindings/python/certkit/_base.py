"""Shared plumbing: argument conversion, C buffers and handle ownership."""
import ctypes
import datetime
import os
from typing import Any, Callable, Mapping, Optional, Tuple, Type, TypeVar, Union, overload

from . import _capi
from .errors import CertkitError, check as _check

# Text arguments: str (UTF-8) or bytes.
Text = Union[str, bytes]
# File paths.
PathLike = Union[str, bytes, "os.PathLike[str]"]
# Times: aware datetimes (naive ones are UTC) or POSIX seconds.
When = Union[datetime.datetime, int]
H = TypeVar("H", bound="_Handle")


@overload
def _b(value: None) -> None: ...
@overload
def _b(value: Any) -> bytes: ...
def _b(value: Any) -> Optional[bytes]:
    """str/bytes/None -> bytes/None (UTF-8)."""
    if value is None or isinstance(value, bytes):
        return value
    if isinstance(value, (bytearray, memoryview)):
        return bytes(value)
    if isinstance(value, str):
        return value.encode("utf-8")
    if isinstance(value, os.PathLike):
        return os.fsencode(value)
    raise TypeError("expected str or bytes, got %s" % type(value).__name__)


def _pw(password: Optional[Text]) -> Tuple[Optional[bytes], int]:
    """Returns (bytes-or-None, length) for the _n variants."""
    data = _b(password)
    return data, (len(data) if data is not None else 0)


def _lookup(table: Mapping[Any, int], value: Any, what: str) -> int:
    key = value.lower() if isinstance(value, str) and value.lower() in table else value
    try:
        return table[key]
    except KeyError:
        raise ValueError("unknown %s %r (expected one of %s)"
                         % (what, value, ", ".join(str(k) for k in table if k))) from None


def _take_buffer(pointer: ctypes.c_void_p, length: ctypes.c_size_t) -> bytes:
    try:
        return ctypes.string_at(pointer.value, length.value) if pointer.value else b""
    finally:
        _capi.certkit_buffer_free(pointer)


def _out_bytes(fn: Callable[..., int], *args: Any) -> bytes:
    """Calls fn(*args, &buffer, &length) and returns the buffer as bytes."""
    pointer, length = ctypes.c_void_p(), ctypes.c_size_t()
    _check(fn(*args, ctypes.byref(pointer), ctypes.byref(length)))
    return _take_buffer(pointer, length)


def _out_text(fn: Callable[..., int], *args: Any) -> str:
    return _out_bytes(fn, *args).decode("utf-8")


def _out_value(fn: Callable[..., int], ctype: Any, *args: Any) -> Any:
    value = ctype()
    _check(fn(*args, ctypes.byref(value)))
    return value.value


def _out_handle(fn: Callable[..., int], *args: Any) -> Optional[int]:
    handle = ctypes.c_void_p()
    _check(fn(*args, ctypes.byref(handle)))
    return handle.value


def _time(seconds: int) -> datetime.datetime:
    return datetime.datetime.fromtimestamp(seconds, datetime.timezone.utc)


def _seconds(when: Union[datetime.datetime, int]) -> int:
    if isinstance(when, datetime.datetime):
        if when.tzinfo is None:
            when = when.replace(tzinfo=datetime.timezone.utc)
        return int(when.timestamp())
    return int(when)


__all__ = ["Text", "PathLike", "When", "_check", "CertkitError"]


class _Handle:
    """Owns one C handle; close() (or ``with``, or GC) releases it."""

    _free: Any = None  # the certkit_*_free function, set by subclasses
    _handle: Optional[int]

    def __init__(self, handle: Optional[int]) -> None:
        if not handle:
            raise CertkitError(_capi.CERTKIT_ERROR_INTERNAL, "library returned no handle")
        self._handle = handle

    @classmethod
    def _wrap(cls: Type[H], handle: Optional[int]) -> H:
        obj = cls.__new__(cls)
        _Handle.__init__(obj, handle)
        return obj

    @property
    def _as_parameter_(self) -> ctypes.c_void_p:
        # A closed object passes NULL: the library answers NullArgumentError.
        return ctypes.c_void_p(self._handle)

    def close(self) -> None:
        """Releases the C handle (idempotent)."""
        handle, self._handle = getattr(self, "_handle", None), None
        if handle is not None:
            type(self)._free(handle)

    def __enter__(self: H) -> H:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def __del__(self) -> None:
        try:
            self.close()
        except Exception:  # interpreter shutdown
            pass


class _owned:
    """Context manager closing |obj| on exit unless it is the caller's |original|."""

    def __init__(self, obj: Any, original: Any) -> None:
        self.obj, self.original = obj, original

    def __enter__(self) -> Any:
        return self.obj

    def __exit__(self, *exc: Any) -> None:
        if self.obj is not self.original:
            self.obj.close()
