package certkit

// The generated Go tables (errors_gen.go, version_gen.go) against their one
// source: lib/util/errors.def and VERSION (docs/ERRORS.md).

import (
	"bufio"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
)

var sourceRoot = filepath.Join("..", "..", "..")

type defCode struct {
	number                int
	name, cName, category string
}

// readErrorsDef returns the code rows and category ids of errors.def.
func readErrorsDef(t *testing.T) ([]defCode, []string) {
	f, err := os.Open(filepath.Join(sourceRoot, "lib", "util", "errors.def"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var codes []defCode
	var categories []string
	scanner := bufio.NewScanner(f)
	for scanner.Scan() {
		line := strings.TrimSpace(scanner.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		fields := strings.Split(line, "|")
		for i := range fields {
			fields[i] = strings.TrimSpace(fields[i])
		}
		switch fields[0] {
		case "category":
			categories = append(categories, fields[1])
		case "code":
			n, err := strconv.Atoi(fields[1])
			if err != nil {
				t.Fatalf("errors.def: %q: %v", line, err)
			}
			codes = append(codes, defCode{n, fields[2], fields[3], fields[4]})
		}
	}
	if err := scanner.Err(); err != nil {
		t.Fatal(err)
	}
	if len(codes) == 0 || len(categories) == 0 {
		t.Fatal("errors.def: no codes or no categories")
	}
	return codes, categories
}

// goName spells a table name as the generator does: CamelCase with IO, CA,
// TLS and OK in capitals.
func goName(name string) string {
	initialisms := map[string]string{"io": "IO", "ca": "CA", "tls": "TLS", "ok": "OK"}
	var b strings.Builder
	for _, part := range strings.Split(name, "_") {
		if s, ok := initialisms[part]; ok {
			b.WriteString(s)
		} else {
			b.WriteString(strings.ToUpper(part[:1]) + part[1:])
		}
	}
	return b.String()
}

// generatedDecls returns errors_gen.go's constants (name -> value expression
// such as "C.CERTKIT_ERROR_IO") and variables.
func generatedDecls(t *testing.T) (map[string]string, map[string]bool) {
	file, err := parser.ParseFile(token.NewFileSet(), "errors_gen.go", nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	consts, vars := map[string]string{}, map[string]bool{}
	for _, decl := range file.Decls {
		gen, ok := decl.(*ast.GenDecl)
		if !ok {
			continue
		}
		for _, spec := range gen.Specs {
			value, ok := spec.(*ast.ValueSpec)
			if !ok {
				continue
			}
			for i, name := range value.Names {
				switch gen.Tok {
				case token.CONST:
					if sel, ok := value.Values[i].(*ast.SelectorExpr); ok {
						consts[name.Name] = sel.X.(*ast.Ident).Name + "." + sel.Sel.Name
					}
				case token.VAR:
					vars[name.Name] = true
				}
			}
		}
	}
	return consts, vars
}

func TestErrorTableMatchesDef(t *testing.T) {
	codes, categories := readErrorsDef(t)
	consts, vars := generatedDecls(t)
	if len(consts) != len(codes) {
		t.Errorf("errors_gen.go has %d constants, errors.def %d codes", len(consts), len(codes))
	}
	for _, row := range codes {
		code := ErrorCode(row.number)
		id := goName(row.name)
		if got := consts["Code"+id]; got != "C."+row.cName {
			t.Errorf("Code%s = %q, errors.def says C.%s", id, got, row.cName)
		}
		if row.number != 0 && !vars["Err"+id] {
			t.Errorf("no sentinel Err%s", id)
		}
		if got := code.Name(); got != row.name {
			t.Errorf("ErrorCode(%d).Name() = %q (libcertkit), errors.def says %q", row.number, got, row.name)
		}
		if got := code.Category(); got != row.category {
			t.Errorf("ErrorCode(%d).Category() = %q, errors.def says %q", row.number, got, row.category)
		}
		for _, category := range categories {
			method := reflect.ValueOf(code).MethodByName("Is" + goName(category))
			if !method.IsValid() {
				t.Fatalf("no predicate ErrorCode.Is%s for the category %q", goName(category), category)
			}
			if got := method.Call(nil)[0].Bool(); got != (row.category == category) {
				t.Errorf("%s.Is%s() = %v", row.name, goName(category), got)
			}
		}
	}
	unknown := ErrorCode(12345)
	if unknown.Category() != "" || unknown.IsVerification() || unknown.Name() != "unknown" {
		t.Errorf("an unknown code: category %q, name %q", unknown.Category(), unknown.Name())
	}
	// The bug this table fixed: CertRevoked (30) is a verification failure.
	if !CodeCertRevoked.IsVerification() {
		t.Error("CodeCertRevoked.IsVerification() is false")
	}
}

func TestModuleVersion(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join(sourceRoot, "VERSION"))
	if err != nil {
		t.Fatal(err)
	}
	want := strings.TrimSpace(string(raw))
	if ModuleVersion != want {
		t.Errorf("ModuleVersion = %q, VERSION says %q", ModuleVersion, want)
	}
	if Version() != want {
		t.Errorf("libcertkit.so reports %q, VERSION says %q", Version(), want)
	}
}
