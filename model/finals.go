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
	// seen holds each state's BFS depth, for the cycle proviso (expand).
	seen := map[string]int{string(s.Initial.AppendKey(nil)): 0}
	type item struct {
		m     *Machine
		depth int
	}
	queue := []item{{s.Initial, 0}}
	var finals []*Machine
	for len(queue) > 0 {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		m, depth := queue[0].m, queue[0].depth
		queue = queue[1:]
		ts, full := expand(s, m, reduce, nil)
		terminal := len(ts) == 0
		back := false
		for i := 0; i < len(ts); i++ {
			k := string(ts[i].After.AppendKey(nil))
			d, old := seen[k]
			if !old {
				seen[k] = depth + 1
				queue = append(queue, item{ts[i].After, depth + 1})
			} else if d <= depth && progress(ts[i].After) == progress(m) {
				back = true // back to an earlier level, and maybe around a cycle
			}
			if i == len(ts)-1 && back && !full {
				// Back to an earlier level: expand fully.
				ts, full = append(ts, s.deferred(m, ts[0].Label.Actor, nil)...), true
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
