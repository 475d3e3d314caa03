package model

import "fmt"

// Patcher steps that spin on memory and that compare-and-swap: the loops
// of the x86 NMI-safe ftrace code modification (arch/x86/kernel/ftrace.c,
// 2.6.28-2.6.30),
//
//	while (atomic_read(&in_nmi)) cpu_relax();                          // wait_for_nmi
//	while (atomic_cmpxchg(&nmi_running, 0, MOD_CODE_WRITE_FLAG)) cpu_relax();
//	old = atomic_read(&v); for (;;) { new = old & ~FLAG; if (old == new) break;
//	                                  old = atomic_cmpxchg(&v, old, new); }   // clear_mod_flag
//
// each as ONE step. A spin loop's failed iterations change nothing any
// other agent can see (a failed x86 lock cmpxchg writes back the value it
// read; cpu_relax is pause), so the loop is its last, successful
// iteration, taken at a moment the memory model lets it succeed: the step
// is enabled exactly when that iteration's load can return what ends the
// loop. A loop that can never succeed is a patcher that never finishes
// (the deadlock check reports it).
//
// The steps are PatchWaitValue, PatchCmpxchg and PatchAtomicClear
// (patchstep.go).

// LockedRMW is implemented by memory models in which an agent's load
// made right after its own full barrier (fence rw,rw), in the same step,
// reads the newest value in coherence order, and in which Load has one
// outcome and changes nothing: SC, and TSO, where the barrier empties the
// agent's store buffer and a load reads memory. A locked read-modify-write
// is then the barrier, the load, the store and a barrier in one step.
// Patcher compare-and-swap steps need it (a weaker model would need the
// RMW at the coherence point, which it does not offer).
type LockedRMW interface {
	LockedRMWReadsLatest()
}

// isValueStep reports whether k is one of this file's steps.
func isValueStep(k PatchKind) bool {
	return k == PatchWaitValue || k == PatchCmpxchg || k == PatchAtomicClear
}

// checkValueSteps refuses compare-and-swap steps on a memory model that
// cannot guarantee their load reads the newest value, and checks sizes.
func (c *Config) checkValueSteps() error {
	for i, op := range c.Patch {
		if !isValueStep(op.Kind) {
			continue
		}
		if op.Size != 1 && op.Size != 2 && op.Size != 4 && op.Size != 8 || op.Addr%uint64(op.Size) != 0 {
			return fmt.Errorf("model: patcher step %d: an atomic word at %#x must be an aligned 1, 2, 4 or 8 byte word (size %d)", i+1, op.Addr, op.Size)
		}
		if op.Kind == PatchWaitValue {
			continue
		}
		if _, ok := c.Initial.Mem.(LockedRMW); !ok {
			return fmt.Errorf("model: patcher step %d is a locked read-modify-write (cmpxchg), which memory model %s cannot perform on the newest value (model.LockedRMW: sc and tso can)", i+1, c.Initial.Mem.Name())
		}
	}
	return nil
}

// waitChoices returns the choice numbers of the patcher's load of op's
// word that return op.Val, for PatchWaitValue. A model whose loads are
// pure (LockedRMW) is asked directly; any other is asked on clones.
func (s *System) waitChoices(m *Machine, op *PatchOp, buf []int) []int {
	n := len(m.Harts)
	k := m.Mem.Loads(n, op.Addr, op.Size)
	_, pure := m.Mem.(LockedRMW)
	for c := 0; c < k; c++ {
		mem := m.Mem
		if !pure {
			mem = m.Mem.Clone()
		}
		if mem.Load(n, op.Addr, op.Size, c) == op.Val {
			buf = append(buf, c)
		}
	}
	return buf
}

// waitValueEnabled: the load can return the value the loop waits for.
func (s *System) waitValueEnabled(m *Machine, op *PatchOp) bool {
	var arr [4]int
	return len(s.waitChoices(m, op, arr[:0])) > 0
}

// cmpxchgEnabled: after the barrier the load reads the patcher's own
// newest store, else memory: what Load returns now (LockedRMW).
func (s *System) cmpxchgEnabled(m *Machine, op *PatchOp) bool {
	return m.Mem.Load(len(m.Harts), op.Addr, op.Size, 0) == op.Old
}

func (s *System) performWaitValue(m *Machine, op PatchOp, ch *chooser, trace bool, ev *Event) {
	var arr [4]int
	cs := s.waitChoices(m, &op, arr[:0])
	v := m.Mem.Load(len(m.Harts), op.Addr, op.Size, cs[ch.choose(len(cs))])
	if trace {
		ev.Text = fmt.Sprintf("wait until load%d [%s] == %#x: read %#x", op.Size*8, s.Symbols.Name(op.Addr), op.Val, v)
	}
}

func (s *System) performCmpxchg(m *Machine, op PatchOp, _ *chooser, trace bool, ev *Event) {
	n := len(m.Harts)
	name := s.Symbols.Name(op.Addr)
	s.commit(m, m.Mem.Fence(n, FenceRWRW))
	if v := m.Mem.Load(n, op.Addr, op.Size, 0); v != op.Old {
		panic(fmt.Sprintf("model: cmpxchg [%s] enabled but reads %#x, not %#x", name, v, op.Old))
	}
	s.commit(m, m.Mem.Store(n, op.Addr, op.Size, op.Val))
	s.commit(m, m.Mem.Fence(n, FenceRWRW))
	if trace {
		ev.Text = fmt.Sprintf("lock cmpxchg%d [%s]: %#x -> %#x (loop until it succeeds; fully fenced)", op.Size*8, name, op.Old, op.Val)
	}
}

func (s *System) performAtomicClear(m *Machine, op PatchOp, _ *chooser, trace bool, ev *Event) {
	n := len(m.Harts)
	s.commit(m, m.Mem.Fence(n, FenceRWRW))
	v := m.Mem.Load(n, op.Addr, op.Size, 0)
	nv := v &^ op.Val
	if nv != v {
		s.commit(m, m.Mem.Store(n, op.Addr, op.Size, nv))
	}
	s.commit(m, m.Mem.Fence(n, FenceRWRW))
	if trace {
		ev.Text = fmt.Sprintf("lock cmpxchg%d [%s] &= ~%#x: %#x -> %#x (loop until it succeeds; fully fenced)", op.Size*8, s.Symbols.Name(op.Addr), op.Val, v, nv)
	}
}

// valueWaitText says what a patcher stuck at a wait or cmpxchg step waits
// for (Unfinished).
func (s *System) valueWaitText(m *Machine, op *PatchOp) string {
	mem := m.Mem
	if _, pure := mem.(LockedRMW); !pure {
		mem = mem.Clone()
	}
	v := mem.Load(len(m.Harts), op.Addr, op.Size, 0)
	want := op.Val
	if op.Kind == PatchCmpxchg {
		want = op.Old
	}
	return fmt.Sprintf("patcher spins until [%s] == %#x; it reads %#x", s.Symbols.Name(op.Addr), want, v)
}
