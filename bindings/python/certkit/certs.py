"""Certificates, certificate lists and chain verification."""
import ctypes
import datetime
from typing import List, Optional, Sequence, Tuple, Union

from . import _capi
from ._base import (_Handle, _b, _check, _lookup, _out_bytes, _out_handle, _out_text,
                    _out_value, _seconds, _take_buffer, _time, PathLike, Text)
from .keys import PrivateKey
from .names import Name

# Certificates given as objects, PEM text (bundles allowed), DER bytes or a list of those.
CertificatesLike = Union["Certificate", Text, Sequence[Union["Certificate", Text]]]


# Key-usage bits (RFC 5280 order), as Certificate.key_usage and Profile(key_usage=).
KEY_USAGE_NAMES = ("digitalSignature", "nonRepudiation", "keyEncipherment",
                   "dataEncipherment", "keyAgreement", "keyCertSign", "cRLSign",
                   "encipherOnly", "decipherOnly")
KU_DIGITAL_SIGNATURE, KU_NON_REPUDIATION, KU_KEY_ENCIPHERMENT, KU_DATA_ENCIPHERMENT, \
    KU_KEY_AGREEMENT, KU_KEY_CERT_SIGN, KU_CRL_SIGN, KU_ENCIPHER_ONLY, KU_DECIPHER_ONLY = \
    (1 << i for i in range(9))

_SAN_TYPES = {
    _capi.CERTKIT_SAN_DNS: "DNS",
    _capi.CERTKIT_SAN_IP: "IP",
    _capi.CERTKIT_SAN_EMAIL: "email",
    _capi.CERTKIT_SAN_URI: "URI",
}
_PURPOSES = {
    None: _capi.CERTKIT_PURPOSE_ANY,
    "any": _capi.CERTKIT_PURPOSE_ANY,
    "server": _capi.CERTKIT_PURPOSE_SERVER_AUTH,
    "serverAuth": _capi.CERTKIT_PURPOSE_SERVER_AUTH,
    "client": _capi.CERTKIT_PURPOSE_CLIENT_AUTH,
    "clientAuth": _capi.CERTKIT_PURPOSE_CLIENT_AUTH,
}


class Certificate(_Handle):
    """An X.509 certificate."""

    _free = staticmethod(_capi.certkit_cert_free)

    @classmethod
    def from_pem(cls, pem: Text) -> "Certificate":
        data = _b(pem)
        return cls._wrap(_out_handle(_capi.certkit_cert_from_pem_n, data, len(data)))

    @classmethod
    def from_der(cls, der: bytes) -> "Certificate":
        data = _b(der)
        return cls._wrap(_out_handle(_capi.certkit_cert_from_der, data, len(data)))

    @classmethod
    def load(cls, path: PathLike) -> "Certificate":
        with open(path, "rb") as f:
            data = f.read()
        return cls.from_pem(data) if b"-----BEGIN" in data else cls.from_der(data)

    @classmethod
    def coerce(cls, value: Union["Certificate", Text]) -> "Certificate":
        return value if isinstance(value, Certificate) else cls.from_pem(value)

    def to_pem(self) -> str:
        return _out_text(_capi.certkit_cert_to_pem, self)

    def to_der(self) -> bytes:
        return _out_bytes(_capi.certkit_cert_to_der, self)

    @property
    def version(self) -> int:
        return _out_value(_capi.certkit_cert_version, ctypes.c_int, self)

    @property
    def serial(self) -> str:
        """Lower-case hex serial number (keytool's form)."""
        return _out_text(_capi.certkit_cert_serial_hex, self)

    @property
    def subject(self) -> Name:
        return Name._wrap(_out_handle(_capi.certkit_cert_subject, self))

    @property
    def issuer(self) -> Name:
        return Name._wrap(_out_handle(_capi.certkit_cert_issuer, self))

    @property
    def not_before(self) -> datetime.datetime:
        return _time(_out_value(_capi.certkit_cert_not_before, ctypes.c_int64, self))

    @property
    def not_after(self) -> datetime.datetime:
        return _time(_out_value(_capi.certkit_cert_not_after, ctypes.c_int64, self))

    @property
    def sans(self) -> List[Tuple[str, str]]:
        """[("DNS", "a.example"), ("IP", "10.0.0.1"), ...]."""
        result = []
        for i in range(_out_value(_capi.certkit_cert_san_count, ctypes.c_size_t, self)):
            kind, pointer, length = ctypes.c_int(), ctypes.c_void_p(), ctypes.c_size_t()
            _check(_capi.certkit_cert_san_at(self, i, ctypes.byref(kind), ctypes.byref(pointer),
                                             ctypes.byref(length)))
            result.append((_SAN_TYPES.get(kind.value, str(kind.value)),
                           _take_buffer(pointer, length).decode()))
        return result

    @property
    def sans_text(self) -> str:
        """The SANs as "DNS:a,IP:1.2.3.4" ("" when none)."""
        return _out_text(_capi.certkit_cert_sans, self)

    @property
    def dns_names(self) -> List[str]:
        return [v for t, v in self.sans if t == "DNS"]

    @property
    def ip_addresses(self) -> List[str]:
        return [v for t, v in self.sans if t == "IP"]

    def _basic_constraints(self) -> Tuple[bool, Optional[int]]:
        is_ca, path_len = ctypes.c_int(), ctypes.c_int()
        _check(_capi.certkit_cert_basic_constraints(self, ctypes.byref(is_ca),
                                                    ctypes.byref(path_len)))
        return bool(is_ca.value), (None if path_len.value < 0 else path_len.value)

    @property
    def is_ca(self) -> bool:
        return self._basic_constraints()[0]

    @property
    def path_length(self) -> Optional[int]:
        """The pathLenConstraint, or None when unlimited or absent."""
        return self._basic_constraints()[1]

    @property
    def key_usage(self) -> Optional[int]:
        """Key-usage bit set (bit 0 digitalSignature ...), None when absent."""
        value = ctypes.c_uint32()
        code = _capi.certkit_cert_key_usage(self, ctypes.byref(value))
        if code == _capi.CERTKIT_ERROR_NOT_FOUND:
            return None
        _check(code)
        return value.value

    @property
    def key_usage_names(self) -> Optional[List[str]]:
        """The key usages as names ("digitalSignature", "keyCertSign", ...);
        None when the extension is absent."""
        bits = self.key_usage
        if bits is None:
            return None
        return [name for i, name in enumerate(KEY_USAGE_NAMES) if bits & (1 << i)]

    @property
    def extended_key_usage(self) -> Optional[List[str]]:
        """List of dotted OIDs, None when the extension is absent."""
        pointer, length = ctypes.c_void_p(), ctypes.c_size_t()
        code = _capi.certkit_cert_extended_key_usage(self, ctypes.byref(pointer),
                                                     ctypes.byref(length))
        if code == _capi.CERTKIT_ERROR_NOT_FOUND:
            return None
        _check(code)
        text = _take_buffer(pointer, length).decode()
        return [oid for oid in text.split(",") if oid]

    @property
    def signature_algorithm(self) -> str:
        return _out_text(_capi.certkit_cert_signature_algorithm, self)

    def fingerprint(self, digest: str = "sha256") -> str:
        """keytool's "AB:CD:..." fingerprint; digest "sha256" or "sha1"."""
        code = {"sha1": _capi.CERTKIT_DIGEST_SHA1, "sha256": _capi.CERTKIT_DIGEST_SHA256}
        return _out_text(_capi.certkit_cert_fingerprint, self,
                         _lookup(code, digest, "digest"))

    @property
    def summary(self) -> str:
        return _out_text(_capi.certkit_cert_summary, self)

    @property
    def public_key_pem(self) -> str:
        return _out_text(_capi.certkit_cert_public_key_pem, self)

    def matches_key(self, key: "PrivateKey") -> bool:
        """True when |key| (a PrivateKey) is this certificate's private key."""
        return bool(_out_value(_capi.certkit_cert_matches_key, ctypes.c_int, self, key))

    def verify(self, anchors: CertificatesLike, intermediates: Optional[CertificatesLike] = None,
               *, ip: Optional[Text] = None, dns: Optional[Text] = None,
               host: Optional[Text] = None, email: Optional[Text] = None,
               purpose: Optional[str] = None,
               time: Optional[Union[datetime.datetime, int]] = None,
               allow_cn_fallback: bool = False,
               max_depth: Optional[int] = None,
               crls: Optional[Sequence[Union[str, bytes]]] = None) -> List["Certificate"]:
        """Validates this certificate against the trust |anchors| (Certificates
        or PEM text) with optional |intermediates|, checking at most one
        identity (ip=, dns=, host= or email=) and a purpose ("server",
        "client"). Returns the verified chain (leaf first, anchor last);
        raises a VerificationError subclass naming the rule that failed, e.g.
        IdentityMismatchError listing the certificate's names. |crls| is a
        list of CRLs (PEM text or DER bytes); a listed certificate raises
        CertRevokedError (CERTKIT_ERROR_CERT_REVOKED)."""
        identities = [(t, v) for t, v in ((_capi.CERTKIT_IDENTITY_IP, ip),
                                           (_capi.CERTKIT_IDENTITY_DNS, dns),
                                           (_capi.CERTKIT_IDENTITY_HOST, host),
                                           (_capi.CERTKIT_IDENTITY_EMAIL, email)) if v is not None]
        if len(identities) > 1:
            raise ValueError("give at most one of ip=, dns=, host=, email=")
        with _CertList.of(anchors) as anchor_list, \
                _CertList.of(intermediates or []) as intermediate_list, \
                _VerifyOptions() as options:
            if identities:
                kind, value = identities[0]
                value = _b(value)
                _check(_capi.certkit_verify_options_set_identity_n(options, kind, value,
                                                                   len(value)))
            _check(_capi.certkit_verify_options_set_purpose(
                options, _lookup(_PURPOSES, purpose, "purpose")))
            if time is not None:
                _check(_capi.certkit_verify_options_set_time(options, _seconds(time)))
            if allow_cn_fallback:
                _check(_capi.certkit_verify_options_set_allow_cn_fallback(options, 1))
            if max_depth is not None:
                _check(_capi.certkit_verify_options_set_max_depth(options, max_depth))
            for crl in crls or []:
                data = _b(crl)
                _check(_capi.certkit_verify_options_add_crl(options, data, len(data)))
            chain = _CertList._wrap(_out_handle(_capi.certkit_verify, self, intermediate_list,
                                                anchor_list, options))
            with chain:
                return chain.to_list()

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Certificate):
            return NotImplemented
        return bool(_out_value(_capi.certkit_cert_equal, ctypes.c_int, self, other))

    def __hash__(self) -> int:
        return hash(self.fingerprint())

    def __repr__(self) -> str:
        if self._handle is None:
            return "<certkit.Certificate closed>"
        return "<certkit.Certificate subject=%r serial=%s>" % (str(self.subject), self.serial)


class _CertList(_Handle):
    _free = staticmethod(_capi.certkit_cert_list_free)

    @classmethod
    def of(cls, certificates: CertificatesLike) -> "_CertList":
        """A list from Certificates, PEM text (bundles allowed) or bytes."""
        if isinstance(certificates, (str, bytes, Certificate)):
            certificates = [certificates]
        result = cls._wrap(_out_handle(_capi.certkit_cert_list_new))
        try:
            for item in certificates:
                if isinstance(item, Certificate):
                    _check(_capi.certkit_cert_list_add(result, item))
                else:
                    for cert in parse_certificates(item):
                        with cert:
                            _check(_capi.certkit_cert_list_add(result, cert))
        except BaseException:
            result.close()
            raise
        return result

    def to_list(self) -> List[Certificate]:
        count = _out_value(_capi.certkit_cert_list_count, ctypes.c_size_t, self)
        return [Certificate._wrap(_out_handle(_capi.certkit_cert_list_get, self, i))
                for i in range(count)]


def parse_certificates(data: Text) -> List[Certificate]:
    """Every certificate of a PEM bundle (or one DER certificate)."""
    data = _b(data)
    with _CertList._wrap(_out_handle(_capi.certkit_cert_list_parse_n, data, len(data))) as lst:
        return lst.to_list()


def certificates_to_pem(certificates: CertificatesLike) -> str:
    """One PEM bundle of |certificates|."""
    with _CertList.of(certificates) as lst:
        return _out_text(_capi.certkit_cert_list_to_pem, lst)


class _VerifyOptions(_Handle):
    _free = staticmethod(_capi.certkit_verify_options_free)

    def __init__(self) -> None:
        super().__init__(_out_handle(_capi.certkit_verify_options_new))
