package memmodel

import (
	"encoding/binary"
	"slices"

	"github.com/ftcheck/ftcheck/model"
)

// The memory side of csd IPIs (model.MessagePassing) and of
// set_cpu_online (model.AtomicMemory); see model/ipi.go and
// model/hotplug.go for the kernel code they stand for.
//
// SC needs nothing: every store is visible to everyone at once. TSO needs
// only the barriers: a load reads memory or its own buffer, so once the
// sender's buffer is empty everything it did is visible. RVWMO's loads may
// read old stores down to their agent's views, so a message carries a
// timestamp and the receiver's vrNew rises to it: after Send, every store
// that was visible when it was sent (the llist_add cmpxchg is itself a
// store after all of them in the global memory order, and the receiver's
// llist_del_all xchg reads it and is a full barrier); after Release, what
// the sender has observed and done (its views).

// Send: SC orders everything already.
func (m *SC) Send(from, to, ch int) []model.Commit { return nil }

// Release: SC orders everything already.
func (m *SC) Release(from, to, ch int) []model.Commit { return nil }

// Acquire: SC orders everything already.
func (m *SC) Acquire(to, ch int) {}

// AtomicOr ORs bits into memory.
func (m *SC) AtomicOr(agent int, addr uint64, size int, bits uint64) []model.Commit {
	v := m.read(addr, size) | bits
	m.write(addr, size, v)
	return []model.Commit{{Addr: addr, Size: size, Val: v}}
}

// Send is a full barrier (a locked cmpxchg): the sender's buffer empties.
func (m *TSO) Send(from, to, ch int) []model.Commit { return m.Fence(from, model.FenceRWRW) }

// Release: the sender's buffered stores become visible first.
func (m *TSO) Release(from, to, ch int) []model.Commit { return m.Fence(from, model.FenceRWRW) }

// Acquire: a TSO load never reads older than memory.
func (m *TSO) Acquire(to, ch int) {}

// AtomicOr is x86's lock or: a full barrier, then the read-modify-write on
// memory.
func (m *TSO) AtomicOr(agent int, addr uint64, size int, bits uint64) []model.Commit {
	cs := m.Fence(agent, model.FenceRWRW)
	v := m.mem.read(addr, size) | bits
	m.mem.write(addr, size, v)
	return append(cs, model.Commit{Addr: addr, Size: size, Val: v})
}

// mail is a message waiting on one of an agent's channels: the timestamp
// its receiver's loads must read at or after.
type mail struct {
	ch uint8
	ts uint32
}

func cmpMail(x mail, ch uint8) int { return int(x.ch) - int(ch) }

// post merges a message into agent to's channel ch.
func (m *RVWMO) post(to, ch int, ts uint32) {
	a := m.agent(to)
	i, ok := slices.BinarySearchFunc(a.inbox, uint8(ch), cmpMail)
	switch {
	case !ok:
		a.inbox = slices.Insert(a.inbox, i, mail{uint8(ch), ts})
	case a.inbox[i].ts < ts:
		a.inbox[i].ts = ts
	}
}

// Send is a full barrier on the sender, then a message carrying every
// visible store.
func (m *RVWMO) Send(from, to, ch int) []model.Commit {
	cs := m.Fence(from, model.FenceRWRW)
	m.post(to, ch, uint32(len(m.msgs)))
	return cs
}

// Release makes the sender's buffered stores visible, then sends what it
// has seen and done (after the drain its coherence views are at most
// vrOld ⊔ vwOld).
func (m *RVWMO) Release(from, to, ch int) []model.Commit {
	cs := m.Fence(from, model.FenceWO)
	a := m.peek(from)
	m.post(to, ch, max(a.vrNew, a.vrOld, a.vwOld))
	m.trim()
	return cs
}

// Acquire raises the receiver's read floor to the message's timestamp.
func (m *RVWMO) Acquire(to, ch int) {
	i, ok := slices.BinarySearchFunc(m.peek(to).inbox, uint8(ch), cmpMail)
	if !ok {
		return
	}
	a := m.agent(to)
	a.vrNew = max(a.vrNew, a.inbox[i].ts)
	a.vwNew = max(a.vwNew, a.inbox[i].ts) // later stores too: llist_del_all is fully ordered
	a.inbox = slices.Delete(a.inbox, i, i+1)
	m.trim()
}

// AtomicOr is an AMO without .aq/.rl (amoor): it reads the newest store
// to its bytes and its own store becomes visible at once, at the next
// timestamp; the agent's own earlier stores first (an online CPU has
// none). Performing it at one point of the global memory order loses no
// execution: nothing orders the agent's later loads after it, and they
// may still read older values down to the agent's views.
func (m *RVWMO) AtomicOr(agent int, addr uint64, size int, bits uint64) []model.Commit {
	cs := m.Fence(agent, model.FenceWO)
	read := uint32(0) // the newest store the AMO reads
	for t := uint32(len(m.msgs)); t > 0 && read == 0; t-- {
		g := m.msgs[t-1]
		if g.addr < addr+uint64(size) && addr < g.addr+uint64(g.size) {
			read = t
		}
	}
	v := m.Latest(addr, size) | bits
	m.msgs = append(m.msgs, message{addr: addr, size: uint8(size), val: v})
	t := uint32(len(m.msgs))
	a := m.agent(agent)
	words(addr, size, fullMask(size), func(w uint64) { a.raiseCoh(w, t) })
	a.vrOld = max(a.vrOld, read)
	a.vwOld = t
	return append(cs, model.Commit{Addr: addr, Size: size, Val: v})
}

// appendInboxKey encodes the messages that can still raise vrNew (one at
// or below it is dead: see AppendAgentKey).
func (a *rvAgent) appendInboxKey(b []byte, live func(uint32) uint32) []byte {
	n := 0
	for _, x := range a.inbox {
		if live(x.ts) > 0 {
			n++
		}
	}
	b = binary.AppendUvarint(b, uint64(n))
	for _, x := range a.inbox {
		if live(x.ts) > 0 {
			b = append(b, x.ch)
			b = binary.AppendUvarint(b, uint64(x.ts))
		}
	}
	return b
}

// ARMv8 messages and atomics run on its RVWMO views. Its own barriers
// make the buffers empty first, so its release bookkeeping (buffered
// STLR positions) is never bypassed.

// Send is a DMB ISH on the sender (the cmpxchg of llist_add is fully
// ordered), then a message carrying every visible store.
func (m *ARMv8) Send(from, to, ch int) []model.Commit {
	cs := m.Fence(from, model.FenceRWRW)
	m.rv.post(to, ch, uint32(len(m.rv.msgs)))
	return cs
}

// Release makes the sender's buffered stores visible (STLR), then sends
// its views.
func (m *ARMv8) Release(from, to, ch int) []model.Commit {
	cs := m.Fence(from, model.FenceWO)
	return append(cs, m.rv.Release(from, to, ch)...)
}

// Acquire raises the receiver's read floor to the message's timestamp.
func (m *ARMv8) Acquire(to, ch int) { m.rv.Acquire(to, ch) }

// AtomicOr is STSET (no ordering), after the agent's own earlier stores.
func (m *ARMv8) AtomicOr(agent int, addr uint64, size int, bits uint64) []model.Commit {
	cs := m.Fence(agent, model.FenceWO)
	return append(cs, m.rv.AtomicOr(agent, addr, size, bits)...)
}
