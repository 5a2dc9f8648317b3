"""Certificate signing requests (PKCS#10)."""
from typing import Optional, Sequence, Union

from . import _capi
from ._base import _Handle, _b, _check, _out_bytes, _out_handle, _out_text, _owned, Text
from .keys import PrivateKey
from .names import Name



class CertificateRequest(_Handle):
    """A PKCS#10 certificate signing request."""

    _free = staticmethod(_capi.certkit_csr_free)

    @classmethod
    def create(cls, subject: Union[Name, Text], key: PrivateKey,
               sans: Optional[Union[Text, Sequence[str]]] = None) -> "CertificateRequest":
        """Builds and signs a CSR; |sans| is "DNS:a,IP:1.2.3.4" or a list."""
        if sans is not None and not isinstance(sans, (str, bytes)):
            sans = ",".join(sans)
        sans = _b(sans)
        with _owned(Name.coerce(subject), subject) as name:
            return cls._wrap(_out_handle(_capi.certkit_csr_create_n, name, sans,
                                         len(sans) if sans is not None else 0, key))

    @classmethod
    def from_pem(cls, pem: Text) -> "CertificateRequest":
        data = _b(pem)
        return cls._wrap(_out_handle(_capi.certkit_csr_from_pem_n, data, len(data)))

    @classmethod
    def from_der(cls, der: bytes) -> "CertificateRequest":
        data = _b(der)
        return cls._wrap(_out_handle(_capi.certkit_csr_from_der, data, len(data)))

    def verify_signature(self) -> None:
        """Raises BadSignatureError when the CSR's self-signature is wrong."""
        _check(_capi.certkit_csr_verify_signature(self))

    @property
    def subject(self) -> Name:
        return Name._wrap(_out_handle(_capi.certkit_csr_subject, self))

    @property
    def sans_text(self) -> str:
        return _out_text(_capi.certkit_csr_sans, self)

    @property
    def public_key_pem(self) -> str:
        return _out_text(_capi.certkit_csr_public_key_pem, self)

    def to_pem(self) -> str:
        return _out_text(_capi.certkit_csr_to_pem, self)

    def to_der(self) -> bytes:
        return _out_bytes(_capi.certkit_csr_to_der, self)
