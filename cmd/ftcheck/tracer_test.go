package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// staleScenario: a tracer update that returns once it has stored, with
// no IPI to wait for the store to reach the other CPUs. Under SC the
// store is everywhere at once; under TSO it may sit in the patcher's
// store buffer after the update returned, and a call that begins then
// still reaches the old tracer.
const staleScenario = `RISCV stale-tiny
"a tracer update that returns once it has stored"
harts   1
preempt 0
memory  sc

[text 0x1000 .. 0x3000]
ftrace_caller:
        ld      ra, 0(gp)
.Lcall_tracer:
        jalr    ra, 0(ra)
        ebreak
        .org    0x2000
old_tracer:     ret
        .org    0x2100
new_tracer:     ret

[data 0x8000]
ftrace_call_dest: .dword old_tracer

[init]
pc = ftrace_caller
gp = 0x8000

[patcher]
store64 ftrace_call_dest = new_tracer   [ftrace_update_ftrace_func: WRITE_ONCE(ftrace_call_dest)]
fence w,w                               [ftrace_update_ftrace_func: smp_wmb()]

[check stale-dest]
dest ftrace_call_dest
update ftrace_update_ftrace_func
call ftrace_caller -> .Lcall_tracer
`

func TestStaleDestEndToEnd(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "stale.scenario")
	if err := os.WriteFile(file, []byte(staleScenario), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, errOut := ftcheck("explore", "--progress=false", file)
	if code != exitSafe || !strings.Contains(out, "no violation") {
		t.Fatalf("sc: exit %d\n%s%s", code, out, errOut)
	}

	html := filepath.Join(dir, "t.html")
	code, out, errOut = ftcheck("explore", "--progress=false", "--memory", "tso", "--html", html, file)
	if code != exitViolation || !strings.Contains(out, "VIOLATION of stale-dest") ||
		!strings.Contains(out, "minimal counterexample (4 steps") ||
		!strings.Contains(out, "entered ftrace_caller at step 3, after update(new_tracer) returned at step 2, reached old_tracer") {
		t.Fatalf("tso: exit %d\n%s%s", code, out, errOut)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if last := lines[len(lines)-1]; !strings.Contains(last, "jalr") || !strings.HasSuffix(last, "<-- stale-dest") {
		t.Errorf("the trace does not end at the call that completes the bad history: %q", last)
	}
	page, err := os.ReadFile(html)
	if err != nil || !strings.Contains(string(page), `<a href="t.history.html">`) {
		t.Fatalf("lanes page: %v, no link to the history", err)
	}
	hist, err := os.ReadFile(filepath.Join(dir, "t.history.html"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"update(new_tracer)", "call() → old_tracer", `"OriginalStart":"3"`, `"OriginalEnd":"4"`, "patcher: updates of ftrace_call_dest"} {
		if !strings.Contains(string(hist), want) {
			t.Errorf("porcupine's page lacks %q", want)
		}
	}

	// A violation of another check writes no history page.
	html2 := filepath.Join(dir, "pair.html")
	if code, _, _ := ftcheck("explore", "--protocol", "riscv-pair", "--progress=false", "--html", html2); code != exitViolation {
		t.Fatalf("riscv-pair: exit %d", code)
	}
	if _, err := os.Stat(filepath.Join(dir, "pair.history.html")); err == nil {
		t.Error("a torn-pair violation wrote a history page")
	}
	if b, _ := os.ReadFile(html2); strings.Contains(string(b), "history.html") {
		t.Error("a torn-pair page links a history")
	}
	if code, _, errOut := ftcheck("explore", "--progress=false", "--html", html, "--dot", filepath.Join(dir, "t.history.html"), file); code != exitUsage || !strings.Contains(errOut, "failing history") {
		t.Errorf("--dot on the history's path: exit %d %q", code, errOut)
	}
}

// as merged (smp_wmb), a hart coming online can miss the sync IPI
// and, under RVWMO (riscv-jalr's own model), reach the old tracer after
// the update returned; under SC and TSO it cannot.
func TestStaleDestR10(t *testing.T) {
	args := []string{"explore", "--progress=false", "--protocol", "riscv-jalr", "--variant", "hotplug", "--op", "disable", "--check", "stale-dest"}
	code, out, _ := ftcheck(args...)
	if code != exitViolation || !strings.Contains(out, "VIOLATION of stale-dest") || !strings.Contains(out, "minimal counterexample (14 steps") ||
		!strings.Contains(out, "reached tracer_a") || !strings.Contains(out, "(mask read 0x5)") {
		t.Errorf("hotplug, rvwmo: exit %d\n%s", code, out)
	}
	if testing.Short() {
		return
	}
	for _, mem := range []string{"sc", "tso"} {
		if code, out, _ := ftcheck(append(args, "--memory", mem)...); code != exitSafe {
			t.Errorf("hotplug, %s: exit %d\n%s", mem, code, out)
		}
	}
}

// riscv-jalr carries the tracer checks: disable is safe under every one,
// change calls tracer_b with tracer_a's op (a hart loads
// function_trace_op, takes the IPIs of the whole update or is preempted
// there, then loads the new ftrace_call_dest) and stale-dest holds.
func TestTracerChecksOnRISCVJalr(t *testing.T) {
	code, out, _ := ftcheck("explore", "--progress=false", "--op", "disable", "--protocol", "riscv-jalr")
	if code != exitSafe {
		t.Errorf("disable: exit %d\n%s", code, out)
	}
	code, out, _ = ftcheck("explore", "--progress=false", "--op", "change", "--protocol", "riscv-jalr")
	if code != exitViolation || !strings.Contains(out, "VIOLATION of pair-mismatch") ||
		!strings.Contains(out, "calls tracer_b with op 0x9000 (a2), a pair never set together") {
		t.Errorf("change: exit %d\n%s", code, out)
	}
	for _, want := range []string{"stale-dest     safe", "torn-pair      safe", "pair-mismatch  VIOLATION, 21 steps"} {
		if !strings.Contains(out, want) {
			t.Errorf("change: the verdicts lack %q:\n%s", want, out)
		}
	}
}
