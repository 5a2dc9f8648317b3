"""certkit.ssl_context(): real TLS handshakes on loopback between Python's ssl
(OpenSSL) peers and `openssl s_server` / `openssl s_client`."""
import contextlib
import os
import shutil
import socket
import ssl
import subprocess
import tempfile
import threading
import unittest
import unittest.mock

import support  # noqa: F401 (sets up the import path and library)

import certkit  # noqa: E402
import certkit.tls  # noqa: E402

PW = "store-pass-1"
TIMEOUT = 20


class Pki:
    """A cluster CA with a node (127.0.0.1) and a client (CN=app), written as
    JKS and PKCS#12 key and trust stores and PEM files; another node of the
    same CA (IP 10.9.9.9, DNS other.example), whose valid certificate a
    client expecting 127.0.0.1 must refuse; plus a second CA with its own
    client, which the first must refuse."""

    def __init__(self, directory, key_spec="ec:p256"):
        self.dir = directory
        self.ca = certkit.CertificateAuthority.create_root("CN=Cluster CA, O=certkit",
                                                          key_spec=key_spec)
        self.other_ca = certkit.CertificateAuthority.create_root("CN=Other CA, O=certkit",
                                                                key_spec=key_spec)
        self.node_key, self.node = self.issue(self.ca, "CN=127.0.0.1, O=certkit", "node",
                                              ["IP:127.0.0.1"], key_spec)
        self.client_key, self.client = self.issue(self.ca, "CN=app, O=certkit", "client", None,
                                                  key_spec)
        self.other_key, self.other = self.issue(self.ca, "CN=other, O=certkit", "node",
                                                ["IP:10.9.9.9", "DNS:other.example"], key_spec)
        self.stranger_key, self.stranger = self.issue(self.other_ca, "CN=app, O=certkit",
                                                      "client", None, key_spec)
        for name, key, cert, ca in (("node", self.node_key, self.node, self.ca),
                                    ("client", self.client_key, self.client, self.ca),
                                    ("other", self.other_key, self.other, self.ca),
                                    ("stranger", self.stranger_key, self.stranger,
                                     self.other_ca)):
            with certkit.KeyStore() as store:
                store.set_key_entry(name, key, [cert, ca.certificate])
                store.save_file(self.path(name + ".jks"), "jks", PW)
                store.save_file(self.path(name + ".p12"), "pkcs12", PW)
            self.write(name + ".crt", certkit.certificates_to_pem([cert, ca.certificate]))
            key.save(self.path(name + ".key"), password=PW)             # encrypted PKCS#8
            key.save(self.path(name + ".plain.key"))                     # for openssl's side
        with certkit.KeyStore() as trust:
            trust.add_trusted_certificate("ca", self.ca.certificate)
            trust.save_file(self.path("truststore.jks"), "jks", PW)
            trust.save_file(self.path("truststore.p12"), "pkcs12", PW)
        self.write("ca.crt", self.ca.certificate.to_pem())

    @staticmethod
    def issue(ca, subject, profile, sans, key_spec):
        key = certkit.PrivateKey.generate(key_spec)
        return key, ca.sign_key(key, subject, profile, sans=sans, days=30)

    def path(self, name):
        return os.path.join(self.dir, name)

    def write(self, name, text):
        with open(self.path(name), "w") as f:
            f.write(text)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class PythonServer:
    """Accepts one TLS connection with |context| in a thread, echoes one
    message prefixed with "echo:", and records the outcome."""

    def __init__(self, context, host="127.0.0.1"):
        self.context = context
        self.listener = socket.socket()
        self.listener.bind((host, 0))
        self.listener.listen(1)
        self.listener.settimeout(TIMEOUT)
        self.port = self.listener.getsockname()[1]
        self.error = None
        self.peer_subject = None
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self):
        try:
            conn, _ = self.listener.accept()
            conn.settimeout(TIMEOUT)
            with self.context.wrap_socket(conn, server_side=True) as tls:
                peer = tls.getpeercert(binary_form=True)
                if peer:
                    with certkit.Certificate.from_der(peer) as cert:
                        self.peer_subject = str(cert.subject)
                data = tls.recv(100)
                tls.sendall(b"echo:" + data)
        except Exception as e:  # recorded for the test to assert on
            self.error = e
        finally:
            self.listener.close()

    def join(self):
        self.thread.join(TIMEOUT)
        return self


def connect(context, port, message=b"hello", server_hostname=None, host="127.0.0.1"):
    """A TLS client round trip; returns the echoed bytes."""
    with socket.create_connection((host, port), timeout=TIMEOUT) as raw:
        with context.wrap_socket(raw, server_hostname=server_hostname) as tls:
            tls.sendall(message)
            return tls.recv(100)


class TlsTestBase(unittest.TestCase):
    key_spec = "ec:p256"

    @classmethod
    def setUpClass(cls):
        if shutil.which("openssl") is None:
            raise AssertionError("peer tool openssl is missing")
        cls.tmp = tempfile.mkdtemp(prefix="certkit-tls-")
        cls.pki = Pki(cls.tmp, cls.key_spec)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, True)

    def p(self, name):
        return self.pki.path(name)

    def server_context(self, store="node.jks", trust="truststore.jks", **kwargs):
        return certkit.ssl_context("server", keystore=self.p(store), truststore=self.p(trust),
                                   password=PW, **kwargs)

    def client_context(self, store="client.p12", trust="truststore.p12", **kwargs):
        return certkit.ssl_context("client", keystore=self.p(store), truststore=self.p(trust),
                                   password=PW, **kwargs)


class PythonPeersTest(TlsTestBase):
    def test_mutual_tls_jks_server_pkcs12_client(self):
        server = PythonServer(self.server_context())
        context = self.client_context(peer="127.0.0.1")
        self.assertIsInstance(context, ssl.SSLContext)
        self.assertEqual(context.minimum_version, ssl.TLSVersion.TLSv1_2)
        self.assertEqual(context.verify_mode, ssl.CERT_REQUIRED)
        self.assertEqual(connect(context, server.port), b"echo:hello")
        server.join()
        self.assertIsNone(server.error)
        self.assertEqual(server.peer_subject, "CN=app, O=certkit")

    def test_pem_files_with_encrypted_keys(self):
        server = PythonServer(certkit.ssl_context("server", cert=self.p("node.crt"),
                                                  key=self.p("node.key"), ca=self.p("ca.crt"),
                                                  password=PW))
        client = certkit.ssl_context("client", cert=self.p("client.crt"),
                                     key=self.p("client.key"), key_password=PW,
                                     ca=self.p("ca.crt"), peer="127.0.0.1")
        self.assertEqual(connect(client, server.port), b"echo:hello")
        self.assertIsNone(server.join().error)

    def test_key_password_other_than_the_store_password(self):
        if shutil.which("keytool") is None:
            raise AssertionError("peer tool keytool is missing")
        store = os.path.join(self.tmp, "client-keypass-%s.jks" % self.key_spec.replace(":", ""))
        shutil.copyfile(self.p("client.jks"), store)
        subprocess.run(["keytool", "-keypasswd", "-alias", "client", "-keystore", store,
                        "-storepass", PW, "-keypass", PW, "-new", "key-pass-2"],
                       check=True, capture_output=True)
        with self.assertRaises(certkit.BadPasswordError):
            certkit.ssl_context("client", keystore=store, truststore=self.p("truststore.jks"),
                                password=PW)
        server = PythonServer(self.server_context())
        client = certkit.ssl_context("client", keystore=store, truststore=self.p("truststore.jks"),
                                     password=PW, key_password="key-pass-2", peer="127.0.0.1")
        self.assertEqual(connect(client, server.port), b"echo:hello")
        self.assertIsNone(server.join().error)

    def test_identity_from_server_hostname(self):
        server = PythonServer(self.server_context())
        self.assertEqual(connect(self.client_context(), server.port,
                                 server_hostname="127.0.0.1"), b"echo:hello")
        self.assertIsNone(server.join().error)

    def test_wrong_expected_address_gives_certkits_reason(self):
        server = PythonServer(self.server_context())
        with self.assertRaises(certkit.IdentityMismatchError) as caught:
            connect(self.client_context(peer="10.9.9.9"), server.port)
        self.assertIn("10.9.9.9", caught.exception.message)
        self.assertIn("127.0.0.1", caught.exception.message)
        server.join()

    def test_identity_from_the_connected_address(self):
        server = PythonServer(self.server_context())
        context = self.client_context(peer_address=True)
        self.assertEqual(connect(context, server.port), b"echo:hello")
        self.assertIsNone(server.join().error)
        # The node certificate names 127.0.0.1; the same node reached at 127.0.0.2 is refused.
        server = PythonServer(self.server_context(), host="127.0.0.2")
        with self.assertRaises(certkit.IdentityMismatchError) as caught:
            connect(context, server.port, host="127.0.0.2")
        self.assertIn("127.0.0.2", caught.exception.message)
        server.join()

    def test_wrong_server_hostname_gives_certkits_reason(self):
        server = PythonServer(self.server_context())
        with self.assertRaises(certkit.IdentityMismatchError) as caught:
            connect(self.client_context(), server.port, server_hostname="db.example")
        self.assertIn("db.example", caught.exception.message)
        server.join()

    def test_client_certificate_from_another_ca_is_refused(self):
        server = PythonServer(self.server_context())
        with self.assertRaises((ssl.SSLError, ConnectionError)):
            # TLS 1.3: the refusal arrives with the first read.
            connect(self.client_context(store="stranger.jks", peer="127.0.0.1"), server.port)
        self.assertIsInstance(server.join().error, ssl.SSLError)

    def test_missing_client_certificate_is_refused(self):
        server = PythonServer(self.server_context())
        no_cert = certkit.ssl_context("client", truststore=self.p("truststore.jks"),
                                      password=PW, peer="127.0.0.1")
        with self.assertRaises((ssl.SSLError, ConnectionError)):
            connect(no_cert, server.port)
        error = server.join().error
        self.assertIsInstance(error, ssl.SSLError)
        self.assertIn("CERTIFICATE", str(error).upper())

    def test_server_with_certificate_from_unknown_ca_is_refused(self):
        server = PythonServer(self.server_context())
        other_trust = certkit.ssl_context("client", keystore=self.p("client.p12"),
                                          ca=self.p("stranger.crt"), password=PW,
                                          peer="127.0.0.1")
        with self.assertRaises(ssl.SSLCertVerificationError):
            connect(other_trust, server.port)
        server.join()

    def test_client_certificate_presented_by_a_server_is_refused(self):
        # clientAuth-only certificate on the server side: OpenSSL's purpose
        # check refuses it in the handshake, certkit's would after it.
        server = PythonServer(certkit.ssl_context("server", keystore=self.p("client.jks"),
                                                  truststore=self.p("truststore.jks"),
                                                  password=PW))
        with self.assertRaises((ssl.SSLCertVerificationError, certkit.WrongPurposeError)):
            connect(self.client_context(store="node.p12", peer="127.0.0.1"), server.port)
        server.join()
        with certkit.Certificate.load(self.p("client.crt")) as client_cert:
            with self.assertRaises(certkit.WrongPurposeError):
                self.client_context(verify_identity=False).verify_peer([client_cert.to_der()])

    def test_verify_peer_by_hand_returns_the_chain(self):
        server = PythonServer(self.server_context())
        context = self.client_context(check_peer=False)
        with socket.create_connection(("127.0.0.1", server.port), timeout=TIMEOUT) as raw:
            with context.wrap_socket(raw) as tls:
                chain = context.verify_peer(tls, peer="127.0.0.1")
                self.assertEqual([str(c.subject) for c in chain],
                                 ["CN=127.0.0.1, O=certkit", "CN=Cluster CA, O=certkit"])
                with self.assertRaises(certkit.IdentityMismatchError):
                    context.verify_peer(tls, peer="10.0.0.2")
                tls.sendall(b"x")
                self.assertEqual(tls.recv(10), b"echo:x")
        server.join()

    def test_reload_serves_the_rotated_certificate(self):
        store = os.path.join(self.tmp, "rotating.p12")
        shutil.copyfile(self.p("node.p12"), store)
        context = certkit.ssl_context("server", keystore=store, truststore=self.p("truststore.p12"),
                                      password=PW)
        key, cert = Pki.issue(self.pki.ca, "CN=rotated, O=certkit", "node", ["IP:127.0.0.1"],
                              self.key_spec)
        with certkit.KeyStore() as rotated:
            rotated.set_key_entry("node", key, [cert, self.pki.ca.certificate])
            rotated.save_file(store, "pkcs12", PW)
        context.reload()
        server = PythonServer(context)
        client = self.client_context(check_peer=False)
        with socket.create_connection(("127.0.0.1", server.port), timeout=TIMEOUT) as raw:
            with client.wrap_socket(raw) as tls:
                with certkit.Certificate.from_der(tls.getpeercert(binary_form=True)) as seen:
                    self.assertEqual(seen.serial, cert.serial)
                tls.sendall(b"x")
                tls.recv(10)
        server.join()
        # A broken store leaves the old material in place.
        with open(store, "wb") as f:
            f.write(b"not a key store")
        with self.assertRaises(certkit.CertkitError):
            context.reload()

    def test_plaintext_key_never_reaches_a_file(self):
        seen = []
        original = certkit.tls._key_file

        @contextlib.contextmanager
        def spy(data):
            with original(data) as path:
                with open(path, "rb") as f:
                    seen.append((path, f.read()))
                yield path

        for memfd in (True, False):
            seen.clear()
            with unittest.mock.patch.object(certkit.tls, "_key_file", spy):
                if memfd:
                    self.client_context()
                else:
                    with unittest.mock.patch.object(os, "memfd_create",
                                                    side_effect=OSError("no memfd")):
                        self.client_context()
            self.assertEqual(len(seen), 1)
            path, data = seen[0]
            self.assertIn(b"-----BEGIN ENCRYPTED PRIVATE KEY-----", data)
            for plain in (b"BEGIN PRIVATE KEY", b"BEGIN EC PRIVATE KEY", b"BEGIN RSA PRIVATE KEY"):
                self.assertNotIn(plain, data)
            if memfd:
                self.assertTrue(path.startswith("/proc/self/fd/"), path)
            else:
                self.assertFalse(os.path.exists(path), path)

    def test_errors_are_precise(self):
        with self.assertRaises(certkit.BadPasswordError):
            certkit.ssl_context("client", keystore=self.p("client.jks"), password="wrong",
                                truststore=self.p("truststore.jks"), truststore_password=PW)
        with self.assertRaises(certkit.BadPasswordError):
            certkit.ssl_context("client", cert=self.p("client.crt"), key=self.p("client.key"),
                                password="wrong", ca=self.p("ca.crt"))
        with self.assertRaises(certkit.KeyMismatchError):
            certkit.ssl_context("client", cert=self.p("client.crt"), key=self.p("node.key"),
                                password=PW, ca=self.p("ca.crt"))
        with self.assertRaises(certkit.NotFoundError):   # a trust store has no key entry
            certkit.ssl_context("server", keystore=self.p("truststore.jks"), password=PW,
                                ca=self.p("ca.crt"))
        with self.assertRaises(ValueError):
            certkit.ssl_context("client", keystore=self.p("client.jks"), password=PW)
        with self.assertRaises(ValueError):
            certkit.ssl_context("peer")
        with self.assertRaises(ValueError):
            certkit.ssl_context("client", ca=self.p("ca.crt"), minimum_version=ssl.TLSVersion.TLSv1_1)


class OpenSslPeersTest(TlsTestBase):
    def start_s_server(self, *args):
        port = free_port()
        proc = subprocess.Popen(["openssl", "s_server", "-accept", "127.0.0.1:%d" % port,
                                 "-naccept", "1", "-rev", *args],
                                stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                stderr=subprocess.STDOUT, text=True)
        self.addCleanup(proc.kill)
        for line in proc.stdout:
            if line.startswith("ACCEPT"):
                return proc, port
        raise AssertionError("openssl s_server did not start: %s" % proc.stdout.read())

    def test_python_client_against_openssl_s_server(self):
        proc, port = self.start_s_server(
            "-cert", self.p("node.crt"), "-key", self.p("node.plain.key"),
            "-CAfile", self.p("ca.crt"), "-Verify", "2", "-verify_return_error")
        client = self.client_context(store="client.jks", trust="truststore.jks",
                                     peer="127.0.0.1")
        self.assertEqual(connect(client, port, b"hello\n"), b"olleh\n")
        output = proc.communicate(timeout=TIMEOUT)[0]
        self.assertIn("CN = app", output)          # s_server saw certkit's client cert

    def test_openssl_s_client_against_python_server(self):
        server = PythonServer(self.server_context(store="node.p12", trust="truststore.p12"))
        result = subprocess.run(
            ["openssl", "s_client", "-connect", "127.0.0.1:%d" % server.port, "-quiet",
             "-cert", self.p("client.crt"), "-key", self.p("client.plain.key"),
             "-CAfile", self.p("ca.crt"), "-verify_return_error", "-verify_ip", "127.0.0.1"],
            input="ping\n", capture_output=True, text=True, timeout=TIMEOUT)
        server.join()
        self.assertIsNone(server.error)
        self.assertIn("echo:ping", result.stdout)
        self.assertEqual(server.peer_subject, "CN=app, O=certkit")

    def test_openssl_s_client_without_certificate_is_refused(self):
        server = PythonServer(self.server_context())
        subprocess.run(["openssl", "s_client", "-connect", "127.0.0.1:%d" % server.port,
                        "-quiet", "-CAfile", self.p("ca.crt")],
                       input="ping\n", capture_output=True, text=True, timeout=TIMEOUT)
        self.assertIsInstance(server.join().error, ssl.SSLError)

    def test_openssl_s_client_from_another_ca_is_refused(self):
        server = PythonServer(self.server_context())
        result = subprocess.run(
            ["openssl", "s_client", "-connect", "127.0.0.1:%d" % server.port, "-quiet",
             "-cert", self.p("stranger.crt"), "-key", self.p("stranger.plain.key"),
             "-CAfile", self.p("ca.crt")],
            input="ping\n", capture_output=True, text=True, timeout=TIMEOUT)
        self.assertIsInstance(server.join().error, ssl.SSLError)
        self.assertNotIn("echo:ping", result.stdout)


class IdentityTest(TlsTestBase):
    """Issue #20: a client checks the identity of the server through the
    library's peer check, and a client that knows no identity refuses the
    handshake instead of accepting any node of the cluster."""

    def other_node(self):
        # Another node's valid certificate (same CA, IP 10.9.9.9), served on 127.0.0.1.
        return PythonServer(self.server_context(store="other.jks"))

    def test_another_nodes_certificate_is_refused_for_every_identity_source(self):
        for kwargs, hostname in (({"peer": "127.0.0.1"}, None),
                                 ({}, "127.0.0.1"),
                                 ({"peer_address": True}, None),
                                 ({}, "db.example")):
            with self.subTest(kwargs=kwargs, server_hostname=hostname):
                server = self.other_node()
                with self.assertRaises(certkit.IdentityMismatchError) as caught:
                    connect(self.client_context(**kwargs), server.port, server_hostname=hostname)
                self.assertEqual(caught.exception.code, certkit._capi.CERTKIT_ERROR_IDENTITY_MISMATCH)
                self.assertIn("10.9.9.9", caught.exception.message)
                server.join()

    def test_the_right_node_is_accepted(self):
        for kwargs, hostname in (({"peer": "127.0.0.1"}, None), ({}, "127.0.0.1"),
                                 ({"peer_address": True}, None)):
            with self.subTest(kwargs=kwargs, server_hostname=hostname):
                server = PythonServer(self.server_context())
                self.assertEqual(connect(self.client_context(**kwargs), server.port,
                                         server_hostname=hostname), b"echo:hello")
                self.assertIsNone(server.join().error)
        # other.example by DNS name: the other node is the right one then.
        server = self.other_node()
        self.assertEqual(connect(self.client_context(peer="other.example"), server.port),
                         b"echo:hello")
        self.assertIsNone(server.join().error)

    def test_a_client_without_identity_refuses_the_handshake(self):
        # The reported fail-open: cert=/key=/ca= and nothing naming the server.
        client = certkit.ssl_context("client", cert=self.p("client.crt"),
                                     key=self.p("client.key"), password=PW, ca=self.p("ca.crt"))
        server = self.other_node()
        with self.assertRaises(certkit.InvalidArgumentError) as caught:
            connect(client, server.port)
        for option in ("peer=", "server_hostname", "peer_address=True", "verify_identity=False"):
            self.assertIn(option, caught.exception.message)
        server.join()
        # The same for a by-hand check of a chain.
        with self.assertRaises(certkit.InvalidArgumentError):
            client.verify_peer([self.pki.other.to_der(), self.pki.ca.certificate.to_der()])

    def test_the_explicit_opt_out_connects_to_any_node(self):
        server = self.other_node()
        client = self.client_context(verify_identity=False)
        self.assertEqual(connect(client, server.port), b"echo:hello")
        self.assertIsNone(server.join().error)
        # The chain is still checked: a node of another CA is refused.
        server = PythonServer(self.server_context(store="stranger.jks"))
        with self.assertRaises((ssl.SSLError, certkit.VerificationError)):
            connect(client, server.port)
        server.join()

    def test_identity_options_are_client_options(self):
        with self.assertRaises(ValueError):
            self.server_context(peer="127.0.0.1")
        with self.assertRaises(ValueError):
            self.server_context(verify_identity=False)
        with self.assertRaises(ValueError):
            self.client_context(peer="127.0.0.1", verify_identity=False)


class NoOwnPolicyTest(unittest.TestCase):
    """The binding has no identity or trust policy of its own: whether a
    name is an IP address, which SAN type it must match, and which anchors
    and CRLs apply are decided by the library's peer check (CertkitSsl)."""

    PACKAGE = os.path.join(os.path.dirname(os.path.abspath(__file__)), os.pardir, "certkit")

    def source(self, name):
        with open(os.path.join(self.PACKAGE, name)) as f:
            return f.read()

    def test_no_module_classifies_addresses(self):
        import re
        forbidden = re.compile(r"\bipaddress\b|ip_address\(|ip_network\(|inet_pton|inet_aton"
                               r"|getaddrinfo|gethostbyname|AF_INET6?\b")
        names = sorted(n for n in os.listdir(self.PACKAGE) if n.endswith(".py"))
        self.assertIn("tls.py", names)
        for name in names:
            if name == "_capi.py":   # generated declarations only
                continue
            for number, line in enumerate(self.source(name).splitlines(), 1):
                code = line.split("#", 1)[0]
                self.assertIsNone(forbidden.search(code), "%s:%d: %s" % (name, number, line))

    def test_the_tls_front_ends_use_the_librarys_peer_check(self):
        tls, driver = self.source("tls.py"), self.source("driver.py")
        # No per-handshake verification with an anchor list (certkit_verify).
        for name, text in (("tls.py", tls), ("driver.py", driver)):
            for pattern in ("certkit_verify(", "certkit_verify_options", ".verify(", "certkit_anchors",
                            "ip=", "dns="):
                self.assertNotIn(pattern, text, "%s uses %r" % (name, pattern))
        self.assertIn("certkit_ssl_verify_peer_ex", driver)
        self.assertIn("verifier.verify_peer(", tls)
        # And the context really holds a prepared CertkitSsl.
        self.assertIsInstance(certkit.ssl_context("client", verify=False, peer="127.0.0.1")
                              ._certkit_verifier, certkit.Ssl)


class RsaKeysTest(PythonPeersTest):
    """The same handshakes with RSA keys."""
    key_spec = "rsa:2048"


class Ed25519KeysTest(TlsTestBase):
    key_spec = "ed25519"

    def test_mutual_tls_with_ed25519(self):
        server = PythonServer(self.server_context())
        self.assertEqual(connect(self.client_context(peer="127.0.0.1"), server.port),
                         b"echo:hello")
        self.assertIsNone(server.join().error)


if __name__ == "__main__":
    unittest.main()


class RevocationTest(TlsTestBase):
    """ssl_context(crls=...): a CRL made by `openssl ca -gencrl` that revokes
    the node makes a client refuse it in a real handshake; one that lists
    nothing does not; reload() picks up a re-published CRL."""

    def openssl_ca(self, *args):
        work = os.path.join(self.tmp, "crl-ca")
        os.makedirs(work, exist_ok=True)
        conf = os.path.join(work, "ca.cnf")
        if not os.path.exists(conf):
            with open(conf, "w") as f:
                f.write("[ca]\ndefault_ca=d\n[d]\ndatabase=%s/index.txt\ncrlnumber=%s/crlnumber\n"
                        "default_md=sha256\ndefault_crl_days=7\n" % (work, work))
            open(os.path.join(work, "index.txt"), "w").close()
            with open(os.path.join(work, "crlnumber"), "w") as f:
                f.write("01\n")
            self.pki.ca.key.save(os.path.join(work, "ca.key"))
        subprocess.run(["openssl", "ca", "-config", conf, "-keyfile", os.path.join(work, "ca.key"),
                        "-cert", self.p("ca.crt")] + list(args),
                       check=True, capture_output=True, timeout=TIMEOUT)

    def test_revoked_server_is_refused_after_reload(self):
        crl = os.path.join(self.tmp, "cluster.crl")
        self.openssl_ca("-gencrl", "-out", crl)
        client = self.client_context(crls=[crl], peer="127.0.0.1")
        server = PythonServer(self.server_context())
        self.assertEqual(connect(client, server.port), b"echo:hello")
        server.join()
        self.assertIsNone(server.error)

        self.openssl_ca("-revoke", self.p("node.crt"))
        self.openssl_ca("-gencrl", "-out", crl + ".new")
        os.replace(crl + ".new", crl)
        client.reload()
        server = PythonServer(self.server_context())
        with self.assertRaises(certkit.CertRevokedError) as raised:
            connect(client, server.port)
        self.assertIn("revoked", str(raised.exception))
        server.join()

        # The driver object (certkit.Ssl, CertkitSsl in C) applies the same CRL.
        with open(crl, "rb") as f, open(self.p("node.crt")) as chain, certkit.Ssl() as driver:
            driver.add_trusted_cert(self.pki.ca.certificate)
            node_chain = chain.read()
            driver.verify_peer(node_chain, "127.0.0.1")
            driver.add_crl(f.read())
            with self.assertRaises(certkit.CertRevokedError):
                driver.verify_peer(node_chain, "127.0.0.1")
            with self.assertRaises(certkit.MalformedError):
                driver.add_crl(b"junk")

    def test_crls_need_the_peer_check(self):
        with self.assertRaises(ValueError):
            self.client_context(crls=[self.p("ca.crt")], check_peer=False)
