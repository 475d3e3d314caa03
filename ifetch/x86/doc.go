// Package x86 executes the x86-64 instructions the x86 patching protocols
// need, for model.Machine, fetching them one byte at a time: each byte
// fetch may return a different version of the text (ifetch.NewBytes), so
// a CPU that has not serialised can decode the old first byte of a call
// site with the new displacement, or resume inside an instruction. Bytes
// are decoded with golang.org/x/arch/x86/x86asm in 64-bit mode after each
// byte until they are one whole instruction (with a decode cache); the
// decoded bytes go in model.Exec.Bytes for the bad-fetch check, which
// compares them with every version of the text.
//
// The subset: the nops (nop, the kernel's K8_NOP3/K8_NOP2 and P6_NOP5),
// call/jmp rel32 and rel8, je/jne, call/jmp through a register, ret,
// mov between registers, immediates and memory, add/sub/cmp/test (ZF
// only, kept in RFLAGS), push/pop, lock inc/dec, mfence (a full barrier,
// not serialising), cpuid and iretq (serialising: they synchronise
// instruction fetch), hlt (the task ends: ftcheck's harness), and int3,
// which raises the "int3" exception (model/trap.go). An exception or
// interrupt handler reaches its frame through struct pt_regs at PtRegs.
// A data access in the first page faults (a NULL dereference) and is
// reported for the use-after-clear check.
//
// encode.go builds the bytes the scenarios assemble; encode_test.go
// checks every encoder by decoding its output with x86asm, and that no
// proper prefix of an instruction decodes as a whole one.
package x86
