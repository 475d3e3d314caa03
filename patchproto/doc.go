// Package patchproto holds the patching protocols ftcheck explores. Each
// built-in protocol is a scenario file (protocols/*.scenario, embedded):
// it lays out the text (the patchable call site, the trampoline, the
// tracers) as real RISC-V assembly, writes the patcher's steps in the
// order the kernel performs them, annotated with the kernel functions
// they belong to, and states what the code intends (which targets each
// jump may reach) so that checks can tell a torn execution from a meant
// one. A user's scenario file goes through the same code path (Load),
// and so does an instance file (instance.go), which is a protocol with
// its own settings; regress/ holds one per reproduced race and fix.
//
// Built-in names are lower-case, architecture first: riscv-pair,
// riscv-jalr. Each takes Options: harts, preemption bound, calls per
// hart, the op parameter (enable, disable, change) and the variant.
package patchproto
