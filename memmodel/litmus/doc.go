// Package litmus reads herd7 litmus tests (RISCV, AArch64, X86 and X86_64)
// and decides their final conditions under a memory model, so that
// ftcheck's memory models can be measured against herd's verdicts.
//
// A litmus test is a tiny concurrent program — a few threads of a few
// instructions over shared locations — and a condition on the final
// registers and memory: `exists` (some execution reaches the state),
// `~exists` (none does) or `forall` (every one does). Parse turns the file
// into a Test; Run answers the condition herd's way (Ok/No) and classifies
// the outcome (Allowed/Forbidden/Required).
//
// Run is an explicit-state version of herd's axiomatic method:
//
//  1. Each architecture front end decodes instructions into one small
//     instruction set (ALU, load, store, AMO, LR/SC, fence, branch).
//  2. A value domain per location is computed to a fixpoint: the initial
//     value plus anything some path can write when its reads return values
//     already in the domain.
//  3. Every control-flow path of every thread is enumerated with each read
//     returning a domain value; register data flow records the addr, data
//     and ctrl dependencies herd would compute.
//  4. For each combination of paths, each read picks a write of the same
//     location and value (rf), each location an order of its writes (co),
//     and the axiomatic model (package axiomatic) accepts or rejects the
//     candidate. The condition is evaluated on the consistent ones.
//
// Mixed-size accesses (AArch64 byte/halfword/word/doubleword accesses
// at offsets, arrays such as `uint8_t y[64]`, LDP/STP) are split into
// pieces at the boundaries of the other accesses to the same location
// (memory.go); each piece is an event, rf and co are per piece, and the
// pieces of one instruction are related by herd's si and not by po.
//
// AArch64 self- and cross-modifying code (herd's -variant ifetch) is in
// ifetch.go: code has addresses, labels used as values make the
// instructions they label into memory locations that stores may
// overwrite, and executing one starts with a fetch whose value chooses
// the instruction run (or an UndefinedInstruction fault and the thread's
// handler). Such tests run under the armv8-ifetch model with the test's
// CacheType. The words in memory are real A64 encodings, built by
// ifetch/arm64, the encoder the scenario assembler uses too (a64enc.go
// reads herd's syntax for it).
//
// Tests using instructions or features the front ends do not model
// parse but carry Test.Unsupported and get no verdict. LoadExpectations
// and Discover support running whole suites against reference verdict
// files.
package litmus
