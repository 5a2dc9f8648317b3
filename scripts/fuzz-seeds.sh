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
# A flood of candidate parents (Go #78282): decoys with the intermediate's
# name and key identifier but another key, signed by the root, ahead of the
# real intermediate (the fuzzer takes 16 certificates).
q openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out decoy.key
ski=$(openssl x509 -in inter.pem -noout -ext subjectKeyIdentifier | tail -1 | tr -d ' :')
q openssl req -new -key decoy.key -subj "/O=Fuzz/CN=Fuzz Intermediate" -out decoy.csr
for i in $(seq 1 13); do
  q openssl x509 -req -in decoy.csr -CA root.pem -CAkey ec.key -set_serial $((1000 + i)) -days 3000 \
    -out decoy$i.pem -extfile <(printf 'basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign\nsubjectKeyIdentifier=%s\n' "$ski")
  q openssl x509 -in decoy$i.pem -outform DER -out decoy$i.der
done
python3 - "$out/verify" <<'EOF'
import os, struct, sys
names = ['leaf'] + ['decoy%d' % i for i in range(1, 14)] + ['inter', 'root']
data = b''.join(struct.pack('>H', len(b)) + b for b in (open(n + '.der', 'rb').read() for n in names))
open(os.path.join(sys.argv[1], 'parent-flood'), 'wb').write(data)
EOF
# PKCS#12 with nested safeContentsBags (OpenSSL #28615), MAC-less: 4 levels
# (read) and 5 (refused), around a trusted certificate bag.
python3 - "$out/pkcs12" <<'EOF'
import os, sys
def tlv(tag, body):
    n = len(body)
    if n < 128:
        return bytes([tag, n]) + body
    size = n.to_bytes((n.bit_length() + 7) // 8, 'big')
    return bytes([tag, 0x80 | len(size)]) + size + body
def oid(text):
    arcs = [int(a) for a in text.split('.')]
    body = bytes([40 * arcs[0] + arcs[1]])
    for a in arcs[2:]:
        enc = [a & 0x7f]
        a >>= 7
        while a:
            enc.insert(0, 0x80 | (a & 0x7f))
            a >>= 7
        body += bytes(enc)
    return tlv(0x06, body)
def seq(*parts): return tlv(0x30, b''.join(parts))
def explicit0(body): return tlv(0xa0, body)
def data_ci(body): return seq(oid('1.2.840.113549.1.7.1'), explicit0(tlv(0x04, body)))
cert = open('root.der', 'rb').read()
attrs = tlv(0x31, seq(oid('1.2.840.113549.1.9.20'), tlv(0x31, tlv(0x1e, 'nested'.encode('utf-16-be')))) +
        seq(oid('2.16.840.1.113894.746875.1.1'), tlv(0x31, oid('2.5.29.37.0'))))
contents = seq(seq(oid('1.2.840.113549.1.12.10.1.3'),
                   explicit0(seq(oid('1.2.840.113549.1.9.22.1'), explicit0(tlv(0x04, cert)))), attrs))
for depth in range(6):
    if depth in (4, 5):
        pfx = seq(tlv(0x02, b'\x03'), data_ci(seq(data_ci(contents))))
        open(os.path.join(sys.argv[1], 'nested-safecontents-%d.p12' % depth), 'wb').write(pfx)
    contents = seq(seq(oid('1.2.840.113549.1.12.10.1.6'), explicit0(contents)))
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
# keytool's passwordless trust store (no certificate encryption, no MAC).
kt -J-Dkeystore.pkcs12.certProtectionAlgorithm=NONE -J-Dkeystore.pkcs12.macAlgorithm=NONE \
  -importcert -noprompt -alias ca -file root.pem -keystore keytool-nopass.p12 -storetype PKCS12 \
  -storepass $pw && cp keytool-nopass.p12 "$out/pkcs12/keytool-passwordless.p12"

# certkit's other PKCS#12 profiles: PBMAC1 (modern2026) and the passwordless
# trust store, so pkcs12_fuzzer explores the PBMAC1 and MAC-less paths; and
# PBMAC1 files with hostile parameters (OpenSSL #30581: NULL salt, keyLength
# 0 or missing, a huge iteration count), made from the modern2026 one.
for profile in modern2026 passwordless-truststore; do
  q "$certkit" keystore import-cert "certkit-$profile.p12" --file root.pem --alias ca \
    --p12-profile $profile --storepass env:CERTKIT_STOREPASS &&
    cp "certkit-$profile.p12" "$out/pkcs12/"
done
q "$certkit" keystore convert ec/nodes/db1.example.com/keystore.p12 --out certkit-key-modern2026.p12 --format pkcs12 \
  --p12-profile modern2026 --storepass env:CERTKIT_STOREPASS &&
  cp certkit-key-modern2026.p12 "$out/pkcs12/" || true
[ -f certkit-modern2026.p12 ] && python3 - certkit-modern2026.p12 "$out/pkcs12" <<'PY' || true
import sys
def tlv(tag, body):
    n = len(body)
    head = bytes([n]) if n < 0x80 else (bytes([0x81, n]) if n < 0x100 else bytes([0x82, n >> 8, n & 0xff]))
    return bytes([tag]) + head + body
def parse(b, i):  # -> (tag, body, next index)
    tag, n, i = b[i], b[i + 1], i + 2
    if n & 0x80:
        k = n & 0x7f
        n, i = int.from_bytes(b[i:i + k], "big"), i + k
    return tag, b[i:i + n], i + n
data = open(sys.argv[1], "rb").read()
_, pfx, _ = parse(data, 0)
_, _, i = parse(pfx, 0)           # version
_, _, j = parse(pfx, i)           # authSafe
head = pfx[:j]
seq = lambda *p: tlv(0x30, b"".join(p))
oid_pbmac1 = bytes.fromhex("06092a864886f70d01050e")
oid_pbkdf2 = bytes.fromhex("06092a864886f70d01050c")
hmac256 = seq(bytes.fromhex("06082a864886f70d0209"), b"\x05\x00")
salt, it, kl = tlv(4, b"\x5a" * 16), tlv(2, b"\x10"), tlv(2, b"\x20")
variants = {
    "null-salt": b"\x05\x00" + it + kl + hmac256,
    "zero-keylen": salt + it + tlv(2, b"\x00") + hmac256,
    "no-keylen": salt + it + hmac256,
    "huge-iter": salt + tlv(2, b"\x7f\xff\xff\xff") + kl + hmac256,
}
for name, fields in variants.items():
    alg = seq(oid_pbmac1, seq(seq(oid_pbkdf2, tlv(0x30, fields)), hmac256))
    mac = seq(seq(alg, tlv(4, bytes(32))), tlv(4, b"NOT USED"), tlv(2, b"\x01"))
    open("%s/certkit-pbmac1-%s.p12" % (sys.argv[2], name), "wb").write(seq(head, mac))
PY
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
