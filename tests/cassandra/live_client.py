#!/usr/bin/env python3
"""cassandra-driver load client for the live CA rotation test
(live_rotation.sh).

Writes and reads one row after another at CL=ALL against every node, for
as long as it runs, over mutual TLS with certkit.ssl_context() (the node's
identity is the address dialled: peer_address=True). The harness drives it
through files in --control:

  stage   holds the stage just run on the nodes ("start", "new-ca", ...,
          "stop"). On a new stage the client calls ctx.reload() (certkit
          reads the client's key store and trust store again), opens a fresh
          session (new handshakes with every node), does one CL=ALL write
          and read on it, swaps it in for the old one and writes
          <name>.ack with the stage. A reload that fails (a half-written
          store) is printed ("RELOAD FAILED") and the session carries on
          with the last good material. On "stop" it prints its totals and
          exits: 0 when no request failed, 1 otherwise.

Every failed request is printed with its reason. Per stage it prints
"STAGE python <stage>: requests N failed F handshakes H".
"""
import argparse
import os
import sys
import time
import uuid

import certkit


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--hosts", required=True)
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--keystore", required=True)
    p.add_argument("--truststore", required=True)
    p.add_argument("--storepass-file", required=True)
    p.add_argument("--control", required=True)
    p.add_argument("--name", default="python")
    args = p.parse_args()

    from cassandra import ConsistencyLevel
    from cassandra.cluster import EXEC_PROFILE_DEFAULT, Cluster, ExecutionProfile
    from cassandra.policies import RoundRobinPolicy

    with open(args.storepass_file, encoding="utf-8") as f:
        password = f.readline().rstrip("\n")
    ctx = certkit.ssl_context("client", keystore=args.keystore, truststore=args.truststore,
                              password=password, peer_address=True)
    handshakes = [0]
    wrap = ctx.wrap_socket

    def counting_wrap(*a, **kw):
        s = wrap(*a, **kw)
        handshakes[0] += 1
        return s
    ctx.wrap_socket = counting_wrap

    hosts = args.hosts.split(",")
    ks = "ks_live_" + args.name

    def connect():
        profile = ExecutionProfile(load_balancing_policy=RoundRobinPolicy(), request_timeout=20,
                                   consistency_level=ConsistencyLevel.ALL)
        cluster = Cluster(contact_points=hosts, port=args.port, ssl_context=ctx,
                          execution_profiles={EXEC_PROFILE_DEFAULT: profile},
                          connect_timeout=20, control_connection_timeout=20, protocol_version=5)
        return cluster, cluster.connect()

    cluster, session = connect()
    session.execute("CREATE KEYSPACE IF NOT EXISTS %s WITH replication = "
                    "{'class': 'SimpleStrategy', 'replication_factor': 2}" % ks)
    session.execute("CREATE TABLE IF NOT EXISTS %s.t (id uuid PRIMARY KEY, v text)" % ks)

    def one_request(sess, counts):
        """One CL=ALL write and read back; counts[0] requests, counts[1] failures."""
        row_id = uuid.uuid4()
        counts[0] += 1
        try:
            sess.execute("INSERT INTO %s.t (id, v) VALUES (%%s, %%s)" % ks, (row_id, "live"))
            rows = list(sess.execute("SELECT v FROM %s.t WHERE id = %%s" % ks, (row_id,)))
            if len(rows) != 1 or rows[0].v != "live":
                raise RuntimeError("read back %r" % (rows,))
        except Exception as e:  # every failure counts and is shown
            counts[1] += 1
            print("FAILED request %d: %s: %s" % (counts[0], type(e).__name__, e), flush=True)

    stage_file = os.path.join(args.control, "stage")
    ack_file = os.path.join(args.control, args.name + ".ack")
    stage, counts, base_hs = "start", [0, 0], 0
    total = [0, 0]
    with open(ack_file + ".tmp", "w") as f:
        f.write("start\n")
    os.replace(ack_file + ".tmp", ack_file)
    while True:
        try:
            with open(stage_file, encoding="utf-8") as f:
                wanted = f.read().strip()
        except FileNotFoundError:
            wanted = "start"
        if wanted != stage:
            print("STAGE %s %s: requests %d failed %d handshakes %d" %
                  (args.name, stage, counts[0], counts[1], handshakes[0] - base_hs), flush=True)
            total[0] += counts[0]
            total[1] += counts[1]
            if wanted == "stop":
                break
            stage, counts, base_hs = wanted, [0, 0], handshakes[0]
            try:
                ctx.reload()
            except Exception as e:  # e.g. a half-written store: the last good material stays
                print("RELOAD FAILED (the last good material stays in use): %s: %s" % (type(e).__name__, e),
                      flush=True)
            try:
                new_cluster, new_session = connect()
            except Exception as e:  # a fresh session the nodes refuse is a failure
                counts[0] += 1
                counts[1] += 1
                print("FAILED request %d: a fresh session: %s: %s" % (counts[0], type(e).__name__, e),
                      flush=True)
            else:
                one_request(new_session, counts)
                cluster.shutdown()
                cluster, session = new_cluster, new_session
            with open(ack_file + ".tmp", "w") as f:
                f.write(stage + "\n")
            os.replace(ack_file + ".tmp", ack_file)
            continue
        one_request(session, counts)
        time.sleep(0.01)
    cluster.shutdown()
    print("TOTAL %s: requests %d failed %d handshakes %d" % (args.name, total[0], total[1], handshakes[0]),
          flush=True)
    return 0 if total[1] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
