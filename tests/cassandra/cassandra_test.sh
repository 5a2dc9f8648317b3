#!/usr/bin/env bash
# The steps of the Cassandra tests (registered with ctest in CMakeLists.txt):
# a real Apache Cassandra 5.0 node with certkit's key stores and three real
# drivers (Python cassandra-driver, gocql, DataStax Java driver) over mutual
# TLS.
#
#   cassandra_test.sh WORK CERTKIT LIBCERTKIT STEP [ARGS...]
#
# WORK is the scratch folder in the build tree, CERTKIT the certkit binary,
# LIBCERTKIT libcertkit.so (the Python and Go bindings use it). The Python
# client's context is certkit.ssl_context(), the Go client's *tls.Config
# certkit.ClientTLSConfig(): both check the node's chain and identity with
# certkit's verifier. Steps:
#   resolve                 Maven: Cassandra (skip 77 offline; java-build: the driver)
#   pki                     certkit: CA, node and client stores; a second CA
#   python-env | go-build | java-build   the three clients
#   start jks|p12 / stop jks|p12         the node with JKS or PKCS#12 stores
#   client python|go|java jks|p12|pem    CREATE/INSERT/SELECT over mutual TLS
#                           (pem: Python and Go from PEM files, on the JKS node)
#   refuse no-client-cert|other-ca|wrong-address   each client must be refused
#   ed25519 openssl|jdk     does Cassandra serve with an Ed25519 node key?
#   spiffe                  MutualTlsAuthenticator + SpiffeCertificateValidator:
#                           passwordless clients mapped to roles by certkit's CQL
#   offline-skip            without Maven Central the tests skip with the reason
#   registry-answers        a repository that answers 404 at its root is reachable
# Exit 0 pass, 1 fail, 77 skip (Maven Central unreachable; see resolve).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/../.." && pwd)
[ $# -ge 4 ] || { echo "usage: cassandra_test.sh WORK CERTKIT LIBCERTKIT STEP [ARGS...]" >&2; exit 2; }
work=$1 certkit=$2 libcertkit=$3 step=$4
shift 4
mkdir -p "$work"
work=$(cd "$work" && pwd)
pki="$work/pki"
passfile="$pki/storepass"

fail() { echo "FAIL: $*" >&2; exit 1; }

# A skipped resolve step leaves its reason here; every later step skips too.
# (resolve and java-build, which resolve with Maven, find out for themselves.)
if [ "$step" = resolve ]; then rm -f "$work/skip"; fi
case "$step" in resolve|java-build|offline-skip|registry-answers) ;; *)
  if [ -f "$work/skip" ]; then
    cat "$work/skip"
    exit 77
  fi ;;
esac

go_bin() {
  local go
  go=$(command -v go || true)
  [ -z "$go" ] && [ -x /usr/lib/go/bin/go ] && go=/usr/lib/go/bin/go
  [ -n "$go" ] || fail "no go toolchain (scripts/install-deps.sh installs golang-go)"
  echo "$go"
}

step_resolve() {  # step_resolve server|driver
  local out rc=0
  out=$("$here/cassandra.sh" resolve "$work" "$1") || rc=$?
  echo "$out"
  if [ $rc -eq 77 ]; then echo "$out" | grep '^SKIP' >"$work/skip"; fi
  return $rc
}

# The client key stores (alias = user) for Java clients: certkit's own when
# `cluster init` wrote them, else built with `certkit keystore convert` from
# the client's PEM key and certificate.
client_stores() {  # client_stores CLIENT_DIR USER
  local dir=$1 user=$2 fmt
  for fmt in jks p12; do
    [ -f "$dir/keystore.$fmt" ] && continue
    local bundle="$dir/.bundle.pem"
    (umask 077; cat "$dir/client.$user.key" "$dir/client.$user.crt" "$dir/ca.crt" >"$bundle")
    "$certkit" keystore convert "$bundle" --out "$dir/keystore.$fmt" --storepass "file:$passfile" >/dev/null
    rm -f "$bundle"
  done
}

step_pki() {
  rm -rf "$pki"
  mkdir -p "$pki"
  (umask 077; head -c 18 /dev/urandom | base64 | tr -d '/+=' >"$passfile")
  # The cluster: node 127.0.0.1 (JKS and PKCS#12 key stores, trust stores) and client "app".
  "$certkit" cluster init --nodes 127.0.0.1 --clients app --out "$pki/main" \
    --storepass "file:$passfile" --quiet
  client_stores "$pki/main/clients/app" app
  # Another cluster's CA with its own client "app": Cassandra must refuse it.
  "$certkit" cluster init --nodes 127.0.0.1 --clients app --out "$pki/other" \
    --storepass "file:$passfile" --quiet
  client_stores "$pki/other/clients/app" app
  # An Ed25519 node key from the main CA.
  "$certkit" node --ca-cert "$pki/main/ca.crt" --ca-key "$pki/main/ca-private/ca.key" \
    --host 127.0.0.1 --key-type ed25519 --out "$pki/ed25519" --format pem,jks --storepass "file:$passfile" >/dev/null
  "$certkit" keystore list "$pki/main/nodes/127.0.0.1/keystore.p12" --storepass "file:$passfile"
  "$certkit" keystore list "$pki/main/clients/app/keystore.jks" --storepass "file:$passfile"
}

step_python_env() {
  local venv="$work/venv" key
  key=$(cat "$here/requirements.txt" | sha256sum)
  if [ -x "$venv/bin/python" ] && [ "$(cat "$venv/.requirements" 2>/dev/null)" = "$key" ]; then
    echo "reusing $venv"
    return 0
  fi
  rm -rf "$venv"
  python3 -m venv "$venv" || fail "python3 -m venv failed (Debian: python3-venv, installed by scripts/install-deps.sh)"
  # Pure Python is enough for the test and saves compiling the C extensions.
  CASS_DRIVER_NO_CYTHON=1 CASS_DRIVER_NO_EXTENSIONS=1 \
    "$venv/bin/pip" install -q --disable-pip-version-check -r "$here/requirements.txt" ||
    fail "pip could not install $(tr '\n' ' ' <"$here/requirements.txt")from PyPI"
  "$venv/bin/python" -c 'import cassandra; print("cassandra-driver", cassandra.__version__)'
  echo "$key" >"$venv/.requirements"
}

step_go_build() {
  local go lib
  go=$(go_bin)
  lib=$(dirname "$libcertkit")
  export GOFLAGS="${GOFLAGS:-} -mod=mod" GOTOOLCHAIN=local CGO_ENABLED=1
  # The binding (go.mod replaces it with ../../../bindings/go) links this
  # build's libcertkit.so, found at run time through the RUNPATH.
  export CGO_CFLAGS="-I$src/include ${CGO_CFLAGS:-}"
  export CGO_LDFLAGS="-L$lib -Wl,-rpath,$lib -lcertkit ${CGO_LDFLAGS:-}"
  # Keep the Go caches out of a missing or read-only HOME.
  if [ -z "${HOME:-}" ] || [ ! -w "${HOME:-/nonexistent}" ]; then
    export GOCACHE="${GOCACHE:-$work/go/cache}" GOPATH="${GOPATH:-$work/go/path}"
  fi
  (cd "$here/goclient" && "$go" build -tags certkit_nopkgconfig -o "$work/goclient" .)
  echo "built $work/goclient with $("$go" version)"
}

step_java_build() {
  step_resolve driver
  rm -rf "$work/java"
  mkdir -p "$work/java"
  javac -nowarn -d "$work/java" -cp "$(cat "$work/driver.cp")" "$here/JavaClient.java"
  echo "compiled JavaClient against $(tr ':' '\n' <"$work/driver.cp" | grep -o 'java-driver-core-[^/]*\.jar')"
}

node_dir() { echo "$pki/main/nodes/127.0.0.1"; }

step_start() {
  local type=$1 ext
  case "$type" in jks) ext=jks ;; p12) ext=p12 ;; *) fail "store type $type: jks or p12" ;; esac
  local store_type=JKS
  [ "$type" = p12 ] && store_type=PKCS12
  "$here/cassandra.sh" start "$work" "$type" "$store_type" "$(node_dir)/keystore.$ext" \
    "$pki/main/truststore.$ext" "$passfile"
}

step_stop() { "$here/cassandra.sh" stop "$work" "$1"; }

# run_client LANG NODE CLIENT_DIR|none EXPECT_IP KEYSPACE MATERIAL
# Runs one client against node NODE with the client's key store and the
# trust store of type MATERIAL (jks, p12) or its PEM files (pem: Python and
# Go); CLIENT_DIR none: no client certificate. Prints the client's output;
# returns its exit code.
run_client() {
  local lang=$1 node=$2 cdir=$3 expect=$4 ks=$5 material=$6 port
  [ -f "$work/$node/native_port" ] || fail "Cassandra ($node) is not running (its start step failed?)"
  port=$(cat "$work/$node/native_port")
  local args=(--port "$port" --expect-ip "$expect" --keyspace "$ks")
  if [ "$material" = pem ]; then
    [ "$lang" != java ] || fail "the Java client takes key stores, not PEM"
    args+=(--ca "$pki/main/ca.crt")
    [ "$cdir" = none ] || args+=(--cert "$cdir/client.app.crt" --key "$cdir/client.app.key")
  else
    args+=(--truststore "$pki/main/truststore.$material" --storepass-file "$passfile")
    [ "$cdir" = none ] || args+=(--keystore "$cdir/keystore.$material")
  fi
  case "$lang" in
    python)
      CERTKIT_LIBRARY="$libcertkit" PYTHONPATH="$src/bindings/python" \
        timeout 120 "$work/venv/bin/python" -W ignore "$here/client.py" "${args[@]}" 2>&1 ;;
    go)
      # Go's flag package takes --name as -name.
      timeout 120 "$work/goclient" "${args[@]}" 2>/dev/null ;;
    java)
      timeout 120 java -XX:TieredStopAtLevel=1 -XX:+UseSerialGC \
        -cp "$(cat "$work/driver.cp"):$work/java" JavaClient "${args[@]}" 2>&1 | grep -v '^SLF4J' ;;
    *) fail "client $lang: python, go or java" ;;
  esac
}

step_client() {  # step_client LANG jks|p12|pem (pem runs on the JKS node)
  local lang=$1 material=$2 node=$2 out rc=0
  [ "$material" = pem ] && node=jks
  out=$(run_client "$lang" "$node" "$pki/main/clients/app" 127.0.0.1 "ks_${lang}_$material" "$material") || rc=$?
  echo "$out"
  [ $rc -eq 0 ] || fail "$lang client over mutual TLS with certkit's $material files (exit $rc)"
  echo "$out" | grep -q "^OK $lang:" || fail "$lang client did not report OK"
}

# expect_refused LANG PATTERN ARGS...: the client must fail, with PATTERN (an
# extended regex, case-insensitive) in its reason.
expect_refused() {
  local lang=$1 pattern=$2 out rc=0
  shift 2
  out=$(run_client "$lang" "$@") || rc=$?
  echo "$lang: $out"
  [ $rc -ne 0 ] || fail "$lang client was accepted"
  echo "$out" | grep -q '^REFUSED: ' || fail "$lang client failed but not with a refusal"
  echo "$out" | grep -qiE "$pattern" || fail "$lang client's refusal does not match /$pattern/"
}

step_refuse() {
  local case=$1 lang
  # The refusal must come from the TLS layer: the same clients with the
  # cluster's own client certificate and the right address pass (client jks).
  case "$case" in
    no-client-cert)
      # TLS 1.3: the server's alert arrives after the client's Finished;
      # Python's ssl reports the closed connection, Go and Java the alert.
      # gocql (v1.7.0 conn.go:411) races two goroutines on that alert: the
      # reader closes the connection, and when that wins, startup reports
      # "no response to connection startup within timeout" at once (the
      # refusal, not its 20 s time-out: the test then takes well under a
      # second) instead of the alert.
      expect_refused python 'SSLEOFError|alert certificate required' jks none 127.0.0.1 ks_refused jks
      local t0=$SECONDS
      expect_refused go 'tls: certificate required|no response to connection startup within timeout' \
        jks none 127.0.0.1 ks_refused jks
      [ $((SECONDS - t0)) -lt 10 ] || fail "go client took $((SECONDS - t0)) s: a time-out, not a refusal"
      expect_refused java 'Received fatal alert: certificate_required' jks none 127.0.0.1 ks_refused jks ;;
    other-ca)
      # Cassandra's TLS engine (netty-tcnative) answers a client certificate
      # its trust store does not anchor with an internal_error alert. Java's
      # key manager offers only a certificate issued by a CA the server names
      # in its CertificateRequest; the other CA's subject differs (each
      # cluster CA's default subject carries a unique id), so JSSE sends none
      # and the server refuses with certificate_required.
      expect_refused python 'SSLEOFError|alert internal error' \
        jks "$pki/other/clients/app" 127.0.0.1 ks_refused jks
      expect_refused go 'remote error: tls: internal error' \
        jks "$pki/other/clients/app" 127.0.0.1 ks_refused jks
      expect_refused java 'Received fatal alert: (internal_error|certificate_required)' \
        jks "$pki/other/clients/app" 127.0.0.1 ks_refused jks ;;
    wrong-address)
      # The node certificate names IP 127.0.0.1; the clients expect 127.0.0.2.
      # Python and Go: certkit's verifier and its reason; Java: JSSE's.
      expect_refused python 'IdentityMismatchError.*identity_mismatch: certificate CN=127\.0\.0\.1 does not name IP address 127\.0\.0\.2' \
        jks "$pki/main/clients/app" 127.0.0.2 ks_refused jks
      expect_refused go 'certkit: identity_mismatch: certificate CN=127\.0\.0\.1 does not name IP address 127\.0\.0\.2' \
        jks "$pki/main/clients/app" 127.0.0.2 ks_refused jks
      expect_refused java 'No subject alternative names matching IP address 127\.0\.0\.2' \
        jks "$pki/main/clients/app" 127.0.0.2 ks_refused jks ;;
    *) fail "refuse case $case: no-client-cert, other-ca or wrong-address" ;;
  esac
}

# Without Maven Central and with an empty Maven repository, resolve skips
# (77) with the reason; with CERTKIT_REQUIRE_MAVEN=1 it fails instead. The
# "repository" is a closed port on 127.0.0.1, so Maven gets no answer.
step_offline_skip() {
  local tmp="$work/offline" out rc=0
  rm -rf "$tmp"
  mkdir -p "$tmp/m2"
  export CERTKIT_MAVEN_REPO="$tmp/m2" CERTKIT_MAVEN_CENTRAL_URL="http://127.0.0.1:$(closed_port)/maven2/"
  out=$(CERTKIT_REQUIRE_MAVEN=0 "$here/cassandra.sh" resolve "$tmp" server 2>&1) || rc=$?
  echo "$out"
  [ $rc -eq 77 ] || fail "offline resolve exited $rc, not 77"
  echo "$out" | grep -qF "SKIP: Maven Central ($CERTKIT_MAVEN_CENTRAL_URL) cannot be reached (Connection refused)" ||
    fail "offline resolve gave no SKIP reason"
  rc=0
  out=$(CERTKIT_REQUIRE_MAVEN=1 "$here/cassandra.sh" resolve "$tmp" server 2>&1) || rc=$?
  echo "$out"
  [ $rc -eq 1 ] || fail "offline resolve with CERTKIT_REQUIRE_MAVEN=1 exited $rc, not 1"
  echo "$out" | grep -q 'cannot be reached (Connection refused) and CERTKIT_REQUIRE_MAVEN=1' || fail "no reason given"
  rm -rf "$tmp"
}

# closed_port: a port on 127.0.0.1 that nothing listens on (bound, then closed).
closed_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# A repository that answers, but 404 at its root (as Maven Central does) and
# for every artifact but cassandra-all's metadata: that is a reachable
# repository, so resolve must fail with Maven's reason (even without
# CERTKIT_REQUIRE_MAVEN), never skip as if offline, and Maven must really
# have asked it.
step_registry_answers() {
  local tmp="$work/answers" out rc=0 pid port
  rm -rf "$tmp"
  mkdir -p "$tmp/m2" "$tmp/repo/maven2/org/apache/cassandra/cassandra-all"
  cat >"$tmp/repo/maven2/org/apache/cassandra/cassandra-all/maven-metadata.xml" <<'XML'
<?xml version="1.0" encoding="UTF-8"?>
<metadata><groupId>org.apache.cassandra</groupId><artifactId>cassandra-all</artifactId>
<versioning><latest>5.0.9</latest><release>5.0.9</release><versions><version>5.0.9</version></versions></versioning></metadata>
XML
  coproc stub { exec python3 "$here/repo_stub.py" "$tmp/repo" "$tmp/requests.log"; }
  pid=$stub_PID
  trap "kill $pid 2>/dev/null || true" EXIT
  read -r -t 10 port <&"${stub[0]}" || fail "repo_stub.py did not start"
  # The stub's own answers, as a client sees them.
  [ "$(curl_code "http://127.0.0.1:$port/maven2/")" = 404 ] || fail "the stub's root does not answer 404"
  [ "$(curl_code "http://127.0.0.1:$port/maven2/org/apache/cassandra/cassandra-all/maven-metadata.xml")" = 200 ] ||
    fail "the stub does not serve the metadata"
  export CERTKIT_MAVEN_REPO="$tmp/m2" CERTKIT_MAVEN_CENTRAL_URL="http://127.0.0.1:$port/maven2/"
  out=$(CERTKIT_REQUIRE_MAVEN=0 "$here/cassandra.sh" resolve "$tmp" server 2>&1) || rc=$?
  echo "$out" | tail -n 5
  [ $rc -eq 1 ] || fail "resolve against a repository that answers exited $rc, not 1"
  echo "$out" | grep -q 'cannot be reached' && fail "a repository that answers was called unreachable"
  echo "$out" | grep -qF "from $CERTKIT_MAVEN_CENTRAL_URL, which answered" || fail "resolve gave no reason"
  grep -q '^/maven2/' "$tmp/requests.log" || fail "Maven never asked the stub repository"
  echo "Maven asked the stub $(wc -l <"$tmp/requests.log") times; the failure was reported as an answer, not as unreachable"
  kill "$pid" 2>/dev/null || true
  trap - EXIT
  rm -rf "$tmp"
}

# curl_code URL: the HTTP status a GET of URL answers (Python: no curl needed).
curl_code() {
  python3 - "$1" <<'PY'
import sys, urllib.error, urllib.request
try:
    print(urllib.request.urlopen(sys.argv[1], timeout=10).status)
except urllib.error.HTTPError as e:
    print(e.code)
PY
}

# An Ed25519 node key in Cassandra's key store, with Cassandra's default TLS
# engine (openssl: netty-tcnative/BoringSSL, on the classpath) and with the
# JDK's (jdk: -Dcassandra.disable_tcactive_openssl=true).
#   openssl: Cassandra 5.0 loads the key and starts, but the engine finds no
#     key material for any authentication method it offers, so every
#     handshake fails. Recorded as a skip with that reason; should a future
#     Cassandra accept the key, the clients run and the test passes.
#   jdk: the JDK engine serves the Ed25519 key; the Python and Go clients
#     must pass.
step_ed25519() {  # step_ed25519 openssl|jdk
  local engine=$1 name="ed25519_$1" opts=""
  case "$engine" in
    openssl) ;;
    jdk) opts="-Dcassandra.disable_tcactive_openssl=true" ;;
    *) fail "engine $engine: openssl or jdk" ;;
  esac
  # Stop the node however the step ends (the trap runs after |name| is gone).
  trap "$(printf '%q ' "$here/cassandra.sh" stop "$work" "$name") >/dev/null 2>&1 || true" EXIT
  CASSANDRA_JVM_OPTS="$opts" "$here/cassandra.sh" start "$work" "$name" JKS \
    "$pki/ed25519/keystore.jks" "$pki/main/truststore.jks" "$passfile"
  local log="$work/$name/cassandra.log" lang out rc failed=0
  grep -q "encryption: encrypted($engine)" "$log" ||
    fail "the node does not report encryption: encrypted($engine) in $log"
  for lang in python go; do
    rc=0
    out=$(run_client "$lang" "$name" "$pki/main/clients/app" 127.0.0.1 "ks_ed25519_$lang" jks) || rc=$?
    echo "$lang: $out"
    [ $rc -eq 0 ] || failed=1
  done
  if [ $failed -eq 0 ]; then
    echo "Cassandra ($engine TLS engine) serves an Ed25519 node key"
    return 0
  fi
  local reason
  reason=$(grep -o 'Unable to find key material for auth method(s)[^]]*]' "$log" | head -n1 || true)
  if [ "$engine" = jdk ] || [ -z "$reason" ]; then
    tail -n 40 "$log" >&2
    fail "Ed25519 node key with the $engine engine: a client was refused"
  fi
  echo "SKIP: Cassandra 5.0's default TLS engine (netty-tcnative/BoringSSL) cannot use an Ed25519 node key: the node starts, but every TLS handshake fails (node log: \"$reason\"); use ec:p256 or rsa node keys, or the JDK engine (-Dcassandra.disable_tcactive_openssl=true)"
  return 77
}

# Cassandra 5.0's MutualTlsAuthenticator with its SpiffeCertificateValidator
# (docs/CASSANDRA_MTLS.md). A cluster issued with --spiffe-id; the node
# first runs PasswordAuthenticator so that the default superuser can run
# `certkit cluster identities --create-roles` (5.0 has no other way to make
# the first identity: MutualTlsAuthenticator admits only mapped ones), then
# restarts on the same data with MutualTlsAuthenticator and
# CassandraAuthorizer. The client "app" connects with its certificate and no
# password and is role app (SELECT granted: reads; MODIFY not: Unauthorized
# naming app); "intruder", from the same CA but with no identity mapped, is
# refused with Cassandra's reason naming its SPIFFE ID.
step_spiffe() {
  local t0=$SECONDS dir="$work/spiffe-pki" name=spiffe
  local tmpl='spiffe://cluster.example/cassandra/{role}'
  trap "$(printf '%q ' "$here/cassandra.sh" stop "$work" "$name") >/dev/null 2>&1 || true" EXIT
  rm -rf "$dir"
  "$certkit" cluster init --nodes 127.0.0.1 --clients app,admin --spiffe-id "$tmpl" --out "$dir" \
    --format pem,jks --storepass "file:$passfile" --quiet
  # Added later: the manifest's template applies.
  "$certkit" cluster add --dir "$dir" --clients intruder --storepass "file:$passfile" --quiet
  "$certkit" inspect "$dir/clients/intruder/client.intruder.crt" | grep -F 'URI:spiffe://cluster.example/cassandra/intruder' ||
    fail "cluster add did not issue the manifest's SPIFFE ID"
  # The roles and identities to create: app only (admin logs in by password,
  # intruder must stay unmapped).
  "$certkit" cluster identities --dir "$dir" --create-roles | grep "'app'" >"$work/spiffe.cql"
  cat "$work/spiffe.cql"
  [ "$(wc -l <"$work/spiffe.cql")" = 2 ] || fail "expected a CREATE ROLE and an ADD IDENTITY for app"
  local py=("$work/venv/bin/python" -W ignore "$here/mtls_client.py")
  export CERTKIT_LIBRARY="$libcertkit" PYTHONPATH="$src/bindings/python"
  local node=(start "$work" "$name" JKS "$dir/nodes/127.0.0.1/keystore.jks" "$dir/truststore.jks" "$passfile")
  local admin=(--ca "$dir/ca.crt" --cert "$dir/clients/admin/client.admin.crt" --key "$dir/clients/admin/client.admin.key")
  printf 'cassandra\n' >"$work/spiffe.superuser"
  CASSANDRA_JVM_OPTS="-Dcassandra.superuser_setup_delay_ms=0" CASSANDRA_EXTRA_YAML="$(printf '%s\n' \
    'authenticator: PasswordAuthenticator' 'authorizer: CassandraAuthorizer' 'role_manager: CassandraRoleManager')" \
    "$here/cassandra.sh" "${node[@]}"
  local port
  port=$(cat "$work/$name/native_port")
  timeout 120 "${py[@]}" setup --port "$port" "${admin[@]}" --user cassandra \
    --password-file "$work/spiffe.superuser" --cql "$work/spiffe.cql" --keyspace ks_spiffe --grant app ||
    fail "setting up roles and identities as the superuser"
  "$here/cassandra.sh" stop "$work" "$name"
  echo "password phase: $((SECONDS - t0)) s"
  CASSANDRA_KEEP_DATA=1 CASSANDRA_EXTRA_YAML="$(printf '%s\n' \
    'authenticator:' \
    '  class_name: org.apache.cassandra.auth.MutualTlsAuthenticator' \
    '  parameters:' \
    '    validator_class_name: org.apache.cassandra.auth.SpiffeCertificateValidator' \
    'authorizer: CassandraAuthorizer' 'role_manager: CassandraRoleManager')" \
    "$here/cassandra.sh" "${node[@]}"
  grep -q 'MutualTlsAuthenticator' "$work/$name/cassandra.yaml" || fail "the node does not run MutualTlsAuthenticator"
  timeout 120 "${py[@]}" check --port "$port" --ca "$dir/ca.crt" --cert "$dir/clients/app/client.app.crt" \
    --key "$dir/clients/app/client.app.key" --keyspace ks_spiffe --role app ||
    fail "client app over mutual TLS without a password"
  timeout 120 "${py[@]}" refused --port "$port" --ca "$dir/ca.crt" \
    --cert "$dir/clients/intruder/client.intruder.crt" --key "$dir/clients/intruder/client.intruder.key" \
    --expect "Certificate identity 'spiffe://cluster\\.example/cassandra/intruder' not authorized" ||
    fail "client intruder (unmapped SPIFFE ID) was not refused with Cassandra's reason"
  "$here/cassandra.sh" stop "$work" "$name"
  trap - EXIT
  echo "cassandra:spiffe took $((SECONDS - t0)) s"
}

case "$step" in
  resolve) step_resolve server ;;
  pki) step_pki ;;
  python-env) step_python_env ;;
  go-build) step_go_build ;;
  java-build) step_java_build ;;
  start) step_start "$@" ;;
  stop) step_stop "$@" ;;
  client) step_client "$@" ;;
  refuse) step_refuse "$@" ;;
  ed25519) step_ed25519 "$@" ;;
  spiffe) step_spiffe ;;
  offline-skip) step_offline_skip ;;
  registry-answers) step_registry_answers ;;
  *) fail "unknown step $step" ;;
esac
