package memmodel

import (
	"slices"

	"github.com/ftcheck/ftcheck/model"
)

// Promises (Promising-RISC-V and Promising-ARM, Pulte et al., PLDI 2019)
// give the one reordering that executing each agent in program order
// cannot: a store becoming visible before a program-order-earlier load of
// the same agent has read (LB, S, WRC+po+fence.r.r).
//
// A promise is a message appended to memory like any visible store, marked
// with its agent (message.by) until the agent executes a store of the
// same bytes and value that fulfils it. Other agents read it as any
// store; the promising agent cannot usefully read it (reading it, or
// anything coherence-after it, raises the agent's coherence view to at
// least its timestamp, and then the promise can no longer be fulfilled).
// Which promises to make, and whether the agent can still fulfil them
// (certification), the machine decides by running the agent alone
// (model/promise.go); this file is the model's half: the views that say
// whether a store may fulfil a promise at timestamp t.
//
// A store fulfils the agent's oldest matching promise at t only if t is
// above
//
//   - the views of the registers the store used (address and data
//     dependencies: Promising's vaddr ⊔ vdata),
//   - vCAP: control dependencies, and the addresses of earlier accesses,
//   - vwNew: what fences and acquires order before later stores (fence
//     r,w and DMB ISHLD: earlier loads' views; fence w,w and DMB ISHST:
//     earlier stores' timestamps; an acquire load's view),
//   - the agent's coherence view of the store's words (CoRW, CoWW),
//
// and no buffered store of the agent must precede it (one to the same
// bytes, or one before a fence w,w): such a store will take a timestamp
// after t when it drains. Otherwise the store is buffered as usual.
//
// The machine tells a store's data register from its address registers by
// value (model/promise.go, storeViews); where it cannot, it counts a
// register as both, which only orders more.

// RegView is the view of agent's register reg.
func (m *RVWMO) RegView(agent, reg int) uint32 {
	for _, r := range m.peek(agent).regs {
		if int(r.reg) == reg {
			return r.ts
		}
	}
	return 0
}

// SetRegView sets the view of agent's register reg.
func (m *RVWMO) SetRegView(agent, reg int, v uint32) {
	regs := m.peek(agent).regs
	i, ok := slices.BinarySearchFunc(regs, uint8(reg), func(r regView, k uint8) int { return int(r.reg) - int(k) })
	switch {
	case ok && regs[i].ts == v:
		return
	case !ok && v == 0:
		return
	}
	a := m.agent(agent)
	switch {
	case ok && v == 0:
		a.regs = slices.Delete(a.regs, i, i+1)
	case ok:
		a.regs[i].ts = v
	default:
		a.regs = slices.Insert(a.regs, i, regView{uint8(reg), v})
	}
	m.trim()
}

// SaveRegViews keeps the register views for RestoreRegViews.
func (m *RVWMO) SaveRegViews(agent int) {
	if a := m.peek(agent); len(a.regs) > 0 || len(a.saved) > 0 {
		m.agent(agent).saved = slices.Clone(a.regs)
		m.trim()
	}
}

// RestoreRegViews puts the saved register views back.
func (m *RVWMO) RestoreRegViews(agent int) {
	if a := m.peek(agent); len(a.regs) > 0 || len(a.saved) > 0 {
		b := m.agent(agent)
		b.regs, b.saved = b.saved, nil
		m.trim()
	}
}

// Control raises vCAP: a branch on registers of view dep orders every
// later store after it (RVWMO ppo rule 11, Armv8 ctrl;[W]).
func (m *RVWMO) Control(agent int, dep uint32) {
	if dep > m.peek(agent).vCAP {
		m.agent(agent).vCAP = dep
	}
}

// Promise appends agent's promise of a store to the visible stores.
func (m *RVWMO) Promise(agent int, addr uint64, size int, val uint64) {
	m.msgs = append(m.msgs, message{addr: addr, size: uint8(size), val: val, by: uint8(agent + 1)})
}

// Promised counts agent's unfulfilled promises.
func (m *RVWMO) Promised(agent int) int {
	n := 0
	for _, g := range m.msgs {
		if int(g.by) == agent+1 {
			n++
		}
	}
	return n
}

// oldestPromise is the timestamp of agent's oldest unfulfilled promise,
// or 0.
func (m *RVWMO) oldestPromise(agent int) uint32 {
	for i, g := range m.msgs {
		if int(g.by) == agent+1 {
			return uint32(i + 1)
		}
	}
	return 0
}

// StoreDep fulfils the agent's oldest promise of this store if the
// views allow it at the promise's timestamp, else buffers the store.
// Either way the address's view raises vCAP (an address dependency to a
// store orders the agent's later stores: RVWMO ppo rule 11's address
// half, Promising's vCAP ⊔= vaddr); a buffered store keeps both views for
// the loads it is forwarded to.
func (m *RVWMO) StoreDep(agent int, addr uint64, size int, val uint64, vaddr, vdata uint32) []model.Commit {
	if t := m.fulfillable(agent, addr, size, val, max(vaddr, vdata), 0); t > 0 {
		m.fulfil(agent, t, vaddr)
		return nil
	}
	m.agent(agent).buf.pushDep(addr, size, val, max(vaddr, vdata))
	m.Control(agent, vaddr)
	return nil
}

// fulfillable returns the timestamp of the agent's oldest promise that a
// store (with register view dep, and floor: a further floor, e.g. a
// release's) may fulfil, or 0.
func (m *RVWMO) fulfillable(agent int, addr uint64, size int, val uint64, dep, floor uint32) uint32 {
	a := m.peek(agent)
	if a.buf.holdsBack(addr, size) {
		return 0
	}
	floor = max(floor, dep, a.vwNew, a.vCAP)
	words(addr, size, fullMask(size), func(w uint64) { floor = max(floor, a.cohOf(w)) })
	for i, g := range m.msgs {
		t := uint32(i + 1)
		if int(g.by) == agent+1 && g.addr == addr && int(g.size) == size && g.val == val {
			if t > floor {
				return t
			}
			return 0 // the oldest matching promise; a newer one would break coherence with it
		}
	}
	return 0
}

// fulfil marks the promise at t as performed by the agent's store.
func (m *RVWMO) fulfil(agent int, t, dep uint32) {
	m.msgs = slices.Clone(m.msgs) // shared with clones
	g := &m.msgs[t-1]
	g.by = 0
	a := m.agent(agent)
	words(g.addr, int(g.size), fullMask(int(g.size)), func(w uint64) { a.raiseCoh(w, t) })
	a.vwOld = max(a.vwOld, t)
	a.vCAP = max(a.vCAP, dep)
	m.trim()
}

// permutePromises renumbers the promising agents of unfulfilled promises
// (the patcher's, number len(perm), keeps its number).
func (m *RVWMO) permutePromises(perm []int) {
	cloned := false
	for i, g := range m.msgs {
		if g.by == 0 || int(g.by) > len(perm) {
			continue
		}
		if !cloned {
			m.msgs, cloned = slices.Clone(m.msgs), true
		}
		m.msgs[i].by = uint8(perm[g.by-1] + 1)
	}
}

var _ model.PromisingMemory = (*RVWMO)(nil)
