// Package ppc64 executes the few 64-bit PowerPC (little-endian, ppc64le)
// instructions the module call-site protocols need, for model.Machine:
// nop, b, bl, blr, ld, std, mflr, mtlr, addi/li, isync, and trap (tw
// 31,0,0), which ends a task in ftcheck's harness as ebreak does on
// RISC-V. Words are decoded with golang.org/x/arch/ppc64/ppc64asm (with a
// decode cache) and printed in GNU syntax; encode.go builds the words the
// scenarios assemble, each checked by decoding it in encode_test.go.
//
// The link register lives in the hart's first special register
// (model.SpecialRegs): bl writes it and is a call for the shadow stack,
// blr reads it and is a return.
package ppc64
