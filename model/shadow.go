package model

import "fmt"

// MaxShadow bounds the shadow call stack (calls nested in one task).
const MaxShadow = 8

// The shadow call stack is what the lost-return check compares returns
// with: every call an ISA reports (Exec.Call) pushes the return address
// it links, every return (Exec.Return) pops one. The stack belongs to
// the task, so a preempted task keeps it. It is kept only when
// Config.ShadowStack is set: it makes states that differ only by their
// call history distinct.

// syncName names the ISA's local fetch barrier in traces.
func (s *System) syncName() string {
	if s.SyncName != "" {
		return s.SyncName
	}
	return "fence.i"
}

// ShadowTop returns the return address the innermost open call linked.
func (h *Hart) ShadowTop() (uint64, bool) {
	if h.ShadowLen == 0 {
		return 0, false
	}
	return h.Shadow[h.ShadowLen-1], true
}

// ShadowFor returns the return address the call that return x returns
// from linked, and whether the shadow stack knows that call. It does not
// when x loads its target from a stack slot below the innermost call's
// (the stack grows down): a frame pushed by a plain store, as
// int3_emulate_call pushes one for the call it emulates. Such a return
// is the emulated call's own; the shadow stack has nothing to say of it
// and keeps its entries for the calls it does know.
func (h *Hart) ShadowFor(x *Exec) (uint64, bool) {
	top, ok := h.ShadowTop()
	if !ok {
		return 0, false
	}
	if slot := h.ShadowSlot[h.ShadowLen-1]; x.StackSlot != 0 && slot != 0 && x.StackSlot < slot {
		return 0, false
	}
	return top, true
}

// afterExec applies what the machine itself tracks about an executed
// instruction: a fetch the fetch model judged undefined (reported by
// bad-fetch; the step runs the version it fetched, which is one of the
// behaviours "anything" allows, so no execution is cut short when
// bad-fetch is not checked), and the shadow call stack.
func (s *System) afterExec(h *Hart, cpu *cpuCtx, x *Exec) {
	switch {
	case cpu.undefined != "" && x.BadFetch != "":
		x.BadFetch += "; " + cpu.undefined
	case cpu.undefined != "":
		x.BadFetch = cpu.undefined
	}
	if !s.ShadowStack || x.Fault != "" || x.Halt {
		return
	}
	if _, known := h.ShadowFor(x); x.Return && known {
		h.ShadowLen--
		h.Shadow[h.ShadowLen], h.ShadowSlot[h.ShadowLen] = 0, 0
	}
	if x.Call {
		if h.ShadowLen == MaxShadow {
			x.Fault = fmt.Sprintf("calls nested deeper than the shadow stack (%d)", MaxShadow)
			return
		}
		h.Shadow[h.ShadowLen], h.ShadowSlot[h.ShadowLen] = x.ReturnAddr, x.StackSlot
		h.ShadowLen++
	}
}
