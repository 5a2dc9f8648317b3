package certkit

import (
	"context"
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

	// Peer (client only) is the identity the server's certificate must
	// name: an IP address or a DNS name (the library decides which SAN type
	// applies). "": the SNI name of the connection (the ServerName of the
	// config or clone the handshake used, when it is a DNS name), else the
	// address a Dialer dialed. A client that knows none of them refuses the
	// handshake (fail closed) unless InsecureSkipIdentity is set. Go sends
	// no SNI for an IP address, so an IP ServerName is not seen by the
	// check: give the IP as Peer, or dial through a Dialer. A server
	// applies no identity to client certificates (they name users, not
	// hosts): Peer is refused there.
	Peer string

	// InsecureSkipIdentity (client only) turns the identity check off: the
	// chain, purpose and CRLs are still verified, but ANY certificate the
	// trust anchors issued is accepted, including another node's. With a
	// cluster CA that means any node (or anyone holding a node's key) can
	// impersonate any other. Only for set-ups that cannot know the
	// address, and never by default.
	InsecureSkipIdentity bool

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
// Reload), RootCAs, TLS 1.2 minimum, and VerifyConnection running the
// library's peer check (certkit_ssl_verify_peer_ex, with the trust anchors
// and CRLs prepared once per load) on the server's chain: serverAuth
// purpose and the identity (TLSOptions.Peer, else the SNI name). Without
// an identity the handshake is refused with CodeInvalidArgument naming
// the options; to check the address dialed, use NewDialer instead.
//
// certkit's verifier replaces Go's: InsecureSkipVerify is true so that Go's
// own verifier (which needs a ServerName and gives different reasons) does
// not run first, and VerifyConnection, which Go calls on every handshake
// including resumed ones, refuses any chain certkit refuses with certkit's
// *Error (errors.Is(err, ErrIdentityMismatch), ...). Keep VerifyConnection
// when you adjust the returned config.
func ClientTLSConfig(opts TLSOptions) (*tls.Config, error) {
	cfg, _, err := clientTLSConfig(opts)
	return cfg, err
}

func clientTLSConfig(opts TLSOptions) (*tls.Config, *tlsState, error) {
	if opts.Peer != "" && opts.InsecureSkipIdentity {
		return nil, nil, &Error{Code: CodeInvalidArgument, Message: "give Peer or InsecureSkipIdentity, not both"}
	}
	st, m, err := newTLSState(opts)
	if err != nil {
		return nil, nil, err
	}
	if m.trusted == 0 {
		return nil, nil, &Error{Code: CodeInvalidArgument, Message: "ClientTLSConfig needs TrustStore or CAFile"}
	}
	cfg := &tls.Config{
		MinVersion:         tls.VersionTLS12,
		RootCAs:            m.pool,
		InsecureSkipVerify: true, // certkit verifies in VerifyConnection
		VerifyConnection: func(cs tls.ConnectionState) error {
			return st.verifyServer(cs, "")
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
	return cfg, st, nil
}

// ServerTLSConfig returns a *tls.Config for a TLS server: its certificate
// (Certificates, or GetCertificate with Reload), ClientCAs, TLS 1.2
// minimum, a required client certificate (unless ClientCertOptional) and
// VerifyConnection running the library's peer check on the client's chain
// (clientAuth purpose, the trust anchors and CRLs; no identity: client
// certificates name users, not hosts, so TLSOptions.Peer is refused here).
// ClientAuth is RequestClientCert so that Go's verifier does not run first;
// VerifyConnection refuses a missing certificate (CodeNotFound) and every
// chain certkit refuses, with certkit's reason.
func ServerTLSConfig(opts TLSOptions) (*tls.Config, error) {
	st, m, err := newTLSState(opts)
	if err != nil {
		return nil, err
	}
	if opts.Peer != "" || opts.InsecureSkipIdentity {
		return nil, &Error{Code: CodeInvalidArgument, Message: "Peer and InsecureSkipIdentity are client options: a server applies no identity to client certificates"}
	}
	if m.cert == nil {
		return nil, &Error{Code: CodeInvalidArgument, Message: "ServerTLSConfig needs KeyStore or CertFile and KeyFile"}
	}
	if m.trusted == 0 {
		return nil, &Error{Code: CodeInvalidArgument, Message: "ServerTLSConfig needs TrustStore or CAFile to verify clients"}
	}
	cfg := &tls.Config{
		MinVersion: tls.VersionTLS12,
		ClientCAs:  m.pool,
		// Requested, and required by VerifyConnection unless optional, so
		// that a missing certificate is certkit's CodeNotFound too.
		ClientAuth: tls.RequestClientCert,
		VerifyConnection: func(cs tls.ConnectionState) error {
			return st.verifyPeer(cs, PurposeClientAuth, "", opts.ClientCertOptional)
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

// Dialer connects to TLS servers and checks each server's certificate
// against the address it dialed (when neither TLSOptions.Peer nor a DNS
// ServerName names the server): one Dialer serves every node of a cluster.
// It is what a driver's dial hook calls, e.g. gocql's HostDialer (see
// docs/CASSANDRA.md).
type Dialer struct {
	// Config is the base client config (from the same TLSOptions); adjust
	// it before the first dial, keeping its VerifyConnection.
	Config *tls.Config
	// NetDialer makes the TCP connection; nil: a zero net.Dialer.
	NetDialer *net.Dialer
	st        *tlsState
}

// NewDialer returns a Dialer for the client material and checks of |opts|
// (as ClientTLSConfig).
func NewDialer(opts TLSOptions) (*Dialer, error) {
	cfg, st, err := clientTLSConfig(opts)
	if err != nil {
		return nil, err
	}
	return &Dialer{Config: cfg, st: st}, nil
}

// Dial is DialContext with context.Background().
func (d *Dialer) Dial(network, addr string) (net.Conn, error) {
	return d.DialContext(context.Background(), network, addr)
}

// DialContext dials |addr|, does the TLS handshake (with |addr|'s host as
// ServerName unless Config sets one; Go sends it as SNI only when it is a
// DNS name) and returns the *tls.Conn. The server's certificate must name
// TLSOptions.Peer, else the SNI name, else the IP address of the remote end
// of this connection; a certificate for another node is refused with
// ErrIdentityMismatch.
func (d *Dialer) DialContext(ctx context.Context, network, addr string) (net.Conn, error) {
	if d == nil || d.Config == nil || d.st == nil {
		return nil, &Error{Code: CodeInvalidArgument, Message: "use NewDialer to make a certkit Dialer"}
	}
	nd := d.NetDialer
	if nd == nil {
		nd = &net.Dialer{}
	}
	raw, err := nd.DialContext(ctx, network, addr)
	if err != nil {
		return nil, err
	}
	remote, _, err := net.SplitHostPort(raw.RemoteAddr().String())
	if err != nil {
		raw.Close()
		return nil, err
	}
	cfg := d.Config.Clone()
	if cfg.ServerName == "" {
		if host, _, err := net.SplitHostPort(addr); err == nil {
			cfg.ServerName = host
		}
	}
	cfg.VerifyConnection = func(cs tls.ConnectionState) error {
		return d.st.verifyServer(cs, remote)
	}
	conn := tls.Client(raw, cfg)
	if err := conn.HandshakeContext(ctx); err != nil {
		raw.Close()
		return nil, err
	}
	return conn, nil
}

// errNoIdentity is the refusal of a client that knows no server identity.
var errNoIdentity = &Error{Code: CodeInvalidArgument, Message: "certkit refuses the TLS handshake: " +
	"the client knows no identity to check the server's certificate against, so any certificate " +
	"the trust anchors issued (another node's) would be accepted. Set TLSOptions.Peer to the " +
	"server's IP address or DNS name, set ServerName to its DNS name (Go sends no SNI for an IP " +
	"address, so an IP ServerName is not seen), dial through certkit's Dialer (NewDialer), which " +
	"checks the address it dialed, or set TLSOptions.InsecureSkipIdentity to accept any node"}

// verifyServer is a client's check of the server: the identity is Peer,
// else the SNI name, else |dialed| (a Dialer's remote address).
func (st *tlsState) verifyServer(cs tls.ConnectionState, dialed string) error {
	peer := st.opts.Peer
	if peer == "" {
		peer = cs.ServerName
	}
	if peer == "" {
		peer = dialed
	}
	if peer == "" && !st.opts.InsecureSkipIdentity {
		return errNoIdentity
	}
	return st.verifyPeer(cs, PurposeServerAuth, peer, false)
}

// tlsMaterial is one loaded generation of key and trust material.
type tlsMaterial struct {
	cert *tls.Certificate // nil: no key material
	// verifier is the library's CertkitSsl holding the trust anchors, CRLs
	// and verification flags, prepared once per load: every handshake's
	// peer check runs in it (certkit_ssl_verify_peer_ex).
	verifier *Ssl
	trusted  int            // number of trust anchors
	pool     *x509.CertPool // the same anchors for Go (RootCAs/ClientCAs)
	stamps   []fileStamp
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

// verifyPeer runs the library's peer check, prepared in the material, on
// the chain the peer sent. The identity rules (IP or DNS name, which SAN
// type) are the library's.
func (st *tlsState) verifyPeer(cs tls.ConnectionState, purpose Purpose, peer string, optional bool) error {
	if len(cs.PeerCertificates) == 0 {
		if optional {
			return nil
		}
		return &Error{Code: CodeNotFound, Message: "the peer sent no certificate"}
	}
	m := st.get()
	ders := make([][]byte, len(cs.PeerCertificates))
	for i, pc := range cs.PeerCertificates {
		ders[i] = pc.Raw
	}
	return m.verifier.VerifyPeerAs(ders, peer, purpose)
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
	keep := false
	defer func() {
		if !keep {
			src.Close()
		}
	}()
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
	m := &tlsMaterial{pool: x509.NewCertPool(), verifier: src, trusted: len(mat.Trusted)}
	if mat.KeyPKCS8 != nil {
		if m.cert, err = tlsCertificate(mat.Chain, mat.KeyPKCS8); err != nil {
			return nil, err
		}
	}
	for _, der := range mat.Trusted {
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
		if err := src.AddCRL(data); err != nil {
			return nil, err
		}
		files = append(files, f)
	}
	// A client checks the server's identity (the library's rule for an IP
	// or a DNS name) unless told not to; a server checks no identity.
	flags := VerifyPeerCert | VerifyPeerIdentity
	if opts.InsecureSkipIdentity {
		flags = VerifyPeerCert
	}
	src.SetVerifyFlags(flags)
	for _, f := range files {
		fi, err := os.Stat(f)
		if err != nil {
			return nil, err
		}
		m.stamps = append(m.stamps, fileStamp{f, fi.Size(), fi.ModTime()})
	}
	keep = true
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
