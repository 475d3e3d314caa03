package model

import "fmt"

// Synchronous exceptions that run handler code (x86 int3). An instruction
// that raises one reports Exec.Trap with the exception's name; the hart
// then enters the handler of the InterruptSource of that name marked
// Exception, exactly as for an interrupt (interrupt.go): the frame saves
// the return address (Exec.NextPC: after the int3) and the registers, the
// handler runs with IRQs off — no IPI, no preemption, no parking until
// its return from interrupt — and the return restores both. Exceptions
// are not bounded by Config.MaxInterrupts: the code raises them.
//
// A handler that emulates an instruction (x86 poke_int3_handler:
// int3_emulate_call) rewrites the frame — the return address and the
// saved stack pointer — through Frame.

// Frame is implemented by the CPU the machine hands an ISA: the frame of
// the interrupt or exception whose handler the hart runs (the kernel's
// pt_regs).
type Frame interface {
	InFrame() bool
	FramePC() uint64
	SetFramePC(pc uint64)
	FrameReg(i int) uint64
	SetFrameReg(i int, v uint64)
}

func (c *cpuCtx) InFrame() bool { return c.m.Harts[c.hart].Intr != nil }

func (c *cpuCtx) FramePC() uint64 { return c.m.Harts[c.hart].Intr.PC }

func (c *cpuCtx) FrameReg(i int) uint64 { return c.m.Harts[c.hart].Intr.Regs[i] }

// Frames are shared by clones: a change copies the frame.
func (c *cpuCtx) SetFramePC(pc uint64) {
	h := c.m.MutableHart(c.hart)
	f := *h.Intr
	f.PC = pc
	h.Intr = &f
}

func (c *cpuCtx) SetFrameReg(i int, v uint64) {
	h := c.m.MutableHart(c.hart)
	f := *h.Intr
	f.Regs[i] = v
	h.Intr = &f
}

// trapExec enters the handler of the exception x raised on hart h.
func (s *System) trapExec(m *Machine, h int, x *Exec, trace bool) {
	if x.Trap == "" || x.Fault != "" {
		return
	}
	hh := m.MutableHart(h)
	src := -1
	for i, is := range s.Interrupts {
		if is.Exception && is.Name == x.Trap {
			src = i
		}
	}
	switch {
	case src < 0:
		x.Fault = fmt.Sprintf("%s: no handler for the exception (the kernel would die)", x.Trap)
		hh.Intr = nil
		return
	case hh.Intr != nil:
		x.Fault = fmt.Sprintf("%s inside an interrupt handler: nested exceptions are not modelled", x.Trap)
		hh.Intr = nil
		return
	}
	hh.Intr = &IntrFrame{Source: uint8(src), PC: x.NextPC, Regs: hh.Regs, Spec: hh.Spec}
	if pm, ok := m.Mem.(PromisingMemory); ok {
		pm.SaveRegViews(h)
	}
	x.NextPC, x.Jump = s.Interrupts[src].Handler, true
	if s.InterruptEntrySync {
		m.Fetch.Sync(h) // exception delivery serialises too (interrupt.go)
	}
	if trace {
		if x.Effect != "" {
			x.Effect += "; "
		}
		x.Effect += fmt.Sprintf("trap: save pc %s and registers, run %s", s.Symbols.Name(hh.Intr.PC), s.Symbols.Name(x.NextPC))
	}
}
