#!/usr/bin/env bash
# Generates the seed corpora of the fuzz targets (fuzz/) from certkit's own
# output and from openssl and keytool, one folder per target under OUT.
# Nothing is committed: CI and scripts/fuzz.sh run this first. Every store
# and encrypted key uses the password "changeit" (fuzz/fuzz_common.h) and
# small iteration counts, so the fuzzers spend their time parsing.
# Usage: scripts/fuzz-seeds.sh OUT CERTKIT_BINARY
set -euo pipefail
out=$(realpath -m "$1")
certkit=$(realpath "$2")
pw=changeit
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
for t in cert csr key dn jks jceks pkcs12 pem detect verify manifest password spiffe; do mkdir -p "$out/$t"; done
q() { "$@" >/dev/null 2>&1; }

# certkit: a small cluster (EC and RSA), its PEM files and stores.
export CERTKIT_STOREPASS=$pw
q "$certkit" cluster init --out ec --nodes 10.0.0.1,db1.example.com --clients app --jobs 1 \
  --storepass env:CERTKIT_STOREPASS --quiet --pkcs8
q "$certkit" cluster init --out rsa --nodes 10.0.0.2 --key-type rsa:2048 --jobs 1 \
  --storepass env:CERTKIT_STOREPASS --quiet --p12-legacy
find ec rsa -name '*.crt' -exec cp {} "$out/cert/" \; 2>/dev/null || true
i=0
for f in $(find ec rsa -name '*.crt'); do
  i=$((i + 1)); openssl x509 -in "$f" -outform DER -out "$out/cert/certkit-$i.der"
done
for f in $(find ec rsa -name '*.key' -o -name '*.pk8'); do cp "$f" "$out/key/certkit-$(basename "$(dirname "$f")")-$(basename "$f")"; done
cp ec/manifest.json "$out/manifest/certkit-ec.json"
cp rsa/manifest.json "$out/manifest/certkit-rsa.json"
for f in $(find ec rsa -name '*.jks'); do cp "$f" "$out/jks/certkit-$(echo "$f" | tr / -)"; done
for f in $(find ec rsa -name '*.p12'); do cp "$f" "$out/pkcs12/certkit-$(echo "$f" | tr / -)"; done

# openssl: keys in every format, certificates, CSRs, a chain, PKCS#12.
q openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out ec.key
q openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:1024 -out rsa.key
q openssl genpkey -algorithm ED25519 -out ed.key
for k in ec rsa ed; do
  cp $k.key "$out/key/openssl-$k-pkcs8.pem"
  q openssl pkcs8 -topk8 -nocrypt -in $k.key -outform DER -out "$out/key/openssl-$k-pkcs8.der"
  q openssl pkcs8 -topk8 -in $k.key -v2 aes-256-cbc -iter 16 -passout pass:$pw -out "$out/key/openssl-$k-enc.pem"
  q openssl pkcs8 -topk8 -in $k.key -v2 aes-128-cbc -v2prf hmacWithSHA1 -iter 16 -passout pass:$pw \
    -outform DER -out "$out/key/openssl-$k-enc.der"
done
q openssl pkcs8 -topk8 -in rsa.key -v1 PBE-SHA1-3DES -iter 16 -passout pass:$pw -out "$out/key/openssl-rsa-pbe-sha1-3des.pem"
q openssl ec -in ec.key -out "$out/key/openssl-ec-sec1.pem"
q openssl ec -in ec.key -outform DER -out "$out/key/openssl-ec-sec1.der"
q openssl rsa -in rsa.key -traditional -out "$out/key/openssl-rsa-pkcs1.pem"
q openssl rsa -in rsa.key -traditional -aes128 -passout pass:$pw -out "$out/key/openssl-rsa-pkcs1-enc.pem"
q openssl ec -in ec.key -aes256 -passout pass:$pw -out "$out/key/openssl-ec-sec1-enc.pem"

q openssl req -x509 -new -key ec.key -subj "/C=US/O=Fuzz/CN=Fuzz Root" -days 3650 -out root.pem \
  -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign \
  -addext "nameConstraints=critical,permitted;DNS:example.com,excluded;IP:10.9.0.0/255.255.0.0"
q openssl req -new -key rsa.key -subj "/O=Fuzz/CN=Fuzz Intermediate" -out inter.csr
q openssl x509 -req -in inter.csr -CA root.pem -CAkey ec.key -CAcreateserial -days 3000 -out inter.pem \
  -extfile <(printf 'basicConstraints=critical,CA:TRUE,pathlen:0\nkeyUsage=critical,keyCertSign\n')
q openssl req -new -key ed.key -subj "/CN=node1.example.com" -out leaf.csr \
  -addext "subjectAltName=DNS:node1.example.com,IP:10.0.0.1,email:ops@example.com"
q openssl x509 -req -in leaf.csr -CA inter.pem -CAkey rsa.key -CAcreateserial -days 365 -out leaf.pem \
  -extfile <(printf 'subjectAltName=DNS:node1.example.com,IP:10.0.0.1\nextendedKeyUsage=serverAuth,clientAuth\n')
for c in root inter leaf; do
  cp $c.pem "$out/cert/openssl-$c.pem"
  openssl x509 -in $c.pem -outform DER -out $c.der
  cp $c.der "$out/cert/openssl-$c.der"
done
cat leaf.pem inter.pem root.pem > "$out/cert/openssl-bundle.pem"
for c in inter leaf; do
  cp $c.csr "$out/csr/openssl-$c.pem"
  q openssl req -in $c.csr -outform DER -out "$out/csr/openssl-$c.der"
done
python3 - "$out/verify" <<'EOF'
import os, struct, sys
d = sys.argv[1]
def der(n): return open(n + '.der', 'rb').read()
def pack(names): return b''.join(struct.pack('>H', len(der(n))) + der(n) for n in names)
open(os.path.join(d, 'chain3'), 'wb').write(pack(['leaf', 'inter', 'root']))
open(os.path.join(d, 'chain2'), 'wb').write(pack(['inter', 'root']))
open(os.path.join(d, 'self'), 'wb').write(pack(['root', 'root']))
EOF
q openssl pkcs12 -export -inkey ed.key -in leaf.pem -certfile inter.pem -name node -iter 16 -maciter \
  -passout pass:$pw -out "$out/pkcs12/openssl-chain.p12"
q openssl pkcs12 -export -nokeys -in root.pem -iter 16 -passout pass:$pw -out "$out/pkcs12/openssl-nokeys.p12"
q openssl pkcs12 -export -inkey rsa.key -in inter.pem -legacy -iter 16 -passout pass:$pw \
  -out "$out/pkcs12/openssl-legacy.p12" || true
q openssl pkcs12 -in "$out/pkcs12/openssl-chain.p12" -passin pass:$pw -nodes -out "$out/pem/openssl-nodes.pem"
cat "$out/key/openssl-ec-enc.pem" root.pem > "$out/pem/openssl-key-cert.pem"
cp "$out/cert/openssl-bundle.pem" "$out/pem/"

# keytool: JKS, JCEKS and PKCS#12 with small iteration counts.
kt() { keytool -J-Dkeystore.pkcs12.keyPbeIterationCount=16 -J-Dkeystore.pkcs12.certPbeIterationCount=16 \
  -J-Dkeystore.pkcs12.macIterationCount=16 -J-Djdk.jceks.iterationCount=16 "$@" >/dev/null 2>&1; }
for type in JKS JCEKS PKCS12; do
  f=keytool.$type
  kt -genkeypair -alias node -dname "CN=node1, O=Fuzz" -keyalg EC -groupname secp256r1 \
    -keystore $f -storetype $type -storepass $pw -keypass $pw
  kt -importcert -noprompt -alias ca -file root.pem -keystore $f -storetype $type -storepass $pw
done
cp keytool.JKS "$out/jks/keytool.jks"
cp keytool.JCEKS "$out/jceks/keytool.jceks"
cp keytool.PKCS12 "$out/pkcs12/keytool.p12"
kt -genseckey -alias secret -keyalg AES -keysize 128 -keystore secret.jceks -storetype JCEKS \
  -storepass $pw -keypass $pw && cp secret.jceks "$out/jceks/keytool-secret.jceks"

# Every store is also a seed of format auto-detection.
cp "$out"/jks/* "$out"/jceks/* "$out"/pkcs12/* "$out"/pem/* "$out/detect/"

# Distinguished names and password specs: text.
printf '%s' 'CN=node1, OU=db, O=Example\, Inc., L=Zürich, C=CH' > "$out/dn/rfc4514"
printf '%s' '/C=US/ST=CA/O=Fuzz/OU=a\/b/CN=node1/emailAddress=ops@example.com' > "$out/dn/slash"
printf '%s' 'CN=#0c0461626364,DC=example,DC=com' > "$out/dn/hex"
printf '%s' 'CN="quoted, value",O=x+OU=y' > "$out/dn/quoted"
# SPIFFE IDs, templates (TEMPLATE\nNAME) and URIs (spiffe_fuzzer.cc).
printf '%s' 'spiffe://cluster.example/cassandra/app' > "$out/spiffe/id"
printf '%s\n%s' 'spiffe://cluster.example/cassandra/{kind}/{role}' 'app' > "$out/spiffe/template"
printf '%s\n%s' 'spiffe://c.example/{name}' '10.0.0.1' > "$out/spiffe/node"
printf '%s' 'spiffe://cluster.example:8443/a/../b?q#f' > "$out/spiffe/bad"
printf '%s' 'https://user@db.cluster.example:8443/p' > "$out/spiffe/uri"
printf '%s' 'urn:uuid:6e8bc430-9c3a-11d9-9669-0800200c9a66' > "$out/spiffe/urn"
printf '%s' 'https://[::1]:8443/x' > "$out/spiffe/ipv6"
printf '%s' 'pass:changeit' > "$out/password/pass"
printf '%s' 'env:CERTKIT_STOREPASS' > "$out/password/env"
printf '%s' 'file:/nonexistent' > "$out/password/file"
printf '%s' 'prompt' > "$out/password/prompt"

for t in "$out"/*; do echo "fuzz-seeds: $(basename "$t"): $(ls "$t" | wc -l) seeds"; done
