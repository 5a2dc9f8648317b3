#!/usr/bin/env python3
"""cassandra-driver client for the MutualTlsAuthenticator test
(cassandra_test.sh spiffe; docs/CASSANDRA_MTLS.md).

TLS through the certkit binding (certkit.ssl_context) with a certkit client
certificate and key (--cert/--key) and the cluster CA (--ca). Modes:

  setup  --user U --password-file F --cql FILE --keyspace KS
         Logs in with a password (the node runs PasswordAuthenticator),
         runs every statement of FILE (certkit's CQL: roles and identities),
         creates KS.t with one row and grants SELECT on KS to each role in
         --grant. Retries the login while the default superuser is being
         created.
  check  --keyspace KS --role R
         No credentials (an empty authentication token): the node's
         MutualTlsAuthenticator maps the certificate's SPIFFE ID to a role. SELECT on KS.t must succeed and
         read the row; INSERT must be refused with Unauthorized naming R.
  refused --expect REGEX
         The connection must be refused, with REGEX in the reason.

Prints "OK ..." and exits 0, or "FAIL: ..." and exits 1.
"""
import argparse
import re
import sys
import time

import certkit
from cassandra.auth import AuthProvider, Authenticator


class CertificateAuthenticator(Authenticator):
    """Answers the node's AUTHENTICATE with an empty token: Cassandra 5.0's
    MutualTlsAuthenticator sends AUTHENTICATE after STARTUP (early
    authentication, CASSANDRA-18857, came later), ignores the response and
    logs the client in by the certificate of the TLS session."""

    def initial_response(self):
        return b""


class CertificateAuthProvider(AuthProvider):
    def new_authenticator(self, host):
        return CertificateAuthenticator()


def main():
    p = argparse.ArgumentParser()
    p.add_argument("mode", choices=["setup", "check", "refused"])
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--ca", required=True)
    p.add_argument("--cert", required=True)
    p.add_argument("--key", required=True)
    p.add_argument("--user")
    p.add_argument("--password-file")
    p.add_argument("--cql")
    p.add_argument("--keyspace")
    p.add_argument("--grant", action="append", default=[])
    p.add_argument("--role")
    p.add_argument("--expect")
    args = p.parse_args()

    from cassandra import Unauthorized
    from cassandra.auth import PlainTextAuthProvider
    from cassandra.cluster import Cluster, NoHostAvailable

    ctx = certkit.ssl_context("client", cert=args.cert, key=args.key, ca=args.ca, peer="127.0.0.1")
    auth = CertificateAuthProvider()  # no credentials
    if args.mode == "setup":
        with open(args.password_file, encoding="utf-8") as f:
            auth = PlainTextAuthProvider(args.user, f.readline().rstrip("\n"))

    def connect():
        cluster = Cluster(contact_points=["127.0.0.1"], port=args.port, ssl_context=ctx,
                          auth_provider=auth, connect_timeout=20,
                          control_connection_timeout=20, protocol_version=5)
        return cluster, cluster.connect()

    if args.mode == "refused":
        try:
            cluster, _ = connect()
        except NoHostAvailable as e:
            reason = "; ".join("%s: %s: %s" % (h, type(err).__name__, err) for h, err in e.errors.items()) or str(e)
            if not re.search(args.expect, reason):
                print("FAIL: refused, but not with /%s/: %s" % (args.expect, reason))
                return 1
            print("OK refused: %s" % reason)
            return 0
        cluster.shutdown()
        print("FAIL: the connection was accepted")
        return 1

    if args.mode == "setup":
        deadline = time.monotonic() + 60
        while True:
            try:
                cluster, session = connect()
                break
            except NoHostAvailable as e:
                # The default superuser appears shortly after the node opens its port.
                if time.monotonic() > deadline:
                    print("FAIL: no password login: %s" % e)
                    return 1
                time.sleep(1)
        try:
            with open(args.cql, encoding="utf-8") as f:
                statements = [line.strip() for line in f if line.strip()]
            for st in statements:
                session.execute(st)
            ks = args.keyspace
            session.execute("CREATE KEYSPACE IF NOT EXISTS %s WITH replication = "
                            "{'class': 'SimpleStrategy', 'replication_factor': 1}" % ks)
            session.execute("CREATE TABLE IF NOT EXISTS %s.t (id int PRIMARY KEY, v text)" % ks)
            session.execute("INSERT INTO %s.t (id, v) VALUES (1, 'granted')" % ks)
            for role in args.grant:
                session.execute("GRANT SELECT ON KEYSPACE %s TO '%s'" % (ks, role.replace("'", "''")))
            rows = list(session.execute("SELECT identity, role FROM system_auth.identity_to_role"))
            print("OK setup: ran %d statements of %s; identity_to_role: %s" %
                  (len(statements), args.cql, sorted((r.identity, r.role) for r in rows)))
            return 0
        finally:
            cluster.shutdown()

    # check
    try:
        cluster, session = connect()
    except NoHostAvailable as e:
        print("FAIL: refused: %s" % e)
        return 1
    try:
        ks = args.keyspace
        rows = list(session.execute("SELECT v FROM %s.t WHERE id = 1" % ks))
        if len(rows) != 1 or rows[0].v != "granted":
            print("FAIL: SELECT read %r" % rows)
            return 1
        try:
            session.execute("INSERT INTO %s.t (id, v) VALUES (2, 'not granted')" % ks)
            print("FAIL: INSERT (MODIFY, not granted) was accepted")
            return 1
        except Unauthorized as e:
            msg = str(e)
            if not re.search(r"User %s has no MODIFY permission" % re.escape(args.role), msg):
                print("FAIL: Unauthorized, but not naming role %s: %s" % (args.role, msg))
                return 1
        print("OK check: no password; role %s: SELECT on %s.t read the row, INSERT refused (%s)" %
              (args.role, ks, msg))
        return 0
    finally:
        cluster.shutdown()


if __name__ == "__main__":
    sys.exit(main())
