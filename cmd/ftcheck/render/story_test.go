package render

import (
	"context"
	"slices"
	"testing"

	"github.com/ftcheck/ftcheck/model"
	"github.com/ftcheck/ftcheck/patchproto"
)

func hasEdge(s *story, from, to int, kind string) bool {
	return slices.ContainsFunc(s.Edges, func(e edge) bool { return e.From == from && e.To == to && e.Kind == kind })
}

func TestStoryOfThe2023Panic(t *testing.T) {
	in := pairChange(t)
	s := in.story()
	if got := len(s.Lanes); got != 3 {
		t.Fatalf("%d lanes, want hart0, hart1, patcher", got)
	}
	// Step 13 writes ftrace_call's pair; step 18 fetches v1 of its jalr.
	// Step 8 asks CPUs to park (9, 10 park); step 15 releases (16 leaves).
	for _, e := range []edge{{13, 18, "version", ""}, {8, 9, "park", ""}, {8, 10, "park", ""}, {15, 16, "unpark", ""}} {
		if !hasEdge(s, e.From, e.To, e.Kind) {
			t.Errorf("no %s edge %d -> %d in %+v", e.Kind, e.From, e.To, s.Edges)
		}
	}
	if len(s.Edges) != 4 {
		t.Errorf("edges %+v, want exactly those four", s.Edges)
	}
	// The data store of step 12 (function_trace_op) creates no text version.
	if len(s.Steps[11].Out) != 0 {
		t.Errorf("data store has edges: %+v", s.Steps[11].Out)
	}
	if s.Steps[12].Kind != kindStore || s.Steps[7].Kind != kindStopRequest || s.Steps[14].Kind != kindRelease {
		t.Errorf("patcher kinds: %s %s %s", s.Steps[12].Kind, s.Steps[7].Kind, s.Steps[14].Kind)
	}
}

func TestStoryIPIEdges(t *testing.T) {
	in := ipiTrace(t, 2)
	s := in.story()
	sends, takes := 0, 0
	for _, st := range s.Steps {
		switch st.Kind {
		case kindIPISend:
			sends++
		case kindIPITake:
			takes++
			if len(st.In) != 1 || st.In[0].Kind != "ipi" || s.Steps[st.In[0].From-1].Kind != kindIPISend {
				t.Errorf("step %d takes an IPI but its edges are %+v", st.N, st.In)
			}
		}
	}
	if sends == 0 || takes < 2*sends {
		t.Fatalf("%d sends, %d takes: the trace should have each hart take each IPI", sends, takes)
	}
}

func TestTextHistoryCountsVersionsLikeTheFetchModel(t *testing.T) {
	boot := map[uint64]uint32{0x100: 0x13, 0x104: 0x13}
	h := newTextHistory(func(a uint64) (uint32, bool) { w, ok := boot[a]; return w, ok })
	h.store(1, model.Commit{Addr: 0x100, Size: 8, Val: 0x00000013_00001297}) // only the first word changes
	h.store(2, model.Commit{Addr: 0x100, Size: 8, Val: 0x00000013_00001297}) // identical bytes: no version
	h.store(3, model.Commit{Addr: 0x104, Size: 4, Val: 0x280282e7})
	h.store(4, model.Commit{Addr: 0x8000, Size: 8, Val: 1}) // data
	for _, c := range []struct {
		addr uint64
		v    int
		want int
	}{{0x100, 1, 1}, {0x100, 2, 0}, {0x104, 1, 3}, {0x104, 0, 0}, {0x8000, 1, 0}} {
		if got := h.creator(c.addr, c.v); got != c.want {
			t.Errorf("creator(%#x, v%d) = %d, want %d", c.addr, c.v, got, c.want)
		}
	}
}

// Every step is styled by what it does: an NMI entry is an interrupt, a
// CPU coming online and the patcher's read of cpu_online_mask have kinds
// of their own, not the "patch" of a patcher step nobody knows.
func TestStoryKindsOfInterruptsAndHotplug(t *testing.T) {
	kinds := func(sys *model.System, o patchproto.Options, name string) map[kind]int {
		t.Helper()
		res := model.Explore(context.Background(), sys, model.Options{})
		if res.Outcome != model.Violated {
			t.Fatalf("%s: %v, want a violation to draw", name, res.Outcome)
		}
		in := inputFor(sys, name, o, res)
		n := map[kind]int{}
		for i, st := range in.story().Steps {
			n[st.Kind]++
			if st.Kind == kindPatch {
				t.Errorf("%s step %d (%s) has no kind", name, i+1, res.Trace[i].Text)
			}
		}
		return n
	}
	sys, o := build(t, patchproto.Options{Variant: "v2008"}, "x86-nmi")
	if n := kinds(sys, o, "x86-nmi"); n[kindInterrupt] == 0 {
		t.Errorf("x86-nmi v2008: no interrupt step in %v", n)
	}
	p, err := patchproto.Load("../../../patchproto/regress/r10-hotplug-rvwmo.scenario")
	if err != nil {
		t.Fatal(err)
	}
	// Under TSO the shortest trace has the patcher read the mask; under
	// the file's rvwmo it promises a store before reading it, and the
	// violation comes first (docs/races.md, "Promises").
	sys, o, err = p.Build(patchproto.Options{Memory: "tso"})
	if err != nil {
		t.Fatal(err)
	}
	if n := kinds(sys, o, "r10-hotplug"); n[kindOnline] == 0 || n[kindLoad] == 0 {
		t.Errorf("r10 hotplug: no online or load step in %v", n)
	}
	sys, o, err = p.Build(patchproto.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if n := kinds(sys, o, "r10-hotplug (rvwmo)"); n[kindOnline] == 0 || n[kindPromise] == 0 {
		t.Errorf("r10 hotplug under rvwmo: no online or promise step in %v", n)
	}
}
