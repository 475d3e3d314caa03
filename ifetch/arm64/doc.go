// Package arm64 executes AArch64 instruction words for model.Machine: the
// subset the arm64 ftrace protocols run (arch/arm64/kernel/entry-ftrace.S,
// the -fpatchable-function-entry call sites, module PLTs), decoded with
// golang.org/x/arch/arm64/arm64asm. It also has the one A64 encoder of
// the project, used by the scenario assembler (patchproto/scenario) and
// the herd litmus front end (memmodel/litmus, for the instruction-fetch
// tests); x/arch only decodes, so each encoder is checked by decoding in
// encode_test.go. And it has the CMODX set of Arm ARM B2.2.5.
//
// Registers are numbered 0..30 for x0..x30 (x29 is fp, x30 is lr) and 31
// for sp; XZR (32) names the zero register to the encoders, which encode
// it as 31 where an instruction reads or writes the zero register; it is
// never a stored register. Size (W or X) selects the 32- or 64-bit form
// of the instructions that have both.
package arm64
