package scenario

import (
	"slices"
	"strings"
	"testing"

	"github.com/ftcheck/ftcheck/checks"
	"github.com/ftcheck/ftcheck/model"
)

// TestChecksAreTheRegistrys builds every built-in protocol and example
// scenario: each check in a configuration is one of checks.Registry,
// with its Def's name and subject, in the registry's order; and every
// registered check is asked for by some file, so each parser and build
// runs on a real section.
func TestChecksAreTheRegistrys(t *testing.T) {
	used := map[string]bool{}
	for path, src := range seedFiles(t) {
		if !strings.HasPrefix(path, "../") { // the built-in and documented files, not fuzz seeds
			continue
		}
		f, err := Parse(path, src)
		if err != nil {
			t.Fatal(err)
		}
		built, err := f.Build(Settings{})
		if err != nil {
			t.Fatal(err)
		}
		var judges []any
		for _, c := range built.Config.Checks {
			judges = append(judges, c)
		}
		for _, m := range built.Config.Monitors {
			judges = append(judges, m)
		}
		last := -1
		for _, j := range judges {
			name := j.(interface{ Name() string }).Name()
			if _, final := j.(FinalCheck); final {
				continue
			}
			def, ok := checks.Lookup(name)
			if !ok {
				t.Errorf("%s: check %s is not registered", path, name)
				continue
			}
			used[name] = true
			if s, ok := j.(interface{ Subject() model.Subject }); !ok || s.Subject() != def.Subject {
				t.Errorf("%s: check %s judges %v, its Def says %s", path, name, s, def.Subject)
			}
			if _, monitor := j.(model.Monitor); monitor {
				continue // monitors have an order of their own
			}
			i := slices.Index(checks.Registry, def)
			if i < last {
				t.Errorf("%s: check %s judges before one registered earlier", path, name)
			}
			last = i
		}
	}
	for _, name := range checks.Names() {
		if !used[name] {
			t.Errorf("no built-in protocol or docs/scenarios file asks for [check %s]", name)
		}
	}
}

// TestPatcherStepsAreTheModels: every kind of patcher step the machine
// performs (model/patchstep.go) is made by a line of the [patcher]
// section that starts with the word the model names it by (store: store8
// .. store64), and no two
// lines start with the same word.
func TestPatcherStepsAreTheModels(t *testing.T) {
	seen := map[string]bool{}
	for _, st := range patcherSteps {
		for _, w := range st.words {
			if seen[w] {
				t.Errorf("two [patcher] steps start with %s", w)
			}
			seen[w] = true
		}
	}
	for k := range model.NumPatchKinds {
		kind := model.PatchKind(k)
		name := model.PatchStepName(kind)
		word, _, _ := strings.Cut(name, " ")
		ok := false
		for _, st := range patcherSteps {
			starts := slices.ContainsFunc(st.words, func(w string) bool { return strings.HasPrefix(w, word) })
			ok = ok || slices.Contains(st.kinds, kind) && starts
		}
		if !ok {
			t.Errorf("model patcher step %d (%s) is made by no [patcher] line starting with %s", k, name, word)
		}
	}
}
