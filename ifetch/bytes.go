package ifetch

import "slices"

// NewBytes makes a text region fetched one byte at a time (x86): text
// holds one byte per element. Every byte has its own history and each
// hart's view of it, so a hart that has not serialised since a store can
// assemble one instruction from bytes of different versions — the old
// first byte with the new displacement, or the reverse — which is what
// the Intel SDM's cross-modifying-code rule (Vol. 3A §8.1.3: the
// executing processor must run a serialising instruction before it
// executes modified code) leaves possible. Sync is that serialising
// instruction (CPUID, IRET, sync_core()); MFENCE is not one.
//
// A store of one byte (the int3 of text_poke_bp) is a single unit, so it
// is atomic for fetch: a hart fetches the old byte or the new one.
//
// A hart's own store to the text is different (self-modifying code, SDM
// Vol. 3A §9.1.3): once it commits, that hart fetches it (Words.selfStore;
// the memory model reports the writer in model.Commit.By).
func NewBytes(base uint64, text []uint32, harts int) *Words {
	for _, b := range text {
		if b > 0xff {
			panic("ifetch: NewBytes: text holds one byte per element")
		}
	}
	return &Words{base: base, size: 1, harts: harts, boot: slices.Clone(text), ownStores: true}
}
