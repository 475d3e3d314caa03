package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"time"

	"github.com/ftcheck/ftcheck/model"
	"github.com/ftcheck/ftcheck/patchproto"
)

const toolVersion = "ftcheck 0.1"

func cmdExplore(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("explore", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var (
		proto    = fs.String("protocol", "", "built-in protocol to explore (see ftcheck list)")
		opt      patchproto.Options
		b        model.Bounds
		asJSON   = fs.Bool("json", false, "write the result and its trace as JSON on stdout")
		noReduce = fs.Bool("no-reduce", false, "explore every interleaving (no partial-order reduction)")
		noSym    = fs.Bool("no-symmetry", false, "keep states that differ only by hart numbering apart")
		progress = fs.Bool("progress", true, "show progress on stderr for runs over two seconds")
	)
	fs.StringVar(&opt.Variant, "variant", "", "protocol variant (default: the protocol's first)")
	fs.StringVar(&opt.Op, "op", "enable", "operation the patcher performs: enable, disable or change")
	fs.IntVar(&opt.Harts, "harts", 2, "CPUs running traced code, besides the patcher")
	fs.IntVar(&opt.Preempt, "preempt", patchproto.DefaultPreempt, "preemptions per task (0: non-preemptible kernel)")
	fs.IntVar(&opt.Calls, "calls", 1, "calls of the traced function per hart")
	fs.StringVar(&opt.Memory, "memory", "sc", "memory model (see ftcheck list)")
	fs.IntVar(&b.MaxStates, "max-states", 0, "stop after this many states (0: no bound)")
	fs.IntVar(&b.MaxDepth, "max-depth", 0, "stop at this search depth (0: no bound)")
	fs.DurationVar(&b.Timeout, "timeout", 0, "stop after this long, e.g. 30s (0: no bound)")
	views := registerViewFlags(fs)
	search := registerSearchFlags(fs)
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: ftcheck explore --protocol NAME [options]")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitSafe
		}
		return exitUsage
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "ftcheck explore: unexpected argument %q\n", fs.Arg(0))
		fs.Usage()
		return exitUsage
	}
	if *proto == "" {
		fmt.Fprintln(stderr, "ftcheck explore: --protocol is required")
		fs.Usage()
		return exitUsage
	}
	if opt.Harts < 1 || opt.Calls < 1 {
		fmt.Fprintln(stderr, "ftcheck explore: --harts and --calls must be at least 1")
		return exitUsage
	}
	if b.MaxStates < 0 || b.MaxDepth < 0 || b.Timeout < 0 {
		fmt.Fprintln(stderr, "ftcheck explore: bounds must not be negative")
		return exitUsage
	}
	if err := views.check(*asJSON); err != nil {
		fmt.Fprintf(stderr, "ftcheck explore: %v\n", err)
		return exitUsage
	}
	p, err := patchproto.Lookup(*proto)
	if err != nil {
		fmt.Fprintf(stderr, "ftcheck explore: --protocol: %v\n", err)
		return exitUsage
	}
	sys, opt, err := p.Build(opt)
	if err != nil {
		fmt.Fprintf(stderr, "ftcheck explore: %s: %v\n", p.Name, err)
		return exitUsage
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	mo := model.Options{Bounds: b, NoReduce: *noReduce, NoSymmetry: *noSym}
	if err := search.apply(&mo); err != nil {
		fmt.Fprintf(stderr, "ftcheck explore: %v\n", err)
		return exitUsage
	}
	if *progress {
		start := time.Now()
		mo.Progress = func(s model.Stats) {
			if time.Since(start) < 2*time.Second {
				return
			}
			rate := float64(s.States) / s.Elapsed.Seconds()
			fmt.Fprintf(stderr, "ftcheck: %d states (%.0f/s), %d transitions, depth %d, queue %d, heap %d MiB\n",
				s.States, rate, s.Transitions, s.Depth, s.Queue, s.PeakHeap>>20)
		}
	}
	res := model.Explore(ctx, sys, mo)
	rep := Report{Tool: toolVersion, Protocol: p.Name, Options: opt, Result: res}
	if mo.Shard.N > 0 {
		rep.Shard = &mo.Shard
	}
	if *asJSON {
		if err := writeJSON(stdout, rep); err != nil {
			fmt.Fprintf(stderr, "ftcheck explore: %v\n", err)
			return exitUsage
		}
	} else if done, err := views.writeStdout(stdout, rep, sys); err != nil {
		fmt.Fprintf(stderr, "ftcheck explore: %v\n", err)
		return exitUsage
	} else if !done {
		writeText(stdout, rep, sys)
	}
	if err := views.writeFiles(rep, sys); err != nil {
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
	}
	return exitIncomplete
}
