package patchproto

import (
	"context"
	"testing"

	"pgregory.net/rapid"

	"github.com/ftcheck/ftcheck/model"
)

// shortestByDFS finds the length of the shortest violating execution by
// iterative-deepening depth-first search over the full transition
// relation (no reduction, no BFS): an independent oracle for Explore.
// It returns -1 if no violation exists within limit steps.
func shortestByDFS(s *model.System, limit int) int {
	clean := map[string]int{} // state -> depth proven violation-free from it
	var dfs func(m *model.Machine, depth int) bool
	dfs = func(m *model.Machine, depth int) bool {
		found := false
		s.Steps(m, func(t *model.Transition) bool {
			if s.Inspect(t) != nil {
				found = true
				return false
			}
			if depth > 1 {
				k := string(t.After.AppendKey(nil))
				if d, ok := clean[k]; !ok || d < depth-1 {
					if dfs(t.After, depth-1) {
						found = true
						return false
					}
					clean[k] = depth - 1
				}
			}
			return true
		})
		return found
	}
	for d := 1; d <= limit; d++ {
		if dfs(s.Initial, d) {
			return d
		}
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
		}
		if name == "riscv-pair" {
			o.Calls = rapid.IntRange(1, 2).Draw(t, "calls")
		}
		if name == "riscv-jalr" {
			o.Harts = 1 // keep the oracle fast; two harts are covered by TestReductionKeepsVerdicts
		}
		s, _, err := p.Build(o)
		if err != nil {
			t.Fatal(err)
		}
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
			if want := shortestByDFS(s, len(r.Trace)); want != len(r.Trace) {
				t.Fatalf("%s %+v: reported %d steps, shortest is %d", name, o, len(r.Trace), want)
			}
		case model.Safe, model.Vacuous:
			if got := shortestByDFS(s, r.Stats.Depth+1); got != -1 {
				t.Fatalf("%s %+v: reported safe, DFS finds a %d-step violation", name, o, got)
			}
		default:
			t.Fatalf("unbounded search incomplete: %s", r.Why)
		}
	})
}
