// Package axiomatic checks candidate executions against axiomatic memory
// models, the way herd7 evaluates its .cat files.
//
// A candidate execution (Execution) is a set of events — memory reads,
// writes, single-event updates and fences, plus one initial write per
// location — with the relations a program and a choice of values fix:
// program order (po), reads-from (rf), coherence order (co), the
// syntactic dependencies (addr, data, ctrl) and the atomic pairs (rmw).
// A memory model is a predicate over such graphs, stated as acyclicity,
// irreflexivity and emptiness constraints on relations derived from them
// (fr = rf^-1;co, po-loc, external/internal parts, preserved program
// order, ...).
//
// The models follow herdtools7's cat files, one Go type each, with the cat
// text quoted in its comment:
//
//   - SC     sc.cat       sequential consistency
//   - TSO    x86tso.cat   x86-TSO
//   - RVWMO  riscv.cat    RISC-V weak memory ordering (ppo rules r1-r13)
//   - ARMv8  aarch64.cat  Armv8 other-multi-copy-atomic (ob = obs|lob)
//   - ARMv8IFetch  the current aarch64.cat with -variant ifetch: instruction
//     fetches (Event.Annot IFetch), DC/IC cache maintenance, DSB and
//     context synchronisation, for CTR_EL0.IDC/DIC (ifetch.go)
//
// Relations are dense bit matrices (Rel): litmus executions have a few
// dozen events, so composition and cycle detection stay cheap while an
// enumerator checks thousands of candidates.
package axiomatic
