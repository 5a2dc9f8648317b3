#!/usr/bin/env bash
# Runs one Apache Cassandra 5.0 node from Maven Central's jars, for tests.
#
#   cassandra.sh resolve WORK [server|driver]
#       Resolves org.apache.cassandra:cassandra-all (pom-server.xml, default)
#       or the DataStax Java driver (pom-driver.xml) with Maven into the local
#       Maven repository (CERTKIT_MAVEN_REPO, default ~/.m2/repository, or
#       WORK/m2 when HOME is not writable) and
#       writes the classpath to WORK/server.cp or WORK/driver.cp. Maven's own
#       error decides what a failure means: when it got no answer from the
#       repository (refused, no such host, timed out) and the jars are not
#       cached, exits 77 (skip) with the reason, unless CERTKIT_REQUIRE_MAVEN=1
#       (CI), where that is a failure; when the repository answered (an
#       artifact missing, say) it is always a failure. CERTKIT_MAVEN_CENTRAL_URL
#       replaces Maven Central (as the mirror of every repository).
#   cassandra.sh start WORK NAME STORE_TYPE KEYSTORE TRUSTSTORE PASSWORD_FILE
#                [SERVER_KEYSTORE SERVER_TRUSTSTORE]
#       Starts a node in WORK/NAME (data, generated cassandra.yaml, log) on
#       127.0.0.1 with random free ports, client_encryption_options enabled
#       with require_client_auth: true and the given stores (STORE_TYPE JKS or
#       PKCS12; the password is read from PASSWORD_FILE). Internode encryption
#       uses SERVER_KEYSTORE/SERVER_TRUSTSTORE (default: the client-facing
#       ones). Waits (bounded by CASSANDRA_START_TIMEOUT, default 180 s) until
#       the native port accepts connections and prints its port; on failure
#       prints the log tail, stops the node and exits 1. WORK/NAME/pid,
#       WORK/NAME/native_port and WORK/NAME/storage_port are written.
#       CASSANDRA_JVM_OPTS adds JVM options (split on spaces). For a
#       multi-node cluster (live_rotation.sh): CASSANDRA_ADDRESS (listen and
#       rpc address, default 127.0.0.1), CASSANDRA_STORAGE_PORT and
#       CASSANDRA_NATIVE_PORT (default: free ports), CASSANDRA_SEEDS
#       (default: this node), CASSANDRA_INITIAL_TOKEN and CASSANDRA_JMX_PORT
#       (local JMX for nodetool; WORK/NAME/jmx_port);
#       CASSANDRA_ENDPOINT_VERIFICATION=true sets server_encryption_options'
#       require_endpoint_verification (default false). CASSANDRA_EXTRA_YAML
#       is appended to cassandra.yaml (e.g. an authenticator).
#       CASSANDRA_KEEP_DATA=1 restarts a node that ran in WORK/NAME before
#       on its data and ports instead of starting afresh.
#   cassandra.sh stop WORK NAME
#       Stops the node by its PID (TERM, then KILL after 5 s: the data is
#       thrown away, a drain would only cost time).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
m2=${CERTKIT_MAVEN_REPO:-}

die() { echo "cassandra.sh: $*" >&2; exit 1; }

# free_port prints a TCP port on 127.0.0.1 that was free a moment ago.
free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# port_open PORT [ADDRESS]: true when something accepts TCP connections on ADDRESS:PORT.
port_open() { (exec 3<>"/dev/tcp/${2:-127.0.0.1}/$1") 2>/dev/null; }

# The repository Maven resolves from: Maven Central, or CERTKIT_MAVEN_CENTRAL_URL
# (tests point it at 127.0.0.1), which then mirrors every repository.
central=${CERTKIT_MAVEN_CENTRAL_URL:-https://repo.maven.apache.org/maven2/}

# maven_settings FILE: writes a settings.xml that makes $central the mirror of
# every repository (only with CERTKIT_MAVEN_CENTRAL_URL: otherwise Maven keeps
# the user's own settings and mirrors).
maven_settings() {
  printf '<settings><mirrors><mirror><id>certkit-test-mirror</id><mirrorOf>*</mirrorOf><url>%s</url></mirror></mirrors></settings>\n' \
    "$central" >"$1"
}

# The maven-dependency-plugin version that writes the classpath.
dependency_plugin=3.6.1

# What Maven logs when it got no answer at all: no connection, no name, a
# time-out.
net_errors='Connection refused|[Cc]onnect timed out|Read timed out|Name or service not known|Temporary failure in name resolution|No address associated with hostname|Network is unreachable|No route to host|UnknownHostException|NoRouteToHostException|Connection reset'

# maven_unreachable LOG: true when the failed resolution logged in LOG never
# got an answer from the repository, so the network is the cause; false when
# the repository answered (an artifact it does not have, a checksum mismatch,
# a TLS error): a real failure. Maven's own error decides, not a separate
# probe: a repository's root may answer 404 while it serves every artifact.
maven_unreachable() {
  grep -qE "$net_errors" "$1" && ! grep -qE 'status code: [0-9]|was not found in|Could not find artifact' "$1"
}

resolve_one() {  # resolve_one POM OUT
  local pom=$1 out=$2 log="$2.log" key
  # The classpath of an earlier run stands while the pom is unchanged and
  # its jars are still in the Maven repository.
  key="$(sha256sum "$pom" | cut -d' ' -f1) $m2"
  if [ -f "$out" ] && [ "$(cat "$out.key" 2>/dev/null)" = "$key" ] &&
     tr ':' '\n' <"$out" | while read -r jar || [ -n "$jar" ]; do [ -f "$jar" ] || exit 1; done; then
    return 0
  fi
  rm -f "$out" "$out.key"
  # The plugin by its full coordinates: a prefix ("dependency:") would hide
  # Maven's reason for a failure behind "No plugin found for prefix".
  local args=(-B -f "$pom" -Dmaven.repo.local="$m2"
              "org.apache.maven.plugins:maven-dependency-plugin:$dependency_plugin:build-classpath"
              -Dmdep.outputFile="$out" -Dmdep.includeScope=runtime)
  # Offline first: a warm cache needs no network.
  if mvn -o "${args[@]}" >"$log" 2>&1; then echo "$key" >"$out.key"; return 0; fi
  # Then the real resolution (-U: a failure Maven cached earlier is retried).
  if [ -n "${CERTKIT_MAVEN_CENTRAL_URL:-}" ]; then
    maven_settings "$out.settings.xml"
    args=(-s "$out.settings.xml" "${args[@]}")
  fi
  if mvn -U "${args[@]}" >"$log" 2>&1; then
    echo "$key" >"$out.key"
    return 0
  fi
  if maven_unreachable "$log"; then
    local why
    why=$(grep -m1 -oE "$net_errors" "$log")
    if [ "${CERTKIT_REQUIRE_MAVEN:-0}" = 1 ]; then
      tail -n 5 "$log" >&2
      die "Maven Central ($central) cannot be reached ($why) and CERTKIT_REQUIRE_MAVEN=1"
    fi
    echo "SKIP: Maven Central ($central) cannot be reached ($why) and $(basename "$pom")'s jars are not in $m2; the Cassandra tests need them"
    exit 77
  fi
  tail -n 30 "$log" >&2
  die "mvn could not resolve $(basename "$pom") from $central, which answered (log: $log)"
}

cmd_resolve() {
  local work=$1 what=${2:-server}
  mkdir -p "$work"
  # The Maven cache: ~/.m2/repository, or the work folder without a usable HOME.
  if [ -z "$m2" ]; then
    if [ -n "${HOME:-}" ] && [ -w "${HOME:-/nonexistent}" ]; then m2="$HOME/.m2/repository"; else m2="$work/m2"; fi
  fi
  command -v mvn >/dev/null || die "mvn not found (scripts/install-deps.sh installs maven)"
  case "$what" in
    server|driver) resolve_one "$here/pom-$what.xml" "$work/$what.cp" ;;
    *) die "resolve: server or driver, not $what" ;;
  esac
  echo "resolved $(tr ':' '\n' <"$work/$what.cp" | head -n1 | xargs basename) and its dependencies into $m2"
}

# The JPMS flags of Cassandra 5.0's conf/jvm17-server.options (plus its Netty
# properties); without them Cassandra fails on JDK 17.
JVM17_FLAGS=(
  -Djdk.attach.allowAttachSelf=true
  --add-exports java.base/jdk.internal.misc=ALL-UNNAMED
  --add-exports java.management.rmi/com.sun.jmx.remote.internal.rmi=ALL-UNNAMED
  --add-exports java.rmi/sun.rmi.registry=ALL-UNNAMED
  --add-exports java.rmi/sun.rmi.server=ALL-UNNAMED
  --add-exports java.sql/java.sql=ALL-UNNAMED
  --add-exports java.base/java.lang.ref=ALL-UNNAMED
  --add-exports jdk.unsupported/sun.misc=ALL-UNNAMED
  --add-exports jdk.compiler/com.sun.tools.javac.file=ALL-UNNAMED
  --add-exports jdk.attach/sun.tools.attach=ALL-UNNAMED
  --add-opens java.base/java.lang.module=ALL-UNNAMED
  --add-opens java.base/jdk.internal.loader=ALL-UNNAMED
  --add-opens java.base/jdk.internal.ref=ALL-UNNAMED
  --add-opens java.base/jdk.internal.reflect=ALL-UNNAMED
  --add-opens java.base/jdk.internal.math=ALL-UNNAMED
  --add-opens java.base/jdk.internal.module=ALL-UNNAMED
  --add-opens java.base/jdk.internal.util.jar=ALL-UNNAMED
  --add-opens jdk.management/com.sun.management.internal=ALL-UNNAMED
  --add-opens java.base/sun.nio.ch=ALL-UNNAMED
  --add-opens java.base/java.io=ALL-UNNAMED
  --add-opens java.base/java.lang.reflect=ALL-UNNAMED
  --add-opens jdk.compiler/com.sun.tools.javac=ALL-UNNAMED
  --add-opens java.base/java.lang=ALL-UNNAMED
  --add-opens java.base/java.util=ALL-UNNAMED
  -Dio.netty.tryReflectionSetAccessible=true
  -Dio.netty.allocator.useCacheForAllThreads=true
  -Dio.netty.allocator.maxOrder=11
)

write_yaml() {  # write_yaml DIR STORE_TYPE KS TS PASS SKS STS STORAGE NATIVE
  local dir=$1 type=$2 ks=$3 ts=$4 pass=$5 sks=$6 sts=$7 storage=$8 native=$9
  pass="'${pass//\'/\'\'}'"   # a YAML single-quoted scalar
  # The file holds the store password: readable by its owner only.
  (umask 077; : >"$dir/cassandra.yaml")
  cat >"$dir/cassandra.yaml" <<EOF
# Generated by tests/cassandra/cassandra.sh: one node on $addr.
cluster_name: certkit-test
num_tokens: 1
${CASSANDRA_INITIAL_TOKEN:+initial_token: $CASSANDRA_INITIAL_TOKEN}
partitioner: org.apache.cassandra.dht.Murmur3Partitioner
endpoint_snitch: SimpleSnitch
commitlog_sync: periodic
commitlog_sync_period: 10000ms
seed_provider:
  - class_name: org.apache.cassandra.locator.SimpleSeedProvider
    parameters:
      - seeds: "${CASSANDRA_SEEDS:-$addr:$storage}"
listen_address: $addr
rpc_address: $addr
storage_port: $storage
native_transport_port: $native
start_native_transport: true
auto_snapshot: false
server_encryption_options:
  internode_encryption: all
  optional: false
  keystore: $sks
  keystore_password: $pass
  truststore: $sts
  truststore_password: $pass
  store_type: $type
  require_client_auth: true
  require_endpoint_verification: ${CASSANDRA_ENDPOINT_VERIFICATION:-false}
client_encryption_options:
  enabled: true
  optional: false
  keystore: $ks
  keystore_password: $pass
  truststore: $ts
  truststore_password: $pass
  store_type: $type
  require_client_auth: true
${CASSANDRA_EXTRA_YAML:-}
EOF
  cat >"$dir/logback.xml" <<'EOF'
<configuration>
  <appender name="STDOUT" class="ch.qos.logback.core.ConsoleAppender">
    <encoder><pattern>%-5level [%thread] %date{ISO8601} %F:%L - %msg%n</pattern></encoder>
  </appender>
  <root level="INFO"><appender-ref ref="STDOUT"/></root>
</configuration>
EOF
}

stop_pid() {  # stop_pid DIR
  local dir=$1 pid
  [ -f "$dir/pid" ] || return 0
  pid=$(cat "$dir/pid")
  if kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 10); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
    kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null || true
  fi
  rm -f "$dir/pid"
}

cmd_start() {
  local work=$1 name=$2 type=$3 ks=$4 ts=$5 passfile=$6 sks=${7:-$4} sts=${8:-$5}
  local dir="$work/$name"
  [ -f "$work/server.cp" ] || die "$work/server.cp missing: run 'cassandra.sh resolve $work' first"
  for f in "$ks" "$ts" "$sks" "$sts" "$passfile"; do [ -f "$f" ] || die "$f not found"; done
  case ${CASSANDRA_ENDPOINT_VERIFICATION:-false} in
    true|false) ;;
    *) die "CASSANDRA_ENDPOINT_VERIFICATION must be true or false, not '$CASSANDRA_ENDPOINT_VERIFICATION'" ;;
  esac
  # cassandra.yaml needs absolute paths.
  ks=$(realpath "$ks"); ts=$(realpath "$ts"); sks=$(realpath "$sks"); sts=$(realpath "$sts")
  stop_pid "$dir"
  local keep=0
  if [ "${CASSANDRA_KEEP_DATA:-0}" = 1 ] && [ -d "$dir/data" ] && [ -f "$dir/native_port" ]; then
    keep=1
  else
    rm -rf "$dir"
    mkdir -p "$dir/data"
  fi
  local storage native pass jmx=${CASSANDRA_JMX_PORT:-} addr=${CASSANDRA_ADDRESS:-127.0.0.1}
  storage=${CASSANDRA_STORAGE_PORT:-$(free_port)}; native=${CASSANDRA_NATIVE_PORT:-$(free_port)}
  if [ $keep = 1 ]; then storage=$(cat "$dir/storage_port"); native=$(cat "$dir/native_port"); fi
  while [ "$native" = "$storage" ]; do native=$(free_port); done
  [ -n "$jmx" ] && echo "$jmx" >"$dir/jmx_port"
  pass=$(head -n1 "$passfile")
  write_yaml "$dir" "$type" "$ks" "$ts" "$pass" "$sks" "$sts" "$storage" "$native"
  echo "$storage" >"$dir/storage_port"
  echo "$native" >"$dir/native_port"

  # setsid and no inherited descriptors: the node outlives this script, and
  # ctest does not wait for it.
  setsid java -Xms512m -Xmx512m -Xss512k -XX:+UseSerialGC -XX:TieredStopAtLevel=1 \
    "${JVM17_FLAGS[@]}" \
    -Dcassandra-foreground=yes \
    -Dcassandra.config="file://$dir/cassandra.yaml" \
    -Dcassandra.storagedir="$dir/data" \
    -Dcassandra.logdir="$dir" \
    -Dlogback.configurationFile="$dir/logback.xml" \
    -Dcassandra.skip_wait_for_gossip_to_settle=0 \
    -Dcassandra.unsafesystem=true \
    ${jmx:+-Dcassandra.jmx.local.port=$jmx} \
    ${CASSANDRA_JVM_OPTS:-} \
    -cp "$(cat "$work/server.cp")" org.apache.cassandra.service.CassandraDaemon \
    </dev/null >"$dir/cassandra.log" 2>&1 &
  local pid=$!
  echo "$pid" >"$dir/pid"
  # Interrupted before the node is up: stop it (the PID file says which).
  trap 'stop_pid "$dir"; exit 1' INT TERM HUP

  local timeout=${CASSANDRA_START_TIMEOUT:-180} waited=0
  while ! port_open "$native" "$addr"; do
    if ! kill -0 "$pid" 2>/dev/null; then
      echo "cassandra.sh: Cassandra ($name) exited during startup; log tail:" >&2
      tail -n 60 "$dir/cassandra.log" >&2
      rm -f "$dir/pid"
      exit 1
    fi
    if [ "$waited" -ge "$timeout" ]; then
      echo "cassandra.sh: Cassandra ($name) did not open $addr:$native within ${timeout}s; log tail:" >&2
      tail -n 60 "$dir/cassandra.log" >&2
      stop_pid "$dir"
      exit 1
    fi
    sleep 1; waited=$((waited + 1))
  done
  trap - INT TERM HUP
  echo "Cassandra ($name, $type stores) is up on $addr:$native (pid $pid, ${waited}s)"
}

cmd_stop() {
  stop_pid "$1/$2"
  echo "Cassandra ($2) stopped"
}

case "${1:-}" in
  resolve) shift; [ $# -ge 1 ] || die "usage: cassandra.sh resolve WORK [server|driver]"; cmd_resolve "$@" ;;
  start) shift; [ $# -ge 6 ] || die "usage: cassandra.sh start WORK NAME STORE_TYPE KEYSTORE TRUSTSTORE PASSWORD_FILE [SERVER_KEYSTORE SERVER_TRUSTSTORE]"; cmd_start "$@" ;;
  stop) shift; [ $# -eq 2 ] || die "usage: cassandra.sh stop WORK NAME"; cmd_stop "$@" ;;
  *) die "usage: cassandra.sh resolve|start|stop ..." ;;
esac
