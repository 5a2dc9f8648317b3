package certkit

/*
#include <certkit/certkit.h>
*/
import "C"

import (
	"errors"
	"runtime"
	"strings"
	"time"
)

// Certificate is an X.509 certificate.
type Certificate struct{ p *C.CertkitCert }

func wrapCert(p *C.CertkitCert) *Certificate {
	c := &Certificate{p}
	runtime.SetFinalizer(c, (*Certificate).Close)
	return c
}

// Close releases the certificate (idempotent).
func (c *Certificate) Close() {
	if c != nil && c.p != nil {
		C.certkit_cert_free(c.p)
		c.p = nil
		runtime.SetFinalizer(c, nil)
	}
}

// ParseCertificatePEM parses the first CERTIFICATE block of |pem|.
func ParseCertificatePEM(pem []byte) (*Certificate, error) {
	data := newBytes(pem)
	var out *C.CertkitCert
	if err := call(func() C.CertkitError {
		return C.certkit_cert_from_pem_n(data.chars(), data.n, &out)
	}); err != nil {
		return nil, err
	}
	return wrapCert(out), nil
}

// ParseCertificateDER parses exactly one DER certificate.
func ParseCertificateDER(der []byte) (*Certificate, error) {
	data := newBytes(der)
	var out *C.CertkitCert
	if err := call(func() C.CertkitError { return C.certkit_cert_from_der(data.p, data.n, &out) }); err != nil {
		return nil, err
	}
	return wrapCert(out), nil
}

// ParseCertificates returns every certificate of a PEM bundle (or one DER
// certificate).
func ParseCertificates(data []byte) ([]*Certificate, error) {
	d := newBytes(data)
	var out *C.CertkitCertList
	if err := call(func() C.CertkitError { return C.certkit_cert_list_parse_n(d.chars(), d.n, &out) }); err != nil {
		return nil, err
	}
	defer C.certkit_cert_list_free(out)
	return listToSlice(out)
}

// CertificatesPEM returns one PEM bundle of |certs|.
func CertificatesPEM(certs []*Certificate) (string, error) {
	list, err := newCertList(certs)
	if err != nil {
		return "", err
	}
	defer C.certkit_cert_list_free(list)
	return textOut(func(o **C.char, n *C.size_t) C.CertkitError { return C.certkit_cert_list_to_pem(list, o, n) })
}

func newCertList(certs []*Certificate) (*C.CertkitCertList, error) {
	var list *C.CertkitCertList
	if err := call(func() C.CertkitError { return C.certkit_cert_list_new(&list) }); err != nil {
		return nil, err
	}
	for _, c := range certs {
		if err := call(func() C.CertkitError { return C.certkit_cert_list_add(list, c.p) }); err != nil {
			C.certkit_cert_list_free(list)
			return nil, err
		}
		runtime.KeepAlive(c)
	}
	return list, nil
}

func listToSlice(list *C.CertkitCertList) ([]*Certificate, error) {
	var count C.size_t
	if err := call(func() C.CertkitError { return C.certkit_cert_list_count(list, &count) }); err != nil {
		return nil, err
	}
	certs := make([]*Certificate, 0, int(count))
	for i := C.size_t(0); i < count; i++ {
		var c *C.CertkitCert
		if err := call(func() C.CertkitError { return C.certkit_cert_list_get(list, i, &c) }); err != nil {
			return nil, err
		}
		certs = append(certs, wrapCert(c))
	}
	return certs, nil
}

func (c *Certificate) text(f func(**C.char, *C.size_t) C.CertkitError) (string, error) {
	defer runtime.KeepAlive(c)
	return textOut(f)
}

// PEM returns the certificate as PEM text.
func (c *Certificate) PEM() (string, error) {
	return c.text(func(o **C.char, n *C.size_t) C.CertkitError { return C.certkit_cert_to_pem(c.p, o, n) })
}

// DER returns the certificate's DER encoding.
func (c *Certificate) DER() ([]byte, error) {
	defer runtime.KeepAlive(c)
	return bytesOut(func(o **C.uint8_t, n *C.size_t) C.CertkitError { return C.certkit_cert_to_der(c.p, o, n) })
}

// Version returns the X.509 version (3 for v3).
func (c *Certificate) Version() (int, error) {
	var v C.int
	err := call(func() C.CertkitError { return C.certkit_cert_version(c.p, &v) })
	runtime.KeepAlive(c)
	return int(v), err
}

// Serial returns the serial number in lower-case hex (keytool's form).
func (c *Certificate) Serial() (string, error) {
	return c.text(func(o **C.char, n *C.size_t) C.CertkitError { return C.certkit_cert_serial_hex(c.p, o, n) })
}

// Subject returns the subject in RFC 4514 form.
func (c *Certificate) Subject() (string, error) {
	return c.text(func(o **C.char, n *C.size_t) C.CertkitError { return C.certkit_cert_subject_string(c.p, o, n) })
}

// Issuer returns the issuer in RFC 4514 form.
func (c *Certificate) Issuer() (string, error) {
	return c.text(func(o **C.char, n *C.size_t) C.CertkitError { return C.certkit_cert_issuer_string(c.p, o, n) })
}

// SubjectName returns the subject as a Name (for attribute lookups).
func (c *Certificate) SubjectName() (*Name, error) {
	var out *C.CertkitName
	err := call(func() C.CertkitError { return C.certkit_cert_subject(c.p, &out) })
	runtime.KeepAlive(c)
	if err != nil {
		return nil, err
	}
	return wrapName(out), nil
}

// NotBefore returns the start of the validity period.
func (c *Certificate) NotBefore() (time.Time, error) {
	var t C.int64_t
	err := call(func() C.CertkitError { return C.certkit_cert_not_before(c.p, &t) })
	runtime.KeepAlive(c)
	return unixTime(t), err
}

// NotAfter returns the end of the validity period.
func (c *Certificate) NotAfter() (time.Time, error) {
	var t C.int64_t
	err := call(func() C.CertkitError { return C.certkit_cert_not_after(c.p, &t) })
	runtime.KeepAlive(c)
	return unixTime(t), err
}

// SANType is the kind of a subject alternative name.
type SANType int

// SAN kinds.
const (
	SANDNS   SANType = C.CERTKIT_SAN_DNS
	SANIP    SANType = C.CERTKIT_SAN_IP
	SANEmail SANType = C.CERTKIT_SAN_EMAIL
	SANURI   SANType = C.CERTKIT_SAN_URI
)

// SAN is one subject alternative name.
type SAN struct {
	Type  SANType
	Value string
}

// SANs returns every subject alternative name in certificate order.
func (c *Certificate) SANs() ([]SAN, error) {
	defer runtime.KeepAlive(c)
	var count C.size_t
	if err := call(func() C.CertkitError { return C.certkit_cert_san_count(c.p, &count) }); err != nil {
		return nil, err
	}
	sans := make([]SAN, 0, int(count))
	for i := C.size_t(0); i < count; i++ {
		var t C.CertkitSanType
		var p *C.char
		var n C.size_t
		if err := call(func() C.CertkitError { return C.certkit_cert_san_at(c.p, i, &t, &p, &n) }); err != nil {
			return nil, err
		}
		sans = append(sans, SAN{SANType(t), takeText(p, n)})
	}
	return sans, nil
}

func (c *Certificate) sansOf(t SANType) ([]string, error) {
	sans, err := c.SANs()
	if err != nil {
		return nil, err
	}
	var out []string
	for _, s := range sans {
		if s.Type == t {
			out = append(out, s.Value)
		}
	}
	return out, nil
}

// DNSNames returns the dNSName SANs.
func (c *Certificate) DNSNames() ([]string, error) { return c.sansOf(SANDNS) }

// IPAddresses returns the iPAddress SANs as text.
func (c *Certificate) IPAddresses() ([]string, error) { return c.sansOf(SANIP) }

// BasicConstraints returns whether the certificate is a CA and its path
// length limit (-1 when unlimited or absent).
func (c *Certificate) BasicConstraints() (isCA bool, pathLen int, err error) {
	var ca, pl C.int
	err = call(func() C.CertkitError { return C.certkit_cert_basic_constraints(c.p, &ca, &pl) })
	runtime.KeepAlive(c)
	return ca != 0, int(pl), err
}

// Key-usage bits (RFC 5280 order) for Certificate.KeyUsage and Profile.KeyUsage.
const (
	KeyUsageDigitalSignature uint32 = 1 << iota
	KeyUsageNonRepudiation
	KeyUsageKeyEncipherment
	KeyUsageDataEncipherment
	KeyUsageKeyAgreement
	KeyUsageKeyCertSign
	KeyUsageCRLSign
	KeyUsageEncipherOnly
	KeyUsageDecipherOnly
)

// KeyUsage returns the key-usage bits (bit 0 digitalSignature ... RFC 5280
// order); ok is false when the extension is absent.
func (c *Certificate) KeyUsage() (bits uint32, ok bool, err error) {
	var v C.uint32_t
	err = call(func() C.CertkitError { return C.certkit_cert_key_usage(c.p, &v) })
	runtime.KeepAlive(c)
	if IsCode(err, CodeNotFound) {
		return 0, false, nil
	}
	return uint32(v), err == nil, err
}

// ExtendedKeyUsage returns the EKU OIDs (nil when the extension is absent).
func (c *Certificate) ExtendedKeyUsage() ([]string, error) {
	s, err := c.text(func(o **C.char, n *C.size_t) C.CertkitError {
		return C.certkit_cert_extended_key_usage(c.p, o, n)
	})
	if IsCode(err, CodeNotFound) {
		return nil, nil
	}
	if err != nil || s == "" {
		return []string{}, err
	}
	return strings.Split(s, ","), nil
}

// SignatureAlgorithm returns the signature algorithm's name.
func (c *Certificate) SignatureAlgorithm() (string, error) {
	return c.text(func(o **C.char, n *C.size_t) C.CertkitError {
		return C.certkit_cert_signature_algorithm(c.p, o, n)
	})
}

// Digest selects a fingerprint hash.
type Digest int

// Fingerprint digests.
const (
	SHA1   Digest = C.CERTKIT_DIGEST_SHA1
	SHA256 Digest = C.CERTKIT_DIGEST_SHA256
)

// Fingerprint returns keytool's "AB:CD:..." fingerprint.
func (c *Certificate) Fingerprint(d Digest) (string, error) {
	return c.text(func(o **C.char, n *C.size_t) C.CertkitError {
		return C.certkit_cert_fingerprint(c.p, C.CertkitDigest(d), o, n)
	})
}

// Summary returns a multi-line human-readable description.
func (c *Certificate) Summary() (string, error) {
	return c.text(func(o **C.char, n *C.size_t) C.CertkitError { return C.certkit_cert_summary(c.p, o, n) })
}

// PublicKeyPEM returns the subject public key as a "PUBLIC KEY" PEM.
func (c *Certificate) PublicKeyPEM() (string, error) {
	return c.text(func(o **C.char, n *C.size_t) C.CertkitError { return C.certkit_cert_public_key_pem(c.p, o, n) })
}

// MatchesKey reports whether |key| is the certificate's private key.
func (c *Certificate) MatchesKey(key *PrivateKey) (bool, error) {
	var v C.int
	err := call(func() C.CertkitError { return C.certkit_cert_matches_key(c.p, key.p, &v) })
	runtime.KeepAlive(c)
	runtime.KeepAlive(key)
	return v != 0, err
}

// Equal reports whether both are the same certificate.
func (c *Certificate) Equal(other *Certificate) bool {
	var v C.int
	err := call(func() C.CertkitError { return C.certkit_cert_equal(c.p, other.p, &v) })
	runtime.KeepAlive(c)
	runtime.KeepAlive(other)
	return err == nil && v != 0
}

// Purpose is the extended key usage a verification requires.
type Purpose int

// Purposes.
const (
	PurposeAny        Purpose = C.CERTKIT_PURPOSE_ANY
	PurposeServerAuth Purpose = C.CERTKIT_PURPOSE_SERVER_AUTH
	PurposeClientAuth Purpose = C.CERTKIT_PURPOSE_CLIENT_AUTH
)

// VerifyOptions configures Certificate.Verify. Set at most one of IP, DNS,
// Host (classified as IP or DNS) and Email.
type VerifyOptions struct {
	Roots           []*Certificate // trust anchors (required)
	Intermediates   []*Certificate // extra certificates for path building
	IP, DNS, Host   string
	Email           string
	Purpose         Purpose
	Time            time.Time // zero: now
	AllowCNFallback bool
	MaxDepth        int // 0: library default
	// CRLs are certificate revocation lists (PEM or DER); a certificate one
	// of them lists fails with the error for CERTKIT_ERROR_CERT_REVOKED.
	CRLs [][]byte
}

// Verify validates the certificate and returns the chain (leaf first,
// anchor last). On failure the *Error's Code names the rule
// (CodeIdentityMismatch, CodeUnknownIssuer, CodeCertExpired, ...) and the
// Message the certificate and names involved.
func (c *Certificate) Verify(opts VerifyOptions) ([]*Certificate, error) {
	defer runtime.KeepAlive(c)
	anchors, err := newCertList(opts.Roots)
	if err != nil {
		return nil, err
	}
	defer C.certkit_cert_list_free(anchors)
	inter, err := newCertList(opts.Intermediates)
	if err != nil {
		return nil, err
	}
	defer C.certkit_cert_list_free(inter)
	var o *C.CertkitVerifyOptions
	if err := call(func() C.CertkitError { return C.certkit_verify_options_new(&o) }); err != nil {
		return nil, err
	}
	defer C.certkit_verify_options_free(o)
	setIdentity := func(t C.CertkitIdentityType, v string) error {
		s := newText(v)
		return call(func() C.CertkitError { return C.certkit_verify_options_set_identity_n(o, t, s.p, s.n) })
	}
	steps := []func() error{
		func() error {
			return call(func() C.CertkitError {
				return C.certkit_verify_options_set_purpose(o, C.CertkitPurpose(opts.Purpose))
			})
		},
	}
	switch {
	case opts.IP != "":
		steps = append(steps, func() error { return setIdentity(C.CERTKIT_IDENTITY_IP, opts.IP) })
	case opts.DNS != "":
		steps = append(steps, func() error { return setIdentity(C.CERTKIT_IDENTITY_DNS, opts.DNS) })
	case opts.Host != "":
		steps = append(steps, func() error { return setIdentity(C.CERTKIT_IDENTITY_HOST, opts.Host) })
	case opts.Email != "":
		steps = append(steps, func() error { return setIdentity(C.CERTKIT_IDENTITY_EMAIL, opts.Email) })
	}
	if !opts.Time.IsZero() {
		steps = append(steps, func() error {
			return call(func() C.CertkitError {
				return C.certkit_verify_options_set_time(o, C.int64_t(opts.Time.Unix()))
			})
		})
	}
	if opts.AllowCNFallback {
		steps = append(steps, func() error {
			return call(func() C.CertkitError { return C.certkit_verify_options_set_allow_cn_fallback(o, 1) })
		})
	}
	if opts.MaxDepth > 0 {
		steps = append(steps, func() error {
			return call(func() C.CertkitError {
				return C.certkit_verify_options_set_max_depth(o, C.int(opts.MaxDepth))
			})
		})
	}
	for _, crl := range opts.CRLs {
		crl := crl
		steps = append(steps, func() error {
			b := newBytes(crl)
			return call(func() C.CertkitError { return C.certkit_verify_options_add_crl(o, b.p, b.n) })
		})
	}
	for _, step := range steps {
		if err := step(); err != nil {
			return nil, err
		}
	}
	var chain *C.CertkitCertList
	if err := call(func() C.CertkitError { return C.certkit_verify(c.p, inter, anchors, o, &chain) }); err != nil {
		return nil, err
	}
	defer C.certkit_cert_list_free(chain)
	return listToSlice(chain)
}

// IsCode reports whether err is a certkit *Error with |code|.
func IsCode(err error, code ErrorCode) bool {
	var e *Error
	return errors.As(err, &e) && e.Code == code
}
