package model

import "fmt"

// The patcher's steps. Each kind is one entry of patchSteps, which says
// how the machine performs it, when it is enabled and what a patcher
// stuck at it waits for; the [patcher] section of a scenario names each
// one (patchproto/scenario/patcher.go, whose table of steps is checked
// against this one).

// PatchKind is one kind of patcher step.
type PatchKind uint8

const (
	PatchStore       PatchKind = iota // a store (text or data) through the memory model
	PatchLoad                         // a load of cpu_online_mask into Patcher.Mask (hotplug.go)
	PatchFence                        // a memory barrier
	PatchSyncFetch                    // a local instruction-fetch barrier (fence.i)
	PatchSendIPI                      // interrupt every hart (and run the handler locally if ToSelf)
	PatchWaitIPI                      // wait until every hart has taken the IPI
	PatchStopMachine                  // ask every CPU to park in stop_machine
	PatchWaitParked                   // wait until every CPU has parked
	PatchRelease                      // let parked CPUs go
	// Cache maintenance by virtual address (cachemaint.go).
	//
	// PatchCleanDcache is DC CVAU over [Addr, Addr+Size): clean the data
	// cache lines to the point of unification. It takes effect at the
	// patcher's next PatchDSB.
	PatchCleanDcache
	// PatchInvalIcache is IC IVAU over [Addr, Addr+Size): invalidate the
	// instruction cache lines in the inner-shareable domain. It takes
	// effect at the patcher's next PatchDSB.
	PatchInvalIcache
	// PatchDSB is DSB ISH: a full barrier that also waits for the
	// patcher's earlier cache maintenance to complete.
	PatchDSB
	// Spin loops and compare-and-swap loops as one step (patchwait.go).
	//
	// PatchWaitValue waits until a plain load of [Addr, Addr+Size) by
	// the patcher returns Val, and performs that load (one transition
	// per way the memory model can return Val).
	PatchWaitValue
	// PatchCmpxchg is a locked compare-and-swap loop: a full barrier,
	// a load that must return Old (the step is enabled only then), the
	// store of Val, a full barrier — x86 lock cmpxchg, with no other
	// agent moving in between.
	PatchCmpxchg
	// PatchAtomicClear clears the bits of Val in [Addr, Addr+Size) with
	// one locked read-modify-write (clear_mod_flag's cmpxchg loop: it
	// ends when a cmpxchg of the value it read succeeds, so its effect is
	// one atomic AND NOT at that moment; nothing is stored if the bits
	// are already clear). Always enabled.
	PatchAtomicClear
	numPatchKinds
)

// patchStep is what the machine knows of one kind of patcher step.
type patchStep struct {
	// Name is how the [patcher] section writes the step.
	Name string
	// perform takes the step on m: its effect, and with trace what it
	// did in ev.Text.
	perform func(s *System, m *Machine, op PatchOp, ch *chooser, trace bool, ev *Event)
	// enabled says whether the step can be taken now; nil: always.
	enabled func(s *System, m *Machine, op *PatchOp) bool
	// waiting says what a patcher stuck at the step waits for
	// (Unfinished); nil: only which step it is at.
	waiting func(s *System, m *Machine, op *PatchOp) string
	// local: the step changes nothing another actor can see or be
	// enabled by (the partial-order reduction may take it alone); nil:
	// never. A wait is local once enabled: only the patcher itself can
	// disable it again.
	local func(s *System, m *Machine, op *PatchOp) bool
	// stores: the step may write [Addr, Addr+Size) (storesFrom).
	stores bool
	// maintenance: cache maintenance, which the fetch model must know
	// how to do (CacheMaintenance) and which changes what a later
	// context synchronisation makes fetchable.
	maintenance bool
}

// PatchStepName is how the [patcher] section writes steps of kind k.
func PatchStepName(k PatchKind) string { return patchSteps[k].Name }

// NumPatchKinds is the number of kinds of patcher step.
const NumPatchKinds = int(numPatchKinds)

var patchSteps = [numPatchKinds]patchStep{
	PatchStore:       {Name: "store", perform: (*System).performStore, stores: true},
	PatchLoad:        {Name: "load mask", perform: (*System).performMaskLoad},
	PatchFence:       {Name: "fence", perform: (*System).performFence, local: (*System).fenceLocal},
	PatchSyncFetch:   {Name: "fence.i", perform: (*System).performSyncFetch, local: always},
	PatchSendIPI:     {Name: "ipi", perform: (*System).performSendIPI},
	PatchWaitIPI:     {Name: "wait ipi", perform: (*System).performWaitIPI, enabled: (*System).ipiTaken, waiting: (*System).ipiWaitText, local: always},
	PatchStopMachine: {Name: "stop_machine", perform: (*System).performStopMachine},
	PatchWaitParked:  {Name: "wait parked", perform: (*System).performWaitParked, enabled: (*System).allParked, waiting: (*System).parkWaitText, local: always},
	PatchRelease:     {Name: "release", perform: (*System).performRelease},
	PatchCleanDcache: {Name: "dc cvau", perform: (*System).performCleanDcache, maintenance: true},
	PatchInvalIcache: {Name: "ic ivau", perform: (*System).performInvalIcache, maintenance: true},
	PatchDSB:         {Name: "dsb ish", perform: (*System).performDSB, maintenance: true},
	PatchWaitValue:   {Name: "wait", perform: (*System).performWaitValue, enabled: (*System).waitValueEnabled, waiting: (*System).valueWaitText},
	PatchCmpxchg:     {Name: "cmpxchg", perform: (*System).performCmpxchg, enabled: (*System).cmpxchgEnabled, waiting: (*System).valueWaitText, stores: true},
	PatchAtomicClear: {Name: "cmpxchg and ~", perform: (*System).performAtomicClear, stores: true},
}

func always(*System, *Machine, *PatchOp) bool { return true }

func (s *System) performStore(m *Machine, op PatchOp, _ *chooser, trace bool, ev *Event) {
	if trace {
		ev.Text = fmt.Sprintf("store%d [%s] = %#x", op.Size*8, s.Symbols.Name(op.Addr), op.Val)
		ev.Store = &Commit{Addr: op.Addr, Size: op.Size, Val: op.Val}
	}
	s.commit(m, m.Mem.Store(len(m.Harts), op.Addr, op.Size, op.Val))
}

func (s *System) performFence(m *Machine, op PatchOp, _ *chooser, trace bool, ev *Event) {
	if trace {
		ev.Text = op.Fence.String()
	}
	s.commit(m, m.Mem.Fence(len(m.Harts), op.Fence))
}

func (s *System) fenceLocal(m *Machine, op *PatchOp) bool {
	return m.Mem.FenceIsLocal(len(m.Harts), op.Fence)
}

// performSyncFetch: the patcher fetches no patched code, so its own
// fence.i changes nothing the machine models.
func (s *System) performSyncFetch(_ *Machine, _ PatchOp, _ *chooser, trace bool, ev *Event) {
	if trace {
		ev.Text = "fence.i (local)"
	}
}

// stop_machine: the patcher asks every CPU to park, waits until all
// have, and lets them go (the machine parks them: ActPark, ActUnpark).

func (s *System) performStopMachine(m *Machine, _ PatchOp, _ *chooser, trace bool, ev *Event) {
	if trace {
		ev.Text = "stop_machine: ask every CPU to park"
	}
	m.Stop = StopMachine{Requested: true}
}

func (s *System) performWaitParked(m *Machine, _ PatchOp, _ *chooser, trace bool, ev *Event) {
	if trace {
		ev.Text = "stop_machine: every CPU parked"
	}
	s.waitParkedOrdering(m)
}

func (s *System) allParked(m *Machine, _ *PatchOp) bool {
	for i := range m.Harts {
		if !m.Harts[i].Parked {
			return false
		}
	}
	return true
}

func (s *System) parkWaitText(*Machine, *PatchOp) string {
	return "patcher waits for every CPU to park in stop_machine"
}

func (s *System) performRelease(m *Machine, _ PatchOp, _ *chooser, trace bool, ev *Event) {
	if trace {
		ev.Text = "stop_machine: release CPUs"
	}
	m.Stop.Released = true
	s.releaseOrdering(m)
}

func (s *System) patchEnabled(m *Machine) bool {
	if m.Patcher.PC >= len(s.Patch) {
		return false
	}
	op := &s.Patch[m.Patcher.PC]
	if en := patchSteps[op.Kind].enabled; en != nil {
		return en(s, m, op)
	}
	return true
}

// performPatch takes the patcher's next step.
func (s *System) performPatch(m *Machine, trace bool, ch *chooser) Event {
	op := s.Patch[m.Patcher.PC]
	m.Patcher.PC++
	ev := Event{Actor: "patcher", Why: op.Why}
	patchSteps[op.Kind].perform(s, m, op, ch, trace, &ev)
	return ev
}

// patchLocal: the patcher's next step changes nothing another actor can
// see or be enabled by.
func (s *System) patchLocal(m *Machine) bool {
	op := &s.Patch[m.Patcher.PC]
	local := patchSteps[op.Kind].local
	return local != nil && local(s, m, op)
}
