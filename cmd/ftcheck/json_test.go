package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"

	"github.com/ftcheck/ftcheck/model"
)

// Every key of a JSON report is snake_case, named by a tag: a Go field
// renamed inside ftcheck must not change the wire format, and one key
// style is what scripts reading reports expect.
func TestReportKeysAreSnakeCase(t *testing.T) {
	snake := regexp.MustCompile(`^[a-z][a-z0-9]*(_[a-z0-9]+)*$`)
	seen := map[reflect.Type]bool{}
	var walk func(t reflect.Type, path string)
	walk = func(typ reflect.Type, path string) {
		for typ.Kind() == reflect.Pointer || typ.Kind() == reflect.Slice || typ.Kind() == reflect.Array || typ.Kind() == reflect.Map {
			typ = typ.Elem()
		}
		if typ.Kind() != reflect.Struct || seen[typ] {
			return
		}
		seen[typ] = true
		if _, ok := reflect.New(typ).Interface().(interface{ MarshalJSON() ([]byte, error) }); ok {
			return // writes itself
		}
		if _, ok := reflect.New(typ).Interface().(interface{ MarshalText() ([]byte, error) }); ok {
			return
		}
		for i := 0; i < typ.NumField(); i++ {
			f := typ.Field(i)
			if !f.IsExported() {
				continue
			}
			tag, _, _ := strings.Cut(f.Tag.Get("json"), ",")
			if tag == "-" {
				continue
			}
			if f.Anonymous && tag == "" {
				walk(f.Type, path)
				continue
			}
			if !snake.MatchString(tag) {
				t.Errorf("%s.%s (%s): JSON key %q is not a snake_case tag", path, f.Name, typ, tag)
			}
			walk(f.Type, path+"."+tag)
		}
	}
	walk(reflect.TypeOf(Report{}), "report")
	walk(reflect.TypeOf(litmusOutcome{}), "litmus")
}

// Several files under --json give one JSON array, one report per file in
// order; one file gives one report.
func TestSeveralFilesGiveOneJSONArray(t *testing.T) {
	dir := t.TempDir()
	var files []string
	for _, p := range []string{"riscv-pair", "riscv-jalr"} {
		_, text, _ := ftcheck("show", "--protocol", p)
		file := filepath.Join(dir, p+".scenario")
		if err := os.WriteFile(file, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		files = append(files, file)
	}
	code, out, errOut := ftcheck(append([]string{"explore", "--json", "--op", "change"}, files...)...)
	var reps []Report
	if err := json.Unmarshal([]byte(out), &reps); err != nil || len(reps) != 2 {
		t.Fatalf("exit %d, %v, %d reports\n%s%s", code, err, len(reps), out, errOut)
	}
	for i, r := range reps {
		if r.Scenario != files[i] || r.Format != reportFormat {
			t.Errorf("report %d: scenario %q format %d, want %q", i, r.Scenario, r.Format, files[i])
		}
	}
	if code != exitViolation || reps[0].Outcome != model.Violated {
		t.Errorf("exit %d, first outcome %v: want the worst, a violation", code, reps[0].Outcome)
	}
	_, one, _ := ftcheck("explore", "--json", files[0])
	var rep Report
	if err := json.Unmarshal([]byte(one), &rep); err != nil {
		t.Errorf("one file: not one report: %v", err)
	}
}
