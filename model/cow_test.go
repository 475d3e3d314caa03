package model_test

import (
	"bytes"
	"context"
	"testing"

	"github.com/ftcheck/ftcheck/model"
	"github.com/ftcheck/ftcheck/patchproto"
)

// TestCopyOnWrite walks the first levels of real protocols' state graphs
// (every hart action, interrupts, traps, IPIs, stop_machine, hotplug, and
// every memory model) and checks the two promises of the state that
// clones share (harts, memory, fetch views): generating a state's
// successors never changes the state (its key before and after is the
// same), and a successor's key built from cached hart keys equals the key
// built from its fields. The walk also holds the cycle proviso's premise:
// no step lowers model.Progress.
func TestCopyOnWrite(t *testing.T) {
	for _, c := range []struct {
		protocol string
		o        patchproto.Options
	}{
		{"riscv-jalr", patchproto.Options{Harts: 2, Preempt: 1, Op: "change"}},
		{"riscv-jalr", patchproto.Options{Harts: 2, Memory: "rvwmo", Variant: "hotplug"}},
		{"riscv-jalr", patchproto.Options{Harts: 2, Memory: "tso"}},
		{"arm64", patchproto.Options{Harts: 2, Memory: "armv8"}},
		{"riscv-stopmachine", patchproto.Options{Harts: 2}},
		{"x86-int3", patchproto.Options{Harts: 2}},
		{"x86-stopmachine", patchproto.Options{Variant: "nmi"}},
		{"graph-retstack", patchproto.Options{}},
		{"arm64-v5", patchproto.Options{Preempt: 1}},
		{"x86-nmi", patchproto.Options{Harts: 2}},
		{"riscv-pair", patchproto.Options{Harts: 2, Preempt: 1}},
		{"ppc64-twonop", patchproto.Options{Harts: 2}},
	} {
		p, err := patchproto.Lookup(c.protocol)
		if err != nil {
			t.Fatal(err)
		}
		s, _, err := p.Build(c.o)
		if err != nil {
			t.Fatal(err)
		}
		level := []*model.Machine{s.Initial}
		seen := map[string]bool{}
		checked := 0
		for depth := 0; depth < 60 && len(level) > 0 && checked < 6000; depth++ {
			var next []*model.Machine
			for _, m := range level {
				before := model.UncachedKey(m)
				s.Successors(m, func(tr *model.Transition) bool {
					checked++
					if model.Progress(tr.After) < model.Progress(m) {
						t.Fatalf("%s: %s lowers the progress count (%d -> %d)", c.protocol, tr.Label, model.Progress(m), model.Progress(tr.After))
					}
					cached := tr.After.AppendKey(nil)
					if fields := model.UncachedKey(tr.After); !bytes.Equal(cached, fields) {
						t.Fatalf("%s: after %s the cached key differs from the fields' key", c.protocol, tr.Label)
					}
					if !seen[string(cached)] {
						seen[string(cached)] = true
						next = append(next, tr.After)
					}
					return true
				})
				if after := model.UncachedKey(m); !bytes.Equal(before, after) {
					t.Fatalf("%s: generating successors changed the state they came from", c.protocol)
				}
			}
			level = next
		}
		if checked < 100 {
			t.Fatalf("%s: only %d transitions checked", c.protocol, checked)
		}
	}
}

// TestWorkersAgreeOnARealProtocol runs a search whose levels are wider
// than one merge window, so that windows are prepared while others are
// merged (run it under -race).
func TestWorkersAgreeOnARealProtocol(t *testing.T) {
	p, err := patchproto.Lookup("riscv-jalr")
	if err != nil {
		t.Fatal(err)
	}
	s, _, err := p.Build(patchproto.Options{Harts: 3, Calls: 2, Preempt: 1, Memory: "sc"})
	if err != nil {
		t.Fatal(err)
	}
	// The protocol's pair checks (its tracer checks fail on it).
	s = s.Keep(func(name string) bool { return name == "torn-pair" || name == "stale-fetch" })
	defer model.SetMergeWindow(16)()
	// The exact store and hash compaction check the cycle proviso after
	// the search; bitstate hashing applies it during the search (states
	// sent back to the workers after each window).
	for _, store := range []model.StateStore{model.StoreExact, model.StoreHash, model.StoreBitstate} {
		one := model.Explore(context.Background(), s, model.Options{Workers: 1, Store: store})
		two := model.Explore(context.Background(), s, model.Options{Workers: 2, Store: store})
		sameResult(t, "riscv-jalr, 3 harts, 2 calls, "+store.String(), one, two)
		if store == model.StoreBitstate && (one.Stats.Proviso == 0 || one.Stats.Proviso != two.Stats.Proviso) {
			t.Fatalf("cycle proviso: %d states expanded fully with one worker, %d with two; want equal and some", one.Stats.Proviso, two.Stats.Proviso)
		}
		if one.Violation != nil || one.Stats.Queue != 0 || one.Stats.States < 5000 {
			t.Fatalf("%s: %v after %d states: want a complete search of more than one window per level", store, one.Outcome, one.Stats.States)
		}
	}
}
