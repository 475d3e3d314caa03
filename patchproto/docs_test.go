package patchproto

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// docs/protocols.md shows every built-in scenario file as embedded, so
// that what a reader sees is what ftcheck explores.
func TestDocsShowTheEmbeddedFiles(t *testing.T) {
	doc, err := os.ReadFile("../docs/protocols.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range All() {
		if !strings.Contains(string(doc), "```\n"+string(p.Text)+"```\n") {
			t.Errorf("docs/protocols.md does not show %s as embedded; paste `ftcheck show --protocol %s`", p.Path, p.Name)
		}
	}
}

// Every built-in and documented scenario assembles for every combination
// of its parameters.
func TestEveryScenarioAssembles(t *testing.T) {
	files, _ := filepath.Glob("../docs/scenarios/*.scenario")
	for _, p := range All() {
		if n, problems := p.Scenario().CheckAll(); len(problems) > 0 || n < 3 {
			t.Errorf("%s: %d configurations, %v", p.Name, n, problems)
		}
	}
	for _, f := range files {
		p, err := Load(f)
		if err != nil {
			t.Fatal(err)
		}
		if _, problems := p.Scenario().CheckAll(); len(problems) > 0 {
			t.Errorf("%s: %v", f, problems)
		}
	}
}
