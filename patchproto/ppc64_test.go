package patchproto

import (
	"context"
	"strings"
	"testing"

	"github.com/ftcheck/ftcheck/model"
)

// the two-NOP module call site. A task preempted between the two
// words of the site resumes after stop_machine rewrote both: enabling,
// it runs the new ld r2,40(r1) without the stub's save (r2 = the stale
// slot, 0xbad, 17 steps); disabling, it has run the old bl stub and now
// runs the new nop instead of the TOC reload (r2 = the kernel's TOC, 21
// steps). Derivations in docs/protocols.md (ppc64-twonop).
func TestPPC64TwoNopLosesTheTOC(t *testing.T) {
	for _, c := range []struct {
		op   string
		want int
		r2   string
	}{
		{"enable", 17, "0:r2=0xbad"},
		{"disable", 21, "0:r2=0x5000"},
	} {
		for _, reduce := range []bool{true, false} {
			r, s := explore(t, "ppc64-twonop", Options{Op: c.op, Preempt: 1}, model.Options{NoReduce: !reduce})
			if r.Outcome != model.Violated || r.Violation.Check != "forall" {
				t.Fatalf("%s reduce=%v: %v %v, want the final condition broken", c.op, reduce, r.Outcome, r.Violation)
			}
			if len(r.Trace) != c.want {
				t.Errorf("%s reduce=%v: %d steps, want %d", c.op, reduce, len(r.Trace), c.want)
			}
			if !strings.Contains(r.Violation.Message, c.r2) {
				t.Errorf("%s: %q does not show %s", c.op, r.Violation.Message, c.r2)
			}
			labels := make([]model.Label, len(r.Trace))
			for i, e := range r.Trace {
				labels[i] = e.Label
			}
			if _, v, err := model.Replay(s, labels); err != nil || v == nil || v.Check != "forall" {
				t.Fatalf("replay: %v %v", v, err)
			}
		}
	}
}

// f48cb8b48b0b: the disabled site is b +8 over the TOC reload; only one
// word changes, and every execution ends with the module's TOC. The
// verdict is not vacuous: the task finishes in every final state.
func TestPPC64BranchOverTOCReloadIsSafe(t *testing.T) {
	for _, op := range []string{"enable", "disable"} {
		r, s := explore(t, "ppc64-twonop", Options{Op: op, Variant: "branch", Preempt: 1}, model.Options{})
		if r.Outcome != model.Safe {
			t.Fatalf("%s: %v %v, want safe", op, r.Outcome, r.Violation)
		}
		finals, err := model.Finals(context.Background(), s, 100000)
		if err != nil || len(finals) == 0 {
			t.Fatalf("%s: %d final states, %v", op, len(finals), err)
		}
		for _, m := range finals {
			if m.Harts[0].Task != model.TaskDone || m.Harts[0].Regs[2] != 0x7000 {
				t.Fatalf("%s: a final state with task %v, r2 %#x", op, m.Harts[0].Task, m.Harts[0].Regs[2])
			}
		}
		t.Logf("%s: %d states, %d final states", op, r.Stats.States, len(finals))
	}
}
