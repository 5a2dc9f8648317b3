#!/usr/bin/env python3
"""`--format k8s` (docs/KUBERNETES.md) read by the real consumers: every
manifest certkit writes is parsed with PyYAML and validated offline against
the Kubernetes 1.30 schemas (strict: no unknown fields) by
kubernetes-validate (from PyPI into a venv this test makes and caches under
the build folder); object names, label values and the namespace are checked
against Kubernetes' DNS-1123 rules; the data fields are decoded and checked
with openssl (`verify -CAfile ca.crt tls.crt`, the key's public half against
the certificate's) and keytool (`-list` of every key and trust store with
the password the password Secret holds, found through the TLS Secret's
passwordSecretRef annotations). The trust bundle ConfigMap is compared with
the cluster's ca.crt through a CA rotation: one CA after init and new-ca,
both after trust-both and reissue, the new one only after retire-old.
cluster add and renew rewrite the manifests; node and client write their
own; hostile names and namespaces are refused before anything is written,
with the character escaped.

Usage: k8s_manifests_test.py CERTKIT_BINARY BUILD_DIR
Exit 77 (skip) when PyPI cannot be reached, unless CERTKIT_REQUIRE_PYPI=1."""
import base64
import glob
import json
import os
import re
import shutil
import stat
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "support"))
import pypi_venv  # noqa: E402 (tests/support/pypi_venv.py)

REQUIREMENT = "kubernetes-validate==1.37.0"
K8S_VERSION = "1.30.0"  # one of the schema sets kubernetes-validate 1.37.0 ships (1.25 to 1.37)
CHILD_MARK = "CERTKIT_K8S_VENV"
CERTKIT = None
STOREPASS = "store-pass-4e1d"
TRUSTPASS = "trust-pass-9a2b"
NAMESPACE = "db-certs"
# Its object names (client-<60 x>, ...-store-password) are longer than a
# label value may be: they get no app.kubernetes.io/instance label.
LONG_CLIENT = "x" * 60

# k8s.io/apimachinery/pkg/util/validation: IsDNS1123Subdomain, IsDNS1123Label, label values.
DNS1123_LABEL = r"[a-z0-9]([-a-z0-9]*[a-z0-9])?"
DNS1123_SUBDOMAIN = re.compile(r"^%s(\.%s)*$" % (DNS1123_LABEL, DNS1123_LABEL))
LABEL_VALUE = re.compile(r"^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$")




def read_text(path):
    with open(path) as f:
        return f.read()


def read_bytes(path):
    with open(path, "rb") as f:
        return f.read()


def read_json(path):
    with open(path) as f:
        return json.load(f)



def certkit(*args, check=True):
    env = dict(os.environ, CK_K8S_STOREPASS=STOREPASS, CK_K8S_TRUSTPASS=TRUSTPASS)
    r = subprocess.run([CERTKIT] + list(args), capture_output=True, text=True, env=env, timeout=600)
    if check and r.returncode != 0:
        raise AssertionError("certkit %s failed (%d):\n%s%s" % (" ".join(args), r.returncode, r.stdout, r.stderr))
    return r


def run(*args, input_bytes=None):
    r = subprocess.run(list(args), capture_output=True, input=input_bytes, timeout=120)
    if r.returncode != 0:
        raise AssertionError("%s failed (%d):\n%s%s" % (" ".join(args), r.returncode,
                                                         r.stdout.decode(errors="replace"),
                                                         r.stderr.decode(errors="replace")))
    return r.stdout.decode()


PEM_CERT = re.compile(r"-----BEGIN CERTIFICATE-----\n[A-Za-z0-9+/=\n]+-----END CERTIFICATE-----\n")


def der_list(pem_text):
    """The DER of every certificate of a PEM bundle, in order (openssl)."""
    out = []
    for block in PEM_CERT.findall(pem_text):
        r = subprocess.run(["openssl", "x509", "-outform", "DER"], input=block.encode(), capture_output=True)
        assert r.returncode == 0, r.stderr
        out.append(r.stdout)
    return out


def b64(value):
    return base64.b64decode(value, validate=True)


class K8sTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        import kubernetes_validate  # noqa: F401  (from the venv)
        cls.tmp = tempfile.mkdtemp(prefix="certkit-k8s-")
        cls.dir = os.path.join(cls.tmp, "demo")
        certkit("cluster", "init", "--out", cls.dir, "--quiet",
                "--nodes", "db1.example.com=10.0.0.1", "--node", "10.0.0.2", "--node", "fd00::3",
                "--clients", "app,Report_Reader," + LONG_CLIENT,
                "--format", "k8s,jks,p12", "--k8s-namespace", NAMESPACE,
                "--storepass", "env:CK_K8S_STOREPASS", "--truststorepass", "env:CK_K8S_TRUSTPASS")

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, True)

    # Reading and checking manifests.

    def load_dir(self, k8s_dir, namespace):
        """Every manifest of |k8s_dir|, validated; {name: object}."""
        import kubernetes_validate
        from kubernetes_validate import utils
        objects = {}
        paths = sorted(glob.glob(os.path.join(k8s_dir, "*.yaml")))
        self.assertTrue(paths, k8s_dir)
        self.assertEqual(stat.S_IMODE(os.stat(k8s_dir).st_mode), 0o700, k8s_dir)
        for path in paths:
            self.assertEqual(stat.S_IMODE(os.stat(path).st_mode), 0o600, path)
            docs = utils.resources_from_file(path)  # PyYAML, as kubernetes-validate reads files
            self.assertEqual(len(docs), 1, path)
            obj = docs[0]
            kubernetes_validate.validate(obj, K8S_VERSION, strict=True)
            meta = obj["metadata"]
            name = meta["name"]
            self.assertLessEqual(len(name), 253, path)
            self.assertRegex(name, DNS1123_SUBDOMAIN, path)
            self.assertEqual(os.path.basename(path), name + ".yaml")
            if namespace:
                self.assertEqual(meta["namespace"], namespace)
                self.assertRegex(namespace, "^%s$" % DNS1123_LABEL)
            else:
                self.assertNotIn("namespace", meta)
            for value in meta["labels"].values():
                self.assertLessEqual(len(value), 63, path)
                self.assertRegex(value, LABEL_VALUE, path)
            self.assertEqual(meta["labels"]["app.kubernetes.io/managed-by"], "certkit")
            self.assertNotIn(name, objects)
            objects[name] = obj
        return objects

    def write(self, folder, name, data):
        path = os.path.join(folder, name)
        with open(path, "wb") as f:
            f.write(data)
        return path

    def check_tls_secret(self, objects, name, leaf_dir, cert_file, key_file, alias, stores, keytool=True):
        """Checks the Secret |name| against the leaf's files with openssl
        and keytool (|stores|: data key -> the file it must hold); returns
        its decoded ca.crt."""
        secret = objects[name]
        self.assertEqual(secret["kind"], "Secret")
        self.assertEqual(secret["type"], "kubernetes.io/tls")
        data = {k: b64(v) for k, v in secret["data"].items()}
        self.assertEqual(set(data), {"tls.crt", "tls.key", "ca.crt"} | set(stores))
        work = tempfile.mkdtemp(dir=self.tmp)
        crt = self.write(work, "tls.crt", data["tls.crt"])
        key = self.write(work, "tls.key", data["tls.key"])
        ca = self.write(work, "ca.crt", data["ca.crt"])
        # What the files hold, read by openssl: the chain and the bundle.
        self.assertEqual(der_list(data["tls.crt"].decode()), der_list(read_text(os.path.join(leaf_dir, cert_file))))
        self.assertEqual(der_list(data["ca.crt"].decode()), der_list(read_text(os.path.join(leaf_dir, "ca.crt"))))
        self.assertIn(": OK", run("openssl", "verify", "-CAfile", ca, crt))
        self.assertEqual(run("openssl", "pkey", "-in", key, "-pubout"),
                         run("openssl", "x509", "-in", crt, "-noout", "-pubkey"))
        self.assertEqual(run("openssl", "pkey", "-in", key, "-pubout"),
                         run("openssl", "pkey", "-in", os.path.join(leaf_dir, key_file), "-pubout"))
        if stores:
            ann = secret["metadata"]["annotations"]
            refs = {}
            for fmt in ("jks", "pkcs12"):
                ref = json.loads(ann["certkit.io/%s-password-secret-ref" % fmt])
                self.assertEqual(set(ref), {"name", "key"})
                refs[fmt] = ref
            trust_ref = json.loads(ann["certkit.io/truststore-password-secret-ref"])
            pw_secret = objects[refs["jks"]["name"]]
            self.assertEqual(pw_secret["type"], "Opaque")
            store_pw = b64(pw_secret["data"][refs["jks"]["key"]]).decode()
            trust_pw = b64(objects[trust_ref["name"]]["data"][trust_ref["key"]]).decode()
            self.assertEqual(refs["jks"]["key"], "password")
            self.assertEqual((store_pw, trust_pw), (STOREPASS, TRUSTPASS))
            # The passwords are in their Secret only.
            for blob in data.values():
                self.assertNotIn(STOREPASS.encode(), blob)
            self.assertNotIn(STOREPASS, json.dumps(secret))
            for store in stores:
                path = self.write(work, store, data[store])
                self.assertEqual(data[store], read_bytes(stores[store]))
                if not keytool:
                    continue
                pw = trust_pw if store.startswith("trust") else store_pw
                listing = run("keytool", "-list", "-keystore", path, "-storepass", pw,
                              "-storetype", "JKS" if store.endswith(".jks") else "PKCS12")
                if store.startswith("key"):
                    self.assertRegex(listing, r"(?i)%s,.*PrivateKeyEntry" % re.escape(alias))
                else:
                    self.assertIn("trustedCertEntry", listing)
                    self.assertNotIn("PrivateKeyEntry", listing)
        else:
            self.assertEqual(set(secret["metadata"]["annotations"]), {"certkit.io/name"})
            self.assertFalse(any(o["metadata"]["name"].endswith("-store-password") for o in objects.values()))
        shutil.rmtree(work, True)
        return data["ca.crt"].decode()

    def check_cluster(self, namespace=NAMESPACE, keytool=True):
        """Checks every manifest of the cluster; keytool lists the stores
        when |keytool| (else their bytes are compared with the files)."""
        objects = self.load_dir(os.path.join(self.dir, "k8s"), namespace)
        manifest = read_json(os.path.join(self.dir, "manifest.json"))
        bundle = objects["certkit-ca-bundle"]
        self.assertEqual(bundle["kind"], "ConfigMap")
        bundle_pem = bundle["data"]["trust-bundle.pem"]
        cluster_cas = der_list(read_text(os.path.join(self.dir, "ca.crt")))
        self.assertEqual(der_list(bundle_pem), cluster_cas)
        expected = {"certkit-ca-bundle"}
        for kind, records in (("node", manifest["nodes"]), ("client", manifest["clients"])):
            for r in records:
                leaf = r["host"] if kind == "node" else r["user"]
                name = "%s-%s" % (kind, leaf.lower().replace("_", "-").replace(":", "-"))
                leaf_dir = os.path.join(self.dir, r["dir"])
                base = "node" if kind == "node" else "client." + leaf
                # Key stores from the leaf's folder, the cluster's trust stores.
                stores = {s: os.path.join(leaf_dir, s) for s in ("keystore.jks", "keystore.p12")}
                stores.update({s: os.path.join(self.dir, s) for s in manifest["truststores"]})
                self.assertEqual(len(stores), 4)
                ca_pem = self.check_tls_secret(objects, name, leaf_dir, base + ".crt", base + ".key",
                                               leaf, stores, keytool)
                # The same CAs as the ConfigMap (the leaves' bundles list the
                # active CA first, so during a rotation the order may differ).
                self.assertEqual(sorted(der_list(ca_pem)), sorted(cluster_cas))
                self.assertEqual(objects[name]["metadata"]["annotations"]["certkit.io/name"], leaf)
                expected |= {name, name + "-store-password"}
        self.assertEqual(set(objects), expected)
        return objects, cluster_cas

    # The tests (unittest runs them in name order: the rotation goes last).

    def test_1_init(self):
        objects, cas = self.check_cluster()
        self.assertEqual(len(cas), 1)
        for name in ("node-db1.example.com", "node-10.0.0.2", "node-fd00--3", "client-app",
                     "client-report-reader"):
            self.assertIn(name, objects)
        self.assertIn("client-" + LONG_CLIENT, objects)
        for obj in objects.values():
            name = obj["metadata"]["name"]
            if len(name) <= 63:
                self.assertEqual(obj["metadata"]["labels"]["app.kubernetes.io/instance"], name)
            else:
                self.assertNotIn("app.kubernetes.io/instance", obj["metadata"]["labels"])
        # The manifest records the format and the namespace for add, renew and rotate-ca.
        manifest = read_json(os.path.join(self.dir, "manifest.json"))
        self.assertIn("k8s", manifest["formats"])
        self.assertEqual(manifest["k8s_namespace"], NAMESPACE)

    def test_2_add_and_renew(self):
        certkit("cluster", "add", "--dir", self.dir, "--quiet", "--nodes", "10.0.0.4", "--clients", "ops")
        objects, _ = self.check_cluster(keytool=False)
        self.assertIn("node-10.0.0.4", objects)
        self.assertIn("client-ops", objects)
        before = b64(objects["node-db1.example.com"]["data"]["tls.crt"])
        certkit("cluster", "renew", "--dir", self.dir, "--quiet", "--within", "3650d")
        objects, _ = self.check_cluster(keytool=False)
        self.assertNotEqual(b64(objects["node-db1.example.com"]["data"]["tls.crt"]), before)
        # A name that maps onto one the cluster has is refused before anything is written.
        manifest_before = read_text(os.path.join(self.dir, "manifest.json"))
        r = certkit("cluster", "add", "--dir", self.dir, "--quiet", "--clients", "OPS", check=False)
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("client 'ops' and client 'OPS' both take the Kubernetes object name 'client-ops'", r.stderr)
        self.assertEqual(read_text(os.path.join(self.dir, "manifest.json")), manifest_before)
        self.assertFalse(os.path.exists(os.path.join(self.dir, "clients", "OPS")))

    def test_3_rotation(self):
        counts = {"new-ca": 1, "trust-both": 2, "reissue": 2, "retire-old": 1}
        first_ca = der_list(read_text(os.path.join(self.dir, "ca.crt")))
        for stage in ("new-ca", "trust-both", "reissue", "retire-old"):
            certkit("cluster", "rotate-ca", "--dir", self.dir, "--quiet", "--stage", stage)
            objects, cas = self.check_cluster(keytool=stage == "retire-old")
            self.assertEqual(len(cas), counts[stage], stage)
            if stage in ("new-ca", "trust-both"):
                self.assertEqual(cas[0], first_ca[0], stage)
            if stage == "trust-both":
                truststore = b64(objects["node-10.0.0.2"]["data"]["truststore.jks"])
                path = self.write(self.tmp, "ts.jks", truststore)
                self.assertEqual(run("keytool", "-list", "-keystore", path, "-storepass", TRUSTPASS)
                                 .count("trustedCertEntry"), 2)
        self.assertNotEqual(cas[0], first_ca[0])  # the new CA only

    def test_4_node_and_client(self):
        manifest = read_json(os.path.join(self.dir, "manifest.json"))
        ca_cert = os.path.join(self.dir, manifest["ca"]["cert"])
        ca_key = os.path.join(self.dir, manifest["ca"]["key"])
        out = os.path.join(self.tmp, "n9")
        certkit("node", "--ca-cert", ca_cert, "--ca-key", ca_key, "--host", "DB9.Example.com",
                "--host", "10.0.0.9", "--out", out, "--format", "k8s")
        objects = self.load_dir(os.path.join(out, "k8s"), None)
        self.assertEqual(set(objects), {"node-db9.example.com", "certkit-ca-bundle"})
        self.check_tls_secret(objects, "node-db9.example.com", out, "node.crt", "node.key", "DB9.Example.com", {})
        self.assertEqual(der_list(objects["certkit-ca-bundle"]["data"]["trust-bundle.pem"]),
                         der_list(read_text(os.path.join(out, "ca.crt"))))
        out = os.path.join(self.tmp, "c1")
        certkit("client", "--ca-cert", ca_cert, "--ca-key", ca_key, "--user", "etl", "--out", out,
                "--format", "pem,jks,p12,k8s", "--k8s-namespace", "apps",
                "--storepass", "env:CK_K8S_STOREPASS", "--truststorepass", "env:CK_K8S_TRUSTPASS")
        objects = self.load_dir(os.path.join(out, "k8s"), "apps")
        self.check_tls_secret(objects, "client-etl", out, "client.etl.crt", "client.etl.key", "etl",
                              {s: os.path.join(out, s) for s in
                               ("keystore.jks", "keystore.p12", "truststore.jks", "truststore.p12")})

    def test_5_refused(self):
        cases = [
            (["--clients", "a$b"], "client 'a$b' has no Kubernetes object name: '$' at position 2"),
            (["--clients", "a\x01b"], "client 'a\\x01b' has no Kubernetes object name"),
            (["--clients", "app-", ], "client 'app-' has no Kubernetes object name: it does not end"),
            (["--clients", "x_y,x-y"], "client 'x_y' and client 'x-y' both take the Kubernetes object name 'client-x-y'"),
            (["--clients", "a" * 240], "at most"),
            (["--k8s-namespace", "Bad_NS"], "Kubernetes namespace 'Bad_NS' has 'B' at position 1"),
            (["--k8s-namespace", "x" * 64], "Kubernetes namespace"),
        ]
        for extra, message in cases:
            out = os.path.join(self.tmp, "refused")
            r = certkit("cluster", "init", "--out", out, "--quiet", "--nodes", "10.0.0.1",
                        "--format", "pem,k8s", *extra, check=False)
            self.assertNotEqual(r.returncode, 0, extra)
            self.assertIn(message, r.stderr, extra)
            self.assertNotIn("\x01", r.stderr)
            self.assertFalse(os.path.exists(os.path.join(out, "manifest.json")), extra)
            self.assertFalse(os.path.exists(os.path.join(out, "ca-private")), extra)
        r = certkit("cluster", "init", "--out", os.path.join(self.tmp, "ns"), "--quiet", "--nodes", "10.0.0.1",
                    "--format", "pem", "--k8s-namespace", "db", check=False)
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("needs the k8s format", r.stderr)
        manifest = read_json(os.path.join(self.dir, "manifest.json"))
        r = certkit("client", "--ca-cert", os.path.join(self.dir, manifest["ca"]["cert"]),
                    "--ca-key", os.path.join(self.dir, manifest["ca"]["key"]), "--user", "bad/../x",
                    "--out", os.path.join(self.tmp, "bad"), "--format", "k8s", check=False)
        self.assertNotEqual(r.returncode, 0)
        self.assertFalse(os.path.exists(os.path.join(self.tmp, "bad")))
        r = certkit("node", "--ca-cert", os.path.join(self.dir, manifest["ca"]["cert"]),
                    "--ca-key", os.path.join(self.dir, manifest["ca"]["key"]), "--host", "db1",
                    "--out", os.path.join(self.tmp, "bad-node"), "--format", "k8s",
                    "--k8s-namespace=-ns", check=False)
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("Kubernetes namespace '-ns'", r.stderr)
        self.assertFalse(os.path.exists(os.path.join(self.tmp, "bad-node")))
        r = certkit("node", "--ca-cert", os.path.join(self.dir, manifest["ca"]["cert"]),
                    "--ca-key", os.path.join(self.dir, manifest["ca"]["key"]), "--host", "db1",
                    "--out", os.path.join(self.tmp, "bad-node"), "--k8s-namespace", "ns", check=False)
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("--k8s-namespace needs --format k8s", r.stderr)
        self.assertFalse(os.path.exists(os.path.join(self.tmp, "bad-node")))


if __name__ == "__main__":
    if len(sys.argv) != 3:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    CERTKIT = os.path.abspath(sys.argv[1])
    pypi_venv.reexec_in_venv(__file__, sys.argv[2], "k8s-validate-venv", REQUIREMENT, CHILD_MARK)
    for tool in ("openssl", "keytool"):
        if shutil.which(tool) is None:
            print("FAIL: %s not found (scripts/install-deps.sh installs it)" % tool, file=sys.stderr)
            sys.exit(1)
    unittest.main(argv=[sys.argv[0], "-v"])
