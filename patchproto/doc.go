// Package patchproto holds the patching protocols ftcheck explores, each
// a short description next to the kernel code it models, with the paths
// of that code. A protocol lays out the text (the patchable call site,
// the trampoline, the tracers) as real instruction words, writes the
// patcher's steps as model.PatchOps in the order the kernel performs
// them, and states what the code intends (which targets each jump may
// reach) so that checks can tell a torn execution from a meant one.
//
// Built-in names are lower-case, architecture first: riscv-pair,
// riscv-jalr. Each takes Options: harts, preemption bound, calls per
// hart, the operation (enable, disable, change) and a variant.
package patchproto
