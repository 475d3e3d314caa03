package patchproto

import (
	"context"
	"testing"

	"github.com/ftcheck/ftcheck/model"
)

// Deciding every check in one run gives each check the verdict a search
// for that check alone gives: the same outcome, and for a violation a
// minimal trace of the same length that replays to it.
func TestEveryCheckDecidedAsIfAlone(t *testing.T) {
	for _, c := range []struct {
		name string
		o    Options
	}{
		{"x86-int3", Options{Variant: "nosync", Harts: 1}},
		{"x86-int3", Options{Variant: "r4", Harts: 1}},
		{"riscv-jalr", Options{}},
		{"riscv-jalr", Options{Op: "change", Variant: "hotplug"}},
	} {
		p, err := Lookup(c.name)
		if err != nil {
			t.Fatal(err)
		}
		s, _, err := p.Build(c.o)
		if err != nil {
			t.Fatal(err)
		}
		all := model.ExploreChecks(context.Background(), s, model.Options{})
		if len(all.Verdicts) != len(s.CheckNames()) {
			t.Fatalf("%s %+v: %d verdicts for checks %v", c.name, c.o, len(all.Verdicts), s.CheckNames())
		}
		violated := false
		for _, v := range all.Verdicts {
			alone := s.Keep(func(n string) bool { return n == v.Check })
			r := model.Explore(context.Background(), alone, model.Options{})
			if r.Outcome != v.Outcome {
				t.Errorf("%s %+v: %s: %v in the run, %v alone (%s)", c.name, c.o, v.Check, v.Outcome, r.Outcome, r.Why)
				continue
			}
			if v.Outcome != model.Violated {
				continue
			}
			violated = true
			if len(v.Trace) != len(r.Trace) {
				t.Errorf("%s %+v: %s: %d steps in the run, %d alone", c.name, c.o, v.Check, len(v.Trace), len(r.Trace))
			}
			labels := make([]model.Label, len(v.Trace))
			for i, e := range v.Trace {
				labels[i] = e.Label
			}
			if _, got, err := model.Replay(alone, labels); err != nil || got == nil || got.Check != v.Check {
				t.Errorf("%s %+v: %s: the trace does not replay to its violation: %v %v", c.name, c.o, v.Check, got, err)
			}
		}
		if violated != (all.Outcome == model.Violated) {
			t.Errorf("%s %+v: outcome %v with verdicts %+v", c.name, c.o, all.Outcome, all.Verdicts)
		}
	}
}
