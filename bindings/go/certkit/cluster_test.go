package certkit

import (
	"encoding/json"
	"errors"
	"os"
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
