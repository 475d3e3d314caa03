package memmodel

// Pending reports the bytes of every buffered store (model.PendingStores):
// only those can still change what an agent reads.
func (m *TSO) Pending(f func(addr uint64, size int)) {
	for i := range m.bufs {
		m.bufs[i].pending(f)
	}
}

// Pending reports the bytes of every buffered store (model.PendingStores).
// A store becomes visible with the next timestamp; a load of other bytes
// reads by choosing a store to its own bytes, so it does not depend on
// when those stores become visible.
func (m *RVWMO) Pending(f func(addr uint64, size int)) {
	for i := range m.agents {
		m.agents[i].buf.pending(f)
	}
}

func (b *storeBuffer) pending(f func(addr uint64, size int)) {
	for _, e := range b.entries {
		f(e.addr, int(e.size))
	}
}
