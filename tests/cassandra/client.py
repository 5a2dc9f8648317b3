#!/usr/bin/env python3
"""cassandra-driver client for the Cassandra tests (tests/cassandra/).

The TLS context comes from the certkit binding, certkit.ssl_context(): the
client key and certificate from a key store (--keystore, JKS or PKCS#12) or
PEM files (--cert/--key), the trust anchors from a trust store (--truststore)
or a PEM bundle (--ca). certkit's verifier checks the node's chain and
identity (--expect-ip) after every handshake the driver makes, so a refusal
carries certkit's reason (e.g. identity_mismatch).

Runs CREATE KEYSPACE, CREATE TABLE, INSERT and SELECT and checks the row read
back. Prints "OK ..." and exits 0 on success; prints "REFUSED: <reason>" and
exits 1 when the connection or a statement fails. Usage:

  client.py --port P (--truststore T.jks | --ca ca.crt)
            [--keystore K.jks | --cert client.crt --key client.key]
            [--storepass-file F] --expect-ip 127.0.0.1 --keyspace ks
"""
import argparse
import sys
import uuid

import certkit


def make_context(args):
    """The client-side context; with neither --keystore nor --cert the
    client presents no certificate."""
    password = None
    if args.storepass_file:
        with open(args.storepass_file, encoding="utf-8") as f:
            password = f.readline().rstrip("\n")
    return certkit.ssl_context("client", keystore=args.keystore, truststore=args.truststore,
                               password=password, cert=args.cert, key=args.key, ca=args.ca,
                               peer=args.expect_ip)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--keystore")
    p.add_argument("--truststore")
    p.add_argument("--storepass-file")
    p.add_argument("--ca")
    p.add_argument("--cert")
    p.add_argument("--key")
    p.add_argument("--expect-ip", required=True)
    p.add_argument("--keyspace", required=True)
    args = p.parse_args()

    from cassandra.cluster import (EXEC_PROFILE_DEFAULT, Cluster, ExecutionProfile,
                                   NoHostAvailable)
    from cassandra.policies import RoundRobinPolicy

    profile = ExecutionProfile(load_balancing_policy=RoundRobinPolicy(), request_timeout=30)
    cluster = Cluster(contact_points=[args.host], port=args.port,
                      ssl_context=make_context(args),
                      execution_profiles={EXEC_PROFILE_DEFAULT: profile},
                      connect_timeout=20, control_connection_timeout=20,
                      protocol_version=5)
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
