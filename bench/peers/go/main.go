// Go crypto/x509 peer of bench/core/issue_bench.cc: issue node certificates.
//
// Per certificate: a fresh key of the leaf type, a v3 certificate signed by a
// CA of the same type with certkit's node profile (basicConstraints CA:FALSE
// critical, keyUsage critical, extKeyUsage serverAuth+clientAuth, SKI, AKI,
// an IP and a DNS subjectAltName, random 128-bit serial, 365 days), then the
// certificate and the unencrypted PKCS#8 key as PEM. Runs on one OS thread
// (GOMAXPROCS=1) and prints certificates per CPU-second of the process.
//
// usage: go run . {p256|ed25519|rsa2048} SECONDS
package main

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha1"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/pem"
	"fmt"
	"math/big"
	"net"
	"os"
	"runtime"
	"strconv"
	"syscall"
	"time"
)

func newKey(alg string) (crypto.Signer, error) {
	switch alg {
	case "p256":
		return ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	case "ed25519":
		_, k, err := ed25519.GenerateKey(rand.Reader)
		return k, err
	case "rsa2048":
		return rsa.GenerateKey(rand.Reader, 2048)
	}
	return nil, fmt.Errorf("unknown algorithm %s", alg)
}

func cpuSeconds() float64 {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return float64(ru.Utime.Sec+ru.Stime.Sec) + float64(ru.Utime.Usec+ru.Stime.Usec)/1e6
}

func serial() *big.Int {
	b := make([]byte, 16)
	rand.Read(b)
	b[0] &= 0x7f
	return new(big.Int).SetBytes(b)
}

// keyID is the RFC 5280 4.2.1.2 method (1) key identifier, as certkit
// writes it: SHA-1 of the subjectPublicKey BIT STRING.
func keyID(pub crypto.PublicKey) []byte {
	der, err := x509.MarshalPKIXPublicKey(pub)
	if err != nil {
		panic(err)
	}
	var spki struct {
		Algorithm pkix.AlgorithmIdentifier
		PublicKey asn1.BitString
	}
	if _, err := asn1.Unmarshal(der, &spki); err != nil {
		panic(err)
	}
	sum := sha1.Sum(spki.PublicKey.Bytes)
	return sum[:]
}

func main() {
	runtime.GOMAXPROCS(1)
	alg := os.Args[1]
	seconds, _ := strconv.ParseFloat(os.Args[2], 64)
	caKey, err := newKey(alg)
	if err != nil {
		panic(err)
	}
	now := time.Now()
	caTmpl := &x509.Certificate{
		SerialNumber:          serial(),
		Subject:               pkix.Name{CommonName: "Bench CA", Organization: []string{"certkit"}},
		NotBefore:             now,
		NotAfter:              now.Add(3650 * 24 * time.Hour),
		IsCA:                  true,
		BasicConstraintsValid: true,
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
	}
	caDer, err := x509.CreateCertificate(rand.Reader, caTmpl, caTmpl, caKey.Public(), caKey)
	if err != nil {
		panic(err)
	}
	caCert, _ := x509.ParseCertificate(caDer)
	ku := x509.KeyUsageDigitalSignature
	if alg == "rsa2048" {
		ku |= x509.KeyUsageKeyEncipherment
	}
	count := 0
	start := cpuSeconds()
	deadline := start + seconds
	for {
		key, err := newKey(alg)
		if err != nil {
			panic(err)
		}
		host := fmt.Sprintf("10.0.%d.%d", (count>>8)&255, count&255)
		tmpl := &x509.Certificate{
			SerialNumber: serial(),
			Subject: pkix.Name{CommonName: host, OrganizationalUnit: []string{"TestCluster"},
				Organization: []string{"YourCompany"}},
			NotBefore:             now,
			NotAfter:              now.Add(365 * 24 * time.Hour),
			BasicConstraintsValid: true,
			KeyUsage:              ku,
			ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth, x509.ExtKeyUsageClientAuth},
			SubjectKeyId:          keyID(key.Public()),
			IPAddresses:           []net.IP{net.ParseIP(host)},
			DNSNames:              []string{fmt.Sprintf("node%d.example.com", count)},
		}
		der, err := x509.CreateCertificate(rand.Reader, tmpl, caCert, key.Public(), caKey)
		if err != nil {
			panic(err)
		}
		pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
		pk8, err := x509.MarshalPKCS8PrivateKey(key)
		if err != nil {
			panic(err)
		}
		pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: pk8})
		count++
		if count%16 == 0 && cpuSeconds() >= deadline {
			break
		}
	}
	fmt.Printf("certs_per_cpu_second %.1f\n", float64(count)/(cpuSeconds()-start))
}
