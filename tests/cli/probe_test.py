#!/usr/bin/env python3
"""`certkit probe` against a real `openssl s_server` demanding a client
certificate: the chain it presents, certkit's verdict through PeerVerifier
(the check drivers run), mutual TLS, identity, unknown CA, CRL and the
connection errors. Usage: probe_test.py CERTKIT_BINARY"""
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import unittest

CERTKIT = None


def certkit(*args):
    return subprocess.run([CERTKIT] + list(args), capture_output=True, text=True, timeout=60)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class ProbeTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        if shutil.which("openssl") is None:
            raise AssertionError("peer tool openssl is missing")
        cls.tmp = tempfile.mkdtemp(prefix="certkit-probe-")
        cls.out = os.path.join(cls.tmp, "cluster")
        cls.other = os.path.join(cls.tmp, "other")
        for d in (cls.out, cls.other):
            r = certkit("cluster", "init", "--nodes", "127.0.0.1", "--clients", "app", "--out", d,
                        "--format", "pem", "--quiet")
            assert r.returncode == 0, r.stderr
        node = os.path.join(cls.out, "nodes", "127.0.0.1")
        cls.port = free_port()
        cls.server = subprocess.Popen(
            ["openssl", "s_server", "-accept", str(cls.port), "-cert", os.path.join(node, "node.crt"),
             "-key", os.path.join(node, "node.key"), "-CAfile", os.path.join(cls.out, "ca.crt"),
             "-Verify", "1", "-verify_return_error", "-www", "-quiet"],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.time() + 15
        while True:
            try:
                socket.create_connection(("127.0.0.1", cls.port), timeout=1).close()
                break
            except OSError:
                assert cls.server.poll() is None and time.time() < deadline, "s_server did not start"
                time.sleep(0.05)

    @classmethod
    def tearDownClass(cls):
        cls.server.kill()
        cls.server.wait()
        shutil.rmtree(cls.tmp, True)

    def target(self):
        return "127.0.0.1:%d" % self.port

    def client_args(self, cluster=None):
        d = os.path.join(cluster or self.out, "clients", "app")
        return ["--cert", os.path.join(d, "client.app.crt"), "--key", os.path.join(d, "client.app.key")]

    def test_mutual_tls_chain_and_verdict(self):
        r = certkit("probe", self.target(), "--ca", os.path.join(self.out, "ca.crt"), *self.client_args())
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertIn("(client certificate requested)", r.stdout)
        self.assertIn("0: CN=127.0.0.1", r.stdout)
        self.assertIn("verified: OK (serverAuth, identity 127.0.0.1)", r.stdout)
        # The chain shown is the one openssl presents.
        serial = subprocess.run(["openssl", "x509", "-noout", "-serial", "-in",
                                 os.path.join(self.out, "nodes", "127.0.0.1", "node.crt")],
                                capture_output=True, text=True, check=True).stdout
        shown = re.search(r"0: CN=127\.0\.0\.1 \(issuer .*, serial ([0-9a-fA-F]+),", r.stdout)
        self.assertIsNotNone(shown, r.stdout)
        self.assertEqual(int(shown.group(1), 16), int(serial.strip().split("=")[1], 16))

    def test_json_report(self):
        r = certkit("probe", self.target(), "--ca", os.path.join(self.out, "ca.crt"), "--json",
                    *self.client_args())
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        report = json.loads(r.stdout)
        self.assertTrue(report["valid"])
        self.assertTrue(report["client_certificate_requested"])
        self.assertIn(report["protocol"], ("TLSv1.3", "TLSv1.2"))
        self.assertEqual(report["chain"][0]["subject"], "CN=127.0.0.1")

    def test_unknown_ca_is_refused(self):
        r = certkit("probe", self.target(), "--ca", os.path.join(self.other, "ca.crt"), "--json",
                    *self.client_args())
        self.assertEqual(r.returncode, 1, r.stdout + r.stderr)
        report = json.loads(r.stdout)
        self.assertFalse(report["valid"])
        self.assertEqual(report["error"], "unknown_issuer")

    def test_identity_mismatch(self):
        r = certkit("probe", self.target(), "--ca", os.path.join(self.out, "ca.crt"), "--name", "10.9.9.9",
                    *self.client_args())
        self.assertEqual(r.returncode, 1, r.stdout + r.stderr)
        self.assertIn("[identity_mismatch]", r.stdout)
        r = certkit("probe", self.target(), "--ca", os.path.join(self.out, "ca.crt"), "--identity", "none",
                    "--name", "10.9.9.9", *self.client_args())
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)

    def test_revoked_node_is_refused_like_openssl(self):
        node_crt = os.path.join(self.out, "nodes", "127.0.0.1", "node.crt")
        work = os.path.join(self.tmp, "revocation")
        shutil.copytree(self.out, work)
        r = certkit("revoke", "--dir", work, "--cert", node_crt)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        crl = os.path.join(work, "crl.pem")
        r = certkit("crl", "--dir", work, "--out", crl)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        r = certkit("probe", self.target(), "--ca", os.path.join(self.out, "ca.crt"), "--crl", crl,
                    *self.client_args())
        self.assertEqual(r.returncode, 1, r.stdout + r.stderr)
        self.assertIn("[cert_revoked]", r.stdout)
        v = subprocess.run(["openssl", "verify", "-crl_check", "-CAfile", os.path.join(self.out, "ca.crt"),
                            "-CRLfile", crl, node_crt], capture_output=True, text=True)
        self.assertNotEqual(v.returncode, 0)
        self.assertIn("revoked", v.stdout + v.stderr)

    def test_connection_refused_names_the_address(self):
        r = certkit("probe", "127.0.0.1:%d" % free_port(), "--ca", os.path.join(self.out, "ca.crt"))
        self.assertNotIn(r.returncode, (0, 1), r.stdout + r.stderr)
        self.assertIn("cannot connect to 127.0.0.1:", r.stderr)

    def test_not_tls_is_a_handshake_error(self):
        listener = socket.socket()
        listener.bind(("127.0.0.1", 0))
        listener.listen(1)
        port = listener.getsockname()[1]
        proc = subprocess.Popen([CERTKIT, "probe", "127.0.0.1:%d" % port, "--ca",
                                 os.path.join(self.out, "ca.crt"), "--timeout", "5"],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        conn, _ = listener.accept()
        conn.sendall(b"HTTP/1.0 400 Bad Request\r\n\r\n" * 4)
        conn.close()
        listener.close()
        out, err = proc.communicate(timeout=30)
        self.assertNotIn(proc.returncode, (0, 1), out + err)
        self.assertIn("TLS handshake with 127.0.0.1:%d failed" % port, err)

    def test_bad_target(self):
        r = certkit("probe", "127.0.0.1", "--ca", os.path.join(self.out, "ca.crt"))
        self.assertNotIn(r.returncode, (0, 1))
        self.assertIn("give HOST:PORT", r.stderr)


def start_s_server(port, node, ca, *extra):
    """openssl s_server demanding a client certificate that CA issued."""
    server = subprocess.Popen(
        ["openssl", "s_server", "-accept", str(port), "-cert", os.path.join(node, "node.crt"),
         "-key", os.path.join(node, "node.key"), "-CAfile", ca,
         "-Verify", "1", "-verify_return_error", "-www", "-quiet"] + list(extra),
        stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 15
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return server
        except OSError:
            assert server.poll() is None and time.time() < deadline, "s_server did not start"
            time.sleep(0.05)


class ClientCertificateVerdictTest(unittest.TestCase):
    """The server's verdict on our client certificate, under TLS 1.3 (where it
    arrives after the handshake) and TLS 1.2 (during it), against openssl
    s_server -Verify 1 -verify_return_error."""

    @classmethod
    def setUpClass(cls):
        ProbeTest.setUpClass.__func__(cls)
        node = os.path.join(cls.out, "nodes", "127.0.0.1")
        cls.servers = {}
        for version in ("-tls1_3", "-tls1_2"):
            port = free_port()
            cls.servers[version] = (port, start_s_server(port, node, os.path.join(cls.out, "ca.crt"), version))

    @classmethod
    def tearDownClass(cls):
        for _, server in cls.servers.values():
            server.kill()
            server.wait()
        ProbeTest.tearDownClass.__func__(cls)

    def probe(self, version, *extra):
        port = self.servers[version][0]
        return certkit("probe", "127.0.0.1:%d" % port, "--ca", os.path.join(self.out, "ca.crt"), *extra)

    def client(self, cluster):
        return ProbeTest.client_args(self, cluster)

    def test_good_client_certificate_is_accepted(self):
        for version, protocol in (("-tls1_3", "TLSv1.3"), ("-tls1_2", "TLSv1.2")):
            with self.subTest(version=version):
                r = self.probe(version, *self.client(self.out))
                self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
                self.assertIn(protocol, r.stdout)
                self.assertIn("verified: OK", r.stdout)

    def test_no_client_certificate_is_a_failure_that_says_so(self):
        for version in ("-tls1_3", "-tls1_2"):
            with self.subTest(version=version):
                r = self.probe(version)
                self.assertNotIn(r.returncode, (0, 1), r.stdout + r.stderr)
                self.assertNotIn("verified: OK", r.stdout)
                self.assertRegex(r.stderr, r"requires a client certificate and none was given "
                                           r"\(--cert/--key\): the server sent the alert '[^']+'")

    def test_foreign_client_certificate_is_rejected(self):
        for version in ("-tls1_3", "-tls1_2"):
            with self.subTest(version=version):
                r = self.probe(version, *self.client(self.other))
                self.assertNotIn(r.returncode, (0, 1), r.stdout + r.stderr)
                self.assertNotIn("verified: OK", r.stdout)
                self.assertRegex(r.stderr, r"the server at 127\.0\.0\.1:\d+ rejected our client "
                                           r"certificate: \w+")
                self.assertIn("[tls_handshake]", r.stderr)


class DeadlineTest(unittest.TestCase):
    """--timeout bounds the whole exchange, and a time-out says so."""

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="certkit-probe-deadline-")
        cls.ca = os.path.join(cls.tmp, "ca")
        r = certkit("ca", "create", "--out", cls.ca, "--cn", "Deadline CA")
        assert r.returncode == 0, r.stderr

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, True)

    def serve(self, behaviour):
        """A TCP server on 127.0.0.1 that accepts once and runs behaviour(conn)."""
        import threading
        listener = socket.socket()
        listener.bind(("127.0.0.1", 0))
        listener.listen(1)
        stop = threading.Event()

        def run():
            try:
                conn, _ = listener.accept()
            except OSError:
                return
            with conn:
                behaviour(conn, stop)
        t = threading.Thread(target=run, daemon=True)
        t.start()
        self.addCleanup(lambda: (stop.set(), listener.close(), t.join(5)))
        return listener.getsockname()[1]

    def probe_timed(self, port, timeout, *extra):
        start = time.monotonic()
        r = certkit("probe", "127.0.0.1:%d" % port, "--ca", os.path.join(self.ca, "ca.crt"),
                    "--timeout", str(timeout), *extra)
        return r, time.monotonic() - start

    def test_silent_server_is_a_named_timeout(self):
        port = self.serve(lambda conn, stop: stop.wait(30))
        r, took = self.probe_timed(port, 2)
        self.assertNotIn(r.returncode, (0, 1), r.stdout + r.stderr)
        self.assertIn("TLS handshake with 127.0.0.1:%d timed out after 2s" % port, r.stderr)
        self.assertNotIn("unknown reason", r.stderr)
        self.assertLess(took, 10)

    def test_trickling_server_is_cut_off_at_the_deadline(self):
        def trickle(first):
            def run(conn, stop):
                # (PostgreSQL's "S", then) a TLS record header, then one byte
                # every 0.5 s: each read on its own succeeds.
                for b in first + b"\x16\x03\x03\x40\x00" + b"\x02" * 200:
                    if stop.wait(0.5):
                        return
                    try:
                        conn.sendall(bytes([b]))
                    except OSError:
                        return
            return run
        for first, extra in ((b"", ()), (b"S", ("--starttls", "postgres"))):
            with self.subTest(extra=extra):
                port = self.serve(trickle(first))
                r, took = self.probe_timed(port, 1, *extra)
                self.assertNotIn(r.returncode, (0, 1), r.stdout + r.stderr)
                self.assertIn("timed out after 1s", r.stderr)
                self.assertLess(took, 8, "the probe ran %.1f s past a 1 s timeout" % took)

    def test_silent_postgres_is_a_named_timeout(self):
        port = self.serve(lambda conn, stop: stop.wait(30))
        r, took = self.probe_timed(port, 1, "--starttls", "postgres")
        self.assertNotIn(r.returncode, (0, 1), r.stdout + r.stderr)
        self.assertIn("answer PostgreSQL's SSLRequest timed out after 1s", r.stderr)


if __name__ == "__main__":
    CERTKIT = sys.argv.pop(1)
    unittest.main(verbosity=2)
