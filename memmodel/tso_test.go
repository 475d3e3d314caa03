package memmodel

import (
	"testing"

	"github.com/ftcheck/ftcheck/model"
)

func TestTSOBuffersStoresUntilDrainOrFence(t *testing.T) {
	m := NewTSO()
	if cs := m.Store(0, 0x100, 8, 1); cs != nil {
		t.Fatalf("a TSO store is buffered, not committed: %v", cs)
	}
	if m.Load(0, 0x100, 8, 0) != 1 || m.Load(1, 0x100, 8, 0) != 0 {
		t.Fatal("the storer forwards its own store; others read memory")
	}
	m.Store(0, 0x200, 8, 2)
	if !m.FenceIsLocal(0, model.FenceWW) || m.Fence(0, model.FenceWW) != nil {
		t.Fatal("fence w,w is implied by TSO: nothing to do")
	}
	if m.Internal() != 1 {
		t.Fatalf("one drain step (agent 0's oldest), got %d", m.Internal())
	}
	c := m.Clone()
	if _, cs := c.DoInternal(0, 0); len(cs) != 1 || cs[0].Addr != 0x100 {
		t.Fatalf("FIFO drain commits the oldest store first: %v", cs)
	}
	if m.Load(1, 0x100, 8, 0) != 0 {
		t.Fatal("clone shares the buffer")
	}
	if m.FenceIsLocal(0, model.FenceRWRW) {
		t.Fatal("a fence that commits stores is not local")
	}
	cs := m.Fence(0, model.FenceRWRW)
	if len(cs) != 2 || cs[0].Addr != 0x100 || cs[1].Addr != 0x200 || m.Internal() != 0 {
		t.Fatalf("fence rw,rw commits the whole buffer in order: %v", cs)
	}
	if string(m.AppendKey(nil)) != string(c.(*TSO).afterDrains().AppendKey(nil)) {
		t.Fatal("draining one by one and fencing reach the same state")
	}
}

// afterDrains drains every buffer through internal steps.
func (m *TSO) afterDrains() *TSO {
	for a := range m.bufs {
		for m.InternalOf(a) > 0 {
			m.DoInternal(a, 0)
		}
	}
	return m
}

// a text store stays invisible (no commit for the fetch model)
// until fence w,o, which the kernel puts before the remote fence.i IPI.
func TestWeakModelsCommitBeforeDeviceAccessOnlyWithFenceWO(t *testing.T) {
	for _, m := range []model.DataMemory{NewTSO(), NewRVWMO()} {
		if cs := m.Store(2, 0x1000, 4, 0x13); len(cs) != 0 {
			t.Fatalf("%s: store committed at once", m.Name())
		}
		cs := m.Fence(2, model.FenceWO)
		if len(cs) == 1 {
			cs[0].By = 0 // (TSO names the writer: locked_test.go)
		}
		if len(cs) != 1 || cs[0] != (model.Commit{Addr: 0x1000, Size: 4, Val: 0x13}) {
			t.Fatalf("%s: fence w,o must commit the text store, got %v", m.Name(), cs)
		}
		if !m.FenceIsLocal(2, model.FenceWO) {
			t.Fatalf("%s: a fence with an empty buffer is local", m.Name())
		}
	}
}

func TestTSOPermuteAgentsMovesBuffers(t *testing.T) {
	a, b := NewTSO(), NewTSO()
	a.Store(0, 0x100, 4, 1)
	b.Store(1, 0x100, 4, 1)
	a.PermuteAgents([]int{1, 0})
	if string(a.AppendKey(nil)) != string(b.AppendKey(nil)) {
		t.Fatal("renumbered buffers differ")
	}
	if string(a.AppendAgentKey(1, nil)) == string(a.AppendAgentKey(0, nil)) {
		t.Fatal("agent keys ignore the buffer")
	}
}
