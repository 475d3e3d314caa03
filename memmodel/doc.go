// Package memmodel holds the memory models a Machine's data accesses go
// through: what a load may read, when a store becomes visible, what a
// fence orders. Each model implements model.DataMemory.
//
// SC (sequential consistency) is a single memory every agent reads and
// writes at once: every store commits immediately and every load reads
// the latest store. It is the reference the weaker models (x86-TSO,
// RVWMO, ARMv8) must contain: every SC outcome is allowed by them.
//
// The interface is shaped for the weak models: a load may have several
// possible values (Loads/Load branch the search), a store may stay
// invisible until the model's own internal step (Internal/DoInternal, a
// store-buffer drain or a propagation) commits it, and commits are
// reported so the instruction-fetch model sees text stores only when they
// are visible.
package memmodel
