package patchproto

import (
	"fmt"
	"testing"

	"github.com/ftcheck/ftcheck/model"
)

// TestDepthFirstExploresTheSameGraph holds the depth-first search, on one
// worker and on two, to the breadth-first one on every protocol, variant
// and operation (2 harts, the protocol's default memory model), with and
// without the reductions: a complete search must visit the same states
// over the same transitions (the ample sets do not depend on the order
// or the workers), and a violation must be the same check with a trace
// of the same, minimal, length.
func TestDepthFirstExploresTheSameGraph(t *testing.T) {
	skipUnlessExhaustive(t)
	if testing.Short() {
		t.Skip("two searches of every protocol configuration")
	}
	compared, violations := 0, 0
	for _, p := range All() {
		for _, v := range p.Variants {
			for _, op := range p.Ops {
				o := Options{Variant: v.Name, Op: op, Preempt: 1, Harts: 2}
				if !applies(t, p, o) {
					continue
				}
				for _, base := range []model.Options{{}, {NoReduce: true, NoSymmetry: true}} {
					base.Bounds.MaxStates = 40000
					bo, do, do2 := base, base, base
					do.Order, do.Workers = model.DepthFirst, 1
					do2.Order, do2.Workers = model.DepthFirst, 2
					bfs, _ := explore(t, p.Name, o, bo)
					if bfs.Outcome == model.Incomplete {
						continue
					}
					dfs, _ := explore(t, p.Name, o, do)
					dfs2, _ := explore(t, p.Name, o, do2)
					what := fmt.Sprintf("%s/%s/%s reduce=%v", p.Name, v.Name, op, !base.NoReduce)
					if dfs2.Outcome != dfs.Outcome || len(dfs2.Trace) != len(dfs.Trace) ||
						dfs.Outcome == model.Safe && (dfs2.Stats.States != dfs.Stats.States || dfs2.Stats.Transitions != dfs.Stats.Transitions) {
						t.Errorf("%s: dfs on 1 worker %v (%d states, %d steps), on 2 %v (%d states, %d steps)", what,
							dfs.Outcome, dfs.Stats.States, len(dfs.Trace), dfs2.Outcome, dfs2.Stats.States, len(dfs2.Trace))
					}
					compared++
					if bfs.Outcome != dfs.Outcome {
						t.Errorf("%s: bfs %v, dfs %v (%s)", what, bfs.Outcome, dfs.Outcome, dfs.Why)
						continue
					}
					if bfs.Outcome == model.Violated {
						violations++
						if bfs.Violation.Check != dfs.Violation.Check || len(bfs.Trace) != len(dfs.Trace) {
							t.Errorf("%s: bfs %s in %d steps, dfs %s in %d", what, bfs.Violation.Check, len(bfs.Trace), dfs.Violation.Check, len(dfs.Trace))
						}
						continue
					}
					if bfs.Stats.States != dfs.Stats.States || bfs.Stats.Transitions != dfs.Stats.Transitions {
						t.Errorf("%s: bfs %d states %d transitions, dfs %d and %d", what, bfs.Stats.States, bfs.Stats.Transitions, dfs.Stats.States, dfs.Stats.Transitions)
					}
				}
			}
		}
	}
	t.Logf("%d searches compared, %d of them violations", compared, violations)
	if compared < 40 || violations < 10 || violations == compared {
		t.Fatalf("only %d searches compared (%d violations)", compared, violations)
	}
}
