package model

import (
	"context"
	"fmt"
	"slices"
	"time"
)

// SearchOrder is the order in which a search expands states.
type SearchOrder uint8

const (
	// BreadthFirst (the default) expands states level by level: the first
	// violation found has a shortest trace, and the workers share each
	// level.
	BreadthFirst SearchOrder = iota
	// DepthFirst expands the newest state first, on one goroutine, as
	// SPIN does by default. A state is expanded right after it is made,
	// while its machine is still in the cache, the storage of successors
	// seen before is reused at once (scratch.go), and only the states on
	// the way down wait in memory instead of a whole BFS level: on the
	// unreduced riscv-jalr search with 3 harts 2.4x faster than BFS on one
	// goroutine (BenchmarkRISCVJalrNaiveDFS). It explores the same reduced
	// graph (the ample sets do not depend on the order), so a complete
	// search has the same states and transitions; Stats.Depth is then the
	// deepest path followed, not the longest shortest one. Its first
	// violation's trace is a real execution but not a shortest one:
	// Explore then finds a shortest one by a BFS bounded by its length.
	// With reduction it needs a store that numbers states (exact or hash),
	// since the cycle proviso is checked after the search; with bitstate
	// hashing, and always with shards, the search is breadth first.
	DepthFirst
)

func (o SearchOrder) String() string { return [...]string{"bfs", "dfs"}[o] }

// dfsCheckEvery is how many states the depth-first search expands between
// looks at the context, the memory bound and the clock.
const dfsCheckEvery = 2048

// runDepthFirst is the depth-first search (DepthFirst): a stack of states
// to expand, one goroutine. With reduction it runs without the cycle
// proviso and keeps the graph's edges (search checks them afterwards).
func (w *searcher) runDepthFirst(ctx context.Context) Result {
	root, perm, key := w.canon(w.s.Initial, false, nil)
	w.keyCap = 2*len(key) + 32
	w.add(key, stateHash(key), -1, Label{}, perm)
	type frame struct {
		it    item
		depth int
	}
	stack := []frame{{item{0, root}, 0}}
	every := w.opt.ProgressEvery
	if every == 0 {
		every = time.Second
	}
	lastProgress := w.start
	sc := new(scratch)
	cut := 0 // states not expanded because they lie at the depth bound
	for n := 0; len(stack) > 0; n++ {
		if n%dfsCheckEvery == 0 {
			w.st.Queue = len(stack)
			if err := ctx.Err(); err != nil {
				why := "interrupted"
				if err == context.DeadlineExceeded {
					why = fmt.Sprintf("timeout %s reached", w.opt.Timeout)
				}
				return w.finish(Result{Outcome: Incomplete, Why: why})
			}
			if w.opt.MaxMemory > 0 && w.sampleHeap() > w.opt.MaxMemory {
				return w.finish(Result{Outcome: Incomplete, Why: fmt.Sprintf("memory bound %d MiB reached", w.opt.MaxMemory>>20)})
			}
			if w.opt.Progress != nil && time.Since(lastProgress) >= every {
				lastProgress = time.Now()
				w.sampleHeap()
				w.st.States, w.st.Elapsed, w.st.PeakHeap = len(w.parent), time.Since(w.start), w.peak
				w.opt.Progress(w.st)
			}
		}
		f := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		w.st.Depth = max(w.st.Depth, f.depth)
		if w.opt.MaxDepth > 0 && f.depth >= w.opt.MaxDepth {
			cut++
			continue
		}
		// Successors are checked, keyed and stored one by one, in one
		// reused key buffer (the merge of the breadth-first search is
		// needed only to keep the workers' results in order).
		ts, _ := expand(w.s, f.it.m, w.reduce, sc)
		mark := len(stack)
		for _, t := range ts {
			w.st.Transitions++
			if v := w.s.Inspect(t); v != nil {
				return w.violation(f.it.id, succ{label: t.Label, viol: v})
			}
			if w.opt.MaxStates > 0 && len(w.parent) >= w.opt.MaxStates {
				w.st.Queue = len(stack)
				return w.finish(Result{Outcome: Incomplete, Why: fmt.Sprintf("state bound %d reached", w.opt.MaxStates)})
			}
			rep, perm, k := w.canon(t.After, true, key[:0])
			key = k
			id, fresh, _ := w.add(key, stateHash(key), f.it.id, t.Label, perm)
			if w.afterwards {
				w.edges = append(w.edges, f.it.id, w.visited.(numberedSet).lastID())
			}
			if fresh {
				rep.scratch = nil // kept: never written again
				stack = append(stack, frame{item{id, rep}, f.depth + 1})
			} else {
				sc.release(rep) // a state seen before: its storage is reused
			}
		}
		sc.reset()
		// The first successor is expanded first (the order Steps makes
		// them in).
		slices.Reverse(stack[mark:])
	}
	if cut > 0 {
		// A state first met deep is not expanded, and not again when met
		// on a shorter path: the search is not complete.
		w.st.Queue = cut
		return w.finish(Result{Outcome: Incomplete, Why: fmt.Sprintf("depth bound %d reached with %d states unexpanded", w.opt.MaxDepth, cut)})
	}
	w.exhausted = true
	return w.finish(Result{Outcome: Safe})
}
