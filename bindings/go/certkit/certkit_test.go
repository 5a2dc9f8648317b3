package certkit

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

const storePass = "storepass-123"

// run executes a peer tool and fails the test when it fails.
func run(t *testing.T, stdin string, name string, args ...string) string {
	t.Helper()
	if _, err := exec.LookPath(name); err != nil {
		t.Fatalf("peer tool %s is missing", name)
	}
	cmd := exec.Command(name, args...)
	if stdin != "" {
		cmd.Stdin = strings.NewReader(stdin)
	}
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
	}
	return string(out)
}

// mustError carries a failed must() to fatalOnPanic.
type mustError struct{ err error }

// must returns v or, on error, ends the test (every test defers fatalOnPanic).
func must[T any](v T, err error) T {
	if err != nil {
		panic(mustError{err})
	}
	return v
}

// fatalOnPanic turns a failed must() into t.Fatal.
func fatalOnPanic(t *testing.T) {
	if r := recover(); r != nil {
		if e, ok := r.(mustError); ok {
			t.Fatalf("unexpected error: %v", e.err)
		}
		panic(r)
	}
}

func write(t *testing.T, path, data string) string {
	t.Helper()
	if err := os.WriteFile(path, []byte(data), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

type pki struct {
	root, inter *CertificateAuthority
	key         *PrivateKey
	leaf        *Certificate
	rootCert    *Certificate
	interCert   *Certificate
}

func makePKI(t *testing.T) pki {
	root := must(CreateRootCA(CAOptions{Subject: "CN=Go Root, O=certkit", KeySpec: "ec:p256"}))
	inter := must(root.CreateIntermediate(CAOptions{Subject: "CN=Go Intermediate, O=certkit"}))
	key := must(GenerateKey("ec:p256"))
	csr := must(NewCertificateRequest("CN=node1.example, O=certkit", key,
		[]string{"DNS:node1.example", "IP:10.0.0.1"}))
	if err := csr.VerifySignature(); err != nil {
		t.Fatal(err)
	}
	leaf := must(inter.SignCSR(csr, ProfileServer, &IssueOptions{Days: 30}))
	return pki{root, inter, key, leaf, must(root.Certificate()), must(inter.Certificate())}
}

func TestVersion(t *testing.T) {
	defer fatalOnPanic(t)
	if !regexp.MustCompile(`^\d+\.\d+\.\d+$`).MatchString(Version()) {
		t.Fatalf("version %q", Version())
	}
}

func TestEncryptedKeyLoadsInOpenSSL(t *testing.T) {
	defer fatalOnPanic(t)
	dir := t.TempDir()
	key := must(GenerateKey("rsa:2048"))
	defer key.Close()
	if bits := must(key.Bits()); bits != 2048 {
		t.Fatalf("bits %d", bits)
	}
	if typ := must(key.Type()); typ != KeyRSA {
		t.Fatalf("type %v", typ)
	}
	pem := must(key.EncryptedPEM("go-secret"))
	path := write(t, filepath.Join(dir, "k.pem"), pem)
	pub := run(t, "", "openssl", "pkey", "-in", path, "-passin", "pass:go-secret", "-pubout")
	if strings.TrimSpace(pub) != strings.TrimSpace(must(key.PublicKeyPEM())) {
		t.Fatalf("openssl sees another public key:\n%s", pub)
	}
	// Round trip and the bad-password code.
	again := must(ParsePrivateKeyPEM([]byte(pem), "go-secret"))
	if must(again.PublicKeyPEM()) != must(key.PublicKeyPEM()) {
		t.Fatal("round trip changed the key")
	}
	_, err := ParsePrivateKeyPEM([]byte(pem), "wrong-go-pw")
	var ce *Error
	if !errors.As(err, &ce) || ce.Code != CodeBadPassword {
		t.Fatalf("want bad password, got %v", err)
	}
	if !errors.Is(err, ErrBadPassword) || errors.Is(err, ErrMalformed) {
		t.Fatalf("errors.Is mismatch for %v", err)
	}
	if strings.Contains(err.Error(), "wrong-go-pw") {
		t.Fatal("message leaks the password")
	}
}

func TestOpenSSLKeyAndCertificateFields(t *testing.T) {
	defer fatalOnPanic(t)
	dir := t.TempDir()
	keyPath, certPath := filepath.Join(dir, "k.pem"), filepath.Join(dir, "c.pem")
	run(t, "", "openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-384",
		"-keyout", keyPath, "-passout", "pass:ossl-pw", "-out", certPath, "-days", "10",
		"-subj", "/O=Example/CN=db1.example", "-addext", "subjectAltName=DNS:db1.example,IP:192.168.1.5")
	keyPEM := must(os.ReadFile(keyPath))
	key := must(ParsePrivateKeyPEM(keyPEM, "ossl-pw"))
	if d := must(key.Description()); d != "EC P-384" {
		t.Fatalf("description %q", d)
	}
	cert := must(ParseCertificatePEM(must(os.ReadFile(certPath))))
	if s := must(cert.Subject()); s != "CN=db1.example, O=Example" {
		t.Fatalf("subject %q", s)
	}
	if ips := must(cert.IPAddresses()); len(ips) != 1 || ips[0] != "192.168.1.5" {
		t.Fatalf("ips %v", ips)
	}
	fp := run(t, "", "openssl", "x509", "-in", certPath, "-noout", "-fingerprint", "-sha256")
	if got := must(cert.Fingerprint(SHA256)); !strings.Contains(fp, got) {
		t.Fatalf("fingerprint %s vs openssl %s", got, fp)
	}
	if !must(cert.MatchesKey(key)) {
		t.Fatal("cert does not match its key")
	}
	if _, err := ParseCertificateDER([]byte{0x30, 0x03, 0x02, 0x01, 0x01}); !errors.Is(err, ErrMalformed) {
		t.Fatalf("want malformed, got %v", err)
	}
}

func TestSignedChainPassesOpenSSLVerifyAndVerify(t *testing.T) {
	defer fatalOnPanic(t)
	dir := t.TempDir()
	p := makePKI(t)
	root := write(t, filepath.Join(dir, "root.pem"), must(p.rootCert.PEM()))
	inter := write(t, filepath.Join(dir, "inter.pem"), must(p.interCert.PEM()))
	leaf := write(t, filepath.Join(dir, "leaf.pem"), must(p.leaf.PEM()))
	out := run(t, "", "openssl", "verify", "-CAfile", root, "-untrusted", inter,
		"-purpose", "sslserver", "-verify_ip", "10.0.0.1", leaf)
	if !strings.Contains(out, "leaf.pem: OK") {
		t.Fatalf("openssl verify: %s", out)
	}
	if ku, ok, err := p.rootCert.KeyUsage(); err != nil || !ok || ku&KeyUsageKeyCertSign == 0 {
		t.Fatalf("root key usage %b ok=%v err=%v", ku, ok, err)
	}
	if !strings.Contains(run(t, must(p.rootCert.PEM()), "openssl", "x509", "-noout", "-ext", "keyUsage"), "Certificate Sign") {
		t.Fatal("openssl does not see keyCertSign on the root")
	}
	if ku, ok, err := p.leaf.KeyUsage(); err != nil || !ok || ku&KeyUsageKeyCertSign != 0 || ku&KeyUsageDigitalSignature == 0 {
		t.Fatalf("leaf key usage %b ok=%v err=%v", ku, ok, err)
	}
	if isCA, _, err := p.interCert.BasicConstraints(); err != nil || !isCA {
		t.Fatalf("intermediate is not a CA: %v", err)
	}
	chain, err := p.leaf.Verify(VerifyOptions{Roots: []*Certificate{p.rootCert},
		Intermediates: []*Certificate{p.interCert}, IP: "10.0.0.1", Purpose: PurposeServerAuth})
	if err != nil || len(chain) != 3 {
		t.Fatalf("verify: %v (%d certs)", err, len(chain))
	}
	_, err = p.leaf.Verify(VerifyOptions{Roots: []*Certificate{p.rootCert},
		Intermediates: []*Certificate{p.interCert}, IP: "10.9.9.9"})
	if !errors.Is(err, ErrIdentityMismatch) {
		t.Fatalf("want identity mismatch, got %v", err)
	}
	if msg := err.(*Error).Message; !strings.Contains(msg, "10.9.9.9") || !strings.Contains(msg, "10.0.0.1") {
		t.Fatalf("message does not name the addresses: %q", msg)
	}
	_, err = p.leaf.Verify(VerifyOptions{Roots: []*Certificate{p.rootCert}})
	if !IsCode(err, CodeUnknownIssuer) {
		t.Fatalf("want unknown issuer, got %v", err)
	}
	notAfter := must(p.leaf.NotAfter())
	_, err = p.leaf.Verify(VerifyOptions{Roots: []*Certificate{p.rootCert},
		Intermediates: []*Certificate{p.interCert}, Time: notAfter.Add(48 * time.Hour)})
	if !errors.Is(err, ErrCertExpired) {
		t.Fatalf("want expired, got %v", err)
	}
}

func TestJKSWrittenIsListedByKeytool(t *testing.T) {
	defer fatalOnPanic(t)
	dir := t.TempDir()
	p := makePKI(t)
	store := must(NewKeyStore())
	defer store.Close()
	if err := store.SetKeyEntry("Node1", p.key, []*Certificate{p.leaf, p.interCert, p.rootCert}); err != nil {
		t.Fatal(err)
	}
	if err := store.AddTrustedCertificate("rootca", p.rootCert); err != nil {
		t.Fatal(err)
	}
	if err := store.AddTrustedCertificate("rootca", p.rootCert); !errors.Is(err, ErrAlreadyExists) {
		t.Fatalf("want already exists, got %v", err)
	}
	path := filepath.Join(dir, "node.jks")
	if err := store.SaveFile(path, StoreJKS, storePass, 0); err != nil {
		t.Fatal(err)
	}
	out := run(t, "", "keytool", "-list", "-keystore", path, "-storepass", storePass)
	if !regexp.MustCompile(`node1,.*PrivateKeyEntry`).MatchString(out) ||
		!regexp.MustCompile(`rootca,.*trustedCertEntry`).MatchString(out) {
		t.Fatalf("keytool -list:\n%s", out)
	}
	again := must(LoadKeyStoreFile(path, storePass, StoreAuto))
	if f := must(again.Format()); f != StoreJKS {
		t.Fatalf("format %v", f)
	}
	aliases := must(again.Aliases())
	if len(aliases) != 2 {
		t.Fatalf("aliases %v", aliases)
	}
	if n := len(must(again.Chain("NODE1"))); n != 3 {
		t.Fatalf("chain length %d", n)
	}
	data := must(os.ReadFile(path))
	_, err := LoadKeyStore(data, "bad-pass", StoreAuto)
	if !IsCode(err, CodeBadPassword) {
		t.Fatalf("want bad password, got %v", err)
	}
	if _, err := again.Key("nobody"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("want not found, got %v", err)
	}
}

func TestKeytoolStoreLoads(t *testing.T) {
	defer fatalOnPanic(t)
	dir := t.TempDir()
	path := filepath.Join(dir, "kt.p12")
	run(t, "", "keytool", "-genkeypair", "-keystore", path, "-storetype", "PKCS12",
		"-storepass", storePass, "-alias", "crdb", "-keyalg", "EC", "-groupname", "secp256r1",
		"-dname", "CN=crdb1, O=Example", "-validity", "30")
	store := must(LoadKeyStoreFile(path, storePass, StoreAuto))
	if typ := must(store.EntryType("crdb")); typ != EntryPrivateKey {
		t.Fatalf("entry type %v", typ)
	}
	cert := must(store.Certificate("crdb"))
	name := must(cert.SubjectName())
	if cn := must(name.Get("CN")); cn != "crdb1" {
		t.Fatalf("CN %q", cn)
	}
	key := must(store.Key("crdb"))
	if !must(cert.MatchesKey(key)) {
		t.Fatal("key does not match")
	}
	jks := must(ConvertKeyStore(must(os.ReadFile(path)), storePass, StoreAuto, StoreJKS, storePass, 0))
	out := run(t, "", "keytool", "-list", "-keystore", write(t, filepath.Join(dir, "c.jks"), string(jks)),
		"-storepass", storePass)
	if !strings.Contains(out, "crdb, ") || !strings.Contains(out, "PrivateKeyEntry") {
		t.Fatalf("keytool -list of converted store:\n%s", out)
	}
}

func TestSslVerifyPeer(t *testing.T) {
	defer fatalOnPanic(t)
	p := makePKI(t)
	ssl := must(NewSsl())
	defer ssl.Close()
	if ssl.VerifyFlags() != VerifyPeerCert {
		t.Fatalf("default flags %d", ssl.VerifyFlags())
	}
	if err := ssl.AddTrustedCert([]byte(must(p.rootCert.PEM()))); err != nil {
		t.Fatal(err)
	}
	ssl.SetVerifyFlags(VerifyPeerCert | VerifyPeerIdentity)
	chain := [][]byte{must(p.leaf.DER()), must(p.interCert.DER())}
	if err := ssl.VerifyPeer(chain, "10.0.0.1"); err != nil {
		t.Fatal(err)
	}
	err := ssl.VerifyPeer(chain, "10.0.0.7")
	if !errors.Is(err, ErrIdentityMismatch) || !strings.Contains(err.Error(), "10.0.0.7") {
		t.Fatalf("want identity mismatch naming 10.0.0.7, got %v", err)
	}
	if err := ssl.VerifyPeer(chain[:1], "10.0.0.1"); !errors.Is(err, ErrUnknownIssuer) {
		t.Fatalf("want unknown issuer, got %v", err)
	}
	// Client certificate and key, via PEM and via a JKS.
	leafPEM := must(p.leaf.PEM())
	if err := ssl.SetCert([]byte(leafPEM)); err != nil {
		t.Fatal(err)
	}
	other := must(GenerateKey("ec:p256"))
	if err := ssl.SetPrivateKey([]byte(must(other.PEM(FormatPKCS8))), ""); !errors.Is(err, ErrKeyMismatch) {
		t.Fatalf("want key mismatch, got %v", err)
	}
	if err := ssl.SetPrivateKey([]byte(must(p.key.EncryptedPEM("kp"))), "kp"); err != nil {
		t.Fatal(err)
	}
	store := must(NewKeyStore())
	if err := store.SetKeyEntry("client", p.key, []*Certificate{p.leaf, p.interCert}); err != nil {
		t.Fatal(err)
	}
	jks := must(store.Save(StoreJKS, storePass, 0))
	ssl2 := must(NewSsl())
	if err := ssl2.SetKeyStore(jks, "wrong", "", ""); !errors.Is(err, ErrBadPassword) {
		t.Fatalf("want bad password, got %v", err)
	}
	if err := ssl2.SetKeyStore(jks, storePass, "", "client"); err != nil {
		t.Fatal(err)
	}
	if err := ssl2.SetProtocolVersions(VersionTLS12, VersionTLS13); err != nil {
		t.Fatal(err)
	}
	if err := ssl2.SetProtocolVersions(0x0301, VersionDefault); !errors.Is(err, ErrInvalidArgument) {
		t.Fatalf("want invalid argument for TLS 1.0, got %v", err)
	}
}

func TestOpenSSLCSRSignedWithClientProfileAndCAReload(t *testing.T) {
	defer fatalOnPanic(t)
	dir := t.TempDir()
	csrPath := filepath.Join(dir, "r.csr")
	run(t, "", "openssl", "req", "-new", "-newkey", "rsa:2048", "-nodes", "-keyout", filepath.Join(dir, "k.pem"),
		"-out", csrPath, "-subj", "/O=Example/CN=user1")
	csr := must(ParseCertificateRequestPEM(must(os.ReadFile(csrPath))))
	if s := must(csr.Subject()); s != "CN=user1, O=Example" {
		t.Fatalf("subject %q", s)
	}
	root := must(CreateRootCA(CAOptions{Subject: "/CN=Client Root", KeySpec: "rsa:3072", Days: 100}))
	// Reload the CA from PEM with an encrypted key; a wrong password fails.
	rootCert := must(root.Certificate())
	rootPEM := must(rootCert.PEM())
	keyPEM := must(must(root.Key()).EncryptedPEM("ca-pass"))
	if _, err := LoadCAPEM([]byte(rootPEM), []byte(keyPEM), "nope"); !errors.Is(err, ErrBadPassword) {
		t.Fatalf("want bad password, got %v", err)
	}
	reloaded := must(LoadCAPEM([]byte(rootPEM), []byte(keyPEM), "ca-pass"))
	if _, err := LoadCA(rootCert, must(GenerateKey("ec:p256")), nil); !errors.Is(err, ErrKeyMismatch) {
		t.Fatalf("want key mismatch, got %v", err)
	}
	cert := must(reloaded.SignCSR(csr, ProfileClient, &IssueOptions{Days: 5}))
	ekus := must(cert.ExtendedKeyUsage())
	if len(ekus) != 1 || ekus[0] != "1.3.6.1.5.5.7.3.2" {
		t.Fatalf("EKU %v", ekus)
	}
	if isCA, _, err := cert.BasicConstraints(); err != nil || isCA {
		t.Fatalf("leaf is CA=%v err=%v", isCA, err)
	}
	nb, na := must(cert.NotBefore()), must(cert.NotAfter())
	if d := na.Sub(nb); d != 5*24*time.Hour {
		t.Fatalf("validity %v", d)
	}
	rootFile := write(t, filepath.Join(dir, "root.pem"), rootPEM)
	certFile := write(t, filepath.Join(dir, "cert.pem"), must(cert.PEM()))
	out := run(t, "", "openssl", "verify", "-CAfile", rootFile, "-purpose", "sslclient", certFile)
	if !strings.Contains(out, "cert.pem: OK") {
		t.Fatalf("openssl verify: %s", out)
	}
	name := must(ParseName("CN=a, OU=b, O=c"))
	if name.Slash() != "/O=c/OU=b/CN=a" {
		t.Fatalf("slash form %q", name.Slash())
	}
	if _, err := name.Get("L"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("want not found, got %v", err)
	}
	if _, err := GenerateKey("rsa:1024"); err == nil {
		t.Fatal("rsa:1024 accepted")
	}
}

func TestKeytoolCSRReplyAndLockedKey(t *testing.T) {
	defer fatalOnPanic(t)
	dir := t.TempDir()
	path := filepath.Join(dir, "node.jks")
	run(t, "", "keytool", "-genkeypair", "-keystore", path, "-storetype", "JKS", "-storepass", storePass,
		"-keypass", "own-key-pass", "-alias", "node", "-keyalg", "RSA", "-keysize", "2048",
		"-dname", "CN=node7, O=Example", "-validity", "30")
	run(t, "", "keytool", "-certreq", "-keystore", path, "-storepass", storePass, "-keypass", "own-key-pass",
		"-alias", "node", "-ext", "SAN=dns:node7.example", "-file", filepath.Join(dir, "node.csr"))
	csr := must(ParseCertificateRequestPEM(must(os.ReadFile(filepath.Join(dir, "node.csr")))))
	if sans := must(csr.SANs()); !strings.Contains(sans, "node7.example") {
		t.Fatalf("CSR SANs %q", sans)
	}
	root := must(CreateRootCA(CAOptions{Subject: "CN=Go Workflow Root"}))
	rootCert := must(root.Certificate())
	cert := must(root.SignCSR(csr, ProfileNode, nil))
	store := must(LoadKeyStoreFile(path, storePass, StoreJKS))
	if _, err := store.Key("node"); !errors.Is(err, ErrBadKeyPassword) {
		t.Fatalf("want locked key (bad key password), got %v", err)
	}
	if err := store.UnlockKey("node", "nope"); !IsCode(err, CodeBadKeyPassword) {
		t.Fatalf("want bad key password, got %v", err)
	}
	if err := store.UnlockKey("node", "own-key-pass"); err != nil {
		t.Fatal(err)
	}
	if !must(cert.MatchesKey(must(store.Key("node")))) {
		t.Fatal("signed certificate does not match the keytool key")
	}
	if err := store.ImportCAReply("node", []*Certificate{cert, rootCert}); err != nil {
		t.Fatal(err)
	}
	if err := store.SaveFile(path, StoreJKS, storePass, 0); err != nil {
		t.Fatal(err)
	}
	out := run(t, "", "keytool", "-list", "-v", "-keystore", path, "-storepass", storePass, "-alias", "node")
	if !strings.Contains(out, "Certificate chain length: 2") || !strings.Contains(out, must(cert.Fingerprint(SHA256))) {
		t.Fatalf("keytool -list -v:\n%s", out)
	}
}

// TestVerifyWithOpenSSLCRL: a CRL made by `openssl ca -gencrl` revokes one of
// two openssl-made leaves in Certificate.Verify.
func TestVerifyWithOpenSSLCRL(t *testing.T) {
	defer fatalOnPanic(t)
	dir := t.TempDir()
	p := func(name string) string { return filepath.Join(dir, name) }
	write(t, p("ca.cnf"), "[ca]\ndefault_ca=d\n[d]\ndatabase="+p("index.txt")+"\ncrlnumber="+p("crlnumber")+
		"\ndefault_md=sha256\ndefault_crl_days=7\n[req]\nprompt=no\ndistinguished_name=dn\nx509_extensions=v3\n"+
		"[dn]\nCN=OpenSSL CRL CA\n[v3]\nbasicConstraints=critical,CA:true\nkeyUsage=critical,keyCertSign,cRLSign\n"+
		"subjectKeyIdentifier=hash\n")
	write(t, p("index.txt"), "")
	write(t, p("crlnumber"), "01\n")
	run(t, "", "openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
		"-keyout", p("ca.key"), "-out", p("ca.crt"), "-days", "30", "-config", p("ca.cnf"))
	for _, name := range []string{"good", "bad"} {
		run(t, "", "openssl", "req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
			"-keyout", p(name+".key"), "-subj", "/CN="+name+".example", "-out", p(name+".csr"))
		run(t, "", "openssl", "x509", "-req", "-in", p(name+".csr"), "-CA", p("ca.crt"), "-CAkey", p("ca.key"),
			"-CAcreateserial", "-days", "10", "-out", p(name+".crt"))
	}
	run(t, "", "openssl", "ca", "-config", p("ca.cnf"), "-keyfile", p("ca.key"), "-cert", p("ca.crt"),
		"-revoke", p("bad.crt"))
	run(t, "", "openssl", "ca", "-config", p("ca.cnf"), "-keyfile", p("ca.key"), "-cert", p("ca.crt"),
		"-gencrl", "-out", p("crl.pem"))
	load := func(name string) *Certificate { return must(ParseCertificatePEM(must(os.ReadFile(p(name))))) }
	ca, good, bad := load("ca.crt"), load("good.crt"), load("bad.crt")
	crl := must(os.ReadFile(p("crl.pem")))
	if _, err := good.Verify(VerifyOptions{Roots: []*Certificate{ca}, CRLs: [][]byte{crl}}); err != nil {
		t.Fatalf("good certificate: %v", err)
	}
	if _, err := bad.Verify(VerifyOptions{Roots: []*Certificate{ca}}); err != nil {
		t.Fatalf("bad certificate without the CRL: %v", err)
	}
	if _, err := bad.Verify(VerifyOptions{Roots: []*Certificate{ca}, CRLs: [][]byte{crl}}); !errors.Is(err, ErrCertRevoked) {
		t.Fatalf("revoked certificate: got %v, want ErrCertRevoked", err)
	}
	if _, err := good.Verify(VerifyOptions{Roots: []*Certificate{ca}, CRLs: [][]byte{[]byte("junk")}}); !errors.Is(err, ErrMalformed) {
		t.Fatalf("junk CRL: got %v, want ErrMalformed", err)
	}
}
