package axiomatic

import "testing"

func TestRelAlgebra(t *testing.T) {
	r := NewRel(70) // more than one word per row
	r.Add(0, 1)
	r.Add(1, 65)
	r.Add(65, 2)
	if !r.Acyclic() {
		t.Fatal("a chain is acyclic")
	}
	if p := r.Plus(); !p.Has(0, 2) || !p.Has(1, 2) || p.Has(2, 0) {
		t.Fatal("transitive closure wrong")
	}
	if s := r.Seq(r); !s.Has(0, 65) || !s.Has(1, 2) || s.Has(0, 1) {
		t.Fatal("composition wrong")
	}
	if inv := r.Inverse(); !inv.Has(65, 1) || inv.Has(1, 65) {
		t.Fatal("inverse wrong")
	}
	r.Add(2, 0)
	if r.Acyclic() {
		t.Fatal("cycle 0->1->65->2->0 not found")
	}
	if !r.Irreflexive() || r.Plus().Irreflexive() {
		t.Fatal("irreflexivity wrong")
	}
}

// sb builds store buffering with both reads reading the initial values:
// init x, init y | Wx1 Ry0 | Wy1 Rx0.
func sb(fence FenceKind) *Execution {
	ev := []Event{
		{Kind: Write, Thread: -1, Loc: 1}, {Kind: Write, Thread: -1, Loc: 2},
		{Kind: Write, Thread: 0, Index: 0, Loc: 1, Value: 1},
		{Kind: Fence, Thread: 0, Index: 1, Fence: fence},
		{Kind: Read, Thread: 0, Index: 2, Loc: 2},
		{Kind: Write, Thread: 1, Index: 0, Loc: 2, Value: 1},
		{Kind: Fence, Thread: 1, Index: 1, Fence: fence},
		{Kind: Read, Thread: 1, Index: 2, Loc: 1},
	}
	x := NewExecution(ev)
	for _, th := range [][]int{{2, 3, 4}, {5, 6, 7}} {
		for i := range th {
			for j := i + 1; j < len(th); j++ {
				x.PO.Add(th[i], th[j])
			}
		}
	}
	x.RF.Add(1, 4)
	x.RF.Add(0, 7)
	x.CO.Add(0, 2)
	x.CO.Add(1, 5)
	return x
}

func TestStoreBuffering(t *testing.T) {
	cases := []struct {
		model Model
		fence FenceKind
		want  bool
	}{
		{SC{}, FenceOther, false},
		{TSO{}, FenceOther, true},
		{TSO{}, FenceMFence, false},
		{RVWMO{}, FenceOther, true},
		{RVWMO{}, RISCVFence(FenceR|FenceW, FenceR|FenceW), false},
		{RVWMO{}, FenceRISCVTSO, true},
		{ARMv8{}, FenceDMBSt, true},
		{ARMv8{}, FenceDMBFull, false},
	}
	for _, c := range cases {
		if got := c.model.Consistent(sb(c.fence)); got != c.want {
			t.Errorf("%s with fence %d: consistent=%v, want %v", c.model.Name(), c.fence, got, c.want)
		}
	}
}

func TestByName(t *testing.T) {
	for _, n := range Names() {
		if m, ok := ByName(n); !ok || m.Name() != n {
			t.Errorf("ByName(%q) = %v, %v", n, m, ok)
		}
	}
}
