"""The driver TLS configuration (cass_ssl style) and post-handshake peer checks."""
import ctypes
import os
from typing import Any, List, Optional, Union

from . import _capi
from ._base import _Handle, _b, _check, _pw, PathLike, Text
from .certs import Certificate, CertificatesLike, certificates_to_pem, parse_certificates
from .keys import PrivateKey


VERIFY_NONE = _capi.CERTKIT_SSL_VERIFY_NONE
VERIFY_PEER_CERT = _capi.CERTKIT_SSL_VERIFY_PEER_CERT
VERIFY_PEER_IDENTITY = _capi.CERTKIT_SSL_VERIFY_PEER_IDENTITY
VERIFY_PEER_IDENTITY_DNS = _capi.CERTKIT_SSL_VERIFY_PEER_IDENTITY_DNS
TLS1_2 = _capi.CERTKIT_SSL_VERSION_TLS1_2
TLS1_3 = _capi.CERTKIT_SSL_VERSION_TLS1_3
_PEER_PURPOSES = {"server": _capi.CERTKIT_PURPOSE_SERVER_AUTH,
                  "client": _capi.CERTKIT_PURPOSE_CLIENT_AUTH}


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

    def add_crl(self, crl: Union[Text, bytes]) -> None:
        """Adds a certificate revocation list (PEM or DER): a peer certificate
        a CRL of its issuer lists is refused with CertRevokedError."""
        data = _b(crl)
        _check(_capi.certkit_ssl_add_crl(self, data, len(data)))

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

    def verify_peer(self, chain: CertificatesLike, peer: Optional[Text] = None,
                    purpose: str = "server") -> None:
        """Applies the verification flags to a peer chain (leaf first;
        Certificates, DER bytes or one PEM bundle) as a driver with its own
        TLS stack would; |peer| is the peer IP (or host name). |purpose| is
        the peer's role: "server" (we are the client) or "client" (we are a
        server checking a client certificate: no identity applies)."""
        if purpose not in _PEER_PURPOSES:
            raise ValueError("purpose must be \"server\" or \"client\", not %r" % (purpose,))
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
        _check(_capi.certkit_ssl_verify_peer_ex(self, array, lengths, count, p,
                                                len(p) if p is not None else 0,
                                                _PEER_PURPOSES[purpose]))

    # -- live reload and export (handing the material to another TLS stack) --

    @property
    def generation(self) -> int:
        """A number that grows with every change of the material or settings."""
        return int(_capi.certkit_ssl_generation(self))

    def reload_pem_files(self, cert: PathLike, key: PathLike, key_password: Optional[Text] = None,
                         ca: Optional[PathLike] = None) -> None:
        """Replaces the chain and key (and with |ca| the trusted
        certificates) from PEM files, all or nothing: on any error (missing
        file, bad password, a key that does not match) nothing changes."""
        _check(_capi.certkit_ssl_reload_pem_files(self, _path(cert), _path(key), _b(key_password),
                                                  _path(ca)))

    def reload_keystore_files(self, keystore: PathLike, store_password: Optional[Text],
                              key_password: Optional[Text] = None, alias: Optional[Text] = None,
                              truststore: Optional[PathLike] = None,
                              trust_password: Optional[Text] = None) -> None:
        """The same from a JKS / PKCS#12 / PEM key store (key entry |alias|,
        else the only one) and optionally a trust store."""
        _check(_capi.certkit_ssl_reload_keystore_files(
            self, _path(keystore), _b(store_password), _b(key_password), _b(alias),
            _path(truststore), _b(trust_password)))

    def export(self) -> "SslMaterial":
        """A consistent snapshot of the chain, key and trusted certificates."""
        handle = ctypes.c_void_p()
        _check(_capi.certkit_ssl_export(self, ctypes.byref(handle)))
        return SslMaterial._wrap(handle.value)


def _path(path: Optional[PathLike]) -> Optional[bytes]:
    return None if path is None else os.fsencode(path)


class SslMaterial(_Handle):
    """A snapshot of an Ssl (Ssl.export()): its chain and trusted
    certificates as DER, its key as a PrivateKey (handed over inside the
    library: the PKCS#8 bytes never become a Python object and are wiped when
    the snapshot is closed)."""

    _free = staticmethod(_capi.certkit_ssl_material_free)

    def _ders(self, count: int, fn: Any) -> List[bytes]:
        out = []
        for i in range(count):
            length = ctypes.c_size_t()
            pointer = fn(self, i, ctypes.byref(length))
            out.append(ctypes.string_at(pointer, length.value) if pointer else b"")
        return out

    @property
    def chain(self) -> List[bytes]:
        """The own chain, leaf first, as DER."""
        return self._ders(_capi.certkit_ssl_material_chain_count(self),
                          _capi.certkit_ssl_material_chain_der)

    @property
    def trusted(self) -> List[bytes]:
        """The trusted certificates as DER."""
        return self._ders(_capi.certkit_ssl_material_trusted_count(self),
                          _capi.certkit_ssl_material_trusted_der)

    @property
    def generation(self) -> int:
        return int(_capi.certkit_ssl_material_generation(self))

    def key(self) -> Optional[PrivateKey]:
        """The private key (None when none is set)."""
        length = ctypes.c_size_t()
        pointer = _capi.certkit_ssl_material_key_pkcs8(self, ctypes.byref(length))
        if not pointer:
            return None
        handle = ctypes.c_void_p()
        _check(_capi.certkit_key_from_der_n(ctypes.cast(pointer, ctypes.c_char_p), length.value,
                                            None, 0, ctypes.byref(handle)))
        return PrivateKey._wrap(handle.value)
