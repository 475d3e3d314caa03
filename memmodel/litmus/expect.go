package litmus

import (
	"bufio"
	"bytes"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/ftcheck/ftcheck/model/input"
)

// Expectation is a reference verdict for one test. A CSV verdict file
// gives Verdict (herd's Ok/No on the condition as written); a kinds file
// gives Kind (the outcome of the proposition).
type Expectation struct {
	HasVerdict bool
	Verdict    Verdict
	HasKind    bool
	Kind       Kind
}

// Agrees reports whether a result matches the expectation. A Required
// outcome agrees with an expected Allowed (the state is reachable in every
// execution, so in particular in one).
func (e Expectation) Agrees(r Result) bool {
	if e.HasVerdict && r.Verdict != e.Verdict {
		return false
	}
	if e.HasKind {
		if e.Kind == Allowed {
			return r.Kind == Allowed || r.Kind == Required
		}
		return r.Kind == e.Kind
	}
	return true
}

func (e Expectation) String() string {
	if e.HasVerdict {
		return e.Verdict.String()
	}
	return e.Kind.String()
}

// ExpectationKey is the name a test is looked up under: its file name
// without directory and .litmus suffix. (Test names inside files can
// differ from file names, e.g. `iwp2.5/amd8` in iwp2.5-amd8.litmus.)
func ExpectationKey(path string) string {
	return strings.TrimSuffix(filepath.Base(path), ".litmus")
}

// LoadExpectations reads a verdict file in either format:
//
//	litmus/RISCV/MP.litmus,1          (CSV: 1 = Ok, 0 = No)
//	MP  Forbidden                     (kinds: Allow(ed)/Forbid(den)/Require(d))
//
// The map is keyed by ExpectationKey of the test path. When several
// files share a base name (AArch64 subfolders), keys of the form
// "dir/name" are also recorded so callers can disambiguate.
func LoadExpectations(path string) (map[string]Expectation, error) {
	// A verdict file for a whole suite is a few hundred kilobytes; the
	// report limit leaves room and still refuses /dev/zero or a FIFO.
	src, err := input.ReadFile(path, input.MaxReport)
	if err != nil {
		return nil, err
	}
	out := map[string]Expectation{}
	sc := bufio.NewScanner(bytes.NewReader(src))
	line := 0
	for sc.Scan() {
		line++
		raw := sc.Text()
		// col is the 1-based column of s, a part of the line.
		col := func(s string) int { return strings.Index(raw, s) + 1 }
		text := strings.TrimSpace(raw)
		if text == "" || strings.HasPrefix(text, "#") {
			continue
		}
		if name, v, ok := strings.Cut(text, ","); ok {
			var e Expectation
			switch strings.TrimSpace(v) {
			case "1":
				e = Expectation{HasVerdict: true, Verdict: Ok}
			case "0":
				e = Expectation{HasVerdict: true, Verdict: No}
			default:
				return nil, fmt.Errorf("%s:%d:%d: verdict must be 0 or 1, got %q", path, line, col(text)+len(name)+1+len(v)-len(strings.TrimLeft(v, " \t")), v)
			}
			name = strings.TrimSpace(name)
			out[ExpectationKey(name)] = e
			out[dirKey(name)] = e
			continue
		}
		fields := strings.Fields(text)
		if len(fields) != 2 {
			return nil, fmt.Errorf("%s:%d:%d: expected `name,0|1` or `name Kind`", path, line, col(text))
		}
		var k Kind
		switch strings.ToLower(fields[1]) {
		case "allow", "allowed":
			k = Allowed
		case "forbid", "forbidden":
			k = Forbidden
		case "require", "required":
			k = Required
		default:
			return nil, fmt.Errorf("%s:%d:%d: unknown kind %q", path, line, strings.LastIndex(raw, fields[1])+1, fields[1])
		}
		out[ExpectationKey(fields[0])] = Expectation{HasKind: true, Kind: k}
	}
	return out, sc.Err()
}

// dirKey is "parent/name" for a test path.
func dirKey(path string) string {
	path = filepath.ToSlash(path)
	return filepath.Base(filepath.Dir(path)) + "/" + ExpectationKey(path)
}

// LookupExpectation finds the expectation for a test file, preferring
// the "dir/name" key.
func LookupExpectation(m map[string]Expectation, path string) (Expectation, bool) {
	if e, ok := m[dirKey(path)]; ok {
		return e, true
	}
	e, ok := m[ExpectationKey(path)]
	return e, ok
}
