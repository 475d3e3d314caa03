// Package ifetch models instruction fetch, which is not a data access.
//
// A store to text becomes visible to data loads through the memory model,
// but a hart's instruction fetch may keep returning the old instruction
// until the hart synchronises its fetch with memory: on RISC-V, until it
// executes fence.i (local only; a remote hart needs an IPI that runs
// fence.i, after a data fence on the writer). Fetch is also not atomic
// across instructions: RISC-V and arm64 fetch each aligned 4-byte word on
// its own, so an 8-byte auipc+jalr pair written by one 8-byte store can be
// fetched half old, half new.
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
// The instruction set that executes the fetched words lives in the
// sub-packages (riscv), which decode with golang.org/x/arch.
package ifetch
