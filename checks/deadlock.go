package checks

import (
	"strings"

	"github.com/ftcheck/ftcheck/model"
)

// Deadlock is the deadlock check: the step leads to a state in which no
// CPU and not the patcher can move, yet not everyone has finished — the
// patcher waits for an IPI that CPUs spinning with IRQs off in
// stop_machine never take, so they are never released (R-6: RISC-V
// flush_icache_all → on_each_cpu(ipi_remote_fence_i) from inside the
// stop_machine callback). The engine says which states are stuck
// (model.System.Stuck) and who waits for what (Unfinished); the check
// judges the state each transition reaches, so the minimal trace ends
// with the step into the stuck state.
type Deadlock struct{}

// DeadlockDef is deadlock in the registry. Its section takes no lines:
// the machine knows who waits for what.
var DeadlockDef = &Def{
	Name:    "deadlock",
	Doc:     "a reachable state where nothing can move but some CPU or the patcher has not finished (an IPI waited for by a CPU whose targets spin in stop_machine with IRQs off)",
	Subject: model.SubjectExecution,
	Parse: noLines("a state where nothing can move and someone has not finished is a deadlock",
		func(Scenario) (Wiring, error) { return Wiring{Check: Deadlock{}}, nil }),
}

func (Deadlock) Name() string { return DeadlockDef.Name }

// Subject is what the check judges, for coverage (model.Coverage).
func (Deadlock) Subject() model.Subject { return DeadlockDef.Subject }

func (c Deadlock) Inspect(t *model.Transition) *model.Violation {
	s := t.Sys
	if s == nil || !s.Stuck(t.After) {
		return nil
	}
	waits := s.Unfinished(t.After)
	if len(waits) == 0 {
		return nil
	}
	return &model.Violation{Check: c.Name(), Message: "no CPU can move: " + strings.Join(waits, "; ")}
}
