package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"reflect"

	"github.com/ftcheck/ftcheck/model"
)

func init() { extraCommands["merge"] = cmdMerge }

// cmdMerge combines the JSON reports of the N shards of one search
// (explore --shard K/N --json) into one verdict.
func cmdMerge(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("merge", flag.ContinueOnError)
	fs.SetOutput(stderr)
	asJSON := fs.Bool("json", false, "write the merged result as JSON")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: ftcheck merge [--json] SHARD.json...   (reports of explore --shard K/N --json)")
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitSafe
		}
		return exitUsage
	}
	if fs.NArg() == 0 {
		fs.Usage()
		return exitUsage
	}
	var reps []Report
	for _, file := range fs.Args() {
		r, err := readReport("merge", file)
		if err != nil {
			fmt.Fprintln(stderr, err)
			return exitUsage
		}
		if r.Shard == nil {
			fmt.Fprintf(stderr, "%s:1:1: not a shard report (run explore with --shard K/N --json)\n", file)
			return exitUsage
		}
		reps = append(reps, r)
	}
	n := reps[0].Shard.N
	results := make([]model.Result, n)
	seen := make([]bool, n)
	for i, r := range reps {
		if r.Format != reps[0].Format || r.Protocol != reps[0].Protocol || r.Scenario != reps[0].Scenario || !reflect.DeepEqual(r.Options, reps[0].Options) || r.Shard.N != n {
			fmt.Fprintf(stderr, "%s: shard of another search (protocol, options, N or report format differ from %s)\n", fs.Arg(i), fs.Arg(0))
			return exitUsage
		}
		if seen[r.Shard.K-1] {
			fmt.Fprintf(stderr, "%s: shard %d/%d given twice\n", fs.Arg(i), r.Shard.K, n)
			return exitUsage
		}
		seen[r.Shard.K-1] = true
		results[r.Shard.K-1] = r.Result
	}
	for k, ok := range seen {
		if !ok {
			fmt.Fprintf(stderr, "ftcheck merge: shard %d/%d is missing\n", k+1, n)
			return exitUsage
		}
	}
	merged, err := model.Merge(results)
	if err != nil {
		fmt.Fprintf(stderr, "ftcheck merge: %v\n", err)
		return exitUsage
	}
	rep := Report{Tool: toolVersion, Format: reps[0].Format, Protocol: reps[0].Protocol, Scenario: reps[0].Scenario, Options: reps[0].Options, Result: merged}
	if *asJSON {
		if err := writeJSON(stdout, rep); err != nil {
			fmt.Fprintf(stderr, "ftcheck merge: %v\n", err)
			return exitUsage
		}
		return exitCode(merged.Outcome)
	}
	sys, err := reportSystem(rep)
	if err != nil {
		fmt.Fprintf(stderr, "ftcheck merge: %v\n", err)
		return exitUsage
	}
	fmt.Fprintf(stdout, "merged %d shards (states and transitions summed; the levels before the split are counted in every shard)\n", n)
	writeText(stdout, rep, sys)
	return exitCode(merged.Outcome)
}
