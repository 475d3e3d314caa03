package model

// Partial-order reduction by ample sets. In a state where every enabled
// step of one actor is local — it commutes with every step any other
// actor can take from here on — exploring only that actor's steps loses
// no execution: every execution is a reordering of an explored one with
// the same steps, each seeing the same values. Checks judge a step by
// the state its own actor sees, so verdicts are kept; the search's cycle
// proviso (search.go) expands a state fully when its ample set leads back
// to an earlier BFS level, so no step is postponed around a cycle; and an
// unreduced search re-run makes counterexamples minimal.

// span is a range of addresses [addr, addr+size).
type span struct{ addr, size uint64 }

func (a span) overlaps(b span) bool { return a.addr < b.addr+b.size && b.addr < a.addr+a.size }

// footprint is what one step touched.
type footprint struct {
	fetches   []span
	fetchBuf  [2]span // fetches' first home: most steps fetch one unit
	loads     []span
	stores    bool
	fence     bool // a fence that is not local under the memory model
	syncFetch bool // fence.i
	multi     bool // some fetch or load had several outcomes
	stale     bool // some fetch returned a version older than the newest
	visible   bool // a monitor recorded the step (monitor.go)
	// patched are the fetches of units the patcher had written
	// (Versions > 1), for coverage (coverage.go).
	patched []Fetched
	// stored are the step's stores and ordersRW says it ran a fence
	// ordering earlier loads before later stores: what finding promise
	// candidates needs (promise.go; only under a PromisingMemory).
	stored   []Commit
	ordersRW bool
}

// ample returns the steps of the first actor (harts in order, then the
// patcher) whose steps are all local; if there is none, it returns every
// step of m and full. Actors are stepped one at a time, so a state with
// a local actor early on never makes the other actors' successors.
func (s *System) ample(m *Machine, sc *scratch) (ts []*Transition, full bool) {
	// A store still in a buffer changes what a later load or fetch reads
	// when it becomes visible: it counts as a future store like the
	// patcher's own. A memory model that cannot say where its pending
	// stores go gets no reduction while it has any.
	later, ok := s.futureStores(m)
	var all []*Transition
	for actor := 0; actor <= len(m.Harts)+1; actor++ {
		lo := len(all)
		s.actorSteps(m, actor, false, sc, func(t *Transition) bool { all = append(all, t); return true })
		if !ok || actor > len(m.Harts) || lo == len(all) {
			continue
		}
		local := true
		for _, t := range all[lo:] {
			if !s.local(m, t, later) {
				local = false
				break
			}
		}
		if local {
			return all[lo:], false
		}
	}
	return all, true
}

// deferred returns the steps of m that an ample set of actor ample's
// steps left out: every other actor's, in Steps order.
func (s *System) deferred(m *Machine, ample int, sc *scratch) []*Transition {
	var out []*Transition
	for actor := 0; actor <= len(m.Harts)+1; actor++ {
		if actor != ample {
			s.actorSteps(m, actor, false, sc, func(t *Transition) bool { out = append(out, t); return true })
		}
	}
	return out
}

// local decides whether t commutes with every step other actors can take
// from m on; later are the bytes they may still write (the harts write
// nothing when a hart's step can be local).
func (s *System) local(m *Machine, t *Transition, later []span) bool {
	if t.fp.visible {
		// A monitor's record orders this step against other actors'
		// steps: reordering it could change the history it judges.
		return false
	}
	if s.parkEnablingChanged(m, t) {
		return false
	}
	untouched := func(spans []span) bool {
		for _, a := range spans {
			for _, w := range later {
				if a.overlaps(w) {
					return false
				}
			}
		}
		return true
	}
	textStoresLeft := func() bool {
		for _, w := range later {
			if m.Fetch.Contains(w.addr) {
				return true
			}
		}
		// Cache maintenance still to come changes what a hart's
		// synchronisation makes fetchable.
		return s.maintenanceLeft(m.Patcher.PC)
	}
	switch t.Label.Action {
	case ActPreempt, ActResume:
		return true
	case ActExec:
		fp := &t.fp
		return !fp.stores && !fp.fence && !fp.multi && !s.HartsStore &&
			(!fp.syncFetch || !textStoresLeft()) && untouched(fp.fetches) && untouched(fp.loads)
	case ActIPI:
		h := m.Harts[t.Label.Actor]
		for i, hd := range s.Handlers {
			if h.Pending&(1<<i) == 0 {
				continue
			}
			// The step takes handler i (the lowest pending).
			if hd.Fence != nil && !m.Mem.FenceIsLocal(t.Label.Actor, *hd.Fence) {
				return false
			}
			if !s.takeIsLocal(m, t.Label.Actor, i) {
				return false
			}
			_, ctxSync := m.Fetch.(ContextSync)
			// A hart's own code may store to text too (x86 NMIs that
			// finish the patch themselves): its stores are not in later.
			if (hd.SyncFetch || ctxSync) && (textStoresLeft() || s.HartsStore) {
				return false
			}
			// No second send of i can come before this take: the patcher
			// waits for it first.
			for pc := m.Patcher.PC; pc < len(s.Patch); pc++ {
				op := &s.Patch[pc]
				if op.Handler == i && op.Kind == PatchWaitIPI {
					break
				}
				if op.Handler == i && op.Kind == PatchSendIPI {
					return false
				}
			}
			return true
		}
		return false
	case ActPatch:
		return s.patchLocal(m)
	}
	return false
}
