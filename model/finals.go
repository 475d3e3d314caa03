package model

import (
	"context"
	"fmt"
)

// Finals returns every terminal state reachable from s.Initial — a state
// in which no transition is enabled: every task finished or faulted, the
// patcher at its end, the memory model with no internal step left. It
// walks the full state graph (no reduction, no symmetry), so that each
// distinct final state appears once; it is meant for small programs such
// as litmus tests, and gives up after maxStates states (0: no bound).
func Finals(ctx context.Context, s *System, maxStates int) ([]*Machine, error) {
	return finals(ctx, s, maxStates, false)
}

// FinalsReduced is Finals over the partial-order-reduced state graph
// that the search walks. Ample sets must keep every terminal state
// reachable; tests hold it to Finals on litmus programs.
func FinalsReduced(ctx context.Context, s *System, maxStates int) ([]*Machine, error) {
	return finals(ctx, s, maxStates, true)
}

func finals(ctx context.Context, s *System, maxStates int, reduce bool) ([]*Machine, error) {
	seen := map[string]bool{string(s.Initial.AppendKey(nil)): true}
	queue := []*Machine{s.Initial}
	var finals []*Machine
	for len(queue) > 0 {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		m := queue[0]
		queue = queue[1:]
		ts := expand(s, m, reduce)
		terminal := len(ts) == 0
		for _, t := range ts {
			k := string(t.After.AppendKey(nil))
			if !seen[k] {
				seen[k] = true
				queue = append(queue, t.After)
			}
		}
		if terminal {
			finals = append(finals, m)
		}
		if maxStates > 0 && len(seen) > maxStates {
			return nil, fmt.Errorf("model: more than %d states", maxStates)
		}
	}
	return finals, nil
}
