#!/usr/bin/env python3
"""cassandra-driver client for the Cassandra tests (tests/cassandra/).

Connects over mutual TLS, checks the node's identity (its certificate must
name --expect-ip), then runs CREATE KEYSPACE, CREATE TABLE, INSERT and SELECT
and checks the row read back. Prints "OK ..." and exits 0 on success;
prints "REFUSED: <reason>" and exits 1 when the connection or a statement
fails. Usage:

  client.py --port P --ca ca.crt [--cert client.crt --key client.key]
            --expect-ip 127.0.0.1 --keyspace ks [--certkit-verify]

With --certkit-verify the node's chain and identity are checked by certkit's
verifier (the Python binding, post-handshake on every connection the driver
opens) instead of Python's hostname check, so a refusal carries certkit's
reason (e.g. identity_mismatch).
"""
import argparse
import ssl
import sys
import uuid


def make_context(args):
    """The client-side TLS context: certkit's CA as the only trust anchor,
    hostname (IP SAN) checking on, and the client certificate when given."""
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.minimum_version = ssl.TLSVersion.TLSv1_2
    ctx.load_verify_locations(cafile=args.ca)
    ctx.check_hostname = not args.certkit_verify
    ctx.verify_mode = ssl.CERT_REQUIRED
    if args.cert:
        ctx.load_cert_chain(certfile=args.cert, keyfile=args.key)
    return ctx


def certkit_connection_class(base, ca_path, expect_ip):
    """A driver connection class that runs certkit's verifier on the node's
    certificate right after the TLS handshake and drops the connection with
    certkit's reason when it fails."""
    import certkit

    verifier = certkit.Ssl()
    with open(ca_path, "rb") as f:
        verifier.add_trusted_cert(f.read())
    verifier.verify_flags = certkit.VERIFY_PEER_CERT | certkit.VERIFY_PEER_IDENTITY

    class CertkitVerifiedConnection(base):
        def _connect_socket(self):
            super()._connect_socket()
            leaf = self._socket.getpeercert(binary_form=True)
            try:
                verifier.verify_peer([leaf], expect_ip)
            except certkit.CertkitError as e:
                self._socket.close()
                raise ssl.SSLCertVerificationError("certkit: %s" % e) from e

    return CertkitVerifiedConnection


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--ca", required=True)
    p.add_argument("--cert")
    p.add_argument("--key")
    p.add_argument("--expect-ip", required=True)
    p.add_argument("--keyspace", required=True)
    p.add_argument("--certkit-verify", action="store_true")
    args = p.parse_args()

    from cassandra.cluster import (EXEC_PROFILE_DEFAULT, Cluster, ExecutionProfile,
                                   NoHostAvailable)
    from cassandra.policies import RoundRobinPolicy

    extra = {}
    if args.certkit_verify:
        extra["connection_class"] = certkit_connection_class(
            Cluster.connection_class, args.ca, args.expect_ip)
    profile = ExecutionProfile(load_balancing_policy=RoundRobinPolicy(), request_timeout=30)
    cluster = Cluster(contact_points=[args.host], port=args.port,
                      ssl_context=make_context(args),
                      ssl_options={"server_hostname": args.expect_ip},
                      execution_profiles={EXEC_PROFILE_DEFAULT: profile},
                      connect_timeout=20, control_connection_timeout=20,
                      protocol_version=5, **extra)
    try:
        session = cluster.connect()
        ks = args.keyspace
        session.execute(
            "CREATE KEYSPACE IF NOT EXISTS %s WITH replication = "
            "{'class': 'SimpleStrategy', 'replication_factor': 1}" % ks)
        session.execute("CREATE TABLE IF NOT EXISTS %s.t (id uuid PRIMARY KEY, v text)" % ks)
        row_id = uuid.uuid4()
        session.execute("INSERT INTO %s.t (id, v) VALUES (%%s, %%s)" % ks, (row_id, "from python"))
        rows = list(session.execute("SELECT v FROM %s.t WHERE id = %%s" % ks, (row_id,)))
        if len(rows) != 1 or rows[0].v != "from python":
            print("FAIL: read back %r" % (rows,))
            return 2
        print("OK python: wrote and read %s.t over mutual TLS (node identity %s)" % (ks, args.expect_ip))
        return 0
    except NoHostAvailable as e:
        reasons = "; ".join("%s: %r" % (h, err) for h, err in e.errors.items())
        print("REFUSED: %s" % (reasons or e))
        return 1
    except Exception as e:  # the driver's own errors (timeouts, protocol)
        print("REFUSED: %s: %s" % (type(e).__name__, e))
        return 1
    finally:
        cluster.shutdown()


if __name__ == "__main__":
    sys.exit(main())
