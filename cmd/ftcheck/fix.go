package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
	"sync"
	"time"

	"github.com/ftcheck/ftcheck/model"
	"github.com/ftcheck/ftcheck/patchproto"
	"github.com/ftcheck/ftcheck/patchproto/fix"
	"github.com/ftcheck/ftcheck/patchproto/scenario"
)

// fixHelp describes fix above its options.
const fixHelp = `
Suggests the smallest edits of the scenario file that make its violated
checks safe: a stronger barrier in place of a weaker one (smp_wmb ->
smp_mb), or a fence, a local fetch barrier, an icache maintenance
sequence (arm64) or an IPI sync added between two of the patcher's
steps. Each candidate is an edit of the file, read again and proven by
the full search with the same options and bounds: every check the input
violated must be safe, none it proved may fail, and the search must be
complete and not vacuous. Sets of 1 edit are tried first, then of 2, up
to --max-edits; within a size the cheapest candidates first (a weaker
barrier before a stronger, an IPI last; --all tries every one). Each fix
is printed as a unified diff of the scenario file. See docs/fix.md.

exit status: 0 a fix found (or nothing to fix: every check safe),
1 no fix of at most --max-edits edits, 2 bad input, 3 stopped (Ctrl-C,
or a bound left candidates undecided) before an answer, 4 the input is
vacuous (nothing of the patch was exercised: nothing to fix)
`

type fixFlags struct {
	fs            *cmdFlags
	proto, checks *string
	configFlags
	noReduce, noSym     *bool
	progress, all       *bool
	maxEdits, jobs      *int
	format              *string
	maxMemory           *string
	workers             *int
	showAllPlaces       *bool
	stdoutMu            sync.Mutex
	lastProgress, start time.Time
}

func newFixFlags() *fixFlags {
	fs := newCmdFlags("fix", commandHelp("fix", fixHelp[1:]))
	f := &fixFlags{fs: fs, configFlags: configFlags{params: paramFlags{}}}
	f.proto = fs.String("protocol", "", "built-in protocol to fix (see ftcheck list)")
	f.checks = fs.String("check", "", "only these: `NAME[,NAME...]` of the scenario's checks (default: all)")
	f.maxEdits = fs.Int("max-edits", 2, "the largest fix searched, in edits")
	f.all = fs.Bool("all", false, "search every candidate of the smallest size with a fix, not only the cheapest")
	f.jobs = fs.Int("jobs", 1, "candidates searched at once (2 may help on an idle 2-core machine; on a loaded one it found fixes later: docs/fix.md)")
	f.workers = fs.Int("workers", 1, "goroutines expanding each candidate's search (results do not depend on it)")
	f.format = fs.String("format", "text", "stdout format: text, or email (72 columns, to paste into a reply)")
	f.progress = fs.Bool("progress", true, "show progress on stderr for runs over two seconds")
	f.noReduce = fs.Bool("no-reduce", false, "explore every interleaving (no partial-order reduction)")
	f.noSym = fs.Bool("no-symmetry", false, "keep states that differ only by hart numbering apart")
	fs.StringVar(&f.opt.Variant, "variant", "", "the variant parameter (default: the scenario's first)")
	fs.StringVar(&f.opt.Op, "op", "", "the op parameter: enable, disable or change (default: the scenario's first)")
	fs.Var(f.params, "param", "set a scenario parameter: `NAME=VALUE` (repeatable)")
	fs.IntVar(&f.opt.Harts, "harts", 0, "CPUs running traced code, besides the patcher (default: the scenario's)")
	fs.IntVar(&f.opt.Preempt, "preempt", patchproto.DefaultPreempt, "preemptions per task, 0: non-preemptible kernel (default: the scenario's)")
	fs.IntVar(&f.opt.Calls, "calls", 0, "calls of the traced function per hart (default: the scenario's)")
	fs.StringVar(&f.opt.Memory, "memory", "", "memory model, see ftcheck list (default: the scenario's)")
	fs.IntVar(&f.bounds.MaxStates, "max-states", 0, "stop each search after this many states (0: no bound); a candidate it stops is no fix")
	fs.IntVar(&f.bounds.MaxDepth, "max-depth", 0, "stop each search at this depth (0: no bound)")
	fs.DurationVar(&f.bounds.Timeout, "timeout", 0, "stop each search after this long, e.g. 30s (0: no bound)")
	f.maxMemory = fs.String("max-memory", "2GiB", "stop a candidate's search (undecided: no fix) when the heap exceeds this; none: no bound")
	return f
}

func cmdFix(args []string, stdout, stderr io.Writer) int {
	f := newFixFlags()
	files, err := f.fs.parse(args, stdout, stderr)
	if err != nil {
		return exitCodeOf(err)
	}
	switch {
	case *f.proto != "" && len(files) > 0:
		return f.fs.usageError(stderr, "give a scenario file or --protocol, not both (got %q)", files[0])
	case *f.proto == "" && len(files) == 0:
		return f.fs.usageError(stderr, "give a scenario FILE or --protocol NAME")
	case len(files) > 1:
		return f.fs.usageError(stderr, "one scenario file at a time (got %d)", len(files))
	case *f.maxEdits < 1 || *f.maxEdits > 3:
		return f.fs.usageError(stderr, "--max-edits %d: want 1 to 3", *f.maxEdits)
	case *f.jobs < 1 || *f.workers < 1:
		return f.fs.usageError(stderr, "--jobs and --workers must be at least 1")
	case *f.format != "text" && *f.format != "email":
		return f.fs.usageError(stderr, "--format %q: want text or email", *f.format)
	}
	if hint := builtinHint(files); hint != "" {
		return f.fs.usageError(stderr, "%s", hint)
	}
	given := flagsGiven(f.fs.FlagSet)
	if err := f.check(given); err != nil {
		return f.fs.usageError(stderr, "%v", err)
	}
	var p *patchproto.Protocol
	file := ""
	if *f.proto != "" {
		if p, err = patchproto.Lookup(*f.proto); err != nil {
			fmt.Fprintf(stderr, "ftcheck fix: --protocol: %v\n", err)
			return exitUsage
		}
	} else {
		file = files[0]
		if p, err = patchproto.Load(file); err != nil {
			fmt.Fprintf(stderr, "%v\n", err)
			return exitUsage
		}
	}
	opt, err := f.options(p, given)
	if err != nil {
		return fixInputError(stderr, p, err)
	}
	var checks []string
	if *f.checks != "" {
		checks = strings.Split(*f.checks, ",")
	}
	c, err := p.Configure(opt)
	if err == nil && checks != nil {
		err = c.SelectChecks(checks)
	}
	if err != nil {
		return fixInputError(stderr, p, err)
	}
	over := f.overrides(given, model.Options{NoReduce: *f.noReduce, NoSymmetry: *f.noSym, Workers: *f.workers})
	if *f.maxMemory != "" && *f.maxMemory != "none" {
		n, err := parseBytes(*f.maxMemory)
		if err != nil {
			return f.fs.usageError(stderr, "--max-memory: %v", err)
		}
		over.Engine.MaxMemory = n
	}
	tuneGC(over.Engine.MaxMemory)
	mo := c.SearchOptions(over)
	email := *f.format == "email"
	if !email {
		writeHeader(stdout, newReport(p, file, c.Options, mo, model.Result{Bounds: mo.Bounds}), c.System)
	}
	ctx, stop := interruptContext()
	defer stop()
	f.start = time.Now()
	cfg := fix.Config{Protocol: p, Options: opt, Checks: checks, Over: over, MaxEdits: *f.maxEdits, Jobs: *f.jobs, All: *f.all}
	if *f.progress {
		cfg.Progress = func(pr fix.Progress) {
			if pr.Elapsed < 2*time.Second || time.Since(f.lastProgress) < time.Second {
				return
			}
			f.lastProgress = time.Now()
			fmt.Fprintf(stderr, "ftcheck fix: %d edit(s): %d of %d candidates searched, %d fix(es), %.1fs\n",
				pr.Size, pr.Done, pr.Total, pr.Fixes, pr.Elapsed.Seconds())
		}
		cfg.Found = func(fx fix.Fix) {
			if time.Since(f.start) >= 2*time.Second {
				fmt.Fprintf(stderr, "ftcheck fix: a fix after %.1fs: %s\n", fx.At.Seconds(), editsWhat(fx.Edits))
			}
		}
	}
	res, err := fix.Search(ctx, cfg)
	if err != nil && !errors.Is(err, fix.ErrNotViolated) {
		return fixInputError(stderr, p, err)
	}
	rep := fixReport{p: p, file: file, res: res, sys: c.System, cmdline: f.cmdline(p, file, given)}
	if email {
		rep.writeEmail(stdout)
	} else {
		rep.writeText(stdout)
	}
	return rep.exitCode()
}

func fixInputError(stderr io.Writer, p *patchproto.Protocol, err error) int {
	var pe *scenario.Error
	if errors.As(err, &pe) {
		fmt.Fprintln(stderr, pe) // file:line:col: message
	} else {
		fmt.Fprintf(stderr, "ftcheck fix: %s: %v\n", p.Name, err)
	}
	return exitUsage
}

// options are explore's: the flags given, the scenario's own values for
// the rest.
// cmdline is the command that reproduces the input's configuration,
// for the email's first line.
func (f *fixFlags) cmdline(p *patchproto.Protocol, file string, given map[string]bool) string {
	parts := []string{"ftcheck fix"}
	if file != "" {
		parts = append(parts, file)
	} else {
		parts = append(parts, "--protocol "+p.Name)
	}
	f.fs.Visit(func(fl *flag.Flag) {
		switch fl.Name {
		case "protocol", "format", "progress", "jobs", "workers":
			return
		}
		if isBool(fl) {
			parts = append(parts, "--"+fl.Name)
		} else if fl.Name == "param" {
			for k, v := range f.params {
				parts = append(parts, "--param "+k+"="+v)
			}
		} else {
			parts = append(parts, "--"+fl.Name+" "+fl.Value.String())
		}
	})
	return strings.Join(parts, " ")
}

func editsWhat(es []fix.Edit) string {
	var ws []string
	for _, e := range es {
		ws = append(ws, e.What)
	}
	return strings.Join(ws, "; and ")
}
