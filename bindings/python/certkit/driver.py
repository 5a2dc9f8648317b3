"""The driver TLS configuration (cass_ssl style) and post-handshake peer checks."""
import ctypes
from typing import Optional, Union

from . import _capi
from ._base import _Handle, _b, _check, _pw, Text
from .certs import Certificate, CertificatesLike, certificates_to_pem, parse_certificates
from .keys import PrivateKey


VERIFY_NONE = _capi.CERTKIT_SSL_VERIFY_NONE
VERIFY_PEER_CERT = _capi.CERTKIT_SSL_VERIFY_PEER_CERT
VERIFY_PEER_IDENTITY = _capi.CERTKIT_SSL_VERIFY_PEER_IDENTITY
VERIFY_PEER_IDENTITY_DNS = _capi.CERTKIT_SSL_VERIFY_PEER_IDENTITY_DNS
TLS1_2 = _capi.CERTKIT_SSL_VERSION_TLS1_2
TLS1_3 = _capi.CERTKIT_SSL_VERSION_TLS1_3


class Ssl(_Handle):
    """The driver TLS configuration (cass_ssl style): trusted certificates,
    client certificate and key, verification flags, protocol versions."""

    _free = staticmethod(_capi.certkit_ssl_free)

    def __init__(self) -> None:
        handle = _capi.certkit_ssl_new()
        if not handle:
            raise MemoryError("certkit_ssl_new failed")
        super().__init__(handle)

    def add_trusted_cert(self, pem: Union[Certificate, Text]) -> None:
        """Adds every certificate of a PEM bundle (or one DER certificate)."""
        if isinstance(pem, Certificate):
            pem = pem.to_pem()
        data = _b(pem)
        _check(_capi.certkit_ssl_add_trusted_cert_n(self, data, len(data)))

    def add_trusted_keystore(self, data: Text, password: Optional[Text] = None) -> None:
        data = _b(data)
        pw, pw_len = _pw(password)
        _check(_capi.certkit_ssl_add_trusted_keystore_n(self, data, len(data), pw, pw_len))

    @property
    def verify_flags(self) -> int:
        return _capi.certkit_ssl_get_verify_flags(self)

    @verify_flags.setter
    def verify_flags(self, flags: int) -> None:
        _capi.certkit_ssl_set_verify_flags(self, int(flags))

    def set_cert(self, pem: CertificatesLike) -> None:
        """The client certificate chain (leaf first), one PEM buffer."""
        if not isinstance(pem, (str, bytes)):
            pem = certificates_to_pem(pem)
        data = _b(pem)
        _check(_capi.certkit_ssl_set_cert_n(self, data, len(data)))

    def set_private_key(self, pem: Union[PrivateKey, Text],
                        password: Optional[Text] = None) -> None:
        if isinstance(pem, PrivateKey):
            pem = pem.to_pem()
        data = _b(pem)
        pw, pw_len = _pw(password)
        _check(_capi.certkit_ssl_set_private_key_n(self, data, len(data), pw, pw_len))

    def set_keystore(self, data: Text, store_password: Optional[Text],
                     key_password: Optional[Text] = None, alias: Optional[Text] = None) -> None:
        data = _b(data)
        spw, spw_len = _pw(store_password)
        kpw, kpw_len = _pw(key_password)
        a, a_len = _pw(alias)
        _check(_capi.certkit_ssl_set_keystore_n(self, data, len(data), spw, spw_len, kpw, kpw_len,
                                                a, a_len))

    def set_protocol_versions(self, minimum: Optional[int] = None,
                              maximum: Optional[int] = None) -> None:
        """TLS1_2 / TLS1_3 (None leaves the default)."""
        if minimum is not None:
            _check(_capi.certkit_ssl_set_min_protocol_version(self, minimum))
        if maximum is not None:
            _check(_capi.certkit_ssl_set_max_protocol_version(self, maximum))

    def verify_peer(self, chain: CertificatesLike, peer: Optional[Text] = None) -> None:
        """Applies the verification flags to a peer chain (leaf first;
        Certificates, DER bytes or one PEM bundle) as a driver with its own
        TLS stack would; |peer| is the peer IP (or host name)."""
        if isinstance(chain, (str, bytes)) and (_b(chain).lstrip().startswith(b"-----")):
            certs = parse_certificates(chain)
            ders = [c.to_der() for c in certs]
            for c in certs:
                c.close()
        elif isinstance(chain, Certificate):
            ders = [chain.to_der()]
        else:
            ders = [c.to_der() if isinstance(c, Certificate) else _b(c) for c in chain]
        count = len(ders)
        array = (ctypes.c_char_p * max(count, 1))(*ders)
        lengths = (ctypes.c_size_t * max(count, 1))(*[len(d) for d in ders])
        p = _b(peer)
        _check(_capi.certkit_ssl_verify_peer_n(self, array, lengths, count, p,
                                               len(p) if p is not None else 0))
