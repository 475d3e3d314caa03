package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ftcheck/ftcheck/model"
)

func ftcheck(args ...string) (code int, stdout, stderr string) {
	var o, e bytes.Buffer
	code = run(args, &o, &e)
	return code, o.String(), e.String()
}

func TestExploreRISCVPairFindsTornPair(t *testing.T) {
	code, out, _ := ftcheck("explore", "--protocol", "riscv-pair", "--progress=false")
	if code != exitViolation {
		t.Fatalf("exit %d, want 1\n%s", code, out)
	}
	for _, want := range []string{"VIOLATION of torn-pair", "minimal counterexample (13 steps", "jalr t0,640(t0)", "v1 of v0..v1", "v0 (boot)", "2 harts + patcher"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}

func TestExploreRISCVPairPreemptedRetargetIsThe2023Panic(t *testing.T) {
	code, out, _ := ftcheck("explore", "--protocol", "riscv-pair", "--op", "change", "--progress=false")
	if code != exitViolation {
		t.Fatalf("exit %d\n%s", code, out)
	}
	// ra holds tracer_a's high part (auipc before preemption), the jalr
	// carries tracer_b's low part: 0x3388 - 1864 = 0x2c40.
	for _, want := range []string{"ra = 0x3388", "task preempted", "jalr ra,-1864(ra)", "jump 0x2c40"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}

func TestExploreRISCVJalrIsSafeAndComplete(t *testing.T) {
	code, out, _ := ftcheck("explore", "--protocol", "riscv-jalr", "--memory", "sc", "--check", "torn-pair,stale-fetch", "--progress=false")
	if code != exitSafe {
		t.Fatalf("exit %d\n%s", code, out)
	}
	for _, want := range []string{"no violation", "search complete", "states", "transitions", "2 harts + patcher", "preemption"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}

func TestIncompleteSearchNeverSaysSafe(t *testing.T) {
	code, out, _ := ftcheck("explore", "--protocol", "riscv-jalr", "--memory", "sc", "--check", "torn-pair,stale-fetch", "--max-states", "50", "--progress=false")
	if code != exitIncomplete || !strings.Contains(out, "INCOMPLETE") || strings.Contains(out, "no violation") {
		t.Fatalf("exit %d\n%s", code, out)
	}
	code, out, _ = ftcheck("explore", "--protocol", "riscv-jalr", "--memory", "sc", "--check", "torn-pair,stale-fetch", "--max-depth", "5", "--progress=false")
	if code != exitIncomplete || !strings.Contains(out, "depth bound 5") {
		t.Fatalf("exit %d\n%s", code, out)
	}
	// Depth first, a bound leaves the search incomplete just the same
	// (a state first met deep is never expanded from a shorter path).
	for _, bound := range [][]string{{"--max-states", "50"}, {"--max-depth", "5"}} {
		args := append([]string{"explore", "--protocol", "riscv-jalr", "--memory", "sc", "--check", "torn-pair,stale-fetch", "--search", "dfs", "--progress=false"}, bound...)
		if code, out, _ := ftcheck(args...); code != exitIncomplete || !strings.Contains(out, "INCOMPLETE") || strings.Contains(out, "no violation —") {
			t.Fatalf("%q: exit %d\n%s", bound, code, out)
		}
	}
}

// Depth first, the main job's verdicts and minimal traces are those of
// the default search.
func TestDepthFirstSearchFromTheCommandLine(t *testing.T) {
	code, out, _ := ftcheck("explore", "--protocol", "riscv-jalr", "--memory", "sc", "--check", "torn-pair,stale-fetch", "--search", "dfs", "--progress=false")
	if code != exitSafe || !strings.Contains(out, "1232 states") || !strings.Contains(out, "depth first") {
		t.Fatalf("riscv-jalr dfs: exit %d\n%s", code, out)
	}
	code, out, _ = ftcheck("explore", "--protocol", "riscv-pair", "--search", "dfs", "--progress=false")
	if code != exitViolation || !strings.Contains(out, "minimal counterexample (13 steps") {
		t.Fatalf("riscv-pair dfs: exit %d\n%s", code, out)
	}
}

func TestBadInputExitsTwo(t *testing.T) {
	for _, args := range [][]string{
		{"explore", "--protocol", "nope"},
		{"explore"},
		{"explore", "--protocol", "riscv-jalr", "--memory", "sc", "--check", "torn-pair,stale-fetch", "--bogus"},
		{"explore", "--protocol", "riscv-jalr", "--memory", "sc", "--check", "torn-pair,stale-fetch", "--harts", "0"},
		{"explore", "--protocol", "riscv-jalr", "--memory", "sc", "--check", "torn-pair,stale-fetch", "--op", "swap"},
		{"explore", "--protocol", "riscv-jalr", "--memory", "sc", "--check", "torn-pair,stale-fetch", "extra"},
		{"explore", "--protocol", "riscv-jalr", "--memory", "sc", "--check", "torn-pair,stale-fetch", "--search", "sideways"},
		{"explore", "--protocol", "riscv-jalr", "--memory", "sc", "--check", "torn-pair,stale-fetch", "--search", "dfs", "--store", "bitstate"},
		{"explore", "--protocol", "riscv-jalr", "--memory", "sc", "--check", "torn-pair,stale-fetch", "--search", "dfs", "--shard", "1/2"},
		{"frobnicate"},
		{},
		{"replay"},
		{"list", "x"},
	} {
		code, _, errOut := ftcheck(args...)
		if code != exitUsage || errOut == "" {
			t.Errorf("%q: exit %d, stderr %q", args, code, errOut)
		}
	}
	_, _, errOut := ftcheck("explore", "--protocol", "nope")
	if !strings.Contains(errOut, "riscv-jalr") || !strings.Contains(errOut, "riscv-pair") {
		t.Errorf("unknown protocol must name the known ones: %q", errOut)
	}
}

func TestListNamesEverything(t *testing.T) {
	code, out, _ := ftcheck("list")
	if code != 0 {
		t.Fatal(code)
	}
	for _, want := range []string{"riscv-pair", "riscv-jalr", "torn-pair", "sc "} {
		if !strings.Contains(out, want) {
			t.Errorf("list lacks %q:\n%s", want, out)
		}
	}
}

func TestJSONReplayConfirmsAndRefutes(t *testing.T) {
	dir := t.TempDir()
	code, out, _ := ftcheck("explore", "--protocol", "riscv-pair", "--variant", "nostop", "--memory", "sc", "--json", "--progress=false")
	if code != exitViolation {
		t.Fatal(code)
	}
	var rep Report
	if err := json.Unmarshal([]byte(out), &rep); err != nil || len(rep.Trace) != 4 {
		t.Fatalf("bad JSON (%v): %s", err, out)
	}
	good := filepath.Join(dir, "good.json")
	os.WriteFile(good, []byte(out), 0o644)
	if code, out, _ := ftcheck("replay", good); code != exitViolation || !strings.Contains(out, "confirmed: torn-pair") {
		t.Fatalf("replay: exit %d\n%s", code, out)
	}

	// Drop the patcher's store: the trace no longer executes, which is
	// bad input (exit 2), never a refutation that exits 0.
	rep.Trace = append(rep.Trace[:2:2], rep.Trace[3])
	b, _ := json.Marshal(rep)
	bad := filepath.Join(dir, "bad.json")
	os.WriteFile(bad, b, 0o644)
	if code, out, _ := ftcheck("replay", bad); code != exitUsage || !strings.Contains(out, "refuted: the trace cannot be executed") {
		t.Fatalf("replay of a tampered trace: exit %d\n%s", code, out)
	}

	broken := filepath.Join(dir, "broken.json")
	os.WriteFile(broken, []byte("{\n  \"protocol\": \"riscv-pair\",\n  \"options\": 7\n}"), 0o644)
	code, _, errOut := ftcheck("replay", broken)
	if code != exitUsage || !strings.Contains(errOut, "broken.json:3:") {
		t.Fatalf("malformed report: exit %d, %q", code, errOut)
	}
}

func TestShardsMergeToTheWholeVerdict(t *testing.T) {
	dir := t.TempDir()
	for _, c := range []struct {
		args []string
		want int
	}{
		{[]string{"--protocol", "riscv-jalr", "--memory", "sc", "--check", "torn-pair,stale-fetch"}, exitSafe},
		{[]string{"--protocol", "riscv-pair"}, exitViolation},
	} {
		var files []string
		for k := 1; k <= 3; k++ {
			args := append([]string{"explore", "--json", "--progress=false", "--shard", fmt.Sprintf("%d/3", k)}, c.args...)
			_, out, _ := ftcheck(args...)
			f := filepath.Join(dir, fmt.Sprintf("s%d.json", k))
			os.WriteFile(f, []byte(out), 0o644)
			files = append(files, f)
		}
		code, out, errOut := ftcheck(append([]string{"merge"}, files...)...)
		if code != c.want {
			t.Fatalf("%v: merge exit %d, want %d\n%s%s", c.args, code, c.want, out, errOut)
		}
		if c.want == exitViolation && !strings.Contains(out, "minimal counterexample (13 steps") {
			t.Fatalf("merged violation must keep the minimal trace:\n%s", out)
		}
		if code, _, _ := ftcheck("merge", files[0], files[1]); code != exitUsage {
			t.Fatalf("a missing shard must be an input error, got %d", code)
		}
	}
}

func TestSearchFlags(t *testing.T) {
	for _, bad := range [][]string{{"--shard", "4/3"}, {"--shard", "x"}, {"--workers", "0"}, {"--max-memory", "lots"}} {
		args := append([]string{"explore", "--protocol", "riscv-jalr", "--memory", "sc", "--check", "torn-pair,stale-fetch"}, bad...)
		if code, _, _ := ftcheck(args...); code != exitUsage {
			t.Errorf("%v: exit %d, want 2", bad, code)
		}
	}
	code, out, _ := ftcheck("explore", "--protocol", "riscv-jalr", "--memory", "sc", "--check", "torn-pair,stale-fetch", "--harts", "3", "--max-memory", "1KiB", "--progress=false")
	if code != exitIncomplete || !strings.Contains(out, "memory bound") {
		t.Fatalf("exit %d\n%s", code, out)
	}
}

func TestPhysicalMemoryIsRead(t *testing.T) {
	if _, err := os.Stat("/proc/meminfo"); err != nil {
		t.Skip("no /proc/meminfo on this system")
	}
	if n := physicalMemory(); n < 64<<20 {
		t.Fatalf("physicalMemory() = %d bytes: /proc/meminfo's MemTotal was not read", n)
	}
}

func TestCPUProfileIsWritten(t *testing.T) {
	path := filepath.Join(t.TempDir(), "cpu.prof")
	if code, out, errs := ftcheck("explore", "--protocol", "riscv-jalr", "--memory", "sc", "--check", "torn-pair,stale-fetch", "--progress=false", "--cpuprofile", path); code != exitSafe {
		t.Fatalf("exit %d\n%s%s", code, out, errs)
	}
	if st, err := os.Stat(path); err != nil || st.Size() == 0 {
		t.Fatalf("no profile written: %v", err)
	}
	if code, _, errs := ftcheck("explore", "--protocol", "riscv-jalr", "--memory", "sc", "--check", "torn-pair,stale-fetch", "--cpuprofile", filepath.Join(t.TempDir(), "no", "such", "dir")); code != exitUsage || !strings.Contains(errs, "--cpuprofile") {
		t.Fatalf("unwritable profile: exit %d, %q", code, errs)
	}
}

// A report written before memory steps were named by their agent (no
// format field; a memory step numbered among all agents' enabled steps)
// still replays: x86-int3 r4's counterexample drains the patcher's store
// buffer (agent 2), whose old number differs from today's label.
func TestReplayOfAnOldFormatReport(t *testing.T) {
	code, out, _ := ftcheck("explore", "--protocol", "x86-int3", "--variant", "r4", "--first-violation", "--json", "--progress=false")
	if code != exitViolation {
		t.Fatal(code)
	}
	var rep Report
	if err := json.Unmarshal([]byte(out), &rep); err != nil || rep.Format != reportFormat {
		t.Fatalf("bad JSON (%v), format %d", err, rep.Format)
	}
	sys, _, err := reportSystem(rep)
	if err != nil {
		t.Fatal(err)
	}
	// Number the memory steps the old way, executing the trace.
	m, renamed := sys.Initial, 0
	for i, e := range rep.Trace {
		l := e.Label
		tr, err := sys.Apply(m, l)
		if err != nil {
			t.Fatalf("step %d: %v", i+1, err)
		}
		if l.Action == model.ActMemory {
			agent, j := l.MemoryStep()
			old := j
			for a := 0; a < agent; a++ {
				old += m.Mem.InternalOf(a)
			}
			if old != l.Index {
				renamed++
			}
			rep.Trace[i].Label.Index = old
		}
		m = tr.After
	}
	if renamed == 0 {
		t.Fatal("no memory step of the trace is numbered differently the old way: the test tests nothing")
	}
	dir := t.TempDir()
	write := func(name string, format int) string {
		rep.Format = format
		b, _ := json.Marshal(rep)
		f := filepath.Join(dir, name)
		os.WriteFile(f, b, 0o644)
		return f
	}
	if code, out, _ := ftcheck("replay", write("old.json", 0)); code != exitViolation || !strings.Contains(out, "confirmed: use-after-clear") || !strings.Contains(out, "older ftcheck") {
		t.Fatalf("replay of the old report: exit %d\n%s", code, out)
	}
	// The same labels claimed to be of today's format do not replay: the
	// trace cannot be executed (exit 2) or executes without the violation
	// (exit 0), never confirmed.
	if code, out, _ := ftcheck("replay", write("mislabelled.json", reportFormat)); code == exitViolation || !strings.Contains(out, "refuted") {
		t.Fatalf("replay of old labels as today's: exit %d\n%s", code, out)
	}
}
