package memmodel

import (
	"bytes"
	"testing"

	"github.com/ftcheck/ftcheck/model"
)

// loads lists the values agent may read at addr.
func loads(m model.DataMemory, agent int, addr uint64) []uint64 {
	var vs []uint64
	for i := 0; i < m.Loads(agent, addr, 8); i++ {
		vs = append(vs, m.Clone().Load(agent, addr, 8, i))
	}
	return vs
}

func oneOf(vs []uint64, want ...uint64) bool {
	if len(vs) != len(want) {
		return false
	}
	for i := range vs {
		if vs[i] != want[i] {
			return false
		}
	}
	return true
}

// A csd Send is message passing: every store visible to the sender (its
// own, drained by the full barrier, and others') is what the receiver
// reads at least, once it acquires the message; before that it may read
// older values. Release carries what the sender has seen back.
func TestRVWMOMessagePassing(t *testing.T) {
	const x, y = 0x100, 0x200
	m := NewRVWMO()
	m.Init(x, 8, 1)
	m.Store(0, y, 8, 7) // hart0 (agent 0) writes y and makes it visible
	m.DoInternal(0, 0)
	m.Store(2, x, 8, 2) // the patcher (agent 2) writes x: buffered
	if cs := m.Send(2, 1, 0); len(cs) != 1 || cs[0].Val != 2 {
		t.Fatalf("send committed %v, want the buffered store", cs)
	}
	if got := loads(m, 1, x); !oneOf(got, 1, 2) {
		t.Fatalf("before acquire hart1 reads x in %v, want [1 2]", got)
	}
	m.Acquire(1, 0)
	if got := loads(m, 1, x); !oneOf(got, 2) {
		t.Fatalf("after acquire hart1 reads x in %v, want [2]", got)
	}
	if got := loads(m, 1, y); !oneOf(got, 7) {
		t.Fatalf("after acquire hart1 reads y in %v, want [7] (visible before the send)", got)
	}
	m.Acquire(1, 0) // nothing left on the channel: no effect
	// hart0 writes z after the send; hart1 reads it, then completes: the
	// patcher reads z old until it acquires hart1's completion.
	const z = 0x300
	m.Store(0, z, 8, 3)
	m.DoInternal(0, 0)
	if got := loads(m, 1, z); !oneOf(got, 0, 3) {
		t.Fatalf("hart1 reads z in %v, want [0 3]", got)
	}
	m.Load(1, z, 8, 1)
	if got := loads(m, 2, z); !oneOf(got, 0, 3) {
		t.Fatalf("patcher reads z in %v, want [0 3]", got)
	}
	m.Release(1, 2, 16)
	m.Acquire(2, 16)
	if got := loads(m, 2, z); !oneOf(got, 3) {
		t.Fatalf("after the completion the patcher reads z in %v, want [3]", got)
	}
}

// Two messages on one channel merge into the newer; the key and the
// renumbering of harts carry the channels.
func TestRVWMOMessagesKeyedAndPermuted(t *testing.T) {
	a, b := NewRVWMO(), NewRVWMO()
	a.Store(2, 0x100, 8, 1)
	b.Store(2, 0x100, 8, 1)
	a.Send(2, 0, 3)
	b.Send(2, 1, 3)
	if bytes.Equal(a.AppendKey(nil), b.AppendKey(nil)) {
		t.Fatal("messages to different harts have equal keys")
	}
	a.PermuteAgents([]int{1, 0})
	if !bytes.Equal(a.AppendKey(nil), b.AppendKey(nil)) {
		t.Fatal("renumbering hart0 to hart1 does not move its message")
	}
	if !bytes.Equal(a.AppendAgentKey(1, nil), b.AppendAgentKey(1, nil)) {
		t.Fatal("agent keys differ after the renumbering")
	}
	c := b.Clone().(*RVWMO)
	c.Acquire(1, 3)
	if bytes.Equal(c.AppendKey(nil), b.AppendKey(nil)) {
		t.Fatal("acquiring the message did not change the state (or the clone shares it)")
	}
}

// AtomicOr reads the newest value at the coherence point and is visible
// at once; it orders nothing after it by itself under RVWMO (later loads
// still read old values), while x86's locked RMW drains the buffer.
func TestAtomicOr(t *testing.T) {
	const mask, dest = 0x100, 0x200
	for _, m := range []interface {
		model.DataMemory
		model.AtomicMemory
	}{NewSC(), NewTSO(), NewRVWMO(), NewARMv8()} {
		m.Init(mask, 8, 0b100)
		m.Store(2, mask, 8, 0b101) // another CPU's bit, still buffered
		for m.InternalOf(2) > 0 {
			m.DoInternal(2, 0)
		}
		m.Store(2, dest, 8, 9)
		cs := m.AtomicOr(0, mask, 8, 0b010)
		if last := cs[len(cs)-1]; last.Val != 0b111 {
			t.Errorf("%s: AtomicOr committed %#x, want 0x7", m.Name(), last.Val)
		}
		if got := loads(m, 1, mask); got[len(got)-1] != 0b111 {
			t.Errorf("%s: newest mask %v", m.Name(), got)
		}
		if got := loads(m, 0, mask); !oneOf(got, 0b111) {
			t.Errorf("%s: the setter reads its own mask in %v", m.Name(), got)
		}
		got := loads(m, 0, dest)
		switch m.Name() {
		case "sc":
			if !oneOf(got, 9) {
				t.Errorf("sc: dest %v", got)
			}
		case "tso":
			// The patcher's store is still buffered: hart0 reads memory.
			if !oneOf(got, 0) {
				t.Errorf("tso: dest %v", got)
			}
		default:
			if !oneOf(got, 0) {
				t.Errorf("%s: dest %v (the patcher's store is buffered)", m.Name(), got)
			}
		}
	}
}

// SC and TSO carry a csd's ordering by their barriers alone.
func TestSendDrainsTheSender(t *testing.T) {
	m := NewTSO()
	m.Store(2, 0x100, 8, 5)
	if cs := m.Send(2, 0, 0); len(cs) != 1 || m.Internal() != 0 {
		t.Fatalf("tso send committed %v, %d steps left", cs, m.Internal())
	}
	a := NewARMv8()
	a.Store(2, 0x100, 8, 5)
	if cs := a.Send(2, 0, 0); len(cs) != 1 || a.Internal() != 0 {
		t.Fatalf("armv8 send committed %v, %d steps left", cs, a.Internal())
	}
	a.Acquire(0, 0)
	if got := loads(a, 0, 0x100); !oneOf(got, 5) {
		t.Fatalf("armv8 receiver reads %v", got)
	}
}
