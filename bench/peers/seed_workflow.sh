#!/usr/bin/env bash
# The seed workflow for one node, as the Cassandra guide runs it with separate
# keytool and openssl processes: a P-256 key pair in a JKS key store, a CSR,
# signing by the CA with openssl, importing the CA and the reply, a PKCS#12
# copy, and the PEM key and certificate for PostgreSQL/CockroachDB.
#
# usage: seed_workflow.sh WORKDIR NODES   (prints "seconds_per_node N")
set -euo pipefail
work=$1
nodes=$2
mkdir -p "$work"
cd "$work"
pass=seedpass1
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout ca.key -out ca.crt \
  -days 3650 -subj "/CN=Seed CA/O=certkit" 2>/dev/null
start=$(date +%s.%N)
for i in $(seq 1 "$nodes"); do
  host=10.0.0.$i
  d=node$i
  mkdir -p "$d"
  keytool -genkeypair -keyalg EC -groupname secp256r1 -alias "$host" -dname "CN=$host,OU=TestCluster,O=YourCompany" \
    -keystore "$d/keystore.jks" -storetype JKS -storepass "$pass" -keypass "$pass" -validity 365 2>/dev/null
  keytool -certreq -alias "$host" -keystore "$d/keystore.jks" -storepass "$pass" -file "$d/node.csr" 2>/dev/null
  printf 'basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth,clientAuth\nsubjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid\nsubjectAltName=IP:%s,DNS:node%s.example.com\n' "$host" "$i" > "$d/ext.cnf"
  openssl x509 -req -in "$d/node.csr" -CA ca.crt -CAkey ca.key -CAcreateserial -days 365 \
    -extfile "$d/ext.cnf" -out "$d/node.crt" 2>/dev/null
  keytool -importcert -noprompt -alias ca -file ca.crt -keystore "$d/keystore.jks" -storepass "$pass" 2>/dev/null
  keytool -importcert -noprompt -alias "$host" -file "$d/node.crt" -keystore "$d/keystore.jks" -storepass "$pass" 2>/dev/null
  keytool -importkeystore -srckeystore "$d/keystore.jks" -srcstorepass "$pass" -destkeystore "$d/keystore.p12" \
    -deststoretype PKCS12 -deststorepass "$pass" -noprompt 2>/dev/null
  openssl pkcs12 -in "$d/keystore.p12" -passin "pass:$pass" -nocerts -nodes -out "$d/node.key" 2>/dev/null
  chmod 600 "$d/node.key"
  cp ca.crt "$d/ca.crt"
done
end=$(date +%s.%N)
python3 -c "print('seconds_per_node %.3f' % (($end - $start) / $nodes))"
