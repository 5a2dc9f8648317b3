"""JKS / JCEKS / PKCS#12 / PEM key stores."""
import ctypes
import datetime
import os
from typing import Any, Callable, Dict, Iterator, List, Optional, Union

from . import _capi
from ._base import (_Handle, _b, _check, _lookup, _out_bytes, _out_handle, _out_text,
                    _out_value, _owned, _pw, _time, PathLike, Text)
from .certs import Certificate, CertificatesLike, _CertList
from .keys import PrivateKey


_STORE_FORMATS = {
    "auto": _capi.CERTKIT_STORE_AUTO,
    "jks": _capi.CERTKIT_STORE_JKS,
    "jceks": _capi.CERTKIT_STORE_JCEKS,
    "pkcs12": _capi.CERTKIT_STORE_PKCS12,
    "p12": _capi.CERTKIT_STORE_PKCS12,
    "pem": _capi.CERTKIT_STORE_PEM,
}
_ENTRY_TYPES = {
    _capi.CERTKIT_ENTRY_PRIVATE_KEY: "private_key",
    _capi.CERTKIT_ENTRY_TRUSTED_CERT: "trusted_cert",
}


# PKCS#12 profiles (docs/SECURITY.md): the save flag each one sets.
_P12_PROFILES = {
    "modern": 0,
    "modern2026": _capi.CERTKIT_SAVE_PKCS12_MODERN2026,
    "legacy": _capi.CERTKIT_SAVE_PKCS12_LEGACY,
    "passwordless-truststore": _capi.CERTKIT_SAVE_PKCS12_PASSWORDLESS_TRUSTSTORE,
}


def _flags(legacy: bool, plain_keys: bool, p12_profile: Optional[str] = None) -> int:
    """|legacy| is the older spelling of p12_profile="legacy"; both with
    another profile is the C ABI's InvalidArgumentError."""
    profile = 0 if p12_profile is None else _lookup(_P12_PROFILES, p12_profile, "PKCS#12 profile")
    return ((_capi.CERTKIT_SAVE_PKCS12_LEGACY if legacy else 0) | profile
            | (_capi.CERTKIT_SAVE_PEM_PLAIN_KEYS if plain_keys else 0))


class KeyStore(_Handle):
    """A JKS / JCEKS (read-only) / PKCS#12 / PEM key store. Aliases are
    case-insensitive; iteration yields them lower-cased."""

    _free = staticmethod(_capi.certkit_keystore_free)

    def __init__(self) -> None:
        super().__init__(_out_handle(_capi.certkit_keystore_new))

    @classmethod
    def load(cls, data: Text, password: Optional[Text] = None,
             format: str = "auto") -> "KeyStore":
        """Parses store bytes; wrong password: BadPasswordError; corrupted:
        IntegrityError."""
        data = _b(data)
        pw, pw_len = _pw(password)
        return cls._wrap(_out_handle(_capi.certkit_keystore_load_n, data, len(data), pw, pw_len,
                                     _lookup(_STORE_FORMATS, format, "format")))

    @classmethod
    def load_file(cls, path: PathLike, password: Optional[Text] = None,
                  format: str = "auto") -> "KeyStore":
        p = _b(os.fspath(path))
        pw, pw_len = _pw(password)
        return cls._wrap(_out_handle(_capi.certkit_keystore_load_file_n, p, len(p), pw, pw_len,
                                     _lookup(_STORE_FORMATS, format, "format")))

    @staticmethod
    def convert(data: Text, in_password: Optional[Text], out_format: str,
                out_password: Optional[Text] = None, in_format: str = "auto", *,
                legacy: bool = False, plain_keys: bool = False,
                p12_profile: Optional[str] = None) -> bytes:
        """keytool -importkeystore in one step: returns the converted bytes.
        |p12_profile|: "modern" (default), "modern2026", "legacy" or
        "passwordless-truststore" (see save)."""
        data = _b(data)
        ipw, ipw_len = _pw(in_password)
        opw, opw_len = _pw(out_password if out_password is not None else in_password)
        return _out_bytes(_capi.certkit_keystore_convert_n, data, len(data), ipw, ipw_len,
                          _lookup(_STORE_FORMATS, in_format, "format"),
                          _lookup(_STORE_FORMATS, out_format, "format"), opw, opw_len,
                          _flags(legacy, plain_keys, p12_profile))

    @property
    def format(self) -> str:
        """"jks", "jceks", "pkcs12", "pem" (the loaded format) or "auto" (new)."""
        value = _out_value(_capi.certkit_keystore_format, ctypes.c_int, self)
        return _capi.certkit_store_format_name(value).decode().lower()

    def save(self, format: str, password: Optional[Text] = None, *, legacy: bool = False,
             plain_keys: bool = False, p12_profile: Optional[str] = None) -> bytes:
        """Serializes to "jks", "pkcs12" or "pem" bytes. PKCS#12 is written in
        |p12_profile|: "modern" (default; AES-256, HMAC-SHA256 MAC),
        "modern2026" (AES-256, PBMAC1 MAC), "legacy" (3DES/RC2, SHA-1 MAC;
        also |legacy|=True) or "passwordless-truststore" (certificates only,
        no password, no MAC: InvalidArgumentError for a store with a key).
        An unknown name is ValueError."""
        pw, pw_len = _pw(password)
        return _out_bytes(_capi.certkit_keystore_save_n, self,
                          _lookup(_STORE_FORMATS, format, "format"), pw, pw_len,
                          _flags(legacy, plain_keys, p12_profile))

    def save_file(self, path: PathLike, format: str, password: Optional[Text] = None, *,
                  legacy: bool = False, plain_keys: bool = False,
                  p12_profile: Optional[str] = None) -> None:
        """Writes atomically (mode 0600 when it holds keys); |p12_profile| as
        in save."""
        p = _b(os.fspath(path))
        pw, pw_len = _pw(password)
        _check(_capi.certkit_keystore_save_file_n(self, p, len(p),
                                                  _lookup(_STORE_FORMATS, format, "format"),
                                                  pw, pw_len, _flags(legacy, plain_keys, p12_profile)))

    def __len__(self) -> int:
        return _out_value(_capi.certkit_keystore_count, ctypes.c_size_t, self)

    def aliases(self) -> List[str]:
        return [_out_text(_capi.certkit_keystore_alias_at, self, i) for i in range(len(self))]

    def __iter__(self) -> Iterator[str]:
        return iter(self.aliases())

    def __contains__(self, alias: object) -> bool:
        a = _b(alias)
        value = ctypes.c_int()
        code = _capi.certkit_keystore_entry_type_n(self, a, len(a), ctypes.byref(value))
        if code == _capi.CERTKIT_ERROR_NOT_FOUND:
            return False
        _check(code)
        return True

    def _alias_call(self, fn: Callable[..., int], alias: Text, *args: Any) -> int:
        a = _b(alias)
        return fn(self, a, len(a), *args)

    def entry_type(self, alias: Text) -> str:
        """"private_key" or "trusted_cert"."""
        value = ctypes.c_int()
        _check(self._alias_call(_capi.certkit_keystore_entry_type_n, alias, ctypes.byref(value)))
        return _ENTRY_TYPES[value.value]

    def entry_date(self, alias: Text) -> datetime.datetime:
        value = ctypes.c_int64()
        _check(self._alias_call(_capi.certkit_keystore_entry_date_n, alias, ctypes.byref(value)))
        return _time(value.value)

    def entries(self) -> Dict[str, str]:
        """{alias: entry type}."""
        return {alias: self.entry_type(alias) for alias in self}

    def get_certificate(self, alias: Text) -> Certificate:
        handle = ctypes.c_void_p()
        _check(self._alias_call(_capi.certkit_keystore_get_cert_n, alias, ctypes.byref(handle)))
        return Certificate._wrap(handle.value)

    def get_chain(self, alias: Text) -> List[Certificate]:
        handle = ctypes.c_void_p()
        _check(self._alias_call(_capi.certkit_keystore_get_chain_n, alias, ctypes.byref(handle)))
        with _CertList._wrap(handle.value) as lst:
            return lst.to_list()

    def get_key(self, alias: Text) -> PrivateKey:
        """The private key; BadKeyPasswordError while the entry is locked."""
        handle = ctypes.c_void_p()
        _check(self._alias_call(_capi.certkit_keystore_get_key_n, alias, ctypes.byref(handle)))
        return PrivateKey._wrap(handle.value)

    def set_key_entry(self, alias: Text, key: PrivateKey, chain: CertificatesLike) -> None:
        """Adds or replaces key entry |alias|; |chain| is leaf first (Certificates
        or PEM) and its leaf must match |key| (KeyMismatchError)."""
        with _CertList.of(chain) as chain_list:
            _check(self._alias_call(_capi.certkit_keystore_set_key_entry_n, alias, key,
                                    chain_list))

    def add_trusted_certificate(self, alias: Text,
                                certificate: Union[Certificate, Text]) -> None:
        """keytool -importcert of a trusted certificate (AlreadyExistsError)."""
        with _owned(Certificate.coerce(certificate), certificate) as cert:
            _check(self._alias_call(_capi.certkit_keystore_add_trusted_cert_n, alias, cert))

    def import_ca_reply(self, alias: Text, reply: CertificatesLike) -> None:
        with _CertList.of(reply) as lst:
            _check(self._alias_call(_capi.certkit_keystore_import_ca_reply_n, alias, lst))

    def delete(self, alias: Text) -> None:
        _check(self._alias_call(_capi.certkit_keystore_delete_n, alias))

    __delitem__ = delete

    def rename(self, old: Text, new: Text) -> None:
        o, n = _b(old), _b(new)
        _check(_capi.certkit_keystore_rename_n(self, o, len(o), n, len(n)))

    def unlock_key(self, alias: Text, key_password: Optional[Text]) -> None:
        pw, pw_len = _pw(key_password)
        _check(self._alias_call(_capi.certkit_keystore_unlock_key_n, alias, pw, pw_len))

    def merge(self, other: "KeyStore", overwrite: bool = False) -> None:
        _check(_capi.certkit_keystore_merge(self, other, int(bool(overwrite))))

    def trusted_certificates(self) -> List[Certificate]:
        with _CertList._wrap(_out_handle(_capi.certkit_keystore_trusted_certs, self)) as lst:
            return lst.to_list()
