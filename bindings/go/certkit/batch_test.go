package certkit

import (
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// Batch issuance: good items are issued and pass openssl verify, bad ones
// fail alone with precise codes; progress reaches the total; cancelling stops.
func TestIssueBatchPerItemResultsPassOpenSSLVerify(t *testing.T) {
	defer fatalOnPanic(t)
	dir := t.TempDir()
	ca := must(CreateRootCA(CAOptions{Subject: "CN=Go Batch Root", KeySpec: "ec:p256"}))
	own := must(GenerateKey("ed25519"))
	csr := must(NewCertificateRequest("CN=csr.example", own, []string{"DNS:csr.example"}))
	der := must(csr.DER())
	der[len(der)-5] ^= 0x01 // inside the signature value
	broken := must(ParseCertificateRequestDER(der))
	node := Profile{Name: "node"}
	var items []BatchItem
	for i := 0; i < 8; i++ {
		items = append(items, BatchItem{Profile: node, Options: &IssueOptions{
			Subject: fmt.Sprintf("CN=n%d", i), SANs: []string{fmt.Sprintf("DNS:n%d.example", i)}}})
	}
	items = append(items,
		BatchItem{Key: own, Profile: node, Options: &IssueOptions{Subject: "CN=own", SANs: []string{"DNS:own.example"}}},
		BatchItem{PublicKeyPEM: []byte(must(own.PublicKeyPEM())), Profile: node,
			Options: &IssueOptions{Subject: "CN=pem", SANs: []string{"DNS:pem.example"}}},
		BatchItem{CSR: csr, Profile: node},
		BatchItem{CSR: broken, Profile: node}, // 11: bad signature
		BatchItem{Key: own, Profile: node, Options: &IssueOptions{SANs: []string{"DNS:x.example"}}}, // 12: no subject
	)
	var mu sync.Mutex
	var reports []int
	results, err := ca.IssueBatch(items, &BatchOptions{Jobs: 3, Progress: func(done, total int) bool {
		mu.Lock()
		defer mu.Unlock()
		if total != len(items) {
			t.Errorf("total %d, want %d", total, len(items))
		}
		reports = append(reports, done)
		return true
	}})
	if err != nil {
		t.Fatal(err)
	}
	if len(reports) != len(items) || reports[len(reports)-1] != len(items) {
		t.Fatalf("progress reports %v", reports)
	}
	if !errors.Is(results[11].Err, ErrBadSignature) {
		t.Errorf("item 11: %v, want bad_signature", results[11].Err)
	}
	if !errors.Is(results[12].Err, ErrInvalidArgument) || !strings.Contains(results[12].Err.Error(), "subject") {
		t.Errorf("item 12: %v, want invalid_argument about the subject", results[12].Err)
	}
	root := write(t, filepath.Join(dir, "root.pem"), must(must(ca.Certificate()).PEM()))
	for i, r := range results {
		if i == 11 || i == 12 {
			continue
		}
		if r.Err != nil {
			t.Fatalf("item %d: %v", i, r.Err)
		}
		leaf := write(t, filepath.Join(dir, fmt.Sprintf("leaf%d.pem", i)), must(r.Certificate.PEM()))
		if out := run(t, "", "openssl", "verify", "-CAfile", root, "-purpose", "sslserver", leaf); !strings.Contains(out, "OK") {
			t.Fatalf("openssl verify item %d: %s", i, out)
		}
		key := r.Key
		if i >= 8 {
			if key != nil {
				t.Errorf("item %d has a generated key", i)
			}
			key = own
		}
		if ok := must(r.Certificate.MatchesKey(key)); !ok {
			t.Errorf("item %d: certificate does not match its key", i)
		}
	}

	many := make([]BatchItem, 40)
	for i := range many {
		many[i] = BatchItem{Profile: node, Options: &IssueOptions{Subject: "CN=c", SANs: []string{"DNS:c.example"}}}
	}
	results, err = ca.IssueBatch(many, &BatchOptions{Jobs: 2, Progress: func(done, total int) bool { return done < 3 }})
	if !errors.Is(err, ErrCancelled) {
		t.Fatalf("cancelled batch: %v", err)
	}
	if !errors.Is(results[len(results)-1].Err, ErrCancelled) || results[0].Err != nil {
		t.Fatalf("cancelled batch results: first %v, last %v", results[0].Err, results[len(results)-1].Err)
	}
	_, err = ca.IssueBatch([]BatchItem{{KeySpec: "ec:p999"}}, nil)
	if !errors.Is(err, ErrInvalidArgument) || !strings.Contains(err.Error(), "item 0") {
		t.Fatalf("bad key spec: %v", err)
	}
}
