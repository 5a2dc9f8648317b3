#!/usr/bin/env python3
"""Kill test: SIGKILL store-modifying certkit commands at random moments.

For each command (keystore import-cert, delete, passwd, convert; cluster init
(ROUNDS/5 times, into a fresh folder each: the re-run must replace what the
killed one left, its manifest being the commit record), add and renew; each
stage of cluster rotate-ca, ROUNDS/10 times, where after the
kill the nodes must still trust each other's certificates, and after the
re-run each key must match its certificate) the test first times one
uninterrupted run, then, ROUNDS times,
starts it, kills it with SIGKILL after a random delay within that time, and
checks that
  * the store (or cluster) loads, and is either the old or the new version;
  * the next command succeeds (it brings the store back to a known state).
At the end, after the 2-second guard of WriteFileAtomic's sweep, one more
write in each folder leaves no ".NAME.tmp-*" file behind.

Usage: kill_test.py CERTKIT_BINARY [ROUNDS]   (ROUNDS per command, default 50)
"""
import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import time

CERTKIT = os.path.abspath(sys.argv[1])
ROUNDS = int(sys.argv[2]) if len(sys.argv) > 2 else 50
PASS_A, PASS_B = "kill-pass-a", "kill-pass-b"
ENV = dict(os.environ, KILL_PASS_A=PASS_A, KILL_PASS_B=PASS_B)
random.seed(int(os.environ.get("KILL_TEST_SEED", time.time())))
failures = []
kills = 0


def run(args, check=True):
    r = subprocess.run([CERTKIT] + args, env=ENV, stdin=subprocess.DEVNULL,
                       capture_output=True, text=True, errors="replace")
    if check and r.returncode != 0:
        raise AssertionError("certkit %s failed (%d): %s" % (" ".join(args), r.returncode,
                                                             r.stdout + r.stderr))
    return r


def timed(args):
    start = time.monotonic()
    run(args)
    return time.monotonic() - start


def killed(args, window):
    """Starts certkit |args| and SIGKILLs it after a random delay in |window|."""
    global kills
    p = subprocess.Popen([CERTKIT] + args, env=ENV, stdin=subprocess.DEVNULL,
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(random.uniform(0, window))
    if p.poll() is None:
        p.kill()
        kills += 1
    p.wait()


def aliases(store, password_env):
    r = run(["keystore", "list", store, "--storepass", "env:" + password_env, "--json"],
            check=False)
    if r.returncode != 0:
        return None
    doc = json.loads(r.stdout)
    entries = doc.get("entries", doc) if isinstance(doc, dict) else doc
    return sorted(e["alias"] for e in entries)


def check(cond, what):
    if not cond:
        failures.append(what)
        print("FAIL:", what, flush=True)


def keystore_cycles(work):
    store = os.path.join(work, "ks.jks")
    ca = os.path.join(work, "cluster", "ca.crt")
    run(["keystore", "import-cert", store, "--storepass", "env:KILL_PASS_A", "--file", ca,
         "--alias", "base"])
    base, extra = ["base"], ["base", "extra"]
    imp = ["keystore", "import-cert", store, "--storepass", "env:KILL_PASS_A", "--file", ca,
           "--alias", "extra"]
    dele = ["keystore", "delete", store, "--storepass", "env:KILL_PASS_A", "--alias", "extra"]

    # import-cert: old = base, new = base + extra; the next command restores base.
    window = timed(imp)
    run(dele)
    for _ in range(ROUNDS):
        killed(imp, window)
        got = aliases(store, "KILL_PASS_A")
        check(got in (base, extra), "import-cert: store is %s" % got)
        if got == extra:
            run(dele)
        else:
            run(imp)
            run(dele)

    # delete: old = base + extra, new = base.
    window = timed(imp)
    for _ in range(ROUNDS):
        if aliases(store, "KILL_PASS_A") != extra:
            run(imp)
        killed(dele, window)
        got = aliases(store, "KILL_PASS_A")
        check(got in (base, extra), "delete: store is %s" % got)
        run(dele if got == extra else imp)
    if aliases(store, "KILL_PASS_A") == extra:
        run(dele)

    # passwd A -> B: the store opens with exactly one of them.
    to_b = ["keystore", "passwd", store, "--storepass", "env:KILL_PASS_A",
            "--new-storepass", "env:KILL_PASS_B"]
    to_a = ["keystore", "passwd", store, "--storepass", "env:KILL_PASS_B",
            "--new-storepass", "env:KILL_PASS_A"]
    window = timed(to_b)
    run(to_a)
    for _ in range(ROUNDS):
        killed(to_b, window)
        a, b = aliases(store, "KILL_PASS_A"), aliases(store, "KILL_PASS_B")
        check((a == base) != (b == base), "passwd: opens with A: %s, with B: %s" % (a, b))
        if b == base:
            run(to_a)

    # convert JKS -> PKCS#12: the destination is absent or complete.
    dest = os.path.join(work, "ks.p12")
    conv = ["keystore", "convert", store, "--storepass", "env:KILL_PASS_A", "--out", dest,
            "--overwrite"]
    window = timed(conv)
    for _ in range(ROUNDS):
        os.unlink(dest)
        killed(conv, window)
        if os.path.exists(dest):
            check(aliases(dest, "KILL_PASS_A") == base, "convert: destination is damaged")
        run(conv)
        check(aliases(dest, "KILL_PASS_A") == base, "convert: rerun did not produce the store")
    return [work]


def manifest_nodes(cluster):
    with open(os.path.join(cluster, "manifest.json")) as f:
        return sorted(n["host"] for n in json.load(f)["nodes"])


def pair_matches(node_dir):
    """node.crt carries node.key's public key (openssl decides)."""
    def pub(args):
        r = subprocess.run(["openssl"] + args, capture_output=True, text=True)
        return r.stdout if r.returncode == 0 else None
    a = pub(["x509", "-in", os.path.join(node_dir, "node.crt"), "-noout", "-pubkey"])
    b = pub(["pkey", "-in", os.path.join(node_dir, "node.key"), "-pubout"])
    return a is not None and a == b


def cluster_cycles(work):
    cluster = os.path.join(work, "cluster")
    # add: old = the nodes so far, new = plus k<i>; a retry of the same add
    # succeeds either way (it finishes a folder the manifest does not record).
    add = lambda name: ["cluster", "add", "--dir", cluster, "--nodes", name, "--jobs", "1",
                        "--quiet", "--storepass", "env:KILL_PASS_A"]
    window = timed(add("k0"))
    for i in range(1, ROUNDS // 2 + 1):
        name = "k%d" % i
        before = manifest_nodes(cluster)
        killed(add(name), window)
        after = manifest_nodes(cluster)
        check(after in (before, sorted(before + [name])), "cluster add: nodes are %s" % after)
        if name not in after:
            r = run(add(name), check=False)
            check(r.returncode == 0, "cluster add retry failed: %s" % (r.stdout + r.stderr))
        check(pair_matches(os.path.join(cluster, "nodes", name)), "cluster add: %s key/cert" % name)
    # renew (a cluster of its own): each file is old or new, the manifest
    # parses, and the next renew succeeds and leaves every node consistent.
    small = os.path.join(work, "renew")
    run(["cluster", "init", "--out", small, "--nodes", "r1,r2", "--jobs", "1", "--quiet",
         "--storepass", "env:KILL_PASS_A"])
    renew = ["cluster", "renew", "--dir", small, "--within", "400d", "--jobs", "1", "--quiet",
             "--storepass", "env:KILL_PASS_A"]
    window = timed(renew)
    for _ in range(ROUNDS // 2):
        killed(renew, window)
        check(manifest_nodes(small) == ["r1", "r2"], "cluster renew: manifest damaged")
        r = run(renew, check=False)
        check(r.returncode == 0, "cluster renew after a kill failed: %s" % (r.stdout + r.stderr))
        for n in ("r1", "r2"):
            check(pair_matches(os.path.join(small, "nodes", n)), "cluster renew: %s key/cert" % n)
    # Folders that get a write after the sweep guard (manifest.json, renewed nodes).
    return [cluster, small, os.path.join(small, "nodes", "r1"), os.path.join(small, "nodes", "r2")]


def init_cycles(work):
    """cluster init killed at a random moment, then run again: it succeeds
    (replacing whatever the killed run wrote before its manifest) and every
    node's key matches its certificate, which the manifest records."""
    nodes = ["i1", "i2", "i3"]
    init = lambda d: ["cluster", "init", "--out", d, "--nodes", ",".join(nodes), "--format",
                      "pem,jks", "--jobs", "1", "--quiet", "--storepass", "env:KILL_PASS_A"]
    window = timed(init(os.path.join(work, "init-timed")))
    for i in range(max(1, ROUNDS // 5)):
        d = os.path.join(work, "init%d" % i)
        killed(init(d), window)
        if not os.path.exists(os.path.join(d, "manifest.json")):
            r = run(init(d), check=False)
            check(r.returncode == 0, "cluster init after a kill failed: %s" % (r.stdout + r.stderr))
        check(manifest_nodes(d) == nodes, "cluster init: manifest nodes are %s" % manifest_nodes(d))
        check(not os.path.exists(os.path.join(d, ".init-incomplete")) or
              os.path.exists(os.path.join(d, "manifest.json")), "cluster init: marker left")
        with open(os.path.join(d, "manifest.json")) as f:
            recorded = {n["host"]: n["sha256_fingerprint"] for n in json.load(f)["nodes"]}
        for n in nodes:
            node_dir = os.path.join(d, "nodes", n)
            check(pair_matches(node_dir), "cluster init: %s key/cert" % n)
            r = subprocess.run(["openssl", "x509", "-in", os.path.join(node_dir, "node.crt"),
                                "-noout", "-fingerprint", "-sha256"], capture_output=True, text=True)
            got = r.stdout.strip().split("=")[-1].replace(":", "").lower()
            check(got == recorded[n].replace(":", "").lower(),
                  "cluster init: %s certificate is not the one the manifest records" % n)
            check(aliases(os.path.join(node_dir, "keystore.jks"), "KILL_PASS_A") is not None,
                  "cluster init: %s keystore.jks does not load" % n)


ROTATION_STAGES = ["new-ca", "trust-both", "reissue", "retire-old"]


def cross_trust(cluster, nodes):
    """None when every node's ca.crt accepts every node's node.crt (openssl)."""
    for a in nodes:
        for b in nodes:
            r = subprocess.run(["openssl", "verify", "-CAfile",
                                os.path.join(cluster, "nodes", a, "ca.crt"),
                                os.path.join(cluster, "nodes", b, "node.crt")],
                               capture_output=True, text=True)
            if r.returncode != 0:
                return "%s does not trust %s: %s" % (a, b, r.stdout + r.stderr)
    return None


def rotation_cycles(work):
    """Kills each rotate-ca stage once per round (round 0 times them)."""
    windows = {}
    nodes = ["n1", "n2"]
    for i in range(max(1, ROUNDS // 10) + 1):
        cluster = os.path.join(work, "rotate%d" % i)
        run(["cluster", "init", "--out", cluster, "--nodes", ",".join(nodes), "--format", "pem,jks",
             "--jobs", "1", "--quiet", "--storepass", "env:KILL_PASS_A"])
        for stage in ROTATION_STAGES:
            cmd = ["cluster", "rotate-ca", "--dir", cluster, "--stage", stage, "--jobs", "1",
                   "--quiet", "--storepass", "env:KILL_PASS_A"]
            if i == 0:
                windows[stage] = timed(cmd)
                continue
            killed(cmd, windows[stage])
            why = cross_trust(cluster, nodes)
            check(why is None, "rotate-ca %s killed: %s" % (stage, why))
            r = run(cmd, check=False)
            check(r.returncode == 0, "rotate-ca %s after a kill failed: %s" % (stage, r.stdout + r.stderr))
            why = cross_trust(cluster, nodes)
            check(why is None, "rotate-ca %s re-run: %s" % (stage, why))
            for n in nodes:
                check(pair_matches(os.path.join(cluster, "nodes", n)), "rotate-ca %s: %s key/cert" % (stage, n))
        with open(os.path.join(cluster, "manifest.json")) as f:
            check(json.load(f).get("rotation") == "retire-old", "rotate-ca: rotation not finished")


def main():
    with tempfile.TemporaryDirectory(prefix="certkit-kill-") as work:
        run(["cluster", "init", "--out", os.path.join(work, "cluster"), "--nodes", "10.0.0.1",
             "--jobs", "1", "--quiet", "--storepass", "env:KILL_PASS_A"])
        folders = keystore_cycles(work) + cluster_cycles(work)
        init_cycles(work)
        rotation_cycles(work)
        # The sweep: after its 2-second guard, one more write per folder.
        time.sleep(2.1)
        store = os.path.join(work, "ks.jks")
        run(["keystore", "import-cert", store, "--storepass", "env:KILL_PASS_A", "--file",
             os.path.join(work, "cluster", "ca.crt"), "--alias", "final"])
        run(["cluster", "add", "--dir", os.path.join(work, "cluster"), "--nodes", "final",
             "--jobs", "1", "--quiet", "--storepass", "env:KILL_PASS_A"])
        run(["cluster", "renew", "--dir", os.path.join(work, "renew"), "--within", "400d",
             "--jobs", "1", "--quiet", "--storepass", "env:KILL_PASS_A"])
        for folder in folders:
            left = [n for n in os.listdir(folder) if ".tmp-" in n]
            check(not left, "temporary files left in %s: %s" % (folder, left))
    print("kill test: %d kills, %d failures" % (kills, len(failures)))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
