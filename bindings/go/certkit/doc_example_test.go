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

// docModule writes a new module holding |mainSource| as main.go, with
// docs/BINDINGS.md's go.mod recipe (its replace directive pointed at this
// checkout's |bindings|), and returns its folder.
func docModule(t *testing.T, doc, bindings, mainSource string) string {
	t.Helper()
	dir := t.TempDir()
	gomod := strings.Replace(docBlock(t, doc, "<!-- go-tls-example-gomod -->"),
		"/path/to/certkit/bindings/go", bindings, 1)
	write(t, filepath.Join(dir, "go.mod"), gomod)
	write(t, filepath.Join(dir, "main.go"), mainSource)
	return dir
}

// goTool is the go command of the toolchain running the tests.
func goTool() string {
	tool := filepath.Join(os.Getenv("GOROOT"), "bin", "go")
	if _, err := os.Stat(tool); os.Getenv("GOROOT") == "" || err != nil {
		return "go"
	}
	return tool
}

// readDoc returns docs/BINDINGS.md and the absolute path of bindings/.
func readDoc(t *testing.T) (doc, bindings string) {
	t.Helper()
	bindings, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	repo := filepath.Dir(filepath.Dir(bindings))
	docBytes, err := os.ReadFile(filepath.Join(repo, "docs", "BINDINGS.md"))
	if err != nil {
		t.Fatal(err)
	}
	return string(docBytes), bindings
}

// TestDocSnippetsCompile builds docs/BINDINGS.md's two API fragments (the
// core API, then batch and cluster issuance, which uses the first one's
// variables) as the body of one function in a separate module, so the
// documented names and signatures cannot drift from the binding's.
func TestDocSnippetsCompile(t *testing.T) {
	defer fatalOnPanic(t)
	doc, bindings := readDoc(t)
	body := docBlock(t, doc, "<!-- go-api-example -->") + docBlock(t, doc, "<!-- go-batch-example -->")
	src := "package main\n\nimport (\n\t\"errors\"\n\t\"fmt\"\n\t\"log\"\n\t\"time\"\n\n" +
		"\tcertkit \"github.com/certkit/certkit/bindings/go/certkit\"\n)\n\n" +
		"func example() {\n" + body +
		"\t_, _ = manifest, renewed // read by the reader, not by the fragment\n}\n\n" +
		"func main() { example() }\n"
	dir := docModule(t, doc, bindings, src)
	build := exec.Command(goTool(), "build", "-o", os.DevNull, ".")
	build.Dir = dir
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("the doc's Go fragments do not compile: %v\n%s\n--- main.go ---\n%s", err, out, src)
	}
}

// TestDocExampleRunsFromASeparateModule copies docs/BINDINGS.md's go.mod
// recipe and TLS example into a new module (the replace directive pointed at
// this checkout), makes the files with `certkit cluster init` as the doc
// says, and `go run`s the example against openssl s_server holding the
// node's certificate and requiring the client's.
func TestDocExampleRunsFromASeparateModule(t *testing.T) {
	defer fatalOnPanic(t)
	doc, bindings := readDoc(t)
	repo := filepath.Dir(filepath.Dir(bindings))
	cli := os.Getenv("CERTKIT_CLI")
	if cli == "" {
		cli = filepath.Join(repo, "build", "cli", "certkit")
	}
	if _, err := os.Stat(cli); err != nil {
		t.Fatalf("the certkit CLI is needed (set CERTKIT_CLI; bindings/test.sh does): %v", err)
	}

	dir := docModule(t, doc, bindings, docBlock(t, doc, "<!-- go-tls-example -->"))

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
		"-Verify", "2", "-verify_return_error", "-naccept", "2") // Peer, then the Dialer

	run := exec.Command(goTool(), "run", ".", addr)
	run.Dir = dir
	out, err := run.CombinedOutput()
	if err != nil {
		t.Fatalf("go run of the doc example: %v\n%s", err, out)
	}
	if strings.Count(string(out), "connected to") != 2 || !strings.Contains(string(out), "127.0.0.1") {
		t.Fatalf("unexpected output: %s", out)
	}
}
