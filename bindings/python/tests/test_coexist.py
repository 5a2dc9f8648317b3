"""One Python process uses ssl, hashlib, cryptography (when installed) and
certkit together: libcertkit.so carries its own sealed BoringSSL, and
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

try:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
except ImportError:  # pragma: no cover - optional peer
    x509 = None


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

    @unittest.skipIf(x509 is None, "cryptography is not installed")
    def test_cryptography_reads_and_checks_certkit_output(self):
        ours = x509.load_pem_x509_certificate(self.cert.to_pem().encode())
        ca = x509.load_pem_x509_certificate(self.ca.certificate.to_pem().encode())
        ours.verify_directly_issued_by(ca)
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
