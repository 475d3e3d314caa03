// Package riscv executes RV64 instructions on a model.CPU: the subset the
// patching protocols use (auipc, lui, jal, jalr, addi, ori, add, ld/sd,
// lw/sw, beq/bne, fence, fence.i, nop, ebreak), decoded by
// golang.org/x/arch/riscv64/riscv64asm from the real 32-bit words the
// hart fetched. The package also holds encoders for those words (x/arch
// has none), each checked against the decoder in the tests.
//
// Fetch is one aligned 4-byte word per instruction (no compressed
// instructions: the kernel aligns patchable entries to 4 bytes,
// cced570c2c0c), through the CPU's fetch model, which may return a stale
// word. ebreak is the harness's "task finished": the task returns to the
// scheduler and its CPU goes idle.
package riscv
