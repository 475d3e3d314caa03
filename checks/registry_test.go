package checks

import (
	"flag"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/ftcheck/ftcheck/model"
)

var update = flag.Bool("update", false, "rewrite the table of checks in docs/checks.md from the registry")

const docsPath = "../docs/checks.md"

// TestRegistry holds every registered check to what adding one asks:
// a name, a one-line doc, a section parser, a subject for coverage, and
// a section of its own in docs/checks.md, whose table of checks is the
// registry's (go test ./checks -update rewrites it).
func TestRegistry(t *testing.T) {
	md, err := os.ReadFile(docsPath)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range validate(Registry, string(md)) {
		t.Error(e)
	}
	want, err := withTable(string(md), Registry)
	if err != nil {
		t.Fatal(err)
	}
	if want == string(md) {
		return
	}
	if *update {
		if err := os.WriteFile(docsPath, []byte(want), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	t.Errorf("%s: the table of checks is not the registry's; run go test ./checks -update", docsPath)
}

// TestEveryDefRegistered: a Def declared in this package and left out
// of Registry would be a check no scenario can ask for.
func TestEveryDefRegistered(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(f, func(n ast.Node) bool {
			lit, ok := n.(*ast.CompositeLit)
			if !ok {
				return true
			}
			if id, ok := lit.Type.(*ast.Ident); !ok || id.Name != "Def" {
				return true
			}
			for _, el := range lit.Elts {
				kv, ok := el.(*ast.KeyValueExpr)
				if !ok {
					continue
				}
				if k, ok := kv.Key.(*ast.Ident); !ok || k.Name != "Name" {
					continue
				}
				v, ok := kv.Value.(*ast.BasicLit)
				if !ok {
					continue
				}
				if s, err := strconv.Unquote(v.Value); err == nil && !slices.Contains(Names(), s) {
					t.Errorf("%s: check %s is declared but not in Registry", fset.Position(lit.Pos()), s)
				}
			}
			return true
		})
	}
}

// TestValidateCatches: a check without a doc, a parser, a subject or a
// section in the docs is refused, and so is a section for no check.
func TestValidateCatches(t *testing.T) {
	md := "# Checks\n\n## torn-pair\n\n## Checks with memory: monitors\n\n## no-such-check\n"
	bad := []*Def{
		{Name: "torn-pair", Subject: model.SubjectPatch, Parse: TornPairDef.Parse},
		{Name: "torn-pair", Doc: "twice", Subject: model.SubjectPatch, Parse: TornPairDef.Parse},
		{Name: "quiet", Doc: "a doc\non two lines", Subject: "somewhere"},
		{Doc: "nameless"},
	}
	got := fmt.Sprint(validate(bad, md))
	for _, want := range []string{
		"check torn-pair has no Doc",
		"check torn-pair is registered twice",
		"check quiet: its Doc is more than one line",
		"check quiet has no Parse",
		`check quiet: Subject "somewhere" is none of model's`,
		"check quiet has no section ## quiet in docs/checks.md",
		"a check has no Name",
		"docs/checks.md has a section ## no-such-check, which is no registered check",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("validate does not say %q; it says %s", want, got)
		}
	}
}

// validate lists what the registry defs lack, and what the docs md say
// of checks that are not in it.
func validate(defs []*Def, md string) []error {
	var errs []error
	bad := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	headings := map[string]bool{}
	for _, m := range regexp.MustCompile(`(?m)^## (.*)$`).FindAllStringSubmatch(md, -1) {
		headings[m[1]] = true
	}
	seen := map[string]bool{}
	for _, d := range defs {
		if d.Name == "" {
			bad("a check has no Name (Doc %q)", d.Doc)
			continue
		}
		if seen[d.Name] {
			bad("check %s is registered twice", d.Name)
		}
		seen[d.Name] = true
		switch {
		case d.Doc == "":
			bad("check %s has no Doc: the line `ftcheck list` shows", d.Name)
		case strings.Contains(d.Doc, "\n"):
			bad("check %s: its Doc is more than one line", d.Name)
		}
		if d.Parse == nil {
			bad("check %s has no Parse: nothing reads its [check %s] section", d.Name, d.Name)
		}
		switch d.Subject {
		case model.SubjectText, model.SubjectData, model.SubjectPatch, model.SubjectExecution:
		default:
			bad("check %s: Subject %q is none of model's (text, data, patch, execution)", d.Name, d.Subject)
		}
		if !headings[d.Name] {
			bad("check %s has no section ## %s in docs/checks.md", d.Name, d.Name)
		}
	}
	checkName := regexp.MustCompile(`^[a-z]+(-[a-z]+)*$`)
	for h := range headings {
		if checkName.MatchString(h) && !seen[h] {
			bad("docs/checks.md has a section ## %s, which is no registered check", h)
		}
	}
	return errs
}

const (
	tableBegin = "<!-- The table is the registry's (checks.Registry); go test ./checks -update rewrites it. -->\n"
	tableEnd   = "<!-- end of the table -->\n"
)

// withTable is md with the table of checks made from defs.
func withTable(md string, defs []*Def) (string, error) {
	i, j := strings.Index(md, tableBegin), strings.Index(md, tableEnd)
	if i < 0 || j < i {
		return "", fmt.Errorf("%s: no table of checks (between %q and %q)", docsPath, strings.TrimSpace(tableBegin), strings.TrimSpace(tableEnd))
	}
	var b strings.Builder
	b.WriteString("| check | judges | section lines | a violation is |\n| --- | --- | --- | --- |\n")
	for _, d := range defs {
		syntax := "none"
		if d.Syntax != "" {
			syntax = "`" + strings.ReplaceAll(d.Syntax, "|", `\|`) + "`"
		}
		fmt.Fprintf(&b, "| [%s](#%s) | %s | %s | %s |\n", d.Name, d.Name, d.Subject, syntax, d.Doc)
	}
	return md[:i+len(tableBegin)] + b.String() + md[j:], nil
}
