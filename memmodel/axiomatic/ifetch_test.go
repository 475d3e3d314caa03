package axiomatic

import "testing"

// smGraph is one thread that stores a new instruction at location 1, runs
// the given barrier events and fetches location 1. stale makes the fetch
// read the initial instruction instead of the store.
func smGraph(stale bool, between ...Event) *Execution {
	ev := []Event{
		{Kind: Write, Thread: -1, Loc: 1, Value: 10},
		{Kind: Write, Thread: 0, Loc: 1, Value: 20},
	}
	ev = append(ev, between...)
	ev = append(ev, Event{Kind: Read, Thread: 0, Loc: 1, Value: 20, Annot: IFetch})
	if stale {
		ev[len(ev)-1].Value = 10
	}
	for i := 1; i < len(ev); i++ {
		ev[i].Index = i - 1
	}
	x := NewExecution(ev)
	for i := 1; i < len(ev); i++ {
		for j := i + 1; j < len(ev); j++ {
			x.PO.Add(i, j)
		}
	}
	fetch := len(ev) - 1
	if stale {
		x.RF.Add(0, fetch)
	} else {
		x.RF.Add(1, fetch)
	}
	x.CO.Add(0, 1)
	return x
}

func fence(k FenceKind) Event { return Event{Kind: Fence, Thread: 0, Fence: k} }

func maint(k FenceKind) Event { return Event{Kind: Fence, Thread: 0, Fence: k, Loc: 1} }

func TestIFetchStaleFetch(t *testing.T) {
	dc, ic := maint(FenceDCCVAU), maint(FenceICIVAU)
	dsb, isb := fence(FenceDSBFull), fence(FenceISB)
	full := []Event{dc, dsb, ic, dsb, isb}
	noDC := []Event{dsb, ic, dsb, isb}
	for _, c := range []struct {
		name     string
		dic, idc bool
		between  []Event
		stale    bool // may the fetch read the initial instruction?
	}{
		{"no maintenance", false, false, nil, true},
		{"isb only", false, false, []Event{isb}, true},
		{"dc dsb ic dsb isb", false, false, full, false},
		{"no isb", false, false, full[:4], true},
		{"ic without dc", false, false, noDC, true},
		{"ic without dc, IDC", false, true, noDC, false},
		{"dsb isb, DIC", true, false, []Event{dsb, isb}, false},
		{"isb, DIC", true, false, []Event{isb}, true},
	} {
		m := ARMv8IFetch{}.WithCacheType(c.dic, c.idc)
		if !m.Consistent(smGraph(false, c.between...)) {
			t.Errorf("%s: reading the new instruction is forbidden", c.name)
		}
		if got := m.Consistent(smGraph(true, c.between...)); got != c.stale {
			t.Errorf("%s: stale fetch allowed=%v, want %v", c.name, got, c.stale)
		}
	}
}

func TestIFetchCacheType(t *testing.T) {
	if m := (ARMv8IFetch{}).WithCacheType(true, false).(ARMv8IFetch); !m.IDC || !m.DIC {
		t.Errorf("DIC must imply IDC: %+v", m)
	}
	if m, ok := ByName("armv8-ifetch"); !ok || m.Name() != "armv8-ifetch" {
		t.Error("armv8-ifetch not registered")
	}
}

// The old armv8 model reads a DSB as the DMB of its class.
func TestARMv8ReadsDSBAsDMB(t *testing.T) {
	for _, k := range []FenceKind{FenceDMBFull, FenceDSBFull} {
		if (ARMv8{}).Consistent(sb(k)) {
			t.Errorf("SB with %v on both sides must be forbidden", k)
		}
	}
}
