package patchproto

import (
	"context"
	"math"
	"testing"

	"pgregory.net/rapid"

	"github.com/ftcheck/ftcheck/model"
)

// shortestByBFS finds the length of the shortest violating execution by
// a plain breadth-first search over the full transition relation — no
// reduction, no symmetry, no arena or parallel merge, a map of state keys
// — an independent oracle for Explore. It returns -1 if no violation
// exists within limit steps.
func shortestByBFS(s *model.System, limit int) int {
	seen := map[string]bool{string(s.Initial.AppendKey(nil)): true}
	level := []*model.Machine{s.Initial}
	for depth := 1; depth <= limit && len(level) > 0; depth++ {
		var next []*model.Machine
		found := false
		for _, m := range level {
			s.Steps(m, func(t *model.Transition) bool {
				if s.Inspect(t) != nil {
					found = true
					return false
				}
				if k := string(t.After.AppendKey(nil)); !seen[k] {
					seen[k] = true
					next = append(next, t.After)
				}
				return true
			})
			if found {
				return depth
			}
		}
		level = next
	}
	return -1
}

// Every reported trace replays to the same violation, and no shorter
// violating execution exists; every safe verdict is confirmed by the
// independent search.
func TestReportedTracesReplayAndAreMinimal(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		name := rapid.SampledFrom([]string{"riscv-pair", "riscv-jalr"}).Draw(t, "protocol")
		p, _ := Lookup(name)
		o := Options{
			Variant: rapid.SampledFrom(p.VariantNames()).Draw(t, "variant"),
			Op:      rapid.SampledFrom(p.Ops).Draw(t, "op"),
			Harts:   rapid.IntRange(1, 2).Draw(t, "harts"),
			Preempt: rapid.IntRange(0, 1).Draw(t, "preempt"),
			Calls:   1,
			Memory:  rapid.SampledFrom([]string{"sc", "tso", "rvwmo"}).Draw(t, "memory"),
		}
		if name == "riscv-pair" && o.Memory == "sc" {
			// (Under the weak models two calls make the oracle's graph
			// large: one call keeps the test to seconds.)
			o.Calls = rapid.IntRange(1, 2).Draw(t, "calls")
		}
		if name == "riscv-jalr" {
			o.Harts = 1 // keep the oracle fast; two harts are covered by TestReductionKeepsVerdicts
		}
		s, _, err := p.Build(o)
		if err != nil {
			t.Fatal(err)
		}
		// riscv-jalr's pair checks; its tracer checks' monitors multiply
		// the oracle's states.
		s = s.Keep(func(n string) bool { return n != "stale-dest" && n != "pair-mismatch" })
		r := model.Explore(context.Background(), s, model.Options{
			NoReduce:   rapid.Bool().Draw(t, "noreduce"),
			NoSymmetry: rapid.Bool().Draw(t, "nosymmetry"),
		})
		switch r.Outcome {
		case model.Violated:
			labels := make([]model.Label, len(r.Trace))
			for i, e := range r.Trace {
				labels[i] = e.Label
			}
			events, v, err := model.Replay(s, labels)
			if err != nil || v == nil || v.Check != r.Violation.Check || events[len(events)-1].Violation == nil {
				t.Fatalf("trace does not replay to its violation: %v %v", err, v)
			}
			if want := shortestByBFS(s, len(r.Trace)); want != len(r.Trace) {
				t.Fatalf("%s %+v: reported %d steps, shortest is %d", name, o, len(r.Trace), want)
			}
		case model.Safe, model.Vacuous:
			if got := shortestByBFS(s, math.MaxInt); got != -1 { // the whole unreduced graph
				t.Fatalf("%s %+v: reported safe, the plain search finds a %d-step violation", name, o, got)
			}
		default:
			t.Fatalf("unbounded search incomplete: %s", r.Why)
		}
	})
}
