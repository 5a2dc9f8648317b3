#!/usr/bin/env bash
# The live CA rotation test (issue 22): two Apache Cassandra 5.0 nodes
# (127.0.0.1 and 127.0.0.2, internode and client TLS, require_client_auth,
# not optional) on the stores of a `certkit cluster init` directory, an RF=2
# keyspace per client, and three clients that write and read at CL=ALL for
# the whole rotation:
#   python  cassandra-driver on certkit.ssl_context(); ctx.reload() per stage
#   go      gocql through certkit.NewDialer with TLSOptions.Reload
#   java    the DataStax Java driver 4.17 on the client's JKS stores; it
#           cannot reload stores, so it opens a fresh session per stage
# Each client also opens a fresh session after every stage (new handshakes
# with every node) and reports its requests, failures and handshakes per
# stage. The rotation runs new-ca, trust-both, reissue and retire-old, each
# with `rotate-ca --require-probe`, and `nodetool reloadssl` (cassandra-all's
# NodeTool over local JMX) on both nodes after each. Checked: 0 failed
# requests per client; after every stage nodetool status on each node shows
# both nodes Up/Normal and every client did a CL=ALL write on a fresh session; at the
# end every node serves its new-CA certificate (cluster status --probe) and a
# client with the old material is refused. Then the negative: a second
# rotation where 127.0.0.2 misses its reloadssl: `rotate-ca --require-probe`
# must refuse reissue, naming that node, and pass once it reloads.
# The nodes are named by DNS name plus IP (issue 25: `cluster init --nodes
# node1.cluster.test=127.0.0.1,...`; the names need not resolve) and
# 127.0.0.2 runs with internode require_endpoint_verification: true, which
# checks a peer's certificate against its IP address both ways: the node it
# dials, and (inbound) the address a connection comes from. Checked: each
# certificate carries DNS+IP SANs (openssl), both nodes are Up/Normal with
# verification on 127.0.0.2 through the whole rotation (rotate-ca's probes
# included), and 127.0.0.2 refuses an internode TLS connection made with
# node1's certificate from 127.0.0.3 while accepting it from 127.0.0.1.
# 127.0.0.1 runs without it: on one machine every connection to 127.0.0.1
# comes from 127.0.0.1 (Cassandra does not bind its outbound sockets, and
# the kernel picks 127.0.0.1 as the source), so 127.0.0.1 would check
# node2's certificate against 127.0.0.1 and refuse it, as it must (the JDK
# then says "Endpoint Identification Algorithm HTTPS is not supported on the
# server side", its message for a client certificate that does not match).
# On separate hosts a node's connections come from its own address.
#
#   live_rotation.sh WORK CERTKIT LIBCERTKIT
# WORK is the Cassandra tests' work folder (server.cp, driver.cp, venv from
# the resolve, java-build and python-env fixtures). Exit 0 pass, 1 fail,
# 77 skip (Maven Central unreachable, as the other Cassandra tests).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/../.." && pwd)
[ $# -ge 3 ] || { echo "usage: live_rotation.sh WORK CERTKIT LIBCERTKIT" >&2; exit 2; }
work=$(cd "$1" && pwd) certkit=$(realpath "$2") libcertkit=$(realpath "$3")
if [ -f "$work/skip" ]; then cat "$work/skip"; exit 77; fi
live="$work/live"
start_time=$(date +%s)

fail() { echo "FAIL: $*" >&2; exit 1; }
elapsed() { echo "$(( $(date +%s) - start_time ))s"; }
log() { echo "[$(elapsed)] $*"; }

pids=()
cleanup() {
  local p
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  "$here/cassandra.sh" stop "$live" node1 >/dev/null 2>&1 || true
  "$here/cassandra.sh" stop "$live" node2 >/dev/null 2>&1 || true
}
trap cleanup EXIT

# free_port_both: a TCP port free on 127.0.0.1 and 127.0.0.2 a moment ago.
free_port_both() {
  python3 -c '
import socket
while True:
    a = socket.socket(); a.bind(("127.0.0.1", 0)); p = a.getsockname()[1]
    try:
        b = socket.socket(); b.bind(("127.0.0.2", p)); b.close(); a.close(); print(p); break
    except OSError:
        a.close()'
}

rm -rf "$live"
mkdir -p "$live/control"
cp "$work/server.cp" "$live/server.cp"   # cassandra.sh start reads WORK/server.cp
pass="$live/storepass"
(umask 077; head -c 18 /dev/urandom | base64 | tr -d '/+=' >"$pass")
cluster="$live/cluster"

# The clients' builds (the go-build and java-build fixtures warmed the caches).
build_clients() {
  local go lib
  go=$(command -v go || echo /usr/lib/go/bin/go)
  lib=$(dirname "$libcertkit")
  if [ -z "${HOME:-}" ] || [ ! -w "${HOME:-/nonexistent}" ]; then
    export GOCACHE="${GOCACHE:-$work/go/cache}" GOPATH="${GOPATH:-$work/go/path}"
  fi
  (cd "$here/golive" &&
    GOFLAGS="${GOFLAGS:-} -mod=mod" GOTOOLCHAIN=local CGO_ENABLED=1 \
    CGO_CFLAGS="-I$src/include ${CGO_CFLAGS:-}" \
    CGO_LDFLAGS="-L$lib -Wl,-rpath,$lib -lcertkit ${CGO_LDFLAGS:-}" \
    "$go" build -tags certkit_nopkgconfig -o "$live/golive" .) || fail "go build of golive"
  mkdir -p "$live/java"
  javac -nowarn -d "$live/java" -cp "$(cat "$work/driver.cp")" "$here/LiveClient.java" || fail "javac LiveClient"
}
build_clients &
build_pid=$!

"$certkit" cluster init --nodes node1.cluster.test=127.0.0.1,node2.cluster.test=127.0.0.2 \
  --clients app --out "$cluster" --storepass "file:$pass" --quiet
# Each node certificate names the node by DNS name and by the IP address
# Cassandra's endpoint verification checks, and no other node's (openssl).
for n in 1 2; do
  crt="$cluster/nodes/node$n.cluster.test/node.crt"
  sans=$(openssl x509 -in "$crt" -noout -ext subjectAltName | tail -n +2 | sed 's/^ *//')
  [ "$sans" = "DNS:node$n.cluster.test, IP Address:127.0.0.$n" ] ||
    fail "node$n's certificate has the SANs '$sans', not its DNS name and IP"
  for id in "-verify_ip 127.0.0.$n" "-verify_hostname node$n.cluster.test"; do
    # shellcheck disable=SC2086
    openssl verify -CAfile "$cluster/ca.crt" -purpose sslserver $id "$crt" >/dev/null ||
      fail "openssl verify $id of node$n's certificate"
  done
  openssl verify -CAfile "$cluster/ca.crt" -purpose sslserver -verify_ip "127.0.0.$((3 - n))" "$crt" \
    >/dev/null 2>&1 && fail "node$n's certificate passes for the other node's address"
done
# The client's material before the rotation, for the refusal at the end.
cp -r "$cluster/clients/app" "$live/old-client"
cp "$cluster/truststore.jks" "$live/old-client/truststore.jks"

storage=$(free_port_both)
native=$(free_port_both)
while [ "$native" = "$storage" ]; do native=$(free_port_both); done
jmx1=$(free_port_both); jmx2=$(free_port_both)

# Both nodes are seeds (no bootstrap wait) and start at once.
start_node() {  # start_node N ADDRESS TOKEN JMX ENDPOINT_VERIFICATION
  CASSANDRA_ADDRESS=$2 CASSANDRA_STORAGE_PORT=$storage CASSANDRA_NATIVE_PORT=$native \
  CASSANDRA_SEEDS="127.0.0.1:$storage,127.0.0.2:$storage" CASSANDRA_INITIAL_TOKEN=$3 \
  CASSANDRA_JMX_PORT=$4 CASSANDRA_ENDPOINT_VERIFICATION=$5 \
    "$here/cassandra.sh" start "$live" "node$1" JKS "$cluster/nodes/node$1.cluster.test/keystore.jks" \
      "$cluster/truststore.jks" "$pass"
}
log "starting 127.0.0.1 and 127.0.0.2 (storage port $storage, native port $native)"
start_node 1 127.0.0.1 -9223372036854775808 "$jmx1" false >"$live/start1.log" 2>&1 &
s1=$!
start_node 2 127.0.0.2 0 "$jmx2" true >"$live/start2.log" 2>&1 &
s2=$!
ok=1
wait $s1 || ok=0
wait $s2 || ok=0
cat "$live/start1.log" "$live/start2.log"
[ $ok = 1 ] || fail "a node did not start"
wait $build_pid || fail "building the clients failed"

# nodetool: cassandra-all's NodeTool over local JMX, with the JDK 17 flags
# of Cassandra's conf/jvm17-clients.options and errors-only logging.
cat >"$live/logback-tools.xml" <<'EOF2'
<configuration>
  <appender name="STDERR" class="ch.qos.logback.core.ConsoleAppender"><target>System.err</target>
    <encoder><pattern>%-5level %msg%n</pattern></encoder></appender>
  <root level="ERROR"><appender-ref ref="STDERR"/></root>
</configuration>
EOF2
nodetool() {  # nodetool JMX_PORT ARGS...
  local port=$1
  shift
  timeout 60 java -Xmx128m -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Duser.home="$live" \
    --add-exports java.base/sun.nio.ch=ALL-UNNAMED --add-opens java.base/sun.nio.ch=ALL-UNNAMED \
    --add-exports java.base/jdk.internal.ref=ALL-UNNAMED --add-exports java.base/jdk.internal.misc=ALL-UNNAMED \
    --add-opens java.base/java.lang=ALL-UNNAMED --add-opens java.base/java.nio=ALL-UNNAMED \
    -Dlogback.configurationFile="$live/logback-tools.xml" \
    -cp "$(cat "$work/server.cp")" org.apache.cassandra.tools.NodeTool -h 127.0.0.1 -p "$port" "$@" 2>&1
}

# Wait until gossip shows both nodes Up/Normal, as each node sees it
# (bounded; the two nodetool runs in parallel).
both_up() {
  local out1 out2 p1 p2
  for _ in $(seq 1 30); do
    nodetool "$jmx1" status >"$live/status1.out" 2>&1 & p1=$!
    nodetool "$jmx2" status >"$live/status2.out" 2>&1 & p2=$!
    wait $p1 || true
    wait $p2 || true
    out1=$(cat "$live/status1.out") out2=$(cat "$live/status2.out")
    if echo "$out1" | grep -q '^UN *127\.0\.0\.1 ' && echo "$out1" | grep -q '^UN *127\.0\.0\.2 ' &&
       echo "$out2" | grep -q '^UN *127\.0\.0\.1 ' && echo "$out2" | grep -q '^UN *127\.0\.0\.2 '; then
      echo "$out1" | grep '^UN'
      return 0
    fi
    sleep 1
  done
  echo "$out1"
  echo "$out2"
  return 1
}
both_up || fail "gossip does not show both nodes up"
grep -qx '  require_endpoint_verification: true' "$live/node2/cassandra.yaml" ||
  fail "127.0.0.2 runs without internode require_endpoint_verification"
log "both nodes up, 127.0.0.2 with internode endpoint verification"

# Inbound endpoint verification: 127.0.0.2 checks a connecting node's
# certificate against the address it connects from. node1's certificate
# (IP 127.0.0.1) from 127.0.0.1 completes the TLS handshake and the
# connection stays open; from 127.0.0.3 the node refuses it with an alert.
internode_tls() {  # internode_tls SOURCE_IP: prints ACCEPTED or REFUSED: <why>
  python3 - "$1" "$storage" "$cluster" <<'PY'
import socket, ssl, sys
src, port, cluster = sys.argv[1], int(sys.argv[2]), sys.argv[3]
node = cluster + "/nodes/node1.cluster.test/"
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
ctx.load_verify_locations(cluster + "/ca.crt")
ctx.load_cert_chain(node + "node.crt", node + "node.key")
ctx.check_hostname = False  # the node's certificate is checked against its IP below
sock = socket.create_connection(("127.0.0.2", port), timeout=10, source_address=(src, 0))
try:
    tls = ctx.wrap_socket(sock)
    if "127.0.0.2" not in [v for k, v in tls.getpeercert().get("subjectAltName", ()) if k == "IP Address"]:
        print("127.0.0.2 served a certificate without IP 127.0.0.2"); sys.exit(1)
    tls.settimeout(3)
    data = tls.recv(1)  # node1 waits for the internode handshake: no data, or the refusal
    print("REFUSED: connection closed" if data == b"" else "ACCEPTED (data)")
except socket.timeout:
    print("ACCEPTED")
except (ssl.SSLError, ConnectionError) as e:
    print("REFUSED: %s" % e)
PY
}
out=$(internode_tls 127.0.0.1) || fail "internode TLS from 127.0.0.1: $out"
echo "node1's certificate from 127.0.0.1: $out"
[ "$out" = ACCEPTED ] || fail "127.0.0.2 refused node1's certificate from node1's own address: $out"
out=$(internode_tls 127.0.0.3) || fail "internode TLS from 127.0.0.3: $out"
echo "node1's certificate from 127.0.0.3: $out"
echo "$out" | grep -q '^REFUSED: .*alert' ||
  fail "127.0.0.2 did not refuse node1's certificate from 127.0.0.3 (require_endpoint_verification inbound): $out"
log "inbound endpoint verification: 127.0.0.2 refuses a node certificate used from another address"

# The clients.
ks="$cluster/clients/app/keystore.jks" ts="$cluster/clients/app/truststore.jks"
[ -f "$ts" ] || ts="$cluster/truststore.jks"
common=(--hosts 127.0.0.1,127.0.0.2 --port "$native" --keystore "$ks" --truststore "$ts"
        --storepass-file "$pass" --control "$live/control")
CERTKIT_LIBRARY="$libcertkit" PYTHONPATH="$src/bindings/python" \
  "$work/venv/bin/python" -W ignore "$here/live_client.py" "${common[@]}" --name python >"$live/python.log" 2>&1 &
pids+=($!); py_pid=$!
"$live/golive" -hosts 127.0.0.1,127.0.0.2 -port "$native" -keystore "$ks" -truststore "$ts" \
  -storepass-file "$pass" -control "$live/control" -name go >"$live/go.log" 2>&1 &
pids+=($!); go_pid=$!
java -Xmx256m -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -cp "$(cat "$work/driver.cp"):$live/java" LiveClient \
  "${common[@]}" --name java >"$live/java.log" 2>&1 &
pids+=($!); java_pid=$!
clients=(python go java)

# wait_acks STAGE: every client acknowledged STAGE (bounded: 120 s).
wait_acks() {
  local c
  for _ in $(seq 1 1200); do
    local all=1
    for c in "${clients[@]}"; do
      [ "$(cat "$live/control/$c.ack" 2>/dev/null)" = "$1" ] || all=0
    done
    [ $all = 1 ] && return 0
    for c in "$py_pid" "$go_pid" "$java_pid"; do
      kill -0 "$c" 2>/dev/null || { tail -n 20 "$live"/*.log >&2; fail "a client exited during stage $1"; }
    done
    sleep 0.1
  done
  tail -n 20 "$live"/python.log "$live"/go.log "$live"/java.log >&2
  fail "the clients did not acknowledge stage $1 within 120s"
}
wait_acks start
log "clients connected and writing"
sleep 1

signal() { echo "$1" >"$live/control/stage.tmp" && mv "$live/control/stage.tmp" "$live/control/stage"; }
probe=(--port "$native" --internode-port "$storage" --timeout 10)
rotate() {  # rotate STAGE
  "$certkit" cluster rotate-ca --dir "$cluster" --stage "$1" --require-probe "${probe[@]}" \
    --storepass "file:$pass" --quiet
}
reload_nodes() {  # reload_nodes JMX_PORT...
  local p rpids=()
  for p in "$@"; do nodetool "$p" reloadssl >"$live/reload.$p.log" & rpids+=($!); done
  for p in "${rpids[@]}"; do wait "$p" || { cat "$live"/reload.*.log >&2; fail "nodetool reloadssl failed"; }; done
}

ms() { echo $(( $(date +%s%N) / 1000000 )); }
for stage in new-ca trust-both reissue retire-old; do
  t0=$(ms)
  rotate "$stage" || fail "rotate-ca --stage $stage --require-probe refused"
  t1=$(ms)
  reload_nodes "$jmx1" "$jmx2"
  t2=$(ms)
  signal "$stage"  # the clients reconnect while nodetool checks gossip
  both_up >/dev/null || fail "after $stage: gossip does not show both nodes up"
  t3=$(ms)
  wait_acks "$stage"
  t4=$(ms)
  log "stage $stage: rotated, both nodes reloaded and Up/Normal, every client wrote at CL=ALL on a fresh session" \
    "(rotate-ca with probe $((t1 - t0)) ms, reloadssl $((t2 - t1)) ms, status $((t3 - t2)) ms, clients $((t4 - t3)) ms more)"
  sleep 1  # a little load between stages
done
# The client's key store half-written in place (as a non-atomic writer
# leaves it mid-write): the reload APIs must keep the last good material
# (Python: ctx.reload() raises, Go: OnReloadError) and fresh sessions still
# connect with it. Then the store is put back atomically.
cp "$ks" "$live/keystore.good"
truncate -s $(( $(stat -c %s "$ks") / 2 )) "$ks"
signal truncated
wait_acks truncated
grep -q '^RELOAD FAILED (the last good material stays in use): ' "$live/python.log" ||
  fail "python: ctx.reload() of a truncated key store did not fail"
grep -q '^reload error: ' "$live/go.log" || fail "go: no OnReloadError for the truncated key store"
cp "$live/keystore.good" "$ks.tmp" && mv "$ks.tmp" "$ks"
signal restored
wait_acks restored
log "a truncated key store: the reload failed, the clients kept the last good material and reconnected with it"
signal stop
rc=0
for p in "$py_pid" "$go_pid" "$java_pid"; do wait "$p" || rc=1; done
pids=()
for c in "${clients[@]}"; do
  grep -E '^(STAGE|TOTAL|FAILED)' "$live/$c.log" || true
done
[ $rc = 0 ] || { tail -n 30 "$live"/python.log "$live"/go.log "$live"/java.log >&2; fail "a client failed requests (see above)"; }
for c in "${clients[@]}"; do
  grep -q "^TOTAL $c: requests [1-9][0-9]* failed 0 " "$live/$c.log" || fail "$c: no total with 0 failed requests"
  stages="new-ca trust-both reissue retire-old truncated restored"
  [ $c = java ] && stages="new-ca trust-both reissue retire-old restored"
  for stage in $stages; do
    # Each stage: the fresh session's handshakes (one or more per node).
    grep -qE "^STAGE $c $stage: requests [1-9][0-9]* failed 0 handshakes ([2-9]|[1-9][0-9]+)$" "$live/$c.log" ||
      fail "$c: stage $stage without requests or without new handshakes with both nodes"
  done
done

# The end: every node serves its new-CA certificate on both ports and
# refuses the old CA's clients.
status=$("$certkit" cluster status --dir "$cluster" --probe "${probe[@]}" --json) ||
  { echo "$status"; fail "cluster status --probe reports a problem"; }
python3 - "$status" <<'PY' || fail "the nodes do not all serve the new CA's certificates"
import json, sys
s = json.loads(sys.argv[1])
active = [c for c in s["cas"] if c["state"] == "active"][0]["id"]
retired = [c["id"] for c in s["cas"] if c["state"] == "retired"]
assert retired, "no retired CA"
for n in s["nodes"]:
    assert n["disk"]["ca"]["id"] == active, n
    for port, p in n["served"].items():
        assert p["served"] and p["matches_disk"] and p["ca"]["id"] == active, (n["name"], port, p)
        acc = {a["ca"]["id"]: a["accepted"] for a in p["client_certificates"]}
        assert acc[active] is True and all(acc[r] is False for r in retired), (n["name"], port, acc)
        print("%s %s: serves serial %s from the new CA %s; accepts its clients, refuses the retired CA %s's"
              % (n["name"], port, p["serial"], active, ",".join(retired)))
PY
# A client with the old material (key store and trust store from before).
out=$(CERTKIT_LIBRARY="$libcertkit" PYTHONPATH="$src/bindings/python" timeout 120 \
  "$work/venv/bin/python" -W ignore "$here/client.py" --port "$native" --expect-ip 127.0.0.1 \
  --keyspace ks_old --keystore "$live/old-client/keystore.jks" --truststore "$live/old-client/truststore.jks" \
  --storepass-file "$pass" 2>&1) && fail "a client with the old CA's material was accepted: $out"
echo "old client: $out"
echo "$out" | grep -q '^REFUSED: .*certificate verify failed' || fail "the old client failed, but not by refusing the node"
# The old client certificate with the new trust store: now the node refuses
# it (Cassandra's TLS engine answers an unknown CA with an internal_error
# alert, or Python sees the connection closed; see step_refuse in
# cassandra_test.sh).
out=$(CERTKIT_LIBRARY="$libcertkit" PYTHONPATH="$src/bindings/python" timeout 120 \
  "$work/venv/bin/python" -W ignore "$here/client.py" --port "$native" --expect-ip 127.0.0.1 \
  --keyspace ks_old --keystore "$live/old-client/keystore.jks" --truststore "$ts" \
  --storepass-file "$pass" 2>&1) && fail "the old client certificate was accepted: $out"
echo "old client certificate: $out"
echo "$out" | grep -qE '^REFUSED: .*(SSLEOFError|alert internal error)' ||
  fail "the old client certificate failed, but not with the node's refusal"
log "rotation done: 0 failed requests; nodes and clients on the new CA; the old material is refused"

# The negative: a second rotation in which 127.0.0.2 misses its reload.
rotate new-ca >/dev/null || fail "second rotation: new-ca"
rotate trust-both >/dev/null || fail "second rotation: trust-both"
reload_nodes "$jmx1"
rc=0
out=$(rotate reissue 2>&1) || rc=$?
echo "$out"
[ $rc -ne 0 ] || fail "rotate-ca --require-probe ran reissue while 127.0.0.2 had not loaded trust-both"
echo "$out" | grep -q 'node node2\.cluster\.test client port 127\.0\.0\.2:[0-9]*.*does not accept client certificates from CA [0-9a-f]* (next)' ||
  fail "the refusal does not name node node2.cluster.test (127.0.0.2) and the CA it does not accept"
echo "$out" | grep -q 'node node1\.cluster\.test' && fail "the refusal names node1.cluster.test, which reloaded"
python3 -c 'import json,sys; m=json.load(open(sys.argv[1])); assert m["rotation"]=="trust-both", m["rotation"]' \
  "$cluster/manifest.json" || fail "the refused stage changed the manifest"
reload_nodes "$jmx2"
rotate reissue >/dev/null || fail "reissue still refused after 127.0.0.2 reloaded"
log "a lagging node blocks --require-probe by name; once it reloads the stage runs"
log "live rotation test passed in $(elapsed)"
