package certkit

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// docBlock returns the fenced code block that follows |marker| in |doc|.
func docBlock(t *testing.T, doc, marker string) string {
	t.Helper()
	i := strings.Index(doc, marker)
	if i < 0 {
		t.Fatalf("docs/BINDINGS.md has no %s", marker)
	}
	m := regexp.MustCompile("(?s)```[a-z]*\n(.*?)```").FindStringSubmatch(doc[i:])
	if m == nil {
		t.Fatalf("no code block after %s", marker)
	}
	return m[1]
}

// TestDocExampleRunsFromASeparateModule copies docs/BINDINGS.md's go.mod
// recipe and TLS example into a new module (the replace directive pointed at
// this checkout), makes the files with `certkit cluster init` as the doc
// says, and `go run`s the example against openssl s_server holding the
// node's certificate and requiring the client's.
func TestDocExampleRunsFromASeparateModule(t *testing.T) {
	defer fatalOnPanic(t)
	bindings, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	repo := filepath.Dir(filepath.Dir(bindings))
	docBytes, err := os.ReadFile(filepath.Join(repo, "docs", "BINDINGS.md"))
	if err != nil {
		t.Fatal(err)
	}
	doc := string(docBytes)
	cli := os.Getenv("CERTKIT_CLI")
	if cli == "" {
		cli = filepath.Join(repo, "build", "cli", "certkit")
	}
	if _, err := os.Stat(cli); err != nil {
		t.Fatalf("the certkit CLI is needed (set CERTKIT_CLI; bindings/test.sh does): %v", err)
	}

	dir := t.TempDir()
	gomod := strings.Replace(docBlock(t, doc, "<!-- go-tls-example-gomod -->"),
		"/path/to/certkit/bindings/go", bindings, 1)
	write(t, filepath.Join(dir, "go.mod"), gomod)
	write(t, filepath.Join(dir, "main.go"), docBlock(t, doc, "<!-- go-tls-example -->"))

	cmd := exec.Command(cli, "cluster", "init", "--nodes", "127.0.0.1", "--clients", "app",
		"--out", "demo", "--storepass", "env:CERTKIT_STOREPASS", "--quiet")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "CERTKIT_STOREPASS=doc-example-pass")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("certkit cluster init: %v\n%s", err, out)
	}
	node := filepath.Join(dir, "demo", "nodes", "127.0.0.1")
	addr, _, _ := startSServer(t, "-cert", filepath.Join(node, "node.crt"),
		"-key", filepath.Join(node, "node.key"), "-CAfile", filepath.Join(dir, "demo", "ca.crt"),
		"-Verify", "2", "-verify_return_error")

	goTool := filepath.Join(os.Getenv("GOROOT"), "bin", "go")
	if _, err := os.Stat(goTool); os.Getenv("GOROOT") == "" || err != nil {
		goTool = "go"
	}
	run := exec.Command(goTool, "run", ".", addr)
	run.Dir = dir
	out, err := run.CombinedOutput()
	if err != nil {
		t.Fatalf("go run of the doc example: %v\n%s", err, out)
	}
	if !strings.Contains(string(out), "connected to") || !strings.Contains(string(out), "127.0.0.1") {
		t.Fatalf("unexpected output: %s", out)
	}
}
