#!/usr/bin/env python3
"""pyca/cryptography peer of bench/core/issue_bench.cc: issue node certificates.

Per certificate: a fresh key of the leaf type, a v3 certificate signed by a
CA of the same type with certkit's node profile (basicConstraints CA:FALSE
critical, keyUsage critical, extKeyUsage serverAuth+clientAuth, SKI, AKI, an
IP and a DNS subjectAltName, random 128-bit serial, 365 days), then the
certificate and the unencrypted PKCS#8 key as PEM. Prints certificates per
CPU-second of this process (one thread).

usage: issue_pyca.py {p256|ed25519|rsa2048} SECONDS
"""
import datetime
import ipaddress
import sys
import time

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID


def new_key(alg):
    if alg == "p256":
        return ec.generate_private_key(ec.SECP256R1())
    if alg == "ed25519":
        return ed25519.Ed25519PrivateKey.generate()
    if alg == "rsa2048":
        return rsa.generate_private_key(public_exponent=65537, key_size=2048)
    raise SystemExit(f"unknown algorithm {alg}")


def digest_for(alg):
    return None if alg == "ed25519" else hashes.SHA256()


def main():
    alg, seconds = sys.argv[1], float(sys.argv[2])
    ca_key = new_key(alg)
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Bench CA"),
                         x509.NameAttribute(NameOID.ORGANIZATION_NAME, "certkit")])
    now = datetime.datetime.now(datetime.timezone.utc)
    ca_ski = x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key())
    ca_cert = (x509.CertificateBuilder().subject_name(ca_name).issuer_name(ca_name)
               .public_key(ca_key.public_key()).serial_number(x509.random_serial_number())
               .not_valid_before(now).not_valid_after(now + datetime.timedelta(days=3650))
               .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
               .add_extension(ca_ski, critical=False)
               .sign(ca_key, digest_for(alg)))
    aki = x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(ca_ski)
    ku_enc = alg == "rsa2048"
    count = 0
    start = time.process_time()
    deadline = start + seconds
    while True:
        key = new_key(alg)
        host = f"10.0.{(count >> 8) & 255}.{count & 255}"
        subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, host),
                             x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, "TestCluster"),
                             x509.NameAttribute(NameOID.ORGANIZATION_NAME, "YourCompany")])
        cert = (x509.CertificateBuilder().subject_name(subject).issuer_name(ca_cert.subject)
                .public_key(key.public_key()).serial_number(x509.random_serial_number())
                .not_valid_before(now).not_valid_after(now + datetime.timedelta(days=365))
                .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
                .add_extension(x509.KeyUsage(digital_signature=True, key_encipherment=ku_enc,
                                             content_commitment=False, data_encipherment=False,
                                             key_agreement=False, key_cert_sign=False,
                                             crl_sign=False, encipher_only=False,
                                             decipher_only=False), critical=True)
                .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH,
                                                      ExtendedKeyUsageOID.CLIENT_AUTH]),
                               critical=False)
                .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()),
                               critical=False)
                .add_extension(aki, critical=False)
                .add_extension(x509.SubjectAlternativeName([
                    x509.IPAddress(ipaddress.ip_address(host)),
                    x509.DNSName(f"node{count}.example.com")]), critical=False)
                .sign(ca_key, digest_for(alg)))
        cert.public_bytes(serialization.Encoding.PEM)
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                          serialization.NoEncryption())
        count += 1
        if count % 16 == 0 and time.process_time() >= deadline:
            break
    elapsed = time.process_time() - start
    print(f"certs_per_cpu_second {count / elapsed:.1f}")


if __name__ == "__main__":
    main()
