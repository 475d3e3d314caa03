package patchproto

import (
	"strings"
	"testing"

	"github.com/ftcheck/ftcheck/model"
)

// Seed 001: the return stack is pushed and popped by a task and by an
// interrupt on the same task, without a lock. In the kernel's order the
// interrupt's push and pop nest inside the task's and never touch the
// task's slot: safe. With the slot written before the index is published
// (or the index freed before the slot is read) the interrupt takes the
// task's slot, and the task returns to the interrupt's return address.
func TestGraphRetStackKernelOrderIsSafe(t *testing.T) {
	for _, reduce := range []bool{true, false} {
		r, _ := explore(t, "graph-retstack", Options{}, model.Options{NoReduce: !reduce})
		if r.Outcome != model.Safe {
			t.Fatalf("reduce=%v: %v %v, want safe", reduce, r.Outcome, r.Violation)
		}
		t.Logf("reduce=%v: %d states", reduce, r.Stats.States)
	}
}

func TestGraphRetStackWrongOrdersLoseTheReturn(t *testing.T) {
	for _, c := range []struct {
		variant string
		want    int
	}{
		{"writefirst", 35},
		{"freefirst", 35},
	} {
		for _, reduce := range []bool{true, false} {
			r, s := explore(t, "graph-retstack", Options{Variant: c.variant}, model.Options{NoReduce: !reduce})
			if r.Outcome != model.Violated || r.Violation.Check != "lost-return" {
				t.Fatalf("%s reduce=%v: %v %v, want lost-return", c.variant, reduce, r.Outcome, r.Violation)
			}
			if len(r.Trace) != c.want {
				t.Errorf("%s reduce=%v: trace has %d steps, want %d", c.variant, reduce, len(r.Trace), c.want)
			}
			if !strings.Contains(r.Violation.Message, "returns to irq_handler+4") {
				t.Errorf("%s: %q: want the task returning to the interrupt's return address", c.variant, r.Violation.Message)
			}
			took := false
			for _, e := range r.Trace {
				took = took || e.Label.Action == model.ActInterrupt
			}
			if !took {
				t.Errorf("%s: no interrupt in the trace", c.variant)
			}
			labels := make([]model.Label, len(r.Trace))
			for i, e := range r.Trace {
				labels[i] = e.Label
			}
			if _, v, err := model.Replay(s, labels); err != nil || v == nil || v.Check != "lost-return" {
				t.Fatalf("replay: %v %v", v, err)
			}
		}
	}
}
