#!/usr/bin/env python3
"""pyca/cryptography peer of bench/verify/verify_bench.cc: verify a chain.

Reads CHAIN_DIR/root.pem, ica.pem and leaf.pem (root -> intermediate with
pathlen 0 -> TLS server leaf with DNS:node1.example.com and an IP SAN, every
key of type ALG; bench/peers/compare.sh makes them with the certkit CLI),
builds the server verifier once (cryptography.x509.verification: a Store
holding the root, the validation time, DNSName("node1.example.com")) and
then calls ServerVerifier.verify(leaf, [intermediate]) in a loop: path
building, both signature checks, the web PKI profile's rules and the name.
Prints "ALG RATE": verifications per CPU-second of this process (one thread).
A chain that does not verify raises: no number is printed. One exception:
the verifier's web PKI profile forbids Ed25519 keys and has no API to allow
them (pyca/cryptography#13391); when the library refuses the chain for that
reason it prints "ALG unsupported" instead of a rate, so that a version that
allows them gets measured without a change here.

usage: verify_pyca.py {p256|ed25519|rsa2048} SECONDS CHAIN_DIR
"""
import datetime
import os
import sys
import time

from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa
from cryptography.x509.verification import PolicyBuilder, Store, VerificationError

KEY_TYPES = {"p256": ec.EllipticCurvePublicKey, "ed25519": ed25519.Ed25519PublicKey,
             "rsa2048": rsa.RSAPublicKey}


def load(chain_dir, name):
    with open(os.path.join(chain_dir, name), "rb") as f:
        return x509.load_pem_x509_certificate(f.read())


def main():
    alg, seconds, chain_dir = sys.argv[1], float(sys.argv[2]), sys.argv[3]
    root, ica, leaf = (load(chain_dir, n) for n in ("root.pem", "ica.pem", "leaf.pem"))
    for cert in (root, ica, leaf):
        if not isinstance(cert.public_key(), KEY_TYPES[alg]):
            raise SystemExit(f"verify_pyca: {chain_dir} does not hold a {alg} chain")
    verifier = (PolicyBuilder().store(Store([root]))
                .time(datetime.datetime.now(datetime.timezone.utc))
                .build_server_verifier(x509.DNSName("node1.example.com")))
    intermediates = [ica]
    try:
        chain = verifier.verify(leaf, intermediates)
    except VerificationError as e:
        if alg == "ed25519" and "Forbidden public key algorithm" in str(e):
            print(f"{alg} unsupported")
            return
        raise
    if len(chain) != 3:
        raise SystemExit(f"verify_pyca: built a path of {len(chain)} certificates, not 3")
    count = 0
    start = time.process_time()
    deadline = start + seconds
    while True:
        verifier.verify(leaf, intermediates)
        count += 1
        if count % 64 == 0 and time.process_time() >= deadline:
            break
    elapsed = time.process_time() - start
    print(f"{alg} {count / elapsed:.1f}")


if __name__ == "__main__":
    main()
