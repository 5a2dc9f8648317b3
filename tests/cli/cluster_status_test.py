#!/usr/bin/env python3
"""`certkit cluster status --probe` and `rotate-ca --require-probe` against
real `openssl s_server` nodes that demand a client certificate from their
CA file (as Cassandra with require_client_auth does): what each node
serves, which CAs' clients it accepts, an unreachable node, and a rotation
whose stages are refused while a "node" (s_server) still runs the previous
stage's files, naming it, and allowed once it is restarted on them.
The live-Cassandra version is tests/cassandra/live_rotation.sh.
Usage: cluster_status_test.py CERTKIT_BINARY"""
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import unittest

CERTKIT = None
NODES = ("127.0.0.1", "127.0.0.2")


def certkit(*args):
    return subprocess.run([CERTKIT] + list(args), capture_output=True, text=True, timeout=120)


def free_port():
    """A port free on both node addresses a moment ago."""
    while True:
        with socket.socket() as a:
            a.bind(("127.0.0.1", 0))
            port = a.getsockname()[1]
            try:
                with socket.socket() as b:
                    b.bind(("127.0.0.2", port))
                return port
            except OSError:
                continue


class Node:
    """openssl s_server on ADDRESS:PORT with the files of |node_dir| as they
    are when started: node.crt/node.key, and ca.crt as the CAs whose client
    certificates it accepts (-Verify: a certificate is required)."""

    def __init__(self, address, port, node_dir):
        self.proc = subprocess.Popen(
            ["openssl", "s_server", "-accept", "%s:%d" % (address, port),
             "-cert", os.path.join(node_dir, "node.crt"), "-key", os.path.join(node_dir, "node.key"),
             "-CAfile", os.path.join(node_dir, "ca.crt"), "-Verify", "1", "-verify_return_error",
             "-www", "-quiet"],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.time() + 15
        while True:
            try:
                socket.create_connection((address, port), timeout=1).close()
                return
            except OSError:
                assert self.proc.poll() is None and time.time() < deadline, "s_server did not start"
                time.sleep(0.05)

    def stop(self):
        self.proc.kill()
        self.proc.wait()


class ClusterStatusTest(unittest.TestCase):
    def setUp(self):
        if shutil.which("openssl") is None:
            raise AssertionError("peer tool openssl is missing")
        self.tmp = tempfile.mkdtemp(prefix="certkit-status-")
        self.dir = os.path.join(self.tmp, "cluster")
        r = certkit("cluster", "init", "--nodes", ",".join(NODES), "--clients", "app", "--out", self.dir,
                    "--format", "pem", "--quiet")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.port = free_port()
        self.nodes = {}

    def tearDown(self):
        for n in self.nodes.values():
            n.stop()
        shutil.rmtree(self.tmp, True)

    def start(self, address):
        """(Re)starts the node at |address| on its current files: a reload."""
        if address in self.nodes:
            self.nodes.pop(address).stop()
        self.nodes[address] = Node(address, self.port, os.path.join(self.dir, "nodes", address))

    def status(self, *extra):
        r = certkit("cluster", "status", "--dir", self.dir, "--probe", "--port", str(self.port),
                    "--timeout", "5", "--json", *extra)
        return r, json.loads(r.stdout) if r.stdout else None

    def rotate(self, stage):
        return certkit("cluster", "rotate-ca", "--dir", self.dir, "--stage", stage, "--require-probe",
                       "--port", str(self.port), "--quiet")

    def serial_on_disk(self, address):
        out = subprocess.run(["openssl", "x509", "-noout", "-serial", "-in",
                              os.path.join(self.dir, "nodes", address, "node.crt")],
                             capture_output=True, text=True, check=True).stdout
        return int(out.strip().split("=")[1], 16)

    def test_served_certificates_and_an_unreachable_node(self):
        self.start("127.0.0.1")
        r, s = self.status()
        # 127.0.0.2 has no server: a problem, exit 1, no crash.
        self.assertEqual(r.returncode, 1, r.stdout + r.stderr)
        active = [c for c in s["cas"] if c["state"] == "active"][0]
        by_name = {n["name"]: n for n in s["nodes"]}
        up = by_name["127.0.0.1"]["served"]["client"]
        self.assertTrue(up["served"] and up["matches_disk"], up)
        self.assertEqual(up["ca"]["id"], active["id"])
        self.assertEqual(int(up["serial"], 16), self.serial_on_disk("127.0.0.1"))
        self.assertEqual(up["client_certificates"], [{"ca": up["ca"], "accepted": True}])
        down = by_name["127.0.0.2"]["served"]["client"]
        self.assertFalse(down["served"] or down["reachable"], down)
        self.assertIn("127.0.0.2:%d" % self.port, down["error"])
        self.assertEqual(len(s["problems"]), 1, s["problems"])
        self.assertIn("node 127.0.0.2 client port 127.0.0.2:%d" % self.port, s["problems"][0])
        # Text form: the same facts.
        r = certkit("cluster", "status", "--dir", self.dir, "--probe", "--port", str(self.port))
        self.assertEqual(r.returncode, 1, r.stdout + r.stderr)
        self.assertIn("matches disk", r.stdout)
        self.assertIn("problem: node 127.0.0.2 client port", r.stdout)
        # Both up: exit 0.
        self.start("127.0.0.2")
        r, s = self.status()
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertEqual(s["problems"], [])

    def test_nodes_named_by_dns_are_probed_at_their_own_address(self):
        # Nodes given as NAME=IP (names under .invalid, which never
        # resolve): the probe dials each at its first own IP address, not the
        # --san extra every node shares; a node with a DNS name alone is
        # dialled by name.
        shutil.rmtree(self.dir)
        r = certkit("cluster", "init", "--out", self.dir, "--format", "pem", "--quiet",
                    "--nodes", "node1.invalid=127.0.0.1+10.255.255.1,node2.invalid=127.0.0.2",
                    "--node", "node3.invalid", "--san", "IP:127.0.0.9")
        self.assertEqual(r.returncode, 0, r.stderr)
        for n, a in (("node1.invalid", "127.0.0.1"), ("node2.invalid", "127.0.0.2")):
            self.nodes[n] = Node(a, self.port, os.path.join(self.dir, "nodes", n))
        r, s = self.status()
        self.assertEqual(r.returncode, 1, r.stdout + r.stderr)  # node3 cannot be reached
        by_name = {n["name"]: n for n in s["nodes"]}
        for n, a in (("node1.invalid", "127.0.0.1"), ("node2.invalid", "127.0.0.2")):
            served = by_name[n]["served"]["client"]
            self.assertEqual(served["address"], "%s:%d" % (a, self.port))
            self.assertTrue(served["served"] and served["matches_disk"], (n, served))
        self.assertEqual(len(s["problems"]), 1, s["problems"])
        self.assertIn("node node3.invalid client port node3.invalid:%d" % self.port, s["problems"][0])

    def test_probe_with_an_encrypted_ca_key(self):
        # A cluster whose CA key is encrypted: the probe certificate is signed
        # with it, the password from the source the manifest records (env:),
        # or --ca-key-pass; a wrong one leaves the CA without a probe
        # certificate, and the node's verdict on it unknown: a problem.
        shutil.rmtree(self.dir)
        env = dict(os.environ, CA_PASS="status-ca-pass", WRONG="not-it")
        r = subprocess.run([CERTKIT, "cluster", "init", "--nodes", ",".join(NODES), "--out", self.dir,
                            "--format", "pem", "--ca-key-pass", "env:CA_PASS", "--quiet"],
                           capture_output=True, text=True, env=env, timeout=120)
        self.assertEqual(r.returncode, 0, r.stderr)
        for a in NODES:
            self.start(a)
        base = [CERTKIT, "cluster", "status", "--dir", self.dir, "--probe", "--port", str(self.port),
                "--json"]
        r = subprocess.run(base, capture_output=True, text=True, env=env, timeout=120)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        s = json.loads(r.stdout)
        for n in s["nodes"]:
            self.assertEqual([c["accepted"] for c in n["served"]["client"]["client_certificates"]], [True])
        r = subprocess.run(base + ["--ca-key-pass", "env:WRONG"], capture_output=True, text=True,
                           env=env, timeout=120)
        self.assertEqual(r.returncode, 1, r.stdout + r.stderr)
        s = json.loads(r.stdout)
        self.assertIn("password", " ".join(c.get("probe_error", "") for c in s["cas"]))
        self.assertNotIn("not-it", r.stdout + r.stderr)
        self.assertNotIn("status-ca-pass", r.stdout + r.stderr)

    def test_options(self):
        r = certkit("cluster", "status", "--dir", self.dir, "--probe")
        self.assertEqual(r.returncode, 3, r.stdout + r.stderr)
        self.assertIn("--port", r.stderr)
        r = certkit("cluster", "status", "--dir", self.dir, "--port", "9142")
        self.assertEqual(r.returncode, 3, r.stdout + r.stderr)
        self.assertIn("need --probe", r.stderr)
        r = certkit("cluster", "rotate-ca", "--dir", self.dir, "--port", "9142")
        self.assertEqual(r.returncode, 3, r.stdout + r.stderr)
        self.assertIn("need --require-probe", r.stderr)
        # Without --probe: the files only, every node from the active CA.
        r = certkit("cluster", "status", "--dir", self.dir, "--json")
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        s = json.loads(r.stdout)
        self.assertFalse(s["probed"])
        for n in s["nodes"]:
            self.assertEqual(n["disk"]["ca"]["state"], "active")
            self.assertNotIn("served", n)

    def test_require_probe_follows_the_nodes_through_a_rotation(self):
        for a in NODES:
            self.start(a)
        for stage in ("new-ca", "trust-both"):
            r = self.rotate(stage)
            self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        # trust-both written, only 127.0.0.1 reloaded: reissue is refused,
        # naming 127.0.0.2 and the CA it does not accept.
        self.start("127.0.0.1")
        r = self.rotate("reissue")
        self.assertEqual(r.returncode, 3, r.stdout + r.stderr)
        self.assertRegex(r.stderr, r"stage reissue refused \(--require-probe\): 1 problem\(s\): node 127\.0\.0\.2 "
                         r"client port 127\.0\.0\.2:%d does not accept client certificates from CA [0-9a-f]{8} "
                         r"\(next\)" % self.port)
        with open(os.path.join(self.dir, "manifest.json")) as f:
            self.assertEqual(json.load(f)["rotation"], "trust-both")
        _, s = self.status()
        by_name = {n["name"]: n for n in s["nodes"]}
        self.assertEqual([a["accepted"] for a in by_name["127.0.0.1"]["served"]["client"]["client_certificates"]],
                         [True, True])
        self.assertEqual([a["accepted"] for a in by_name["127.0.0.2"]["served"]["client"]["client_certificates"]],
                         [True, False])
        self.start("127.0.0.2")
        r = self.rotate("reissue")
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        # reissue written, no node reloaded: retire-old is refused for both.
        r = self.rotate("retire-old")
        self.assertEqual(r.returncode, 3, r.stdout + r.stderr)
        for a in NODES:
            self.assertRegex(r.stderr, r"node %s client port \S+ serves serial [0-9A-Fa-f]+ from CA [0-9a-f]{8} "
                             r"\(previous\), not its certificate on disk" % a.replace(".", r"\."))
        self.start("127.0.0.1")
        r = self.rotate("retire-old")
        self.assertEqual(r.returncode, 3, r.stdout + r.stderr)
        self.assertNotIn("node 127.0.0.1", r.stderr)
        self.assertIn("node 127.0.0.2", r.stderr)
        self.start("127.0.0.2")
        r = self.rotate("retire-old")
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        # The nodes reload retire-old's files: they serve the new CA's
        # certificates and refuse the retired CA's clients.
        for a in NODES:
            self.start(a)
        r, s = self.status()
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        states = {c["id"]: c["state"] for c in s["cas"]}
        for n in s["nodes"]:
            p = n["served"]["client"]
            self.assertTrue(p["matches_disk"])
            self.assertEqual(p["ca"]["state"], "active")
            self.assertEqual(int(p["serial"], 16), self.serial_on_disk(n["name"]))
            accepted = {states[a["ca"]["id"]]: a["accepted"] for a in p["client_certificates"]}
            self.assertEqual(accepted, {"active": True, "retired": False})


if __name__ == "__main__":
    CERTKIT = sys.argv.pop(1)
    unittest.main(verbosity=2)
