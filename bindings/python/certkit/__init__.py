"""certkit: keys, certificates, CAs, verification and JKS/PKCS#12/PEM key
stores for database clusters, on top of libcertkit's stable C ABI.

Every object owns one C handle, released by close(), by leaving a ``with``
block, or when garbage collected. Failures raise a CertkitError subclass
(see certkit.errors) carrying the code and the library's precise message.
Text arguments accept str or bytes; text results are str, binary results
bytes.
"""
import ctypes
import datetime
import os

from . import _capi
from .errors import *  # noqa: F401,F403 (the exception classes are public API)
from . import errors as _errors
from .errors import CertkitError, check as _check

__all__ = [
    "version", "PrivateKey", "Name", "Certificate", "CertificateRequest", "Profile",
    "CertificateAuthority", "KeyStore", "Ssl", "parse_certificates",
    "VERIFY_NONE", "VERIFY_PEER_CERT", "VERIFY_PEER_IDENTITY", "VERIFY_PEER_IDENTITY_DNS",
    "TLS1_2", "TLS1_3", "CertkitError", "KEY_USAGE_NAMES", "KU_DIGITAL_SIGNATURE",
    "KU_NON_REPUDIATION", "KU_KEY_ENCIPHERMENT", "KU_DATA_ENCIPHERMENT", "KU_KEY_AGREEMENT",
    "KU_KEY_CERT_SIGN", "KU_CRL_SIGN", "KU_ENCIPHER_ONLY", "KU_DECIPHER_ONLY",
    "certificates_to_pem",
] + [name for name in dir(_errors) if name.endswith("Error")]

VERIFY_NONE = _capi.CERTKIT_SSL_VERIFY_NONE
VERIFY_PEER_CERT = _capi.CERTKIT_SSL_VERIFY_PEER_CERT
VERIFY_PEER_IDENTITY = _capi.CERTKIT_SSL_VERIFY_PEER_IDENTITY
VERIFY_PEER_IDENTITY_DNS = _capi.CERTKIT_SSL_VERIFY_PEER_IDENTITY_DNS
# Key-usage bits (RFC 5280 order), as Certificate.key_usage and Profile(key_usage=).
KEY_USAGE_NAMES = ("digitalSignature", "nonRepudiation", "keyEncipherment",
                   "dataEncipherment", "keyAgreement", "keyCertSign", "cRLSign",
                   "encipherOnly", "decipherOnly")
KU_DIGITAL_SIGNATURE, KU_NON_REPUDIATION, KU_KEY_ENCIPHERMENT, KU_DATA_ENCIPHERMENT, \
    KU_KEY_AGREEMENT, KU_KEY_CERT_SIGN, KU_CRL_SIGN, KU_ENCIPHER_ONLY, KU_DECIPHER_ONLY = \
    (1 << i for i in range(9))
TLS1_2 = _capi.CERTKIT_SSL_VERSION_TLS1_2
TLS1_3 = _capi.CERTKIT_SSL_VERSION_TLS1_3

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
_STORE_FORMATS = {
    "auto": _capi.CERTKIT_STORE_AUTO,
    "jks": _capi.CERTKIT_STORE_JKS,
    "jceks": _capi.CERTKIT_STORE_JCEKS,
    "pkcs12": _capi.CERTKIT_STORE_PKCS12,
    "p12": _capi.CERTKIT_STORE_PKCS12,
    "pem": _capi.CERTKIT_STORE_PEM,
}
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
_POLICIES = {
    "permissive": _capi.CERTKIT_POLICY_PERMISSIVE,
    "cockroach": _capi.CERTKIT_POLICY_COCKROACH,
}
_ENTRY_TYPES = {
    _capi.CERTKIT_ENTRY_PRIVATE_KEY: "private_key",
    _capi.CERTKIT_ENTRY_TRUSTED_CERT: "trusted_cert",
}


def version():
    """The loaded library's version string, e.g. "0.2.0"."""
    return _capi.certkit_version().decode()


# -- conversions --------------------------------------------------------------

def _b(value):
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


def _pw(password):
    """Returns (bytes-or-None, length) for the _n variants."""
    data = _b(password)
    return data, (len(data) if data is not None else 0)


def _lookup(table, value, what):
    key = value.lower() if isinstance(value, str) and value.lower() in table else value
    try:
        return table[key]
    except KeyError:
        raise ValueError("unknown %s %r (expected one of %s)"
                         % (what, value, ", ".join(str(k) for k in table if k))) from None


def _take_buffer(pointer, length):
    try:
        return ctypes.string_at(pointer.value, length.value) if pointer.value else b""
    finally:
        _capi.certkit_buffer_free(pointer)


def _out_bytes(fn, *args):
    """Calls fn(*args, &buffer, &length) and returns the buffer as bytes."""
    pointer, length = ctypes.c_void_p(), ctypes.c_size_t()
    _check(fn(*args, ctypes.byref(pointer), ctypes.byref(length)))
    return _take_buffer(pointer, length)


def _out_text(fn, *args):
    return _out_bytes(fn, *args).decode("utf-8")


def _out_value(fn, ctype, *args):
    value = ctype()
    _check(fn(*args, ctypes.byref(value)))
    return value.value


def _out_handle(fn, *args):
    handle = ctypes.c_void_p()
    _check(fn(*args, ctypes.byref(handle)))
    return handle.value


def _time(seconds):
    return datetime.datetime.fromtimestamp(seconds, datetime.timezone.utc)


def _seconds(when):
    if isinstance(when, datetime.datetime):
        if when.tzinfo is None:
            when = when.replace(tzinfo=datetime.timezone.utc)
        return int(when.timestamp())
    return int(when)


class _Handle:
    """Owns one C handle; close() (or ``with``, or GC) releases it."""

    _free = None  # the certkit_*_free function, set by subclasses

    def __init__(self, handle):
        if not handle:
            raise CertkitError(_capi.CERTKIT_ERROR_INTERNAL, "library returned no handle")
        self._handle = handle

    @classmethod
    def _wrap(cls, handle):
        obj = cls.__new__(cls)
        _Handle.__init__(obj, handle)
        return obj

    @property
    def _as_parameter_(self):
        # A closed object passes NULL: the library answers NullArgumentError.
        return ctypes.c_void_p(self._handle)

    def close(self):
        """Releases the C handle (idempotent)."""
        handle, self._handle = getattr(self, "_handle", None), None
        if handle is not None:
            type(self)._free(handle)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def __del__(self):
        try:
            self.close()
        except Exception:  # interpreter shutdown
            pass


# -- keys ---------------------------------------------------------------------

class PrivateKey(_Handle):
    """A private key (RSA, EC P-256/P-384 or Ed25519) and its public half."""

    _free = staticmethod(_capi.certkit_key_free)

    @classmethod
    def generate(cls, spec="ec:p256"):
        """New key: "rsa:2048", "rsa:3072", "rsa:4096", "ec:p256", "ec:p384", "ec:p521",
        "ed25519"."""
        return cls._wrap(_out_handle(_capi.certkit_key_generate, _b(spec)))

    @classmethod
    def from_pem(cls, pem, password=None):
        """Parses PKCS#8 (plain or encrypted), PKCS#1, SEC 1 or legacy-encrypted
        PEM; a wrong or missing password raises BadPasswordError."""
        data = _b(pem)
        pw, pw_len = _pw(password)
        return cls._wrap(_out_handle(_capi.certkit_key_from_pem_n, data, len(data), pw, pw_len))

    @classmethod
    def from_der(cls, der, password=None):
        data = _b(der)
        pw, pw_len = _pw(password)
        return cls._wrap(_out_handle(_capi.certkit_key_from_der_n, data, len(data), pw, pw_len))

    @classmethod
    def load(cls, path, password=None):
        """Reads a PEM (or DER) key file."""
        with open(path, "rb") as f:
            data = f.read()
        if b"-----BEGIN" in data:
            return cls.from_pem(data, password)
        return cls.from_der(data, password)

    @property
    def type(self):
        """"rsa", "ec:p256", "ec:p384", "ec:p521" or "ed25519"."""
        return _KEY_TYPES[_out_value(_capi.certkit_key_type, ctypes.c_int, self)]

    @property
    def bits(self):
        return _out_value(_capi.certkit_key_bits, ctypes.c_int, self)

    @property
    def description(self):
        """E.g. "RSA 2048" or "EC P-256"."""
        return _out_text(_capi.certkit_key_describe, self)

    def to_pem(self, password=None, format="pkcs8"):
        """PEM text; with |password| an encrypted PKCS#8 key (PBES2, AES-256)."""
        if password is not None:
            pw, pw_len = _pw(password)
            return _out_text(_capi.certkit_key_to_encrypted_pem_n, self, pw, pw_len)
        return _out_text(_capi.certkit_key_to_pem, self, _lookup(_KEY_FORMATS, format, "format"))

    def to_der(self, password=None, format="pkcs8"):
        if password is not None:
            pw, pw_len = _pw(password)
            return _out_bytes(_capi.certkit_key_to_encrypted_der_n, self, pw, pw_len)
        return _out_bytes(_capi.certkit_key_to_der, self, _lookup(_KEY_FORMATS, format, "format"))

    def save(self, path, password=None, format="pkcs8"):
        """Writes the PEM key to |path| with mode 0600."""
        data = self.to_pem(password, format).encode()
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as f:
            f.write(data)

    @property
    def public_key_pem(self):
        return _out_text(_capi.certkit_key_public_pem, self)

    def __repr__(self):
        return "<certkit.PrivateKey %s>" % (self.description if self._handle else "closed")


# -- names --------------------------------------------------------------------

class Name(_Handle):
    """A distinguished name. str(name) is the RFC 4514 form ("CN=a, O=b")."""

    _free = staticmethod(_capi.certkit_name_free)

    def __init__(self, text=None):
        if text is None:
            handle = _out_handle(_capi.certkit_name_new)
        else:
            data = _b(text)
            handle = _out_handle(_capi.certkit_name_parse_n, data, len(data))
        super().__init__(handle)

    @classmethod
    def coerce(cls, value):
        return value if isinstance(value, Name) else cls(value)

    def __str__(self):
        return _out_text(_capi.certkit_name_to_string, self, _capi.CERTKIT_NAME_RFC4514)

    @property
    def slash(self):
        """The OpenSSL -subj form "/C=US/O=b/CN=a"."""
        return _out_text(_capi.certkit_name_to_string, self, _capi.CERTKIT_NAME_SLASH)

    def get(self, attribute, default=None):
        """The value of the last |attribute| ("CN", "O", an OID), else |default|."""
        try:
            return self[attribute]
        except KeyError:
            return default

    def __getitem__(self, attribute):
        data = _b(attribute)
        pointer, length = ctypes.c_void_p(), ctypes.c_size_t()
        code = _capi.certkit_name_get_n(self, data, len(data), ctypes.byref(pointer),
                                        ctypes.byref(length))
        if code == _capi.CERTKIT_ERROR_NOT_FOUND:
            raise KeyError(attribute)
        _check(code)
        return _take_buffer(pointer, length).decode()

    def __setitem__(self, attribute, value):
        t, v = _b(attribute), _b(value)
        _check(_capi.certkit_name_set_n(self, t, len(t), v, len(v)))

    def __len__(self):
        return _out_value(_capi.certkit_name_count, ctypes.c_size_t, self)

    def attributes(self):
        """[(type, value)] in DER order."""
        result = []
        for i in range(len(self)):
            t, v = ctypes.c_void_p(), ctypes.c_void_p()
            _check(_capi.certkit_name_attribute(self, i, ctypes.byref(t), ctypes.byref(v)))
            try:
                result.append((ctypes.string_at(t.value).decode(),
                               ctypes.string_at(v.value).decode()))
            finally:
                _capi.certkit_buffer_free(t)
                _capi.certkit_buffer_free(v)
        return result

    def __eq__(self, other):
        if isinstance(other, (Name, str)):
            return str(self) == str(Name.coerce(other))
        return NotImplemented

    __hash__ = None

    def __repr__(self):
        return "<certkit.Name %r>" % str(self)


# -- certificates -------------------------------------------------------------

class Certificate(_Handle):
    """An X.509 certificate."""

    _free = staticmethod(_capi.certkit_cert_free)

    @classmethod
    def from_pem(cls, pem):
        data = _b(pem)
        return cls._wrap(_out_handle(_capi.certkit_cert_from_pem_n, data, len(data)))

    @classmethod
    def from_der(cls, der):
        data = _b(der)
        return cls._wrap(_out_handle(_capi.certkit_cert_from_der, data, len(data)))

    @classmethod
    def load(cls, path):
        with open(path, "rb") as f:
            data = f.read()
        return cls.from_pem(data) if b"-----BEGIN" in data else cls.from_der(data)

    @classmethod
    def coerce(cls, value):
        return value if isinstance(value, Certificate) else cls.from_pem(value)

    def to_pem(self):
        return _out_text(_capi.certkit_cert_to_pem, self)

    def to_der(self):
        return _out_bytes(_capi.certkit_cert_to_der, self)

    @property
    def version(self):
        return _out_value(_capi.certkit_cert_version, ctypes.c_int, self)

    @property
    def serial(self):
        """Lower-case hex serial number (keytool's form)."""
        return _out_text(_capi.certkit_cert_serial_hex, self)

    @property
    def subject(self):
        return Name._wrap(_out_handle(_capi.certkit_cert_subject, self))

    @property
    def issuer(self):
        return Name._wrap(_out_handle(_capi.certkit_cert_issuer, self))

    @property
    def not_before(self):
        return _time(_out_value(_capi.certkit_cert_not_before, ctypes.c_int64, self))

    @property
    def not_after(self):
        return _time(_out_value(_capi.certkit_cert_not_after, ctypes.c_int64, self))

    @property
    def sans(self):
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
    def sans_text(self):
        """The SANs as "DNS:a,IP:1.2.3.4" ("" when none)."""
        return _out_text(_capi.certkit_cert_sans, self)

    @property
    def dns_names(self):
        return [v for t, v in self.sans if t == "DNS"]

    @property
    def ip_addresses(self):
        return [v for t, v in self.sans if t == "IP"]

    def _basic_constraints(self):
        is_ca, path_len = ctypes.c_int(), ctypes.c_int()
        _check(_capi.certkit_cert_basic_constraints(self, ctypes.byref(is_ca),
                                                    ctypes.byref(path_len)))
        return bool(is_ca.value), (None if path_len.value < 0 else path_len.value)

    @property
    def is_ca(self):
        return self._basic_constraints()[0]

    @property
    def path_length(self):
        """The pathLenConstraint, or None when unlimited or absent."""
        return self._basic_constraints()[1]

    @property
    def key_usage(self):
        """Key-usage bit set (bit 0 digitalSignature ...), None when absent."""
        value = ctypes.c_uint32()
        code = _capi.certkit_cert_key_usage(self, ctypes.byref(value))
        if code == _capi.CERTKIT_ERROR_NOT_FOUND:
            return None
        _check(code)
        return value.value

    @property
    def key_usage_names(self):
        """The key usages as names ("digitalSignature", "keyCertSign", ...);
        None when the extension is absent."""
        bits = self.key_usage
        if bits is None:
            return None
        return [name for i, name in enumerate(KEY_USAGE_NAMES) if bits & (1 << i)]

    @property
    def extended_key_usage(self):
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
    def signature_algorithm(self):
        return _out_text(_capi.certkit_cert_signature_algorithm, self)

    def fingerprint(self, digest="sha256"):
        """keytool's "AB:CD:..." fingerprint; digest "sha256" or "sha1"."""
        code = {"sha1": _capi.CERTKIT_DIGEST_SHA1, "sha256": _capi.CERTKIT_DIGEST_SHA256}
        return _out_text(_capi.certkit_cert_fingerprint, self,
                         _lookup(code, digest, "digest"))

    @property
    def summary(self):
        return _out_text(_capi.certkit_cert_summary, self)

    @property
    def public_key_pem(self):
        return _out_text(_capi.certkit_cert_public_key_pem, self)

    def matches_key(self, key):
        """True when |key| (a PrivateKey) is this certificate's private key."""
        return bool(_out_value(_capi.certkit_cert_matches_key, ctypes.c_int, self, key))

    def verify(self, anchors, intermediates=None, *, ip=None, dns=None, host=None, email=None,
               purpose=None, time=None, allow_cn_fallback=False, max_depth=None, crls=None):
        """Validates this certificate against the trust |anchors| (Certificates
        or PEM text) with optional |intermediates|, checking at most one
        identity (ip=, dns=, host= or email=) and a purpose ("server",
        "client"). Returns the verified chain (leaf first, anchor last);
        raises a VerificationError subclass naming the rule that failed, e.g.
        IdentityMismatchError listing the certificate's names. |crls| is a
        list of CRLs (PEM text or DER bytes); a listed certificate raises
        the error for CERTKIT_ERROR_CERT_REVOKED."""
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

    def __eq__(self, other):
        if not isinstance(other, Certificate):
            return NotImplemented
        return bool(_out_value(_capi.certkit_cert_equal, ctypes.c_int, self, other))

    def __hash__(self):
        return hash(self.fingerprint())

    def __repr__(self):
        if self._handle is None:
            return "<certkit.Certificate closed>"
        return "<certkit.Certificate subject=%r serial=%s>" % (str(self.subject), self.serial)


class _CertList(_Handle):
    _free = staticmethod(_capi.certkit_cert_list_free)

    @classmethod
    def of(cls, certificates):
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

    def to_list(self):
        count = _out_value(_capi.certkit_cert_list_count, ctypes.c_size_t, self)
        return [Certificate._wrap(_out_handle(_capi.certkit_cert_list_get, self, i))
                for i in range(count)]


def parse_certificates(data):
    """Every certificate of a PEM bundle (or one DER certificate)."""
    data = _b(data)
    with _CertList._wrap(_out_handle(_capi.certkit_cert_list_parse_n, data, len(data))) as lst:
        return lst.to_list()


def certificates_to_pem(certificates):
    """One PEM bundle of |certificates|."""
    with _CertList.of(certificates) as lst:
        return _out_text(_capi.certkit_cert_list_to_pem, lst)


class _VerifyOptions(_Handle):
    _free = staticmethod(_capi.certkit_verify_options_free)

    def __init__(self):
        super().__init__(_out_handle(_capi.certkit_verify_options_new))


# -- CSRs ---------------------------------------------------------------------

class CertificateRequest(_Handle):
    """A PKCS#10 certificate signing request."""

    _free = staticmethod(_capi.certkit_csr_free)

    @classmethod
    def create(cls, subject, key, sans=None):
        """Builds and signs a CSR; |sans| is "DNS:a,IP:1.2.3.4" or a list."""
        if sans is not None and not isinstance(sans, (str, bytes)):
            sans = ",".join(sans)
        sans = _b(sans)
        with _owned(Name.coerce(subject), subject) as name:
            return cls._wrap(_out_handle(_capi.certkit_csr_create_n, name, sans,
                                         len(sans) if sans is not None else 0, key))

    @classmethod
    def from_pem(cls, pem):
        data = _b(pem)
        return cls._wrap(_out_handle(_capi.certkit_csr_from_pem_n, data, len(data)))

    @classmethod
    def from_der(cls, der):
        data = _b(der)
        return cls._wrap(_out_handle(_capi.certkit_csr_from_der, data, len(data)))

    def verify_signature(self):
        """Raises BadSignatureError when the CSR's self-signature is wrong."""
        _check(_capi.certkit_csr_verify_signature(self))

    @property
    def subject(self):
        return Name._wrap(_out_handle(_capi.certkit_csr_subject, self))

    @property
    def sans_text(self):
        return _out_text(_capi.certkit_csr_sans, self)

    @property
    def public_key_pem(self):
        return _out_text(_capi.certkit_csr_public_key_pem, self)

    def to_pem(self):
        return _out_text(_capi.certkit_csr_to_pem, self)

    def to_der(self):
        return _out_bytes(_capi.certkit_csr_to_der, self)


class _owned:
    """Context manager closing |obj| on exit unless it is the caller's |original|."""

    def __init__(self, obj, original):
        self.obj, self.original = obj, original

    def __enter__(self):
        return self.obj

    def __exit__(self, *exc):
        if self.obj is not self.original:
            self.obj.close()


# -- profiles and CAs ---------------------------------------------------------

class Profile(_Handle):
    """A signing profile: "node", "server", "client" or "intermediate",
    optionally adjusted (days, key_usage bits, extended_key_usage, require_san)."""

    _free = staticmethod(_capi.certkit_profile_free)

    def __init__(self, name="server", *, days=None, key_usage=None, extended_key_usage=None,
                 require_san=None):
        data = _b(name)
        super().__init__(_out_handle(_capi.certkit_profile_new_n, data, len(data)))
        if days is not None:
            _check(_capi.certkit_profile_set_days(self, days))
        if key_usage is not None:
            _check(_capi.certkit_profile_set_key_usage(self, key_usage))
        if extended_key_usage is not None:
            if not isinstance(extended_key_usage, (str, bytes)):
                extended_key_usage = ",".join(extended_key_usage)
            ekus = _b(extended_key_usage)
            _check(_capi.certkit_profile_set_extended_key_usage_n(self, ekus, len(ekus)))
        if require_san is not None:
            _check(_capi.certkit_profile_set_require_san(self, int(bool(require_san))))

    @classmethod
    def coerce(cls, value):
        return value if isinstance(value, Profile) else cls(value)


class _CaOptions(_Handle):
    _free = staticmethod(_capi.certkit_ca_options_free)

    def __init__(self, subject, key_spec, key, days, path_len, not_before, allow_beyond_issuer):
        super().__init__(_out_handle(_capi.certkit_ca_options_new))
        with _owned(Name.coerce(subject), subject) as name:
            _check(_capi.certkit_ca_options_set_subject(self, name))
        if key is not None:
            _check(_capi.certkit_ca_options_set_key(self, key))
        elif key_spec is not None:
            spec = _b(key_spec)
            _check(_capi.certkit_ca_options_set_key_spec_n(self, spec, len(spec)))
        if days is not None:
            _check(_capi.certkit_ca_options_set_days(self, days))
        if path_len is not None:
            _check(_capi.certkit_ca_options_set_path_len(self, path_len))
        if not_before is not None:
            _check(_capi.certkit_ca_options_set_not_before(self, _seconds(not_before)))
        if allow_beyond_issuer:
            _check(_capi.certkit_ca_options_set_allow_beyond_issuer(self, 1))


class _IssueOptions(_Handle):
    _free = staticmethod(_capi.certkit_issue_options_free)

    def __init__(self, days, not_before, sans, subject, policy, allow_beyond_issuer):
        super().__init__(_out_handle(_capi.certkit_issue_options_new))
        if days is not None:
            _check(_capi.certkit_issue_options_set_days(self, days))
        if not_before is not None:
            _check(_capi.certkit_issue_options_set_not_before(self, _seconds(not_before)))
        if sans:
            if not isinstance(sans, (str, bytes)):
                sans = ",".join(sans)
            data = _b(sans)
            _check(_capi.certkit_issue_options_add_sans_n(self, data, len(data)))
        if subject is not None:
            with _owned(Name.coerce(subject), subject) as name:
                _check(_capi.certkit_issue_options_set_subject(self, name))
        if policy is not None:
            _check(_capi.certkit_issue_options_set_policy(
                self, _lookup(_POLICIES, policy, "policy")))
        if allow_beyond_issuer:
            _check(_capi.certkit_issue_options_set_allow_beyond_issuer(self, 1))


class CertificateAuthority(_Handle):
    """A CA: its certificate, key and chain; issues certificates."""

    _free = staticmethod(_capi.certkit_ca_free)

    @classmethod
    def create_root(cls, subject, *, key_spec=None, key=None, days=None, path_len=None,
                    not_before=None):
        """A new self-signed root CA (key generated from |key_spec| unless |key|)."""
        with _CaOptions(subject, key_spec, key, days, path_len, not_before, False) as options:
            return cls._wrap(_out_handle(_capi.certkit_ca_create_root, options))

    def create_intermediate(self, subject, *, key_spec=None, key=None, days=None,
                            path_len=None, not_before=None, allow_beyond_issuer=False):
        """A new intermediate CA signed by this one."""
        with _CaOptions(subject, key_spec, key, days, path_len, not_before,
                        allow_beyond_issuer) as options:
            return CertificateAuthority._wrap(
                _out_handle(_capi.certkit_ca_create_intermediate, self, options))

    @classmethod
    def load(cls, certificate, key, chain=None):
        """From a Certificate, PrivateKey and optional chain to the root."""
        with _owned(Certificate.coerce(certificate), certificate) as cert:
            if chain is None:
                return cls._wrap(_out_handle(_capi.certkit_ca_load, cert, key, None))
            with _CertList.of(chain) as chain_list:
                return cls._wrap(_out_handle(_capi.certkit_ca_load, cert, key, chain_list))

    @classmethod
    def load_pem(cls, cert_pem, key_pem, password=None):
        cert, key = _b(cert_pem), _b(key_pem)
        pw, pw_len = _pw(password)
        return cls._wrap(_out_handle(_capi.certkit_ca_load_pem_n, cert, len(cert), key,
                                     len(key), pw, pw_len))

    @classmethod
    def from_keystore(cls, store, alias=None):
        a = _b(alias)
        return cls._wrap(_out_handle(_capi.certkit_ca_load_keystore_n, store, a,
                                     len(a) if a is not None else 0))

    @property
    def certificate(self):
        return Certificate._wrap(_out_handle(_capi.certkit_ca_certificate, self))

    @property
    def key(self):
        return PrivateKey._wrap(_out_handle(_capi.certkit_ca_key, self))

    @property
    def chain(self):
        """The CA certificate followed by its issuers up to the root."""
        with _CertList._wrap(_out_handle(_capi.certkit_ca_chain, self)) as lst:
            return lst.to_list()

    def sign(self, csr, profile="server", *, days=None, not_before=None, sans=None,
             subject=None, policy=None, allow_beyond_issuer=False):
        """Issues a certificate for |csr| (a CertificateRequest or PEM) with
        |profile| (a Profile or its name)."""
        with _owned(csr if isinstance(csr, CertificateRequest)
                    else CertificateRequest.from_pem(csr), csr) as request, \
                _owned(Profile.coerce(profile), profile) as prof, \
                _IssueOptions(days, not_before, sans, subject, policy,
                              allow_beyond_issuer) as options:
            return Certificate._wrap(_out_handle(_capi.certkit_ca_sign_csr, self, request, prof,
                                                 options))

    def sign_key(self, key, subject, profile="server", *, days=None, not_before=None, sans=None,
                 policy=None, allow_beyond_issuer=False):
        """Issues a certificate for the public half of |key| named |subject|."""
        with _owned(Profile.coerce(profile), profile) as prof, \
                _IssueOptions(days, not_before, sans, subject, policy,
                              allow_beyond_issuer) as options:
            return Certificate._wrap(_out_handle(_capi.certkit_ca_sign_key, self, key, prof,
                                                 options))


# -- key stores ---------------------------------------------------------------

def _flags(legacy, plain_keys):
    return ((_capi.CERTKIT_SAVE_PKCS12_LEGACY if legacy else 0)
            | (_capi.CERTKIT_SAVE_PEM_PLAIN_KEYS if plain_keys else 0))


class KeyStore(_Handle):
    """A JKS / JCEKS (read-only) / PKCS#12 / PEM key store. Aliases are
    case-insensitive; iteration yields them lower-cased."""

    _free = staticmethod(_capi.certkit_keystore_free)

    def __init__(self):
        super().__init__(_out_handle(_capi.certkit_keystore_new))

    @classmethod
    def load(cls, data, password=None, format="auto"):
        """Parses store bytes; wrong password: BadPasswordError; corrupted:
        IntegrityError."""
        data = _b(data)
        pw, pw_len = _pw(password)
        return cls._wrap(_out_handle(_capi.certkit_keystore_load_n, data, len(data), pw, pw_len,
                                     _lookup(_STORE_FORMATS, format, "format")))

    @classmethod
    def load_file(cls, path, password=None, format="auto"):
        p = _b(os.fspath(path))
        pw, pw_len = _pw(password)
        return cls._wrap(_out_handle(_capi.certkit_keystore_load_file_n, p, len(p), pw, pw_len,
                                     _lookup(_STORE_FORMATS, format, "format")))

    @staticmethod
    def convert(data, in_password, out_format, out_password=None, in_format="auto", *,
                legacy=False, plain_keys=False):
        """keytool -importkeystore in one step: returns the converted bytes."""
        data = _b(data)
        ipw, ipw_len = _pw(in_password)
        opw, opw_len = _pw(out_password if out_password is not None else in_password)
        return _out_bytes(_capi.certkit_keystore_convert_n, data, len(data), ipw, ipw_len,
                          _lookup(_STORE_FORMATS, in_format, "format"),
                          _lookup(_STORE_FORMATS, out_format, "format"), opw, opw_len,
                          _flags(legacy, plain_keys))

    @property
    def format(self):
        """"jks", "jceks", "pkcs12", "pem" (the loaded format) or "auto" (new)."""
        value = _out_value(_capi.certkit_keystore_format, ctypes.c_int, self)
        return _capi.certkit_store_format_name(value).decode().lower()

    def save(self, format, password=None, *, legacy=False, plain_keys=False):
        """Serializes to "jks", "pkcs12" or "pem" bytes."""
        pw, pw_len = _pw(password)
        return _out_bytes(_capi.certkit_keystore_save_n, self,
                          _lookup(_STORE_FORMATS, format, "format"), pw, pw_len,
                          _flags(legacy, plain_keys))

    def save_file(self, path, format, password=None, *, legacy=False, plain_keys=False):
        """Writes atomically (mode 0600 when it holds keys)."""
        p = _b(os.fspath(path))
        pw, pw_len = _pw(password)
        _check(_capi.certkit_keystore_save_file_n(self, p, len(p),
                                                  _lookup(_STORE_FORMATS, format, "format"),
                                                  pw, pw_len, _flags(legacy, plain_keys)))

    def __len__(self):
        return _out_value(_capi.certkit_keystore_count, ctypes.c_size_t, self)

    def aliases(self):
        return [_out_text(_capi.certkit_keystore_alias_at, self, i) for i in range(len(self))]

    def __iter__(self):
        return iter(self.aliases())

    def __contains__(self, alias):
        a = _b(alias)
        value = ctypes.c_int()
        code = _capi.certkit_keystore_entry_type_n(self, a, len(a), ctypes.byref(value))
        if code == _capi.CERTKIT_ERROR_NOT_FOUND:
            return False
        _check(code)
        return True

    def _alias_call(self, fn, alias, *args):
        a = _b(alias)
        return fn(self, a, len(a), *args)

    def entry_type(self, alias):
        """"private_key" or "trusted_cert"."""
        value = ctypes.c_int()
        _check(self._alias_call(_capi.certkit_keystore_entry_type_n, alias, ctypes.byref(value)))
        return _ENTRY_TYPES[value.value]

    def entry_date(self, alias):
        value = ctypes.c_int64()
        _check(self._alias_call(_capi.certkit_keystore_entry_date_n, alias, ctypes.byref(value)))
        return _time(value.value)

    def entries(self):
        """{alias: entry type}."""
        return {alias: self.entry_type(alias) for alias in self}

    def get_certificate(self, alias):
        handle = ctypes.c_void_p()
        _check(self._alias_call(_capi.certkit_keystore_get_cert_n, alias, ctypes.byref(handle)))
        return Certificate._wrap(handle.value)

    def get_chain(self, alias):
        handle = ctypes.c_void_p()
        _check(self._alias_call(_capi.certkit_keystore_get_chain_n, alias, ctypes.byref(handle)))
        with _CertList._wrap(handle.value) as lst:
            return lst.to_list()

    def get_key(self, alias):
        """The private key; BadKeyPasswordError while the entry is locked."""
        handle = ctypes.c_void_p()
        _check(self._alias_call(_capi.certkit_keystore_get_key_n, alias, ctypes.byref(handle)))
        return PrivateKey._wrap(handle.value)

    def set_key_entry(self, alias, key, chain):
        """Adds or replaces key entry |alias|; |chain| is leaf first (Certificates
        or PEM) and its leaf must match |key| (KeyMismatchError)."""
        with _CertList.of(chain) as chain_list:
            _check(self._alias_call(_capi.certkit_keystore_set_key_entry_n, alias, key,
                                    chain_list))

    def add_trusted_certificate(self, alias, certificate):
        """keytool -importcert of a trusted certificate (AlreadyExistsError)."""
        with _owned(Certificate.coerce(certificate), certificate) as cert:
            _check(self._alias_call(_capi.certkit_keystore_add_trusted_cert_n, alias, cert))

    def import_ca_reply(self, alias, reply):
        with _CertList.of(reply) as lst:
            _check(self._alias_call(_capi.certkit_keystore_import_ca_reply_n, alias, lst))

    def delete(self, alias):
        _check(self._alias_call(_capi.certkit_keystore_delete_n, alias))

    __delitem__ = delete

    def rename(self, old, new):
        o, n = _b(old), _b(new)
        _check(_capi.certkit_keystore_rename_n(self, o, len(o), n, len(n)))

    def unlock_key(self, alias, key_password):
        pw, pw_len = _pw(key_password)
        _check(self._alias_call(_capi.certkit_keystore_unlock_key_n, alias, pw, pw_len))

    def merge(self, other, overwrite=False):
        _check(_capi.certkit_keystore_merge(self, other, int(bool(overwrite))))

    def trusted_certificates(self):
        with _CertList._wrap(_out_handle(_capi.certkit_keystore_trusted_certs, self)) as lst:
            return lst.to_list()


# -- driver shim --------------------------------------------------------------

class Ssl(_Handle):
    """The driver TLS configuration (cass_ssl style): trusted certificates,
    client certificate and key, verification flags, protocol versions."""

    _free = staticmethod(_capi.certkit_ssl_free)

    def __init__(self):
        handle = _capi.certkit_ssl_new()
        if not handle:
            raise MemoryError("certkit_ssl_new failed")
        super().__init__(handle)

    def add_trusted_cert(self, pem):
        """Adds every certificate of a PEM bundle (or one DER certificate)."""
        if isinstance(pem, Certificate):
            pem = pem.to_pem()
        data = _b(pem)
        _check(_capi.certkit_ssl_add_trusted_cert_n(self, data, len(data)))

    def add_trusted_keystore(self, data, password=None):
        data = _b(data)
        pw, pw_len = _pw(password)
        _check(_capi.certkit_ssl_add_trusted_keystore_n(self, data, len(data), pw, pw_len))

    @property
    def verify_flags(self):
        return _capi.certkit_ssl_get_verify_flags(self)

    @verify_flags.setter
    def verify_flags(self, flags):
        _capi.certkit_ssl_set_verify_flags(self, int(flags))

    def set_cert(self, pem):
        """The client certificate chain (leaf first), one PEM buffer."""
        if not isinstance(pem, (str, bytes)):
            pem = certificates_to_pem(pem)
        data = _b(pem)
        _check(_capi.certkit_ssl_set_cert_n(self, data, len(data)))

    def set_private_key(self, pem, password=None):
        if isinstance(pem, PrivateKey):
            pem = pem.to_pem()
        data = _b(pem)
        pw, pw_len = _pw(password)
        _check(_capi.certkit_ssl_set_private_key_n(self, data, len(data), pw, pw_len))

    def set_keystore(self, data, store_password, key_password=None, alias=None):
        data = _b(data)
        spw, spw_len = _pw(store_password)
        kpw, kpw_len = _pw(key_password)
        a, a_len = _pw(alias)
        _check(_capi.certkit_ssl_set_keystore_n(self, data, len(data), spw, spw_len, kpw, kpw_len,
                                                a, a_len))

    def set_protocol_versions(self, minimum=None, maximum=None):
        """TLS1_2 / TLS1_3 (None leaves the default)."""
        if minimum is not None:
            _check(_capi.certkit_ssl_set_min_protocol_version(self, minimum))
        if maximum is not None:
            _check(_capi.certkit_ssl_set_max_protocol_version(self, maximum))

    def verify_peer(self, chain, peer=None):
        """Applies the verification flags to a peer chain (leaf first;
        Certificates, DER bytes or one PEM bundle) as a driver with its own
        TLS stack would; |peer| is the peer IP (or host name)."""
        if isinstance(chain, (str, bytes)) and (_b(chain).lstrip().startswith(b"-----")):
            certs = parse_certificates(chain)
            ders = [c.to_der() for c in certs]
            for c in certs:
                c.close()
        else:
            ders = [c.to_der() if isinstance(c, Certificate) else _b(c) for c in chain]
        count = len(ders)
        array = (ctypes.c_char_p * max(count, 1))(*ders)
        lengths = (ctypes.c_size_t * max(count, 1))(*[len(d) for d in ders])
        p = _b(peer)
        _check(_capi.certkit_ssl_verify_peer_n(self, array, lengths, count, p,
                                               len(p) if p is not None else 0))
