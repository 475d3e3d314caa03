package riscv

import "github.com/ftcheck/ftcheck/model"

// Sret is SRET, the return from a supervisor trap (RISC-V privileged
// architecture, "Trap-Return Instructions"): the end of an interrupt
// handler. golang.org/x/arch's riscv64asm decodes only the unprivileged
// ISA, so sret is recognised by its one fixed encoding (encode_test.go
// checks that x/arch still refuses it: if it learns it, use it).
const Sret uint32 = 0x10200073

// privileged executes the privileged instructions the model knows, which
// x/arch does not decode; ok is false for any other word.
func privileged(word uint32, pc uint64, tracing bool) (x model.Exec, ok bool) {
	if word != Sret {
		return model.Exec{}, false
	}
	x = model.Exec{Word: word, NextPC: pc + 4, IntrReturn: true}
	if tracing {
		x.Disasm = "sret"
		x.Effect = "return from interrupt"
	}
	return x, true
}
