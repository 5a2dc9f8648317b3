package certkit

import (
	"bufio"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// tlsPKI is a cluster CA with a node (IP:127.0.0.1), another node
// (IP:10.9.9.9, DNS:other.example) and a client (CN=app) in JKS, PKCS#12
// and PEM form, plus a client of another CA.
type tlsPKI struct {
	dir string
	ca  *CertificateAuthority
}

func (p tlsPKI) path(name string) string { return filepath.Join(p.dir, name) }

func issueTo(t *testing.T, ca *CertificateAuthority, dir, name, subject string, profile Profile, sans []string) {
	issueKeyTo(t, "ec:p256", ca, dir, name, subject, profile, sans)
}

func issueKeyTo(t *testing.T, spec string, ca *CertificateAuthority, dir, name, subject string, profile Profile, sans []string) {
	key := must(GenerateKey(spec))
	cert := must(ca.SignKey(key, profile, &IssueOptions{Subject: subject, SANs: sans, Days: 30}))
	caCert := must(ca.Certificate())
	store := must(NewKeyStore())
	defer store.Close()
	if err := store.SetKeyEntry(name, key, []*Certificate{cert, caCert}); err != nil {
		t.Fatal(err)
	}
	for _, f := range []struct {
		ext    string
		format StoreFormat
	}{{".jks", StoreJKS}, {".p12", StorePKCS12}} {
		if err := store.SaveFile(filepath.Join(dir, name+f.ext), f.format, storePass, 0); err != nil {
			t.Fatal(err)
		}
	}
	write(t, filepath.Join(dir, name+".crt"), must(cert.PEM())+must(caCert.PEM()))
	write(t, filepath.Join(dir, name+".key"), must(key.EncryptedPEM(storePass)))
	write(t, filepath.Join(dir, name+".plain.key"), must(key.PEM(FormatPKCS8)))
}

func makeTLSPKI(t *testing.T) tlsPKI {
	dir := t.TempDir()
	ca := must(CreateRootCA(CAOptions{Subject: "CN=Cluster CA, O=certkit", KeySpec: "ec:p256"}))
	other := must(CreateRootCA(CAOptions{Subject: "CN=Other CA, O=certkit", KeySpec: "ec:p256"}))
	issueTo(t, ca, dir, "node", "CN=127.0.0.1, O=certkit", ProfileNode, []string{"IP:127.0.0.1"})
	issueTo(t, ca, dir, "client", "CN=app, O=certkit", ProfileClient, nil)
	issueTo(t, ca, dir, "serveronly", "CN=serveronly, O=certkit", ProfileServer, []string{"IP:127.0.0.1"})
	// Another node of the same CA: a valid certificate for someone else.
	issueTo(t, ca, dir, "other", "CN=other, O=certkit", ProfileNode, []string{"IP:10.9.9.9", "DNS:other.example"})
	issueTo(t, other, dir, "stranger", "CN=app, O=certkit", ProfileClient, nil)
	trust := must(NewKeyStore())
	defer trust.Close()
	if err := trust.AddTrustedCertificate("ca", must(ca.Certificate())); err != nil {
		t.Fatal(err)
	}
	for _, f := range []struct {
		name   string
		format StoreFormat
	}{{"truststore.jks", StoreJKS}, {"truststore.p12", StorePKCS12}} {
		if err := trust.SaveFile(filepath.Join(dir, f.name), f.format, storePass, 0); err != nil {
			t.Fatal(err)
		}
	}
	write(t, filepath.Join(dir, "ca.crt"), must(must(ca.Certificate()).PEM()))
	return tlsPKI{dir, ca}
}

func (p tlsPKI) server(t *testing.T, mod func(*TLSOptions)) *tls.Config {
	o := TLSOptions{KeyStore: p.path("node.jks"), KeyStorePassword: storePass,
		TrustStore: p.path("truststore.jks"), TrustStorePassword: storePass}
	if mod != nil {
		mod(&o)
	}
	return must(ServerTLSConfig(o))
}

func (p tlsPKI) client(t *testing.T, mod func(*TLSOptions)) *tls.Config {
	o := TLSOptions{KeyStore: p.path("client.p12"), KeyStorePassword: storePass,
		TrustStore: p.path("truststore.p12"), TrustStorePassword: storePass, Peer: "127.0.0.1"}
	if mod != nil {
		mod(&o)
	}
	return must(ClientTLSConfig(o))
}

// goServer accepts one connection, echoes one line and reports the
// server-side handshake error (nil on success) and the client's subject.
type goServer struct {
	addr    string
	done    chan struct{}
	err     error
	subject string
}

func startGoServer(t *testing.T, cfg *tls.Config) *goServer {
	ln, err := tls.Listen("tcp", "127.0.0.1:0", cfg)
	if err != nil {
		t.Fatal(err)
	}
	s := &goServer{addr: ln.Addr().String(), done: make(chan struct{})}
	go func() {
		defer close(s.done)
		defer ln.Close()
		conn, err := ln.Accept()
		if err != nil {
			s.err = err
			return
		}
		defer conn.Close()
		tc := conn.(*tls.Conn)
		_ = tc.SetDeadline(time.Now().Add(20 * time.Second))
		if s.err = tc.Handshake(); s.err != nil {
			return
		}
		if pcs := tc.ConnectionState().PeerCertificates; len(pcs) > 0 {
			s.subject = pcs[0].Subject.CommonName
		}
		line, err := bufio.NewReader(tc).ReadString('\n')
		if err != nil {
			s.err = err
			return
		}
		_, s.err = io.WriteString(tc, "echo:"+line)
	}()
	return s
}

func (s *goServer) wait() *goServer {
	select {
	case <-s.done:
	case <-time.After(30 * time.Second):
		s.err = errors.New("server timed out")
	}
	return s
}

// roundTrip dials |addr|, sends "hello\n" and returns the reply.
func roundTrip(addr string, cfg *tls.Config) (string, *tls.Conn, error) {
	d := &net.Dialer{Timeout: 20 * time.Second}
	conn, err := tls.DialWithDialer(d, "tcp", addr, cfg)
	if err != nil {
		return "", nil, err
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(20 * time.Second))
	if _, err := io.WriteString(conn, "hello\n"); err != nil {
		return "", conn, err
	}
	line, err := bufio.NewReader(conn).ReadString('\n')
	return line, conn, err
}

func TestTLSConfigMutualGoPeers(t *testing.T) {
	defer fatalOnPanic(t)
	p := makeTLSPKI(t)
	server := p.server(t, nil)
	if server.MinVersion != tls.VersionTLS12 || server.ClientCAs == nil || len(server.Certificates) != 1 {
		t.Fatalf("server config: %+v", server)
	}
	client := p.client(t, nil)
	if client.MinVersion != tls.VersionTLS12 || client.RootCAs == nil || client.VerifyConnection == nil ||
		client.GetClientCertificate == nil {
		t.Fatalf("client config: %+v", client)
	}
	s := startGoServer(t, server)
	reply, _, err := roundTrip(s.addr, client)
	if err != nil || reply != "echo:hello\n" {
		t.Fatalf("reply %q, %v", reply, err)
	}
	if s.wait(); s.err != nil || s.subject != "app" {
		t.Fatalf("server: %v, client subject %q", s.err, s.subject)
	}
}

func TestTLSConfigKeyTypes(t *testing.T) {
	defer fatalOnPanic(t)
	for _, spec := range []string{"rsa:2048", "ec:p384", "ed25519"} {
		p := makeTLSPKI(t)
		issueKeyTo(t, spec, p.ca, p.dir, "node", "CN=127.0.0.1, O=certkit", ProfileNode, []string{"IP:127.0.0.1"})
		issueKeyTo(t, spec, p.ca, p.dir, "client", "CN=app, O=certkit", ProfileClient, nil)
		s := startGoServer(t, p.server(t, nil))
		reply, _, err := roundTrip(s.addr, p.client(t, nil))
		if s.wait(); err != nil || s.err != nil || reply != "echo:hello\n" {
			t.Errorf("%s: reply %q, client %v, server %v", spec, reply, err, s.err)
		}
	}
}

func TestTLSConfigPEMFilesWithEncryptedKeys(t *testing.T) {
	defer fatalOnPanic(t)
	p := makeTLSPKI(t)
	server := must(ServerTLSConfig(TLSOptions{CertFile: p.path("node.crt"), KeyFile: p.path("node.key"),
		KeyPassword: storePass, CAFile: p.path("ca.crt")}))
	client := must(ClientTLSConfig(TLSOptions{CertFile: p.path("client.crt"), KeyFile: p.path("client.key"),
		KeyPassword: storePass, CAFile: p.path("ca.crt"), Peer: "127.0.0.1"}))
	s := startGoServer(t, server)
	if reply, _, err := roundTrip(s.addr, client); err != nil || reply != "echo:hello\n" {
		t.Fatalf("reply %q, %v", reply, err)
	}
	if s.wait().err != nil {
		t.Fatal(s.err)
	}
}

func TestTLSConfigWrongAddressGivesCertkitReason(t *testing.T) {
	defer fatalOnPanic(t)
	p := makeTLSPKI(t)
	s := startGoServer(t, p.server(t, nil))
	_, _, err := roundTrip(s.addr, p.client(t, func(o *TLSOptions) { o.Peer = "10.9.9.9" }))
	if !errors.Is(err, ErrIdentityMismatch) {
		t.Fatalf("want ErrIdentityMismatch, got %v", err)
	}
	var ce *Error
	if !errors.As(err, &ce) || !strings.Contains(ce.Message, "10.9.9.9") || !strings.Contains(ce.Message, "127.0.0.1") {
		t.Fatalf("message should name both addresses: %v", err)
	}
	s.wait()
}

// TestTLSConfigServerNameIsTheIdentity: a DNS ServerName is sent as SNI
// and checked; an IP ServerName is not sent (Go sends no SNI for an IP), so
// the check cannot see it and the handshake is refused for want of an
// identity (fail closed), never checked against another config's name.
func TestTLSConfigServerNameIsTheIdentity(t *testing.T) {
	defer fatalOnPanic(t)
	p := makeTLSPKI(t)
	for _, c := range []struct {
		name string
		want error
	}{{"db.example", ErrIdentityMismatch}, {"10.9.9.9", ErrInvalidArgument}, {"127.0.0.1", ErrInvalidArgument}} {
		s := startGoServer(t, p.server(t, nil))
		client := p.client(t, func(o *TLSOptions) { o.Peer = "" })
		client.ServerName = c.name
		_, _, err := roundTrip(s.addr, client)
		if !errors.Is(err, c.want) || (errors.Is(err, ErrIdentityMismatch) && !strings.Contains(err.Error(), c.name)) {
			t.Errorf("ServerName %s: got %v, want %v", c.name, err, c.want)
		}
		s.wait()
	}
}

func TestTLSConfigRefusesClients(t *testing.T) {
	defer fatalOnPanic(t)
	p := makeTLSPKI(t)
	cases := []struct {
		name   string
		client *tls.Config
		want   error
	}{
		{"another CA", p.client(t, func(o *TLSOptions) { o.KeyStore = p.path("stranger.jks") }), ErrUnknownIssuer},
		{"no certificate", p.client(t, func(o *TLSOptions) { o.KeyStore = "" }), ErrNotFound},
		{"serverAuth-only certificate", p.client(t, func(o *TLSOptions) { o.KeyStore = p.path("serveronly.p12") }), ErrWrongPurpose},
	}
	for _, c := range cases {
		s := startGoServer(t, p.server(t, nil))
		reply, _, err := roundTrip(s.addr, c.client)
		if err == nil {
			t.Errorf("%s: the client got %q", c.name, reply)
		}
		if s.wait(); !errors.Is(s.err, c.want) {
			t.Errorf("%s: server error %v, want %v", c.name, s.err, c.want)
		}
	}
}

func TestTLSConfigUnknownServerCA(t *testing.T) {
	defer fatalOnPanic(t)
	p := makeTLSPKI(t)
	s := startGoServer(t, p.server(t, nil))
	_, _, err := roundTrip(s.addr, p.client(t, func(o *TLSOptions) {
		o.TrustStore, o.CAFile = "", p.path("stranger.crt")
	}))
	if !errors.Is(err, ErrUnknownIssuer) {
		t.Fatalf("want ErrUnknownIssuer, got %v", err)
	}
	s.wait()
}

func TestTLSConfigErrors(t *testing.T) {
	p := makeTLSPKI(t)
	_, err := ClientTLSConfig(TLSOptions{KeyStore: p.path("client.jks"), KeyStorePassword: "wrong", CAFile: p.path("ca.crt")})
	if !errors.Is(err, ErrBadPassword) {
		t.Errorf("wrong store password: %v", err)
	}
	_, err = ClientTLSConfig(TLSOptions{CertFile: p.path("client.crt"), KeyFile: p.path("node.key"), KeyPassword: storePass, CAFile: p.path("ca.crt")})
	if !errors.Is(err, ErrKeyMismatch) {
		t.Errorf("key of another certificate: %v", err)
	}
	_, err = ServerTLSConfig(TLSOptions{KeyStore: p.path("truststore.jks"), KeyStorePassword: storePass, CAFile: p.path("ca.crt")})
	if !errors.Is(err, ErrNotFound) {
		t.Errorf("trust store as key store: %v", err)
	}
	_, err = ClientTLSConfig(TLSOptions{KeyStore: p.path("client.jks"), KeyStorePassword: storePass})
	if !errors.Is(err, ErrInvalidArgument) {
		t.Errorf("no trust: %v", err)
	}
}

func TestTLSConfigReloadsRotatedKeyStore(t *testing.T) {
	defer fatalOnPanic(t)
	p := makeTLSPKI(t)
	store := filepath.Join(t.TempDir(), "node.p12")
	data, err := os.ReadFile(p.path("node.p12"))
	if err != nil {
		t.Fatal(err)
	}
	write(t, store, string(data))
	var mu sync.Mutex
	var reloadErrs []error
	server := p.server(t, func(o *TLSOptions) {
		o.KeyStore, o.Reload, o.ReloadInterval = store, true, time.Millisecond
		o.OnReloadError = func(err error) { mu.Lock(); reloadErrs = append(reloadErrs, err); mu.Unlock() }
	})
	serial := func() string {
		s := startGoServer(t, server)
		_, conn, err := roundTrip(s.addr, p.client(t, nil))
		if s.wait(); err != nil || s.err != nil {
			t.Fatalf("handshake: %v / %v", err, s.err)
		}
		return fmt.Sprintf("%x", conn.ConnectionState().PeerCertificates[0].SerialNumber)
	}
	before := serial()
	issueTo(t, p.ca, filepath.Dir(store), "node", "CN=127.0.0.1, O=rotated", ProfileNode, []string{"IP:127.0.0.1"})
	time.Sleep(5 * time.Millisecond)
	after := serial()
	rotated := must(LoadKeyStoreFile(store, storePass, StoreAuto))
	want := must(must(rotated.Certificate("node")).Serial())
	if after == before || strings.TrimLeft(after, "0") != strings.TrimLeft(want, "0") {
		t.Fatalf("serial before %s, after %s, rotated store %s", before, after, want)
	}
	// A broken file keeps the current material and is reported.
	write(t, store, "not a key store")
	time.Sleep(5 * time.Millisecond)
	if again := serial(); again != after {
		t.Fatalf("a broken store replaced the material: %s", again)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(reloadErrs) == 0 {
		t.Fatal("OnReloadError was not called")
	}
}

// startSServer runs `openssl s_server -naccept 1 -rev` and returns its address.
func startSServer(t *testing.T, args ...string) (string, *exec.Cmd, *strings.Builder) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	cmd := exec.Command("openssl", append([]string{"s_server", "-accept", addr, "-naccept", "1", "-rev"}, args...)...)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = cmd.Stdout
	if err := cmd.Start(); err != nil {
		t.Fatalf("openssl s_server: %v", err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	log := &strings.Builder{}
	r := bufio.NewReader(out)
	for {
		line, err := r.ReadString('\n')
		log.WriteString(line)
		if strings.HasPrefix(line, "ACCEPT") {
			go func() { _, _ = io.Copy(log, r) }()
			return addr, cmd, log
		}
		if err != nil {
			t.Fatalf("openssl s_server did not start: %s", log)
		}
	}
}

func TestTLSConfigAgainstOpenSSLServer(t *testing.T) {
	defer fatalOnPanic(t)
	p := makeTLSPKI(t)
	addr, _, _ := startSServer(t, "-cert", p.path("node.crt"), "-key", p.path("node.plain.key"),
		"-CAfile", p.path("ca.crt"), "-Verify", "2", "-verify_return_error")
	reply, _, err := roundTrip(addr, p.client(t, func(o *TLSOptions) {
		o.KeyStore, o.KeyStorePassword = p.path("client.jks"), storePass
	}))
	if err != nil || reply != "olleh\n" {
		t.Fatalf("reply %q, %v", reply, err)
	}
}

func TestTLSConfigAgainstOpenSSLClient(t *testing.T) {
	defer fatalOnPanic(t)
	p := makeTLSPKI(t)
	s := startGoServer(t, p.server(t, func(o *TLSOptions) {
		o.KeyStore, o.TrustStore = p.path("node.p12"), p.path("truststore.p12")
	}))
	out := run(t, "ping\n", "openssl", "s_client", "-connect", s.addr, "-quiet",
		"-cert", p.path("client.crt"), "-key", p.path("client.plain.key"),
		"-CAfile", p.path("ca.crt"), "-verify_return_error", "-verify_ip", "127.0.0.1")
	if s.wait(); s.err != nil || !strings.Contains(out, "echo:ping") || s.subject != "app" {
		t.Fatalf("server %v, subject %q, s_client output %q", s.err, s.subject, out)
	}
	// Without a client certificate: refused with certkit's reason.
	s = startGoServer(t, p.server(t, nil))
	cmd := exec.Command("openssl", "s_client", "-connect", s.addr, "-quiet", "-CAfile", p.path("ca.crt"))
	cmd.Stdin = strings.NewReader("ping\n")
	outBytes, _ := cmd.CombinedOutput()
	if s.wait(); !errors.Is(s.err, ErrNotFound) || strings.Contains(string(outBytes), "echo:ping") {
		t.Fatalf("no-certificate client: server %v, s_client %q", s.err, outBytes)
	}
}

// TestTLSConfigCRLRefusesRevokedServer: a CRL made by `openssl ca -gencrl`
// that revokes the node's certificate makes the client refuse the server in
// a real handshake with ErrCertRevoked; a CRL that lists nothing does not,
// and with Reload a re-published CRL is picked up.
func TestTLSConfigCRLRefusesRevokedServer(t *testing.T) {
	defer fatalOnPanic(t)
	p := makeTLSPKI(t)
	dir := t.TempDir()
	q := func(name string) string { return filepath.Join(dir, name) }
	write(t, q("ca.key"), must(must(p.ca.Key()).PEM(FormatPKCS8)))
	write(t, q("ca.cnf"), "[ca]\ndefault_ca=d\n[d]\ndatabase="+q("index.txt")+"\ncrlnumber="+q("crlnumber")+
		"\ndefault_md=sha256\ndefault_crl_days=7\n")
	write(t, q("index.txt"), "")
	write(t, q("crlnumber"), "01\n")
	gencrl := func(out string) {
		run(t, "", "openssl", "ca", "-config", q("ca.cnf"), "-keyfile", q("ca.key"), "-cert", p.path("ca.crt"),
			"-gencrl", "-out", out)
	}
	crl := q("crl.pem")
	gencrl(crl)
	client := p.client(t, func(o *TLSOptions) {
		o.CRLFiles, o.Reload, o.ReloadInterval = []string{crl}, true, time.Millisecond
	})
	s := startGoServer(t, p.server(t, nil))
	if _, _, err := roundTrip(s.addr, client); err != nil || s.wait().err != nil {
		t.Fatalf("a CRL listing nothing refused the server: %v / %v", err, s.err)
	}
	run(t, "", "openssl", "ca", "-config", q("ca.cnf"), "-keyfile", q("ca.key"), "-cert", p.path("ca.crt"),
		"-revoke", p.path("node.crt"))
	gencrl(q("next.pem"))
	if err := os.Rename(q("next.pem"), crl); err != nil {
		t.Fatal(err)
	}
	time.Sleep(5 * time.Millisecond)
	s = startGoServer(t, p.server(t, nil))
	_, _, err := roundTrip(s.addr, client)
	s.wait()
	if !errors.Is(err, ErrCertRevoked) {
		t.Fatalf("revoked server: got %v, want ErrCertRevoked", err)
	}
}
