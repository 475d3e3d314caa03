package memmodel

// model.LockedRMW: the models in which a load an agent makes right after
// its own full barrier reads the newest value in coherence order, so that
// a locked read-modify-write (x86 lock cmpxchg) is the barrier, the load,
// the store and a barrier in one step (model/patchwait.go). SC: every
// load reads memory. TSO: the barrier empties the agent's store buffer
// and a load then reads memory. RVWMO and ARMv8 loads may read older
// stores after a barrier (the barrier orders, it does not make a load
// read the newest write), so they do not implement it.

// LockedRMWReadsLatest marks SC.
func (m *SC) LockedRMWReadsLatest() {}

// LockedRMWReadsLatest marks TSO.
func (m *TSO) LockedRMWReadsLatest() {}
