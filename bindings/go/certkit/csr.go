package certkit

/*
#include <certkit/certkit.h>
*/
import "C"

import (
	"runtime"
	"strings"
)

// CertificateRequest is a PKCS#10 certificate signing request.
type CertificateRequest struct{ p *C.CertkitCsr }

func wrapCSR(p *C.CertkitCsr) *CertificateRequest {
	r := &CertificateRequest{p}
	runtime.SetFinalizer(r, (*CertificateRequest).Close)
	return r
}

// Close releases the request (idempotent).
func (r *CertificateRequest) Close() {
	if r != nil && r.p != nil {
		C.certkit_csr_free(r.p)
		r.p = nil
		runtime.SetFinalizer(r, nil)
	}
}

// NewCertificateRequest builds and signs a CSR for |subject| (RFC 4514 or
// slash form) with |key|, requesting |sans| ("DNS:a", "IP:1.2.3.4"; a bare
// entry is classified as IP or DNS).
func NewCertificateRequest(subject string, key *PrivateKey, sans []string) (*CertificateRequest, error) {
	var csr *C.CertkitCsr
	err := withName(subject, func(name *C.CertkitName) error {
		var s cText
		if len(sans) > 0 {
			s = newText(strings.Join(sans, ","))
		}
		return call(func() C.CertkitError { return C.certkit_csr_create_n(name, s.p, s.n, key.p, &csr) })
	})
	runtime.KeepAlive(key)
	if err != nil {
		return nil, err
	}
	return wrapCSR(csr), nil
}

// ParseCertificateRequestPEM accepts "CERTIFICATE REQUEST" and keytool's
// "NEW CERTIFICATE REQUEST" (the signature is not checked).
func ParseCertificateRequestPEM(pem []byte) (*CertificateRequest, error) {
	data := newBytes(pem)
	var out *C.CertkitCsr
	if err := call(func() C.CertkitError { return C.certkit_csr_from_pem_n(data.chars(), data.n, &out) }); err != nil {
		return nil, err
	}
	return wrapCSR(out), nil
}

// ParseCertificateRequestDER parses a DER CSR.
func ParseCertificateRequestDER(der []byte) (*CertificateRequest, error) {
	data := newBytes(der)
	var out *C.CertkitCsr
	if err := call(func() C.CertkitError { return C.certkit_csr_from_der(data.p, data.n, &out) }); err != nil {
		return nil, err
	}
	return wrapCSR(out), nil
}

// VerifySignature checks the self-signature (CodeBadSignature when wrong).
func (r *CertificateRequest) VerifySignature() error {
	defer runtime.KeepAlive(r)
	return call(func() C.CertkitError { return C.certkit_csr_verify_signature(r.p) })
}

// Subject returns the requested subject in RFC 4514 form.
func (r *CertificateRequest) Subject() (string, error) {
	var name *C.CertkitName
	err := call(func() C.CertkitError { return C.certkit_csr_subject(r.p, &name) })
	runtime.KeepAlive(r)
	if err != nil {
		return "", err
	}
	n := wrapName(name)
	defer n.Close()
	return n.String(), nil
}

// SANs returns the requested SANs as "DNS:a,IP:1.2.3.4" ("" when none).
func (r *CertificateRequest) SANs() (string, error) {
	defer runtime.KeepAlive(r)
	return textOut(func(o **C.char, n *C.size_t) C.CertkitError { return C.certkit_csr_sans(r.p, o, n) })
}

// PublicKeyPEM returns the requested public key as PEM.
func (r *CertificateRequest) PublicKeyPEM() (string, error) {
	defer runtime.KeepAlive(r)
	return textOut(func(o **C.char, n *C.size_t) C.CertkitError { return C.certkit_csr_public_key_pem(r.p, o, n) })
}

// PEM returns the request as PEM text.
func (r *CertificateRequest) PEM() (string, error) {
	defer runtime.KeepAlive(r)
	return textOut(func(o **C.char, n *C.size_t) C.CertkitError { return C.certkit_csr_to_pem(r.p, o, n) })
}

// DER returns the request's DER encoding.
func (r *CertificateRequest) DER() ([]byte, error) {
	defer runtime.KeepAlive(r)
	return bytesOut(func(o **C.uint8_t, n *C.size_t) C.CertkitError { return C.certkit_csr_to_der(r.p, o, n) })
}
