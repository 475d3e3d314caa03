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
func (c *cpuCtx) SetSpecial(i int, v uint64) { c.m.Harts[c.hart].Spec[i] = v }

// appendSpecKey encodes the special registers (a bitmap of the non-zero
// ones, then their values: most harts of most ISAs have none).
func (h *Hart) appendSpecKey(b []byte) []byte {
	var nz byte
	for i, v := range h.Spec {
		if v != 0 {
			nz |= 1 << i
		}
	}
	b = append(b, nz)
	for _, v := range h.Spec {
		if v != 0 {
			b = binary.AppendUvarint(b, v)
		}
	}
	return b
}
