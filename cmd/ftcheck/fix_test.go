package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestFixR16PrintsTheFenceBeforeTheSBIIPI(t *testing.T) {
	code, out, errOut := ftcheck("fix", "--protocol", "riscv-jalr", "--variant", "r16", "--progress=false")
	if code != exitSafe {
		t.Fatalf("exit %d, want 0\n%s%s", code, out, errOut)
	}
	for _, want := range []string{
		"input:    torn-pair safe; stale-fetch VIOLATED (11 steps)",
		"fix(es) of 1 edit(s)",
		"fix 1: add fence w,o (RISCV_FENCE(w,o)) before `ipi all ipi_remote_fence_i`",
		"--- a/patchproto/protocols/riscv-jalr.scenario\n+++ b/patchproto/protocols/riscv-jalr.scenario\n@@ ",
		"\n+fence w,o                               [flush_icache_all: RISCV_FENCE(w,o)]\n",
		"stale-fetch safe",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}

func TestFixEmailFitsIn72Columns(t *testing.T) {
	code, out, _ := ftcheck("fix", "--protocol", "arm64-plt", "--variant", "wmb", "--format", "email", "--progress=false")
	if code != exitSafe {
		t.Fatalf("exit %d\n%s", code, out)
	}
	for i, l := range strings.Split(out, "\n") {
		if n := utf8.RuneCountInString(l); n > 72 {
			t.Errorf("line %d has %d columns: %q", i+1, n, l)
		}
	}
	for _, want := range []string{"ftcheck fix --protocol arm64-plt --variant wmb", "Fix 1: fence w,w (smp_wmb()) -> icache", "\n+dc cvau plt .. plt+12", "\n-fence w,w"} {
		if !strings.Contains(out, want) {
			t.Errorf("email lacks %q:\n%s", want, out)
		}
	}
}

func TestFixR1IsNotFixableByBarriers(t *testing.T) {
	code, out, _ := ftcheck("fix", "--protocol", "x86-stopmachine", "--variant", "k8nop", "--op", "enable", "--progress=false")
	if code != exitViolation {
		t.Fatalf("exit %d, want 1\n%s", code, out)
	}
	if !strings.Contains(out, "result:   no fix of at most 2 edit(s)") || strings.Contains(out, "\n+++ ") {
		t.Errorf("want no fix and no diff:\n%s", out)
	}
}

func TestFixAlreadySafe(t *testing.T) {
	code, out, _ := ftcheck("fix", "--protocol", "riscv-jalr", "--variant", "sites", "--progress=false")
	if code != exitSafe || !strings.Contains(out, "nothing to fix: every check is safe") {
		t.Fatalf("exit %d\n%s", code, out)
	}
}

func TestFixBadInput(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.scenario")
	if err := os.WriteFile(bad, []byte("RISCV bad\n[text 0x1000 .. 0x2000]\nf: jalr t0, x\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, errOut := ftcheck("fix", bad)
	if code != exitUsage || !strings.HasPrefix(errOut, bad+":") {
		t.Errorf("exit %d, stderr %q: want 2 and file:line:col", code, errOut)
	}
	for _, args := range [][]string{
		{"fix"},
		{"fix", "--protocol", "nope"},
		{"fix", "--protocol", "riscv-jalr", "--max-edits", "0"},
		{"fix", "--protocol", "riscv-jalr", "--variant", "nope"},
		{"fix", "--protocol", "riscv-jalr", "--check", "nope"},
		{"fix", "--protocol", "riscv-jalr", "--formt", "email"},
	} {
		if code, _, _ := ftcheck(args...); code != exitUsage {
			t.Errorf("%q: exit %d, want 2", args, code)
		}
	}
}
