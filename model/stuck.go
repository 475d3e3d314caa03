package model

import (
	"fmt"
	"strings"
)

// Stuck states. A state in which no step is enabled is an end of the
// execution: either everything finished (every task returned or faulted,
// the patcher ran its last step, no CPU is parked, no IPI is pending, the
// memory model drained), or somebody waits for something that can no
// longer happen — a deadlock. The engine does not judge which: the
// deadlock check (checks/deadlock.go) asks Stuck and Unfinished of the
// state a transition reaches, so the minimal counterexample ends with the
// step into the stuck state, like every other violation.
//
// The machine's waits are all of one kind: the patcher's `wait ipi`
// (on_each_cpu/smp_call_function with wait=1: csd_lock_wait spins until
// every target ran the handler) and `wait parked` (stop_machine's
// rendezvous); a parked CPU spins with IRQs off in multi_cpu_stop until
// the release. A CPU that never takes the IPI therefore blocks the
// patcher for ever, and the patcher's release never comes.

// Stuck reports whether no transition is enabled in m. It asks the same
// enabling conditions Successors uses, without performing any step.
func (s *System) Stuck(m *Machine) bool {
	for h := range m.Harts {
		for _, a := range hartActions {
			if s.enabled(m, h, a) {
				return false
			}
		}
		for i := range s.Interrupts {
			if s.interruptEnabled(m, h, i) {
				return false
			}
		}
	}
	return !s.patchEnabled(m) && m.Mem.Internal() == 0
}

// Unfinished describes, one line per actor, who in m has not finished and
// what it waits for; nil when every actor finished. In a stuck state a
// non-nil answer is a deadlock.
func (s *System) Unfinished(m *Machine) []string {
	var out []string
	for h := range m.Harts {
		hh := m.Harts[h]
		name := fmt.Sprintf("hart%d", h)
		switch {
		case hh.Parked:
			what := name + " spins in stop_machine with IRQs off, waiting for the release"
			if p := s.pendingNames(hh.Pending); p != "" {
				what += "; IPI " + p + " pending, never taken"
			}
			out = append(out, what)
		case hh.Task == TaskRunning || hh.Task == TaskPreempted:
			out = append(out, fmt.Sprintf("%s: task %s at %s", name, hh.Task, s.Symbols.Name(hh.PC)))
		case hh.Pending != 0:
			out = append(out, fmt.Sprintf("%s: IPI %s pending", name, s.pendingNames(hh.Pending)))
		}
	}
	if m.Patcher.PC < len(s.Patch) {
		op := &s.Patch[m.Patcher.PC]
		what := fmt.Sprintf("patcher waits at step %d", m.Patcher.PC+1)
		if w := patchSteps[op.Kind].waiting; w != nil {
			what = w(s, m, op)
		}
		if op.Why != "" {
			what += "   [" + op.Why + "]"
		}
		out = append(out, what)
	}
	if k := m.Mem.Internal(); k > 0 {
		out = append(out, fmt.Sprintf("memory: %d internal steps left", k))
	}
	return out
}

// pendingNames names the IPIs in a pending mask.
func (s *System) pendingNames(p uint16) string {
	var ns []string
	for i, hd := range s.Handlers {
		if p&(1<<i) != 0 {
			ns = append(ns, hd.Name)
		}
	}
	return strings.Join(ns, ", ")
}
