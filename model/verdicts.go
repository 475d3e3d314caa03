package model

import (
	"context"
	"slices"
)

// Deciding every check. A search stops at its first violation: that is
// the shortest counterexample of any check, and it says nothing of the
// others. A reviewer asking "is the pair torn, and is the tracer ever
// stale?" needs a verdict for each. ExploreChecks gets them by searching
// again without each check as it is found violated: the next search
// finds the shortest violation of the checks still open, or proves them,
// until every check has its verdict. A check violated in one search is
// violated whatever the others do, and the searches without it explore
// exactly the executions the first one did (checks only watch), so each
// verdict is the one a search for that check alone would give; searches
// with fewer checks are smaller, since a monitor's record is part of
// the state.

// Verdict is one check's verdict in a run that decides every check.
type Verdict struct {
	Check string `json:"check"`
	// Outcome is Violated, Safe, Vacuous (the search that decided it
	// completed but the check never judged anything the patcher wrote),
	// Incomplete (a bound or a signal stopped that search first) or
	// ShardClean (one shard's slice: only merge decides).
	Outcome Outcome `json:"outcome"`
	Why     string  `json:"why,omitempty"`
	// Violation and Trace, when Violated: the minimal counterexample of
	// this check (it replays on the system without the checks decided
	// before it; Search says which search found it).
	Violation *Violation `json:"violation,omitempty"`
	Trace     []Event    `json:"trace,omitempty"`
	// Search numbers the search that decided the check, from 1.
	Search int `json:"search"`
	// States is the size of that search.
	States int `json:"states"`
}

// ExploreChecks explores s until every check has a verdict (see above).
// The Result is the first search's, as Explore gives it — its Violation,
// Trace and Stats are of the shortest counterexample of any check — with
// the Outcome of the whole run (Violated if any check is; else the last
// search's), the Coverage of the last search, and
// Verdicts listing every check in the system's order. A shard's run
// (Options.Shard) is one search: a slice cannot prove the checks it did
// not see violated, so they stay undecided (ShardClean or Incomplete).
// opt.Timeout bounds the whole run.
func ExploreChecks(ctx context.Context, s *System, opt Options) Result {
	if opt.Timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, opt.Timeout)
		defer cancel()
	}
	names := s.CheckNames()
	verdicts := make(map[string]Verdict, len(names))
	first := Explore(ctx, s, opt)
	cur, r := s, first
	for search := 1; ; search++ {
		if r.Outcome != Violated {
			for _, n := range names {
				if _, done := verdicts[n]; !done {
					verdicts[n] = openVerdict(n, r, search)
				}
			}
			break
		}
		v := r.Violation
		verdicts[v.Check] = Verdict{Check: v.Check, Outcome: Violated, Violation: v, Trace: r.Trace, Search: search, States: r.Stats.States}
		next := cur.Keep(func(name string) bool { return name != v.Check })
		if len(next.CheckNames()) == 0 || opt.Shard.N > 0 || next == cur {
			for _, n := range names {
				if _, done := verdicts[n]; !done {
					verdicts[n] = Verdict{Check: n, Outcome: Incomplete, Search: search, States: r.Stats.States,
						Why: "not decided: a shard stops at its first violation"}
				}
			}
			break
		}
		cur = next
		r = Explore(ctx, cur, opt)
	}
	out := first
	if r.Coverage != nil {
		out.Coverage = r.Coverage
	}
	if first.Outcome != Violated {
		out.Outcome, out.Why = r.Outcome, r.Why
	}
	for _, n := range names {
		out.Verdicts = append(out.Verdicts, verdicts[n])
	}
	return out
}

// openVerdict is the verdict, in a search r that found no violation, of
// a check it watched.
func openVerdict(name string, r Result, search int) Verdict {
	v := Verdict{Check: name, Outcome: r.Outcome, Why: r.Why, Search: search, States: r.Stats.States}
	if r.Outcome != Safe && r.Outcome != Vacuous {
		return v
	}
	// A complete search: the check is proven where it judged something
	// of the patch, vacuous where it did not.
	v.Outcome, v.Why = Safe, ""
	if r.Coverage == nil {
		return v
	}
	for _, c := range r.Coverage.Checks {
		if c.Name == name && !c.Exercised {
			v.Outcome, v.Why = Vacuous, "never exercised: no CPU executed patched text or read patched data it judges"
		}
	}
	if r.Outcome == Vacuous && v.Outcome == Safe && r.Coverage.Vacuous != "" {
		v.Outcome, v.Why = Vacuous, r.Coverage.Vacuous
	}
	return v
}

// CheckNames lists the system's checks and monitors, in order.
func (s *System) CheckNames() []string {
	var ns []string
	for _, c := range s.Checks {
		ns = append(ns, c.Name())
	}
	for _, m := range s.Monitors {
		ns = append(ns, m.Name())
	}
	return ns
}

// Keep is s with only the checks and monitors whose name keep accepts
// (s itself when it keeps them all). Checks only watch, so the
// executions are the same; a monitor's record is part of every state,
// so the system is rebuilt with the records of the monitors kept.
func (s *System) Keep(keep func(name string) bool) *System {
	c := s.Config
	c.Checks = slices.DeleteFunc(slices.Clone(c.Checks), func(ch Check) bool { return !keep(ch.Name()) })
	c.Monitors = slices.DeleteFunc(slices.Clone(c.Monitors), func(m Monitor) bool { return !keep(m.Name()) })
	if len(c.Checks) == len(s.Checks) && len(c.Monitors) == len(s.Monitors) {
		return s
	}
	if len(s.Monitors) > 0 {
		// s.Initial carries the records of s's monitors; the boot state
		// without them is the configuration's own.
		c.Initial = s.Initial.Clone()
		c.Initial.Records = nil
	}
	next, err := NewSystem(c)
	if err != nil {
		// NewSystem judges the configuration, which built once already;
		// the checks are not part of what it judges.
		panic("model: a configuration that built once does not build without some checks: " + err.Error())
	}
	return next
}
