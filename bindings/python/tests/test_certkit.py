"""Tests of the Python binding against real peers (openssl, keytool)."""
import os
import re
import shutil
import subprocess
import tempfile
import unittest

from support import HERE  # noqa: E402 (sets up the import path and library)

import certkit  # noqa: E402
from certkit import _capi, _library  # noqa: E402

import gen_capi  # noqa: E402

STOREPASS = "storepass-123"


def run(*args, input=None, check=True):
    """Runs a peer tool; returns stdout text; fails the test on error."""
    result = subprocess.run(args, input=input, capture_output=True, text=True)
    if check and result.returncode != 0:
        raise AssertionError("%s failed (%d): %s%s" % (" ".join(args), result.returncode,
                                                      result.stdout, result.stderr))
    return result


class TempDirTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        for tool in ("openssl", "keytool"):
            if shutil.which(tool) is None:
                raise AssertionError("peer tool %s is missing" % tool)

    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="certkit-py-")
        self.addCleanup(shutil.rmtree, self.dir, True)

    def path(self, name):
        return os.path.join(self.dir, name)

    def write(self, name, data):
        mode = "wb" if isinstance(data, bytes) else "w"
        with open(self.path(name), mode) as f:
            f.write(data)
        return self.path(name)

    def read(self, name):
        with open(self.path(name), "rb") as f:
            return f.read()


def make_pki(leaf_sans="DNS:node1.example,IP:10.0.0.1"):
    """A root CA, an intermediate and a server leaf with its key."""
    root = certkit.CertificateAuthority.create_root("CN=Test Root, O=certkit",
                                                   key_spec="ec:p256")
    inter = root.create_intermediate("CN=Test Intermediate, O=certkit", key_spec="ec:p256")
    key = certkit.PrivateKey.generate("ec:p256")
    csr = certkit.CertificateRequest.create("CN=node1.example, O=certkit", key, sans=leaf_sans)
    leaf = inter.sign(csr, certkit.Profile("server"), days=30)
    return root, inter, key, leaf


class GeneratedCapiTest(unittest.TestCase):
    def test_generated_module_matches_header(self):
        header = os.path.join(HERE, "..", "..", "..", "include", "certkit", "certkit.h")
        with open(header, encoding="utf-8") as f:
            expected = gen_capi.generate(f.read())
        with open(os.path.join(HERE, "..", "certkit", "_capi.py"), encoding="utf-8") as f:
            self.assertEqual(f.read(), expected,
                             "certkit/_capi.py is stale: run bindings/python/gen_capi.py")

    def test_every_declared_function_is_exported(self):
        missing = [name for name in _capi.FUNCTIONS if not hasattr(_library.LIBRARY, name)]
        self.assertEqual(missing, [])
        self.assertGreater(len(_capi.FUNCTIONS), 150)

    def test_argtypes_declared_for_pointer_returns(self):
        self.assertIs(_capi.certkit_ssl_new.restype, __import__("ctypes").c_void_p)
        self.assertEqual(len(_capi.certkit_ssl_verify_peer_n.argtypes), 6)

    def test_every_error_code_has_its_exception_class(self):
        codes = {name: value for name, value in vars(_capi).items()
                 if name.startswith("CERTKIT_ERROR_")}
        self.assertIn("CERTKIT_ERROR_IDENTITY_MISMATCH", codes)
        for name, value in codes.items():
            cls = certkit.errors._BY_CODE.get(value)
            self.assertIsNotNone(cls, "no exception class for %s" % name)
            self.assertEqual(cls(value, "m").name, name[len("CERTKIT_ERROR_"):].lower())

    def test_version_matches_header(self):
        self.assertRegex(certkit.version(), r"^\d+\.\d+\.\d+$")
        major, minor, patch = (int(x) for x in certkit.version().split("."))
        self.assertEqual(_capi.certkit_version_number(), (major << 16) | (minor << 8) | patch)


class KeyTest(TempDirTest):
    def test_encrypted_key_loads_in_openssl(self):
        key = certkit.PrivateKey.generate("rsa:2048")
        self.assertEqual(key.type, "rsa")
        self.assertEqual(key.bits, 2048)
        path = self.path("key.pem")
        key.save(path, password="s3cret-pw")
        self.assertEqual(os.stat(path).st_mode & 0o777, 0o600)
        self.assertIn("ENCRYPTED PRIVATE KEY", self.read("key.pem").decode())
        pub = run("openssl", "pkey", "-in", path, "-passin", "pass:s3cret-pw", "-pubout").stdout
        self.assertEqual(pub.strip(), key.public_key_pem.strip())
        wrong = run("openssl", "pkey", "-in", path, "-passin", "pass:nope", "-noout",
                    check=False)
        self.assertNotEqual(wrong.returncode, 0)

    def test_openssl_encrypted_key_loads_and_wrong_password_raises(self):
        path = self.path("ossl.pem")
        run("openssl", "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-384",
            "-aes-256-cbc", "-pass", "pass:right-pw", "-out", path)
        pem = self.read("ossl.pem")
        key = certkit.PrivateKey.from_pem(pem, "right-pw")
        self.assertEqual(key.type, "ec:p384")
        self.assertEqual(key.description, "EC P-384")
        pub = run("openssl", "pkey", "-in", path, "-passin", "pass:right-pw", "-pubout").stdout
        self.assertEqual(pub.strip(), key.public_key_pem.strip())
        with self.assertRaises(certkit.BadPasswordError) as ctx:
            certkit.PrivateKey.from_pem(pem, "wrong-pw-xyz")
        self.assertEqual(ctx.exception.code, _capi.CERTKIT_ERROR_BAD_PASSWORD)
        self.assertNotIn("wrong-pw-xyz", str(ctx.exception))
        self.assertIsInstance(ctx.exception, certkit.CertkitError)
        with self.assertRaises(certkit.BadPasswordError):
            certkit.PrivateKey.from_pem(pem)

    def test_der_and_traditional_round_trip(self):
        with certkit.PrivateKey.generate("ec:p256") as key:
            der = key.to_der()
            again = certkit.PrivateKey.from_der(der)
            self.assertEqual(again.public_key_pem, key.public_key_pem)
            trad = key.to_pem(format="traditional")
            self.assertIn("BEGIN EC PRIVATE KEY", trad)
            check = run("openssl", "ec", "-noout", "-check", input=trad)
            self.assertIn("ec key valid", (check.stdout + check.stderr).lower())
            enc = key.to_der(password="pw-der")
            self.assertEqual(certkit.PrivateKey.from_der(enc, "pw-der").public_key_pem,
                             key.public_key_pem)
        with self.assertRaises(certkit.NullArgumentError):
            key.type  # closed handle

    def test_every_key_type_generates_and_openssl_agrees(self):
        for spec, ossl in (("ec:p256", "prime256v1"), ("ec:p384", "secp384r1"),
                           ("ec:p521", "secp521r1"), ("ed25519", "ED25519")):
            with certkit.PrivateKey.generate(spec) as key:
                self.assertEqual(key.type, spec)
                text = run("openssl", "pkey", "-noout", "-text", input=key.to_pem()).stdout
                self.assertIn(ossl, text)

    def test_bad_input_errors(self):
        with self.assertRaises(certkit.MalformedError) as ctx:
            certkit.PrivateKey.from_pem("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n")
        self.assertTrue(ctx.exception.message)
        with self.assertRaises(certkit.CertkitError) as ctx:
            certkit.PrivateKey.generate("rsa:1024")
        self.assertIn(ctx.exception.code, (_capi.CERTKIT_ERROR_WEAK_PARAMETER,
                                           _capi.CERTKIT_ERROR_INVALID_ARGUMENT))
        with self.assertRaises(certkit.InvalidArgumentError):
            certkit.PrivateKey.generate("dsa:1024")


class NameTest(unittest.TestCase):
    def test_parse_and_forms(self):
        name = certkit.Name("CN=node1, OU=db, O=Example, C=US")
        self.assertEqual(name["CN"], "node1")
        self.assertEqual(name.get("L"), None)
        self.assertEqual(name.slash, "/C=US/O=Example/OU=db/CN=node1")
        self.assertEqual(len(name), 4)
        self.assertEqual(certkit.Name(name.slash), name)
        name["CN"] = "node2"
        self.assertIn("CN=node2", str(name))
        with self.assertRaises(certkit.InvalidArgumentError):
            certkit.Name("this is not a DN")


class CertificateTest(TempDirTest):
    def test_fields_match_openssl(self):
        key_path, cert_path = self.path("k.pem"), self.path("c.pem")
        run("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
            "-nodes", "-keyout", key_path, "-out", cert_path, "-days", "10",
            "-subj", "/O=Example/CN=db1.example",
            "-addext", "subjectAltName=DNS:db1.example,IP:192.168.1.5")
        cert = certkit.Certificate.load(cert_path)
        self.assertEqual(cert.subject["CN"], "db1.example")
        self.assertEqual(str(cert.subject), "CN=db1.example, O=Example")
        self.assertEqual(cert.version, 3)
        self.assertEqual(cert.sans, [("DNS", "db1.example"), ("IP", "192.168.1.5")])
        self.assertEqual(cert.ip_addresses, ["192.168.1.5"])
        serial = run("openssl", "x509", "-in", cert_path, "-noout", "-serial").stdout
        self.assertEqual(int(serial.split("=")[1], 16), int(cert.serial, 16))
        fp = run("openssl", "x509", "-in", cert_path, "-noout", "-fingerprint", "-sha256").stdout
        self.assertEqual(fp.strip().split("=", 1)[1], cert.fingerprint("sha256"))
        fp1 = run("openssl", "x509", "-in", cert_path, "-noout", "-fingerprint", "-sha1").stdout
        self.assertEqual(fp1.strip().split("=", 1)[1], cert.fingerprint("sha1"))
        end = run("openssl", "x509", "-in", cert_path, "-noout", "-enddate").stdout
        self.assertIn(str(cert.not_after.year), end)
        self.assertTrue(cert.matches_key(certkit.PrivateKey.load(key_path)))
        self.assertFalse(cert.matches_key(certkit.PrivateKey.generate("ec:p256")))
        der = subprocess.run(["openssl", "x509", "-in", cert_path, "-outform", "DER"],
                             capture_output=True, check=True).stdout
        self.assertEqual(cert.to_der(), der)
        self.assertEqual(certkit.Certificate.from_der(cert.to_der()), cert)
        with self.assertRaises(certkit.MalformedError):
            certkit.Certificate.from_der(b"\x30\x03\x02\x01\x01")


class CaTest(TempDirTest):
    def test_chain_signed_through_binding_passes_openssl_verify(self):
        root, inter, key, leaf = make_pki()
        self.assertTrue(root.certificate.is_ca)
        self.assertIn("keyCertSign", root.certificate.key_usage_names)
        self.assertTrue(root.certificate.key_usage & certkit.KU_KEY_CERT_SIGN)
        self.assertFalse(leaf.key_usage & certkit.KU_KEY_CERT_SIGN)
        self.assertIn("digitalSignature", leaf.key_usage_names)
        ku_text = run("openssl", "x509", "-noout", "-ext", "keyUsage",
                      input=root.certificate.to_pem()).stdout
        self.assertIn("Certificate Sign", ku_text)
        self.assertEqual(inter.certificate.issuer, root.certificate.subject)
        self.assertEqual(len(inter.chain), 2)
        self.assertEqual(leaf.issuer, inter.certificate.subject)
        self.assertFalse(leaf.is_ca)
        self.assertIn("1.3.6.1.5.5.7.3.1", leaf.extended_key_usage)
        self.assertEqual(leaf.sans, [("DNS", "node1.example"), ("IP", "10.0.0.1")])
        self.write("root.pem", root.certificate.to_pem())
        self.write("inter.pem", inter.certificate.to_pem())
        self.write("leaf.pem", leaf.to_pem())
        out = run("openssl", "verify", "-CAfile", self.path("root.pem"),
                  "-untrusted", self.path("inter.pem"), "-purpose", "sslserver",
                  "-verify_ip", "10.0.0.1", self.path("leaf.pem")).stdout
        self.assertIn("leaf.pem: OK", out)
        bad = run("openssl", "verify", "-CAfile", self.path("inter.pem"), "-partial_chain",
                  "-verify_ip", "10.0.0.2", self.path("leaf.pem"), check=False)
        self.assertNotEqual(bad.returncode, 0)

    def test_csr_round_trip_with_openssl(self):
        key = certkit.PrivateKey.generate("rsa:2048")
        csr = certkit.CertificateRequest.create("/O=Example/CN=client1", key,
                                                sans=["DNS:client1.example"])
        csr.verify_signature()
        out = run("openssl", "req", "-verify", "-noout", "-text", input=csr.to_pem())
        self.assertIn("client1.example", out.stdout)
        self.assertIn("verify OK", out.stdout + out.stderr)
        # A CSR made by openssl, signed with the client profile.
        run("openssl", "req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
            "-nodes", "-keyout", self.path("k.pem"), "-out", self.path("r.csr"),
            "-subj", "/O=Example/CN=user1")
        parsed = certkit.CertificateRequest.from_pem(self.read("r.csr"))
        self.assertEqual(parsed.subject["CN"], "user1")
        root = certkit.CertificateAuthority.create_root("CN=Client Root")
        cert = root.sign(parsed, "client", days=5)
        self.assertIn("1.3.6.1.5.5.7.3.2", cert.extended_key_usage)
        self.write("root.pem", root.certificate.to_pem())
        self.write("cert.pem", cert.to_pem())
        run("openssl", "verify", "-CAfile", self.path("root.pem"), "-purpose", "sslclient",
            self.path("cert.pem"))
        self.assertEqual((cert.not_after - cert.not_before).days, 5)

    def test_ca_reload_from_pem_with_password(self):
        root = certkit.CertificateAuthority.create_root("CN=Reload Root")
        key_pem = root.key.to_pem(password="ca-pass")
        again = certkit.CertificateAuthority.load_pem(root.certificate.to_pem(), key_pem,
                                                     "ca-pass")
        self.assertEqual(again.certificate, root.certificate)
        with self.assertRaises(certkit.BadPasswordError):
            certkit.CertificateAuthority.load_pem(root.certificate.to_pem(), key_pem, "nope")
        with self.assertRaises(certkit.KeyMismatchError):
            certkit.CertificateAuthority.load(root.certificate, certkit.PrivateKey.generate())


class VerifyTest(unittest.TestCase):
    def test_verify_ip_dns_and_failures(self):
        root, inter, key, leaf = make_pki()
        chain = leaf.verify([root.certificate], [inter.certificate], ip="10.0.0.1",
                            purpose="server")
        self.assertEqual([c.subject["CN"] for c in chain],
                         ["node1.example", "Test Intermediate", "Test Root"])
        leaf.verify(root.certificate.to_pem(), inter.certificate.to_pem(), dns="node1.example")
        with self.assertRaises(certkit.IdentityMismatchError) as ctx:
            leaf.verify([root.certificate], [inter.certificate], ip="10.9.9.9")
        self.assertEqual(ctx.exception.code, _capi.CERTKIT_ERROR_IDENTITY_MISMATCH)
        self.assertIn("10.9.9.9", ctx.exception.message)
        self.assertIn("10.0.0.1", ctx.exception.message)  # names the cert's names
        self.assertIsInstance(ctx.exception, certkit.VerificationError)
        with self.assertRaises(certkit.UnknownIssuerError):
            leaf.verify([root.certificate])  # no intermediate
        other = certkit.CertificateAuthority.create_root("CN=Other Root")
        with self.assertRaises(certkit.UnknownIssuerError):
            leaf.verify([other.certificate], [inter.certificate])
        with self.assertRaises(certkit.CertExpiredError):
            leaf.verify([root.certificate], [inter.certificate],
                        time=leaf.not_after.timestamp() + 86400)


class RevocationTest(TempDirTest):
    def test_crl_made_by_openssl_ca_revokes_in_verify(self):
        # openssl makes the CA, two leaves and a CRL revoking one of them.
        self.write("ca.cnf", "[ca]\ndefault_ca=d\n[d]\ndatabase=%s\ncrlnumber=%s\n"
                   "default_md=sha256\ndefault_crl_days=7\n"
                   "[req]\nprompt=no\ndistinguished_name=dn\nx509_extensions=v3\n"
                   "[dn]\nCN=OpenSSL CRL CA\n[v3]\nbasicConstraints=critical,CA:true\n"
                   "keyUsage=critical,keyCertSign,cRLSign\nsubjectKeyIdentifier=hash\n"
                   % (self.path("index.txt"), self.path("crlnumber")))
        self.write("index.txt", "")
        self.write("crlnumber", "01\n")
        run("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
            "-nodes", "-keyout", self.path("ca.key"), "-out", self.path("ca.crt"), "-days", "30",
            "-config", self.path("ca.cnf"))
        for name in ("good", "bad"):
            run("openssl", "req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
                "-nodes", "-keyout", self.path(name + ".key"), "-subj", "/CN=%s.example" % name,
                "-out", self.path(name + ".csr"))
            run("openssl", "x509", "-req", "-in", self.path(name + ".csr"), "-CA",
                self.path("ca.crt"), "-CAkey", self.path("ca.key"), "-CAcreateserial",
                "-days", "10", "-out", self.path(name + ".crt"))
        run("openssl", "ca", "-config", self.path("ca.cnf"), "-keyfile", self.path("ca.key"),
            "-cert", self.path("ca.crt"), "-revoke", self.path("bad.crt"))
        run("openssl", "ca", "-config", self.path("ca.cnf"), "-keyfile", self.path("ca.key"),
            "-cert", self.path("ca.crt"), "-gencrl", "-out", self.path("crl.pem"))
        crl = self.read("crl.pem")
        ca = certkit.Certificate.load(self.path("ca.crt"))
        good = certkit.Certificate.load(self.path("good.crt"))
        bad = certkit.Certificate.load(self.path("bad.crt"))
        good.verify([ca], crls=[crl])
        bad.verify([ca])  # without the CRL it is valid
        with self.assertRaises(certkit.CertRevokedError) as ctx:
            bad.verify([ca], crls=[crl])
        self.assertEqual(ctx.exception.code, _capi.CERTKIT_ERROR_CERT_REVOKED)
        with self.assertRaises(certkit.MalformedError):
            good.verify([ca], crls=[b"not a CRL"])


class KeyStoreTest(TempDirTest):
    def test_jks_written_by_binding_is_listed_by_keytool(self):
        root, inter, key, leaf = make_pki()
        store = certkit.KeyStore()
        store.set_key_entry("Node1", key, [leaf, inter.certificate, root.certificate])
        store.add_trusted_certificate("rootca", root.certificate)
        with self.assertRaises(certkit.AlreadyExistsError):
            store.add_trusted_certificate("ROOTCA", root.certificate)
        with self.assertRaises(certkit.KeyMismatchError):
            store.set_key_entry("bad", certkit.PrivateKey.generate(), [leaf])
        self.assertEqual(sorted(store), ["node1", "rootca"])
        self.assertEqual(store.entry_type("NODE1"), "private_key")
        self.assertIn("rootca", store)
        self.assertNotIn("missing", store)
        path = self.path("node.jks")
        store.save_file(path, "jks", STOREPASS)
        out = run("keytool", "-list", "-keystore", path, "-storepass", STOREPASS).stdout
        self.assertRegex(out, r"node1,.*PrivateKeyEntry")
        self.assertRegex(out, r"rootca,.*trustedCertEntry")
        self.assertIn("2 entries", out)
        # The chain keytool sees is ours.
        verbose = run("keytool", "-list", "-v", "-keystore", path, "-storepass", STOREPASS,
                      "-alias", "node1").stdout
        self.assertIn("Certificate chain length: 3", verbose)
        self.assertIn(leaf.fingerprint("sha256"), verbose)
        # And it loads back; a wrong password is BadPasswordError.
        again = certkit.KeyStore.load_file(path, STOREPASS)
        self.assertEqual(again.format, "jks")
        self.assertEqual(again.get_key("node1").public_key_pem, key.public_key_pem)
        self.assertEqual(len(again.get_chain("node1")), 3)
        with self.assertRaises(certkit.BadPasswordError) as ctx:
            certkit.KeyStore.load(self.read("node.jks"), "not-the-password")
        self.assertNotIn("not-the-password", str(ctx.exception))
        with self.assertRaises(certkit.NotFoundError):
            again.get_certificate("nobody")

    def test_pkcs12_written_by_binding_opens_in_openssl_and_keytool(self):
        root, inter, key, leaf = make_pki()
        store = certkit.KeyStore()
        store.set_key_entry("node1", key, [leaf, inter.certificate])
        data = store.save("pkcs12", STOREPASS)
        path = self.write("node.p12", data)
        out = run("keytool", "-list", "-keystore", path, "-storetype", "PKCS12",
                  "-storepass", STOREPASS).stdout
        self.assertRegex(out, r"node1,.*PrivateKeyEntry")
        certs = run("openssl", "pkcs12", "-in", path, "-passin", "pass:" + STOREPASS,
                    "-nokeys").stdout
        self.assertEqual(len(certkit.parse_certificates(certs)), 2)
        pem = store.save("pem", "pem-pass")
        self.assertIn(b"ENCRYPTED PRIVATE KEY", pem)
        self.assertIn(b"BEGIN CERTIFICATE", pem)
        pub = run("openssl", "pkey", "-in", self.write("store.pem", pem), "-passin",
                  "pass:pem-pass", "-pubout").stdout
        self.assertEqual(pub.strip(), key.public_key_pem.strip())
        pem_store = certkit.KeyStore.load(pem, "pem-pass", "pem")
        self.assertEqual(pem_store.format, "pem")
        [alias] = pem_store.aliases()
        self.assertEqual(pem_store.get_key(alias).public_key_pem, key.public_key_pem)
        self.assertEqual(pem_store.get_certificate(alias), leaf)

    def test_pkcs12_profiles_through_binding(self):
        root, inter, key, leaf = make_pki()
        store = certkit.KeyStore()
        store.set_key_entry("node1", key, [leaf, inter.certificate])
        # legacy: openssl 3.0 needs -legacy and reports a SHA-1 MAC.
        path = self.write("legacy.p12", store.save("pkcs12", STOREPASS, p12_profile="legacy"))
        info = run("openssl", "pkcs12", "-info", "-noout", "-legacy", "-in", path,
                   "-passin", "pass:" + STOREPASS)
        self.assertIn("MAC: sha1", info.stdout + info.stderr)
        # modern2026: a PBMAC1 MAC, which certkit verifies (a wrong password fails).
        data = store.save("pkcs12", STOREPASS, p12_profile="modern2026")
        self.assertEqual(certkit.KeyStore.load(data, STOREPASS).aliases(), ["node1"])
        with self.assertRaises(certkit.BadPasswordError):
            certkit.KeyStore.load(data, "not-the-password")
        # passwordless-truststore: refused for a key, written for certificates.
        with self.assertRaises(certkit.InvalidArgumentError):
            store.save("pkcs12", STOREPASS, p12_profile="passwordless-truststore")
        trust = certkit.KeyStore()
        trust.add_trusted_certificate("ca", root.certificate)
        path = self.write("trust.p12", trust.save("pkcs12", None, p12_profile="passwordless-truststore"))
        out = run("keytool", "-list", "-keystore", path, "-storetype", "PKCS12",
                  "-storepass", "").stdout
        self.assertRegex(out, r"ca,.*trustedCertEntry")
        with self.assertRaises(ValueError):
            store.save("pkcs12", STOREPASS, p12_profile="nonesuch")

    def test_keytool_store_loads_through_binding(self):
        path = self.path("kt.jks")
        run("keytool", "-genkeypair", "-keystore", path, "-storetype", "JKS",
            "-storepass", STOREPASS, "-keypass", STOREPASS, "-alias", "cassandra",
            "-keyalg", "RSA", "-keysize", "2048", "-dname", "CN=cass1, O=Example",
            "-validity", "30")
        run("keytool", "-exportcert", "-rfc", "-keystore", path, "-storepass", STOREPASS,
            "-alias", "cassandra", "-file", self.path("cass.pem"))
        run("keytool", "-importcert", "-noprompt", "-keystore", path, "-storepass", STOREPASS,
            "-alias", "peer", "-file", self.path("cass.pem"))
        store = certkit.KeyStore.load_file(path, STOREPASS)
        self.assertEqual(store.entries(), {"cassandra": "private_key", "peer": "trusted_cert"})
        cert = store.get_certificate("cassandra")
        self.assertEqual(cert.subject["CN"], "cass1")
        self.assertTrue(cert.matches_key(store.get_key("cassandra")))
        self.assertEqual(cert, certkit.Certificate.load(self.path("cass.pem")))
        self.assertEqual(len(store.trusted_certificates()), 1)
        # Convert to PKCS#12 and have keytool read it.
        p12 = certkit.KeyStore.convert(self.read("kt.jks"), STOREPASS, "pkcs12")
        out = run("keytool", "-list", "-keystore", self.write("kt.p12", p12),
                  "-storepass", STOREPASS).stdout
        self.assertRegex(out, r"cassandra,.*PrivateKeyEntry")
        with self.assertRaises(certkit.BadPasswordError):
            certkit.KeyStore.load_file(path, "bad-password")
        # A truststore keytool made from a binding-issued root.
        root = certkit.CertificateAuthority.create_root("CN=KT Root")
        ts = self.path("trust.p12")
        run("keytool", "-importcert", "-noprompt", "-keystore", ts, "-storetype", "PKCS12",
            "-storepass", STOREPASS, "-alias", "myroot",
            "-file", self.write("root.pem", root.certificate.to_pem()))
        trust = certkit.KeyStore.load_file(ts, STOREPASS)
        self.assertEqual(trust.format, "pkcs12")
        self.assertEqual(trust.get_certificate("myroot"), root.certificate)


class KeytoolWorkflowTest(TempDirTest):
    def test_keytool_csr_signed_and_reply_imported_through_binding(self):
        path = self.path("node.jks")
        run("keytool", "-genkeypair", "-keystore", path, "-storetype", "JKS",
            "-storepass", STOREPASS, "-keypass", "other-key-pass", "-alias", "node",
            "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=node9, O=Example",
            "-validity", "30")
        run("keytool", "-certreq", "-keystore", path, "-storepass", STOREPASS,
            "-keypass", "other-key-pass", "-alias", "node", "-ext", "SAN=ip:10.1.1.9",
            "-file", self.path("node.csr"))
        csr = certkit.CertificateRequest.from_pem(self.read("node.csr"))
        csr.verify_signature()
        self.assertEqual(csr.subject["CN"], "node9")
        self.assertIn("10.1.1.9", csr.sans_text)
        root = certkit.CertificateAuthority.create_root("CN=Workflow Root")
        cert = root.sign(csr, "node", days=10)
        self.assertEqual(cert.ip_addresses, ["10.1.1.9"])
        store = certkit.KeyStore.load_file(path, STOREPASS)
        # The key has its own password: locked until unlocked.
        with self.assertRaises(certkit.BadKeyPasswordError):
            store.get_key("node")
        with self.assertRaises(certkit.BadKeyPasswordError) as ctx:
            store.unlock_key("node", "not-it")
        self.assertNotIn("not-it", str(ctx.exception))
        store.unlock_key("node", "other-key-pass")
        self.assertTrue(cert.matches_key(store.get_key("node")))
        store.import_ca_reply("node", [cert, root.certificate])
        store.add_trusted_certificate("ca", root.certificate)
        store.rename("ca", "cluster-ca")
        store.add_trusted_certificate("junk", certkit.CertificateAuthority.create_root(
            "CN=Junk").certificate)
        del store["junk"]
        store.save_file(path, "jks", STOREPASS)
        out = run("keytool", "-list", "-v", "-keystore", path, "-storepass", STOREPASS).stdout
        self.assertIn("Your keystore contains 2 entries", out)
        self.assertIn("Alias name: cluster-ca", out)
        self.assertIn("Certificate chain length: 2", out)
        self.assertIn(cert.fingerprint("sha256"), out)
        self.assertNotIn("junk", out)
        # A merge of a second store; a clash needs overwrite.
        other = certkit.KeyStore()
        other.add_trusted_certificate("cluster-ca", root.certificate)
        merged = certkit.KeyStore.load_file(path, STOREPASS)
        with self.assertRaises(certkit.AlreadyExistsError):
            merged.merge(other)
        merged.merge(other, overwrite=True)
        self.assertEqual(len(merged), 2)


class SslTest(TempDirTest):
    def test_driver_object_verifies_peer(self):
        root, inter, key, leaf = make_pki()
        ssl = certkit.Ssl()
        self.assertEqual(ssl.verify_flags, certkit.VERIFY_PEER_CERT)
        ssl.add_trusted_cert(root.certificate.to_pem())
        ssl.verify_flags = certkit.VERIFY_PEER_CERT | certkit.VERIFY_PEER_IDENTITY
        self.assertEqual(ssl.verify_flags, certkit.VERIFY_PEER_CERT | certkit.VERIFY_PEER_IDENTITY)
        ssl.verify_peer([leaf, inter.certificate], "10.0.0.1")
        with self.assertRaises(certkit.IdentityMismatchError) as ctx:
            ssl.verify_peer([leaf.to_der(), inter.certificate.to_der()], "10.0.0.7")
        self.assertIn("10.0.0.7", ctx.exception.message)
        with self.assertRaises(certkit.UnknownIssuerError):
            ssl.verify_peer([leaf], "10.0.0.1")
        fresh = certkit.Ssl()
        with self.assertRaises(certkit.CertkitError):
            fresh.verify_peer([leaf, inter.certificate])  # nothing trusted
        with self.assertRaises(certkit.MalformedError):
            fresh.add_trusted_cert("no certificates here")

    def test_client_cert_key_and_keystore(self):
        root, inter, key, leaf = make_pki()
        ssl = certkit.Ssl()
        ssl.set_cert(leaf.to_pem() + inter.certificate.to_pem())
        with self.assertRaises(certkit.KeyMismatchError):
            ssl.set_private_key(certkit.PrivateKey.generate().to_pem())
        ssl.set_private_key(key.to_pem(password="kp"), "kp")
        with self.assertRaises(certkit.BadPasswordError):
            ssl.set_private_key(key.to_pem(password="kp"), "wrong")
        ssl.set_protocol_versions(certkit.TLS1_2, certkit.TLS1_3)
        with self.assertRaises(certkit.InvalidArgumentError):
            ssl.set_protocol_versions(0x0301)
        store = certkit.KeyStore()
        store.set_key_entry("client", key, [leaf, inter.certificate])
        store.add_trusted_certificate("root", root.certificate)
        jks = store.save("jks", STOREPASS)
        other = certkit.Ssl()
        other.set_keystore(jks, STOREPASS)
        other.add_trusted_keystore(jks, STOREPASS)
        other.verify_flags = certkit.VERIFY_PEER_IDENTITY_DNS
        other.verify_peer([leaf, inter.certificate], "node1.example")
        with self.assertRaises(certkit.IdentityMismatchError):
            other.verify_peer([leaf, inter.certificate], "node2.example")
        with self.assertRaises(certkit.BadPasswordError):
            certkit.Ssl().set_keystore(jks, "bad-store-pass")


if __name__ == "__main__":
    unittest.main()


class TypingTest(unittest.TestCase):
    def test_public_api_is_annotated(self):
        import inspect
        self.assertTrue(os.path.exists(os.path.join(os.path.dirname(certkit.__file__), "py.typed")))
        missing, checked = [], []

        def check(qualname, fn):
            checked.append(qualname)
            sig = inspect.signature(fn)
            params = [p for name, p in sig.parameters.items() if name not in ("self", "cls")
                      and p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)]
            if sig.return_annotation is inspect.Signature.empty or any(
                    p.annotation is inspect.Parameter.empty for p in params):
                missing.append(qualname)

        for name in certkit.__all__:
            obj = getattr(certkit, name)
            if inspect.isfunction(obj):
                check(name, obj)
            elif inspect.isclass(obj) and not issubclass(obj, Exception):
                for attr, member in vars(obj).items():
                    if attr.startswith("_") and attr not in ("__init__",):
                        continue
                    if isinstance(member, (classmethod, staticmethod)):
                        member = member.__func__
                    elif isinstance(member, property):
                        member = member.fget
                    if inspect.isfunction(member):
                        check("%s.%s" % (name, attr), member)
        self.assertEqual(missing, [])
        self.assertIn("ssl_context", checked)
        self.assertIn("KeyStore.load_file", checked)
        self.assertGreater(len(checked), 80)
