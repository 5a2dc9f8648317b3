package certkit

/*
#include <certkit/certkit.h>
*/
import "C"

import (
	"runtime"
	"strings"
	"time"
)

// Profile selects and adjusts a built-in signing profile.
type Profile struct {
	Name               string   // "node", "server", "client" or "intermediate"
	Days               int      // 0: the profile's default validity
	KeyUsage           *uint32  // nil: the profile's key usage
	ExtendedKeyUsage   []string // nil: the profile's; OIDs or "serverAuth", "clientAuth"
	NoExtendedKeyUsage bool     // issue without an EKU extension
	RequireSAN         *bool    // nil: the profile's rule
}

// Built-in profiles.
var (
	ProfileNode         = Profile{Name: "node"}
	ProfileServer       = Profile{Name: "server"}
	ProfileClient       = Profile{Name: "client"}
	ProfileIntermediate = Profile{Name: "intermediate"}
)

func (p Profile) build() (*C.CertkitProfile, error) {
	name := p.Name
	if name == "" {
		name = "server"
	}
	n := newText(name)
	var out *C.CertkitProfile
	if err := call(func() C.CertkitError { return C.certkit_profile_new_n(n.p, n.n, &out) }); err != nil {
		return nil, err
	}
	steps := []func() C.CertkitError{}
	if p.Days > 0 {
		steps = append(steps, func() C.CertkitError { return C.certkit_profile_set_days(out, C.int(p.Days)) })
	}
	if p.KeyUsage != nil {
		steps = append(steps, func() C.CertkitError { return C.certkit_profile_set_key_usage(out, C.uint32_t(*p.KeyUsage)) })
	}
	if p.ExtendedKeyUsage != nil || p.NoExtendedKeyUsage {
		steps = append(steps, func() C.CertkitError {
			e := newText(strings.Join(p.ExtendedKeyUsage, ","))
			return C.certkit_profile_set_extended_key_usage_n(out, e.p, e.n)
		})
	}
	if p.RequireSAN != nil {
		steps = append(steps, func() C.CertkitError { return C.certkit_profile_set_require_san(out, boolInt(*p.RequireSAN)) })
	}
	for _, step := range steps {
		if err := call(step); err != nil {
			C.certkit_profile_free(out)
			return nil, err
		}
	}
	return out, nil
}

// CAOptions describes a new CA.
type CAOptions struct {
	Subject           string      // required, RFC 4514 or slash form
	KeySpec           string      // "ec:p256" (default of the library), "rsa:3072", ...
	Key               *PrivateKey // use this key instead of generating one
	Days              int         // 0: library default (3650)
	PathLen           *int        // nil: root unlimited / intermediate 0
	NotBefore         time.Time   // zero: now
	AllowBeyondIssuer bool
}

func (o CAOptions) build() (*C.CertkitCaOptions, error) {
	var out *C.CertkitCaOptions
	if err := call(func() C.CertkitError { return C.certkit_ca_options_new(&out) }); err != nil {
		return nil, err
	}
	err := withName(o.Subject, func(name *C.CertkitName) error {
		return call(func() C.CertkitError { return C.certkit_ca_options_set_subject(out, name) })
	})
	steps := []func() C.CertkitError{}
	if o.Key != nil {
		steps = append(steps, func() C.CertkitError { return C.certkit_ca_options_set_key(out, o.Key.p) })
	} else if o.KeySpec != "" {
		steps = append(steps, func() C.CertkitError {
			s := newText(o.KeySpec)
			return C.certkit_ca_options_set_key_spec_n(out, s.p, s.n)
		})
	}
	if o.Days > 0 {
		steps = append(steps, func() C.CertkitError { return C.certkit_ca_options_set_days(out, C.int(o.Days)) })
	}
	if o.PathLen != nil {
		steps = append(steps, func() C.CertkitError { return C.certkit_ca_options_set_path_len(out, C.int(*o.PathLen)) })
	}
	if !o.NotBefore.IsZero() {
		steps = append(steps, func() C.CertkitError {
			return C.certkit_ca_options_set_not_before(out, C.int64_t(o.NotBefore.Unix()))
		})
	}
	if o.AllowBeyondIssuer {
		steps = append(steps, func() C.CertkitError { return C.certkit_ca_options_set_allow_beyond_issuer(out, 1) })
	}
	for _, step := range steps {
		if err != nil {
			break
		}
		err = call(step)
	}
	runtime.KeepAlive(o.Key)
	if err != nil {
		C.certkit_ca_options_free(out)
		return nil, err
	}
	return out, nil
}

// SigningPolicy decides what a CSR may request.
type SigningPolicy int

// Signing policies.
const (
	PolicyPermissive SigningPolicy = C.CERTKIT_POLICY_PERMISSIVE
	PolicyCockroach  SigningPolicy = C.CERTKIT_POLICY_COCKROACH
)

// IssueOptions adjusts one issued certificate.
type IssueOptions struct {
	Days              int       // 0: the profile's default
	NotBefore         time.Time // zero: now
	SANs              []string  // extra SANs ("DNS:a", "IP:1.2.3.4")
	Subject           string    // override (required for SignKey)
	Policy            SigningPolicy
	AllowBeyondIssuer bool
}

func (o *IssueOptions) build() (*C.CertkitIssueOptions, error) {
	var out *C.CertkitIssueOptions
	if err := call(func() C.CertkitError { return C.certkit_issue_options_new(&out) }); err != nil {
		return nil, err
	}
	if o == nil {
		return out, nil
	}
	var err error
	if o.Subject != "" {
		err = withName(o.Subject, func(name *C.CertkitName) error {
			return call(func() C.CertkitError { return C.certkit_issue_options_set_subject(out, name) })
		})
	}
	steps := []func() C.CertkitError{
		func() C.CertkitError {
			return C.certkit_issue_options_set_policy(out, C.CertkitSigningPolicy(o.Policy))
		},
	}
	if o.Days > 0 {
		steps = append(steps, func() C.CertkitError { return C.certkit_issue_options_set_days(out, C.int(o.Days)) })
	}
	if !o.NotBefore.IsZero() {
		steps = append(steps, func() C.CertkitError {
			return C.certkit_issue_options_set_not_before(out, C.int64_t(o.NotBefore.Unix()))
		})
	}
	if len(o.SANs) > 0 {
		steps = append(steps, func() C.CertkitError {
			s := newText(strings.Join(o.SANs, ","))
			return C.certkit_issue_options_add_sans_n(out, s.p, s.n)
		})
	}
	if o.AllowBeyondIssuer {
		steps = append(steps, func() C.CertkitError { return C.certkit_issue_options_set_allow_beyond_issuer(out, 1) })
	}
	for _, step := range steps {
		if err != nil {
			break
		}
		err = call(step)
	}
	if err != nil {
		C.certkit_issue_options_free(out)
		return nil, err
	}
	return out, nil
}

// CertificateAuthority holds a CA certificate, its key and chain, and
// issues certificates.
type CertificateAuthority struct{ p *C.CertkitCa }

func wrapCA(p *C.CertkitCa) *CertificateAuthority {
	ca := &CertificateAuthority{p}
	runtime.SetFinalizer(ca, (*CertificateAuthority).Close)
	return ca
}

// Close releases the CA (idempotent).
func (ca *CertificateAuthority) Close() {
	if ca != nil && ca.p != nil {
		C.certkit_ca_free(ca.p)
		ca.p = nil
		runtime.SetFinalizer(ca, nil)
	}
}

// CreateRootCA makes a self-signed root CA.
func CreateRootCA(opts CAOptions) (*CertificateAuthority, error) {
	o, err := opts.build()
	if err != nil {
		return nil, err
	}
	defer C.certkit_ca_options_free(o)
	var out *C.CertkitCa
	if err := call(func() C.CertkitError { return C.certkit_ca_create_root(o, &out) }); err != nil {
		return nil, err
	}
	return wrapCA(out), nil
}

// CreateIntermediate makes an intermediate CA signed by ca.
func (ca *CertificateAuthority) CreateIntermediate(opts CAOptions) (*CertificateAuthority, error) {
	defer runtime.KeepAlive(ca)
	o, err := opts.build()
	if err != nil {
		return nil, err
	}
	defer C.certkit_ca_options_free(o)
	var out *C.CertkitCa
	if err := call(func() C.CertkitError { return C.certkit_ca_create_intermediate(ca.p, o, &out) }); err != nil {
		return nil, err
	}
	return wrapCA(out), nil
}

// LoadCA builds a CA from its certificate, key and chain to the root (may be nil).
func LoadCA(cert *Certificate, key *PrivateKey, chain []*Certificate) (*CertificateAuthority, error) {
	defer runtime.KeepAlive(cert)
	defer runtime.KeepAlive(key)
	var list *C.CertkitCertList
	if chain != nil {
		var err error
		if list, err = newCertList(chain); err != nil {
			return nil, err
		}
		defer C.certkit_cert_list_free(list)
	}
	var out *C.CertkitCa
	if err := call(func() C.CertkitError { return C.certkit_ca_load(cert.p, key.p, list, &out) }); err != nil {
		return nil, err
	}
	return wrapCA(out), nil
}

// LoadCAPEM builds a CA from a PEM certificate (followed by its chain) and
// a PEM key opened with |password| ("" for none).
func LoadCAPEM(certPEM, keyPEM []byte, password string) (*CertificateAuthority, error) {
	c, k, pw := newBytes(certPEM), newBytes(keyPEM), newOptText(password)
	var out *C.CertkitCa
	if err := call(func() C.CertkitError {
		return C.certkit_ca_load_pem_n(c.chars(), c.n, k.chars(), k.n, pw.p, pw.n, &out)
	}); err != nil {
		return nil, err
	}
	return wrapCA(out), nil
}

// LoadCAFromKeyStore takes key entry |alias| ("" : the only key entry).
func LoadCAFromKeyStore(store *KeyStore, alias string) (*CertificateAuthority, error) {
	defer runtime.KeepAlive(store)
	a := newOptText(alias)
	var out *C.CertkitCa
	if err := call(func() C.CertkitError { return C.certkit_ca_load_keystore_n(store.p, a.p, a.n, &out) }); err != nil {
		return nil, err
	}
	return wrapCA(out), nil
}

// Certificate returns the CA certificate.
func (ca *CertificateAuthority) Certificate() (*Certificate, error) {
	defer runtime.KeepAlive(ca)
	var out *C.CertkitCert
	if err := call(func() C.CertkitError { return C.certkit_ca_certificate(ca.p, &out) }); err != nil {
		return nil, err
	}
	return wrapCert(out), nil
}

// Key returns the CA's private key.
func (ca *CertificateAuthority) Key() (*PrivateKey, error) {
	defer runtime.KeepAlive(ca)
	var out *C.CertkitKey
	if err := call(func() C.CertkitError { return C.certkit_ca_key(ca.p, &out) }); err != nil {
		return nil, err
	}
	return wrapKey(out), nil
}

// Chain returns the CA certificate followed by its issuers up to the root.
func (ca *CertificateAuthority) Chain() ([]*Certificate, error) {
	defer runtime.KeepAlive(ca)
	var out *C.CertkitCertList
	if err := call(func() C.CertkitError { return C.certkit_ca_chain(ca.p, &out) }); err != nil {
		return nil, err
	}
	defer C.certkit_cert_list_free(out)
	return listToSlice(out)
}

// SignCSR issues a certificate for |csr| with |profile|; opts may be nil.
func (ca *CertificateAuthority) SignCSR(csr *CertificateRequest, profile Profile, opts *IssueOptions) (*Certificate, error) {
	defer runtime.KeepAlive(csr)
	return ca.issue(profile, opts, func(p *C.CertkitProfile, o *C.CertkitIssueOptions, out **C.CertkitCert) C.CertkitError {
		return C.certkit_ca_sign_csr(ca.p, csr.p, p, o, out)
	})
}

// SignKey issues a certificate for the public half of |key|; opts.Subject
// is required.
func (ca *CertificateAuthority) SignKey(key *PrivateKey, profile Profile, opts *IssueOptions) (*Certificate, error) {
	defer runtime.KeepAlive(key)
	return ca.issue(profile, opts, func(p *C.CertkitProfile, o *C.CertkitIssueOptions, out **C.CertkitCert) C.CertkitError {
		return C.certkit_ca_sign_key(ca.p, key.p, p, o, out)
	})
}

// issue builds the C profile and options and runs one signing call.
func (ca *CertificateAuthority) issue(profile Profile, opts *IssueOptions,
	sign func(*C.CertkitProfile, *C.CertkitIssueOptions, **C.CertkitCert) C.CertkitError) (*Certificate, error) {
	defer runtime.KeepAlive(ca)
	p, err := profile.build()
	if err != nil {
		return nil, err
	}
	defer C.certkit_profile_free(p)
	o, err := opts.build()
	if err != nil {
		return nil, err
	}
	defer C.certkit_issue_options_free(o)
	var out *C.CertkitCert
	if err := call(func() C.CertkitError { return sign(p, o, &out) }); err != nil {
		return nil, err
	}
	return wrapCert(out), nil
}
