package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/ftcheck/ftcheck/model"
	"github.com/ftcheck/ftcheck/patchproto"
	"github.com/ftcheck/ftcheck/patchproto/scenario"
)

const toolVersion = "ftcheck 0.1"

// paramFlags collects --param NAME=VALUE (repeatable).
type paramFlags map[string]string

func (p paramFlags) String() string { return "" }
func (p paramFlags) Set(s string) error {
	k, v, ok := strings.Cut(s, "=")
	if !ok || k == "" || v == "" {
		return fmt.Errorf("want NAME=VALUE, got %q", s)
	}
	p[k] = v
	return nil
}

// exploreFlags are explore's options. A scenario's own values (its
// bounds, its parameters' first values) hold unless a flag is given.
type exploreFlags struct {
	fs    *cmdFlags
	proto *string
	configFlags
	asJSON   *bool
	noReduce *bool
	noSym    *bool
	checks   *string
	first    *bool
	progress *bool
	views    *viewFlags
	search   *searchFlags
	// reports collects the reports of several files under --json, which
	// are written as one JSON array at the end.
	reports *[]Report
}

// exploreHelp describes explore above its options.
const exploreHelp = `
Explores every interleaving of the harts running the traced code with the
patcher running its protocol, within the bounds, and reports each check's
verdict: a minimal trace for a violation, or "no violation" with the
states explored and what of the patch the harts exercised. Unset options
keep the scenario's own values.

exit status: 0 safe, 1 violation, 2 bad input, 3 incomplete search (or one
shard), 4 vacuous (nothing of the patch was exercised: not a proof)
`

func newExploreFlags() *exploreFlags {
	fs := newCmdFlags("explore", commandHelp("explore", exploreHelp[1:]))
	f := &exploreFlags{fs: fs, configFlags: configFlags{params: paramFlags{}}}
	f.proto = fs.String("protocol", "", "built-in protocol to explore (see ftcheck list)")
	f.asJSON = fs.Bool("json", false, "write the result and its trace as JSON on stdout")
	f.noReduce = fs.Bool("no-reduce", false, "explore every interleaving (no partial-order reduction)")
	f.noSym = fs.Bool("no-symmetry", false, "keep states that differ only by hart numbering apart")
	f.progress = fs.Bool("progress", true, "show progress on stderr for runs over two seconds")
	f.checks = fs.String("check", "", "check only these: `NAME[,NAME...]` of the scenario's checks (default: all)")
	f.first = fs.Bool("first-violation", false, "stop at the first violation of any check (what an expect line judges) instead of deciding every check")
	fs.StringVar(&f.opt.Variant, "variant", "", "the variant parameter (default: the scenario's first)")
	fs.StringVar(&f.opt.Op, "op", "", "the op parameter: enable, disable or change (default: the scenario's first)")
	fs.Var(f.params, "param", "set a scenario parameter: `NAME=VALUE` (repeatable)")
	fs.IntVar(&f.opt.Harts, "harts", 0, "CPUs running traced code, besides the patcher (default: the scenario's, 2 for the built-ins)")
	fs.IntVar(&f.opt.Preempt, "preempt", patchproto.DefaultPreempt, "preemptions per task, 0: non-preemptible kernel (default: the scenario's)")
	fs.IntVar(&f.opt.Calls, "calls", 0, "calls of the traced function per hart (default: the scenario's, 1 for the built-ins)")
	fs.StringVar(&f.opt.Memory, "memory", "", "memory model, see ftcheck list (default: the scenario's, else the architecture's own: rvwmo, armv8, tso)")
	fs.IntVar(&f.bounds.MaxStates, "max-states", 0, "stop after this many states (0: no bound)")
	fs.IntVar(&f.bounds.MaxDepth, "max-depth", 0, "stop at this search depth (0: no bound)")
	fs.DurationVar(&f.bounds.Timeout, "timeout", 0, "stop after this long, e.g. 30s (0: no bound)")
	f.views = registerViewFlags(fs.FlagSet)
	f.search = registerSearchFlags(fs.FlagSet)
	return f
}

func cmdExplore(args []string, stdout, stderr io.Writer) int {
	f := newExploreFlags()
	files, err := f.fs.parse(args, stdout, stderr)
	if err != nil {
		return exitCodeOf(err)
	}
	switch {
	case *f.proto != "" && len(files) > 0:
		return f.fs.usageError(stderr, "give scenario files or --protocol, not both (got %q)", files[0])
	case *f.proto == "" && len(files) == 0:
		return f.fs.usageError(stderr, "give a scenario FILE or --protocol NAME")
	}
	if hint := builtinHint(files); hint != "" {
		return f.fs.usageError(stderr, "%s", hint)
	}
	given := flagsGiven(f.fs.FlagSet)
	if err := f.check(given); err != nil {
		fmt.Fprintf(stderr, "ftcheck explore: %v\n", err)
		return exitUsage
	}
	if err := f.views.check(*f.asJSON); err != nil {
		fmt.Fprintf(stderr, "ftcheck explore: %v\n", err)
		return exitUsage
	}
	if len(files) > 1 && (f.views.html != "" || f.views.dot != "" || f.views.svg != "") {
		fmt.Fprintln(stderr, "ftcheck explore: --html, --dot and --svg draw one result; give one file")
		return exitUsage
	}
	ctx, stop := interruptContext()
	defer stop()
	if *f.proto != "" {
		p, err := patchproto.Lookup(*f.proto)
		if err != nil {
			fmt.Fprintf(stderr, "ftcheck explore: --protocol: %v\n", err)
			return exitUsage
		}
		return f.exploreOne(ctx, p, "", given, stdout, stderr)
	}
	worst := exitSafe
	if *f.asJSON && len(files) > 1 {
		f.reports = new([]Report)
		defer func() {
			if err := writeJSON(stdout, *f.reports); err != nil {
				fmt.Fprintf(stderr, "ftcheck explore: %v\n", err)
			}
		}()
	}
	for i, file := range files {
		if i > 0 && !*f.asJSON {
			fmt.Fprintln(stdout)
		}
		code := exitUsage
		if p, err := patchproto.Load(file); err != nil {
			fmt.Fprintf(stderr, "%v\n", err)
		} else {
			code = f.exploreOne(ctx, p, file, given, stdout, stderr)
		}
		worst = worse(worst, code)
		if ctx.Err() != nil {
			break
		}
	}
	return worst
}

// worse orders exit codes by how much they say: bad input (2) over a
// violation (1) over an incomplete search (3) over a vacuous one (4)
// over safe (0).
func worse(a, b int) int {
	rank := map[int]int{exitSafe: 0, exitVacuous: 1, exitIncomplete: 2, exitViolation: 3, exitUsage: 4}
	if rank[b] > rank[a] {
		return b
	}
	return a
}

func (f *exploreFlags) exploreOne(ctx context.Context, p *patchproto.Protocol, file string, given map[string]bool, stdout, stderr io.Writer) int {
	name := p.Name
	if file != "" {
		name = file
	}
	opt, err := f.options(p, given)
	if err != nil {
		fmt.Fprintf(stderr, "%v\n", err)
		return exitUsage
	}
	c, err := p.Configure(opt)
	if err != nil {
		var pe *scenario.Error
		if errors.As(err, &pe) {
			fmt.Fprintln(stderr, pe) // file:line:col: message
		} else {
			fmt.Fprintf(stderr, "ftcheck explore: %s: %v\n", name, err)
		}
		return exitUsage
	}
	if *f.checks != "" {
		if err := c.SelectChecks(strings.Split(*f.checks, ",")); err != nil {
			fmt.Fprintf(stderr, "ftcheck explore: %s: %v\n", name, err)
			return exitUsage
		}
	}
	sys := c.System
	over := f.overrides(given, model.Options{NoReduce: *f.noReduce, NoSymmetry: *f.noSym})
	over.EveryCheck = !*f.first
	if err := f.search.apply(&over.Engine); err != nil {
		fmt.Fprintf(stderr, "ftcheck explore: %v\n", err)
		return exitUsage
	}
	if *f.progress {
		start := time.Now()
		over.Engine.Progress = func(s model.Stats) {
			if time.Since(start) < 2*time.Second {
				return
			}
			rate := float64(s.States) / s.Elapsed.Seconds()
			fmt.Fprintf(stderr, "ftcheck: %d states (%.0f/s), %d transitions, depth %d, queue %d, heap %d MiB\n",
				s.States, rate, s.Transitions, s.Depth, s.Queue, s.PeakHeap>>20)
		}
	}
	stopProfile, err := f.search.profile()
	if err != nil {
		fmt.Fprintf(stderr, "ftcheck explore: %v\n", err)
		return exitUsage
	}
	// The header says what is being searched before the search starts, so
	// a long run shows its configuration at once.
	textOut := !*f.asJSON && f.views.format != "email"
	if textOut {
		writeHeader(stdout, newReport(p, file, c.Options, c.SearchOptions(over), model.Result{}), sys)
	}
	mo, res := c.Run(ctx, over)
	stopProfile()
	rep := newReport(p, file, c.Options, mo, res)
	rep.Checks = sys.CheckNames()
	if f.reports != nil {
		*f.reports = append(*f.reports, rep)
	} else if *f.asJSON {
		if err := writeJSON(stdout, rep); err != nil {
			fmt.Fprintf(stderr, "ftcheck explore: %v\n", err)
			return exitUsage
		}
	} else if done, err := f.views.writeStdout(stdout, rep, sys); err != nil {
		fmt.Fprintf(stderr, "ftcheck explore: %v\n", err)
		return exitUsage
	} else if !done {
		writeVerdict(stdout, rep, sys)
	}
	if err := f.views.writeFiles(rep, sys); err != nil {
		fmt.Fprintf(stderr, "ftcheck explore: %v\n", err)
		return exitUsage
	}
	return exitCode(res.Outcome)
}

func exitCode(o model.Outcome) int {
	switch o {
	case model.Safe:
		return exitSafe
	case model.Violated:
		return exitViolation
	case model.Vacuous:
		return exitVacuous
	}
	return exitIncomplete // incomplete, or one shard's slice
}
