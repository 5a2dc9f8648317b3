#!/usr/bin/env python3
"""run.py CERTKIT MULTIFILE_CLIENT: the multi-file C client against real
`openssl s_server` instances that demand a client certificate.

1. s_server presents node 127.0.0.1's certificate: the client, expecting
   127.0.0.1, is accepted (its SSL_CTX was configured in another source file
   than the one making the connection: before the slots were owned by
   libcertkit, this failed closed with "no peer address was given").
2. s_server presents node 10.9.9.9's certificate, valid and from the same
   CA: the client expecting 127.0.0.1 refuses it with IDENTITY_MISMATCH.
Exit 0 when both hold."""
import os
import socket
import subprocess
import sys
import tempfile
import time


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(pki, node):
    port = free_port()
    d = os.path.join(pki, "nodes", node)
    proc = subprocess.Popen(
        ["openssl", "s_server", "-accept", str(port), "-Verify", "1", "-verify_return_error",
         "-cert", os.path.join(d, "node.crt"), "-key", os.path.join(d, "node.key"),
         "-CAfile", os.path.join(pki, "ca.crt")],
        stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 20
    while time.time() < deadline:
        try:  # s_server shrugs off this empty connection and keeps accepting
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return proc, port
        except OSError:
            if proc.poll() is not None:
                break
            time.sleep(0.05)
    proc.kill()
    raise SystemExit(f"openssl s_server for {node} did not listen on {port}")


def run_client(client, pki, port, peer):
    app = os.path.join(pki, "clients", "app")
    r = subprocess.run([client, os.path.join(pki, "ca.crt"), os.path.join(app, "client.app.crt"),
                        os.path.join(app, "client.app.key"), str(port), peer],
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=60)
    return r.returncode, r.stdout.decode(errors="replace").strip()


def main():
    certkit, client = sys.argv[1], sys.argv[2]
    failures = 0
    with tempfile.TemporaryDirectory(prefix="certkit-multifile-") as tmp:
        pki = os.path.join(tmp, "pki")
        env = dict(os.environ, STOREPASS="multifile-store-pass")
        subprocess.run([certkit, "cluster", "init", "--nodes", "127.0.0.1,10.9.9.9",
                        "--clients", "app", "--out", pki, "--storepass", "env:STOREPASS",
                        "--quiet"], check=True, env=env)
        for node, want_rc, want in (("127.0.0.1", 0, "OK"), ("10.9.9.9", 1, "IDENTITY_MISMATCH")):
            server, port = start_server(pki, node)
            try:
                rc, out = run_client(client, pki, port, "127.0.0.1")
            finally:
                server.kill()
                server.wait()
            ok = rc == want_rc and out.upper().startswith(want)
            print(f"server presents {node}, client expects 127.0.0.1: exit {rc}, {out!r}"
                  f" -> {'as expected' if ok else 'WRONG, want ' + want}")
            failures += not ok
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
