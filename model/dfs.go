package model

import (
	"context"
	"slices"
	"sync"
	"sync/atomic"
)

// SearchOrder is the order in which a search expands states.
type SearchOrder uint8

const (
	// BreadthFirst (the default) expands states level by level: the first
	// violation found has a shortest trace, and the workers share each
	// level.
	BreadthFirst SearchOrder = iota
	// DepthFirst expands the newest state first, as SPIN does by default
	// (each worker its own stack; an idle one takes the older half of a
	// busy one's). A state is expanded right after it is made, while its
	// machine is still in the cache, the storage of successors seen
	// before is reused at once (scratch.go), and only the states on the
	// way down wait in memory instead of a whole BFS level: on the
	// unreduced riscv-jalr search with 3 harts 2.4x faster than BFS, one
	// worker each (BenchmarkRISCVJalrNaiveDFS). It explores the same reduced
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

// dfsCheckEvery is how many states a depth-first worker expands between
// checkpoints (worker 0's also watch the memory bound and the clock).
const dfsCheckEvery = 2048

// frame is a state on a depth-first stack, with the length of the path
// that reached it.
type frame struct {
	it    item
	depth int
}

// dfsShared is what the workers of a depth-first search share besides
// the searcher (whose visited set, parents and counts they change only
// under mu).
type dfsShared struct {
	mu   sync.Mutex
	cond *sync.Cond
	// pool holds stacks given up by busy workers for idle ones; idle
	// counts the workers waiting for one, and wanted (readable without
	// the lock) how many of them no stack in the pool is waiting for.
	pool    [][]frame
	idle    int
	wanted  atomic.Int32
	workers int
	done    bool // every worker idle with the pool empty, or stopped
	stopped atomic.Bool
	result  Result // why the search stopped early (stopped)
	cut     int    // states not expanded because they lie at the depth bound
}

// stop ends the search early with r (the first reason wins). mu held.
func (d *dfsShared) stop(r Result) {
	if !d.stopped.Load() {
		d.result = r
		d.stopped.Store(true)
	}
	d.done = true
	d.cond.Broadcast()
}

// take waits for a stack from the pool; nil when the search is over.
func (d *dfsShared) take() []frame {
	d.mu.Lock()
	defer d.mu.Unlock()
	for len(d.pool) == 0 && !d.done {
		d.idle++
		if d.idle == d.workers {
			d.done = true // nobody has work left to give
			d.cond.Broadcast()
			return nil
		}
		d.setWanted()
		d.cond.Wait()
		d.idle--
		d.setWanted()
	}
	if d.done {
		return nil
	}
	s := d.pool[len(d.pool)-1]
	d.pool = d.pool[:len(d.pool)-1]
	d.setWanted()
	return s
}

// setWanted updates wanted (mu held).
func (d *dfsShared) setWanted() { d.wanted.Store(int32(max(d.idle-len(d.pool), 0))) }

// give hands the oldest half of stack (the states nearest the root: the
// biggest subtrees) to the pool and returns the rest.
func (d *dfsShared) give(stack []frame) []frame {
	half := len(stack) / 2
	d.mu.Lock()
	d.pool = append(d.pool, slices.Clone(stack[:half]))
	d.setWanted()
	d.cond.Signal()
	d.mu.Unlock()
	return append(stack[:0], stack[half:]...)
}

// runDepthFirst is the depth-first search (DepthFirst), on the searcher's
// workers. With reduction it runs without the cycle proviso and keeps the
// graph's edges (search checks them afterwards). The states and
// transitions of a complete search do not depend on the workers; which
// violation is found first does (Explore then makes its trace minimal,
// breadth first, which does not).
func (w *searcher) runDepthFirst(ctx context.Context) Result {
	d := &dfsShared{workers: max(w.opt.Workers, 1)}
	d.cond = sync.NewCond(&d.mu)
	d.pool = [][]frame{{{w.addRoot(), 0}}}
	var wg sync.WaitGroup
	for g := 0; g < d.workers; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			w.depthFirstWorker(ctx, d, g == 0)
		}()
	}
	wg.Wait()
	if d.stopped.Load() {
		return d.result
	}
	if d.cut > 0 {
		// A state first met deep is not expanded, and not again when met
		// on a shorter path: the search is not complete.
		return w.depthBound(d.cut)
	}
	w.exhausted = true
	return w.finish(Result{Outcome: Safe})
}

// dfsSucc is a successor a depth-first worker has made, before it is
// stored: its key is keys[start:end] of the worker's buffer. known: the
// worker found it in the visited set already, as state id.
type dfsSucc struct {
	t          *Transition
	rep        *Machine
	perm       packedPerm
	start, end int
	hash       uint64
	known      bool
	id         int32
}

// depthFirstWorker expands states from its own stack until the search is
// over; lead (worker 0) also watches the memory bound and reports
// progress.
func (w *searcher) depthFirstWorker(ctx context.Context, d *dfsShared, lead bool) {
	clock := w.newProgressClock()
	sc := new(scratch)
	var stack []frame
	var keys []byte
	var made []dfsSucc
	// Most successors are states seen before (three in four): a worker
	// finds those without the lock, where the exact store allows it.
	arena, _ := w.visited.(*arenaSet)
	for n := 0; ; n++ {
		if len(stack) == 0 {
			if stack = d.take(); stack == nil {
				return
			}
		}
		if d.stopped.Load() {
			return
		}
		if n%dfsCheckEvery == 0 {
			d.mu.Lock()
			w.st.Queue = len(stack)
			why := w.checkpoint(ctx, &clock, lead)
			if why != "" {
				d.stop(w.finish(Result{Outcome: Incomplete, Why: why}))
			}
			d.mu.Unlock()
			if why != "" {
				return
			}
		}
		f := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if w.opt.MaxDepth > 0 && f.depth >= w.opt.MaxDepth {
			d.mu.Lock()
			d.cut++
			d.mu.Unlock()
			continue
		}
		// Check and key every successor, then store them under one lock.
		ts, _ := expand(w.s, f.it.m, w.reduce, sc)
		keys, made = keys[:0], made[:0]
		var viol *Violation
		var violAt Label
		for _, t := range ts {
			w.cov.observe(t)
			if v := w.s.Inspect(t); v != nil {
				viol, violAt = v, t.Label
				break
			}
			start := len(keys)
			rep, perm, k := w.canon(t.After, true, keys)
			keys = k
			m := dfsSucc{t: t, rep: rep, perm: perm, start: start, end: len(keys), hash: stateHash(keys[start:])}
			if arena != nil {
				m.id, m.known = arena.lookup(keys[start:], m.hash)
			}
			made = append(made, m)
		}
		mark := len(stack)
		d.mu.Lock()
		w.st.Depth = max(w.st.Depth, f.depth)
		for _, m := range made {
			w.st.Transitions++
			if w.opt.MaxStates > 0 && len(w.parent) >= w.opt.MaxStates {
				w.st.Queue = len(stack)
				d.stop(w.stateBound())
				break
			}
			id, fresh := m.id, false
			if !m.known {
				id, fresh, _ = w.add(keys[m.start:m.end], m.hash, f.it.id, m.t.Label, m.perm)
				if !fresh && w.afterwards { // (another worker stored it meanwhile)
					id = w.visited.(numberedSet).lastID()
				}
			}
			if w.afterwards {
				w.edges = append(w.edges, f.it.id, id)
			}
			if fresh {
				m.rep.scratch = nil // kept: never written again
				stack = append(stack, frame{item{id, m.rep}, f.depth + 1})
			} else {
				sc.release(m.rep) // a state seen before: its storage is reused
			}
		}
		if viol != nil && !d.stopped.Load() {
			w.st.Transitions++
			d.stop(w.violation(f.it.id, succ{label: violAt, viol: viol}))
		}
		d.mu.Unlock()
		sc.reset()
		// The first successor is expanded first (the order Steps makes
		// them in).
		slices.Reverse(stack[mark:])
		if d.wanted.Load() > 0 && len(stack) > 1 {
			stack = d.give(stack)
		}
	}
}
