"""Distinguished names."""
import ctypes
from typing import List, Optional, Tuple, Union

from . import _capi
from ._base import _Handle, _b, _check, _out_handle, _out_text, _out_value, _take_buffer, Text



class Name(_Handle):
    """A distinguished name. str(name) is the RFC 4514 form ("CN=a, O=b")."""

    _free = staticmethod(_capi.certkit_name_free)

    def __init__(self, text: Optional[Text] = None) -> None:
        if text is None:
            handle = _out_handle(_capi.certkit_name_new)
        else:
            data = _b(text)
            handle = _out_handle(_capi.certkit_name_parse_n, data, len(data))
        super().__init__(handle)

    @classmethod
    def coerce(cls, value: Union["Name", Text]) -> "Name":
        return value if isinstance(value, Name) else cls(value)

    def __str__(self) -> str:
        return _out_text(_capi.certkit_name_to_string, self, _capi.CERTKIT_NAME_RFC4514)

    @property
    def slash(self) -> str:
        """The OpenSSL -subj form "/C=US/O=b/CN=a"."""
        return _out_text(_capi.certkit_name_to_string, self, _capi.CERTKIT_NAME_SLASH)

    def get(self, attribute: Text, default: Optional[str] = None) -> Optional[str]:
        """The value of the last |attribute| ("CN", "O", an OID), else |default|."""
        try:
            return self[attribute]
        except KeyError:
            return default

    def __getitem__(self, attribute: Text) -> str:
        data = _b(attribute)
        pointer, length = ctypes.c_void_p(), ctypes.c_size_t()
        code = _capi.certkit_name_get_n(self, data, len(data), ctypes.byref(pointer),
                                        ctypes.byref(length))
        if code == _capi.CERTKIT_ERROR_NOT_FOUND:
            raise KeyError(attribute)
        _check(code)
        return _take_buffer(pointer, length).decode()

    def __setitem__(self, attribute: Text, value: Text) -> None:
        t, v = _b(attribute), _b(value)
        _check(_capi.certkit_name_set_n(self, t, len(t), v, len(v)))

    def __len__(self) -> int:
        return _out_value(_capi.certkit_name_count, ctypes.c_size_t, self)

    def attributes(self) -> List[Tuple[str, str]]:
        """[(type, value)] in DER order."""
        result = []
        for i in range(len(self)):
            t, v = ctypes.c_void_p(), ctypes.c_void_p()
            _check(_capi.certkit_name_attribute(self, i, ctypes.byref(t), ctypes.byref(v)))
            try:
                result.append((ctypes.string_at(t.value or 0).decode(),
                               ctypes.string_at(v.value or 0).decode()))
            finally:
                _capi.certkit_buffer_free(t)
                _capi.certkit_buffer_free(v)
        return result

    def __eq__(self, other: object) -> bool:
        if isinstance(other, (Name, str)):
            return str(self) == str(Name.coerce(other))
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return "<certkit.Name %r>" % str(self)
