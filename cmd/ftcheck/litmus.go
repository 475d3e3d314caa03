package main

import (
	"encoding/json"
	"fmt"
	"io"
	"runtime"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/ftcheck/ftcheck/memmodel"
	"github.com/ftcheck/ftcheck/memmodel/litmus"
)

const litmusHelp = `
Checks herd litmus tests (RISCV, AArch64, X86) under a memory model.
PATHS are .litmus files, folders (searched recursively) or herd index
files such as @all. --model is sc, tso, rvwmo, armv8 or armv8-ifetch, or
herd's cat file name for one (sc.cat, x86tso.cat, riscv.cat, aarch64.cat);
the default is the architecture's own model (AArch64 tests that modify or
fetch code, use cache maintenance, a fault handler or CacheType= get
armv8-ifetch, with the test's CTR_EL0.IDC/DIC). --expect compares with a
verdict file (CSV "path,0|1" or kinds "name Allowed|Forbidden|Required").
--format herd prints herd7's own log for each test (for mcompare7/msum7);
--json is --format json. --engine machine runs each test on the
operational machine the protocols run on (one hart per thread, the
operational memory model of that name, promises included) instead of the
axiomatic checker; it takes plain loads, stores, ALU operations, branches
and barriers, and refuses anything else (acquire/release, exclusives,
AMOs, instruction fetch) at its position; its counts are final states.

Exit status:
  0  every test was decided (and, with --expect, agrees; at least one
     was compared)
  1  a test disagrees with --expect
  2  bad input: a malformed file (file:line:col: ...), a test using an
     instruction or feature the checker does not model, a bad flag
  3  incomplete: no test found, a test timed out, or --expect matched
     no test
A worse status wins in the order 2, 1, 3.
`

// litmusOutcome is one test's line of output.
type litmusOutcome struct {
	File        string  `json:"file"`
	Name        string  `json:"name,omitempty"`
	Model       string  `json:"model,omitempty"`
	Verdict     string  `json:"verdict,omitempty"`
	Kind        string  `json:"kind,omitempty"`
	Executions  int     `json:"executions"`
	Consistent  int     `json:"consistent"`
	Seconds     float64 `json:"seconds"`
	Unsupported string  `json:"unsupported,omitempty"`
	TimedOut    bool    `json:"timed_out,omitempty"`
	Error       string  `json:"error,omitempty"`
	Expected    string  `json:"expected,omitempty"`
	Agrees      *bool   `json:"agrees,omitempty"`

	arch string
	// herd is the test's log in herd7's format (--format herd).
	herd string
}

func cmdLitmus(args []string, stdout, stderr io.Writer) int {
	fs := newCmdFlags("litmus", commandHelp("litmus", litmusHelp[1:]))
	model := fs.String("model", "", "memory model: sc, tso, rvwmo, armv8, armv8-ifetch or a herd cat file name (default: per test)")
	engine := fs.String("engine", "axiomatic", "axiomatic (the exact checker) or machine (the operational machine)")
	expect := fs.String("expect", "", "verdict file to compare against")
	timeout := fs.Duration("timeout", 30*time.Second, "time bound per test")
	asJSON := fs.Bool("json", false, "same as --format json")
	format := fs.String("format", "text", "output: text, json (one object per test and a summary) or herd (herd7's log)")
	paths, err := fs.parse(args, stdout, stderr)
	if err != nil {
		return exitCodeOf(err)
	}
	if *asJSON {
		*format = "json"
	}
	switch *format {
	case "text", "json", "herd":
	default:
		fmt.Fprintf(stderr, "ftcheck litmus: unknown --format %q: want text, json or herd\n", *format)
		return exitUsage
	}
	if *engine != "axiomatic" && *engine != "machine" {
		fmt.Fprintf(stderr, "ftcheck litmus: unknown --engine %q: want axiomatic or machine\n", *engine)
		return exitUsage
	}
	litmusMachine = *engine == "machine"
	resolved, err := litmus.ResolveModel(*model)
	if err != nil {
		fmt.Fprintf(stderr, "ftcheck litmus: %v\n", err)
		return exitUsage
	}
	if len(paths) == 0 {
		return fs.usageError(stderr, "give litmus files or folders")
	}
	var expectations map[string]litmus.Expectation
	if *expect != "" {
		if expectations, err = litmus.LoadExpectations(*expect); err != nil {
			fmt.Fprintln(stderr, err)
			return exitUsage
		}
	}
	files, err := litmus.Discover(paths)
	if err != nil {
		fmt.Fprintln(stderr, err)
		return exitUsage
	}
	if len(files) == 0 {
		// The summary follows (and the exit status is 3): an empty
		// folder or index checks nothing.
		fmt.Fprintf(stderr, "ftcheck litmus: no .litmus files in %s\n", strings.Join(fs.Args(), " "))
	}
	start := time.Now()
	opts := litmus.Options{Model: resolved, Timeout: *timeout, States: *format == "herd"}
	outcomes := litmusRunAll(files, opts, expectations)
	wall := time.Since(start)

	enc := json.NewEncoder(stdout)
	for _, o := range outcomes {
		if msg := litmusProblem(o); msg != "" {
			fmt.Fprintln(stderr, msg)
		}
		switch *format {
		case "json":
			_ = enc.Encode(o)
		case "herd":
			fmt.Fprint(stdout, o.herd)
		default:
			litmusPrintOutcome(stdout, o)
		}
	}
	sum := litmusSummarise(outcomes, wall, expectations != nil)
	switch *format {
	case "json":
		_ = enc.Encode(sum)
	case "herd":
		// herd's tools read stdout as a log; the summary would be a
		// test they cannot parse.
		litmusPrintSummary(stderr, sum, expectations != nil)
	default:
		litmusPrintSummary(stdout, sum, expectations != nil)
	}
	return sum.Exit
}

// litmusProblem is the stderr line for a test that was not decided:
// file:line:col: what is wrong, or "" for a decided test.
func litmusProblem(o litmusOutcome) string {
	switch {
	case o.Error != "":
		return o.Error
	case o.Unsupported != "":
		// Unsupported reasons are "line:col: what" when the reader
		// found them, plain when a bound of the checker did.
		if pos, what, ok := strings.Cut(o.Unsupported, ": "); ok && strings.Count(pos, ":") == 1 && strings.Trim(pos, "0123456789:") == "" {
			return fmt.Sprintf("%s:%s: not supported: %s", o.File, pos, what)
		}
		return fmt.Sprintf("%s:1:1: not supported: %s", o.File, o.Unsupported)
	case o.TimedOut:
		return fmt.Sprintf("%s: not decided: timed out after %d executions (%.2fs)", o.File, o.Executions, o.Seconds)
	}
	return ""
}

// litmusRunAll checks files on GOMAXPROCS workers, keeping input order.
func litmusRunAll(files []string, opts litmus.Options, exp map[string]litmus.Expectation) []litmusOutcome {
	out := make([]litmusOutcome, len(files))
	jobs := make(chan int)
	var wg sync.WaitGroup
	for w := 0; w < runtime.GOMAXPROCS(0); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range jobs {
				out[i] = litmusRunOne(files[i], opts, exp)
			}
		}()
	}
	for i := range files {
		jobs <- i
	}
	close(jobs)
	wg.Wait()
	return out
}

// litmusMachine: --engine machine (set once, before the workers start).
var litmusMachine bool

// runOnMachine runs t on the operational machine under the model opts
// names, or the architecture's default.
func runOnMachine(t *litmus.Test, opts litmus.Options) litmus.Result {
	name := opts.Model
	if name == "" {
		name = litmus.DefaultModel(t.Arch)
	}
	mem, err := memmodel.New(name)
	if err != nil {
		return litmus.Result{Test: t.Name, Model: name, Unsupported: "the machine engine has no operational model " + name}
	}
	mm, ok := mem.(litmus.MachineMemory)
	if !ok {
		return litmus.Result{Test: t.Name, Model: name, Unsupported: "model " + name + " cannot report final values"}
	}
	return litmus.RunMachine(t, mm, opts)
}

func litmusRunOne(file string, opts litmus.Options, exp map[string]litmus.Expectation) litmusOutcome {
	o := litmusOutcome{File: file}
	t, err := litmus.ParseFile(file)
	if err != nil {
		o.Error = err.Error()
		return o
	}
	var r litmus.Result
	if litmusMachine {
		r = runOnMachine(t, opts)
	} else {
		r = litmus.Run(t, opts)
	}
	o.Name, o.Model, o.arch = t.Name, r.Model, t.Arch
	o.Executions, o.Consistent, o.Seconds = r.Executions, r.Consistent, r.Duration.Seconds()
	o.Unsupported, o.TimedOut = r.Unsupported, r.TimedOut
	if r.Unsupported == "" && !r.TimedOut {
		o.Verdict, o.Kind = r.Verdict.String(), r.Kind.String()
		if opts.States {
			o.herd = litmus.HerdLog(t, r)
		}
	}
	if exp != nil {
		if e, ok := litmus.LookupExpectation(exp, file); ok {
			o.Expected = e.String()
			if o.Verdict != "" {
				agrees := e.Agrees(r)
				o.Agrees = &agrees
			}
		}
	}
	return o
}

func litmusPrintOutcome(w io.Writer, o litmusOutcome) {
	switch {
	case o.Error != "":
		fmt.Fprintf(w, "%-40s error\n", o.File)
	case o.Unsupported != "":
		fmt.Fprintf(w, "%-40s unsupported: %s\n", o.Name, o.Unsupported)
	case o.TimedOut:
		fmt.Fprintf(w, "%-40s %-12s timeout after %d executions (%.2fs)\n", o.Name, o.Model, o.Executions, o.Seconds)
	default:
		mark := ""
		if o.Agrees != nil && !*o.Agrees {
			mark = "  DISAGREES (expected " + o.Expected + ")"
		}
		fmt.Fprintf(w, "%-40s %-3s %-9s %-12s %7d executions %7.3fs%s\n", o.Name, o.Verdict, o.Kind, o.Model, o.Executions, o.Seconds, mark)
	}
}

// litmusSummary aggregates a run, per architecture for the agreement table.
type litmusSummary struct {
	Tests       int `json:"tests"`
	Ok          int `json:"ok"`
	No          int `json:"no"`
	Unsupported int `json:"unsupported"`
	TimedOut    int `json:"timed_out"`
	Errors      int `json:"errors"`
	// Decided tests got a verdict; Compared ones also had one in the
	// verdict file (Agree + Disagree).
	Decided     int                   `json:"decided"`
	Compared    int                   `json:"compared"`
	Agree       int                   `json:"agree"`
	Disagree    int                   `json:"disagree"`
	NoExpected  int                   `json:"no_expectation"`
	WallSeconds float64               `json:"wall_seconds"`
	Models      map[string]int        `json:"models"`
	PerArch     map[string]*litmusRow `json:"per_arch"`
	Disagreeing []string              `json:"disagreeing,omitempty"`
	Exit        int                   `json:"exit"`
}

type litmusRow struct {
	Tests       int `json:"tests"`
	Compared    int `json:"compared"`
	Agree       int `json:"agree"`
	Unsupported int `json:"unsupported"`
	TimedOut    int `json:"timed_out"`
}

func litmusSummarise(outs []litmusOutcome, wall time.Duration, withExpect bool) litmusSummary {
	s := litmusSummary{Tests: len(outs), WallSeconds: wall.Seconds(), Models: map[string]int{}, PerArch: map[string]*litmusRow{}}
	for _, o := range outs {
		arch := o.arch
		if arch == "" {
			arch = "?"
		}
		row := s.PerArch[arch]
		if row == nil {
			row = &litmusRow{}
			s.PerArch[arch] = row
		}
		row.Tests++
		if o.Model != "" {
			s.Models[o.Model]++
		}
		switch {
		case o.Error != "":
			s.Errors++
		case o.Unsupported != "":
			s.Unsupported++
			row.Unsupported++
		case o.TimedOut:
			s.TimedOut++
			row.TimedOut++
		case o.Verdict == "Ok":
			s.Ok++
		default:
			s.No++
		}
		switch {
		case o.Agrees == nil:
			if o.Verdict != "" {
				s.NoExpected++
			}
		case *o.Agrees:
			s.Agree++
			row.Compared++
			row.Agree++
		default:
			s.Disagree++
			row.Compared++
			s.Disagreeing = append(s.Disagreeing, o.Name)
		}
	}
	s.Decided = s.Ok + s.No
	s.Compared = s.Agree + s.Disagree
	sort.Strings(s.Disagreeing)
	s.Exit = litmusExit(s, withExpect)
	return s
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// litmusExit is the run's exit status. Bad input wins, because the
// verdicts of the other tests say nothing about the refused ones; then a
// disagreement, a definite finding; then a run that decided too little
// to be trusted: nothing to check, a timeout, or a verdict file that
// matched no test (most likely the wrong file).
func litmusExit(s litmusSummary, withExpect bool) int {
	switch {
	case s.Errors > 0 || s.Unsupported > 0:
		return exitUsage
	case s.Disagree > 0:
		return exitViolation
	case s.TimedOut > 0 || s.Decided == 0 || withExpect && s.Compared == 0:
		return exitIncomplete
	}
	return exitSafe
}

// notDecided says which tests got no verdict and why, or "".
func (s litmusSummary) notDecided() string {
	n := s.Tests - s.Decided
	if n == 0 {
		return ""
	}
	var why []string
	for _, c := range []struct {
		n    int
		what string
	}{{s.TimedOut, "timed out"}, {s.Unsupported, "unsupported instruction or feature"}, {s.Errors, "input errors"}} {
		if c.n > 0 {
			why = append(why, fmt.Sprintf("%d %s", c.n, c.what))
		}
	}
	return fmt.Sprintf(" (%d not decided: %s)", n, strings.Join(why, ", "))
}

func litmusPrintSummary(w io.Writer, s litmusSummary, withExpect bool) {
	fmt.Fprintf(w, "%d tests: %d Ok, %d No, %d unsupported, %d timed out, %d errors in %.1fs\n",
		s.Tests, s.Ok, s.No, s.Unsupported, s.TimedOut, s.Errors, s.WallSeconds)
	var models []string
	for m, n := range s.Models {
		models = append(models, fmt.Sprintf("%s (%d %s)", m, n, plural(n, "test", "tests")))
	}
	sort.Strings(models)
	if len(models) > 0 {
		fmt.Fprintf(w, "model: %s\n", strings.Join(models, ", "))
	}
	if !withExpect {
		fmt.Fprintf(w, "decided %d/%d tests%s\n", s.Decided, s.Tests, s.notDecided())
		return
	}
	if len(s.Disagreeing) > 0 {
		fmt.Fprintf(w, "disagreements: %s\n", strings.Join(s.Disagreeing, " "))
	}
	fmt.Fprintf(w, "%-8s %7s %9s %7s %9s %12s %9s\n", "arch", "tests", "compared", "agree", "agree%", "unsupported", "timeouts")
	var archs []string
	for a := range s.PerArch {
		archs = append(archs, a)
	}
	sort.Strings(archs)
	for _, a := range archs {
		r := s.PerArch[a]
		// No percentage of nothing: 0 compared is not 100% agreement.
		pct := "-"
		if r.Compared > 0 {
			pct = fmt.Sprintf("%.2f%%", 100*float64(r.Agree)/float64(r.Compared))
		}
		fmt.Fprintf(w, "%-8s %7d %9d %7d %9s %12d %9d\n", a, r.Tests, r.Compared, r.Agree, pct, r.Unsupported, r.TimedOut)
	}
	fmt.Fprintf(w, "agree %d/%d compared, %d decided without a verdict%s\n", s.Agree, s.Compared, s.NoExpected, s.notDecided())
}
