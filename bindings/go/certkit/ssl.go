package certkit

/*
#include <stdlib.h>
#include <string.h>
#include <certkit/certkit.h>
*/
import "C"

import (
	"runtime"
	"unsafe"
)

// Verification flags for Ssl.SetVerifyFlags (combine with |).
const (
	VerifyNone            = C.CERTKIT_SSL_VERIFY_NONE
	VerifyPeerCert        = C.CERTKIT_SSL_VERIFY_PEER_CERT
	VerifyPeerIdentity    = C.CERTKIT_SSL_VERIFY_PEER_IDENTITY
	VerifyPeerIdentityDNS = C.CERTKIT_SSL_VERIFY_PEER_IDENTITY_DNS
)

// Protocol versions for Ssl.SetProtocolVersions.
const (
	VersionDefault = C.CERTKIT_SSL_VERSION_DEFAULT
	VersionTLS12   = C.CERTKIT_SSL_VERSION_TLS1_2
	VersionTLS13   = C.CERTKIT_SSL_VERSION_TLS1_3
)

// Ssl is the driver TLS configuration (cass_ssl style): trusted
// certificates, client certificate and key, verification flags.
type Ssl struct{ p *C.CertkitSsl }

// NewSsl returns an empty configuration (verify flags: VerifyPeerCert).
func NewSsl() (*Ssl, error) {
	p := C.certkit_ssl_new()
	if p == nil {
		return nil, ErrOutOfMemory
	}
	s := &Ssl{p}
	runtime.SetFinalizer(s, (*Ssl).Close)
	return s, nil
}

// Close drops this reference (idempotent).
func (s *Ssl) Close() {
	if s != nil && s.p != nil {
		C.certkit_ssl_free(s.p)
		s.p = nil
		runtime.SetFinalizer(s, nil)
	}
}

// Handle returns the C CertkitSsl* (for handing to a C driver, which must
// take its own certkit_ssl_ref).
func (s *Ssl) Handle() unsafe.Pointer { return unsafe.Pointer(s.p) }

func (s *Ssl) withText(text []byte, f func(*C.char, C.size_t) C.CertkitError) error {
	defer runtime.KeepAlive(s)
	d := newBytes(text)
	return call(func() C.CertkitError { return f(d.chars(), d.n) })
}

// AddTrustedCert adds every certificate of a PEM bundle (or one DER cert).
func (s *Ssl) AddTrustedCert(pem []byte) error {
	return s.withText(pem, func(p *C.char, n C.size_t) C.CertkitError {
		return C.certkit_ssl_add_trusted_cert_n(s.p, p, n)
	})
}

// AddCRL adds a certificate revocation list (PEM or DER) that every later
// peer verification consults (ErrCertRevoked for a listed certificate).
func (s *Ssl) AddCRL(crl []byte) error {
	return s.withText(crl, func(p *C.char, n C.size_t) C.CertkitError {
		return C.certkit_ssl_add_crl(s.p, (*C.uint8_t)(unsafe.Pointer(p)), n)
	})
}

// AddTrustedKeyStore adds every certificate of a JKS/PKCS#12/PEM trust store.
func (s *Ssl) AddTrustedKeyStore(data []byte, password string) error {
	pw := newOptText(password)
	return s.withText(data, func(p *C.char, n C.size_t) C.CertkitError {
		return C.certkit_ssl_add_trusted_keystore_n(s.p, (*C.uint8_t)(unsafe.Pointer(p)), n, pw.p, pw.n)
	})
}

// SetVerifyFlags sets the Verify* flags.
func (s *Ssl) SetVerifyFlags(flags int) {
	C.certkit_ssl_set_verify_flags(s.p, C.int(flags))
	runtime.KeepAlive(s)
}

// VerifyFlags returns the Verify* flags.
func (s *Ssl) VerifyFlags() int {
	defer runtime.KeepAlive(s)
	return int(C.certkit_ssl_get_verify_flags(s.p))
}

// SetCert sets the client certificate and its chain (leaf first, PEM).
func (s *Ssl) SetCert(pem []byte) error {
	return s.withText(pem, func(p *C.char, n C.size_t) C.CertkitError { return C.certkit_ssl_set_cert_n(s.p, p, n) })
}

// SetPrivateKey sets the client key (password "" for none).
// CodeKeyMismatch when it does not match the certificate set earlier.
func (s *Ssl) SetPrivateKey(pem []byte, password string) error {
	pw := newOptText(password)
	return s.withText(pem, func(p *C.char, n C.size_t) C.CertkitError {
		return C.certkit_ssl_set_private_key_n(s.p, p, n, pw.p, pw.n)
	})
}

// SetKeyStore takes the key and chain of key entry |alias| ("": the only
// one) from a JKS/PKCS#12/PEM store; keyPassword "" means the store password.
func (s *Ssl) SetKeyStore(data []byte, storePassword, keyPassword, alias string) error {
	sp, kp, a := newOptText(storePassword), newOptText(keyPassword), newOptText(alias)
	return s.withText(data, func(p *C.char, n C.size_t) C.CertkitError {
		return C.certkit_ssl_set_keystore_n(s.p, (*C.uint8_t)(unsafe.Pointer(p)), n, sp.p, sp.n, kp.p, kp.n, a.p, a.n)
	})
}

// SetProtocolVersions sets the minimum and maximum TLS versions
// (VersionTLS12, VersionTLS13; VersionDefault keeps the default).
func (s *Ssl) SetProtocolVersions(min, max int) error {
	defer runtime.KeepAlive(s)
	if err := call(func() C.CertkitError { return C.certkit_ssl_set_min_protocol_version(s.p, C.int(min)) }); err != nil {
		return err
	}
	return call(func() C.CertkitError { return C.certkit_ssl_set_max_protocol_version(s.p, C.int(max)) })
}

// VerifyPeer applies the verification flags to a peer chain as received in
// a handshake (DER certificates, leaf first). |peer| is the peer's IP
// address (VerifyPeerIdentity) or host name (VerifyPeerIdentityDNS).
func (s *Ssl) VerifyPeer(chain [][]byte, peer string) error {
	return s.VerifyPeerAs(chain, peer, PurposeServerAuth)
}

// VerifyPeerAs is VerifyPeer for a peer in the role |purpose|:
// PurposeServerAuth when we are the client, PurposeClientAuth when we are
// a server checking a client certificate (no identity applies then; |peer|
// may be ""). The trust anchors and CRLs are the ones prepared in |s|.
func (s *Ssl) VerifyPeerAs(chain [][]byte, peer string, purpose Purpose) error {
	defer runtime.KeepAlive(s)
	count := len(chain)
	n := count
	if n == 0 {
		n = 1
	}
	ptrSize := C.size_t(unsafe.Sizeof(uintptr(0)))
	ders := (*[1 << 28]*C.uint8_t)(C.calloc(C.size_t(n), ptrSize))[:n:n]
	lengths := (*[1 << 28]C.size_t)(C.calloc(C.size_t(n), C.size_t(unsafe.Sizeof(C.size_t(0)))))[:n:n]
	defer C.free(unsafe.Pointer(&ders[0]))
	defer C.free(unsafe.Pointer(&lengths[0]))
	// Copies: cgo forbids storing Go pointers in C memory (the array).
	for i, der := range chain {
		ders[i], lengths[i] = (*C.uint8_t)(C.CBytes(der)), C.size_t(len(der))
		defer C.free(unsafe.Pointer(ders[i]))
	}
	p := newOptText(peer)
	return call(func() C.CertkitError {
		return C.certkit_ssl_verify_peer_ex(s.p, &ders[0], &lengths[0], C.size_t(count), p.p, p.n, C.CertkitPurpose(purpose))
	})
}

// cString is a NUL-terminated C copy of |s| ("" -> NULL) for the calls that
// take no length; free wipes it (it may be a password) and releases it.
type cString struct {
	p *C.char
	n C.size_t
}

func newCString(s string) cString {
	if s == "" {
		return cString{}
	}
	return cString{C.CString(s), C.size_t(len(s))}
}

func (c cString) free() {
	if c.p != nil {
		C.memset(unsafe.Pointer(c.p), 0, c.n)
		C.free(unsafe.Pointer(c.p))
	}
}

// ReloadPEMFiles replaces the chain and key (and, with caPath != "", the
// trusted certificates) from PEM files, all or nothing: on any error
// (missing file, bad password, a key that does not match) nothing changes.
func (s *Ssl) ReloadPEMFiles(certPath, keyPath, keyPassword, caPath string) error {
	defer runtime.KeepAlive(s)
	c, k, pw, ca := newCString(certPath), newCString(keyPath), newCString(keyPassword), newCString(caPath)
	defer c.free()
	defer k.free()
	defer pw.free()
	defer ca.free()
	return call(func() C.CertkitError { return C.certkit_ssl_reload_pem_files(s.p, c.p, k.p, pw.p, ca.p) })
}

// ReloadKeyStoreFiles does the same from a JKS / PKCS#12 / PEM key store
// (key entry |alias|, "" for the only one; keyPassword "" = storePassword)
// and, with truststorePath != "", a trust store.
func (s *Ssl) ReloadKeyStoreFiles(keystorePath, storePassword, keyPassword, alias, truststorePath, trustPassword string) error {
	defer runtime.KeepAlive(s)
	ks, sp, kp, a := newCString(keystorePath), newCString(storePassword), newCString(keyPassword), newCString(alias)
	ts, tp := newCString(truststorePath), newCString(trustPassword)
	for _, c := range []cString{ks, sp, kp, a, ts, tp} {
		defer c.free()
	}
	return call(func() C.CertkitError {
		return C.certkit_ssl_reload_keystore_files(s.p, ks.p, sp.p, kp.p, a.p, ts.p, tp.p)
	})
}

// Generation grows with every change of the material or settings.
func (s *Ssl) Generation() uint64 {
	defer runtime.KeepAlive(s)
	return uint64(C.certkit_ssl_generation(s.p))
}

// SslMaterial is a consistent snapshot of an Ssl (Export): its chain and
// trusted certificates as DER, and its key as PKCS#8 DER (wipe it with
// Wipe when done).
type SslMaterial struct {
	Chain      [][]byte // leaf first
	Trusted    [][]byte
	KeyPKCS8   []byte // nil when no key is set
	Generation uint64
}

// Wipe overwrites the key bytes.
func (m *SslMaterial) Wipe() { wipe(m.KeyPKCS8) }

// Export takes a snapshot of the material (the library's copy of the key is
// wiped when the snapshot is released, before Export returns).
func (s *Ssl) Export() (*SslMaterial, error) {
	defer runtime.KeepAlive(s)
	var m *C.CertkitSslMaterial
	if err := call(func() C.CertkitError { return C.certkit_ssl_export(s.p, &m) }); err != nil {
		return nil, err
	}
	defer C.certkit_ssl_material_free(m)
	out := &SslMaterial{Generation: uint64(C.certkit_ssl_material_generation(m))}
	for i := C.size_t(0); i < C.certkit_ssl_material_chain_count(m); i++ {
		var n C.size_t
		p := C.certkit_ssl_material_chain_der(m, i, &n)
		out.Chain = append(out.Chain, C.GoBytes(unsafe.Pointer(p), C.int(n)))
	}
	for i := C.size_t(0); i < C.certkit_ssl_material_trusted_count(m); i++ {
		var n C.size_t
		p := C.certkit_ssl_material_trusted_der(m, i, &n)
		out.Trusted = append(out.Trusted, C.GoBytes(unsafe.Pointer(p), C.int(n)))
	}
	var n C.size_t
	if p := C.certkit_ssl_material_key_pkcs8(m, &n); p != nil {
		out.KeyPKCS8 = C.GoBytes(unsafe.Pointer(p), C.int(n))
	}
	return out, nil
}
