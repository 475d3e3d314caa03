package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"runtime"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/ftcheck/ftcheck/memmodel/litmus"
)

const litmusUsage = `usage: ftcheck litmus [--model M] [--expect FILE] [--timeout D] [--json] PATHS...

Checks herd litmus tests (RISCV, AArch64, X86) under a memory model.
PATHS are .litmus files, folders (searched recursively) or herd index
files such as @all. --model is sc, tso, rvwmo, armv8 or armv8-ifetch
(default: the architecture's own model; AArch64 tests that modify or
fetch code, use cache maintenance, a fault handler or CacheType= get
armv8-ifetch, with the test's CTR_EL0.IDC/DIC). --expect compares with a
verdict file (CSV "path,0|1" or kinds "name Allowed|Forbidden|Required").
Exit status: 0 all good, 1 a disagreement with --expect, 2 input errors.
`

// main.go dispatches unknown subcommands through extraCommands.
func init() { extraCommands["litmus"] = cmdLitmus }

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
}

func cmdLitmus(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("litmus", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprint(stderr, litmusUsage) }
	model := fs.String("model", "", "memory model: sc, tso, rvwmo, armv8 or armv8-ifetch (default: per test)")
	expect := fs.String("expect", "", "verdict file to compare against")
	timeout := fs.Duration("timeout", 30*time.Second, "time bound per test")
	asJSON := fs.Bool("json", false, "print one JSON object per test and a summary object")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if fs.NArg() == 0 {
		fs.Usage()
		return 2
	}
	var expectations map[string]litmus.Expectation
	if *expect != "" {
		var err error
		if expectations, err = litmus.LoadExpectations(*expect); err != nil {
			fmt.Fprintln(stderr, err)
			return 2
		}
	}
	files, err := litmus.Discover(fs.Args())
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 2
	}
	start := time.Now()
	outcomes := litmusRunAll(files, litmus.Options{Model: *model, Timeout: *timeout}, expectations)
	wall := time.Since(start)

	enc := json.NewEncoder(stdout)
	for _, o := range outcomes {
		if o.Error != "" {
			fmt.Fprintln(stderr, o.Error)
		}
		if *asJSON {
			_ = enc.Encode(o)
			continue
		}
		litmusPrintOutcome(stdout, o)
	}
	sum := litmusSummarise(outcomes, wall)
	if *asJSON {
		_ = enc.Encode(sum)
	} else {
		litmusPrintSummary(stdout, sum, expectations != nil)
	}
	switch {
	case sum.Errors > 0:
		return 2
	case sum.Disagree > 0:
		return 1
	}
	return 0
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

func litmusRunOne(file string, opts litmus.Options, exp map[string]litmus.Expectation) litmusOutcome {
	o := litmusOutcome{File: file}
	t, err := litmus.ParseFile(file)
	if err != nil {
		o.Error = err.Error()
		return o
	}
	r := litmus.Run(t, opts)
	o.Name, o.Model, o.arch = t.Name, r.Model, t.Arch
	o.Executions, o.Consistent, o.Seconds = r.Executions, r.Consistent, r.Duration.Seconds()
	o.Unsupported, o.TimedOut = r.Unsupported, r.TimedOut
	if r.Unsupported == "" && !r.TimedOut {
		o.Verdict, o.Kind = r.Verdict.String(), r.Kind.String()
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
		fmt.Fprintf(w, "%-40s timeout after %d executions (%.2fs)\n", o.Name, o.Executions, o.Seconds)
	default:
		mark := ""
		if o.Agrees != nil && !*o.Agrees {
			mark = "  DISAGREES (expected " + o.Expected + ")"
		}
		fmt.Fprintf(w, "%-40s %-3s %-9s %7d executions %7.3fs%s\n", o.Name, o.Verdict, o.Kind, o.Executions, o.Seconds, mark)
	}
}

// litmusSummary aggregates a run, per architecture for the agreement table.
type litmusSummary struct {
	Tests       int                   `json:"tests"`
	Ok          int                   `json:"ok"`
	No          int                   `json:"no"`
	Unsupported int                   `json:"unsupported"`
	TimedOut    int                   `json:"timed_out"`
	Errors      int                   `json:"errors"`
	Agree       int                   `json:"agree"`
	Disagree    int                   `json:"disagree"`
	NoExpected  int                   `json:"no_expectation"`
	WallSeconds float64               `json:"wall_seconds"`
	PerArch     map[string]*litmusRow `json:"per_arch"`
	Disagreeing []string              `json:"disagreeing,omitempty"`
}

type litmusRow struct {
	Tests       int `json:"tests"`
	Compared    int `json:"compared"`
	Agree       int `json:"agree"`
	Unsupported int `json:"unsupported"`
	TimedOut    int `json:"timed_out"`
}

func litmusSummarise(outs []litmusOutcome, wall time.Duration) litmusSummary {
	s := litmusSummary{Tests: len(outs), WallSeconds: wall.Seconds(), PerArch: map[string]*litmusRow{}}
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
			if o.Error == "" && o.Unsupported == "" && !o.TimedOut {
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
	sort.Strings(s.Disagreeing)
	return s
}

func litmusPrintSummary(w io.Writer, s litmusSummary, withExpect bool) {
	fmt.Fprintf(w, "%d tests: %d Ok, %d No, %d unsupported, %d timed out, %d errors in %.1fs\n",
		s.Tests, s.Ok, s.No, s.Unsupported, s.TimedOut, s.Errors, s.WallSeconds)
	if !withExpect {
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
		pct := 100.0
		if r.Compared > 0 {
			pct = 100 * float64(r.Agree) / float64(r.Compared)
		}
		fmt.Fprintf(w, "%-8s %7d %9d %7d %8.2f%% %12d %9d\n", a, r.Tests, r.Compared, r.Agree, pct, r.Unsupported, r.TimedOut)
	}
	fmt.Fprintf(w, "agreement: %d/%d, %d without a verdict\n", s.Agree, s.Agree+s.Disagree, s.NoExpected)
}
