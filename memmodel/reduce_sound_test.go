package memmodel

import (
	"context"
	"slices"
	"testing"

	"github.com/ftcheck/ftcheck/model"
	"pgregory.net/rapid"
)

// fataler is what finalKeys needs of a test (testing.TB or *rapid.T).
type fataler interface{ Fatal(args ...any) }

// finalKeys is the set of terminal states, by canonical key, of the
// program under the named model, over the full or the reduced graph.
func finalKeys(t fataler, p *program, name string, reduced bool) []string {
	return keysOf(finalStates(t, p, name, reduced))
}

// finalStates are the program's terminal states under the named model.
func finalStates(t fataler, p *program, name string, reduced bool) []*model.Machine {
	mem, err := New(name)
	if err != nil {
		t.Fatal(err)
	}
	s := p.system(mem)
	walk := model.Finals
	if reduced {
		walk = model.FinalsReduced
	}
	fs, err := walk(context.Background(), s, 200000)
	if err != nil {
		t.Fatal(err)
	}
	return fs
}

// keysOf is the sorted set of the states' canonical keys.
func keysOf(fs []*model.Machine) []string {
	var keys []string
	for _, m := range fs {
		keys = append(keys, string(m.AppendKey(nil)))
	}
	slices.Sort(keys)
	return slices.Compact(keys)
}

// The partial-order reduction the search uses keeps every final state:
// on every classic shape and on random programs, under every memory
// model, the reduced graph has exactly the full graph's terminal states
// (final registers, memory, everything in the state).
func TestReductionKeepsEveryFinalState(t *testing.T) {
	for _, m := range Models {
		reducedStates, fullStates := 0, 0
		for i := range classic {
			p := &classic[i]
			full, red := finalKeys(t, p, m.Name, false), finalKeys(t, p, m.Name, true)
			if !slices.Equal(full, red) {
				t.Errorf("%s %s: %d final states unreduced, %d reduced", m.Name, p.name, len(full), len(red))
			}
			for _, no := range []bool{false, true} {
				r := model.Explore(context.Background(), p.system(newMemory(m.Name)), model.Options{NoReduce: no, NoSymmetry: true})
				if no {
					fullStates += r.Stats.States
				} else {
					reducedStates += r.Stats.States
				}
			}
		}
		// Today every litmus hart stores, and a step of a storing hart is
		// never taken as local (model/reduce.go), so the reduced graph is
		// the full one: this test guards a finer rule, when it comes. The
		// protocols, where the reduction does act, are held to the same
		// standard in patchproto (the reduced and full searches agree).
		t.Logf("%s: the reduction visits %d of %d states over the shapes", m.Name, reducedStates, fullStates)
		if reducedStates > fullStates {
			t.Errorf("%s: the reduced search visited more states than the full one", m.Name)
		}
	}
}

func TestReductionKeepsEveryFinalStateOnRandomPrograms(t *testing.T) {
	rapid.Check(t, func(rt *rapid.T) {
		p := genProgram(rt)
		for _, m := range Models {
			full, red := finalKeys(t, p, m.Name, false), finalKeys(t, p, m.Name, true)
			if !slices.Equal(full, red) {
				rt.Fatalf("%s: %d final states unreduced, %d reduced\n%s", m.Name, len(full), len(red), p.riscvText(nil))
			}
		}
	})
}

// Leaving dead views out of RVWMO keys (AppendAgentKey) merges states
// whose futures are the same, so it must keep every final state: a
// search that keeps them finds exactly the same finals (compared by the
// key without dead views), on every classic shape and on random programs.
func TestDeadViewsMergeNoFinalState(t *testing.T) {
	type tb interface {
		Fatal(args ...any)
		Fatalf(format string, args ...any)
	}
	finals := func(t tb, p *program, name string, keepDead bool) []string {
		keepDeadViews = keepDead
		fs := finalStates(t, p, name, false)
		keepDeadViews = false // compare by the key without dead views
		return keysOf(fs)
	}
	check := func(t tb, p *program) {
		for _, name := range []string{"rvwmo", "armv8"} {
			merged, kept := finals(t, p, name, false), finals(t, p, name, true)
			if !slices.Equal(merged, kept) {
				t.Fatalf("%s %s: %d final states with dead views merged, %d kept\n%s", name, p.name, len(merged), len(kept), p.riscvText(nil))
			}
		}
	}
	for i := range classic {
		check(t, &classic[i])
	}
	rapid.Check(t, func(rt *rapid.T) { check(rt, genProgram(rt)) })
}

// The reduction acts where harts never store: their loads of locations
// no later patcher step writes are local. There the patcher's promises
// are the promise steps (a hart that never stores has nothing to
// promise): the patcher stores x, reads cpu_online_mask while a hart
// comes online, then stores y — and may promise y before it reads the
// mask. The reduced graph keeps every final state of the full one, and
// the full graph does take promise steps.
func TestReductionKeepsEveryFinalStateWithPatcherPromises(t *testing.T) {
	const mask = 0x400
	for _, name := range []string{"rvwmo", "armv8"} {
		p := &program{name: "patcher-LB", threads: [][]access{{ld(1), ld(0)}, {ld(1), ld(0)}}}
		s := p.system(newMemory(name))
		c := s.Config
		c.Initial = c.Initial.Clone()
		c.Initial.Harts[1].Offline = true
		c.HartsStore = false
		c.MaskAddr, c.MaskSize = mask, 8
		c.Online = model.Handler{Name: "online", Fence: &model.FenceRWRW}
		c.Patch = []model.PatchOp{
			{Kind: model.PatchStore, Addr: locAddr(0), Size: 4, Val: 1},
			{Kind: model.PatchLoad, Addr: mask, Size: 8},
			{Kind: model.PatchStore, Addr: locAddr(1), Size: 4, Val: 1},
		}
		s, err := model.NewSystem(c)
		if err != nil {
			t.Fatal(err)
		}
		full, err := model.Finals(context.Background(), s, 200000)
		if err != nil {
			t.Fatal(err)
		}
		red, err := model.FinalsReduced(context.Background(), s, 200000)
		if err != nil {
			t.Fatal(err)
		}
		if fk, rk := keysOf(full), keysOf(red); !slices.Equal(fk, rk) {
			t.Errorf("%s: %d final states unreduced, %d reduced", name, len(fk), len(rk))
		}
		if !promiseReachable(s) {
			t.Errorf("%s: no promise step is ever enabled: the test does not test promises", name)
		}
		states := [2]int{}
		for i, no := range []bool{false, true} {
			states[i] = model.Explore(context.Background(), s, model.Options{NoReduce: no}).Stats.States
		}
		if states[0] >= states[1] {
			t.Errorf("%s: the reduction does not act here (%d states reduced, %d full)", name, states[0], states[1])
		}
		t.Logf("%s: %d final states; the search visits %d states reduced, %d full", name, len(full), states[0], states[1])
	}
}

// promiseReachable reports whether some reachable state has a promise
// step.
func promiseReachable(s *model.System) bool {
	seen := map[string]bool{}
	queue := []*model.Machine{s.Initial}
	for len(queue) > 0 && len(seen) < 100000 {
		m := queue[0]
		queue = queue[1:]
		k := string(m.AppendKey(nil))
		if seen[k] {
			continue
		}
		seen[k] = true
		found := false
		s.Steps(m, func(tr *model.Transition) bool {
			found = found || tr.Label.Action == model.ActPromise
			queue = append(queue, tr.After)
			return !found
		})
		if found {
			return true
		}
	}
	return false
}
