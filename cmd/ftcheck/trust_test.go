package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/ftcheck/ftcheck/model"
	"github.com/ftcheck/ftcheck/patchproto"
)

// The verdicts a reviewer acts on: a shard, a vacuous search, a model of
// another architecture and an edited report never pass for a proof.

func exploreJSON(t *testing.T, args ...string) (int, Report) {
	t.Helper()
	code, out, errOut := ftcheck(append([]string{"explore", "--progress=false", "--json"}, args...)...)
	var r Report
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatalf("explore %v: exit %d, no JSON (%v)\n%s%s", args, code, err, out, errOut)
	}
	return code, r
}

func writeReport(t *testing.T, dir, name string, r Report) string {
	t.Helper()
	b, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	f := filepath.Join(dir, name)
	if err := os.WriteFile(f, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return f
}

// One shard of a split search explores a slice: it never says safe and
// never exits 0, even where its slice holds no violation.
func TestAShardNeverSaysSafe(t *testing.T) {
	code, out, _ := ftcheck("explore", "--progress=false", "--protocol", "riscv-pair", "--op", "change", "--shard", "1/1000")
	if code != exitIncomplete || !strings.Contains(out, "NOT a verdict") || strings.Contains(out, "search complete") {
		t.Fatalf("exit %d, want 3 and no claim of safety\n%s", code, out)
	}
	code, r := exploreJSON(t, "--protocol", "riscv-jalr", "--memory", "sc", "--check", "torn-pair,stale-fetch", "--shard", "1/65536")
	if code != exitIncomplete || r.Outcome != model.ShardClean {
		t.Fatalf("riscv-jalr shard 1/65536: exit %d, outcome %s", code, r.Outcome)
	}
	// A split merge could never combine is refused before the search.
	if code, _, errOut := ftcheck("explore", "--protocol", "riscv-jalr", "--shard", "1/1000000000000"); code != exitUsage || !strings.Contains(errOut, "at most 65536 shards") {
		t.Errorf("--shard 1/10^12: exit %d, %q", code, errOut)
	}
}

// merge of all N shards gives the unsplit search's verdict; shards of
// different searches, impossible shard numbers and doctored outcomes are
// refused (exit 2), never merged and never a panic.
func TestMergeDecidesOnlyFromShardsOfOneSearch(t *testing.T) {
	dir := t.TempDir()
	for _, c := range []struct {
		args []string
		want int
	}{
		{[]string{"--protocol", "riscv-jalr", "--memory", "sc", "--check", "torn-pair,stale-fetch"}, exitSafe},
		{[]string{"--protocol", "riscv-pair", "--op", "change"}, exitViolation},
	} {
		var files []string
		for k := 1; k <= 2; k++ {
			_, r := exploreJSON(t, append(c.args, "--shard", []string{"", "1/2", "2/2"}[k])...)
			files = append(files, writeReport(t, dir, c.args[1]+[]string{"", "-1", "-2"}[k]+".json", r))
		}
		code, _ := exploreJSON(t, c.args...)
		if mcode, out, errOut := ftcheck(append([]string{"merge"}, files...)...); mcode != c.want || code != c.want {
			t.Errorf("%v: unsplit exit %d, merged exit %d, want %d\n%s%s", c.args, code, mcode, c.want, out, errOut)
		}
	}

	_, a := exploreJSON(t, "--protocol", "riscv-jalr", "--memory", "sc", "--check", "torn-pair,stale-fetch", "--shard", "1/2")
	_, b := exploreJSON(t, "--protocol", "riscv-jalr", "--memory", "sc", "--check", "torn-pair,stale-fetch", "--shard", "2/2", "--no-symmetry")
	fa := writeReport(t, dir, "a.json", a)
	if code, _, errOut := ftcheck("merge", fa, writeReport(t, dir, "b.json", b)); code != exitUsage || !strings.Contains(errOut, "another search") {
		t.Errorf("shards with and without symmetry: exit %d, want 2\n%s", code, errOut)
	}
	doctor := func(name string, f func(r *Report)) string {
		r := a
		s := *a.Shard
		r.Shard = &s
		f(&r)
		return writeReport(t, dir, name, r)
	}
	for name, f := range map[string]func(r *Report){
		"k0":        func(r *Report) { r.Shard.K = 0 },
		"k-over-n":  func(r *Report) { r.Shard.K = 3 },
		"n0":        func(r *Report) { r.Shard.N, r.Shard.K = 0, 0 },
		"n-neg":     func(r *Report) { r.Shard.N = -1 },
		"n-huge":    func(r *Report) { r.Shard.N = 1_000_000_000_000 },
		"no-trace":  func(r *Report) { r.Outcome, r.Violation = model.Violated, &model.Violation{Check: "torn-pair"} },
		"safe":      func(r *Report) { r.Outcome = model.Safe },
		"no-search": func(r *Report) { r.Search = nil },
	} {
		if code, _, errOut := ftcheck("merge", doctor(name+".json", f)); code != exitUsage || !strings.Contains(errOut, ":1:1: ") {
			t.Errorf("%s: exit %d, want 2 with a positioned error\n%s", name, code, errOut)
		}
	}
	if code, _, errOut := ftcheck("merge", fa); code != exitUsage || !strings.Contains(errOut, "give all 2") {
		t.Errorf("one shard of two: exit %d\n%s", code, errOut)
	}
}

// A search in which no CPU ever runs what the patcher wrote proves
// nothing: its own outcome and exit code (4), never "search complete".
func TestAVacuousSearchIsNotSafe(t *testing.T) {
	code, out, _ := ftcheck("explore", "--progress=false", "--protocol", "riscv-jalr", "--memory", "sc", "--check", "torn-pair,stale-fetch", "--variant", "r16", "--op", "change")
	if code != exitVacuous || !strings.Contains(out, "VACUOUS") || strings.Contains(out, "search complete (no bound hit)") {
		t.Errorf("r16 --op change patches nothing: exit %d, want 4\n%s", code, out)
	}
	p, err := patchproto.Lookup("riscv-jalr")
	if err != nil {
		t.Fatal(err)
	}
	// The task stops before it calls f: the patched site never runs.
	src := strings.Replace(string(p.Text), "        jal     ra, f\n", "        ebreak\n        jal     ra, f\n", 1)
	if src == string(p.Text) {
		t.Fatal("the call to f is no longer where the test expects it")
	}
	file := filepath.Join(t.TempDir(), "never-calls.scenario")
	os.WriteFile(file, []byte(src), 0o644)
	code, out, _ = ftcheck("explore", "--progress=false", file)
	if code != exitVacuous || !strings.Contains(out, "no CPU executed text the patcher wrote") || !strings.Contains(out, "code never executed: f,") {
		t.Errorf("a task that never calls f: exit %d, want 4\n%s", code, out)
	}
	// The real protocol is exercised: every check, the toggled word in
	// both versions.
	code, r := exploreJSON(t, "--protocol", "riscv-jalr", "--memory", "sc", "--check", "torn-pair,stale-fetch")
	if code != exitSafe || r.Coverage == nil || len(r.Coverage.PatchedText) == 0 {
		t.Fatalf("riscv-jalr: exit %d, coverage %+v", code, r.Coverage)
	}
	for _, c := range r.Coverage.Checks {
		if !c.Exercised {
			t.Errorf("riscv-jalr: check %s not exercised", c.Name)
		}
	}
	if u := r.Coverage.PatchedText[0]; u.Where != "f+4" || len(u.Versions) != 2 {
		t.Errorf("riscv-jalr: patched text %+v, want f+4 in v0 and v1", u)
	}
}

// A model of another architecture would report races its CPUs cannot
// have; rvwmo and armv8 verdicts say what they do not cover.
func TestMemoryModelsMatchTheArchitecture(t *testing.T) {
	code, _, errOut := ftcheck("explore", "--progress=false", "--protocol", "x86-int3", "--memory", "rvwmo")
	if code != exitUsage || !strings.Contains(errOut, "--memory rvwmo is not a memory model of X86") {
		t.Errorf("x86-int3 under rvwmo: exit %d, want 2\n%s", code, errOut)
	}
	code, out, _ := ftcheck("explore", "--progress=false", "--protocol", "riscv-jalr", "--check", "torn-pair,stale-fetch")
	if code != exitSafe || !strings.Contains(out, "caveat:   rvwmo: load->store reordering is explored for data stores only") {
		t.Errorf("riscv-jalr under rvwmo: exit %d, want safe with its caveat\n%s", code, out)
	}
	if _, out, _ := ftcheck("explore", "--progress=false", "--protocol", "riscv-jalr", "--memory", "sc", "--check", "torn-pair,stale-fetch"); strings.Contains(out, "caveat") {
		t.Errorf("riscv-jalr under sc has no caveat:\n%s", out)
	}
}

// replay needs nothing but the report: it runs from another folder, says
// when the scenario file has changed since, and refuses what it cannot
// read.
func TestReplayIsSelfContained(t *testing.T) {
	dir := t.TempDir()
	p, _ := patchproto.Lookup("riscv-pair")
	scen := filepath.Join(dir, "pair.scenario")
	os.WriteFile(scen, p.Text, 0o644)
	code, r := exploreJSON(t, scen)
	if code != exitViolation || r.ScenarioText == "" || r.ScenarioSHA256 == "" {
		t.Fatalf("explore: exit %d, scenario text %d bytes, hash %q", code, len(r.ScenarioText), r.ScenarioSHA256)
	}
	// Named by a path that does not resolve from here.
	r.Scenario = "elsewhere/pair.scenario"
	moved := writeReport(t, dir, "moved.json", r)
	if code, out, errOut := ftcheck("replay", moved); code != exitViolation || !strings.Contains(out, "confirmed: torn-pair") {
		t.Errorf("replay with the scenario elsewhere: exit %d\n%s%s", code, out, errOut)
	}
	// The file edited after the report.
	r.Scenario = scen
	os.WriteFile(scen, append(p.Text, "\n# edited\n"...), 0o644)
	if code, out, _ := ftcheck("replay", writeReport(t, dir, "edited.json", r)); code != exitViolation || !strings.Contains(out, "has changed since the report was written") {
		t.Errorf("replay after an edit: exit %d\n%s", code, out)
	}
	// The copy edited without its hash.
	r2 := r
	r2.ScenarioText += "\n"
	if code, _, errOut := ftcheck("replay", writeReport(t, dir, "doctored.json", r2)); code != exitUsage || !strings.Contains(errOut, "does not match") {
		t.Errorf("replay of a doctored copy: exit %d\n%s", code, errOut)
	}
	r3 := r
	r3.Format = 99
	if code, _, errOut := ftcheck("replay", writeReport(t, dir, "future.json", r3)); code != exitUsage || !strings.Contains(errOut, "format 99") {
		t.Errorf("replay of format 99: exit %d\n%s", code, errOut)
	}
	if code, _, errOut := ftcheck("replay", "/dev/zero"); code != exitUsage || !strings.Contains(errOut, "not a regular file") {
		t.Errorf("replay /dev/zero: exit %d\n%s", code, errOut)
	}
}

// SIGTERM and SIGHUP (Kubernetes, Slurm --time, timeout(1), a closed
// terminal) stop explore as Ctrl-C does: exit 3 and a valid JSON report
// that does not say safe.
func TestExploreStopsOnSIGTERMAndSIGHUP(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the ftcheck binary (several seconds)")
	}
	bin := filepath.Join(t.TempDir(), "ftcheck")
	if b, err := exec.Command(goTool(t), "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, b)
	}
	for _, sig := range []syscall.Signal{syscall.SIGTERM, syscall.SIGHUP} {
		t.Run(sig.String(), func(t *testing.T) {
			// 930,798 states, over ten seconds here.
			cmd := exec.Command(bin, "explore", "--json", "--progress=false", "--workers", "1",
				"--protocol", "x86-nmi", "--variant", "v2009", "--op", "enable", "--param", "sync=enter")
			var out bytes.Buffer
			cmd.Stdout = &out
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			time.Sleep(700 * time.Millisecond)
			if err := cmd.Process.Signal(sig); err != nil {
				t.Fatal(err)
			}
			cmd.Wait()
			var r Report
			if err := json.Unmarshal(out.Bytes(), &r); err != nil {
				t.Fatalf("no valid JSON after %v (%v):\n%s", sig, err, out.String())
			}
			if code := cmd.ProcessState.ExitCode(); code != exitIncomplete || r.Outcome != model.Incomplete {
				t.Fatalf("after %v: exit %d, outcome %s; want 3, incomplete", sig, code, r.Outcome)
			}
		})
	}
}

// A stopped breadth-first search of every interleaving says how many
// steps it proved: exactly one less than the minimal counterexample's
// length when stopped just before it. A reduced search claims no such
// bound (an ample set may put a step off to a deeper level).
func TestStoppedSearchStatesWhatItProved(t *testing.T) {
	_, out, _ := ftcheck("explore", "--protocol", "riscv-pair", "--op", "change", "--no-reduce", "--json")
	var full Report
	if err := json.Unmarshal([]byte(out), &full); err != nil || full.Outcome != model.Violated {
		t.Fatalf("riscv-pair change: %v %v", err, full.Outcome)
	}
	steps := len(full.Trace)
	code, out, _ := ftcheck("explore", "--protocol", "riscv-pair", "--op", "change", "--no-reduce", "--max-depth", fmt.Sprint(steps-1))
	want := fmt.Sprintf("what it did prove: no execution of at most %d steps violates a check", steps-1)
	if code != exitIncomplete || !strings.Contains(out, want) {
		t.Errorf("--max-depth %d: exit %d, want 3 and %q:\n%s", steps-1, code, want, out)
	}
	code, out, _ = ftcheck("explore", "--protocol", "riscv-pair", "--op", "change", "--max-depth", "5")
	if code != exitIncomplete || strings.Contains(out, "what it did prove") || !strings.Contains(out, "--no-reduce makes a stopped search say") {
		t.Errorf("reduced --max-depth 5: exit %d, claims a bound:\n%s", code, out)
	}
}
