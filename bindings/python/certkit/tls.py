"""A ready ssl.SSLContext from certkit key and trust material.

ssl_context() reads a key store (JKS, PKCS#12 or PEM) or PEM cert/key files
and a trust store or PEM CA bundle, and returns a CertkitSSLContext: a plain
ssl.SSLContext (usable by cassandra-driver, asyncio, http.client, ...) that
after every handshake runs the library's peer check (certkit_ssl_verify_peer_ex
on a CertkitSsl whose trust anchors and CRLs are prepared once per load) on
the peer's chain, with the expected identity, and refuses the connection with certkit's precise reason
(IdentityMismatchError naming the address and the certificate's SANs,
CertExpiredError, UnknownIssuerError, ...).

Private keys never touch the disk in plaintext: the key is re-encrypted with a
one-time random password and handed to OpenSSL through an anonymous memory
file (os.memfd_create); where that is unavailable, through a 0600 temporary
file holding only the encrypted key, removed at once.
"""
import contextlib
import os
import secrets
import ssl
import tempfile
from typing import Any, Callable, Iterator, List, Optional, Sequence, Tuple, Union

from . import _capi
from ._base import PathLike, Text
from .certs import Certificate
from .driver import Ssl
from .errors import InvalidArgumentError, NotFoundError
from .keys import PrivateKey

__all__ = ["ssl_context", "CertkitSSLContext", "peer_chain"]

NO_IDENTITY_MESSAGE = (
    "certkit refuses the TLS handshake: the client knows no identity to check the server's "
    "certificate against, so any certificate the trust anchors issued (another node's) would "
    "be accepted. Give ssl_context(peer=...) (the server's IP address or DNS name), pass "
    "server_hostname to wrap_socket/wrap_bio, use ssl_context(peer_address=True) to check the "
    "address connected to, or ssl_context(verify_identity=False) to accept any node")


def peer_chain(conn: Union[ssl.SSLSocket, ssl.SSLObject]) -> List[bytes]:
    """The DER certificates the peer sent in the handshake, leaf first.

    Uses get_unverified_chain() (Python 3.13+), else the same call on the
    internal _sslobj (3.10+), else only the leaf (getpeercert)."""
    getter = getattr(conn, "get_unverified_chain", None)
    if getter is not None:
        return [bytes(d) for d in (getter() or [])]
    sslobj = getattr(conn, "_sslobj", None)
    inner = getattr(sslobj, "get_unverified_chain", None)
    if inner is not None:
        der = getattr(ssl, "_ssl").ENCODING_DER
        return [c.public_bytes(der) for c in (inner() or [])]
    leaf = conn.getpeercert(binary_form=True)
    return [leaf] if leaf else []


class _CheckedSSLSocket(ssl.SSLSocket):
    """An SSLSocket whose handshake ends with certkit's peer check."""

    def do_handshake(self, block: bool = False) -> None:
        super().do_handshake(block)
        context = self.context
        if isinstance(context, CertkitSSLContext):
            context._after_handshake(self)


class _CheckedSSLObject(ssl.SSLObject):
    """The SSLObject (asyncio, memory BIOs) counterpart."""

    def do_handshake(self) -> None:
        super().do_handshake()
        context = self.context
        if isinstance(context, CertkitSSLContext):
            context._after_handshake(self)


class CertkitSSLContext(ssl.SSLContext):
    """An ssl.SSLContext that checks every peer with certkit's verifier.

    OpenSSL still verifies the chain against the same anchors inside the
    handshake (a peer it refuses fails with OpenSSL's message); afterwards
    certkit verifies the chain again with its strict cluster profile, the
    peer's purpose (serverAuth / clientAuth) and the identity, and a failure
    closes the connection and raises certkit's precise error.

    The identity checked is |certkit_peer| when set (ssl_context(peer=...)),
    else the server_hostname given to wrap_socket/wrap_bio (client side),
    else, with ssl_context(peer_address=True), the IP address the socket is
    connected to; a client without any of them refuses the handshake
    (InvalidArgumentError naming these options) unless
    ssl_context(verify_identity=False). Whether the identity is an IP
    address or a DNS name, and which SAN type it must match, is the
    library's rule. Python's own hostname check is off: certkit's replaces
    it."""

    sslsocket_class = _CheckedSSLSocket
    sslobject_class = _CheckedSSLObject

    # Set by ssl_context(); plain attributes so a caller may adjust them.
    certkit_peer: Optional[str]
    certkit_peer_address: bool
    _certkit_verify_identity: bool  # fixed at ssl_context(): it sets the flags
    certkit_peer_purpose: str
    certkit_check_peer: bool
    # The library's prepared peer check (trust anchors, CRLs, flags); replaced
    # as a whole by reload().
    _certkit_verifier: Optional[Ssl]
    _certkit_reload: Optional[Callable[["CertkitSSLContext"], None]]

    def verify_peer(self, conn: Union[ssl.SSLSocket, ssl.SSLObject, Sequence[bytes]],
                    peer: Optional[str] = None) -> List[Certificate]:
        """Runs the library's peer check on a connection's peer chain (or a
        list of DER certificates, leaf first) and returns the chain the peer
        sent, once verified. Raises the VerificationError subclass naming the
        rule that failed, NotFoundError when the peer sent no certificate, or
        InvalidArgumentError when a client knows no identity to check (see
        ssl_context(verify_identity=))."""
        server_side = self.certkit_peer_purpose == "client"
        if isinstance(conn, (ssl.SSLSocket, ssl.SSLObject)):
            ders = peer_chain(conn)
            if peer is None and self.certkit_peer is None and not server_side:
                peer = conn.server_hostname
                if peer is None and self.certkit_peer_address and isinstance(conn, ssl.SSLSocket):
                    peer = conn.getpeername()[0]
        else:
            ders = [bytes(d) for d in conn]
        peer = peer if peer is not None else self.certkit_peer
        if not ders:
            raise NotFoundError(_capi.CERTKIT_ERROR_NOT_FOUND, "the peer sent no certificate")
        if not server_side and not peer and self._certkit_verify_identity:
            raise InvalidArgumentError(_capi.CERTKIT_ERROR_INVALID_ARGUMENT, NO_IDENTITY_MESSAGE)
        verifier = self._certkit_verifier
        if verifier is None:
            raise ValueError("this context was not made by certkit.ssl_context()")
        verifier.verify_peer(ders, None if server_side else peer,
                             purpose=self.certkit_peer_purpose)
        return [Certificate.from_der(d) for d in ders]

    def _after_handshake(self, conn: Union[ssl.SSLSocket, ssl.SSLObject]) -> None:
        if not self.certkit_check_peer or self.verify_mode == ssl.CERT_NONE:
            return
        if self.verify_mode == ssl.CERT_OPTIONAL and not conn.getpeercert(binary_form=True):
            return
        try:
            for cert in self.verify_peer(conn):
                cert.close()
        except BaseException:
            if isinstance(conn, ssl.SSLSocket):
                conn.close()
            raise

    def reload(self) -> None:
        """Reads the key and trust material again from the files given to
        ssl_context() (for certificate rotation): new connections use the new
        key and certificate; certkit's peer check uses the new anchors.
        OpenSSL's own anchor set only grows (an anchor removed from the trust
        store stays trusted by OpenSSL until a new context is made, but
        certkit's check refuses it). On failure the old material stays."""
        if self._certkit_reload is None:
            raise ValueError("this context was not made by certkit.ssl_context()")
        self._certkit_reload(self)


@contextlib.contextmanager
def _key_file(data: bytes) -> Iterator[str]:
    """A path from which OpenSSL can read |data| (an encrypted PEM key plus
    certificates): an anonymous memory file, else a 0600 temporary file
    removed on exit."""
    memfd_create = getattr(os, "memfd_create", None)
    if memfd_create is not None:
        try:
            fd = memfd_create("certkit-key", getattr(os, "MFD_CLOEXEC", 0))
        except OSError:
            fd = -1
        if fd >= 0:
            try:
                os.write(fd, data)
                yield "/proc/self/fd/%d" % fd
            finally:
                os.close(fd)
            return
    fd, path = tempfile.mkstemp(prefix="certkit-", suffix=".pem")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        yield path
    finally:
        os.unlink(path)


def _load_material(keystore: Optional[PathLike], keystore_password: Optional[Text],
                   key_password: Optional[Text], alias: Optional[str],
                   cert: Optional[PathLike], key: Optional[PathLike],
                   truststore: Optional[PathLike], truststore_password: Optional[Text],
                   ca: Optional[PathLike], crls: Sequence[PathLike], flags: int
                   ) -> Tuple[Ssl, List[bytes], Optional[PrivateKey], List[bytes]]:
    """Reads the files through the library's CertkitSsl (which picks the key
    entry, checks that key and certificate match and applies Java's trust
    store rules) and returns (that CertkitSsl, prepared as the peer check
    with the CRLs and |flags|; chain DER, key or None, trusted DER)."""
    if keystore is not None and (cert is not None or key is not None):
        raise ValueError("give keystore= or cert=/key=, not both")
    if (cert is None) != (key is None):
        raise ValueError("give both cert= and key= (PEM files)")
    if truststore is not None and ca is not None:
        raise ValueError("give truststore= or ca=, not both")
    source = Ssl()
    try:
        if keystore is not None:
            source.reload_keystore_files(keystore, keystore_password, key_password, alias)
        elif cert is not None and key is not None:
            source.reload_pem_files(cert, key, key_password)
        if truststore is not None:
            with open(truststore, "rb") as f:
                source.add_trusted_keystore(f.read(), truststore_password)
        elif ca is not None:
            with open(ca, "rb") as f:
                source.add_trusted_cert(f.read())
        for path in crls:
            with open(path, "rb") as f:
                source.add_crl(f.read())
        source.verify_flags = flags
        with source.export() as material:
            return source, material.chain, material.key(), material.trusted
    except BaseException:
        source.close()
        raise


def _install(context: "CertkitSSLContext", chain: List[bytes], key: Optional[PrivateKey],
             trusted: List[bytes]) -> None:
    """Hands the chain and key (encrypted with a one-time password) and the
    anchors to OpenSSL."""
    if key is not None:
        one_time = secrets.token_urlsafe(32)
        pem = key.to_pem(password=one_time) + "".join(ssl.DER_cert_to_PEM_cert(d) for d in chain)
        with _key_file(pem.encode()) as path:
            context.load_cert_chain(path, password=one_time)
    if trusted:
        context.load_verify_locations(cadata=b"".join(trusted))


_VERSIONS = {None: None, "1.2": ssl.TLSVersion.TLSv1_2, "1.3": ssl.TLSVersion.TLSv1_3,
             _capi.CERTKIT_SSL_VERSION_TLS1_2: ssl.TLSVersion.TLSv1_2,
             _capi.CERTKIT_SSL_VERSION_TLS1_3: ssl.TLSVersion.TLSv1_3}


def _version(value: Any) -> Optional[ssl.TLSVersion]:
    if isinstance(value, ssl.TLSVersion):
        if value < ssl.TLSVersion.TLSv1_2:
            raise ValueError("TLS versions below 1.2 are refused")
        return value
    try:
        return _VERSIONS[value]
    except (KeyError, TypeError):
        raise ValueError("unknown TLS version %r (\"1.2\", \"1.3\", certkit.TLS1_2/TLS1_3)"
                         % (value,)) from None


def ssl_context(purpose: str = "client", *,
                keystore: Optional[PathLike] = None,
                truststore: Optional[PathLike] = None,
                password: Optional[Text] = None,
                keystore_password: Optional[Text] = None,
                truststore_password: Optional[Text] = None,
                key_password: Optional[Text] = None,
                alias: Optional[str] = None,
                cert: Optional[PathLike] = None,
                key: Optional[PathLike] = None,
                ca: Optional[PathLike] = None,
                crls: Sequence[PathLike] = (),
                peer: Optional[str] = None,
                peer_address: bool = False,
                verify_identity: bool = True,
                verify: bool = True,
                require_client_cert: bool = True,
                check_peer: bool = True,
                minimum_version: Any = "1.2",
                maximum_version: Any = None) -> CertkitSSLContext:
    """A ready ssl.SSLContext for a TLS client (purpose="client", e.g. a
    database driver) or server (purpose="server").

    Key material (optional for a client without client authentication):
      keystore=   a JKS / PKCS#12 / PEM key store file and its key entry
                  |alias| (default: the only key entry);
      cert=, key= PEM files: the certificate chain (leaf first) and the key
                  (PKCS#8, PKCS#1 or SEC 1, encrypted or not).
    Trust (required unless verify=False):
      truststore= a JKS / PKCS#12 / PEM trust store (its trusted entries and
                  the certificates of key entries, as Java's trust managers);
      ca=         a PEM bundle.
    Revocation: crls= names CRL files (PEM or DER, e.g. from `certkit crl`);
      certkit's check refuses a peer certificate a CRL of its issuer lists
      (CertRevokedError). reload() reads them again, so a re-published CRL
      reaches new connections.
    Passwords: |password| serves every store and the key unless
    keystore_password=, truststore_password= or key_password= is given.

    |peer| (client only) is the identity the server's certificate must name:
    an IP address or a DNS name (the library decides which SAN type). A
    client without |peer| checks the server_hostname given to wrap_socket,
    if any, else with peer_address=True the IP address it connected to (the
    DataStax drivers' VERIFY_PEER_IDENTITY; one context for every node of a
    cluster). A client that knows none of them refuses the handshake with
    InvalidArgumentError naming these options. verify_identity=False turns
    the identity check off: RISKY, any certificate the trust anchors issued
    (any other node's) is then accepted. A server applies no identity to
    client certificates (peer= is refused there) and requires a client certificate (require_client_cert=True) issued for
    clientAuth. check_peer=False turns certkit's post-handshake check off
    (CertkitSSLContext.verify_peer() can still be called by hand).

    TLS 1.2 is the minimum ("1.2" or "1.3", or ssl.TLSVersion). Errors: a
    CertkitError subclass (BadPasswordError, NotFoundError, ...), ValueError
    for contradictory arguments, OSError for unreadable files."""
    if purpose not in ("client", "server"):
        raise ValueError("purpose must be \"client\" or \"server\", not %r" % (purpose,))
    server = purpose == "server"
    if crls and (not check_peer or not verify):
        raise ValueError("crls= is applied by certkit's peer check: it needs verify=True "
                         "and check_peer=True")
    if server and (peer is not None or peer_address or not verify_identity):
        raise ValueError("peer=, peer_address= and verify_identity= are client options: a "
                         "server applies no identity to client certificates")
    if peer is not None and not verify_identity:
        raise ValueError("give peer= or verify_identity=False, not both")
    flags = _capi.CERTKIT_SSL_VERIFY_PEER_CERT
    if not server and verify_identity:
        flags |= _capi.CERTKIT_SSL_VERIFY_PEER_IDENTITY
    store_pw = keystore_password if keystore_password is not None else password
    trust_pw = truststore_password if truststore_password is not None else password
    key_pw = key_password if key_password is not None else store_pw

    def load(context: CertkitSSLContext) -> None:
        verifier, chain, private_key, trusted = _load_material(
            keystore, store_pw, key_pw, alias, cert, key, truststore, trust_pw, ca, crls, flags)
        installed = False
        try:
            if server and private_key is None:
                raise ValueError("a server needs keystore= or cert=/key=")
            if verify and not trusted and (not server or require_client_cert):
                raise ValueError("give truststore= or ca= (or verify=False)")
            _install(context, chain, private_key, trusted)
            # One assignment: a handshake sees the old or the new peer check.
            context._certkit_verifier = verifier
            installed = True
        finally:
            if not installed:
                verifier.close()
            if private_key is not None:
                private_key.close()

    context = CertkitSSLContext(ssl.PROTOCOL_TLS_SERVER if server else ssl.PROTOCOL_TLS_CLIENT)
    context._certkit_verifier = None
    context.certkit_peer = peer
    context.certkit_peer_address = peer_address
    context._certkit_verify_identity = verify_identity
    context.certkit_peer_purpose = "client" if server else "server"
    context.certkit_check_peer = check_peer
    context._certkit_reload = load
    context.check_hostname = False  # certkit checks the identity (precise reasons)
    if not verify:
        context.verify_mode = ssl.CERT_NONE
    elif server:
        context.verify_mode = ssl.CERT_REQUIRED if require_client_cert else ssl.CERT_OPTIONAL
    else:
        context.verify_mode = ssl.CERT_REQUIRED
    minimum = _version(minimum_version) or ssl.TLSVersion.TLSv1_2
    context.minimum_version = minimum
    maximum = _version(maximum_version)
    if maximum is not None:
        context.maximum_version = maximum
    load(context)
    return context
