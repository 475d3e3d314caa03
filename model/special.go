package model

import "encoding/binary"

// Special registers: what an ISA keeps beyond its 32 general registers
// (ppc64: the link register LR, which bl writes and blr reads). They
// belong to the hart like Regs: a preempted task keeps them, an
// interrupt entry saves them, symmetry moves them with the hart.

// NumSpecial is how many special registers a hart has.
const NumSpecial = 2

// SpecialRegs is implemented by the CPU the machine hands an ISA. It is a
// separate interface so that ISAs without special registers, and the
// test CPUs of their packages, need not know it.
type SpecialRegs interface {
	Special(i int) uint64
	SetSpecial(i int, v uint64)
}

func (c *cpuCtx) Special(i int) uint64       { return c.m.Harts[c.hart].Spec[i] }
func (c *cpuCtx) SetSpecial(i int, v uint64) { c.m.MutableHart(c.hart).Spec[i] = v }

// appendIntrSpecKey encodes the interrupt state and the special
// registers: one zero byte when there are none (most harts of most
// configurations), else a bitmap of what follows.
func (h *Hart) appendIntrSpecKey(b []byte) []byte {
	var has byte
	for i, v := range h.Spec {
		if v != 0 {
			has |= 1 << i
		}
	}
	if h.Interrupts != 0 || h.Intr != nil {
		has |= 0x80
	}
	b = append(b, has)
	for _, v := range h.Spec {
		if v != 0 {
			b = binary.AppendUvarint(b, v)
		}
	}
	if has&0x80 != 0 {
		b = h.appendIntrKey(b)
	}
	return b
}
