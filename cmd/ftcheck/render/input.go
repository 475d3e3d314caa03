package render

import (
	"fmt"
	"time"

	"github.com/ftcheck/ftcheck/model"
)

// Input is one search result and the context needed to explain it.
type Input struct {
	Tool     string // "ftcheck 0.1"
	Protocol string
	Variant  string
	Op       string
	Bounds   string   // the bounds in words, as the text report prints them
	Notes    []string // caveats on the counts (reduction, preemption)
	Result   model.Result
	Harts    int // CPUs running traced code; the patcher is lane Harts
	Symbols  model.Symbols
	// Patch is the patcher's program: its k-th step in a trace that
	// starts from the initial state is Patch[k]. Without it, patcher steps
	// are drawn but no IPI or stop_machine edges.
	Patch    []model.PatchOp
	Handlers []model.Handler
	// BootWord returns v0 of the text word at addr, ok false for data.
	// Without it no store-to-fetch edges are drawn: a store that rewrites
	// identical bytes makes no version, so versions cannot be counted
	// without knowing what was there.
	BootWord func(addr uint64) (word uint32, ok bool)
	// History is the address (relative to the page) of porcupine's view
	// of a stale-dest violation's history, written next to the page; ""
	// when there is none.
	History string
}

// headline is the verdict in one line, as the text report says it.
func (in *Input) headline() string {
	r := &in.Result
	switch r.Outcome {
	case model.Safe:
		return "no violation: search complete (no bound hit)"
	case model.Incomplete:
		return "INCOMPLETE: " + r.Why + "; NOT a proof of safety"
	case model.Vacuous:
		return "VACUOUS: " + r.Why + "; NOT a proof of safety"
	case model.ShardClean:
		return "SHARD: " + r.Why
	}
	if r.Violation == nil {
		return "VIOLATION"
	}
	return "VIOLATION of " + r.Violation.Check
}

// counts are the search's work in words.
func (in *Input) counts() string {
	st := in.Result.Stats
	s := fmt.Sprintf("%d states, %d transitions, depth %d, %s",
		st.States, st.Transitions, st.Depth, st.Elapsed.Round(time.Millisecond))
	if o := in.Result.Outcome; o == model.Incomplete || o == model.ShardClean {
		s += fmt.Sprintf(", %d states queued", st.Queue)
	}
	return s
}

// title names the configuration.
func (in *Input) title() string {
	s := in.Protocol
	if in.Variant != "" {
		s += " (variant " + in.Variant + ")"
	}
	if in.Op != "" {
		s += ", op " + in.Op
	}
	return s
}
