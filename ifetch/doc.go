// Package ifetch models instruction fetch, which is not a data access.
//
// A store to text becomes visible to data loads through the memory model,
// but a hart's instruction fetch may keep returning the old instruction
// until the hart synchronises its fetch with memory: on RISC-V, until it
// executes fence.i (local only; a remote hart needs an IPI that runs
// fence.i, after a data fence on the writer). Fetch is also not atomic
// across instructions: RISC-V and arm64 fetch each aligned 4-byte word on
// its own, so an 8-byte auipc+jalr pair written by one 8-byte store can be
// fetched half old, half new. With RISC-V's compressed instructions a
// 4-byte instruction may start at an address ≡ 2 (mod 4): it is then
// parts of two fetch units, and itself fetched half old, half new.
//
// Words is that model for 4-byte fetch units, and for 1-byte units on x86
// (NewBytes), where each byte of an instruction is fetched on its own. For every unit it keeps the
// history of values written to it (version 0 is the text at boot) and, for
// every hart, the oldest version the hart may still fetch. A fetch returns
// any version from that one to the newest, and never goes back: a hart
// that has fetched version v cannot later fetch anything older (the old
// line is gone from its cache). Sync (fence.i) moves every unit of the
// hart to the newest version.
//
// Each instruction set is one sub-package (riscv, arm64, x86, ppc64): its
// executor, which decodes with golang.org/x/arch, and its encoders (x/arch
// has none), the only ones of the project: the scenario assembler and the
// litmus front end both build their words with them. The step every ISA
// shares (fetch, decode, fault, execute) is Stepper, here.
package ifetch
