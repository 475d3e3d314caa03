package fix

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/ftcheck/ftcheck/model"
	"github.com/ftcheck/ftcheck/patchproto"
)

func search(t *testing.T, p *patchproto.Protocol, opt patchproto.Options, checks ...string) *Result {
	t.Helper()
	if opt.Preempt == 0 {
		d, err := p.FileDefaults()
		if err != nil {
			t.Fatal(err)
		}
		opt.Preempt = d.Preempt
	}
	r, err := Search(context.Background(), Config{Protocol: p, Options: opt, Checks: checks})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func builtin(t *testing.T, name string) *patchproto.Protocol {
	t.Helper()
	p, err := patchproto.Lookup(name)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// reprove explores a fix's edited file afresh, deciding every check, and
// fails unless each check the fix claims safe is safe.
func reprove(t *testing.T, p *patchproto.Protocol, opt patchproto.Options, checks []string, fx Fix) {
	t.Helper()
	q, err := p.WithSource(fx.Text)
	if err != nil {
		t.Fatal(err)
	}
	c, err := q.Configure(opt)
	if err != nil {
		t.Fatal(err)
	}
	if len(checks) > 0 {
		if err := c.SelectChecks(checks); err != nil {
			t.Fatal(err)
		}
	}
	_, r := c.Run(context.Background(), patchproto.Overrides{EveryCheck: true})
	if r.Outcome != model.Safe {
		t.Fatalf("the edited file is %v, not safe:\n%s", r.Outcome, fx.Diff)
	}
	for i, v := range r.Verdicts {
		if v.Outcome != fx.Verdicts[i].Outcome {
			t.Errorf("%s: %v on the edited file, the fix says %v", v.Check, v.Outcome, fx.Verdicts[i].Outcome)
		}
	}
}

func wantDiff(t *testing.T, diff string, lines ...string) {
	t.Helper()
	for _, l := range lines {
		if !strings.Contains(diff, "\n"+l+"\n") {
			t.Errorf("the diff lacks the line %q:\n%s", l, diff)
		}
	}
}

// the SBI remote fence.i without RISCV_FENCE(w,o) before it; the
// fix is ca358692de41's fence w,o in flush_icache_all, before the IPI.
func TestFixR16(t *testing.T) {
	p := builtin(t, "riscv-jalr")
	opt := patchproto.Options{Variant: "r16", Preempt: 1}
	r := search(t, p, opt)
	if r.Size != 1 || len(r.Fixes) == 0 {
		t.Fatalf("want fixes of 1 edit, got %d of %d", len(r.Fixes), r.Size)
	}
	for _, fx := range r.Fixes {
		if fx.Edits[0].Kind != "add fence w,o (RISCV_FENCE(w,o))" {
			t.Errorf("a fix other than fence w,o: %s", fx.Edits[0].What)
		}
	}
	last := r.Fixes[len(r.Fixes)-1]
	wantDiff(t, last.Diff,
		" fence.i                                 [flush_icache_all]",
		"+fence w,o                               [flush_icache_all: RISCV_FENCE(w,o)]",
		" .if variant != r16                      # r16: the fence ca358692de41 added is missing")
	if !strings.Contains(last.Edits[0].What, "before `ipi all ipi_remote_fence_i`") {
		t.Errorf("the last place is %q, want before the SBI IPI", last.Edits[0].What)
	}
	reprove(t, p, opt, nil, last)
}

// the module PLT published with only smp_wmb(); the kernel's fix
// (b6143d10d23e) puts flush_icache_range in its place.
func TestFixR11(t *testing.T) {
	p := builtin(t, "arm64-plt")
	opt := patchproto.Options{Variant: "wmb", Preempt: 1}
	r := search(t, p, opt)
	if r.Size != 1 || len(r.Fixes) == 0 {
		t.Fatalf("want fixes of 1 edit, got %d of %d", len(r.Fixes), r.Size)
	}
	fx := r.Fixes[0]
	if !strings.HasPrefix(fx.Edits[0].What, "fence w,w (smp_wmb()) -> icache maintenance (flush_icache_range of plt .. plt+12)") {
		t.Errorf("first fix %q, want smp_wmb() replaced by flush_icache_range", fx.Edits[0].What)
	}
	wantDiff(t, fx.Diff,
		"-fence w,w                               [ftrace_make_call: smp_wmb() /* update trampoline before patching in the branch */]",
		"+dc cvau plt .. plt+12                   [ftrace_make_call: flush_icache_range: dc cvau]",
		"+ic ivau plt .. plt+12                   [ftrace_make_call: flush_icache_range: ic ivau]")
	reprove(t, p, opt, nil, fx)
}

// the two-part nop. No barrier or sync helps a task preempted
// inside it; the kernel's fix is another instruction (P6_NOP5).
func TestFixR1NotByBarriers(t *testing.T) {
	p := builtin(t, "x86-stopmachine")
	r := search(t, p, patchproto.Options{Variant: "k8nop", Op: "enable", Preempt: 1})
	if len(r.Fixes) != 0 {
		t.Fatalf("a fix of R-1 by barriers:\n%s", r.Fixes[0].Diff)
	}
	if len(r.Tried) != 2 || r.Tried[0] == 0 || r.Tried[1] == 0 || r.Undecided != 0 || r.Interrupted {
		t.Fatalf("want every set of 1 and 2 edits decided: tried %v, undecided %d", r.Tried, r.Undecided)
	}
	if len(r.Violated) != 1 || r.Violated[0] != "bad-fetch" {
		t.Errorf("violated %v, want bad-fetch", r.Violated)
	}
}

// R-10 reduced (docs/scenarios/ehn-online-mask-patcher.scenario): the
// patcher's cpu_online_mask read passes its smp_wmb(); smp_mb() fixes it.
func TestFixR10Reduced(t *testing.T) {
	p, err := patchproto.Load("../../docs/scenarios/ehn-online-mask-patcher.scenario")
	if err != nil {
		t.Fatal(err)
	}
	opt := patchproto.Options{Memory: "rvwmo", Preempt: 1}
	r := search(t, p, opt)
	if len(r.Fixes) != 1 {
		t.Fatalf("want one fix, got %d", len(r.Fixes))
	}
	fx := r.Fixes[0]
	wantDiff(t, fx.Diff,
		"-fence w,w                               [ftrace_update_ftrace_func: smp_wmb()]",
		"+fence rw,rw                             [ftrace_update_ftrace_func: smp_mb()]")
	reprove(t, p, opt, nil, fx)
}

// R-10 on riscv-jalr with a CPU coming online (the hotplug variant):
// smp_wmb() -> smp_mb() in ftrace_update_ftrace_func, hotplug_mb's change.
func TestFixR10(t *testing.T) {
	if !exhaustive {
		t.Skip("a proof of 126,602 states: go test -tags exhaustive ./patchproto/fix/")
	}
	p := builtin(t, "riscv-jalr")
	opt := patchproto.Options{Variant: "hotplug", Op: "disable", Preempt: 1}
	r := search(t, p, opt, "stale-dest")
	if len(r.Fixes) != 1 || r.Size != 1 {
		t.Fatalf("want one fix of 1 edit, got %d of %d", len(r.Fixes), r.Size)
	}
	fx := r.Fixes[0]
	wantDiff(t, fx.Diff,
		" .else",
		"-fence w,w                               [ftrace_update_ftrace_func: smp_wmb()]",
		"+fence rw,rw                             [ftrace_update_ftrace_func: smp_mb()]")
	reprove(t, p, opt, []string{"stale-dest"}, fx)
}

func TestFixNothingToFix(t *testing.T) {
	p := builtin(t, "riscv-jalr")
	_, err := Search(context.Background(), Config{Protocol: p, Options: patchproto.Options{Variant: "sites", Preempt: 1}})
	if !errors.Is(err, ErrNotViolated) {
		t.Fatalf("got %v, want ErrNotViolated", err)
	}
}

func TestUnifiedDiff(t *testing.T) {
	text := []byte("a\nb\nc\nd\ne\nf\ng\nh\ni\nj\nk\nl\nm\n")
	edits := []Edit{
		{Hunks: []Hunk{{Line: 2, Delete: 1, Insert: []string{"B"}}}},
		{Hunks: []Hunk{{Line: 13, Insert: []string{"x", "y"}}}},
	}
	got := unifiedDiff("f.scenario", text, edits)
	want := `--- a/f.scenario
+++ b/f.scenario
@@ -1,5 +1,5 @@
 a
-b
+B
 c
 d
 e
@@ -10,4 +10,6 @@
 j
 k
 l
+x
+y
 m
`
	if got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
	out, ok := apply(text, edits)
	if !ok || string(out) != "a\nB\nc\nd\ne\nf\ng\nh\ni\nj\nk\nl\nx\ny\nm\n" {
		t.Errorf("apply: %q", out)
	}
}

func TestSharedHunkOnce(t *testing.T) {
	decl := Hunk{Line: 1, Insert: []string{"handler h: isb"}, Shared: true}
	es := []Edit{{Hunks: []Hunk{decl, {Line: 2, Insert: []string{"ipi all h"}}}}, {Hunks: []Hunk{decl, {Line: 3, Insert: []string{"ipi all h"}}}}}
	out, _ := apply([]byte("x\ny\nz"), es)
	if got := strings.Count(string(out), "handler h"); got != 1 {
		t.Errorf("the shared declaration %d times:\n%s", got, out)
	}
}

func TestReplaceKeepingColumns(t *testing.T) {
	raw := "fence w,w     [f: smp_wmb()]"
	if got := replaceKeepingColumns(raw, 0, 9, "fence rw,rw"); got != "fence rw,rw   [f: smp_wmb()]" {
		t.Errorf("got %q", got)
	}
	if got := ranges([]textStore{{base: "plt", off: 0, size: 8}, {base: "plt", off: 8, size: 4}, {base: "g", off: 4, size: 4}}); strings.Join(got, "; ") != "plt .. plt+12; g+4 .. g+8" {
		t.Errorf("ranges %v", got)
	}
}

// Two candidates at once find the same fixes, in the same order.
func TestFixJobsDoNotChangeTheAnswer(t *testing.T) {
	p := builtin(t, "riscv-jalr")
	opt := patchproto.Options{Variant: "r16", Preempt: 1}
	one := search(t, p, opt)
	two, err := Search(context.Background(), Config{Protocol: p, Options: opt, Jobs: 2})
	if err != nil {
		t.Fatal(err)
	}
	if len(one.Fixes) != len(two.Fixes) {
		t.Fatalf("%d fixes with one job, %d with two", len(one.Fixes), len(two.Fixes))
	}
	for i := range one.Fixes {
		if one.Fixes[i].Diff != two.Fixes[i].Diff {
			t.Errorf("fix %d differs:\n%s\n%s", i+1, one.Fixes[i].Diff, two.Fixes[i].Diff)
		}
	}
}
