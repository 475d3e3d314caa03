package model

import "slices"

// The cycle proviso of the partial-order reduction (reduce.go). An ample
// set may postpone another actor's step; around a cycle of reduced states
// it could postpone it forever (a hart spinning in "j ." would hide every
// other hart), so every cycle of the reduced graph must hold a state that
// is expanded fully. The search meets that in one of two ways:
//
//   - After the search (exact store and hash compaction; search.go): it
//     runs without the proviso, keeping its graph's edges, and if that
//     graph is acyclic the proviso holds with no full expansion at all;
//     otherwise it runs again the other way. The protocols' graphs are
//     acyclic — tasks run to their end — but full of states reached by
//     paths of different lengths, on which the other way fires for
//     nothing. (Hash compaction may merge two states: that can add a
//     cycle to the graph it keeps, never hide one.)
//   - During the search (bitstate, shards, the second run): the
//     breadth-first proviso of SPIN (Bošnački and Holzmann): a
//     state whose ample set leads back to a state of an earlier level is
//     expanded fully. In a cycle, the state of the greatest depth steps to
//     one no deeper, so it is expanded fully. A step that raises progress
//     closes no cycle and is exempt.

// progress sums counts that no step ever lowers: the patcher's position,
// preemptions and interrupts taken, tasks finished or faulted. Along a
// cycle of the state graph it is therefore constant, so a step that
// raises it closes no cycle (the search's cycle proviso uses that).
func progress(m *Machine) int {
	p := m.Patcher.PC
	for _, h := range m.Harts {
		p += int(h.Preempts) + int(h.Interrupts)
		if h.Task == TaskDone || h.Task == TaskFaulted {
			p++
		}
	}
	return p
}

// cyclic reports whether the explored graph (edges) has a cycle: an
// iterative depth-first search that meets a state still on its stack.
func (w *searcher) cyclic() bool {
	n := len(w.parent)
	start := make([]int32, n+1) // edges out of state i: to[start[i]:start[i+1]]
	for k := 0; k < len(w.edges); k += 2 {
		start[w.edges[k]+1]++
	}
	for i := 0; i < n; i++ {
		start[i+1] += start[i]
	}
	to := make([]int32, len(w.edges)/2)
	fill := slices.Clone(start[:n])
	for k := 0; k < len(w.edges); k += 2 {
		from := w.edges[k]
		to[fill[from]] = w.edges[k+1]
		fill[from]++
	}
	const (
		unseen = iota
		onStack
		done
	)
	color := make([]uint8, n)
	type frame struct{ state, next int32 }
	for root := int32(0); root < int32(n); root++ {
		if color[root] != unseen {
			continue
		}
		stack := []frame{{root, start[root]}}
		color[root] = onStack
		for len(stack) > 0 {
			f := &stack[len(stack)-1]
			if f.next == start[f.state+1] {
				color[f.state] = done
				stack = stack[:len(stack)-1]
				continue
			}
			t := to[f.next]
			f.next++
			switch color[t] {
			case onStack:
				return true
			case unseen:
				color[t] = onStack
				stack = append(stack, frame{t, start[t]})
			}
		}
	}
	return false
}
