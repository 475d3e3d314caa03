package memmodel

import (
	"testing"

	"github.com/ftcheck/ftcheck/model"
)

func TestRVWMODrainsDifferentAddressesInAnyOrder(t *testing.T) {
	m := NewRVWMO()
	m.Store(0, 0x100, 8, 1)
	m.Store(0, 0x200, 8, 2)
	m.Store(0, 0x100, 8, 3)
	if m.Internal() != 2 {
		t.Fatalf("x=1 and y=2 may drain first, x=3 waits for x=1: %d steps", m.Internal())
	}
	m.Fence(0, model.FenceWW)
	m.Store(0, 0x300, 8, 4)
	if m.Internal() != 2 {
		t.Fatalf("fence w,w keeps z=4 behind the older stores: %d steps", m.Internal())
	}
	if _, cs := m.DoInternal(0, 1); cs[0].Addr != 0x200 {
		t.Fatalf("step 1 is y=2, got %v", cs)
	}
	if m.Load(0, 0x100, 8, 0) != 3 {
		t.Fatal("a load forwards the newest own buffered store")
	}
}

// after store dest; fence w,w the same CPU's load of another
// location may still read memory while dest is buffered.
func TestRVWMOFenceWWLetsLaterLoadPassBufferedStore(t *testing.T) {
	const dest, mask = 0x100, 0x200
	m := NewRVWMO()
	m.Store(2, mask, 8, 3) // a new CPU comes online, still buffered
	m.Store(0, dest, 8, 0xf00)
	if !m.FenceIsLocal(0, model.FenceWW) || m.Fence(0, model.FenceWW) != nil {
		t.Fatal("fence w,w commits nothing")
	}
	if m.Loads(0, mask, 8) != 1 || m.Load(0, mask, 8, 0) != 0 {
		t.Fatal("the load reads the old mask")
	}
	if m.Internal() != 2 {
		t.Fatal("dest is still buffered after the load")
	}
}

func TestRVWMOLoadsReadOlderValuesWithinViews(t *testing.T) {
	m := NewRVWMO()
	m.Store(0, 0x100, 4, 1)
	m.DoInternal(0, 0)
	m.Store(0, 0x100, 4, 2)
	m.DoInternal(0, 0)
	m.Store(0, 0x200, 4, 9)
	m.DoInternal(0, 0)
	if n := m.Loads(1, 0x100, 4); n != 3 {
		t.Fatalf("a fresh agent may read x=0, 1 or 2: %d", n)
	}
	if m.Load(1, 0x100, 4, 1) != 1 || m.Loads(1, 0x100, 4) != 2 {
		t.Fatal("after reading x=1, x=0 is no longer readable (coherence)")
	}
	if m.Loads(1, 0x200, 4) != 2 {
		t.Fatal("without a fence y may still be read old")
	}
	m.Load(1, 0x200, 4, 1) // y=9, the newest store
	m.Fence(1, model.FenceRR)
	if m.Loads(1, 0x100, 4) != 1 || m.Load(1, 0x100, 4, 0) != 2 {
		t.Fatal("after fence r,r the view covers x=2")
	}
	if got := m.Latest(0x100, 4); got != 2 {
		t.Fatalf("latest x = %d", got)
	}
}

func TestRVWMOKeysAndClones(t *testing.T) {
	a := NewRVWMO()
	a.Store(1, 0x100, 4, 1)
	b := a.Clone().(*RVWMO)
	b.DoInternal(1, 0)
	if a.Internal() != 1 || a.Latest(0x100, 4) != 0 {
		t.Fatal("clone shares state")
	}
	c := NewRVWMO()
	c.Store(0, 0x100, 4, 1)
	c.PermuteAgents([]int{1, 0})
	if string(a.AppendKey(nil)) != string(c.AppendKey(nil)) {
		t.Fatal("renumbered state differs")
	}
	d := NewRVWMO()
	d.Load(3, 0x100, 4, 0) // reads the initial value: no view to record
	if string(d.AppendKey(nil)) != string(NewRVWMO().AppendKey(nil)) {
		t.Fatal("a load of the initial value changed the key")
	}
}
