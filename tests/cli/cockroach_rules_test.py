#!/usr/bin/env python3
"""`certkit cluster init --for cockroach` against CockroachDB's acceptance
rules as CockroachDB's source states them (CockroachDB itself cannot be
installed here), plus `--node-cn` kept across `cluster add`, `renew` and
`rotate-ca`, and what `--for cassandra` / `--for postgres` change (stores
read back with keytool) or leave alone.

The rules, each with the cockroachdb/cockroach file it comes from:

  R1 certs-dir file names (pkg/security/certificate_loader.go,
     CertInfoFromFilename): every *.crt in a certs-dir is `ca.crt`,
     `node.crt` or `client.<user>.crt` (others are skipped with "bad
     filename"); a non-CA certificate's key is the same name with `.key`
     (findKey), a regular file.
  R2 key permissions (pkg/security/certificate_loader.go, findKey /
     maxKeyPermissions = 0700): a key file with any group or other bit is
     refused unless COCKROACH_SKIP_KEY_PERMISSION_CHECK is set.
  R3 principals (pkg/security/auth.go, getCertificatePrincipals): a
     certificate's principals are its subject CN and its DNS SANs; its user
     for RPC and SQL is the CN (pkg/security/auth.go,
     GetCertificateUserScope: the CN, for every tenant, when the
     certificate has no crdb:// URI SAN).
  R4 the dual-purpose node certificate (pkg/security/certificate_loader.go,
     validateDualPurposeNodeCert): without a client.node.crt, node.crt's
     principals must contain "node" ("client/server node certificate has
     principals ..., expected \"node\"").
  R5 RPC (pkg/rpc/auth.go, checkRootOrNodeInScope): a peer's user must be
     "node" or "root": "need root or node client cert to perform RPCs on
     this server".
  R6 client certificates (pkg/security/certificate_loader.go,
     validateCockroachCertificate): client.<user>.crt's principals must
     contain <user>.
  R7 node certificates are server and client certificates (pkg/security/
     x509.go, GenerateServerCert: ExtKeyUsage serverAuth and clientAuth, "for
     inter-node RPC"), valid for every host given (addHostsToTemplate: IPs
     as IP SANs, names as DNS SANs) and, as CockroachDB's deployment docs
     run `cockroach cert create-node <addresses> localhost 127.0.0.1`, for
     localhost and 127.0.0.1; ca.crt verifies them (openssl verify -purpose
     sslserver / sslclient, -verify_hostname / -verify_ip).

A node certificate made without the preset (CN=<host>) is checked too and
must fail R4 and R5: the failure issue 25 describes.

Usage: cockroach_rules_test.py CERTKIT_BINARY"""
import json
import os
import re
import shutil
import socket
import ssl
import stat
import subprocess
import sys
import tempfile
import threading
import unittest

from cryptography import x509
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

CERTKIT = None
NODES = ("10.0.0.1", "db2.example.com")


def certkit(*args):
    return subprocess.run([CERTKIT] + list(args), capture_output=True, text=True, timeout=300)


def must(*args):
    r = certkit(*args)
    assert r.returncode == 0, "certkit %s failed (%d): %s" % (" ".join(args), r.returncode, r.stderr)
    return r


def load_cert(path):
    with open(path, "rb") as f:
        return x509.load_pem_x509_certificates(f.read())[0]


def common_name(cert):
    cns = cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)
    return cns[0].value if cns else ""


def sans(cert, kind):
    try:
        ext = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    except x509.ExtensionNotFound:
        return []
    return [str(v) for v in ext.get_values_for_type(kind)]


# --- The rules, as functions returning the CockroachDB error (or None). ---

# R1: pkg/security/certificate_loader.go, CertInfoFromFilename.
def cert_info_from_filename(filename):
    parts = filename.split(".")
    if len(parts) < 2:
        return None, "not enough parts found"
    prefix = parts[0]
    if prefix in ("ca", "ca-client", "ca-client-tenant", "ca-ui", "node", "ui"):
        if len(parts) != 2:
            return None, "%s certificate filename should match %s.crt" % (prefix, prefix)
        return (prefix, ""), None
    if prefix in ("client", "client-tenant"):
        name = ".".join(parts[1:-1])
        if not name:
            return None, "client certificate filename should match client.<user>.crt"
        return (prefix, name), None
    return None, "unknown prefix %r" % prefix


# R2: pkg/security/certificate_loader.go, findKey (maxKeyPermissions 0700).
def key_error(key_path):
    try:
        st = os.stat(key_path)
    except OSError as e:
        return "could not stat key file %s: %s" % (key_path, e)
    if not stat.S_ISREG(st.st_mode):
        return "key file %s is not a regular file" % key_path
    if os.environ.get("COCKROACH_SKIP_KEY_PERMISSION_CHECK", "").lower() in ("1", "true"):
        return None
    if stat.S_IMODE(st.st_mode) & ~0o700:
        return "key file %s has permissions %o, exceeds 0700" % (key_path, stat.S_IMODE(st.st_mode))
    return None


# R3: pkg/security/auth.go, getCertificatePrincipals and GetCertificateUserScope.
def principals(cert):
    return [common_name(cert)] + sans(cert, x509.DNSName)


def user_of(cert):
    uris = [u for u in sans(cert, x509.UniformResourceIdentifier) if u.startswith("crdb://")]
    assert not uris, "certkit writes no crdb:// tenant URI SANs"
    return common_name(cert)


# R4: pkg/security/certificate_loader.go, validateDualPurposeNodeCert.
def dual_purpose_node_error(cert):
    if "node" not in principals(cert):
        return 'client/server node certificate has principals %r, expected "node"' % principals(cert)
    return None


# R5: pkg/rpc/auth.go, checkRootOrNodeInScope.
def rpc_error(cert):
    if user_of(cert) not in ("node", "root"):
        return "need root or node client cert to perform RPCs on this server (cert is valid for %r)" % user_of(cert)
    return None


# R6: pkg/security/certificate_loader.go, validateCockroachCertificate.
def client_cert_error(cert, user):
    if user not in principals(cert):
        return "client certificate has principals %r, expected %r" % (principals(cert), user)
    return None


def certs_dir_errors(certs_dir):
    """R1, R2, R4 and R6 over one certs-dir, as CertificateLoader.Load and
    the node certificate checks apply them: the list of errors."""
    errors = []
    found = {}
    for filename in sorted(os.listdir(certs_dir)):
        if not filename.endswith(".crt") or os.path.isdir(os.path.join(certs_dir, filename)):
            continue
        info, err = cert_info_from_filename(filename)
        if err:
            errors.append("bad filename %s: %s" % (filename, err))
            continue
        kind, name = info
        cert = load_cert(os.path.join(certs_dir, filename))
        found[filename] = cert
        if not kind.startswith("ca"):
            err = key_error(os.path.join(certs_dir, filename[:-len(".crt")] + ".key"))
            if err:
                errors.append(err)
        if kind == "client":
            err = client_cert_error(cert, name)
            if err:
                errors.append(err)
    if "node.crt" in found and "client.node.crt" not in found:
        err = dual_purpose_node_error(found["node.crt"])
        if err:
            errors.append(err)
    return errors, found


def openssl_verify(ca, cert, *extra):
    return subprocess.run(["openssl", "verify", "-CAfile", ca] + list(extra) + [cert],
                          capture_output=True, text=True, timeout=60)


class CockroachPresetTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="certkit-cockroach-")
        cls.dir = os.path.join(cls.tmp, "crdb")
        must("cluster", "init", "--for", "cockroach", "--nodes", ",".join(NODES),
             "--clients", "root,maxroach", "--out", cls.dir, "--quiet")
        cls.plain = os.path.join(cls.tmp, "plain")
        must("cluster", "init", "--nodes", ",".join(NODES), "--out", cls.plain, "--format", "pem",
             "--quiet")

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def node_dir(self, host, base=None):
        return os.path.join(base or self.dir, "nodes", host)

    def test_node_folders_are_valid_certs_dirs(self):
        for host in NODES:
            d = self.node_dir(host)
            errors, found = certs_dir_errors(d)
            self.assertEqual(errors, [], d)
            self.assertEqual(sorted(found), ["ca.crt", "node.crt"], d)
            # PEM files only: a certs-dir needs no key stores.
            self.assertEqual(sorted(os.listdir(d)), ["ca.crt", "node.crt", "node.key"])

    def test_client_folders_are_valid_certs_dirs(self):
        for user in ("root", "maxroach"):
            d = os.path.join(self.dir, "clients", user)
            errors, found = certs_dir_errors(d)
            self.assertEqual(errors, [], d)
            self.assertEqual(sorted(found), ["ca.crt", "client.%s.crt" % user])
            cert = found["client.%s.crt" % user]
            self.assertEqual(user_of(cert), user)  # R3: CN = user
            eku = cert.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
            self.assertIn(ExtendedKeyUsageOID.CLIENT_AUTH, list(eku))
            r = openssl_verify(os.path.join(d, "ca.crt"), os.path.join(d, "client.%s.crt" % user),
                               "-purpose", "sslclient")
            self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        # root may perform RPCs (R5); another user may not.
        self.assertIsNone(rpc_error(load_cert(os.path.join(self.dir, "clients/root/client.root.crt"))))
        self.assertIsNotNone(rpc_error(load_cert(os.path.join(self.dir, "clients/maxroach/client.maxroach.crt"))))

    def test_node_certificate_user_subject_and_sans(self):
        for host in NODES:
            d = self.node_dir(host)
            cert = load_cert(os.path.join(d, "node.crt"))
            self.assertEqual(user_of(cert), "node")  # R3
            self.assertIsNone(rpc_error(cert))       # R5
            orgs = [a.value for a in cert.subject.get_attributes_for_oid(NameOID.ORGANIZATION_NAME)]
            self.assertEqual(orgs, ["Cockroach"])    # pkg/security/x509.go newTemplate, the seed's ca.conf
            eku = list(cert.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value)
            self.assertIn(ExtendedKeyUsageOID.SERVER_AUTH, eku)  # R7
            self.assertIn(ExtendedKeyUsageOID.CLIENT_AUTH, eku)
            ips = sans(cert, x509.IPAddress)
            dns = sans(cert, x509.DNSName)
            self.assertIn("127.0.0.1", ips)
            self.assertIn("localhost", dns)
            self.assertIn(host, ips if re.match(r"^[0-9.]+$", host) else dns)
            ca = os.path.join(d, "ca.crt")
            crt = os.path.join(d, "node.crt")
            for purpose in ("sslserver", "sslclient"):
                r = openssl_verify(ca, crt, "-purpose", purpose)
                self.assertEqual(r.returncode, 0, "%s %s: %s" % (host, purpose, r.stdout + r.stderr))
            for check in (["-verify_hostname", "localhost"], ["-verify_ip", "127.0.0.1"],
                          ["-verify_ip", host] if re.match(r"^[0-9.]+$", host) else ["-verify_hostname", host]):
                r = openssl_verify(ca, crt, "-purpose", "sslserver", *check)
                self.assertEqual(r.returncode, 0, "%s %s: %s" % (host, check, r.stdout + r.stderr))
            # The other node's name is not in this certificate: the check can fail.
            other = [h for h in NODES if h != host][0]
            flag = "-verify_ip" if re.match(r"^[0-9.]+$", other) else "-verify_hostname"
            r = openssl_verify(ca, crt, "-purpose", "sslserver", flag, other)
            self.assertNotEqual(r.returncode, 0, "%s must not verify for %s" % (host, other))

    def test_inter_node_handshake_authenticates_user_node(self):
        """Two nodes' files in a mutual-TLS handshake (Python's ssl, i.e.
        OpenSSL, both sides verifying against ca.crt, the client checking
        127.0.0.1 as a node dialing a local peer does): the server sees a
        client certificate whose user is "node", which R5 accepts."""
        a, b = self.node_dir(NODES[0]), self.node_dir(NODES[1])
        server_ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        server_ctx.load_cert_chain(os.path.join(a, "node.crt"), os.path.join(a, "node.key"))
        server_ctx.load_verify_locations(os.path.join(a, "ca.crt"))
        server_ctx.verify_mode = ssl.CERT_REQUIRED
        client_ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        client_ctx.load_cert_chain(os.path.join(b, "node.crt"), os.path.join(b, "node.key"))
        client_ctx.load_verify_locations(os.path.join(b, "ca.crt"))
        listener = socket.socket()
        listener.bind(("127.0.0.1", 0))
        listener.listen(1)
        port = listener.getsockname()[1]
        seen = {}

        def serve():
            conn, _ = listener.accept()
            try:
                with server_ctx.wrap_socket(conn, server_side=True) as tls:
                    seen["peer"] = x509.load_der_x509_certificate(tls.getpeercert(binary_form=True))
                    tls.sendall(b"ok")
            except Exception as e:  # reported by the assertions below
                seen["error"] = e

        t = threading.Thread(target=serve)
        t.start()
        with socket.create_connection(("127.0.0.1", port), timeout=10) as raw:
            with client_ctx.wrap_socket(raw, server_hostname="127.0.0.1") as tls:
                server_cert = x509.load_der_x509_certificate(tls.getpeercert(binary_form=True))
                self.assertEqual(tls.recv(2), b"ok")
        t.join(10)
        listener.close()
        self.assertNotIn("error", seen)
        self.assertEqual(user_of(seen["peer"]), "node")
        self.assertIsNone(rpc_error(seen["peer"]))
        self.assertEqual(user_of(server_cert), "node")

    def test_key_mode_rule_can_fail(self):
        d = os.path.join(self.tmp, "loose")
        shutil.copytree(self.node_dir(NODES[0]), d)
        os.chmod(os.path.join(d, "node.key"), 0o640)
        errors, _ = certs_dir_errors(d)
        self.assertTrue(any("exceeds 0700" in e for e in errors), errors)

    def test_default_node_certificate_fails_the_rpc_rule(self):
        """Without the preset the node certificate's CN is its host: R4 and
        R5 refuse it (issue 25: a cluster from these files would not form)."""
        for host in NODES:
            d = self.node_dir(host, self.plain)
            cert = load_cert(os.path.join(d, "node.crt"))
            self.assertEqual(common_name(cert), host)
            self.assertIn("need root or node client cert", rpc_error(cert) or "")
            errors, _ = certs_dir_errors(d)
            self.assertTrue(any('expected "node"' in e for e in errors), errors)

    def test_manifest_records_the_preset(self):
        with open(os.path.join(self.dir, "manifest.json")) as f:
            m = json.load(f)
        self.assertEqual(m["preset"], "cockroach")
        self.assertEqual(m["node_cn"], "node")
        self.assertEqual(m["organization"], "Cockroach")
        self.assertEqual(m["formats"], ["pem"])

    def test_add_keeps_the_preset_and_refuses_another(self):
        d = os.path.join(self.tmp, "grow")
        must("cluster", "init", "--for", "cockroach", "--nodes", "10.0.0.1", "--out", d, "--quiet")
        must("cluster", "add", "--dir", d, "--nodes", "10.0.0.3", "--clients", "root", "--quiet")
        must("cluster", "add", "--dir", d, "--for", "cockroach", "--nodes", "10.0.0.4", "--quiet")
        for host in ("10.0.0.3", "10.0.0.4"):
            errors, found = certs_dir_errors(os.path.join(d, "nodes", host))
            self.assertEqual(errors, [])
            self.assertIn("localhost", sans(found["node.crt"], x509.DNSName))
        errors, _ = certs_dir_errors(os.path.join(d, "clients", "root"))
        self.assertEqual(errors, [])
        r = certkit("cluster", "add", "--dir", d, "--for", "postgres", "--nodes", "10.0.0.5")
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("--for postgres", r.stderr)
        self.assertIn("--for cockroach", r.stderr)
        self.assertFalse(os.path.exists(os.path.join(d, "nodes", "10.0.0.5")))
        r = certkit("cluster", "add", "--dir", self.plain, "--for", "cockroach", "--nodes", "10.0.0.5")
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("without --for", r.stderr)
        r = certkit("cluster", "init", "--for", "mongodb", "--nodes", "a", "--out", os.path.join(self.tmp, "x"))
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("cockroach, cassandra, postgres", r.stderr)

    def test_node_command_preset(self):
        out = os.path.join(self.tmp, "single")
        must("node", "--for", "cockroach", "--ca-cert", os.path.join(self.dir, "ca.crt"),
             "--ca-key", os.path.join(self.dir, "ca-private/ca.key"), "--host", "10.0.0.9",
             "--out", out)
        errors, found = certs_dir_errors(out)
        self.assertEqual(errors, [])
        self.assertIn("127.0.0.1", sans(found["node.crt"], x509.IPAddress))
        must("client", "--for", "cockroach", "--ca-cert", os.path.join(self.dir, "ca.crt"),
             "--ca-key", os.path.join(self.dir, "ca-private/ca.key"), "--user", "root", "--out", out,
             "--overwrite")  # the same ca.crt again
        errors, found = certs_dir_errors(out)
        self.assertEqual(errors, [])
        self.assertEqual(sorted(found), ["ca.crt", "client.root.crt", "node.crt"])


class OtherPresetsTest(unittest.TestCase):
    """--for cassandra and --for postgres change only what docs/CLI.md says."""

    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="certkit-presets-")
        os.environ["PRESET_TEST_STOREPASS"] = "changeit-preset"

    def tearDown(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    def test_cassandra_node_writes_stores_keytool_reads(self):
        ca = os.path.join(self.tmp, "ca")
        must("cluster", "init", "--nodes", "x", "--out", ca, "--format", "pem", "--quiet")
        out = os.path.join(self.tmp, "n")
        must("node", "--for", "cassandra", "--ca-cert", os.path.join(ca, "ca.crt"),
             "--ca-key", os.path.join(ca, "ca-private/ca.key"), "--host", "10.3.0.1", "--out", out,
             "--storepass", "env:PRESET_TEST_STOREPASS")
        files = sorted(os.listdir(out))
        self.assertEqual(files, ["ca.crt", "keystore.jks", "keystore.p12", "node.crt", "node.key",
                                 "truststore.jks", "truststore.p12"])
        if not shutil.which("keytool"):
            print("keytool not found: the key store is not read back", file=sys.stderr)
        else:
            r = subprocess.run(["keytool", "-list", "-keystore", os.path.join(out, "keystore.jks"),
                                "-storepass:env", "PRESET_TEST_STOREPASS"],
                               capture_output=True, text=True, timeout=120)
            self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
            self.assertIn("10.3.0.1", r.stdout)  # the key entry alias is still the host
        # The CN is certkit's default: the preset does not touch it.
        self.assertEqual(common_name(load_cert(os.path.join(out, "node.crt"))), "10.3.0.1")
        # An explicit --format wins over the preset's.
        out2 = os.path.join(self.tmp, "n2")
        must("node", "--for", "cassandra", "--format", "pem", "--ca-cert", os.path.join(ca, "ca.crt"),
             "--ca-key", os.path.join(ca, "ca-private/ca.key"), "--host", "10.3.0.2", "--out", out2)
        self.assertEqual(sorted(os.listdir(out2)), ["ca.crt", "node.crt", "node.key"])

    def test_postgres_changes_nothing(self):
        d = os.path.join(self.tmp, "pg")
        must("cluster", "init", "--for", "postgres", "--nodes", "10.4.0.1", "--clients", "app",
             "--out", d, "--storepass", "env:PRESET_TEST_STOREPASS", "--quiet")
        node = load_cert(os.path.join(d, "nodes/10.4.0.1/node.crt"))
        self.assertEqual(common_name(node), "10.4.0.1")
        self.assertEqual(sans(node, x509.IPAddress), ["10.4.0.1"])
        self.assertEqual(sans(node, x509.DNSName), [])
        self.assertEqual(common_name(load_cert(os.path.join(d, "clients/app/client.app.crt"))), "app")
        with open(os.path.join(d, "manifest.json")) as f:
            m = json.load(f)
        self.assertEqual(m["preset"], "postgres")
        self.assertNotIn("node_cn", m)
        self.assertEqual(m["formats"], ["pem", "jks", "p12"])


def subject_cn(path):
    r = subprocess.run(["openssl", "x509", "-noout", "-subject", "-nameopt", "RFC2253", "-in", path],
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    return r.stdout.strip()


class NodeCnTest(unittest.TestCase):
    """--node-cn is recorded and kept by add, renew and rotate-ca reissue
    (checked with openssl x509 -subject)."""

    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="certkit-nodecn-")

    def tearDown(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    def test_node_cn_kept(self):
        d = os.path.join(self.tmp, "c")
        must("cluster", "init", "--node-cn", "db-node", "--nodes", "a.example.com,10.1.0.1",
             "--out", d, "--format", "pem", "--quiet")
        with open(os.path.join(d, "manifest.json")) as f:
            m = json.load(f)
        self.assertEqual(m["node_cn"], "db-node")
        self.assertNotIn("preset", m)
        a = os.path.join(d, "nodes/a.example.com/node.crt")
        self.assertEqual(subject_cn(a), "subject=CN=db-node")
        self.assertEqual(sans(load_cert(a), x509.DNSName), ["a.example.com"])
        # The manifest still names nodes (and folders) by host.
        self.assertEqual([n["host"] for n in m["nodes"]], ["a.example.com", "10.1.0.1"])
        must("cluster", "add", "--dir", d, "--nodes", "b.example.com", "--quiet")
        b = os.path.join(d, "nodes/b.example.com/node.crt")
        self.assertEqual(subject_cn(b), "subject=CN=db-node")
        self.assertEqual(sans(load_cert(b), x509.DNSName), ["b.example.com"])
        before = load_cert(a).serial_number
        must("cluster", "renew", "--dir", d, "--within", "36500d", "--quiet")
        self.assertNotEqual(load_cert(a).serial_number, before)
        for host in ("a.example.com", "10.1.0.1", "b.example.com"):
            self.assertEqual(subject_cn(os.path.join(d, "nodes", host, "node.crt")), "subject=CN=db-node")
        for stage in ("new-ca", "trust-both", "reissue"):
            must("cluster", "rotate-ca", "--dir", d, "--stage", stage, "--quiet")
        ca = os.path.join(d, "nodes/a.example.com/ca.crt")
        self.assertEqual(subject_cn(a), "subject=CN=db-node")
        r = openssl_verify(ca, a, "-purpose", "sslserver", "-verify_hostname", "a.example.com")
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)

    def test_default_cn_is_first_host(self):
        d = os.path.join(self.tmp, "d")
        must("cluster", "init", "--nodes", "a.example.com", "--out", d, "--format", "pem", "--quiet")
        self.assertEqual(subject_cn(os.path.join(d, "nodes/a.example.com/node.crt")),
                         "subject=CN=a.example.com")
        with open(os.path.join(d, "manifest.json")) as f:
            self.assertNotIn("node_cn", json.load(f))

    def test_node_command_and_bad_values(self):
        d = os.path.join(self.tmp, "ca")
        must("cluster", "init", "--nodes", "x", "--out", d, "--format", "pem", "--quiet")
        out = os.path.join(self.tmp, "n")
        must("node", "--ca-cert", os.path.join(d, "ca.crt"), "--ca-key", os.path.join(d, "ca-private/ca.key"),
             "--host", "h1.example.com", "--host", "10.2.0.1", "--node-cn", "svc", "--out", out)
        self.assertEqual(subject_cn(os.path.join(out, "node.crt")), "subject=CN=svc")
        cert = load_cert(os.path.join(out, "node.crt"))
        self.assertEqual(sans(cert, x509.DNSName), ["h1.example.com"])
        self.assertEqual(sans(cert, x509.IPAddress), ["10.2.0.1"])
        for bad in ("a\x1bb", "x" * 65):
            r = certkit("cluster", "init", "--node-cn", bad, "--nodes", "y", "--out",
                        os.path.join(self.tmp, "bad"), "--format", "pem")
            self.assertNotEqual(r.returncode, 0)
            self.assertIn("node CN", r.stderr)
            self.assertNotIn("\x1b", r.stderr)
            self.assertFalse(os.path.exists(os.path.join(self.tmp, "bad", "manifest.json")))


if __name__ == "__main__":
    CERTKIT = os.path.abspath(sys.argv.pop(1))
    unittest.main(verbosity=2)
