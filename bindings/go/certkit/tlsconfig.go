package certkit

import (
	"crypto/tls"
	"crypto/x509"
	"net"
	"os"
	"sync"
	"sync/atomic"
	"time"
)

// TLSOptions says where a TLS endpoint's key and trust material is and what
// certkit checks on the peer. Give a key store or PEM files for the key
// material (a client without client authentication may give neither), and a
// trust store or a PEM CA bundle.
type TLSOptions struct {
	// A JKS / PKCS#12 / PEM key store and its key entry.
	KeyStore         string // file
	KeyStorePassword string
	KeyPassword      string // "": the key store password
	Alias            string // "": the only key entry

	// Or PEM files: the chain (leaf first) and the key (PKCS#8, PKCS#1 or
	// SEC 1; encrypted with KeyPassword, or not).
	CertFile string
	KeyFile  string

	// Trust: a trust store's trusted-certificate entries, or a PEM bundle.
	TrustStore         string
	TrustStorePassword string
	CAFile             string

	// CRLFiles are certificate revocation lists (PEM or DER, e.g. from
	// `certkit crl`): a peer certificate a CRL of its issuer lists is refused
	// with ErrCertRevoked. With Reload, a re-published CRL is picked up like
	// the other files.
	CRLFiles []string

	// Peer is the identity certkit requires in the peer's certificate: an
	// IP address (iPAddress SAN) or a DNS name (dNSName SAN). "" on a
	// client: the SNI name of the connection, else the ServerName of the
	// returned config, else no identity check (chain and purpose only).
	// Go sends no SNI for an IP address, so an IP given as ServerName counts
	// only when set on the returned config itself (not on a clone of it);
	// for several nodes make one config per node with Peer set. "" on a server: no identity
	// check on client certificates.
	Peer string

	// ClientCertOptional (server): accept clients without a certificate;
	// a certificate that is sent is still verified.
	ClientCertOptional bool

	// Reload re-reads the files when their size or modification time
	// changes (certificate rotation without a restart). The check runs at
	// handshake time, at most once per ReloadInterval (default 1s). A
	// changed file that fails to load leaves the previous material in use
	// and is reported to OnReloadError (if set).
	Reload         bool
	ReloadInterval time.Duration
	OnReloadError  func(error)
}

// ClientTLSConfig returns a *tls.Config for a TLS client (a database
// driver): the client certificate (GetClientCertificate, which follows
// Reload), RootCAs, TLS 1.2 minimum, and VerifyConnection running
// certkit's verifier on the server's chain: serverAuth purpose, the trust
// anchors, and the identity (TLSOptions.Peer, else the ServerName).
//
// certkit's verifier replaces Go's: InsecureSkipVerify is true so that Go's
// own verifier (which needs a ServerName and gives different reasons) does
// not run first, and VerifyConnection, which Go calls on every handshake
// including resumed ones, refuses any chain certkit refuses with certkit's
// *Error (errors.Is(err, ErrIdentityMismatch), ...). Keep VerifyConnection
// when you adjust the returned config.
func ClientTLSConfig(opts TLSOptions) (*tls.Config, error) {
	st, m, err := newTLSState(opts)
	if err != nil {
		return nil, err
	}
	if len(m.roots) == 0 {
		return nil, &Error{Code: CodeInvalidArgument, Message: "ClientTLSConfig needs TrustStore or CAFile"}
	}
	var cfg *tls.Config
	cfg = &tls.Config{
		MinVersion:         tls.VersionTLS12,
		RootCAs:            m.pool,
		InsecureSkipVerify: true, // certkit verifies in VerifyConnection
		VerifyConnection: func(cs tls.ConnectionState) error {
			return st.verifyPeer(cs, PurposeServerAuth, clientPeer(opts.Peer, cs, cfg), false)
		},
	}
	if m.cert != nil {
		// Always sent when asked (Go's Certificates would be withheld from a
		// server whose CertificateRequest names other CAs): the server
		// decides, and says why.
		cfg.GetClientCertificate = func(*tls.CertificateRequestInfo) (*tls.Certificate, error) {
			return st.get().cert, nil
		}
	}
	return cfg, nil
}

// ServerTLSConfig returns a *tls.Config for a TLS server: its certificate
// (Certificates, or GetCertificate with Reload), ClientCAs, TLS 1.2
// minimum, a required client certificate (unless ClientCertOptional) and
// VerifyConnection running certkit's verifier on the client's chain
// (clientAuth purpose, the trust anchors, TLSOptions.Peer if set).
// ClientAuth is RequestClientCert so that Go's verifier does not run first;
// VerifyConnection refuses a missing certificate (CodeNotFound) and every
// chain certkit refuses, with certkit's reason.
func ServerTLSConfig(opts TLSOptions) (*tls.Config, error) {
	st, m, err := newTLSState(opts)
	if err != nil {
		return nil, err
	}
	if m.cert == nil {
		return nil, &Error{Code: CodeInvalidArgument, Message: "ServerTLSConfig needs KeyStore or CertFile and KeyFile"}
	}
	if len(m.roots) == 0 {
		return nil, &Error{Code: CodeInvalidArgument, Message: "ServerTLSConfig needs TrustStore or CAFile to verify clients"}
	}
	cfg := &tls.Config{
		MinVersion: tls.VersionTLS12,
		ClientCAs:  m.pool,
		// Requested, and required by VerifyConnection unless optional, so
		// that a missing certificate is certkit's CodeNotFound too.
		ClientAuth: tls.RequestClientCert,
		VerifyConnection: func(cs tls.ConnectionState) error {
			return st.verifyPeer(cs, PurposeClientAuth, opts.Peer, opts.ClientCertOptional)
		},
	}
	if opts.Reload {
		cfg.GetCertificate = func(*tls.ClientHelloInfo) (*tls.Certificate, error) {
			return st.get().cert, nil
		}
	} else {
		cfg.Certificates = []tls.Certificate{*m.cert}
	}
	return cfg, nil
}

// clientPeer is the identity a client checks: Peer, else the SNI name, else
// the config's ServerName (Go sends no SNI for an IP address).
func clientPeer(peer string, cs tls.ConnectionState, cfg *tls.Config) string {
	if peer == "" {
		peer = cs.ServerName
	}
	if peer == "" {
		peer = cfg.ServerName
	}
	return peer
}

// tlsMaterial is one loaded generation of key and trust material.
type tlsMaterial struct {
	cert   *tls.Certificate // nil: no key material
	roots  []*Certificate   // certkit's trust anchors
	pool   *x509.CertPool   // the same anchors for Go (RootCAs/ClientCAs)
	crls   [][]byte         // TLSOptions.CRLFiles' contents
	stamps []fileStamp
}

type fileStamp struct {
	path    string
	size    int64
	modTime time.Time
}

type tlsState struct {
	opts      TLSOptions
	current   atomic.Value // *tlsMaterial
	mu        sync.Mutex   // serializes reload checks
	lastCheck time.Time
}

func newTLSState(opts TLSOptions) (*tlsState, *tlsMaterial, error) {
	st := &tlsState{opts: opts, lastCheck: time.Now()}
	m, err := loadTLSMaterial(opts)
	if err != nil {
		return nil, nil, err
	}
	st.current.Store(m)
	return st, m, nil
}

// get returns the current material, first reloading it when Reload is set,
// the interval has passed and a file changed.
func (st *tlsState) get() *tlsMaterial {
	m := st.current.Load().(*tlsMaterial)
	if !st.opts.Reload {
		return m
	}
	interval := st.opts.ReloadInterval
	if interval <= 0 {
		interval = time.Second
	}
	st.mu.Lock()
	defer st.mu.Unlock()
	m = st.current.Load().(*tlsMaterial)
	if time.Since(st.lastCheck) < interval {
		return m
	}
	st.lastCheck = time.Now()
	if !m.changed() {
		return m
	}
	next, err := loadTLSMaterial(st.opts)
	if err != nil {
		if st.opts.OnReloadError != nil {
			st.opts.OnReloadError(err)
		}
		return m
	}
	st.current.Store(next)
	return next
}

func (m *tlsMaterial) changed() bool {
	for _, s := range m.stamps {
		fi, err := os.Stat(s.path)
		if err != nil || fi.Size() != s.size || !fi.ModTime().Equal(s.modTime) {
			return true
		}
	}
	return false
}

// verifyPeer runs certkit's verifier on the chain the peer sent.
func (st *tlsState) verifyPeer(cs tls.ConnectionState, purpose Purpose, peer string, optional bool) error {
	if len(cs.PeerCertificates) == 0 {
		if optional {
			return nil
		}
		return &Error{Code: CodeNotFound, Message: "the peer sent no certificate"}
	}
	m := st.get()
	certs := make([]*Certificate, 0, len(cs.PeerCertificates))
	defer func() {
		for _, c := range certs {
			c.Close()
		}
	}()
	for _, pc := range cs.PeerCertificates {
		c, err := ParseCertificateDER(pc.Raw)
		if err != nil {
			return err
		}
		certs = append(certs, c)
	}
	vo := VerifyOptions{Roots: m.roots, Intermediates: certs[1:], Purpose: purpose, CRLs: m.crls}
	if peer != "" {
		if net.ParseIP(peer) != nil {
			vo.IP = peer
		} else {
			vo.DNS = peer
		}
	}
	chain, err := certs[0].Verify(vo)
	for _, c := range chain {
		c.Close()
	}
	return err
}

// loadTLSMaterial reads the files named by |opts| through the library's
// CertkitSsl (which picks the key entry, checks that key and certificate
// match and applies Java's trust store rules).
func loadTLSMaterial(opts TLSOptions) (*tlsMaterial, error) {
	var files []string
	switch {
	case opts.KeyStore != "" && (opts.CertFile != "" || opts.KeyFile != ""):
		return nil, &Error{Code: CodeInvalidArgument, Message: "give KeyStore or CertFile/KeyFile, not both"}
	case (opts.CertFile == "") != (opts.KeyFile == ""):
		return nil, &Error{Code: CodeInvalidArgument, Message: "give both CertFile and KeyFile"}
	case opts.TrustStore != "" && opts.CAFile != "":
		return nil, &Error{Code: CodeInvalidArgument, Message: "give TrustStore or CAFile, not both"}
	}
	src, err := NewSsl()
	if err != nil {
		return nil, err
	}
	defer src.Close()
	switch {
	case opts.KeyStore != "":
		files = append(files, opts.KeyStore)
		err = src.ReloadKeyStoreFiles(opts.KeyStore, opts.KeyStorePassword, opts.KeyPassword, opts.Alias, "", "")
	case opts.CertFile != "":
		files = append(files, opts.CertFile, opts.KeyFile)
		err = src.ReloadPEMFiles(opts.CertFile, opts.KeyFile, opts.KeyPassword, "")
	}
	if err != nil {
		return nil, err
	}
	trust, trustPath := src.AddTrustedCert, opts.CAFile
	if opts.TrustStore != "" {
		trustPath = opts.TrustStore
		trust = func(data []byte) error { return src.AddTrustedKeyStore(data, opts.TrustStorePassword) }
	}
	if trustPath != "" {
		files = append(files, trustPath)
		data, err := os.ReadFile(trustPath)
		if err != nil {
			return nil, err
		}
		if err := trust(data); err != nil {
			return nil, err
		}
	}
	mat, err := src.Export()
	if err != nil {
		return nil, err
	}
	defer mat.Wipe()
	m := &tlsMaterial{pool: x509.NewCertPool()}
	if mat.KeyPKCS8 != nil {
		if m.cert, err = tlsCertificate(mat.Chain, mat.KeyPKCS8); err != nil {
			return nil, err
		}
	}
	for _, der := range mat.Trusted {
		root, err := ParseCertificateDER(der)
		if err != nil {
			return nil, err
		}
		m.roots = append(m.roots, root)
		parsed, err := x509.ParseCertificate(der)
		if err != nil {
			return nil, err
		}
		m.pool.AddCert(parsed)
	}
	for _, f := range opts.CRLFiles {
		data, err := os.ReadFile(f)
		if err != nil {
			return nil, err
		}
		m.crls = append(m.crls, data)
		files = append(files, f)
	}
	for _, f := range files {
		fi, err := os.Stat(f)
		if err != nil {
			return nil, err
		}
		m.stamps = append(m.stamps, fileStamp{f, fi.Size(), fi.ModTime()})
	}
	return m, nil
}

// tlsCertificate builds Go's certificate from the exported chain and PKCS#8
// key (the caller wipes the key bytes).
func tlsCertificate(chain [][]byte, pkcs8 []byte) (*tls.Certificate, error) {
	out := &tls.Certificate{Certificate: chain}
	var err error
	if out.PrivateKey, err = x509.ParsePKCS8PrivateKey(pkcs8); err != nil {
		return nil, &Error{Code: CodeUnsupported, Message: "Go's crypto/tls cannot use this key: " + err.Error()}
	}
	if out.Leaf, err = x509.ParseCertificate(chain[0]); err != nil {
		return nil, &Error{Code: CodeUnsupported, Message: "Go's crypto/x509 cannot parse the certificate: " + err.Error()}
	}
	return out, nil
}
