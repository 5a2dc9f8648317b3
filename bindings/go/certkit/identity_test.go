package certkit

// Issue #20: a client checks the server's identity through the library's
// peer check (CertkitSsl), in real handshakes on loopback; a client that
// knows no identity refuses the handshake instead of accepting any node.

import (
	"bufio"
	"context"
	"crypto/tls"
	"errors"
	"io"
	"net"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// otherNode serves another node's valid certificate (same CA, IP
// 10.9.9.9, DNS other.example) on 127.0.0.1.
func (p tlsPKI) otherNode(t *testing.T) *goServer {
	return startGoServer(t, p.server(t, func(o *TLSOptions) { o.KeyStore = p.path("other.jks") }))
}

// noIdentity is a client config that names no server.
func (p tlsPKI) noIdentity(t *testing.T) *tls.Config {
	return p.client(t, func(o *TLSOptions) { o.Peer = "" })
}

// exchange sends "hello\n" on an established connection and reads the reply.
func exchange(conn net.Conn) (string, error) {
	_ = conn.SetDeadline(time.Now().Add(20 * time.Second))
	if _, err := io.WriteString(conn, "hello\n"); err != nil {
		return "", err
	}
	return bufio.NewReader(conn).ReadString('\n')
}

// netDialTLSClient is how gocql and other drivers connect: net.Dial, then
// tls.Client on the connection with the config as given.
func netDialTLSClient(addr string, cfg *tls.Config) error {
	raw, err := net.DialTimeout("tcp", addr, 20*time.Second)
	if err != nil {
		return err
	}
	defer raw.Close()
	conn := tls.Client(raw, cfg)
	if err := conn.Handshake(); err != nil {
		return err
	}
	_, err = exchange(conn)
	return err
}

func wantNoIdentity(t *testing.T, what string, err error) {
	t.Helper()
	if !errors.Is(err, ErrInvalidArgument) {
		t.Errorf("%s: want the no-identity refusal (ErrInvalidArgument), got %v", what, err)
		return
	}
	for _, option := range []string{"TLSOptions.Peer", "ServerName", "NewDialer", "InsecureSkipIdentity"} {
		if !strings.Contains(err.Error(), option) {
			t.Errorf("%s: the refusal should name %s: %v", what, option, err)
		}
	}
}

func TestIdentityAnotherNodeIsRefused(t *testing.T) {
	defer fatalOnPanic(t)
	p := makeTLSPKI(t)

	// Peer names the node: the other node's certificate is a mismatch.
	s := p.otherNode(t)
	_, _, err := roundTrip(s.addr, p.client(t, nil))
	s.wait()
	var ce *Error
	if !errors.Is(err, ErrIdentityMismatch) || !errors.As(err, &ce) || ce.Code != CodeIdentityMismatch ||
		!strings.Contains(ce.Message, "10.9.9.9") {
		t.Errorf("Peer 127.0.0.1 against another node: want ErrIdentityMismatch naming 10.9.9.9, got %v", err)
	}

	// No identity: tls.Dial to an IP (Go clones the config with that
	// ServerName and sends no SNI) is refused, not accepted.
	s = p.otherNode(t)
	_, _, err = roundTrip(s.addr, p.noIdentity(t))
	s.wait()
	wantNoIdentity(t, "tls.Dial 127.0.0.1 without identity", err)

	// net.Dial + tls.Client (as gocql does) without identity.
	s = p.otherNode(t)
	err = netDialTLSClient(s.addr, p.noIdentity(t))
	s.wait()
	wantNoIdentity(t, "net.Dial+tls.Client without identity", err)

	// A clone with an IP ServerName: the check cannot see it (no SNI), so
	// it refuses rather than accept any node.
	s = p.otherNode(t)
	clone := p.noIdentity(t).Clone()
	clone.ServerName = "127.0.0.1"
	err = netDialTLSClient(s.addr, clone)
	s.wait()
	wantNoIdentity(t, "clone with ServerName 127.0.0.1", err)

	// A clone with a DNS ServerName: sent as SNI, read from the
	// ConnectionState, and checked.
	s = p.otherNode(t)
	clone = p.noIdentity(t).Clone()
	clone.ServerName = "db.example"
	_, _, err = roundTrip(s.addr, clone)
	s.wait()
	if !errors.Is(err, ErrIdentityMismatch) || !strings.Contains(err.Error(), "db.example") {
		t.Errorf("clone with ServerName db.example: want ErrIdentityMismatch, got %v", err)
	}

	// The Dialer checks the address it dialed.
	s = p.otherNode(t)
	d := must(NewDialer(TLSOptions{KeyStore: p.path("client.p12"), KeyStorePassword: storePass,
		TrustStore: p.path("truststore.p12"), TrustStorePassword: storePass}))
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	conn, err := d.DialContext(ctx, "tcp", s.addr)
	if conn != nil {
		conn.Close()
	}
	s.wait()
	if !errors.Is(err, ErrIdentityMismatch) || !strings.Contains(err.Error(), "127.0.0.1") ||
		!strings.Contains(err.Error(), "10.9.9.9") {
		t.Errorf("Dialer to 127.0.0.1 serving another node: want ErrIdentityMismatch, got %v", err)
	}
}

func TestIdentityTheRightNodeIsAccepted(t *testing.T) {
	defer fatalOnPanic(t)
	p := makeTLSPKI(t)

	// The Dialer against the node (SAN IP 127.0.0.1), one Dialer for
	// several connections.
	d := must(NewDialer(TLSOptions{KeyStore: p.path("client.p12"), KeyStorePassword: storePass,
		TrustStore: p.path("truststore.p12"), TrustStorePassword: storePass}))
	for i := 0; i < 2; i++ {
		s := startGoServer(t, p.server(t, nil))
		conn, err := d.Dial("tcp", s.addr)
		if err != nil {
			t.Fatalf("Dialer to the node: %v", err)
		}
		if reply, err := exchange(conn); err != nil || reply != "echo:hello\n" {
			t.Errorf("Dialer: reply %q, %v", reply, err)
		}
		conn.Close()
		if s.wait(); s.err != nil {
			t.Errorf("server: %v", s.err)
		}
	}
	// The same node reached at 127.0.0.2 is not 127.0.0.1: refused.
	ln, err := tls.Listen("tcp", "127.0.0.2:0", p.server(t, nil))
	if err == nil {
		go func() {
			if c, err := ln.Accept(); err == nil {
				_ = c.(*tls.Conn).Handshake()
				c.Close()
			}
		}()
		_, err = d.Dial("tcp", ln.Addr().String())
		ln.Close()
		if !errors.Is(err, ErrIdentityMismatch) || !strings.Contains(err.Error(), "127.0.0.2") {
			t.Errorf("Dialer to 127.0.0.2: want ErrIdentityMismatch, got %v", err)
		}
	}

	// net.Dial + tls.Client with Peer.
	s := startGoServer(t, p.server(t, nil))
	if err := netDialTLSClient(s.addr, p.client(t, nil)); err != nil {
		t.Errorf("net.Dial+tls.Client with Peer: %v", err)
	}
	s.wait()

	// A clone with the other node's DNS name, against the other node.
	s = p.otherNode(t)
	clone := p.noIdentity(t).Clone()
	clone.ServerName = "other.example"
	if reply, _, err := roundTrip(s.addr, clone); err != nil || reply != "echo:hello\n" {
		t.Errorf("clone with ServerName other.example: reply %q, %v", reply, err)
	}
	s.wait()
}

func TestIdentityExplicitOptOut(t *testing.T) {
	defer fatalOnPanic(t)
	p := makeTLSPKI(t)
	skip := func(o *TLSOptions) { o.Peer, o.InsecureSkipIdentity = "", true }
	s := p.otherNode(t)
	if reply, _, err := roundTrip(s.addr, p.client(t, skip)); err != nil || reply != "echo:hello\n" {
		t.Errorf("InsecureSkipIdentity: reply %q, %v", reply, err)
	}
	s.wait()
	// The chain is still checked.
	s = p.otherNode(t)
	_, _, err := roundTrip(s.addr, p.client(t, func(o *TLSOptions) {
		skip(o)
		o.TrustStore, o.CAFile = "", p.path("stranger.crt")
	}))
	s.wait()
	if !errors.Is(err, ErrUnknownIssuer) {
		t.Errorf("InsecureSkipIdentity with another CA: want ErrUnknownIssuer, got %v", err)
	}
	// Contradictions and server-side identity options are refused.
	if _, err := ClientTLSConfig(TLSOptions{CAFile: p.path("ca.crt"), Peer: "127.0.0.1", InsecureSkipIdentity: true}); !errors.Is(err, ErrInvalidArgument) {
		t.Errorf("Peer and InsecureSkipIdentity: %v", err)
	}
	if _, err := ServerTLSConfig(TLSOptions{KeyStore: p.path("node.jks"), KeyStorePassword: storePass,
		CAFile: p.path("ca.crt"), Peer: "127.0.0.1"}); !errors.Is(err, ErrInvalidArgument) {
		t.Errorf("server with Peer: %v", err)
	}
}

// TestBindingHasNoPolicyOfItsOwn: whether a name is an IP address, which
// SAN type it must match, and which anchors and CRLs apply are the
// library's decisions (CertkitSsl, certkit_ssl_verify_peer_ex). The Go
// sources must not classify addresses, and the TLS configs must not verify
// with anchor lists of their own.
func TestBindingHasNoPolicyOfItsOwn(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	classify := regexp.MustCompile(`net\.ParseIP|net\.ParseCIDR|netip\.|\.To4\(\)|\.To16\(\)|net\.IP\b|LookupHost|LookupIP`)
	seen := 0
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		seen++
		for i, line := range strings.Split(string(data), "\n") {
			code := line
			if j := strings.Index(code, "//"); j >= 0 {
				code = code[:j]
			}
			if classify.MatchString(code) {
				t.Errorf("%s:%d classifies addresses itself: %s", f, i+1, strings.TrimSpace(line))
			}
		}
		if f == "tlsconfig.go" {
			for _, pattern := range []string{"VerifyOptions{", ".Verify(", "Roots:", "CRLs:", "ParseCertificateDER("} {
				if strings.Contains(string(data), pattern) {
					t.Errorf("tlsconfig.go verifies with its own policy (%s)", pattern)
				}
			}
			if !strings.Contains(string(data), "VerifyPeerAs(") {
				t.Error("tlsconfig.go should verify peers through the library's CertkitSsl (VerifyPeerAs)")
			}
		}
		if f == "ssl.go" && !strings.Contains(string(data), "certkit_ssl_verify_peer_ex") {
			t.Error("ssl.go should call certkit_ssl_verify_peer_ex")
		}
	}
	if seen < 5 {
		t.Fatalf("only %d sources scanned", seen)
	}
}
