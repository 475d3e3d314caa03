package model

import (
	"context"
	"fmt"
	"hash/fnv"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// Shard names one slice of a search split over N machines.
type Shard struct {
	K int `json:"k"` // 1..N
	N int `json:"n"`
}

// shardMinLevel is how many states a BFS level must hold before a
// sharded search splits it: enough that slices are balanced.
const shardMinLevel = 64

// searcher is one breadth-first search: the visited set and, per state,
// how it was reached (its parent, the label of the step, and how its
// harts were renumbered into the representative).
type searcher struct {
	s      *System
	opt    Options
	reduce bool
	start  time.Time

	visited visitedSet
	keyCap  int // capacity to give a key buffer: keys grow little past the root's
	parent  []int32
	via     []Label
	perms   []packedPerm
	st      Stats
	peak    uint64

	// afterwards: the cycle proviso is checked after the search instead
	// of during it (see search); edges are then the reduced graph's
	// edges, as pairs of state numbers.
	afterwards bool
	edges      []int32
	// exhausted: the search ran to its end, no violation and no bound
	// (with hash compaction its result still says Incomplete).
	exhausted bool
	// cov records what the search observed of the patch (coverage.go).
	cov *coverage
}

type item struct {
	id int32
	m  *Machine
}

// succ is one successor as a worker prepares it: everything the merge
// needs, computed in parallel.
type succ struct {
	label Label
	rep   *Machine
	perm  packedPerm
	key   []byte
	hash  uint64 // stateHash(key)
	viol  *Violation
}

// search runs one search, in the order opt asks for. A reduced search
// whose store numbers states (exact or hash compaction, not sharded)
// checks the cycle proviso after the search (proviso.go): it runs without
// it, and again with it, breadth first, only if the graph it explored has
// a cycle. A violation needs no such check: its trace is a real execution
// either way. Where the proviso must run during the search (bitstate,
// shards) the search is breadth first whatever the order asked.
func search(ctx context.Context, s *System, opt Options, reduce bool) Result {
	start := time.Now()
	newSearcher := func(afterwards bool) *searcher {
		return &searcher{s: s, opt: opt, reduce: reduce, start: start, visited: newVisited(opt.Store, opt.BitstateBytes), afterwards: afterwards, cov: newCoverage(s)}
	}
	afterwards := reduce && opt.Store.numbers() && opt.Shard.N <= 1
	if afterwards || !reduce && opt.Shard.N <= 1 {
		w := newSearcher(afterwards)
		r := w.runIn(ctx, opt.Order)
		if !afterwards || !w.exhausted || !w.cyclic() {
			return r
		}
	}
	// The proviso during the search, which only the breadth-first
	// search has.
	return newSearcher(false).run(ctx)
}

// runIn runs the search in order.
func (w *searcher) runIn(ctx context.Context, order SearchOrder) Result {
	if order == DepthFirst {
		r := w.runDepthFirst(ctx)
		r.DepthFirst = true
		return r
	}
	return w.run(ctx)
}

// canon returns the representative of m, its renumbering and its key.
func (w *searcher) canon(m *Machine, fresh bool, buf []byte) (*Machine, packedPerm, []byte) {
	var perm []int
	if !w.opt.NoSymmetry {
		m, perm = w.s.canonical(m, fresh)
	}
	return m, pack(perm), m.AppendKey(buf)
}

// expansion is one state's successors as the workers prepare them: of
// the steps of actor ample (the others deferred), or of every step
// (ample < 0).
type expansion struct {
	succs []succ
	ample int
}

// successors computes item it's successors (the expensive part, done by
// the workers).
func (w *searcher) successors(it item) expansion {
	ts, full := expand(w.s, it.m, w.reduce, nil)
	ex := expansion{succs: w.prepareSteps(ts), ample: -1}
	if !full {
		ex.ample = ts[0].Label.Actor
	}
	return ex
}

// prepareSteps checks each step and makes its successor's representative
// and key, up to the first violation (nothing after it is looked at).
func (w *searcher) prepareSteps(ts []*Transition) []succ {
	out := make([]succ, 0, len(ts))
	var slab []byte
	for _, t := range ts {
		w.cov.observe(t)
		if v := w.s.Inspect(t); v != nil {
			out = append(out, succ{label: t.Label, viol: v})
			break
		}
		// Keys share one buffer per expanded state (the visited set
		// copies what it keeps); a full buffer is left to the older keys.
		if cap(slab)-len(slab) < w.keyCap {
			slab = make([]byte, 0, w.keyCap*(len(ts)+1))
		}
		rep, perm, key := w.canon(t.After, true, slab) // t.After is this successor's own
		slab = key[len(key):]
		out = append(out, succ{label: t.Label, rep: rep, perm: perm, key: key[:len(key):len(key)], hash: stateHash(key)})
	}
	return out
}

// add records a successor of state from. fresh: it is new (its id is
// returned); old: it was already visited at an earlier BFS level.
func (w *searcher) add(key []byte, h uint64, from int32, l Label, perm packedPerm) (id int32, fresh, old bool) {
	if fresh, old := w.visited.insert(key, h); !fresh {
		return 0, false, old
	}
	id = int32(len(w.parent))
	w.parent = append(w.parent, from)
	w.via = append(w.via, l)
	w.perms = append(w.perms, perm)
	return id, true, false
}

func (w *searcher) finish(r Result) Result {
	w.st.States = len(w.parent)
	w.st.Elapsed = time.Since(w.start)
	w.sampleHeap()
	w.st.PeakHeap = w.peak
	if r.Outcome == Safe {
		w.st.Queue = 0 // every state was expanded
		if c := w.visited.caveat(w.st.States); c != "" {
			// Complete, but states may have been merged by a hash
			// collision: never call that safe.
			r.Outcome, r.Why = Incomplete, "no violation found, but "+c
			w.st.Queue = 0 // the search did finish
		}
	}
	r.Stats = w.st
	r.Bounds = w.opt.Bounds
	r.Coverage = w.cov.result()
	switch {
	case r.Outcome == Safe && w.opt.Shard.N > 0:
		// One slice of the graph: its states are not all the states, so
		// it proves nothing alone (Merge decides).
		r.Outcome = ShardClean
		r.Why = fmt.Sprintf("no violation in shard %d of %d; merge the reports of all %d shards for a verdict", w.opt.Shard.K, w.opt.Shard.N, w.opt.Shard.N)
	case r.Outcome == Safe && r.Coverage.Vacuous != "":
		r.Outcome, r.Why = Vacuous, r.Coverage.Vacuous
	}
	return r
}

func (w *searcher) sampleHeap() uint64 {
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	w.peak = max(w.peak, ms.HeapAlloc)
	return ms.HeapAlloc
}

// addRoot stores the initial state as state 0 and returns it.
func (w *searcher) addRoot() item {
	root, perm, key := w.canon(w.s.Initial, false, nil)
	w.keyCap = 2*len(key) + 32
	w.add(key, stateHash(key), -1, Label{}, perm)
	return item{0, root}
}

// progressClock says when a search last reported progress.
type progressClock struct {
	every time.Duration
	last  time.Time
}

func (w *searcher) newProgressClock() progressClock {
	every := w.opt.ProgressEvery
	if every == 0 {
		every = time.Second
	}
	return progressClock{every, w.start}
}

// checkpoint is a search's periodic look beyond itself: it returns why
// the search must stop now ("" to go on) — the context ended (Ctrl-C,
// the timeout) or, if bounds, the heap passed the memory bound — and, if
// bounds, reports progress when it is due. (The depth-first search's
// workers call it under their lock, only one of them with bounds.)
func (w *searcher) checkpoint(ctx context.Context, clock *progressClock, bounds bool) string {
	if err := ctx.Err(); err != nil {
		if err == context.DeadlineExceeded {
			return fmt.Sprintf("timeout %s reached", w.opt.Timeout)
		}
		return "interrupted"
	}
	if !bounds {
		return ""
	}
	if w.opt.MaxMemory > 0 && w.sampleHeap() > w.opt.MaxMemory {
		return fmt.Sprintf("memory bound %d MiB reached", w.opt.MaxMemory>>20)
	}
	if w.opt.Progress != nil && time.Since(clock.last) >= clock.every {
		clock.last = time.Now()
		w.sampleHeap()
		w.st.States, w.st.Elapsed, w.st.PeakHeap = len(w.parent), time.Since(w.start), w.peak
		w.opt.Progress(w.st)
	}
	return ""
}

// stateBound and depthBound end a search that hit MaxStates or MaxDepth
// (unexpanded states were left at the depth bound).
func (w *searcher) stateBound() Result {
	return w.finish(Result{Outcome: Incomplete, Why: fmt.Sprintf("state bound %d reached", w.opt.MaxStates)})
}

func (w *searcher) depthBound(unexpanded int) Result {
	w.st.Queue = unexpanded
	return w.finish(Result{Outcome: Incomplete, Why: fmt.Sprintf("depth bound %d reached with %d states unexpanded", w.opt.MaxDepth, unexpanded)})
}

// window is how many states of a level are expanded between merges: it
// bounds the memory held by prepared successors and how often the
// bounds, the context and progress are checked.
var window = 2048

// run is the breadth-first search. A search stopped at level d (a bound,
// the timeout, a signal) has expanded every state of the levels before d
// and checked every step out of them: no interleaving of at most d steps
// violates a check. That is a statement about every interleaving only
// when every step of every state was taken and no state was lost — no
// partial-order reduction (its ample sets may put a step off to a deeper
// level), the exact store, the whole graph (no shard) — so only such a
// search reports it, as Result.ProvenDepth.
func (w *searcher) run(ctx context.Context) Result {
	r := w.levels(ctx)
	if r.Outcome == Incomplete && !w.reduce && w.opt.Store == StoreExact && w.opt.Shard.N <= 1 {
		r.ProvenDepth = r.Stats.Depth
	}
	return r
}

func (w *searcher) levels(ctx context.Context) Result {
	level := []item{w.addRoot()}
	w.visited.mark()
	workers := max(w.opt.Workers, 1)
	split := w.opt.Shard.N <= 1
	clock := w.newProgressClock()
	// carry is the next level's first window, prepared while this
	// level's last window is merged (preparing needs no visited set).
	var carry <-chan []expansion
	for depth := 0; len(level) > 0; depth++ {
		w.st.Depth = depth
		if !split && len(level) >= shardMinLevel {
			level, split = w.slice(level), true
		}
		if w.opt.MaxDepth > 0 && depth >= w.opt.MaxDepth {
			return w.depthBound(len(level))
		}
		var next []item
		if depth > 0 {
			w.visited.mark() // level depth is complete: older from here on
		}
		// While one window is merged (one goroutine: the order of
		// merging is what makes results independent of the workers),
		// the next is already being prepared.
		ahead := carry
		carry = nil
		if workers > 1 && ahead == nil {
			ahead = w.prepareAsync(level[:min(window, len(level))], workers)
		}
		for lo := 0; lo < len(level); lo += window {
			hi := min(lo+window, len(level))
			w.st.Queue = len(level) - lo + len(next)
			if why := w.checkpoint(ctx, &clock, true); why != "" {
				return w.finish(Result{Outcome: Incomplete, Why: why})
			}
			var prepared []expansion
			if ahead != nil {
				prepared = <-ahead
				if hi < len(level) {
					ahead = w.prepareAsync(level[hi:min(hi+window, len(level))], workers)
				} else if split && len(next) >= window {
					// The next level's first window is whole already
					// (the merge only appends past it).
					carry = w.prepareAsync(next[:window:window], workers)
				}
			} else {
				prepared = w.prepare(level[lo:hi], workers)
			}
			// The cycle proviso during the search (proviso.go): a state
			// whose ample set led back to an earlier level is expanded
			// fully; the steps it left out are made after the window is
			// merged, by the workers.
			var redo []redoItem
			for i, it := range level[lo:hi] {
				back, stop, r := w.merge(it, prepared[i].succs, &next, len(level)-lo-i)
				if stop {
					return r
				}
				if back && prepared[i].ample >= 0 && !w.afterwards {
					redo = append(redo, redoItem{it, prepared[i].ample})
				}
			}
			if len(redo) > 0 {
				w.st.Proviso += len(redo)
				rest := make([][]succ, len(redo))
				parallel(len(redo), workers, func(j int) {
					rest[j] = w.prepareSteps(w.s.deferred(redo[j].it.m, redo[j].ample, nil))
				})
				for j, r := range redo {
					if _, stop, res := w.merge(r.it, rest[j], &next, len(level)-hi); stop {
						return res
					}
				}
			}
		}
		level = next
	}
	w.exhausted = true
	return w.finish(Result{Outcome: Safe})
}

// redoItem is a state whose ample set (actor ample's steps) led back to
// an earlier level.
type redoItem struct {
	it    item
	ample int
}

// merge adds the successors of it to the visited set (fresh ones to
// next), in order. back: one was of an earlier level. stop: the search
// ends with r (a violation or a bound; queued is how many states of the
// level are still to be merged, for the report).
func (w *searcher) merge(it item, succs []succ, next *[]item, queued int) (back, stop bool, r Result) {
	for _, sc := range succs {
		w.st.Transitions++
		if sc.viol != nil {
			return back, true, w.violation(it.id, sc)
		}
		if w.opt.MaxStates > 0 && len(w.parent) >= w.opt.MaxStates {
			w.st.Queue = queued + len(*next)
			return back, true, w.stateBound()
		}
		id, fresh, old := w.add(sc.key, sc.hash, it.id, sc.label, sc.perm)
		if fresh {
			*next = append(*next, item{id, sc.rep})
		}
		if w.afterwards {
			w.edges = append(w.edges, it.id, w.visited.(numberedSet).lastID())
		}
		// A state further on in progress (a count no step lowers) can
		// never lead back: it closes no cycle, old or not.
		back = back || old && progress(sc.rep) == progress(it.m)
	}
	return back, false, r
}

// prepare computes the successors of items, in parallel when asked; the
// result is indexed like items, so merging in that order gives exactly
// what one worker would.
func (w *searcher) prepare(items []item, workers int) []expansion {
	out := make([]expansion, len(items))
	parallel(len(items), workers, func(i int) { out[i] = w.successors(items[i]) })
	return out
}

// parallel calls f(0..n-1) on workers goroutines when there is enough
// to split. Items are handed out in small batches as goroutines become
// free: expanding states costs unevenly, and a static split would leave
// a core idle while the other finishes.
func parallel(n, workers int, f func(i int)) {
	if workers <= 1 || n < 2*workers {
		for i := 0; i < n; i++ {
			f(i)
		}
		return
	}
	const batch = 16
	var taken atomic.Int64
	var wg sync.WaitGroup
	for g := 0; g < workers; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				lo := int(taken.Add(batch)) - batch
				if lo >= n {
					return
				}
				for i := lo; i < min(lo+batch, n); i++ {
					f(i)
				}
			}
		}()
	}
	wg.Wait()
}

// prepareAsync is prepare in the background; the channel delivers the
// result. (A search that stops early leaves at most one window's work
// running, which touches nothing the merge reads.)
func (w *searcher) prepareAsync(items []item, workers int) <-chan []expansion {
	c := make(chan []expansion, 1)
	go func() { c <- w.prepare(items, workers) }()
	return c
}

// slice keeps this shard's part of a level.
func (w *searcher) slice(level []item) []item {
	var mine []item
	for _, it := range level {
		// FNV is fixed across processes, so every machine of a split
		// search assigns the same states to the same shard.
		h := fnv.New64a()
		h.Write(it.m.AppendKey(nil))
		if int(h.Sum64()%uint64(w.opt.Shard.N)) == w.opt.Shard.K-1 {
			mine = append(mine, it)
		}
	}
	return mine
}

func (w *searcher) violation(from int32, sc succ) Result {
	r := w.finish(Result{Outcome: Violated, Violation: sc.viol})
	trace, v, err := Replay(w.s, w.pathTo(from, sc.label))
	if err != nil || v == nil {
		panic(fmt.Sprintf("model: a trace found by the search does not replay to its violation: %v", err))
	}
	r.Trace, r.Violation = trace, v // v carries the readable message
	return r
}

// pathTo rebuilds the concrete labels of the path to state id and then
// last: labels were recorded on representatives, so each is mapped back
// through the renumberings along the path.
// pathIDs returns the states on the path from the root (excluded) to id,
// root first.
func (w *searcher) pathIDs(id int32) []int32 {
	var ids []int32
	for ; id > 0; id = w.parent[id] {
		ids = append(ids, id)
	}
	slices.Reverse(ids)
	return ids
}

func (w *searcher) pathTo(id int32, last Label) []Label {
	ids := w.pathIDs(id)
	n := len(w.s.Initial.Harts)
	sigma := w.perms[0].inverse(n) // representative hart j is concrete hart sigma[j]
	var ls []Label
	step := func(l Label, p packedPerm) {
		if l.Actor < n {
			l.Actor = sigma[l.Actor]
		}
		if agent, j := memoryStep(l.Index); l.Action == ActMemory && agent < n {
			l.Index = MemoryLabel(n, sigma[agent], j).Index
		}
		ls = append(ls, l)
		inv := p.inverse(n)
		next := make([]int, n)
		for j := range next {
			next[j] = sigma[inv[j]]
		}
		sigma = next
	}
	for _, i := range ids {
		step(w.via[i], w.perms[i])
	}
	step(last, identityPerm)
	return ls
}
