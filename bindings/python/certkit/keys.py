"""Private keys."""
import ctypes
import os
from typing import Optional

from . import _capi
from ._base import _Handle, _b, _lookup, _out_bytes, _out_handle, _out_text, _out_value, _pw, PathLike, Text


_KEY_TYPES = {
    _capi.CERTKIT_KEY_RSA: "rsa",
    _capi.CERTKIT_KEY_EC_P256: "ec:p256",
    _capi.CERTKIT_KEY_EC_P384: "ec:p384",
    _capi.CERTKIT_KEY_ED25519: "ed25519",
    _capi.CERTKIT_KEY_EC_P521: "ec:p521",
}
_KEY_FORMATS = {
    "pkcs8": _capi.CERTKIT_KEY_FORMAT_PKCS8,
    "traditional": _capi.CERTKIT_KEY_FORMAT_TRADITIONAL,
}


class PrivateKey(_Handle):
    """A private key (RSA, EC P-256/P-384 or Ed25519) and its public half."""

    _free = staticmethod(_capi.certkit_key_free)

    @classmethod
    def generate(cls, spec: Text = "ec:p256") -> "PrivateKey":
        """New key: "rsa:2048", "rsa:3072", "rsa:4096", "ec:p256", "ec:p384", "ec:p521",
        "ed25519"."""
        return cls._wrap(_out_handle(_capi.certkit_key_generate, _b(spec)))

    @classmethod
    def from_pem(cls, pem: Text, password: Optional[Text] = None) -> "PrivateKey":
        """Parses PKCS#8 (plain or encrypted), PKCS#1, SEC 1 or legacy-encrypted
        PEM; a wrong or missing password raises BadPasswordError."""
        data = _b(pem)
        pw, pw_len = _pw(password)
        return cls._wrap(_out_handle(_capi.certkit_key_from_pem_n, data, len(data), pw, pw_len))

    @classmethod
    def from_der(cls, der: bytes, password: Optional[Text] = None) -> "PrivateKey":
        data = _b(der)
        pw, pw_len = _pw(password)
        return cls._wrap(_out_handle(_capi.certkit_key_from_der_n, data, len(data), pw, pw_len))

    @classmethod
    def load(cls, path: PathLike, password: Optional[Text] = None) -> "PrivateKey":
        """Reads a PEM (or DER) key file."""
        with open(path, "rb") as f:
            data = f.read()
        if b"-----BEGIN" in data:
            return cls.from_pem(data, password)
        return cls.from_der(data, password)

    @property
    def type(self) -> str:
        """"rsa", "ec:p256", "ec:p384", "ec:p521" or "ed25519"."""
        return _KEY_TYPES[_out_value(_capi.certkit_key_type, ctypes.c_int, self)]

    @property
    def bits(self) -> int:
        return _out_value(_capi.certkit_key_bits, ctypes.c_int, self)

    @property
    def description(self) -> str:
        """E.g. "RSA 2048" or "EC P-256"."""
        return _out_text(_capi.certkit_key_describe, self)

    def to_pem(self, password: Optional[Text] = None, format: str = "pkcs8") -> str:
        """PEM text; with |password| an encrypted PKCS#8 key (PBES2, AES-256)."""
        if password is not None:
            pw, pw_len = _pw(password)
            return _out_text(_capi.certkit_key_to_encrypted_pem_n, self, pw, pw_len)
        return _out_text(_capi.certkit_key_to_pem, self, _lookup(_KEY_FORMATS, format, "format"))

    def to_der(self, password: Optional[Text] = None, format: str = "pkcs8") -> bytes:
        if password is not None:
            pw, pw_len = _pw(password)
            return _out_bytes(_capi.certkit_key_to_encrypted_der_n, self, pw, pw_len)
        return _out_bytes(_capi.certkit_key_to_der, self, _lookup(_KEY_FORMATS, format, "format"))

    def save(self, path: PathLike, password: Optional[Text] = None,
             format: str = "pkcs8") -> None:
        """Writes the PEM key to |path| with mode 0600."""
        data = self.to_pem(password, format).encode()
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as f:
            f.write(data)

    @property
    def public_key_pem(self) -> str:
        return _out_text(_capi.certkit_key_public_pem, self)

    def __repr__(self) -> str:
        return "<certkit.PrivateKey %s>" % (self.description if self._handle else "closed")
