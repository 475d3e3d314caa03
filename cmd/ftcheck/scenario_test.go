package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ftcheck/ftcheck/patchproto"
)

const ehnExample = "../../docs/scenarios/ehn-online-mask.scenario"

func TestShowPrintsTheEmbeddedScenario(t *testing.T) {
	for _, name := range []string{"riscv-jalr", "riscv-pair"} {
		code, out, _ := ftcheck("show", "--protocol", name)
		p, _ := patchproto.Lookup(name)
		if code != exitSafe || out != string(p.Text) || !strings.HasPrefix(out, "RISCV "+name+"\n") {
			t.Errorf("%s: exit %d\n%s", name, code, out)
		}
	}
	if code, _, errOut := ftcheck("show", "--protocol", "nope"); code != exitUsage || !strings.Contains(errOut, "riscv-jalr") {
		t.Errorf("unknown protocol: %d %q", code, errOut)
	}
}

// A built-in protocol printed by show and explored as a file gives the
// same result as --protocol: one code path.
func TestBuiltinAsAFileExploresTheSame(t *testing.T) {
	dir := t.TempDir()
	for _, args := range [][]string{{"riscv-jalr", "--op", "disable"}, {"riscv-pair", "--variant", "nostop"}} {
		_, text, _ := ftcheck("show", "--protocol", args[0])
		file := filepath.Join(dir, args[0]+".scenario")
		os.WriteFile(file, []byte(text), 0o644)
		c1, o1, _ := ftcheck(append([]string{"explore", "--progress=false", "--protocol"}, args...)...)
		c2, o2, _ := ftcheck(append([]string{"explore", "--progress=false", file}, args[1:]...)...)
		r1, r2 := resultLine(o1), resultLine(o2)
		if c1 != c2 || strip(r1) != strip(r2) || r1 == "" {
			t.Errorf("%v: --protocol %d %q, file %d %q", args, c1, r1, c2, r2)
		}
	}
}

func resultLine(out string) string {
	for _, l := range strings.Split(out, "\n") {
		if strings.HasPrefix(l, "result:") {
			return l
		}
	}
	return ""
}

// strip drops the elapsed time.
func strip(s string) string {
	if i := strings.LastIndex(s, ", "); i >= 0 {
		return s[:i]
	}
	return s
}

func TestExploreEhnExample(t *testing.T) {
	code, out, _ := ftcheck("explore", "--progress=false", ehnExample)
	if code != exitSafe || !strings.Contains(out, "holds in no reachable final state") || !strings.Contains(out, "memory:   sc") {
		t.Errorf("sc: exit %d\n%s", code, out)
	}
	code, out, _ = ftcheck("explore", "--progress=false", "--memory", "tso", ehnExample)
	if code != exitViolation || !strings.Contains(out, "EXISTS") || !strings.Contains(out, "minimal witness (13 steps") {
		t.Errorf("tso: exit %d\n%s", code, out)
	}
	code, out, _ = ftcheck("explore", "--progress=false", "--memory", "tso", "--param", "fix=both", ehnExample)
	if code != exitSafe {
		t.Errorf("tso, smp_mb on both: exit %d\n%s", code, out)
	}
}

// Several files: one report each, and the exit status is the worst:
// bad input (2) over a violation (1) over incomplete (3) over safe (0).
func TestExploreSeveralFilesExitsWithTheWorst(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.scenario")
	os.WriteFile(bad, []byte("RISCV bad\n[text]\n  nopp\n"), 0o644)
	pair := "../../patchproto/protocols/riscv-pair.scenario"
	// riscv-jalr without its tracer checks (pair-mismatch fails on it):
	// safe.
	full, _ := os.ReadFile("../../patchproto/protocols/riscv-jalr.scenario")
	text, _, _ := strings.Cut(string(full), "\n[check stale-dest]")
	jalr := filepath.Join(dir, "jalr.scenario")
	os.WriteFile(jalr, []byte(text), 0o644)
	bounded := filepath.Join(dir, "bounded.scenario") // a file's own bound: incomplete
	os.WriteFile(bounded, []byte(strings.Replace(text, "memory  rvwmo", "memory  rvwmo\nmax-states 20", 1)), 0o644)
	for _, c := range []struct {
		args []string
		want int
	}{
		{[]string{jalr, ehnExample}, exitSafe},
		{[]string{jalr, pair}, exitViolation},
		{[]string{jalr, bounded}, exitIncomplete},
		{[]string{bounded, pair}, exitViolation},
		{[]string{bounded, "--max-states", "0"}, exitSafe},
		{[]string{bad, pair}, exitUsage},
		{[]string{pair, filepath.Join(dir, "missing.scenario")}, exitUsage},
	} {
		code, out, errOut := ftcheck(append([]string{"explore", "--progress=false"}, c.args...)...)
		if code != c.want {
			t.Errorf("%v: exit %d, want %d\n%s%s", c.args, code, c.want, out, errOut)
		}
	}
	_, out, errOut := ftcheck("explore", "--progress=false", bad, jalr)
	if !strings.Contains(errOut, "bad.scenario:3:3: unknown instruction \"nopp\"") || strings.Count(out, "result:") != 1 {
		t.Errorf("bad file first: stdout %q stderr %q", out, errOut)
	}
}

func TestCheckReportsPositionedProblems(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.scenario")
	os.WriteFile(bad, []byte("RISCV bad\nparam op = a | b\n[text]\nf: nop\n[init]\npc = f\n[patcher]\n.if op == b\nwait counter x\n.endif\n[check livelock]\n"), 0o644)
	code, _, errOut := ftcheck("check", bad)
	if code != exitUsage || !strings.Contains(errOut, "bad.scenario:11:8: unknown check \"livelock\"") {
		t.Errorf("exit %d, %q", code, errOut)
	}
	code, out, _ := ftcheck("check", ehnExample, "../../patchproto/protocols/riscv-pair.scenario")
	if code != exitSafe || !strings.Contains(out, "riscv-pair: ok (6 configuration(s)") {
		t.Errorf("exit %d\n%s", code, out)
	}
	if code, _, _ := ftcheck("check"); code != exitUsage {
		t.Errorf("check without files: exit %d", code)
	}
}

func TestExploreArgumentsAreChecked(t *testing.T) {
	for _, args := range [][]string{
		{"explore", "--protocol", "riscv-jalr", ehnExample},
		{"explore", ehnExample, "--op", "enable"},
		{"explore", ehnExample, "--calls", "2"},
		{"explore", ehnExample, "--harts", "3"},
		{"explore", ehnExample, "--param", "fix=maybe"},
		{"explore", ehnExample, "--param", "nonsense"},
	} {
		if code, _, errOut := ftcheck(args...); code != exitUsage || errOut == "" {
			t.Errorf("%q: exit %d, %q", args, code, errOut)
		}
	}
}

func TestScenarioJSONReplays(t *testing.T) {
	abs, _ := filepath.Abs(ehnExample)
	code, out, _ := ftcheck("explore", "--progress=false", "--json", "--memory", "rvwmo", abs)
	if code != exitViolation || !strings.Contains(out, `"scenario": "`+abs) {
		t.Fatalf("exit %d\n%s", code, out)
	}
	file := filepath.Join(t.TempDir(), "r.json")
	os.WriteFile(file, []byte(out), 0o644)
	if code, out, errOut := ftcheck("replay", file); code != exitViolation || !strings.Contains(out, "confirmed: exists") {
		t.Fatalf("replay: exit %d\n%s%s", code, out, errOut)
	}
}

// check says when a file has more configurations than it assembles.
func TestCheckSaysWhenItStopsShort(t *testing.T) {
	src := "RISCV many\nparam a = a1 | a2 | a3 | a4 | a5 | a6 | a7 | a8\nparam b = b1 | b2 | b3 | b4 | b5 | b6 | b7 | b8\n" +
		"param c = c1 | c2 | c3 | c4 | c5 | c6 | c7 | c8\n[text 0x1000]\ntask:   nop\n        ret\n[data 0x8000]\nx: .dword 0\n[init]\npc = task\n~exists (x=1)\n"
	file := filepath.Join(t.TempDir(), "many.scenario")
	if err := os.WriteFile(file, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, _ := ftcheck("check", file)
	if code != exitSafe || !strings.Contains(out, "256 of its 512 configurations assembled") {
		t.Errorf("exit %d: %q", code, out)
	}
}
