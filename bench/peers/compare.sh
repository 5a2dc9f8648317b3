#!/usr/bin/env bash
# Runs certkit's issuing benchmark and its peers doing the same work, in one
# run, and prints certkit ÷ each peer; the same for chain verification
# (bench_verify next to pyca/cryptography, Go crypto/x509 and openssl verify,
# on chains made with the certkit CLI); then the seed workflow (keytool +
# openssl processes) on a few nodes, `certkit cluster init` with 1000 P-256
# nodes against the KDF floor, and the KDF per-iteration costs.
#
# usage: bench/peers/compare.sh [BUILD_DIR] [SECONDS_PER_RUN]
#   BUILD_DIR defaults to build/ (needs the bench_issue, bench_verify,
#   bench_kdf, certkit and, for the handshake lines, bench_handshake targets). pyca/cryptography is installed into BUILD_DIR/peers-venv with
#   pip; the Go peers are built with the local Go toolchain. The verification
#   section also runs the openssl CLI (openssl ca makes its leaves).
#   CERTKIT_BENCH_OUT: the folder `cluster init` writes into (default: this
#   run's temporary folder). Its file system's age matters: on an ext4 that
#   has created and deleted millions of files, allocating an inode scans
#   past recently deleted ones and the system time of 6,000 new files can
#   grow tenfold; a freshly made ext4 shows what a first run on a node sees.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
build=$(cd "${1:-$root/build}" && pwd)
secs=${2:-3}
cores=$(nproc)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

venv=$build/peers-venv
if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q cryptography
fi
(cd "$here/go" && go build -o "$build/peers-issue-go" .)
(cd "$here/goverify" && go build -o "$build/peers-verify-go" .)

echo "== $(date -u '+%Y-%m-%d %H:%M UTC'), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//'), $cores cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "== pyca/cryptography $("$venv/bin/python" -c 'import cryptography; print(cryptography.__version__)'), $(go version | cut -d' ' -f3), $(openssl version | cut -d' ' -f1-2)"

# certkit: one run of the Google Benchmark program, read back as JSON.
# (batch_all_cores/* is per wall-clock second: left out on a shared machine.)
"$build/bench/core/bench_issue" --benchmark_min_time="${secs}" --benchmark_format=json \
  --benchmark_filter='^(issue|floor|batch|capi)/' \
  --benchmark_out="$work/issue.json" --benchmark_out_format=json > /dev/null
rate() {  # rate NAME -> certs_per_cpu_s of benchmark NAME
  python3 -c "import json,sys; d=json.load(open('$work/issue.json'));
print('%.0f' % [b['certs_per_cpu_s'] for b in d['benchmarks'] if b['name']==sys.argv[1]][0])" "$1"
}
printf '\n%-9s %12s %12s %12s %12s %9s %9s\n' "per core" "certkit" "floor" "pyca" "go" "ck/pyca" "ck/go"
for alg in p256 ed25519 rsa2048; do
  ck=$(rate "issue/$alg")
  fl=$(rate "floor/$alg")
  py=$("$venv/bin/python" "$here/issue_pyca.py" "$alg" "$secs" | awk '{print $2}')
  go=$("$build/peers-issue-go" "$alg" "$secs" | awk '{print $2}')
  printf '%-9s %12s %12s %12.0f %12.0f %9.2f %9.2f\n' "$alg" "$ck" "$fl" "$py" "$go" \
    "$(echo "$ck / $py" | bc -l)" "$(echo "$ck / $go" | bc -l)"
done
echo "(certificates per CPU-second, one thread: fresh key + signed node certificate + PEM;"
echo " floor = key generation + one raw signature with the linked BoringSSL)"
for alg in p256 ed25519 rsa2048; do
  printf 'capi/%s: %s certificates per CPU-second through the C ABI (libcertkit.so), %.2f x issue/%s\n' \
    "$alg" "$(rate "capi/$alg")" "$(echo "$(rate "capi/$alg") / $(rate "issue/$alg")" | bc -l)" "$alg"
done
for alg in p256 ed25519; do
  printf 'batch/%s: %s certificates per CPU-second through IssueBatch, %.2f x issue/%s\n' \
    "$alg" "$(rate "batch/$alg")" "$(echo "$(rate "batch/$alg") / $(rate "issue/$alg")" | bc -l)" "$alg"
done

# Chain verification, root -> intermediate (pathlen 0) -> TLS server leaf
# (DNS:node1.example.com, IP:10.0.0.5), every key of a chain of one type.
# certkit: BM_VerifyReusedStore of bench_verify (its own chain, made in
# process, same shape; one TrustStore for all calls) and BM_RawSignatureVerify
# (one EVP_DigestVerify; a chain needs two). The peers verify chains made here
# with the certkit CLI: pyca/cryptography's ServerVerifier and Go's
# Certificate.Verify (trust store/pools built once) in a loop; `openssl
# verify` checks $verify_leaves leaves in one process (the same leaf key and
# certkit's node-profile extensions, each leaf signed by the intermediate
# with `openssl ca`, so that they differ).
"$build/bench/verify/bench_verify" --benchmark_min_time="${secs}" --benchmark_format=json \
  --benchmark_filter='^BM_(VerifyReusedStore|RawSignatureVerify)/' \
  --benchmark_out="$work/verify.json" --benchmark_out_format=json > /dev/null
vrate() {  # vrate NAME COUNTER -> COUNTER of benchmark NAME (fails on a run that failed)
  python3 -c "import json,sys; d=json.load(open('$work/verify.json'));
b=[b for b in d['benchmarks'] if b['name']==sys.argv[1]][0]
assert not b.get('error_occurred'), sys.argv[1] + ': ' + b.get('error_message', 'failed')
print('%.0f' % b[sys.argv[2]])" "$1" "$2"
}
first_cert() { awk '/BEGIN CERTIFICATE/{n++} n==1' "$1"; }  # the first certificate of a PEM file
verify_leaves=2000
verify_chain() {  # verify_chain ALG KEY_TYPE: $work/verify/ALG/{root,ica,leaf}.pem and ca/out/*.pem
  local d=$work/verify/$1 ck=$build/cli/certkit
  mkdir -p "$d/ca/out"
  "$ck" ca create --out "$d/root" --subject "CN=Bench Root, O=certkit" --key-type "$2" > /dev/null 2> "$d/log"
  "$ck" ca intermediate --ca-cert "$d/root/ca.crt" --ca-key "$d/root/ca-private/ca.key" --pathlen 0 \
    --out "$d/ica" --subject "CN=Bench Intermediate, O=certkit" --key-type "$2" > /dev/null 2>> "$d/log"
  "$ck" node --ca-cert "$d/ica/ca.crt" --ca-key "$d/ica/ca-private/ca.key" --key-type "$2" \
    --host node1.example.com --host 10.0.0.5 --out "$d/node" > /dev/null
  first_cert "$d/root/ca.crt" > "$d/root.pem"
  first_cert "$d/ica/ca.crt" > "$d/ica.pem"
  first_cert "$d/node/node.crt" > "$d/leaf.pem"
  "$ck" csr --key "$d/node/node.key" --cn node1.example.com --host node1.example.com \
    --host 10.0.0.5 --out "$d/leaf.csr" > /dev/null
  touch "$d/ca/index.txt"
  echo 1000 > "$d/ca/serial"
  cat > "$d/ca/ca.cnf" <<CNF
[ca]
default_ca = leaves
[leaves]
database = $d/ca/index.txt
new_certs_dir = $d/ca/out
serial = $d/ca/serial
certificate = $d/ica.pem
private_key = $d/ica/ca-private/ca.key
default_md = default
default_days = 30
policy = cn_only
unique_subject = no
x509_extensions = node
[cn_only]
commonName = supplied
[node]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature
extendedKeyUsage = serverAuth,clientAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
subjectAltName = DNS:node1.example.com,IP:10.0.0.5
CNF
  local csrs=()
  for _ in $(seq "$verify_leaves"); do csrs+=("$d/leaf.csr"); done
  openssl ca -batch -notext -config "$d/ca/ca.cnf" -outdir "$d/ca/out" -infiles "${csrs[@]}" \
    > /dev/null 2> "$d/ca/log" || { cat "$d/ca/log" >&2; return 1; }
}
openssl_verify() {  # openssl_verify ALG -> verifications per CPU-second of `openssl verify` runs
  local d=$work/verify/$1 n=0 cpu=0 ok
  while :; do
    /usr/bin/time -f '%U %S' -o "$d/time" openssl verify -CAfile "$d/root.pem" -untrusted "$d/ica.pem" \
      -purpose sslserver -verify_hostname node1.example.com "$d"/ca/out/*.pem > "$d/verify.out"
    ok=$(grep -c ': OK$' "$d/verify.out")
    [ "$ok" -eq "$verify_leaves" ] || { echo "openssl verify: $ok of $verify_leaves leaves OK" >&2; return 1; }
    n=$((n + ok))
    cpu=$(python3 -c "u, s = open('$d/time').read().split()[-2:]; print($cpu + float(u) + float(s))") || return 1
    python3 -c "import sys; sys.exit($cpu < $secs)" && break
  done
  python3 -c "print('%.1f' % ($n / $cpu))"
}
printf '\n%-9s %12s %12s %12s %12s %12s %9s %9s %11s\n' "per core" "certkit" "2x raw floor" "pyca" "go" \
  "openssl" "ck/pyca" "ck/go" "ck/openssl"
for row in p256:ec:p256:0 ed25519:ed25519:2 rsa2048:rsa:2048:1; do  # ALG:CERTKIT_KEY_TYPE:BENCH_ARG
  alg=${row%%:*}; arg=${row##*:}; kt=${row#*:}; kt=${kt%:*}
  verify_chain "$alg" "$kt"
  ck=$(vrate "BM_VerifyReusedStore/key:$arg" verifications_per_cpu_s)
  raw=$(vrate "BM_RawSignatureVerify/key:$arg" signature_checks_per_cpu_s)
  fl=$((raw / 2))
  py=$("$venv/bin/python" "$here/verify_pyca.py" "$alg" "$secs" "$work/verify/$alg" | awk '{print $2}')
  go=$("$build/peers-verify-go" "$alg" "$secs" "$work/verify/$alg" | awk '{print $2}')
  ossl=$(openssl_verify "$alg")
  if [ "$py" = unsupported ]; then  # verify_pyca.py says so only when the library refuses Ed25519
    py_col=n/a ck_py=n/a
  else
    py_col=$(printf '%.0f' "$py") ck_py=$(printf '%.2f' "$(echo "$ck / $py" | bc -l)")
  fi
  printf '%-9s %12s %12s %12s %12.0f %12.0f %9s %9.2f %11.2f\n' "$alg" "$ck" "$fl" "$py_col" "$go" "$ossl" \
    "$ck_py" "$(echo "$ck / $go" | bc -l)" "$(echo "$ck / $ossl" | bc -l)"
done
echo "(chain verifications per CPU-second, one thread: root -> intermediate -> server leaf, one key type,"
echo " trust store prepared once, DNS name checked; certkit = Verify with a reused TrustStore;"
echo " 2x raw floor = half the rate of one EVP_DigestVerify, a chain has two signatures;"
echo " pyca = cryptography.x509.verification ServerVerifier.verify; go = crypto/x509 Certificate.Verify;"
echo " openssl = openssl verify -purpose sslserver -verify_hostname, $verify_leaves leaves in one process,"
echo " its start-up and the reading and parsing of the PEM files included; pyca n/a: its verifier forbids Ed25519 keys)"

# Handshakes: a server configured through certkit_openssl.h against plain
# OpenSSL loading the same PEM files (bench/tls/handshake_bench.cc).
if [ -x "$build/bench/tls/bench_handshake" ]; then
  echo
  "$build/bench/tls/bench_handshake" --benchmark_min_time="${secs}" 2>/dev/null | grep ' x handshake/'
fi

# KDF per iteration.
echo
"$build/bench/core/bench_kdf" --benchmark_min_time=1 --benchmark_format=json \
  --benchmark_out="$work/kdf.json" --benchmark_out_format=json | grep ' / '
ns() {
  python3 -c "import json,sys; d=json.load(open('$work/kdf.json'));
print([b['ns_per_iteration'] for b in d['benchmarks'] if b['name']==sys.argv[1]][0])" "$1"
}
two=$(ns floor/two_compressions)
one=$(ns floor/one_compression)

# The seed workflow on a few nodes, wall time per node.
seed_nodes=3
seed=$("$here/seed_workflow.sh" "$work/seed" "$seed_nodes" | awk '{print $2}')

# cluster init, 1000 P-256 nodes: all outputs; PEM + JKS; PEM + JKS + PKCS#12 with plain cert bags.
export CERTKIT_BENCH_PASS=bench-store-pass
nodes=$(python3 -c "print(','.join('10.%d.%d.%d' % (1, i // 250, i % 250 + 1) for i in range(1000)))")
out=$(mktemp -d "${CERTKIT_BENCH_OUT:-$work}/cluster-init.XXXXXX")
trap 'rm -rf "$work" "$out"' EXIT
echo "cluster init writes into $out ($(stat -f -c %T "$out"))"
run_init() {  # run_init NAME ARGS... -> "wall user sys maxrss_kb"
  local name=$1; shift
  # (stderr kept for a failure: the unencrypted-CA-key warning is expected)
  if ! /usr/bin/time -f '%e %U %S %M' -o "$work/$name.time" "$build/cli/certkit" cluster init \
      --nodes "$nodes" --out "$out/$name" --storepass env:CERTKIT_BENCH_PASS --quiet "$@" \
      2>"$work/$name.err"; then
    cat "$work/$name.err" >&2
    return 1
  fi
  cat "$work/$name.time"
}
all=$(run_init all)
pemjks=$(run_init pemjks --format pem,jks)
plain=$(run_init plain --p12-plain-certs)
# KDF floor: per node keystore.p12 = key bag + certificate bag PBKDF2 (10000
# iterations of two compressions each: $two ns) + MAC KDF (10000 of one
# compression: $one ns); plain cert bags drop one PBKDF2. The shared
# truststore.p12 adds one store. Divided by the cores.
floor_all=$(python3 -c "print((1001 * 10000 * (2 * $two + $one)) / 1e9 / $cores)")
floor_plain=$(python3 -c "print((1001 * 10000 * ($two + $one)) / 1e9 / $cores)")
echo
printf '%-34s %8s %8s %8s %10s %s\n' "cluster init, 1000 P-256 nodes" "wall s" "user s" "sys s" "peak RSS" "wall ÷ floor, CPU ÷ (floor x cores)"
for row in "all outputs (PEM, JKS, PKCS#12)|$all|$floor_all" "PEM + JKS|$pemjks|" \
           "all, --p12-plain-certs|$plain|$floor_plain"; do
  IFS='|' read -r label t fl <<< "$row"
  read -r wall user sys rss <<< "$t"
  ratio=$([ -n "$fl" ] && python3 -c "print('%.2f, %.2f (floor %.2f s)' % ($wall / $fl, ($user + $sys) / ($fl * $cores), $fl))" || echo "-")
  printf '%-34s %8s %8s %8s %7d MB  %s\n' "$label" "$wall" "$user" "$sys" "$((rss / 1024))" "$ratio"
done
ck_node=$(python3 -c "w='$all'.split()[0]; print('%.4f' % (float(w) / 1000))")
echo
echo "seed workflow (keytool + openssl processes, P-256, JKS + PKCS#12 + PEM): $seed s per node (wall, $seed_nodes nodes)"
echo "certkit cluster init, same outputs: $ck_node s per node (wall, 1000 nodes, $cores cores)"
python3 -c "print('certkit / seed workflow: %.0fx faster per node' % ($seed / $ck_node))"
