package model

import (
	"fmt"
	"time"
)

// Merge combines the results of the N shards of one split search (see
// Options.Shard): a violation in any shard is a violation, and the
// shortest one is minimal for the whole search (every shortest path runs
// through the level where the shards split, and that level's states are
// divided among them); otherwise any incomplete shard makes the whole
// incomplete; only N complete, safe shards make it safe. shards[i] must
// be shard i+1 of len(shards).
func Merge(shards []Result) (Result, error) {
	if len(shards) == 0 {
		return Result{}, fmt.Errorf("no shard results to merge")
	}
	var out Result
	out.Outcome = Safe
	var best *Result
	for i := range shards {
		r := &shards[i]
		out.Stats.States += r.Stats.States
		out.Stats.Transitions += r.Stats.Transitions
		out.Stats.Depth = max(out.Stats.Depth, r.Stats.Depth)
		out.Stats.Elapsed = max(out.Stats.Elapsed, r.Stats.Elapsed)
		out.Stats.PeakHeap = max(out.Stats.PeakHeap, r.Stats.PeakHeap)
		switch r.Outcome {
		case Violated:
			if best == nil || len(r.Trace) < len(best.Trace) {
				best = r
			}
		case Incomplete:
			if out.Outcome == Safe {
				out.Outcome = Incomplete
				out.Why = fmt.Sprintf("shard %d of %d: %s", i+1, len(shards), r.Why)
			}
		}
	}
	out.Bounds, out.Reduced, out.Symmetric = shards[0].Bounds, shards[0].Reduced, shards[0].Symmetric
	if best != nil {
		out.Outcome, out.Violation, out.Trace, out.Why = Violated, best.Violation, best.Trace, ""
	}
	out.Stats.Elapsed = out.Stats.Elapsed.Round(time.Millisecond)
	return out, nil
}
