package model_test

import (
	"context"
	"testing"

	"github.com/ftcheck/ftcheck/ifetch"
	"github.com/ftcheck/ftcheck/memmodel"
	"github.com/ftcheck/ftcheck/model"
)

// lateRun is a toy monitor: once the patcher has stepped, no hart may
// execute its first instruction. Only the order of steps of different
// actors decides it, so it is found only if the reduction keeps
// recorded steps in order and the key keeps the record. (A hart's first
// step is local: without the monitor the reduction runs it before the
// patcher's.)
type lateRun struct{}

type patched struct{ done bool }

func (*patched) AppendHartKey(int, []byte) []byte { return nil }
func (*patched) PermuteHarts([]int)               {}
func (p *patched) Clone() model.Record            { c := *p; return &c }
func (p *patched) AppendKey(b []byte) []byte {
	if p.done {
		return append(b, 1)
	}
	return append(b, 0)
}

func (lateRun) Name() string                          { return "late-run" }
func (lateRun) NewRecord(*model.Machine) model.Record { return &patched{} }
func (lateRun) Observe(t *model.Transition, r model.Record) (bool, *model.Violation) {
	p := r.(*patched)
	switch t.Label.Action {
	case model.ActPatch:
		p.done = true
		return true, nil
	case model.ActExec:
		if p.done && t.Before.Harts[t.Label.Actor].PC == 0 {
			return true, &model.Violation{Check: "late-run", Message: "a hart ran after the patcher"}
		}
		return true, nil
	}
	return false, nil
}

func TestMonitorSeesOrderAcrossActors(t *testing.T) {
	// One hart: without the monitor's steps made visible, the reduced
	// search would run the hart's first step first and miss it.
	for _, harts := range []int{1, 2} {
		for _, opt := range []model.Options{{}, {NoReduce: true}, {NoSymmetry: true}} {
			lateRunFound(t, harts, opt)
		}
	}
}

func lateRunFound(t *testing.T, harts int, opt model.Options) {
	t.Helper()
	m := &model.Machine{Mem: memmodel.NewSC(), Fetch: ifetch.NewWords(0, []uint32{1, 1, 0, 0}, harts), Harts: model.NewHarts(harts)}
	// The fence is local under SC: only the monitor makes the order of
	// the patcher's step and a hart's first step matter.
	s, err := model.NewSystem(model.Config{Name: "toy", ISA: counter{}, Initial: m,
		Patch: []model.PatchOp{{Kind: model.PatchFence, Fence: model.FenceRWRW}}, Monitors: []model.Monitor{lateRun{}}})
	if err != nil {
		t.Fatal(err)
	}
	if m.Records != nil {
		t.Fatal("NewSystem gave the caller's machine records")
	}
	r := model.Explore(context.Background(), s, opt)
	if r.Outcome != model.Violated || len(r.Trace) != 2 || r.Trace[1].Violation == nil {
		t.Fatalf("%d harts, %+v: %v, %d steps", harts, opt, r.Outcome, len(r.Trace))
	}
	if r.Trace[0].Actor != "patcher" {
		t.Errorf("%d harts, %+v: the minimal trace starts with %s", harts, opt, r.Trace[0].Actor)
	}
}

func TestMonitorlessKeyIsUnchanged(t *testing.T) {
	m := &model.Machine{Mem: memmodel.NewSC(), Fetch: ifetch.NewWords(0, []uint32{1}, 1), Harts: model.NewHarts(1)}
	before := string(m.AppendKey(nil))
	m.Records = []model.Record{&patched{}}
	with := string(m.AppendKey(nil))
	if with == before || with[:len(before)] != before {
		t.Fatalf("a record should extend the key, not change the rest: %q vs %q", before, with)
	}
	m.Records = nil
	if string(m.Clone().AppendKey(nil)) != before {
		t.Fatal("a machine without monitors encodes differently after Clone")
	}
}
