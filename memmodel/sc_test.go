package memmodel

import (
	"testing"

	"github.com/ftcheck/ftcheck/model"
)

func TestSCReadsLatestStoreAtEverySize(t *testing.T) {
	m := NewSC()
	m.Init(0x100, 8, 0x1122334455667788)
	if got := m.Load(0, 0x100, 8, 0); got != 0x1122334455667788 {
		t.Fatalf("load8 = %#x", got)
	}
	if got := m.Load(1, 0x104, 4, 0); got != 0x11223344 {
		t.Fatalf("load4 high half = %#x", got)
	}
	cs := m.Store(2, 0x104, 4, 0xdeadbeef)
	if len(cs) != 1 || cs[0].Val != 0xdeadbeef {
		t.Fatalf("SC store must commit at once, got %v", cs)
	}
	if got := m.Load(0, 0x100, 8, 0); got != 0xdeadbeef55667788 {
		t.Fatalf("load8 after store4 = %#x", got)
	}
	// A store straddling two cells.
	m.Store(0, 0x10c, 8, 0x0102030405060708)
	if got := m.Load(0, 0x10c, 8, 0); got != 0x0102030405060708 {
		t.Fatalf("straddling load = %#x", got)
	}
	if m.Loads(0, 0x100, 8) != 1 || m.Internal() != 0 {
		t.Fatal("SC has exactly one outcome per load and no internal steps")
	}
}

func TestSCCloneIsIndependentAndKeysAreCanonical(t *testing.T) {
	a := NewSC()
	a.Store(0, 0x10, 8, 1)
	b := a.Clone()
	b.Store(0, 0x10, 8, 2)
	if a.Load(0, 0x10, 8, 0) != 1 {
		t.Fatal("clone shares storage")
	}
	// The same contents reached in different orders have equal keys.
	x, y := NewSC(), NewSC()
	x.Store(0, 0x10, 8, 1)
	x.Store(0, 0x20, 8, 2)
	y.Store(0, 0x20, 8, 2)
	y.Store(0, 0x10, 8, 1)
	if string(x.AppendKey(nil)) != string(y.AppendKey(nil)) {
		t.Fatal("keys depend on store order")
	}
	var _ model.DataMemory = x
}
