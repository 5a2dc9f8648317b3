#!/usr/bin/env python3
"""PKCS#12 profiles against pyca/cryptography, whose wheels bundle a recent
OpenSSL (4.x) that reads PBMAC1 (RFC 9579), unlike Debian's OpenSSL 3.0 and
Java 17 (tests/keystore/pkcs12_profiles_test.cc checks those).

certkit's CLI writes a cluster's keystore.p12/truststore.p12 in each profile
(`cluster init --p12-profile NAME`); pyca reads each one with the store
password (the passwordless trust store with none) and refuses a wrong one.
The other way, certkit reads what pyca writes: AES-256 + HMAC-SHA256
(BestAvailableEncryption), 3DES + HMAC-SHA1 (the legacy builder) and an
unencrypted, MAC-less trust store. pyca/cryptography 48 cannot write PBMAC1
(its PKCS#12 encryption builder offers kdf_rounds, key_cert_algorithm and
hmac_hash only), so the PBMAC1 file certkit reads in these tests is
certkit's own, verified by pyca's OpenSSL here; hostile PBMAC1 files are in
pkcs12_profiles_test.cc.

Usage: pkcs12_pyca_test.py CERTKIT_BINARY BUILD_DIR
Exit 77 (skip) when PyPI cannot be reached, unless CERTKIT_REQUIRE_PYPI=1."""
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "support"))
import pypi_venv  # noqa: E402 (tests/support/pypi_venv.py)

REQUIREMENT = "cryptography==48.0.0"
CHILD_MARK = "CERTKIT_PKCS12_PYCA_VENV"
CERTKIT = None
PASS_VAR = "CK_P12_PYCA_PASS"
PASSWORD = "pyca-store-pass-3f9a"




def read_text(path):
    with open(path) as f:
        return f.read()



def certkit(*args):
    env = dict(os.environ, **{PASS_VAR: PASSWORD})
    return subprocess.run([CERTKIT] + list(args), capture_output=True, text=True, env=env, timeout=300)


class Pkcs12Pyca(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        from cryptography.hazmat.bindings._rust import openssl as rust_openssl
        cls.openssl = rust_openssl.openssl_version_text()
        cls.tmp = tempfile.mkdtemp(prefix="certkit-p12-pyca-")

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, True)

    def test_bundled_openssl_has_pbmac1(self):
        # PBMAC1 arrived in OpenSSL 3.4; the wheel must bundle a newer one for
        # the modern2026 checks below to mean anything.
        version = self.openssl.split()[1]
        major, minor = (int(x) for x in version.split(".")[:2])
        self.assertGreaterEqual((major, minor), (3, 4), self.openssl)

    def init_cluster(self, profile, folder=None):
        out = os.path.join(self.tmp, folder or profile)
        r = certkit("cluster", "init", "--out", out, "--nodes", "db1.example.com", "--format", "pem,p12",
                    "--p12-profile", profile, "--storepass", "env:" + PASS_VAR, "--quiet", "--jobs", "1")
        self.assertEqual(r.returncode, 0, r.stderr)
        node = os.path.join(out, "nodes", "db1.example.com")
        with open(os.path.join(node, "keystore.p12"), "rb") as f:
            keystore = f.read()
        with open(os.path.join(out, "truststore.p12"), "rb") as f:
            truststore = f.read()
        with open(os.path.join(node, "node.crt"), "rb") as f:
            node_pem = f.read()
        return keystore, truststore, node_pem

    def test_pyca_reads_each_profile(self):
        from cryptography import x509
        from cryptography.hazmat.primitives.serialization import pkcs12
        for profile in ("modern", "modern2026", "legacy", "passwordless-truststore"):
            with self.subTest(profile=profile):
                keystore, truststore, node_pem = self.init_cluster(profile)
                leaf = x509.load_pem_x509_certificates(node_pem)[0]
                ks = pkcs12.load_pkcs12(keystore, PASSWORD.encode())
                self.assertIsNotNone(ks.key)
                self.assertEqual(ks.cert.certificate, leaf)
                self.assertEqual(ks.key.public_key(), leaf.public_key())
                with self.assertRaises(ValueError):
                    pkcs12.load_pkcs12(keystore, b"wrong-password")
                if profile == "passwordless-truststore":
                    # No password at all, and no MAC in the file.
                    ts = pkcs12.load_pkcs12(truststore, None)
                else:
                    ts = pkcs12.load_pkcs12(truststore, PASSWORD.encode())
                    with self.assertRaises(ValueError):
                        pkcs12.load_pkcs12(truststore, b"wrong-password")
                self.assertIsNone(ts.key)
                self.assertEqual(len(ts.additional_certs), 1)
                self.assertEqual(ts.additional_certs[0].certificate.issuer, leaf.issuer)

    def test_cli_refuses_unknown_and_conflicting_profiles(self):
        out = os.path.join(self.tmp, "refused")
        for extra, message in ((["--p12-profile", "nope"],
                                "--p12-profile: unknown PKCS#12 profile 'nope' (valid: "
                                "modern|modern2026|legacy|passwordless-truststore)"),
                               (["--p12-legacy", "--p12-profile", "modern2026"],
                                "--p12-legacy conflicts with --p12-profile modern2026")):
            r = certkit("cluster", "init", "--out", out, "--nodes", "db1.example.com", "--format", "p12",
                        "--storepass", "env:" + PASS_VAR, "--quiet", *extra)
            self.assertEqual(r.returncode, 3, r.stderr)
            self.assertIn(message, r.stderr)
            self.assertFalse(os.path.exists(out))

    def test_modern2026_is_pbmac1_and_a_wrong_mac_is_refused(self):
        from cryptography.hazmat.primitives.serialization import pkcs12
        keystore, _, _ = self.init_cluster("modern2026", "modern2026-mac")
        self.assertIn(bytes.fromhex("06092a864886f70d01050e"), keystore)  # id-PBMAC1
        damaged = bytearray(keystore)
        damaged[-40] ^= 1  # inside the MAC value
        with self.assertRaises(ValueError):
            pkcs12.load_pkcs12(bytes(damaged), PASSWORD.encode())
        path = os.path.join(self.tmp, "damaged2026.p12")
        with open(path, "wb") as f:
            f.write(damaged)
        r = certkit("keystore", "list", path, "--storepass", "env:" + PASS_VAR)
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("corrupted: the PBMAC1 MAC does not match although the password decrypts", r.stderr)

    def certkit_lists(self, data, name, password=True):
        path = os.path.join(self.tmp, name)
        with open(path, "wb") as f:
            f.write(data)
        # Without a password: `keystore list` with no --storepass (and no
        # terminal) reads a store that has no MAC, like keytool -list.
        args = ["keystore", "list", path]
        if password:
            args += ["--storepass", "env:" + PASS_VAR]
        env = dict(os.environ, **{PASS_VAR: PASSWORD})
        return subprocess.run([CERTKIT] + args, capture_output=True, text=True, env=env, timeout=300,
                              stdin=subprocess.DEVNULL)

    def test_certkit_reads_what_pyca_writes(self):
        from cryptography import x509
        from cryptography.hazmat.primitives import hashes, serialization
        from cryptography.hazmat.primitives.asymmetric import ec
        from cryptography.hazmat.primitives.serialization import pkcs12
        from cryptography.x509.oid import NameOID
        import datetime
        key = ec.generate_private_key(ec.SECP256R1())
        name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "pyca-node")])
        now = datetime.datetime.now(datetime.timezone.utc)
        cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
                .serial_number(x509.random_serial_number()).not_valid_before(now)
                .not_valid_after(now + datetime.timedelta(days=30))
                .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
                .sign(key, hashes.SHA256()))
        modern = pkcs12.serialize_key_and_certificates(
            b"pyca-node", key, cert, None, serialization.BestAvailableEncryption(PASSWORD.encode()))
        legacy = pkcs12.serialize_key_and_certificates(
            b"pyca-node", key, cert, None,
            serialization.PrivateFormat.PKCS12.encryption_builder().kdf_rounds(2048)
            .key_cert_algorithm(pkcs12.PBES.PBESv1SHA1And3KeyTripleDESCBC).hmac_hash(hashes.SHA1())
            .build(PASSWORD.encode()))
        for label, data in (("modern", modern), ("legacy", legacy)):
            with self.subTest(pyca=label):
                r = self.certkit_lists(data, "pyca-%s.p12" % label)
                self.assertEqual(r.returncode, 0, r.stderr)
                self.assertIn("pyca-node", r.stdout)
                wrong = certkit("keystore", "list", os.path.join(self.tmp, "pyca-%s.p12" % label),
                                "--storepass", "pass:wrong")
                self.assertNotEqual(wrong.returncode, 0)
                self.assertIn("password is incorrect", wrong.stderr)
        # pyca's NoEncryption is not a passwordless trust store: it keeps a MAC
        # (HMAC-SHA256 under the empty password) and marks no certificate
        # trusted. certkit verifies that MAC with an empty password, refuses
        # another, and (like the JDK) finds no trusted entry in it.
        trust = pkcs12.serialize_key_and_certificates(
            None, None, None, [pkcs12.PKCS12Certificate(cert, b"pyca-ca")], serialization.NoEncryption())
        path = os.path.join(self.tmp, "pyca-nopass.p12")
        with open(path, "wb") as f:
            f.write(trust)
        r = certkit("keystore", "list", path, "--storepass", "pass:")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("Your keystore contains 0 entries", r.stdout)
        r = certkit("keystore", "list", path, "--storepass", "pass:wrong")
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("MAC mismatch", r.stderr)
        # certkit's passwordless trust store read back without any password.
        _, truststore, _ = self.init_cluster("passwordless-truststore", "nopass-cli")
        r = self.certkit_lists(truststore, "certkit-nopass.p12", password=False)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("trustedCertEntry", r.stdout)


def main():
    global CERTKIT
    if len(sys.argv) != 3:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    pypi_venv.reexec_in_venv(__file__, sys.argv[2], "pkcs12-pyca-venv", REQUIREMENT, CHILD_MARK, pip_args=("--only-binary", ":all:"))
    CERTKIT = os.path.abspath(sys.argv[1])
    unittest.main(argv=[sys.argv[0], "-v"])


if __name__ == "__main__":
    main()
