package model

import (
	"encoding/binary"
	"fmt"
)

// Interrupts that run code. An interrupt source names the code its
// handler runs (an entry PC in the text). At an instruction boundary a
// hart may take it: the entry saves the interrupted PC and the whole
// register file in the hart's interrupt frame (the kernel's pt_regs), the
// handler runs on the same hart with the same registers — it sees the
// interrupted task's sp, gp, tp, as a real handler does — and its return
// instruction (RISC-V sret; the ISA reports Exec.IntrReturn) restores
// both. While a hart runs a handler it does nothing else: it takes no
// IPI, is not preempted, does not park, and does not take a second
// interrupt (one frame per hart: no nesting).
//
// An IRQ is taken only by a CPU whose task is running with IRQs on: not
// by a CPU parked in stop_machine (multi_cpu_stop spins with IRQs off),
// not inside another handler. An NMI is taken by a running CPU and by a
// CPU parked in stop_machine as well — stop_machine does not stop NMIs
// (x86 R-2) — and the CPU stays parked: the patcher's rendezvous still
// counts it while its NMI handler runs code the patcher is modifying.
//
// The number of interrupts each hart takes is bounded
// (Config.MaxInterrupts), like preemptions: every bound is stated with a
// verdict.

// InterruptSource is one interrupt that runs handler code.
type InterruptSource struct {
	Name    string // timer_irq, nmi
	Handler uint64 // the first instruction of the handler
	// NMI: taken with IRQs off too (by a CPU parked in stop_machine).
	NMI bool
	// Exception: raised only by an instruction (Exec.Trap, x86 int3),
	// never taken asynchronously (trap.go).
	Exception bool
}

func (i InterruptSource) String() string {
	kind := "IRQ"
	if i.Exception {
		kind = "exception"
	} else if i.NMI {
		kind = "NMI"
	}
	return kind + " " + i.Name
}

// IntrFrame is what an interrupt entry saved: where the hart was and its
// registers. Frames are never modified once made, so clones share them.
type IntrFrame struct {
	Source uint8
	PC     uint64
	Regs   [32]uint64
	Spec   [NumSpecial]uint64
}

// interruptEnabled reports whether hart h may take source i now.
func (s *System) interruptEnabled(m *Machine, h, i int) bool {
	hh := m.Harts[h]
	if hh.Intr != nil || int(hh.Interrupts) >= s.MaxInterrupts || s.Interrupts[i].Exception {
		return false
	}
	if s.Interrupts[i].NMI {
		return hh.Task == TaskRunning || hh.Parked
	}
	return hh.Task == TaskRunning && !hh.Parked
}

// interruptSteps yields hart h's interrupt entries.
func (s *System) interruptSteps(m *Machine, h int, trace bool, sc *scratch, yield func(*Transition) bool) bool {
	for i := range s.Interrupts {
		if s.interruptEnabled(m, h, i) {
			if !s.branch(m, InterruptLabel(h, i), trace, sc, yield) {
				return false
			}
		}
	}
	return true
}

// takeInterrupt performs the entry of source i on hart h.
func (s *System) takeInterrupt(m *Machine, h, i int, ev *Event, trace bool) {
	hh := m.MutableHart(h)
	src := s.Interrupts[i]
	hh.Intr = &IntrFrame{Source: uint8(i), PC: hh.PC, Regs: hh.Regs, Spec: hh.Spec}
	if pm, ok := m.Mem.(PromisingMemory); ok {
		pm.SaveRegViews(h)
	}
	hh.Interrupts++
	hh.PC = src.Handler
	if cs, ok := m.Fetch.(ContextSync); ok {
		cs.ContextSync(h) // an exception entry is one
	}
	if s.InterruptEntrySync {
		m.Fetch.Sync(h)
	}
	if trace {
		ev.Text = fmt.Sprintf("take %s: save pc and registers, run %s", src, s.Symbols.Name(src.Handler))
		if s.InterruptEntrySync {
			ev.Text += "; entry serialises (sync_core)"
		}
		if hh.Parked {
			ev.Text += " (while parked in stop_machine)"
		}
	}
}

// interruptExec applies what the machine tracks about an instruction
// executed by hart h (x is already executed): the return from an
// interrupt handler, and the end of a handler that faulted or tried to
// end the task.
func (s *System) interruptExec(m *Machine, h int, x *Exec, trace bool) {
	hh := m.MutableHart(h)
	if x.IntrReturn && x.Fault == "" {
		fr := hh.Intr
		if fr == nil {
			x.Fault = "return from interrupt outside an interrupt handler"
			return
		}
		hh.Intr = nil
		hh.Regs, hh.Spec = fr.Regs, fr.Spec
		if pm, ok := m.Mem.(PromisingMemory); ok {
			pm.RestoreRegViews(h) // the restored values keep their dependencies
		}
		x.NextPC, x.Jump = fr.PC, true
		if cs, ok := m.Fetch.(ContextSync); ok {
			cs.ContextSync(h) // so is the exception return
		}
		if trace {
			x.Effect = fmt.Sprintf("return from %s: registers restored; resume %s", s.Interrupts[fr.Source], s.Symbols.Name(fr.PC))
		}
		return
	}
	if hh.Intr == nil {
		return
	}
	if x.Halt {
		x.Halt, x.Fault = false, "the interrupt handler ended the task (no return from interrupt)"
	}
	if x.Fault != "" {
		hh.Intr = nil // the CPU died in its handler
	}
}

// appendIntrKey encodes a hart's interrupt state.
func (h *Hart) appendIntrKey(b []byte) []byte {
	b = append(b, h.Interrupts)
	if h.Intr == nil {
		return append(b, 0)
	}
	b = append(b, 1+h.Intr.Source)
	b = binary.AppendUvarint(b, h.Intr.PC)
	for _, v := range h.Intr.Regs {
		b = binary.AppendUvarint(b, v)
	}
	for _, v := range h.Intr.Spec {
		b = binary.AppendUvarint(b, v)
	}
	return b
}
