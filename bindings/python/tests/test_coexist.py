"""One Python process uses ssl, hashlib, cryptography and certkit together: libcertkit.so carries its own sealed BoringSSL, and
Python's _ssl and _hashlib (OpenSSL 3) and cryptography's Rust/OpenSSL
bindings are loaded beside it."""
import hashlib
import os
import socket
import ssl
import sys
import tempfile
import threading
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
_BUILD_LIBRARY = os.path.join(HERE, "..", "..", "..", "build", "capi", "libcertkit.so")
if "CERTKIT_LIBRARY" not in os.environ and os.path.exists(_BUILD_LIBRARY):
    os.environ["CERTKIT_LIBRARY"] = os.path.abspath(_BUILD_LIBRARY)

# OpenSSL first (ssl and hashlib load libssl.so.3 / libcrypto.so.3), then certkit.
OPENSSL_DIGEST = hashlib.sha256(b"before certkit").hexdigest()
import certkit  # noqa: E402

# A required peer (scripts/install-deps.sh installs Debian 12's
# python3-cryptography, 38.0.4): only API that version has is used here.
from cryptography import x509  # noqa: E402
from cryptography.hazmat.primitives import hashes, serialization  # noqa: E402
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, padding, rsa  # noqa: E402


def verify_issued_by(cert, issuer):
    """Checks that issuer's key signed cert (cryptography 38 has no
    Certificate.verify_directly_issued_by: that came in 40)."""
    if cert.issuer != issuer.subject:
        raise ValueError("issuer name %s is not the CA's %s" % (cert.issuer, issuer.subject))
    key = issuer.public_key()
    if isinstance(key, ec.EllipticCurvePublicKey):
        key.verify(cert.signature, cert.tbs_certificate_bytes, ec.ECDSA(cert.signature_hash_algorithm))
    elif isinstance(key, rsa.RSAPublicKey):
        key.verify(cert.signature, cert.tbs_certificate_bytes, padding.PKCS1v15(),
                   cert.signature_hash_algorithm)
    elif isinstance(key, ed25519.Ed25519PublicKey):
        key.verify(cert.signature, cert.tbs_certificate_bytes)
    else:
        raise TypeError("unexpected CA key type %s" % type(key).__name__)


class CoexistTest(unittest.TestCase):
    def setUp(self):
        self.ca = certkit.CertificateAuthority.create_root("CN=coexist CA")
        self.key = certkit.PrivateKey.generate("ec:p256")
        self.cert = self.ca.sign_key(self.key, "CN=node1", "node", sans=["IP:127.0.0.1"])

    def test_hashlib_and_certkit(self):
        self.assertEqual(hashlib.sha256(b"before certkit").hexdigest(), OPENSSL_DIGEST)
        der = self.cert.to_der()
        # The same bytes hash the same in both libraries' hands.
        self.assertEqual(hashlib.sha256(der).hexdigest().lower(),
                         self.cert.fingerprint().replace(":", "").lower())

    def test_cryptography_reads_and_checks_certkit_output(self):
        ours = x509.load_pem_x509_certificate(self.cert.to_pem().encode())
        ca = x509.load_pem_x509_certificate(self.ca.certificate.to_pem().encode())
        verify_issued_by(ours, ca)
        # The check can fail: a certificate is not issued by itself.
        with self.assertRaises(Exception):
            verify_issued_by(ca, ours)
        # And certkit reads a key cryptography made.
        theirs = ec.generate_private_key(ec.SECP256R1())
        pem = theirs.private_bytes(serialization.Encoding.PEM,
                                   serialization.PrivateFormat.PKCS8,
                                   serialization.NoEncryption())
        self.assertIn("P-256", certkit.PrivateKey.from_pem(pem).description)
        theirs.sign(b"x", ec.ECDSA(hashes.SHA256()))

    def test_ssl_handshake_with_certkit_material(self):
        with tempfile.TemporaryDirectory() as tmp:
            cert, key, ca = (os.path.join(tmp, n) for n in ("node.crt", "node.key", "ca.crt"))
            with open(cert, "w") as f:
                f.write(self.cert.to_pem())
            with open(os.open(key, os.O_WRONLY | os.O_CREAT, 0o600), "w") as f:
                f.write(self.key.to_pem())
            with open(ca, "w") as f:
                f.write(self.ca.certificate.to_pem())
            server = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            server.load_cert_chain(cert, key)
            client = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
            client.load_verify_locations(ca)
            listener = socket.create_server(("127.0.0.1", 0))
            port = listener.getsockname()[1]

            def serve():
                conn, _ = listener.accept()
                with server.wrap_socket(conn, server_side=True) as tls:
                    tls.sendall(tls.recv(4))

            thread = threading.Thread(target=serve)
            thread.start()
            with socket.create_connection(("127.0.0.1", port)) as raw:
                with client.wrap_socket(raw, server_hostname="127.0.0.1") as tls:
                    tls.sendall(b"ping")
                    self.assertEqual(tls.recv(4), b"ping")
                    peer = tls.getpeercert(binary_form=True)
            thread.join()
            listener.close()
            # certkit verifies the chain Python's ssl received.
            got = certkit.Certificate.from_der(peer)
            self.assertEqual(got.to_der(), self.cert.to_der())


if __name__ == "__main__":
    unittest.main()
