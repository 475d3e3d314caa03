package model_test

import (
	"context"
	"testing"

	"github.com/ftcheck/ftcheck/ifetch"
	"github.com/ftcheck/ftcheck/memmodel"
	"github.com/ftcheck/ftcheck/model"
)

// counter is a toy ISA: word 1 means "r1++ and go on", word 2 "jump to
// the address in r1*4", word 3 "jump to itself", word 4 "jump back one
// word", word 5 "go on", anything else ends the task. It lets the engine
// be tested without any real instruction set.
type counter struct{}

func (counter) Name() string         { return "toy" }
func (counter) RegName(i int) string { return "r" }
func (counter) Step(cpu model.CPU) model.Exec {
	w, ok := cpu.FetchWord(cpu.PC())
	if !ok {
		return model.Exec{Fault: "no text"}
	}
	switch w {
	case 1:
		cpu.SetReg(1, cpu.Reg(1)+1)
		return model.Exec{Word: w, NextPC: cpu.PC() + 4}
	case 2:
		return model.Exec{Word: w, NextPC: cpu.Reg(1) * 4, Jump: true}
	case 3:
		return model.Exec{Word: w, NextPC: cpu.PC(), Jump: true} // j .
	case 4:
		return model.Exec{Word: w, NextPC: cpu.PC() - 4, Jump: true} // j .-4
	case 5:
		return model.Exec{Word: w, NextPC: cpu.PC() + 4} // nop
	}
	return model.Exec{Word: w, Halt: true}
}

// jumpTo flags any jump to a given address.
type jumpTo uint64

func (jumpTo) Name() string { return "jump" }
func (j jumpTo) Inspect(t *model.Transition) *model.Violation {
	if x := t.Event.Exec; x != nil && x.Jump && x.NextPC == uint64(j) {
		return &model.Violation{Check: "jump", Message: "bad jump"}
	}
	return nil
}

// system: harts run [1, 1, 2 or 0]; the patcher turns word 2 into 2
// (jump to r1*4 = 8) only after a store; the violation needs the hart to
// fetch the patched word.
func system(t *testing.T, harts int, patch []model.PatchOp) *model.System {
	text := []uint32{1, 1, 0, 0}
	m := &model.Machine{Mem: memmodel.NewSC(), Fetch: ifetch.NewWords(0, text, harts)}
	for i := 0; i < harts; i++ {
		m.Harts = append(m.Harts, &model.Hart{})
	}
	s, err := model.NewSystem(model.Config{Name: "toy", ISA: counter{}, Initial: m, Patch: patch, Checks: []model.Check{jumpTo(8)}})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

var storeJump = []model.PatchOp{{Kind: model.PatchSyncFetch}, {Kind: model.PatchStore, Addr: 8, Size: 4, Val: 2}}

func TestBFSFindsTheShortestViolation(t *testing.T) {
	for _, opt := range []model.Options{{}, {NoReduce: true}, {NoSymmetry: true}, {NoReduce: true, NoSymmetry: true}} {
		r := model.Explore(context.Background(), system(t, 2, storeJump), opt)
		if r.Outcome != model.Violated {
			t.Fatalf("%+v: %v", opt, r.Outcome)
		}
		// patcher sync, patcher store, then one hart: 1, 1, jump = 5 steps.
		if len(r.Trace) != 5 {
			t.Errorf("%+v: %d steps, want 5", opt, len(r.Trace))
		}
		if r.Trace[len(r.Trace)-1].Violation == nil {
			t.Error("the last step must carry the violation")
		}
	}
}

// Nothing patched, nothing proven: the search is complete and finds no
// violation, but its checks of the patch had nothing to judge.
func TestVacuousWhenNothingIsPatched(t *testing.T) {
	r := model.Explore(context.Background(), system(t, 3, nil), model.Options{})
	if r.Outcome != model.Vacuous || r.Stats.States == 0 || r.Coverage == nil || r.Why != r.Coverage.Vacuous || r.Why == "" {
		t.Fatalf("%v %s", r.Outcome, r.Why)
	}
	full := model.Explore(context.Background(), system(t, 3, nil), model.Options{NoReduce: true, NoSymmetry: true})
	if full.Outcome != model.Vacuous || full.Stats.States <= r.Stats.States {
		t.Fatalf("reductions should shrink the toy graph: %d vs %d", r.Stats.States, full.Stats.States)
	}
}

func TestBoundsGiveIncompleteNeverSafe(t *testing.T) {
	for _, b := range []model.Bounds{{MaxStates: 3}, {MaxDepth: 2}} {
		r := model.Explore(context.Background(), system(t, 3, nil), model.Options{Bounds: b})
		if r.Outcome != model.Incomplete || r.Why == "" {
			t.Fatalf("%+v: %v", b, r.Outcome)
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if r := model.Explore(ctx, system(t, 3, nil), model.Options{}); r.Outcome != model.Incomplete {
		t.Fatalf("cancelled search: %v", r.Outcome)
	}
}

func TestReplayRejectsStepsThatAreNotEnabled(t *testing.T) {
	s := system(t, 1, storeJump)
	_, _, err := model.Replay(s, []model.Label{{Actor: 0, Action: model.ActIPI}})
	if err == nil {
		t.Fatal("an IPI with none pending must not replay")
	}
	ev, v, err := model.Replay(s, []model.Label{{Actor: 0, Action: model.ActExec}})
	if err != nil || v != nil || len(ev) != 1 {
		t.Fatalf("%v %v %d", err, v, len(ev))
	}
}

// A hart spinning in a local loop must not hide another hart's steps: its
// spin is the only local step, so every reduced state would take it alone
// and the second hart would never move. The cycle proviso expands such a
// state fully (its ample step leads back to a state of an earlier level):
// during the search with bitstate hashing, after it with the exact store
// and hash compaction (the graph it explored has a cycle, so it searches
// again), breadth or depth first.
func TestSpinningHartDoesNotHideOthers(t *testing.T) {
	// Hart 0 spins at 0; hart 1 runs 1, 1, 2 from 4: r1 = 2, jump to 8.
	spin(t, []uint32{3, 1, 1, 2}, 4)
	// The same with a two-step loop (nop; j .-4) in front: hart 1 starts
	// at 8 and jumps to 8.
	spin(t, []uint32{5, 4, 1, 1, 2}, 8)
}

func spin(t *testing.T, text []uint32, hart1 uint64) {
	t.Helper()
	for _, opt := range []model.Options{{}, {NoReduce: true}, {Workers: 2}, {Store: model.StoreHash}, {Store: model.StoreBitstate},
		{Order: model.DepthFirst}, {Order: model.DepthFirst, Store: model.StoreHash}, {Order: model.DepthFirst, NoReduce: true},
		{Order: model.DepthFirst, Workers: 2}} {
		m := &model.Machine{Mem: memmodel.NewSC(), Fetch: ifetch.NewWords(0, text, 2), Harts: []*model.Hart{{}, {PC: hart1}}}
		s, err := model.NewSystem(model.Config{Name: "spin", ISA: counter{}, Initial: m, Checks: []model.Check{jumpTo(8)}})
		if err != nil {
			t.Fatal(err)
		}
		r := model.Explore(context.Background(), s, opt)
		if r.Outcome != model.Violated || len(r.Trace) != 3 {
			t.Fatalf("%+v: %v after %d states, %d steps; want the 3-step jump of hart 1", opt, r.Outcome, r.Stats.States, len(r.Trace))
		}
	}
}
