// Package memmodel holds the memory models a Machine's data accesses go
// through: what a load may read, when a store becomes visible, what a
// fence orders. Each model implements model.DataMemory.
//
// SC (sequential consistency) is a single memory every agent reads and
// writes at once: every store commits immediately and every load reads
// the latest store. It is the reference the weaker models must contain:
// every SC outcome is allowed by them.
//
// TSO (x86-TSO) adds a FIFO store buffer per agent. RVWMO is operational
// RISC-V weak memory ordering: per-agent views over a multi-copy-atomic
// history of visible stores, and a store buffer that drains out of order
// within the fences' rules. ARMv8 is the same machinery with Armv8's
// barriers (DMB ISH, ISHLD, ISHST) and acquire/release accesses (LDAR,
// LDAPR, STLR, through model.OrderedMemory). docs/memory-models.md
// states what each allows and how they were checked against the
// axiomatic models (package axiomatic) on litmus shapes and random
// programs.
//
// The interface is shaped for the weak models: a load may have several
// possible values (Loads/Load branch the search), a store may stay
// invisible until the model's own internal step (Internal/DoInternal, a
// store-buffer drain or a propagation) commits it, and commits are
// reported so the instruction-fetch model sees text stores only when they
// are visible.
package memmodel
