package patchproto

import (
	"strings"
	"testing"

	"github.com/ftcheck/ftcheck/model"
)

// the remote fence.i IPI sent from inside stop_machine is never
// taken by the CPUs spinning there with IRQs off. The minimal trace
// (docs/protocols.md, riscv-stopmachine) is: stop_machine, each of the
// two harts parks, the rendezvous completes, the 8-byte store, the local
// fence.i, and the IPI send after which nothing can move: 7 steps.
func TestRISCVStopMachineIPIDeadlocks(t *testing.T) {
	for _, op := range []string{"enable", "disable"} {
		for _, reduce := range []bool{true, false} {
			r, s := explore(t, "riscv-stopmachine", Options{Op: op}, model.Options{NoReduce: !reduce})
			if r.Outcome != model.Violated || r.Violation.Check != "deadlock" {
				t.Fatalf("op=%s reduce=%v: %v %v, want a deadlock", op, reduce, r.Outcome, r.Violation)
			}
			if len(r.Trace) != 7 {
				t.Errorf("op=%s reduce=%v: trace has %d steps, want 7", op, reduce, len(r.Trace))
			}
			for _, want := range []string{"ipi_remote_fence_i", "hart0 spins in stop_machine with IRQs off", "hart1 spins"} {
				if !strings.Contains(r.Violation.Message, want) {
					t.Errorf("violation %q does not say %q", r.Violation.Message, want)
				}
			}
			last := r.Trace[len(r.Trace)-1]
			if last.Actor != "patcher" || !strings.Contains(last.Text, "send IPI ipi_remote_fence_i") {
				t.Errorf("last step %+v, want the patcher's IPI send", last)
			}
			// The trace replays to the same stuck state.
			labels := make([]model.Label, len(r.Trace))
			for i, e := range r.Trace {
				labels[i] = e.Label
			}
			_, v, err := model.Replay(s, labels)
			if err != nil || v == nil || v.Check != "deadlock" {
				t.Fatalf("replay: %v %v", v, err)
			}
		}
	}
}

// The fix (c97bf629963e, v6.9-v6.15): no remote flush inside
// stop_machine; every CPU runs local_flush_icache_all() on its way out.
// Non-preemptible (as those kernels required), it neither deadlocks nor
// tears the pair.
func TestRISCVStopMachineLocalFlushIsSafe(t *testing.T) {
	for _, op := range []string{"enable", "disable"} {
		for _, reduce := range []bool{true, false} {
			r, _ := explore(t, "riscv-stopmachine", Options{Op: op, Variant: "local"}, model.Options{NoReduce: !reduce})
			if r.Outcome != model.Safe {
				t.Fatalf("op=%s reduce=%v: %v %v, want safe", op, reduce, r.Outcome, r.Violation)
			}
			if r.Stats.States == 0 {
				t.Fatal("no states counted")
			}
			t.Logf("op=%s reduce=%v: %d states", op, reduce, r.Stats.States)
		}
	}
}

// The deadlock check does not fire on executions that end normally, and
// judges the state a step reaches: a system that is stuck only at its
// very end with everyone finished is no deadlock.
func TestDeadlockCheckIgnoresFinishedRuns(t *testing.T) {
	r, _ := explore(t, "riscv-stopmachine", Options{Variant: "local", Preempt: 1}, model.Options{})
	if r.Outcome == model.Violated && r.Violation.Check == "deadlock" {
		t.Fatalf("deadlock reported for the fixed protocol: %v", r.Violation)
	}
}
