package model

import (
	"context"
	"fmt"
	"runtime"
	"slices"
	"time"
)

// Bounds limit a search. Zero means no limit.
type Bounds struct {
	MaxStates int           `json:"max_states,omitempty"`
	MaxDepth  int           `json:"max_depth,omitempty"`
	Timeout   time.Duration `json:"timeout,omitempty"`
}

// Stats count a search's work.
type Stats struct {
	States      int           `json:"states"`      // distinct states visited
	Transitions int           `json:"transitions"` // transitions generated
	Depth       int           `json:"depth"`       // deepest BFS level reached
	Queue       int           `json:"queue"`       // states waiting to be expanded
	Elapsed     time.Duration `json:"elapsed_ns"`
	PeakHeap    uint64        `json:"peak_heap_bytes,omitempty"`
}

// Outcome is how a search ended.
type Outcome int

const (
	Safe       Outcome = iota // every reachable state within the bounds was explored; no violation
	Violated                  // a check failed; Result.Trace is a minimal counterexample
	Incomplete                // a bound, the timeout or cancellation stopped the search first
)

func (o Outcome) String() string { return [...]string{"safe", "violation", "incomplete"}[o] }

// MarshalText writes the outcome's name.
func (o Outcome) MarshalText() ([]byte, error) { return []byte(o.String()), nil }

// UnmarshalText reads an outcome's name.
func (o *Outcome) UnmarshalText(b []byte) error {
	for _, c := range []Outcome{Safe, Violated, Incomplete} {
		if c.String() == string(b) {
			*o = c
			return nil
		}
	}
	return fmt.Errorf("unknown outcome %q", b)
}

// Result is a search's verdict.
type Result struct {
	Outcome   Outcome    `json:"outcome"`
	Stats     Stats      `json:"stats"`
	Bounds    Bounds     `json:"bounds"`
	Violation *Violation `json:"violation,omitempty"`
	Trace     []Event    `json:"trace,omitempty"`
	Why       string     `json:"why,omitempty"` // why the search is incomplete
	// Reduced says the state counts are of the reduced state graph
	// (partial-order reduction); Symmetric, that states equal up to
	// renumbering of the harts were merged.
	Reduced   bool `json:"reduced"`
	Symmetric bool `json:"symmetric"`
	// Minimize counts the unreduced search, bounded by the length of the
	// reduced search's trace, that found the minimal counterexample.
	Minimize *Stats `json:"minimize,omitempty"`
}

// Options steer Explore.
type Options struct {
	Bounds
	// NoSymmetry turns off symmetry reduction (harts renumbered).
	NoSymmetry bool
	// NoReduce turns off partial-order reduction (ample sets of local
	// steps); the verdict is the same, the search is larger.
	NoReduce bool
	// Progress, if set, is called about every ProgressEvery (default 1s).
	Progress      func(Stats)
	ProgressEvery time.Duration
}

// Explore searches every state reachable from s.Initial, breadth first.
// The first violation found is reported with a minimal trace. The search
// stops with Incomplete when ctx is done, the timeout passes, or a bound
// is hit; an Incomplete result never claims safety.
//
// With reduction (the default) the search first runs on the reduced state
// graph; a violation found there is then searched for again without
// reduction, bounded by the reduced trace's length, so that the trace
// reported is minimal over all interleavings.
func Explore(ctx context.Context, s *System, opt Options) Result {
	r := explore(ctx, s, opt)
	r.Symmetric = !opt.NoSymmetry
	return r
}

func explore(ctx context.Context, s *System, opt Options) Result {
	if opt.Timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, opt.Timeout)
		defer cancel()
	}
	if opt.NoReduce {
		return search(ctx, s, opt, false)
	}
	r := search(ctx, s, opt, true)
	r.Reduced = true
	if r.Outcome != Violated {
		return r
	}
	full := opt
	full.MaxDepth = len(r.Trace)
	full.MaxStates = 0
	m := search(ctx, s, full, false)
	if m.Outcome == Violated {
		m.Bounds, m.Reduced = opt.Bounds, true
		ms := m.Stats
		m.Minimize, m.Stats = &ms, r.Stats
		return m
	}
	// Interrupted while minimising: the reduced trace is still a real,
	// replayed counterexample, only perhaps not the shortest.
	r.Why = "counterexample may not be minimal: " + m.Why
	return r
}

func search(ctx context.Context, s *System, opt Options, reduce bool) Result {
	start := time.Now()
	every := opt.ProgressEvery
	if every == 0 {
		every = time.Second
	}
	lastProgress := start

	var (
		visited = map[string]int32{}
		parent  []int32
		via     []Label
		perms   []packedPerm // how each state's harts were renumbered into its representative
		key     []byte
		st      Stats
		peak    uint64
	)
	// add canonicalises m (symmetry) and records it if new; it returns
	// the representative to expand.
	add := func(m *Machine, from int32, l Label) (int32, *Machine, bool) {
		var perm []int
		if !opt.NoSymmetry {
			m, perm = s.canonical(m)
		}
		key = m.AppendKey(key[:0])
		if _, ok := visited[string(key)]; ok {
			return 0, nil, false
		}
		id := int32(len(parent))
		visited[string(key)] = id
		parent = append(parent, from)
		via = append(via, l)
		perms = append(perms, pack(perm))
		return id, m, true
	}
	// pathTo rebuilds the concrete labels of the path to state id and
	// then last: labels were recorded on representatives, so each is
	// mapped back through the renumberings along the path.
	pathTo := func(id int32, last Label) []Label {
		var ids []int32
		for ; id > 0; id = parent[id] {
			ids = append(ids, id)
		}
		slices.Reverse(ids)
		n := len(s.Initial.Harts)
		sigma := perms[0].inverse(n) // representative hart j is concrete hart sigma[j]
		var ls []Label
		step := func(l Label, p packedPerm) {
			if l.Actor < n {
				l.Actor = sigma[l.Actor]
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
			step(via[i], perms[i])
		}
		step(last, identityPerm)
		return ls
	}
	finish := func(r Result) Result {
		st.States = len(parent)
		st.Elapsed = time.Since(start)
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		if ms.HeapAlloc > peak {
			peak = ms.HeapAlloc
		}
		st.PeakHeap = peak
		r.Stats = st
		r.Bounds = opt.Bounds
		return r
	}

	type item struct {
		id int32
		m  *Machine
	}
	_, root, _ := add(s.Initial, -1, Label{})
	level := []item{{0, root}}
	for depth := 0; len(level) > 0; depth++ {
		st.Depth = depth
		if opt.MaxDepth > 0 && depth >= opt.MaxDepth {
			st.Queue = len(level)
			return finish(Result{Outcome: Incomplete, Why: fmt.Sprintf("depth bound %d reached with %d states unexpanded", opt.MaxDepth, len(level))})
		}
		var next []item
		for qi, it := range level {
			if st.Transitions&255 == 0 {
				if err := ctx.Err(); err != nil {
					st.Queue = len(level) - qi + len(next)
					why := "interrupted"
					if err == context.DeadlineExceeded {
						why = fmt.Sprintf("timeout %s reached", opt.Timeout)
					}
					return finish(Result{Outcome: Incomplete, Why: why})
				}
				if opt.Progress != nil && time.Since(lastProgress) >= every {
					lastProgress = time.Now()
					var ms runtime.MemStats
					runtime.ReadMemStats(&ms)
					peak = max(peak, ms.HeapAlloc)
					st.States, st.Queue, st.Elapsed, st.PeakHeap = len(parent), len(level)-qi+len(next), time.Since(start), peak
					opt.Progress(st)
				}
			}
			var viol *Violation
			var bad Label
			var full bool
			succ := expand(s, it.m, reduce)
			for _, t := range succ {
				st.Transitions++
				if v := s.Inspect(t); v != nil {
					viol, bad = v, t.Label
					break
				}
				if opt.MaxStates > 0 && len(parent) >= opt.MaxStates {
					full = true
					break
				}
				if id, rep, fresh := add(t.After, it.id, t.Label); fresh {
					next = append(next, item{id, rep})
				}
			}
			if viol != nil {
				r := finish(Result{Outcome: Violated, Violation: viol})
				trace, v, err := Replay(s, pathTo(it.id, bad))
				if err != nil || v == nil {
					panic(fmt.Sprintf("model: a trace found by the search does not replay to its violation: %v", err))
				}
				r.Trace, r.Violation = trace, v // v carries the readable message
				return r
			}
			if full {
				st.Queue = len(level) - qi + len(next)
				return finish(Result{Outcome: Incomplete, Why: fmt.Sprintf("state bound %d reached", opt.MaxStates)})
			}
		}
		level = next
	}
	return finish(Result{Outcome: Safe})
}

// expand lists the transitions to follow from m. A reduced (ample) set is
// used unless one of its steps jumps backwards. Every cycle of the state
// graph needs a backward jump (all other components only move forward:
// the patcher's position, preemption counts, fetch versions), so no cycle
// consists of reduced states only, and no step is postponed forever.
func expand(s *System, m *Machine, reduce bool) []*Transition {
	var all []*Transition
	s.successors(m, false, false, func(t *Transition) bool { all = append(all, t); return true })
	if !reduce {
		return all
	}
	amp := s.ample(m, all)
	for _, t := range amp {
		if t.Label.Action == ActExec {
			h := t.Label.Actor
			if t.After.Harts[h].PC <= m.Harts[h].PC {
				return all
			}
		}
	}
	return amp
}

// Replay re-executes labels from the initial state, runs the checks on
// every step, and returns the events and the first violation (the
// remaining labels are still executed, so a caller sees the whole trace).
func Replay(s *System, labels []Label) ([]Event, *Violation, error) {
	m := s.Initial
	var events []Event
	var first *Violation
	for i, l := range labels {
		t, err := s.Apply(m, l)
		if err != nil {
			return events, first, fmt.Errorf("step %d: %w", i+1, err)
		}
		if v := s.Inspect(t); v != nil && first == nil {
			first = v
			t.Event.Violation = v
		}
		events = append(events, t.Event)
		m = t.After
	}
	return events, first, nil
}
