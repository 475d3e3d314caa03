// Package arm64 executes AArch64 instruction words for model.Machine: the
// subset the arm64 ftrace protocols run (arch/arm64/kernel/entry-ftrace.S,
// the -fpatchable-function-entry call sites, module PLTs), decoded with
// golang.org/x/arch/arm64/arm64asm. It also has the encoders the scenario
// assembler needs (x/arch only decodes; each encoder is checked by
// decoding in encode_test.go) and the CMODX set of Arm ARM B2.2.5.
//
// Registers are numbered 0..30 for x0..x30 (x29 is fp, x30 is lr) and 31
// for sp; XZR is the operand encoding 31 where an instruction reads or
// writes the zero register, never a stored register.
package arm64
