#!/usr/bin/env python3
"""`certkit expiry --format prometheus` read by the real Prometheus text
parser (prometheus_client.parser, from PyPI into a venv this test makes and
caches under the build folder), its values checked against openssl and
keytool: every certificate of a cluster directory (PEM, JKS, PKCS#12) with
the notAfter `openssl x509 -enddate` / `keytool -list -rfc` /
`openssl pkcs12` give; files that cannot be read and a store with another
password counted in x509_read_errors without stopping the scan; label values
with quotes, newlines, backslashes and control characters escaped and read
back; `--probe` against `openssl s_server`.

Usage: expiry_prometheus_test.py CERTKIT_BINARY BUILD_DIR
Exit 77 (skip) when PyPI cannot be reached, unless CERTKIT_REQUIRE_PYPI=1."""
import calendar
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

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "support"))
import pypi_venv  # noqa: E402 (tests/support/pypi_venv.py)

REQUIREMENT = "prometheus_client==0.26.0"
CHILD_MARK = "CERTKIT_EXPIRY_PROM_VENV"
CERTKIT = None
STOREPASS_VAR = "CK_EXPIRY_STOREPASS"
STOREPASS = "store-pass-7c1e"





def certkit(*args, env=None):
    full_env = dict(os.environ, **{STOREPASS_VAR: STOREPASS})
    full_env.update(env or {})
    return subprocess.run([CERTKIT] + list(args), capture_output=True, timeout=120, env=full_env)


def openssl(*args, stdin=None):
    r = subprocess.run(["openssl"] + list(args), input=stdin, capture_output=True, timeout=60,
                       env=dict(os.environ, **{STOREPASS_VAR: STOREPASS}))
    assert r.returncode == 0, (args, r.stderr)
    return r.stdout.decode()


def openssl_time(text):
    """'Dec  6 19:09:35 2027 GMT' -> unix seconds."""
    return calendar.timegm(time.strptime(" ".join(text.split()), "%b %d %H:%M:%S %Y GMT"))


def read_text(path):
    with open(path) as f:
        return f.read()


PEM_RE = re.compile(r"-----BEGIN CERTIFICATE-----.*?-----END CERTIFICATE-----\s*", re.S)


def pem_blocks(text):
    return PEM_RE.findall(text)


def openssl_dates(pem):
    """(serial as int, notBefore, notAfter) of one PEM certificate, as openssl reads it."""
    out = openssl("x509", "-noout", "-serial", "-startdate", "-enddate", stdin=pem.encode())
    fields = dict(line.split("=", 1) for line in out.strip().splitlines())
    return int(fields["serial"], 16), openssl_time(fields["notBefore"]), openssl_time(fields["notAfter"])


def parse(text):
    """The samples of an exposition, through prometheus_client's parser:
    {metric name: [(labels dict, value)]}, and the family types."""
    from prometheus_client.parser import text_string_to_metric_families
    samples, types = {}, {}
    for family in text_string_to_metric_families(text):
        types[family.name] = family.type
        for s in family.samples:
            samples.setdefault(s.name, []).append((dict(s.labels), s.value))
    return samples, types


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class ExpiryPrometheusTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        for tool in ("openssl", "keytool"):
            if shutil.which(tool) is None:
                raise AssertionError("peer tool %s is missing" % tool)
        cls.tmp = tempfile.mkdtemp(prefix="certkit-expiry-prom-")
        cls.dir = os.path.join(cls.tmp, "cluster")
        r = certkit("cluster", "init", "--nodes", "127.0.0.1", "--clients", "app", "--out", cls.dir,
                    "--storepass", "env:" + STOREPASS_VAR, "--quiet")
        assert r.returncode == 0, r.stderr
        cls.now = time.time()

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, True)

    def scan(self, *args):
        r = certkit("expiry", "--format", "prometheus", *args)
        out = r.stdout.decode()
        self.assertEqual(r.returncode, 0, out + r.stderr.decode())
        samples, types = parse(out)
        return r, out, samples, types

    def series(self, samples, name):
        return {(l["filepath"], l["alias"], l["serial"]): (l, v) for l, v in samples.get(name, [])}

    def files(self, suffixes):
        found = []
        for root, _, names in os.walk(self.dir):
            for name in names:
                if name.endswith(suffixes):
                    found.append(os.path.join(root, name))
        return sorted(found)

    def test_cluster_values_match_openssl_and_keytool(self):
        r, out, samples, types = self.scan(self.dir, "--storepass", "env:" + STOREPASS_VAR)
        for name in ("x509_cert_not_before", "x509_cert_not_after", "x509_cert_expired", "x509_cert_seconds_left",
                     "x509_read_errors"):
            self.assertEqual(types.get(name), "gauge", name)
        self.assertIn("# HELP x509_cert_not_after ", out)
        self.assertEqual(samples["x509_read_errors"], [({}, 0.0)], r.stderr)
        not_after = self.series(samples, "x509_cert_not_after")
        not_before = self.series(samples, "x509_cert_not_before")
        expired = self.series(samples, "x509_cert_expired")
        left = self.series(samples, "x509_cert_seconds_left")
        self.assertEqual(set(not_after), set(not_before))
        self.assertEqual(set(not_after), set(expired))
        self.assertEqual(set(not_after), set(left))
        checked = set()

        def check(key, pem, store_type):
            serial, nb, na = openssl_dates(pem)
            self.assertEqual(int(key[2], 16), serial)
            self.assertIn(key, not_after, "no series for %s alias %r serial %s" % key)
            labels, value = not_after[key]
            self.assertEqual(value, na, key)
            self.assertEqual(not_before[key][1], nb, key)
            self.assertEqual(expired[key][1], 0, key)
            self.assertLess(abs(left[key][1] - (na - self.now)), 120, key)
            self.assertEqual(labels["store_type"], store_type, key)
            self.assertEqual(labels["filename"], os.path.basename(key[0]))
            self.assertEqual(labels["probe"], "")
            subject = openssl("x509", "-noout", "-subject", "-nameopt", "RFC2253", stdin=pem.encode())
            self.assertEqual(labels["subject"], subject.strip()[len("subject="):], key)
            checked.add(key)

        # PEM files: every certificate openssl finds, with its notAfter.
        pem_files = self.files((".crt",))
        self.assertGreaterEqual(len(pem_files), 5)
        for path in pem_files:
            for pem in pem_blocks(read_text(path)):
                check((path, "", "%x" % openssl_dates(pem)[0]), pem, "pem")
        # JKS: what keytool lists, entry by entry (the chain of a key entry too).
        jks_files = self.files((".jks",))
        self.assertEqual(len(jks_files), 3)
        procs = [(path, subprocess.Popen(["keytool", "-list", "-rfc", "-keystore", path, "-storepass", STOREPASS],
                                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True))
                 for path in jks_files]
        for path, proc in procs:
            listing, err = proc.communicate(timeout=60)
            self.assertEqual(proc.returncode, 0, err)
            entries = re.split(r"^Alias name: ", listing, flags=re.M)[1:]
            self.assertTrue(entries, listing)
            for entry in entries:
                alias = entry.splitlines()[0].strip()
                for pem in pem_blocks(entry):
                    check((path, alias, "%x" % openssl_dates(pem)[0]), pem, "jks")
        # PKCS#12: what openssl pkcs12 reads. A key entry's chain shares the
        # CA's certificate bag (friendlyName "ca"), so every series of a
        # certificate of the file is checked, and each bag's friendlyName
        # must be the alias of one of them.
        for path in self.files((".p12",)):
            text = openssl("pkcs12", "-in", path, "-nokeys", "-passin", "env:" + STOREPASS_VAR)
            bags = re.split(r"^Bag Attributes", text, flags=re.M)[1:]
            self.assertTrue(bags, text)
            for bag in bags:
                alias = re.search(r"friendlyName: (.*)", bag).group(1).strip()
                [pem] = pem_blocks(bag)
                serial = "%x" % openssl_dates(pem)[0]
                self.assertIn((path, alias, serial), not_after)
                for key in not_after:
                    if key[0] == path and key[2] == serial:
                        check(key, pem, "pkcs12")
        # Nothing more than what the peers list.
        self.assertEqual(set(not_after) - checked, set())

    def test_errors_are_counted_and_the_scan_goes_on(self):
        clean = self.scan(self.dir, "--storepass", "env:" + STOREPASS_VAR)[2]
        work = os.path.join(self.tmp, "errors")
        shutil.copytree(self.dir, work)
        with open(os.path.join(work, "aaa-garbage.crt"), "w") as f:
            f.write("-----BEGIN CERTIFICATE-----\nnot base64 at all !!\n-----END CERTIFICATE-----\n")
        other = os.path.join(work, "nodes", "other.jks")
        r = subprocess.run(["keytool", "-importcert", "-noprompt", "-alias", "ca", "-file",
                            os.path.join(work, "ca.crt"), "-keystore", other, "-storetype", "JKS",
                            "-storepass", "another-password"], capture_output=True, text=True, timeout=60)
        self.assertEqual(r.returncode, 0, r.stderr)
        # A symbolic link back up the tree is not followed round.
        os.symlink(work, os.path.join(work, "nodes", "loop"))
        missing = os.path.join(self.tmp, "no-such-file.pem")
        r, out, samples, _ = self.scan(work, missing, "--storepass", "env:" + STOREPASS_VAR)
        self.assertEqual(samples["x509_read_errors"], [({}, 3.0)])
        err = r.stderr.decode()
        for name in ("aaa-garbage.crt", "other.jks", "no-such-file.pem"):
            self.assertIn(name, err)
        self.assertNotIn(STOREPASS, out + err)
        # Every certificate of the clean scan is still there, under the copy,
        # and nothing more.
        got = {(l["filepath"], l["alias"], l["serial"]): v for l, v in samples["x509_cert_not_after"]}
        self.assertEqual(len(got), len(clean["x509_cert_not_after"]))
        for labels, value in clean["x509_cert_not_after"]:
            key = (labels["filepath"].replace(self.dir, work, 1), labels["alias"], labels["serial"])
            self.assertEqual(got.get(key), value, key)
        # A store and no password: an error, the rest scanned.
        stores = [n for _, _, names in os.walk(work) for n in names if n.endswith((".jks", ".p12"))]
        self.assertEqual(len(stores), 7)
        r, out, samples, _ = self.scan(work)
        self.assertEqual(samples["x509_read_errors"][0][1], 1 + len(stores))
        self.assertIn("pass --storepass", r.stderr.decode())

    def test_expired_certificate_and_exit_code(self):
        work = os.path.join(self.tmp, "expired")
        os.mkdir(work)
        with open(os.path.join(work, "ca.cnf"), "w") as f:
            f.write("[ca]\ndefault_ca = d\n[d]\ndatabase = %s/index.txt\nnew_certs_dir = %s\n"
                    "serial = %s/serial\ndefault_md = sha256\npolicy = p\n[p]\ncommonName = supplied\n"
                    % (work, work, work))
        open(os.path.join(work, "index.txt"), "w").close()
        with open(os.path.join(work, "serial"), "w") as f:
            f.write("1000\n")
        key = os.path.join(work, "old.key")
        csr = os.path.join(work, "old.csr")
        crt = os.path.join(work, "old.crt")
        openssl("req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", key,
                "-out", csr, "-subj", "/CN=expired")
        openssl("ca", "-batch", "-config", os.path.join(work, "ca.cnf"), "-selfsign", "-keyfile", key, "-in", csr,
                "-startdate", "20200101000000Z", "-enddate", "20200102000000Z", "-notext", "-out", crt)
        os.chmod(key, 0o600)
        _, _, samples, _ = self.scan(crt)
        [(labels, value)] = samples["x509_cert_not_after"]
        self.assertEqual(value, openssl_time(openssl("x509", "-noout", "-enddate", "-in", crt).split("=", 1)[1]))
        self.assertEqual(samples["x509_cert_expired"][0][1], 1)
        self.assertLess(samples["x509_cert_seconds_left"][0][1], 0)
        # The text form exits 1 for the same file; --json and --format json agree.
        self.assertEqual(certkit("expiry", crt).returncode, 1)
        a, b = certkit("expiry", crt, "--json"), certkit("expiry", crt, "--format", "json")
        self.assertEqual((a.returncode, b.returncode), (1, 1))
        self.assertEqual(json.loads(a.stdout), json.loads(b.stdout))
        # Usage errors stay errors.
        self.assertEqual(certkit("expiry", crt, "--json", "--format", "prometheus").returncode, 2)
        self.assertEqual(certkit("expiry", crt, "--format", "yaml").returncode, 2)
        self.assertEqual(certkit("expiry", "--format", "prometheus", "--probe", "nohostport").returncode, 2)

    def test_label_values_are_escaped_and_read_back(self):
        work = os.path.join(self.tmp, "escape")
        os.mkdir(work)
        cn = 'evil "quoted" \\ back\nslash\x01bell\x1b[31mred'
        crt = os.path.join(work, "evil.crt")
        # openssl -subj takes a backslash as an escape: double it.
        openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                "-keyout", os.path.join(work, "evil.key"), "-out", crt, "-days", "30",
                "-subj", "/CN=" + cn.replace("\\", "\\\\"))
        os.chmod(os.path.join(work, "evil.key"), 0o600)
        r, out, samples, _ = self.scan(work)
        # Nothing raw: no control byte but the line ends.
        self.assertIsNone(re.search(r"[\x00-\x09\x0b-\x1f\x7f]", out), repr(out))
        # Only the escapes the format defines (\\, \", \n): Prometheus's own
        # (Go) parser refuses any other, where prometheus_client keeps it.
        self.assertEqual(set(re.findall(r"\\(.)", out, re.S)) - {"\\", '"', "n"}, set(), out)
        [(labels, value)] = samples["x509_cert_not_after"]
        # Quote, backslash and newline read back as they are; the other
        # controls as their visible escapes.
        self.assertEqual(labels["subject_CN"], cn.replace("\x01", "\\x01").replace("\x1b", "\\x1B"))
        self.assertEqual(labels["issuer_CN"], labels["subject_CN"])
        self.assertTrue(labels["subject"].startswith("CN="), labels["subject"])
        self.assertEqual(value, openssl_time(openssl("x509", "-noout", "-enddate", "-in", crt).split("=", 1)[1]))

    def start_server(self, *extra):
        node = os.path.join(self.dir, "nodes", "127.0.0.1")
        port = free_port()
        server = subprocess.Popen(
            ["openssl", "s_server", "-accept", "127.0.0.1:%d" % port, "-cert", os.path.join(node, "node.crt"),
             "-key", os.path.join(node, "node.key"), "-www", "-quiet"] + list(extra),
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.addCleanup(server.wait)
        self.addCleanup(server.kill)
        deadline = time.time() + 15
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                return "127.0.0.1:%d" % port
            except OSError:
                self.assertTrue(server.poll() is None and time.time() < deadline, "s_server did not start")
                time.sleep(0.05)

    def check_served(self, samples, target):
        served = [(l, v) for l, v in samples["x509_cert_not_after"] if l["probe"] == target]
        self.assertTrue(served, samples)
        leaf_labels, leaf_value = served[0]
        serial, _, na = openssl_dates(read_text(os.path.join(self.dir, "nodes", "127.0.0.1", "node.crt")))
        self.assertEqual(int(leaf_labels["serial"], 16), serial)
        self.assertEqual(leaf_value, na)
        self.assertEqual(leaf_labels["filepath"], "tls://" + target)
        self.assertEqual(leaf_labels["store_type"], "tls")
        self.assertEqual(leaf_labels["alias"], "")

    def test_probe_reports_what_the_server_serves(self):
        target = self.start_server()
        dead_target = "127.0.0.1:%d" % free_port()
        r, out, samples, _ = self.scan("--probe", target, "--probe", dead_target, "--probe-timeout", "5")
        self.assertEqual(samples["x509_read_errors"], [({}, 1.0)])
        self.assertIn("tls://" + dead_target, r.stderr.decode())
        self.check_served(samples, target)

    def test_probe_of_a_server_requiring_a_client_certificate(self):
        # As Cassandra with require_client_auth: without a client
        # certificate the handshake is refused (an error); with --cert/--key
        # of a client of the cluster, the chain is reported.
        target = self.start_server("-CAfile", os.path.join(self.dir, "ca.crt"), "-Verify", "1",
                                   "-verify_return_error")
        r, out, samples, _ = self.scan("--probe", target, "--probe-timeout", "5")
        self.assertEqual(samples["x509_read_errors"], [({}, 1.0)])
        self.assertNotIn("x509_cert_not_after{", out)
        self.assertIn("client certificate", r.stderr.decode())
        app = os.path.join(self.dir, "clients", "app")
        r, out, samples, _ = self.scan("--probe", target, "--probe-timeout", "5",
                                       "--cert", os.path.join(app, "client.app.crt"),
                                       "--key", os.path.join(app, "client.app.key"))
        self.assertEqual(samples["x509_read_errors"], [({}, 0.0)], r.stderr)
        self.check_served(samples, target)


def main():
    global CERTKIT
    if len(sys.argv) != 3:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    pypi_venv.reexec_in_venv(__file__, sys.argv[2], "expiry-prometheus-venv", REQUIREMENT, CHILD_MARK)
    CERTKIT = os.path.abspath(sys.argv[1])
    unittest.main(argv=[sys.argv[0], "-v"])


if __name__ == "__main__":
    main()
