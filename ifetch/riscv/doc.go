// Package riscv executes RV64 instructions on a model.CPU: the subset the
// patching protocols use (auipc, lui, jal, jalr, addi, ori, add, ld/sd,
// lw/sw, beq/bne, fence, fence.i, nop, ebreak) and the compressed forms
// of the C extension that kernel text around call sites uses (c.nop,
// c.addi, c.li, c.mv, c.add, c.jr, c.jalr, c.j, c.ldsp, c.sdsp,
// c.ebreak), decoded by golang.org/x/arch/riscv64/riscv64asm from the
// real bytes the hart fetched. riscv64asm decodes a compressed
// instruction as the 32-bit one it expands to, with Inst.Len 2 (c.j's
// offset is corrected: exec.go, cjOffset). The package also holds
// encoders for those instructions (x/arch has none), each checked
// against the decoder in the tests.
//
// Fetch goes through the CPU's fetch model, which may return a stale
// unit, in aligned 4-byte units: an instruction at pc ≡ 0 (mod 4) is one
// unit (all of it, or its low half for a compressed one), one at pc ≡ 2
// the high half of a unit, and a 32-bit instruction there also the low
// half of the next unit, fetched on its own. That is the layout of a
// CONFIG_RISCV_ISA_C kernel before cced570c2c0c aligned patchable
// function entries to 4 bytes: the halves of such an instruction can be
// different versions of the text. ebreak is the harness's "task
// finished": the task returns to the scheduler and its CPU goes idle.
package riscv
