package model

import (
	"context"
	"fmt"
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
	States      int `json:"states"`      // distinct states visited
	Transitions int `json:"transitions"` // transitions generated
	Depth       int `json:"depth"`       // deepest BFS level reached
	Queue       int `json:"queue"`       // states waiting to be expanded
	// Proviso counts the states expanded fully only because their
	// ample set led back to an earlier level (the cycle proviso).
	Proviso  int           `json:"proviso,omitempty"`
	Elapsed  time.Duration `json:"elapsed_ns"`
	PeakHeap uint64        `json:"peak_heap_bytes,omitempty"`
}

// Outcome is how a search ended.
type Outcome int

const (
	Safe       Outcome = iota // every reachable state within the bounds was explored; no violation
	Violated                  // a check failed; Result.Trace is a minimal counterexample
	Incomplete                // a bound, the timeout or cancellation stopped the search first
	// Vacuous: the search was complete and found no violation, but no CPU
	// executed or read anything the patcher wrote (Coverage.Vacuous says
	// what): nothing about the patch was proven.
	Vacuous
	// ShardClean: one shard of a split search (Options.Shard) found no
	// violation in its slice; only Merge of all N shards can say safe.
	ShardClean
)

var outcomeNames = [...]string{"safe", "violation", "incomplete", "vacuous", "shard-clean"}

func (o Outcome) String() string { return outcomeNames[o] }

// MarshalText writes the outcome's name.
func (o Outcome) MarshalText() ([]byte, error) { return []byte(o.String()), nil }

// UnmarshalText reads an outcome's name.
func (o *Outcome) UnmarshalText(b []byte) error {
	for c, name := range outcomeNames {
		if name == string(b) {
			*o = Outcome(c)
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
	// ProvenDepth, in an incomplete breadth-first search of every
	// interleaving (no reduction, exact store, no shard), is the number
	// of steps within which no execution violates a check: every state
	// of the levels before it was expanded (search.go, run).
	ProvenDepth int `json:"proven_depth,omitempty"`
	// Reduced says the state counts are of the reduced state graph
	// (partial-order reduction); Symmetric, that states equal up to
	// renumbering of the harts were merged.
	Reduced   bool `json:"reduced"`
	Symmetric bool `json:"symmetric"`
	// DepthFirst says the counts are of a depth-first search
	// (Options.Order; its trace was then made minimal breadth first).
	DepthFirst bool `json:"depth_first,omitempty"`
	// Minimize counts the unreduced breadth-first search, bounded by the
	// length of the reduced (or depth-first) search's trace, that found
	// the minimal counterexample.
	Minimize *Stats `json:"minimize,omitempty"`
	// Coverage is what the search observed of the patch: the checks that
	// ran and what they judged, the patched text and data the CPUs
	// touched, the code never executed (coverage.go).
	Coverage *Coverage `json:"coverage,omitempty"`
	// Verdicts, from ExploreChecks, is every check's own verdict
	// (verdicts.go); nil from Explore, which stops at the first violation.
	Verdicts []Verdict `json:"verdicts,omitempty"`
}

// Options steer Explore.
type Options struct {
	Bounds
	// Workers expand each BFS level in parallel (0 or 1: one). The result
	// is the same for any number of workers: successors are merged in the
	// order one worker would have produced them. (Depth first, workers
	// share the stack's work: the same states and transitions, and the
	// same minimal trace once Explore has minimised it.)
	Workers int
	// MaxMemory stops the search (Incomplete) when the Go heap exceeds it
	// (bytes; 0: no bound).
	MaxMemory uint64
	// Shard, if N > 0, explores slice K (1-based) of N: every shard runs
	// the same search until a level holds enough states, then keeps the
	// states whose hash is K-1 mod N. The union of the N shards' searches
	// covers the whole state graph (see Merge).
	Shard Shard
	// NoSymmetry turns off symmetry reduction (harts renumbered).
	NoSymmetry bool
	// NoReduce turns off partial-order reduction (ample sets of local
	// steps); the verdict is the same, the search is larger.
	NoReduce bool
	// Order is breadth first (the default) or depth first (see
	// SearchOrder); Workers apply to both.
	Order SearchOrder
	// Store chooses how visited states are remembered: exactly (the
	// default), or approximately for runs too large for memory, in which
	// case a search that finds nothing ends Incomplete (see StateStore).
	Store StateStore
	// BitstateBytes sizes the bit array of StoreBitstate (default 64 MiB).
	BitstateBytes uint64
	// Progress, if set, is called about every ProgressEvery (default 1s).
	Progress      func(Stats)
	ProgressEvery time.Duration
}

// Explore searches every state reachable from s.Initial, breadth first
// (or depth first: Options.Order). The first violation found is reported
// with a minimal trace. The search stops with Incomplete when ctx is done,
// the timeout passes, or a bound is hit; an Incomplete result never claims
// safety.
//
// With reduction (the default) the search first runs on the reduced state
// graph; a violation found there (or by a depth-first search) is then
// searched for again without reduction, breadth first and bounded by the
// trace's length, so that the trace reported is minimal over all
// interleavings.
func Explore(ctx context.Context, s *System, opt Options) Result {
	r := explore(ctx, s, opt)
	r.Symmetric = !opt.NoSymmetry && !s.asymmetric // hotplug.go
	return r
}

func explore(ctx context.Context, s *System, opt Options) Result {
	if opt.Timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, opt.Timeout)
		defer cancel()
	}
	reduce := !opt.NoReduce
	r := search(ctx, s, opt, reduce)
	r.Reduced = reduce
	if r.Outcome != Violated || !reduce && opt.Order == BreadthFirst {
		return r // an unreduced BFS's first trace is already a shortest one
	}
	full := opt
	full.MaxDepth = len(r.Trace)
	full.MaxStates = 0
	full.Store = StoreExact // bounded by the trace's length; exact, so minimal
	full.Order = BreadthFirst
	m := search(ctx, s, full, false)
	if m.Outcome == Violated {
		m.Bounds, m.Reduced, m.DepthFirst = opt.Bounds, reduce, r.DepthFirst
		ms := m.Stats
		m.Minimize, m.Stats = &ms, r.Stats
		return m
	}
	// Interrupted while minimising: the reduced trace is still a real,
	// replayed counterexample, only perhaps not the shortest.
	r.Why = "counterexample may not be minimal: " + m.Why
	return r
}

// expand lists the transitions to follow from m: an ample set, or all of
// them (full). The steps an ample set leaves out (System.deferred) are
// followed too when one of its steps leads back to a state of an earlier
// BFS level (the search's cycle proviso, see search.go), so that no cycle
// of the reduced state graph postpones a step forever. The transitions'
// storage comes from sc (nil: the heap).
func expand(s *System, m *Machine, reduce bool, sc *scratch) (ts []*Transition, full bool) {
	if !reduce {
		all := make([]*Transition, 0, 2*len(m.Harts)+2)
		s.successors(m, false, sc, func(t *Transition) bool { all = append(all, t); return true })
		return all, true
	}
	return s.ample(m, sc)
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
