// Go crypto/x509 peer of bench/verify/verify_bench.cc: verify a chain.
//
// Reads CHAIN_DIR/root.pem, ica.pem and leaf.pem (root -> intermediate with
// pathlen 0 -> TLS server leaf with DNS:node1.example.com and an IP SAN, every
// key of type ALG; bench/peers/compare.sh makes them with the certkit CLI),
// builds the Roots and Intermediates CertPools once and then calls
// x509.Certificate.Verify in a loop with DNSName "node1.example.com" and the
// default key usage (serverAuth): path building, both signature checks and
// the name. Runs on one OS thread (GOMAXPROCS=1) and prints "ALG RATE":
// verifications per CPU-second of the process. A chain that does not verify
// panics: no number is printed.
//
// usage: go run . {p256|ed25519|rsa2048} SECONDS CHAIN_DIR
package main

import (
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"syscall"
	"time"
)

func cpuSeconds() float64 {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return float64(ru.Utime.Sec+ru.Stime.Sec) + float64(ru.Utime.Usec+ru.Stime.Usec)/1e6
}

func load(dir, name string) *x509.Certificate {
	data, err := os.ReadFile(filepath.Join(dir, name))
	if err != nil {
		panic(err)
	}
	block, _ := pem.Decode(data)
	if block == nil || block.Type != "CERTIFICATE" {
		panic(fmt.Sprintf("%s: no PEM certificate", name))
	}
	cert, err := x509.ParseCertificate(block.Bytes)
	if err != nil {
		panic(err)
	}
	return cert
}

func keyIs(alg string, cert *x509.Certificate) bool {
	switch cert.PublicKey.(type) {
	case *ecdsa.PublicKey:
		return alg == "p256"
	case ed25519.PublicKey:
		return alg == "ed25519"
	case *rsa.PublicKey:
		return alg == "rsa2048"
	}
	return false
}

func main() {
	runtime.GOMAXPROCS(1)
	if len(os.Args) != 4 {
		fmt.Fprintln(os.Stderr, "usage: goverify {p256|ed25519|rsa2048} SECONDS CHAIN_DIR")
		os.Exit(2)
	}
	alg, dir := os.Args[1], os.Args[3]
	seconds, err := strconv.ParseFloat(os.Args[2], 64)
	if err != nil {
		panic(err)
	}
	root, ica, leaf := load(dir, "root.pem"), load(dir, "ica.pem"), load(dir, "leaf.pem")
	for _, c := range []*x509.Certificate{root, ica, leaf} {
		if !keyIs(alg, c) {
			panic(fmt.Sprintf("%s does not hold a %s chain", dir, alg))
		}
	}
	roots := x509.NewCertPool()
	roots.AddCert(root)
	intermediates := x509.NewCertPool()
	intermediates.AddCert(ica)
	opts := x509.VerifyOptions{
		Roots:         roots,
		Intermediates: intermediates,
		DNSName:       "node1.example.com",
		CurrentTime:   time.Now(),
	}
	chains, err := leaf.Verify(opts)
	if err != nil {
		panic(err)
	}
	if len(chains) != 1 || len(chains[0]) != 3 {
		panic(fmt.Sprintf("expected one path of 3 certificates, got %v", chains))
	}
	count := 0
	start := cpuSeconds()
	deadline := start + seconds
	for {
		if _, err := leaf.Verify(opts); err != nil {
			panic(err)
		}
		count++
		if count%64 == 0 && cpuSeconds() >= deadline {
			break
		}
	}
	fmt.Printf("%s %.1f\n", alg, float64(count)/(cpuSeconds()-start))
}
