package certkit

import (
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

// A cluster made through the binding: openssl verifies its certificates,
// keytool lists its JKS stores; add and renew work on it.
func TestClusterInitAddRenewPassOpenSSLAndKeytool(t *testing.T) {
	defer fatalOnPanic(t)
	dir := filepath.Join(t.TempDir(), "pki")
	var reports []int
	m, err := ClusterInit(dir, ClusterOptions{
		Nodes: []string{"10.0.0.1", "db2.example.com"}, Clients: []string{"app"},
		Formats: []string{"pem", "jks"}, StorePassword: storePass, Jobs: 2,
		Progress: func(done, total int) bool { reports = append(reports, done*10+total); return true },
	})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(reports, []int{13, 23, 33}) {
		t.Fatalf("progress reports %v", reports)
	}
	var manifest struct {
		Formats []string
		Nodes   []struct{ Host, Serial string }
	}
	if err := json.Unmarshal(m, &manifest); err != nil || len(manifest.Nodes) != 2 || manifest.Nodes[1].Host != "db2.example.com" {
		t.Fatalf("manifest %s: %v", m, err)
	}
	ca := filepath.Join(dir, "ca.crt")
	run(t, "", "openssl", "verify", "-CAfile", ca, "-purpose", "sslserver", "-verify_hostname", "db2.example.com",
		filepath.Join(dir, "nodes/db2.example.com/node.crt"))
	run(t, "", "openssl", "verify", "-CAfile", ca, "-purpose", "sslclient", filepath.Join(dir, "clients/app/client.app.crt"))
	listing := run(t, "", "keytool", "-list", "-keystore", filepath.Join(dir, "nodes/10.0.0.1/keystore.jks"), "-storepass", storePass)
	if !strings.Contains(listing, "PrivateKeyEntry") || !strings.Contains(listing, "trustedCertEntry") {
		t.Fatalf("keytool -list: %s", listing)
	}
	if _, err := os.Stat(filepath.Join(dir, "nodes/10.0.0.1/keystore.p12")); !os.IsNotExist(err) {
		t.Fatalf("keystore.p12 written without p12 in the formats: %v", err)
	}
	if _, err := ClusterInit(dir, ClusterOptions{Nodes: []string{"x"}, StorePassword: storePass}); !errors.Is(err, ErrAlreadyExists) {
		t.Fatalf("second init: %v", err)
	}

	if _, err := ClusterAdd(dir, ClusterOptions{Nodes: []string{"10.0.0.3"}}); !errors.Is(err, ErrBadPassword) {
		t.Fatalf("add without password: %v", err)
	}
	must(ClusterAdd(dir, ClusterOptions{Nodes: []string{"10.0.0.3"}, StorePassword: storePass}))
	run(t, "", "openssl", "verify", "-CAfile", ca, "-verify_ip", "10.0.0.3", filepath.Join(dir, "nodes/10.0.0.3/node.crt"))

	_, renewed, err := ClusterRenew(dir, time.Hour, ClusterOptions{StorePassword: storePass})
	if err != nil || len(renewed) != 0 {
		t.Fatalf("renew within an hour: %v %v", renewed, err)
	}
	_, renewed, err = ClusterRenew(dir, 400*24*time.Hour, ClusterOptions{StorePassword: storePass})
	if err != nil || !reflect.DeepEqual(renewed, []string{"10.0.0.1", "db2.example.com", "10.0.0.3", "app"}) {
		t.Fatalf("renew within 400 days: %v %v", renewed, err)
	}
	run(t, "", "openssl", "verify", "-CAfile", ca, "-verify_ip", "10.0.0.1", filepath.Join(dir, "nodes/10.0.0.1/node.crt"))

	_, err = ClusterInit(filepath.Join(t.TempDir(), "bad"), ClusterOptions{Nodes: []string{"n"}, Formats: []string{"zip"}})
	if !errors.Is(err, ErrInvalidArgument) || !strings.Contains(err.Error(), "zip") {
		t.Fatalf("unknown format: %v", err)
	}
	cancelled := filepath.Join(t.TempDir(), "cancelled")
	_, err = ClusterInit(cancelled, ClusterOptions{Nodes: []string{"a", "b", "c"}, Formats: []string{"pem"}, Jobs: 1,
		Progress: func(done, total int) bool { return false }})
	if !errors.Is(err, ErrCancelled) {
		t.Fatalf("cancelled init: %v", err)
	}
	if _, err := os.Stat(filepath.Join(cancelled, "manifest.json")); !os.IsNotExist(err) {
		t.Fatalf("a cancelled init wrote its manifest: %v", err)
	}
}

// verifies reports whether `openssl verify -purpose sslserver` accepts
// |cert| with |caFile| as the trusted CAs.
func verifies(caFile, cert string) bool {
	return exec.Command("openssl", "verify", "-purpose", "sslserver", "-CAfile", caFile, cert).Run() == nil
}

// trustedEntries counts the trusted certificates `keytool -list` shows in
// the JKS store |store|.
func trustedEntries(t *testing.T, store string) int {
	return strings.Count(run(t, "", "keytool", "-list", "-keystore", store, "-storepass", storePass), "trustedCertEntry")
}

// All four CA rotation stages through the binding on a 2-node P-256
// PEM+JKS cluster: keytool sees both CAs after trust-both, openssl verifies
// the re-issued node certificates against the new CA, and the final ca.crt
// is the new CA only.
func TestClusterRotateCAPassesOpenSSLAndKeytool(t *testing.T) {
	defer fatalOnPanic(t)
	dir := filepath.Join(t.TempDir(), "pki")
	hosts := []string{"10.0.0.1", "db2.example.com"}
	must(ClusterInit(dir, ClusterOptions{Nodes: hosts, KeySpec: "ec:p256", Formats: []string{"pem", "jks"},
		StorePassword: storePass}))
	oldCA := filepath.Join(t.TempDir(), "old-ca.pem")
	if err := os.WriteFile(oldCA, must(os.ReadFile(filepath.Join(dir, "ca.crt"))), 0o644); err != nil {
		t.Fatal(err)
	}
	nodeCrt := func(host string) string { return filepath.Join(dir, "nodes", host, "node.crt") }
	opts := ClusterOptions{StorePassword: storePass}

	if _, err := ClusterRotateCA(dir, "retire", opts); !errors.Is(err, ErrInvalidArgument) || !strings.Contains(err.Error(), "retire-old") {
		t.Fatalf("unknown stage: %v", err)
	}
	newCAOpts := opts
	newCAOpts.CAKeySpec, newCAOpts.CADays = "ec:p384", 400
	r := must(ClusterRotateCA(dir, "new-ca", newCAOpts))
	if r.Stage != "new-ca" || !r.Changed || !r.Finished || r.NextStage != "trust-both" {
		t.Fatalf("new-ca: %+v", r)
	}
	newCA := ""
	for _, w := range r.Written {
		if w.What == "CA certificate" && newCA == "" {
			newCA = w.Path
		}
	}
	if text := run(t, "", "openssl", "x509", "-in", newCA, "-noout", "-text"); !strings.Contains(text, "P-384") {
		t.Fatalf("new CA %s is not P-384:\n%s", newCA, text)
	}
	if verifies(newCA, nodeCrt(hosts[0])) {
		t.Fatal("a node certificate verifies against the new CA before reissue")
	}
	if r := must(ClusterRotateCA(dir, "new-ca", opts)); r.Changed {
		t.Fatalf("new-ca run twice changed something: %+v", r)
	}

	if r := must(ClusterRotateCA(dir, "", opts)); r.Stage != "trust-both" {
		t.Fatalf("next stage after new-ca: %+v", r)
	}
	for _, store := range []string{"truststore.jks", "nodes/10.0.0.1/keystore.jks"} {
		if n := trustedEntries(t, filepath.Join(dir, store)); n != 2 {
			t.Fatalf("%s after trust-both: %d trusted entries", store, n)
		}
	}

	_, err := ClusterRotateCA(dir, "retire-old", opts)
	var e *Error
	if !errors.As(err, &e) || e.Code != CodeInvalidArgument || !strings.Contains(e.Message, hosts[0]) || !strings.Contains(e.Message, hosts[1]) {
		t.Fatalf("retire-old before reissue: %v", err)
	}

	only := opts
	only.ReissueOnly = []string{"db2.example.com"}
	r = must(ClusterRotateCA(dir, "reissue", only))
	if !reflect.DeepEqual(r.Reissued, []string{"db2.example.com"}) || r.Finished || len(r.Pending) != 1 || !strings.Contains(r.Pending[0], hosts[0]) {
		t.Fatalf("reissue of one node: %+v", r)
	}
	r = must(ClusterRotateCA(dir, "reissue", opts))
	if !reflect.DeepEqual(r.Reissued, []string{"10.0.0.1"}) || !r.Finished {
		t.Fatalf("reissue of the rest: %+v", r)
	}
	for _, h := range hosts {
		if !verifies(newCA, nodeCrt(h)) {
			t.Fatalf("%s does not verify against the new CA", h)
		}
	}

	r = must(ClusterRotateCA(dir, "retire-old", opts))
	var manifest struct{ Rotation string }
	if err := json.Unmarshal(r.Manifest, &manifest); err != nil || r.Stage != "retire-old" || manifest.Rotation != "retire-old" {
		t.Fatalf("retire-old: %+v %v", r, err)
	}
	bundle := filepath.Join(dir, "ca.crt")
	if string(must(os.ReadFile(bundle))) != string(must(os.ReadFile(newCA))) {
		t.Fatal("ca.crt is not the new CA alone")
	}
	for _, h := range hosts {
		if !verifies(bundle, nodeCrt(h)) {
			t.Fatalf("%s does not verify against the final ca.crt", h)
		}
	}
	if !verifies(oldCA, oldCA) || verifies(bundle, oldCA) {
		t.Fatal("the old CA is still trusted by ca.crt")
	}
	if n := trustedEntries(t, filepath.Join(dir, "truststore.jks")); n != 1 {
		t.Fatalf("truststore.jks after retire-old: %d trusted entries", n)
	}
}

// ClusterOptions.SpiffeID and PKCS12Profile through the C ABI: the SPIFFE ID
// is a URI SAN openssl reads on every leaf, the profile a SHA-1 MAC
// (legacy) that add keeps; an invalid template is refused, writing nothing.
func TestClusterSpiffeIDAndPKCS12Profile(t *testing.T) {
	defer fatalOnPanic(t)
	dir := filepath.Join(t.TempDir(), "spiffe")
	must(ClusterInit(dir, ClusterOptions{
		Nodes: []string{"db1"}, Clients: []string{"app"}, Formats: []string{"pem", "p12"},
		StorePassword: storePass, SpiffeID: "spiffe://cluster.example/cassandra/{name}", PKCS12Profile: "legacy",
	}))
	must(ClusterAdd(dir, ClusterOptions{Clients: []string{"ops"}, StorePassword: storePass}))
	for leaf, name := range map[string]string{"clients/app/client.app.crt": "app", "clients/ops/client.ops.crt": "ops",
		"nodes/db1/node.crt": "db1"} {
		out := run(t, "", "openssl", "x509", "-in", filepath.Join(dir, leaf), "-noout", "-ext", "subjectAltName")
		if !strings.Contains(out, "URI:spiffe://cluster.example/cassandra/"+name) {
			t.Fatalf("%s: %s", leaf, out)
		}
	}
	info := run(t, "", "openssl", "pkcs12", "-info", "-noout", "-legacy", "-in",
		filepath.Join(dir, "clients/ops/keystore.p12"), "-passin", "pass:"+storePass)
	if !strings.Contains(info, "MAC: sha1") {
		t.Fatalf("cluster add did not keep the legacy profile: %s", info)
	}
	bad := filepath.Join(t.TempDir(), "bad")
	if _, err := ClusterInit(bad, ClusterOptions{Nodes: []string{"db1"}, StorePassword: storePass,
		SpiffeID: "https://cluster.example/{name}"}); !errors.Is(err, ErrInvalidArgument) {
		t.Fatalf("invalid SPIFFE ID template: %v", err)
	}
	if _, err := os.Stat(bad); !os.IsNotExist(err) {
		t.Fatalf("a refused init wrote %s: %v", bad, err)
	}
}
