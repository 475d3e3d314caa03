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
// incomplete; only N clean shards (ShardClean) make it safe, or vacuous
// if together they never exercised the patch. shards[i] must be shard
// i+1 of len(shards). A violation without a trace, or an outcome no
// shard can have (safe, vacuous: a shard's own run never says either),
// is an error: the reports were not written by a shard run.
func Merge(shards []Result) (Result, error) {
	if len(shards) == 0 {
		return Result{}, fmt.Errorf("no shard results to merge")
	}
	var out Result
	out.Outcome = Safe
	var best *Result
	var covs []*Coverage
	for i := range shards {
		r := &shards[i]
		switch {
		case r.Outcome == Violated && (len(r.Trace) == 0 || r.Violation == nil):
			return Result{}, fmt.Errorf("shard %d of %d: a violation without its trace and check", i+1, len(shards))
		case r.Outcome == Safe || r.Outcome == Vacuous:
			return Result{}, fmt.Errorf("shard %d of %d: outcome %q, which no shard's own run reports", i+1, len(shards), r.Outcome)
		case r.Outcome > ShardClean || r.Outcome < 0:
			return Result{}, fmt.Errorf("shard %d of %d: unknown outcome %d", i+1, len(shards), r.Outcome)
		}
		covs = append(covs, r.Coverage)
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
	out.Coverage = MergeCoverage(covs)
	switch {
	case best != nil:
		out.Outcome, out.Violation, out.Trace, out.Why = Violated, best.Violation, best.Trace, ""
	case out.Outcome == Safe && out.Coverage == nil:
		out.Outcome, out.Why = Incomplete, "no violation in any shard, but a shard's report does not say what it covered"
	case out.Outcome == Safe && out.Coverage.Vacuous != "":
		out.Outcome, out.Why = Vacuous, out.Coverage.Vacuous
	}
	out.Stats.Elapsed = out.Stats.Elapsed.Round(time.Millisecond)
	return out, nil
}
