package model

import "fmt"

// Cache maintenance: the patcher steps and fetch-model hooks of an
// architecture whose instruction fetch is made coherent with stores by
// explicit maintenance (arm64: DC CVAU, DSB ISH, IC IVAU, DSB ISH in
// arch/arm64/mm/cache.S caches_clean_inval_pou), and whose concurrent
// modification of executing code is defined only for some instructions
// (arm64 CMODX). RISC-V and x86 fetch models implement neither interface.

// The patcher's cache maintenance steps are PatchCleanDcache,
// PatchInvalIcache and PatchDSB (patchstep.go).

// fenceDSB is what a DSB orders as a data barrier: everything.
var fenceDSB = FenceKind{Pred: FenceI | FenceO | FenceR | FenceW, Succ: FenceI | FenceO | FenceR | FenceW}

// CacheMaintenance is implemented by fetch models that need the writer's
// cache maintenance before a store can be fetched for sure.
type CacheMaintenance interface {
	// CleanData issues DC CVAU over the range.
	CleanData(addr uint64, size int)
	// InvalidateInsn issues IC IVAU over the range.
	InvalidateInsn(addr uint64, size int)
	// CompleteMaintenance is the writer's DSB: every maintenance
	// operation issued so far completes.
	CompleteMaintenance()
}

// FetchJudge is implemented by fetch models with rules on which
// concurrent modifications of code are defined.
type FetchJudge interface {
	// Undefined returns why hart h's fetch of the unit at addr now is
	// architecturally undefined (the unit is being modified and not
	// every version it may fetch is in the set the architecture allows),
	// or "".
	Undefined(h int, addr uint64) string
}

// ContextSync is implemented by fetch models in which an exception
// entry or return (taking an IPI) is a context synchronisation event:
// the hart discards instructions it fetched before (arm64 ISB semantics).
// System calls it when a hart takes an IPI.
type ContextSync interface {
	ContextSync(h int)
}

// maintenanceLeft reports whether the patcher has cache maintenance
// steps left from pc on: their completion changes what a later context
// synchronisation makes fetchable, so a hart's synchronisation does not
// commute with them.
func (s *System) maintenanceLeft(pc int) bool {
	for ; pc < len(s.Patch); pc++ {
		if patchSteps[s.Patch[pc].Kind].maintenance {
			return true
		}
	}
	return false
}

// checkMaintenance refuses maintenance steps the fetch model cannot do.
func (c *Config) checkMaintenance() error {
	if c.Initial == nil {
		return nil
	}
	if _, ok := c.Initial.Fetch.(CacheMaintenance); ok {
		return nil
	}
	for _, op := range c.Patch {
		if patchSteps[op.Kind].maintenance {
			return fmt.Errorf("model: configuration %q has cache maintenance steps but its fetch model has no caches to maintain", c.Name)
		}
	}
	return nil
}

// maintenanceRange names a maintenance step's range, for traces.
func (s *System) maintenanceRange(op PatchOp) string {
	return fmt.Sprintf("%s .. %s", s.Symbols.Name(op.Addr), s.Symbols.Name(op.Addr+uint64(op.Size)))
}

func (s *System) performCleanDcache(m *Machine, op PatchOp, _ *chooser, trace bool, ev *Event) {
	if trace {
		ev.Text = "dc cvau " + s.maintenanceRange(op) + " (clean to PoU; completes at the next dsb)"
	}
	m.Fetch.(CacheMaintenance).CleanData(op.Addr, op.Size)
}

func (s *System) performInvalIcache(m *Machine, op PatchOp, _ *chooser, trace bool, ev *Event) {
	if trace {
		ev.Text = "ic ivau " + s.maintenanceRange(op) + " (invalidate I-caches; completes at the next dsb)"
	}
	m.Fetch.(CacheMaintenance).InvalidateInsn(op.Addr, op.Size)
}

// performDSB: the barrier first makes the patcher's stores visible, then
// its maintenance completes (it cleans what those stores wrote).
func (s *System) performDSB(m *Machine, _ PatchOp, _ *chooser, trace bool, ev *Event) {
	if trace {
		ev.Text = "dsb ish (stores visible; earlier maintenance complete)"
	}
	s.commit(m, m.Mem.Fence(len(m.Harts), fenceDSB))
	m.Fetch.(CacheMaintenance).CompleteMaintenance()
}

// parkEnablingChanged reports a hart step that changes whether the hart
// could park in stop_machine (its task leaves or reaches a schedule
// point, is switched out or back in) while a stop_machine is ahead or
// under way. Such a step does not commute with the patcher's
// stop_machine request: taken first, it can disable the park that the
// request would have enabled, so the reduction must not take it alone.
func (s *System) parkEnablingChanged(m *Machine, t *Transition) bool {
	a := t.Label.Action
	if t.Label.Actor >= len(m.Harts) || (a != ActExec && a != ActPreempt && a != ActResume) {
		return false
	}
	if !s.stopAhead(m) {
		return false
	}
	could := func(h *Hart) bool { return h.Task != TaskRunning || s.SchedPoints[h.PC] }
	return could(t.Before.Harts[t.Label.Actor]) != could(t.After.Harts[t.Label.Actor])
}

// stopAhead: a stop_machine is requested and not released, or the
// patcher has one still to request.
func (s *System) stopAhead(m *Machine) bool {
	if m.Stop.Requested && !m.Stop.Released {
		return true
	}
	for pc := m.Patcher.PC; pc < len(s.Patch); pc++ {
		if s.Patch[pc].Kind == PatchStopMachine {
			return true
		}
	}
	return false
}
