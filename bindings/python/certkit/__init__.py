"""certkit: keys, certificates, CAs, verification and JKS/PKCS#12/PEM key
stores for database clusters, on top of libcertkit's stable C ABI.

Every object owns one C handle, released by close(), by leaving a ``with``
block, or when garbage collected. Failures raise a CertkitError subclass
(see certkit.errors) carrying the code and the library's precise message.
Text arguments accept str or bytes; text results are str, binary results
bytes.

Modules: keys (PrivateKey), names (Name), certs (Certificate, verification),
csr (CertificateRequest), ca (Profile, CertificateAuthority), batch
(BatchItem, issue_batch), cluster (cluster_init/add/renew/rotate_ca), keystore
(KeyStore), driver (Ssl, the cass_ssl-style object) and tls (ssl_context(),
a ready ssl.SSLContext). Everything public is re-exported here.
"""
from . import _capi
from . import errors as _errors
from .errors import *  # noqa: F401,F403 (the exception classes are public API)
from .errors import CertkitError
from .keys import PrivateKey
from .names import Name
from .certs import (KEY_USAGE_NAMES, KU_CRL_SIGN, KU_DATA_ENCIPHERMENT, KU_DECIPHER_ONLY,
                    KU_DIGITAL_SIGNATURE, KU_ENCIPHER_ONLY, KU_KEY_AGREEMENT, KU_KEY_CERT_SIGN,
                    KU_KEY_ENCIPHERMENT, KU_NON_REPUDIATION, Certificate, certificates_to_pem,
                    parse_certificates)
from .csr import CertificateRequest
from .ca import CertificateAuthority, Profile
from .batch import BatchItem, BatchResult, issue_batch
from .cluster import RotationResult, cluster_add, cluster_init, cluster_renew, cluster_rotate_ca
from .keystore import KeyStore
from .driver import (TLS1_2, TLS1_3, VERIFY_NONE, VERIFY_PEER_CERT, VERIFY_PEER_IDENTITY,
                     VERIFY_PEER_IDENTITY_DNS, Ssl)
from .tls import CertkitSSLContext, ssl_context

__all__ = [
    "__version__", "version", "PrivateKey", "Name", "Certificate", "CertificateRequest", "Profile",
    "CertificateAuthority", "BatchItem", "BatchResult", "issue_batch", "cluster_init", "cluster_add",
    "cluster_renew", "cluster_rotate_ca", "RotationResult", "KeyStore", "Ssl", "parse_certificates",
    "VERIFY_NONE", "VERIFY_PEER_CERT", "VERIFY_PEER_IDENTITY", "VERIFY_PEER_IDENTITY_DNS",
    "TLS1_2", "TLS1_3", "CertkitError", "KEY_USAGE_NAMES", "KU_DIGITAL_SIGNATURE",
    "KU_NON_REPUDIATION", "KU_KEY_ENCIPHERMENT", "KU_DATA_ENCIPHERMENT", "KU_KEY_AGREEMENT",
    "KU_KEY_CERT_SIGN", "KU_CRL_SIGN", "KU_ENCIPHER_ONLY", "KU_DECIPHER_ONLY",
    "certificates_to_pem", "ssl_context", "CertkitSSLContext",
] + [name for name in dir(_errors) if name.endswith("Error")]


def version() -> str:
    """The loaded library's version string, e.g. "0.2.0"."""
    return _capi.certkit_version().decode()


# The version of the libcertkit this package loaded (the wheel bundles it, so
# it is also the package's version).
__version__: str = version()
