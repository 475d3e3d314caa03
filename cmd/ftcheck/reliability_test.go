package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ftcheck/ftcheck/patchproto"
)

// Crash inputs of issue 21 that no other test holds; docs/reliability.md
// (bench/reliability/run.sh) lists which test keeps each case.

// within runs f and fails the test if it has not returned after d: the
// inputs below once grew memory without bound or blocked.
func within(t *testing.T, d time.Duration, what string, f func()) {
	t.Helper()
	done := make(chan struct{})
	go func() { defer close(done); f() }()
	select {
	case <-done:
	case <-time.After(d):
		t.Fatalf("%s: no answer after %v", what, d)
	}
}

// A litmus file whose final condition nests three million `~` overflowed
// the goroutine stack, a fatal error that ended the whole `ftcheck test`
// run: no summary, no JUnit file. It is now that file's ERROR (too large),
// as is a million levels under the size limit (too deep), and the run
// goes on to the other entries.
func TestTestDeepLitmusFileIsItsOwnError(t *testing.T) {
	deep := func(name string, n int) string {
		return "RISCV " + name + "\n{}\n P0 ;\n nop ;\nexists (" + strings.Repeat("~", n) + "x=1)\n"
	}
	dir := writeTree(t, map[string]string{
		"D3M.litmus":           deep("D3M", 3_000_000),
		"D1M.litmus":           deep("D1M", 1_000_000),
		"suite.kinds":          "D3M Allowed\nD1M Allowed\n",
		"pair-change.scenario": "protocol riscv-pair\nset op = change\nexpect violated torn-pair steps 18\n",
	})
	junit := filepath.Join(t.TempDir(), "junit.xml")
	var code int
	var out, errOut string
	within(t, 60*time.Second, "ftcheck test", func() {
		code, out, errOut = ftcheck("test", "--jobs", "1", "--junit", junit, dir)
	})
	if code != exitUsage {
		t.Fatalf("exit %d, want 2\n%s%s", code, out, errOut)
	}
	if n := summary(t, out); n != [3]int{1, 0, 2} {
		t.Fatalf("summary %v, want 1 passed, 0 failed, 2 errors\n%s", n, out)
	}
	for name, msg := range map[string]string{
		"D3M.litmus": ":1:1: file is larger than 1048576 bytes",
		"D1M.litmus": ":5:207: condition nested deeper than 200",
	} {
		if want := "\nERROR " + filepath.Join(dir, name) + msg; !strings.Contains("\n"+out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if doc := readJUnit(t, junit); doc.Errors != 2 || len(doc.Suites) != 1 || doc.Suites[0].Tests != 3 {
		t.Errorf("JUnit: %d errors, %+v; want 2 errors of 3 tests", doc.Errors, doc.Suites)
	}
}

// A report names its scenario file; replay and merge read that file when
// the report holds no copy of it. /dev/zero there was read whole: 1.78 GB
// in 30 s and growing. It is now refused before a byte is read; with the
// copy in the report, /dev/zero is not read at all.
func TestReportScenarioFieldIsReadBounded(t *testing.T) {
	if _, err := os.Stat("/dev/zero"); err != nil {
		t.Skip("no /dev/zero here")
	}
	dir := t.TempDir()
	p, err := patchproto.Lookup("riscv-pair")
	if err != nil {
		t.Fatal(err)
	}
	scen := filepath.Join(dir, "pair.scenario")
	if err := os.WriteFile(scen, p.Text, 0o644); err != nil {
		t.Fatal(err)
	}
	code, r := exploreJSON(t, scen)
	if code != exitViolation {
		t.Fatalf("explore %s: exit %d, want 1", scen, code)
	}

	// With its copy, the report replays; the file it names is only
	// compared with the copy, and /dev/zero is no scenario to compare.
	r.Scenario = "/dev/zero"
	withText := writeReport(t, dir, "zero-with-text.json", r)
	within(t, 20*time.Second, "replay with the copy", func() {
		if code, out, errOut := ftcheck("replay", withText); code != exitViolation || !strings.Contains(out, "confirmed: torn-pair") {
			t.Errorf("replay naming /dev/zero, with its copy: exit %d, want 1\n%s%s", code, out, errOut)
		}
	})

	// Without the copy (a report of format 2), the file is all there is.
	r.ScenarioText, r.ScenarioSHA256 = "", ""
	noText := writeReport(t, dir, "zero-no-text.json", r)
	within(t, 20*time.Second, "replay without the copy", func() {
		if code, _, errOut := ftcheck("replay", noText); code != exitUsage || !strings.Contains(errOut, "/dev/zero:1:1: is a device, not a regular file") {
			t.Errorf("replay naming /dev/zero, no copy: exit %d, want 2\n%s", code, errOut)
		}
	})

	// merge builds the merged report's system from the same field.
	var shards []string
	for _, k := range []string{"1/2", "2/2"} {
		_, s := exploreJSON(t, scen, "--shard", k)
		s.Scenario, s.ScenarioText, s.ScenarioSHA256 = "/dev/zero", "", ""
		shards = append(shards, writeReport(t, dir, "shard"+k[:1]+".json", s))
	}
	within(t, 20*time.Second, "merge", func() {
		if code, out, errOut := ftcheck(append([]string{"merge"}, shards...)...); code != exitUsage || !strings.Contains(errOut, "/dev/zero") {
			t.Errorf("merge of shards naming /dev/zero, no copy: exit %d, want 2\n%s%s", code, out, errOut)
		}
	})
}
