package model

// PendingStores is implemented by memory models that hold stores not yet
// visible to every agent (store buffers). The partial-order reduction
// needs to know where those stores will land: a hart's step that reads
// none of those bytes commutes with their becoming visible. A model
// without it turns the reduction off while it has internal steps.
type PendingStores interface {
	// Pending calls f with the bytes of every store not yet visible to
	// all agents.
	Pending(f func(addr uint64, size int))
}

// futureStores is every span some actor other than a hart may still
// write from m on: the patcher's remaining stores and the stores waiting
// in the memory model. ok is false when the memory model has internal
// steps it cannot describe.
func (s *System) futureStores(m *Machine) (spans []span, ok bool) {
	later := s.storesFrom[m.Patcher.PC]
	if s.MaskSize != 0 && offlineLeft(m) {
		// A hart still to come online stores its bit (hotplug.go).
		later = append(later[:len(later):len(later)], span{s.MaskAddr, uint64(s.MaskSize)})
	}
	if m.Mem.Internal() == 0 {
		return later, true
	}
	p, ok := m.Mem.(PendingStores)
	if !ok {
		return nil, false
	}
	spans = append(spans, later...)
	p.Pending(func(addr uint64, size int) { spans = append(spans, span{addr, uint64(size)}) })
	return spans, true
}
