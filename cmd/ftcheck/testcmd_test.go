package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/xml"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

func writeTree(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, text := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

var summaryLine = regexp.MustCompile(`(?m)^(\d+) passed, (\d+) failed(, (\d+) errors)?(, (\d+) not run \(interrupted\))?\n\z`)

// summary reads the closing line: passed, failed, errors.
func summary(t *testing.T, out string) [3]int {
	t.Helper()
	m := summaryLine.FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("no closing summary line:\n%s", out)
	}
	var n [3]int
	for i, g := range []string{m[1], m[2], m[4]} {
		n[i], _ = strconv.Atoi(g)
	}
	return n
}

// The project's own regression folder passes, one PASS line per file.
func TestTestRunsTheRegressionFolder(t *testing.T) {
	if testing.Short() || raceDetector {
		t.Skip("runs every regression entry (a few seconds; .ci/run runs the folder itself too)")
	}
	dir := filepath.Join("..", "..", "patchproto", "regress")
	entries, _ := filepath.Glob(filepath.Join(dir, "*.scenario"))
	if len(entries) == 0 {
		t.Fatal("no regression entries")
	}
	code, out, errOut := ftcheck("test", dir)
	if code != exitSafe {
		t.Fatalf("exit %d\n%s%s", code, out, errOut)
	}
	if n := summary(t, out); n != [3]int{len(entries), 0, 0} {
		t.Fatalf("summary %v for %d entries\n%s", n, len(entries), out)
	}
	if strings.Count(out, "\nPASS  ")+strings.Count(out[:6], "PASS  ") != len(entries) {
		t.Fatalf("want one PASS line per entry:\n%s", out)
	}
}

const pairNostop = "protocol riscv-pair\nset variant = nostop\nmemory sc\n"

// A broken expectation fails the run (exit 1) with the violation's trace
// under the FAIL line and in the JUnit failure.
func TestTestFailsOnABrokenExpectation(t *testing.T) {
	dir := writeTree(t, map[string]string{
		"good.scenario":  pairNostop + "expect violated torn-pair steps 4\n",
		"wrong.scenario": pairNostop + "expect safe\n",
		"steps.scenario": pairNostop + "expect violated torn-pair steps 5\n",
		"bound.scenario": "protocol riscv-jalr\nmemory sc\nmax-states 20\nexpect safe torn-pair\n",
	})
	junit := filepath.Join(t.TempDir(), "junit.xml")
	code, out, _ := ftcheck("test", "--junit", junit, dir)
	if code != exitViolation {
		t.Fatalf("exit %d, want 1\n%s", code, out)
	}
	if n := summary(t, out); n != [3]int{1, 3, 0} {
		t.Fatalf("summary %v\n%s", n, out)
	}
	for _, want := range []string{
		"PASS  " + filepath.Join(dir, "good.scenario") + " (violated torn-pair steps 4, ",
		"FAIL  " + filepath.Join(dir, "wrong.scenario") + ": expected safe, got violated torn-pair steps 4 (",
		"FAIL  " + filepath.Join(dir, "steps.scenario") + ": expected violated torn-pair steps 5, got violated torn-pair steps 4",
		"FAIL  " + filepath.Join(dir, "bound.scenario") + ": expected safe torn-pair, got incomplete (state bound 20 reached)",
		"      Minimal counterexample, 4 steps",
		"<-- torn-pair",
		"      reproduce: ftcheck explore " + filepath.Join(dir, "wrong.scenario"),
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	doc := readJUnit(t, junit)
	s := doc.Suites[0]
	if doc.Tests != 4 || doc.Failures != 3 || s.Tests != 4 || s.Failures != 3 || s.Errors != 0 {
		t.Fatalf("counts %+v", doc)
	}
	var wrong *junitCase
	for i := range s.Cases {
		if strings.HasSuffix(s.Cases[i].Name, "wrong.scenario") {
			wrong = &s.Cases[i]
		}
	}
	if wrong == nil || wrong.Failure == nil || wrong.Failure.Message != "expected safe, got violated torn-pair steps 4" ||
		!strings.Contains(wrong.Failure.Text, "ftcheck: VIOLATION of torn-pair") || !strings.Contains(wrong.Failure.Text, "jalr t0,640(t0) [v1@3]") {
		t.Fatalf("failure of wrong.scenario: %+v", wrong)
	}
	// The failure message is the email format: no line over 72 columns
	// in the report itself (the expected: and reproduce: lines after it
	// name the file).
	report, _, _ := strings.Cut(wrong.Failure.Text, "\nexpected: ")
	for _, l := range strings.Split(report, "\n") {
		if len(l) > 72 {
			t.Errorf("line over 72 columns: %q", l)
		}
	}
}

// Files that cannot be tested are errors (exit 2), each positioned, and
// the run still reports every file.
func TestTestErrorsAreBadInput(t *testing.T) {
	dir := writeTree(t, map[string]string{
		"ok.scenario":       pairNostop + "expect violated\n",
		"noexpect.scenario": "protocol riscv-jalr\n",
		"typo.scenario":     "protocol riscv-jalr\nset opp = change\nexpect safe\n",
		"check.scenario":    "protocol riscv-jalr\nexpect violated torn-pear\n",
		"herd.scenario":     "protocol riscv-jalr\nexpect Ok\n",
		"syntax.scenario":   "protocol riscv-jalr\nexpect sure\n",
	})
	code, out, _ := ftcheck("test", dir)
	if code != exitUsage {
		t.Fatalf("exit %d, want 2\n%s", code, out)
	}
	if n := summary(t, out); n != [3]int{1, 0, 5} {
		t.Fatalf("summary %v\n%s", n, out)
	}
	for _, want := range []string{
		"ERROR " + filepath.Join(dir, "noexpect.scenario") + ": no expect line",
		"ERROR " + filepath.Join(dir, "typo.scenario") + ":2:5: riscv-jalr has no parameter opp (known: op, variant, layout)",
		"ERROR " + filepath.Join(dir, "check.scenario") + `:2:1: this scenario has no check "torn-pear" (its checks: torn-pair`,
		"ERROR " + filepath.Join(dir, "herd.scenario") + ":2:1: expect Ok is herd's verdict on a final condition",
		"ERROR " + filepath.Join(dir, "syntax.scenario") + `:2:8: unknown expectation "sure"`,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}

// Mistakes in the command itself stop it before anything runs (exit 2,
// on stderr). A path that is no folder is a file to test, not a command
// error: TestTestBadFilesAreTheirOwnErrors.
func TestTestUsageErrors(t *testing.T) {
	empty := t.TempDir()
	notes := writeTree(t, map[string]string{"README.md": "x"})
	one := writeTree(t, map[string]string{"a.scenario": "protocol riscv-jalr\nmemory sc\nexpect safe torn-pair, stale-fetch\n"})
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"test"}, "ftcheck test: give folders or files to test"},
		{[]string{"test", empty}, "no .scenario or .litmus files in it"},
		{[]string{"test", notes}, "no .scenario or .litmus files in it"},
		{[]string{"test", "--expect", "/dev/zero", one}, "/dev/zero:1:1: is a device"},
		{[]string{"test", "--jobs", "0", empty}, "--jobs 0"},
		{[]string{"test", "--junit", filepath.Join(empty, "no", "j.xml"), notes}, "does not exist"},
	} {
		code, _, errOut := ftcheck(c.args...)
		if code != exitUsage || !strings.Contains(errOut, c.want) {
			t.Errorf("%v: exit %d, stderr %q; want 2 and %q", c.args, code, errOut, c.want)
		}
	}
}

// Results print in the order of the files whatever order the workers
// finish them in.
func TestTestPrintsInFileOrder(t *testing.T) {
	files := map[string]string{}
	for i := 0; i < 8; i++ {
		files[fmt.Sprintf("f%d.scenario", i)] = pairNostop + "expect violated torn-pair steps 4\n"
	}
	files["f3.scenario"] = "protocol riscv-jalr\nmemory sc\nexpect safe torn-pair, stale-fetch\n" // slower than the others
	dir := writeTree(t, files)
	code, out, _ := ftcheck("test", "--jobs", "3", dir)
	if code != exitSafe {
		t.Fatalf("exit %d\n%s", code, out)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	for i := 0; i < 8; i++ {
		if !strings.Contains(lines[i], fmt.Sprintf("f%d.scenario", i)) {
			t.Fatalf("line %d is %q\n%s", i, lines[i], out)
		}
	}
}

// After Ctrl-C (the context cancelled) nothing more is run, nothing is
// reported as failed, and the exit status is 3.
func TestTestInterruptedIsNotAFailure(t *testing.T) {
	dir := writeTree(t, map[string]string{"a.scenario": "protocol riscv-jalr\nmemory sc\nexpect safe torn-pair, stale-fetch\n", "b.scenario": pairNostop + "expect safe\n"})
	files, err := discoverTests([]string{dir})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	var shown []testResult
	results := runTests(ctx, files, testFlags{jobs: 2}, newVerdictFiles(), nil, func(r testResult) { shown = append(shown, r) })
	if len(shown) != 2 {
		t.Fatalf("shown %d results", len(shown))
	}
	for _, r := range results {
		if r.Status != testInterrupted {
			t.Errorf("%s: status %d, want interrupted", r.File, r.Status)
		}
	}
	var buf bytes.Buffer
	printTestResult(&buf, results[0])
	if !strings.HasPrefix(buf.String(), "SKIP  ") {
		t.Errorf("line %q", buf.String())
	}
}

// Two litmus shapes with herd verdicts in a kinds file next to them
// (SB: Allowed under RVWMO; with fence rw,rw on both sides: Forbidden).
const sbLitmus = `RISCV SB%s
{
0:x6=x; 0:x8=y;
1:x6=y; 1:x8=x;
}
 P0          | P1          ;
 ori x5,x0,1 | ori x5,x0,1 ;
 sw x5,0(x6) | sw x5,0(x6) ;
 %s
 lw x7,0(x8) | lw x7,0(x8) ;
exists
(0:x7=0 /\ 1:x7=0)
`

func TestTestLitmusFilesAgainstVerdictFiles(t *testing.T) {
	sb := strings.Replace(fmt.Sprintf(sbLitmus, "", ""), "\n \n", "\n", 1)
	sbFenced := fmt.Sprintf(sbLitmus, "+fences", "fence rw,rw | fence rw,rw ;")
	dir := writeTree(t, map[string]string{
		"suite.kinds":              "SB Allowed\n",
		"sub/SB.litmus":            sb,
		"sub/SB+fences.litmus":     sbFenced,
		"sub/local-kinds.txt":      "SB+fences Forbidden\n",
		"other/SB+fences.litmus":   sbFenced,
		"other/wrong-expected.csv": "litmus/other/SB+fences.litmus,1\n",
		"none/SB.litmus":           sb,
	})
	code, out, _ := ftcheck("test", filepath.Join(dir, "sub"), filepath.Join(dir, "other"), filepath.Join(dir, "none"))
	// sub/SB.litmus finds no verdict: suite.kinds is above the folder given.
	if code != exitUsage {
		t.Fatalf("exit %d\n%s", code, out)
	}
	for _, want := range []string{
		"PASS  " + filepath.Join(dir, "sub", "SB+fences.litmus") + " (No Forbidden (model rvwmo), ",
		"FAIL  " + filepath.Join(dir, "other", "SB+fences.litmus") + ": expected Ok, got No Forbidden (model rvwmo)",
		"ERROR " + filepath.Join(dir, "none", "SB.litmus") + ": no expected verdict",
		"ERROR " + filepath.Join(dir, "sub", "SB.litmus") + ": no expected verdict",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	// From the top folder, suite.kinds covers every SB.litmus.
	code, out, _ = ftcheck("test", dir)
	if n := summary(t, out); code != exitViolation || n != [3]int{3, 1, 0} {
		t.Fatalf("exit %d, summary %v\n%s", code, n, out)
	}
	// --expect gives a verdict file from anywhere.
	code, out, _ = ftcheck("test", filepath.Join(dir, "sub", "SB.litmus"), "--expect", filepath.Join(dir, "suite.kinds"))
	if code != exitSafe || !strings.Contains(out, "PASS  "+filepath.Join(dir, "sub", "SB.litmus")+" (Ok Allowed (model rvwmo)") {
		t.Fatalf("exit %d\n%s", code, out)
	}
}

// readJUnit decodes the report and checks it against the shape of
// Jenkins' junit-4.xsd, which GitLab, Jenkins and GitHub Actions test
// reporters read: <testsuites> of <testsuite name tests ...> of
// <testcase name classname time> holding, in this order, at most one
// <skipped>, <error>s, <failure>s and <system-out>s; numbers where the
// schema wants numbers.
func readJUnit(t *testing.T, file string) junitSuites {
	t.Helper()
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(data, []byte(`<?xml version="1.0" encoding="UTF-8"?>`)) {
		t.Errorf("no XML declaration")
	}
	checkJUnitShape(t, data)
	var doc junitSuites
	if err := xml.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	return doc
}

// node is a generic XML element, for the shape check.
type node struct {
	XMLName xml.Name
	Attrs   []xml.Attr `xml:",any,attr"`
	Nodes   []node     `xml:",any"`
	Text    string     `xml:",chardata"`
}

func checkJUnitShape(t *testing.T, data []byte) {
	t.Helper()
	var root node
	if err := xml.Unmarshal(data, &root); err != nil {
		t.Fatal(err)
	}
	type rule struct {
		required, allowed []string // attributes
		numeric           []string
		children          []string // allowed children, in schema order
		once              []string // children allowed at most once
	}
	rules := map[string]rule{
		"testsuites": {allowed: []string{"name", "time", "tests", "failures", "disabled", "errors"}, numeric: []string{"time", "tests", "failures", "errors"}, children: []string{"testsuite"}},
		"testsuite": {required: []string{"name", "tests"}, allowed: []string{"failures", "errors", "time", "disabled", "skipped", "timestamp", "hostname", "id", "package", "file", "log", "url", "version"},
			numeric: []string{"tests", "failures", "errors", "time", "skipped"}, children: []string{"properties", "testcase", "system-out", "system-err"}, once: []string{"properties", "system-out", "system-err"}},
		"testcase": {required: []string{"name"}, allowed: []string{"assertions", "time", "classname", "status"}, numeric: []string{"time"},
			children: []string{"skipped", "error", "failure", "system-out", "system-err"}, once: []string{"skipped"}},
		"failure":    {allowed: []string{"type", "message"}},
		"error":      {allowed: []string{"type", "message"}},
		"skipped":    {allowed: []string{"message"}},
		"system-out": {},
	}
	var walk func(n node, path string)
	walk = func(n node, path string) {
		name := n.XMLName.Local
		path += "/" + name
		r, ok := rules[name]
		if !ok {
			t.Errorf("%s: element not in the schema", path)
			return
		}
		have := map[string]string{}
		for _, a := range n.Attrs {
			have[a.Name.Local] = a.Value
			if !contains(r.required, a.Name.Local) && !contains(r.allowed, a.Name.Local) {
				t.Errorf("%s: attribute %s not in the schema", path, a.Name.Local)
			}
		}
		for _, a := range r.required {
			if _, ok := have[a]; !ok {
				t.Errorf("%s: required attribute %s missing", path, a)
			}
		}
		for _, a := range r.numeric {
			if v, ok := have[a]; ok {
				if _, err := strconv.ParseFloat(v, 64); err != nil {
					t.Errorf("%s: %s=%q is not a number", path, a, v)
				}
			}
		}
		last, counts := -1, map[string]int{}
		for _, c := range n.Nodes {
			i := indexOf(r.children, c.XMLName.Local)
			switch {
			case i < 0:
				t.Errorf("%s: child %s not allowed", path, c.XMLName.Local)
			case i < last:
				t.Errorf("%s: child %s out of the schema's order", path, c.XMLName.Local)
			}
			last = max(last, i)
			if counts[c.XMLName.Local]++; counts[c.XMLName.Local] > 1 && contains(r.once, c.XMLName.Local) {
				t.Errorf("%s: more than one %s", path, c.XMLName.Local)
			}
			walk(c, path)
		}
	}
	if root.XMLName.Local != "testsuites" {
		t.Fatalf("root element %s, want testsuites", root.XMLName.Local)
	}
	walk(root, "")
}

func contains(s []string, x string) bool { return indexOf(s, x) >= 0 }

func indexOf(s []string, x string) int {
	for i, y := range s {
		if y == x {
			return i
		}
	}
	return -1
}

// Every status becomes the element the schema has for it, and the counts
// agree with the testcases.
func TestJUnitShapeForEveryStatus(t *testing.T) {
	results := []testResult{
		{File: "a/pass.scenario", Status: testPass, Expected: "safe", Got: "safe", Counts: "5 states"},
		{File: "a/fail.scenario", Status: testFail, Expected: "safe", Got: "violated torn-pair steps 4", Detail: "trace <-- torn-pair & ]]> inside\n"},
		{File: "b/err.scenario", Status: testError, Detail: "b/err.scenario:1:1: bad"},
		{File: "b/int.scenario", Status: testInterrupted},
	}
	file := filepath.Join(t.TempDir(), "j.xml")
	var buf bytes.Buffer
	if err := writeJUnit(&buf, results, 0); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(file, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	doc := readJUnit(t, file)
	s := doc.Suites[0]
	if s.Tests != 4 || s.Failures != 1 || s.Errors != 1 || s.Skipped != 1 || len(s.Cases) != 4 {
		t.Fatalf("suite %+v", s)
	}
	c := s.Cases
	if c[0].Name != "a/pass.scenario" || c[0].Classname != "a" || c[0].SystemOut == "" || c[0].Failure != nil {
		t.Errorf("pass: %+v", c[0])
	}
	if c[1].Failure == nil || c[1].Failure.Text != "trace <-- torn-pair & ]]> inside\n" {
		t.Errorf("fail: %+v", c[1].Failure)
	}
	if c[2].Error == nil || c[2].Error.Message != "b/err.scenario:1:1: bad" {
		t.Errorf("error: %+v", c[2].Error)
	}
	if c[3].Skipped == nil || c[3].Skipped.Message != "interrupted" {
		t.Errorf("skipped: %+v", c[3].Skipped)
	}
}

// Every file that cannot be tested is an ERROR line of its own and a
// JUnit <error>; the files after it still run, and the exit status is 2
// even when another file failed (bad input wins over a broken
// expectation).
func TestTestBadFilesAreTheirOwnErrors(t *testing.T) {
	dir := writeTree(t, map[string]string{
		"syntax.scenario":       "protocol riscv-jalr\nexpect sure\n",
		"inst-missing.scenario": "scenario \"absent.scenario\"\nexpect safe\n",
		"inst-bad.scenario":     "scenario \"bases/broken.txt\"\nexpect safe\n",
		"bases/broken.txt":      "RISCV broken\n{\n",
		"broken.litmus":         "RISCV broken\n{\n",
		"suite.kinds":           "broken Allowed\n",
		"wrong.scenario":        pairNostop + "expect safe\n",
		"z-good.scenario":       pairNostop + "expect violated torn-pair steps 4\n",
	})
	// A 2 MiB file (sparse: nothing is written), over input.MaxSource.
	big := filepath.Join(dir, "big.scenario")
	if f, err := os.Create(big); err != nil {
		t.Fatal(err)
	} else if err := f.Truncate(2 << 20); err != nil {
		t.Fatal(err)
	} else {
		f.Close()
	}
	want := map[string]string{ // file: the start of its ERROR line after the name
		"syntax.scenario":       `:2:8: unknown expectation "sure"`,
		"inst-missing.scenario": ":1:10: stat " + filepath.Join(dir, "absent.scenario") + ": no such file",
		"inst-bad.scenario":     ": " + filepath.Join(dir, "bases", "broken.txt") + ":2:1: ",
		"broken.litmus":         ":",
		"big.scenario":          ":1:1: file is larger than 1048576 bytes",
	}
	// A FIFO would block a plain read until a writer comes: the run
	// would hang here.
	if err := syscall.Mkfifo(filepath.Join(dir, "fifo.scenario"), 0o644); err == nil {
		want["fifo.scenario"] = ":1:1: is a FIFO (named pipe), not a regular file"
	} else {
		t.Logf("no FIFO: %v", err)
	}
	junit := filepath.Join(t.TempDir(), "junit.xml")
	args := []string{"test", "--jobs", "1", "--junit", junit, dir}
	// Paths named on the command line: /dev/zero (endless), a missing
	// file, a file that is no test.
	named := map[string]string{
		"/dev/zero":                         ":1:1: is a device, not a regular file",
		filepath.Join(dir, "absent.litmus"): ": no such file or directory",
		filepath.Join(dir, "suite.kinds"):   ": not a .scenario or .litmus file",
	}
	if _, err := os.Stat("/dev/zero"); err != nil {
		delete(named, "/dev/zero")
	}
	for p := range named {
		args = append(args, p)
	}
	code, out, errOut := ftcheck(args...)
	if code != exitUsage {
		t.Fatalf("exit %d, want 2\n%s%s", code, out, errOut)
	}
	errors := len(want) + len(named)
	if n := summary(t, out); n != [3]int{1, 1, errors} {
		t.Fatalf("summary %v, want 1 passed, 1 failed, %d errors\n%s", n, errors, out)
	}
	for name, msg := range want {
		want := "\nERROR " + filepath.Join(dir, name) + msg
		if !strings.Contains("\n"+out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	for p, msg := range named {
		if !strings.Contains("\n"+out, "\nERROR "+p+msg) {
			t.Errorf("output lacks %q:\n%s", "ERROR "+p+msg, out)
		}
	}
	for _, line := range []string{
		"PASS  " + filepath.Join(dir, "z-good.scenario") + " (violated torn-pair steps 4, ",
		"FAIL  " + filepath.Join(dir, "wrong.scenario") + ": expected safe, got violated torn-pair steps 4",
	} {
		if !strings.Contains(out, line) {
			t.Errorf("output lacks %q:\n%s", line, out)
		}
	}
	doc := readJUnit(t, junit)
	s := doc.Suites[0]
	if s.Tests != errors+2 || s.Errors != errors || s.Failures != 1 || doc.Errors != errors {
		t.Fatalf("JUnit counts: %d tests, %d errors, %d failures; want %d, %d, 1", s.Tests, s.Errors, s.Failures, errors+2, errors)
	}
	for _, c := range s.Cases {
		_, isBad := want[filepath.Base(c.Name)]
		_, isNamed := named[filepath.FromSlash(c.Name)]
		switch {
		case isBad || isNamed:
			if c.Error == nil || c.Error.Type != "bad input" || c.Failure != nil {
				t.Errorf("%s: want an <error type=\"bad input\">, got %+v", c.Name, c)
			}
		case c.Error != nil:
			t.Errorf("%s: unexpected <error> %+v", c.Name, c.Error)
		}
	}
}

// progressLine is one line of ftcheck test's stderr: a file starts
// ("…") or ends (its status and time).
var progressLine = regexp.MustCompile(`^\[(\d+)/(\d+)\] (\S+) (…|(PASS|FAIL|ERROR|SKIP) \S+)$`)

// On stderr, one line as each file starts and one as it ends, numbered
// in file order, with the status the file's stdout line has; plain lines
// (no carriage returns), whatever order the parallel files run in.
func TestTestProgressLines(t *testing.T) {
	dir := writeTree(t, map[string]string{
		"a.scenario":     pairNostop + "expect violated torn-pair steps 4\n",
		"b.scenario":     pairNostop + "expect safe\n",
		"sub/c.scenario": "protocol riscv-jalr\n",
		"sub/d.scenario": "protocol riscv-jalr\nmemory sc\nexpect safe torn-pair, stale-fetch\n",
	})
	names := []string{"a.scenario", "b.scenario", filepath.Join("sub", "c.scenario"), filepath.Join("sub", "d.scenario")}
	status := []string{"PASS", "FAIL", "ERROR", "PASS"}
	code, out, errOut := ftcheck("test", "--jobs", "2", dir)
	if code != exitUsage {
		t.Fatalf("exit %d\n%s%s", code, out, errOut)
	}
	if strings.Contains(errOut, "\r") {
		t.Errorf("carriage return on stderr: %q", errOut)
	}
	started, ended := map[int]int{}, map[int]int{}
	lines := strings.Split(strings.TrimSuffix(errOut, "\n"), "\n")
	for at, l := range lines {
		m := progressLine.FindStringSubmatch(l)
		if m == nil {
			t.Errorf("not a progress line: %q", l)
			continue
		}
		i, _ := strconv.Atoi(m[1])
		i--
		if m[2] != "4" || i < 0 || i >= len(names) || m[3] != names[i] {
			t.Errorf("line %q: want [N/4] and the Nth file's name of %v", l, names)
			continue
		}
		if m[4] == "…" {
			started[i]++
			continue
		}
		if started[i] == 0 {
			t.Errorf("line %d %q: the file ends before it starts", at, l)
		}
		if ended[i]++; m[5] != status[i] {
			t.Errorf("line %q: want %s, as stdout says", l, status[i])
		}
	}
	for i, name := range names {
		if started[i] != 1 || ended[i] != 1 {
			t.Errorf("%s: %d start and %d end lines, want one each:\n%s", name, started[i], ended[i], errOut)
		}
	}
	// stdout is as without progress: the results, then the summary.
	if n := summary(t, out); n != [3]int{2, 1, 1} {
		t.Errorf("summary %v\n%s", n, out)
	}
	if code, _, errOut := ftcheck("test", "--progress=false", dir); code != exitUsage || errOut != "" {
		t.Errorf("--progress=false: exit %d, stderr %q", code, errOut)
	}
}

// goTool is the go command of the toolchain running this test.
func goTool(t *testing.T) string {
	t.Helper()
	if p := filepath.Join(runtime.GOROOT(), "bin", "go"); runtime.GOROOT() != "" {
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	p, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command to build ftcheck with")
	}
	return p
}

// SIGTERM (CI runners, Kubernetes, timeout(1)) and SIGHUP (a closed
// terminal) stop the ftcheck binary as Ctrl-C does: the running search
// stops, no file is started, and the report is complete — every file's
// line, the summary, the JUnit file with the unfinished files <skipped> —
// and the exit status is 3.
func TestTestStopSignals(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the ftcheck binary (several seconds)")
	}
	bin := filepath.Join(t.TempDir(), "ftcheck")
	build := exec.Command(goTool(t), "build", "-o", bin, ".")
	if b, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, b)
	}
	dir := writeTree(t, map[string]string{
		"a-quick.scenario": pairNostop + "expect violated torn-pair steps 4\n",
		// 930,798 states, over ten seconds: it is still running when
		// the signal comes.
		"b-long.scenario":  "protocol x86-nmi\nset variant = v2009\nset op = enable\nset sync = enter\nexpect safe\n",
		"c-after.scenario": pairNostop + "expect violated torn-pair steps 4\n",
	})
	for _, sig := range []syscall.Signal{syscall.SIGTERM, syscall.SIGHUP} {
		t.Run(sig.String(), func(t *testing.T) {
			junit := filepath.Join(t.TempDir(), "junit.xml")
			// A bound in case the signal is ignored: the long file
			// would then end by itself, long before this.
			ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
			defer cancel()
			cmd := exec.CommandContext(ctx, bin, "test", "--jobs", "1", "--junit", junit, dir)
			var out bytes.Buffer
			cmd.Stdout = &out
			stderr, err := cmd.StderrPipe()
			if err != nil {
				t.Fatal(err)
			}
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			// The progress line says when the long search has started.
			var errOut strings.Builder
			sent := false
			sc := bufio.NewScanner(stderr)
			for sc.Scan() {
				fmt.Fprintln(&errOut, sc.Text())
				if !sent && sc.Text() == "[2/3] b-long.scenario …" {
					if err := cmd.Process.Signal(sig); err != nil {
						t.Fatal(err)
					}
					sent = true
				}
			}
			err = cmd.Wait()
			if !sent {
				t.Fatalf("the long file never started (%v):\n%s%s", err, out.String(), errOut.String())
			}
			if code := cmd.ProcessState.ExitCode(); code != exitIncomplete {
				t.Fatalf("exit %d (%v), want 3\n%s%s", code, cmd.ProcessState, out.String(), errOut.String())
			}
			for _, line := range []string{
				"PASS  " + filepath.Join(dir, "a-quick.scenario") + " (",
				"SKIP  " + filepath.Join(dir, "b-long.scenario") + ": interrupted\n",
				"SKIP  " + filepath.Join(dir, "c-after.scenario") + ": interrupted\n",
				"1 passed, 0 failed, 2 not run (interrupted)\n",
			} {
				if !strings.Contains(out.String(), line) {
					t.Errorf("stdout lacks %q:\n%s", line, out.String())
				}
			}
			if !strings.Contains(errOut.String(), "[2/3] b-long.scenario SKIP ") || strings.Contains(errOut.String(), "[3/3]") {
				t.Errorf("stderr: want b-long ending SKIP and c-after never started:\n%s", errOut.String())
			}
			doc := readJUnit(t, junit)
			s := doc.Suites[0]
			if s.Tests != 3 || s.Skipped != 2 || s.Failures != 0 || s.Errors != 0 {
				t.Fatalf("JUnit suite: %d tests, %d skipped, %d failures, %d errors; want 3, 2, 0, 0", s.Tests, s.Skipped, s.Failures, s.Errors)
			}
			for _, c := range s.Cases {
				skipped := c.Skipped != nil && c.Skipped.Message == "interrupted"
				if want := !strings.HasSuffix(c.Name, "a-quick.scenario"); skipped != want {
					t.Errorf("%s: skipped %v, want %v", c.Name, skipped, want)
				}
			}
		})
	}
}
