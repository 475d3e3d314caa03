package main

import (
	"fmt"
	"io"
	"reflect"
	"slices"

	"github.com/ftcheck/ftcheck/model"
)

// cmdMerge combines the JSON reports of the N shards of one search
// (explore --shard K/N --json) into one verdict.
func cmdMerge(args []string, stdout, stderr io.Writer) int {
	fs := newCmdFlags("merge", commandHelp("merge", `
Reads the JSON reports of all N shards of one search (explore --shard K/N
--json), checks they are slices of the same search (tool, scenario, every
option and bound that decides the state graph), and gives the verdict of
the whole search with the exit status of explore.
`[1:]))
	asJSON := fs.Bool("json", false, "write the merged result as JSON")
	files, err := fs.parse(args, stdout, stderr)
	if err != nil {
		return exitCodeOf(err)
	}
	if len(files) == 0 {
		return fs.usageError(stderr, "give the shards' reports")
	}
	var reps []Report
	for _, file := range files {
		r, err := readReport("merge", file)
		if err != nil {
			fmt.Fprintln(stderr, err)
			return exitUsage
		}
		if err := checkShard(file, r); err != nil {
			fmt.Fprintln(stderr, err)
			return exitUsage
		}
		reps = append(reps, r)
	}
	n := reps[0].Shard.N
	if len(reps) != n {
		fmt.Fprintf(stderr, "ftcheck merge: %d reports for a search split in %d shards: give all %d, each once\n", len(reps), n, n)
		return exitUsage
	}
	results := make([]model.Result, n)
	seen := make([]bool, n)
	for i, r := range reps {
		if why := sameSearch(reps[0], r); why != "" {
			fmt.Fprintf(stderr, "%s: shard of another search than %s: %s\n", fs.Arg(i), fs.Arg(0), why)
			return exitUsage
		}
		if seen[r.Shard.K-1] {
			fmt.Fprintf(stderr, "%s: shard %d/%d given twice\n", fs.Arg(i), r.Shard.K, n)
			return exitUsage
		}
		seen[r.Shard.K-1] = true
		results[r.Shard.K-1] = r.Result
	}
	merged, err := model.Merge(results)
	if err != nil {
		fmt.Fprintf(stderr, "ftcheck merge: %v\n", err)
		return exitUsage
	}
	rep := reps[0]
	rep.Shard, rep.Result = nil, merged
	if *asJSON {
		if err := writeJSON(stdout, rep); err != nil {
			fmt.Fprintf(stderr, "ftcheck merge: %v\n", err)
			return exitUsage
		}
		return exitCode(merged.Outcome)
	}
	sys, changed, err := reportSystem(rep)
	if err != nil {
		fmt.Fprintf(stderr, "ftcheck merge: %v\n", err)
		return exitUsage
	}
	if changed != "" {
		fmt.Fprintf(stdout, "note: %s; the shards' own copy is used\n", changed)
	}
	fmt.Fprintf(stdout, "merged %d shards (states and transitions summed; the levels before the split are counted in every shard)\n", n)
	writeText(stdout, rep, sys)
	return exitCode(merged.Outcome)
}

// maxShards bounds N: a split finer than this has shards of a few states
// each, and merge would allocate per shard.
const maxShards = 1 << 16

// checkShard refuses a report that is no shard of this ftcheck's: no
// shard field, K outside 1..N, N outside 1..maxShards, an outcome a
// shard's own run never has, a violation without its trace.
func checkShard(file string, r Report) error {
	switch {
	case r.Shard == nil:
		return fmt.Errorf("%s:1:1: not a shard report (run explore with --shard K/N --json)", file)
	case r.Format != reportFormat:
		return fmt.Errorf("%s:1:1: a shard report of format %d; merge reads format %d (rerun the shards with this ftcheck)", file, r.Format, reportFormat)
	case r.Shard.N < 1 || r.Shard.N > maxShards:
		return fmt.Errorf("%s:1:1: shard.n = %d: want 1 to %d", file, r.Shard.N, maxShards)
	case r.Shard.K < 1 || r.Shard.K > r.Shard.N:
		return fmt.Errorf("%s:1:1: shard.k = %d: want 1 to shard.n = %d", file, r.Shard.K, r.Shard.N)
	case r.Search == nil:
		return fmt.Errorf("%s:1:1: the report does not say how its search was made (no search field)", file)
	case r.Outcome == model.Violated && (len(r.Trace) == 0 || r.Violation == nil):
		return fmt.Errorf("%s:1:1: a violation without its trace or check", file)
	case r.Outcome == model.Safe || r.Outcome == model.Vacuous:
		return fmt.Errorf("%s:1:1: outcome %q, which no shard's own run reports", file, r.Outcome)
	}
	return nil
}

// sameSearch says how two shard reports' searches differ, "" if they are
// slices of one: the same ftcheck, scenario, options, bounds, search
// settings and N.
func sameSearch(a, b Report) string {
	switch {
	case a.Tool != b.Tool || a.Revision != b.Revision:
		return fmt.Sprintf("made by %s %s, not %s %s", b.Tool, b.Revision, a.Tool, a.Revision)
	case a.Protocol != b.Protocol || a.ScenarioSHA256 != b.ScenarioSHA256:
		return "another protocol or scenario text"
	case !reflect.DeepEqual(a.Options, b.Options):
		return fmt.Sprintf("options %+v, not %+v", b.Options, a.Options)
	case !slices.Equal(a.Checks, b.Checks):
		return fmt.Sprintf("checks %v, not %v", b.Checks, a.Checks)
	case a.Bounds != b.Bounds:
		return fmt.Sprintf("bounds %+v, not %+v", b.Bounds, a.Bounds)
	case *a.Search != *b.Search:
		return fmt.Sprintf("search settings %+v, not %+v", *b.Search, *a.Search)
	case a.Shard.N != b.Shard.N:
		return fmt.Sprintf("split in %d shards, not %d", b.Shard.N, a.Shard.N)
	}
	return ""
}
