// Command ftcheck is a model checker for races in live kernel code
// patching. See README.md and docs/.
//
// Exit codes: 0 safe (or success), 1 violation found, 2 bad input or
// usage, 3 search incomplete (a bound, the timeout, a signal stopped it,
// or it was one shard of a split search; never reported as safe), 4
// vacuous (complete and no violation, but no CPU ran or read anything
// the patcher wrote: nothing was proven).
package main

import (
	"fmt"
	"io"
	"os"
)

const (
	exitSafe       = 0
	exitViolation  = 1
	exitUsage      = 2
	exitIncomplete = 3
	exitVacuous    = 4
)

const usage = `ftcheck — a model checker for races in live kernel code patching

usage:
  ftcheck explore FILE [FILE...] [options]    explore scenario files (docs/scenarios.md)
  ftcheck explore --protocol NAME [options]   explore a built-in protocol
  ftcheck check FILE [FILE...]                parse and assemble scenario files, no search
  ftcheck show --protocol NAME                print a built-in protocol's scenario file
  ftcheck replay FILE                         re-execute a JSON trace written by --json
  ftcheck test DIR|FILE... [--junit FILE]     run scenario and litmus files against their
                                              expectations, for CI (docs/ci.md)
  ftcheck list                                protocols, checks and memory models
  ftcheck help                                this text

explore options (ftcheck explore --help for all):
  --protocol NAME   riscv-jalr, riscv-pair, ... (see ftcheck list)
  --variant V       protocol variant          --op OP      enable | disable | change
  --param NAME=V    any scenario parameter    (unset options: the scenario's own values)
  --harts N         CPUs running traced code  --preempt N  preemptions per task (0: off)
  --calls N         calls per hart            --memory M   memory model (sc)
  --max-states N  --max-depth N  --timeout D  bounds of the search
  --json            write the result, with its trace, as JSON on stdout
  --html FILE  --dot FILE  --svg FILE  --format text|email   other views of the trace

exit status: 0 safe, 1 violation, 2 bad input, 3 incomplete search (or one
shard), 4 vacuous (nothing of the patch was exercised: not a proof)
`

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return exitUsage
	}
	switch args[0] {
	case "explore":
		return cmdExplore(args[1:], stdout, stderr)
	case "replay":
		return cmdReplay(args[1:], stdout, stderr)
	case "list":
		return cmdList(args[1:], stdout, stderr)
	case "check":
		return cmdCheck(args[1:], stdout, stderr)
	case "show":
		return cmdShow(args[1:], stdout, stderr)
	case "help", "-h", "-help", "--help":
		fmt.Fprint(stdout, usage)
		return exitSafe
	}
	if c, ok := extraCommands[args[0]]; ok {
		return c(args[1:], stdout, stderr)
	}
	fmt.Fprintf(stderr, "ftcheck: unknown command %q\n\n%s", args[0], usage)
	return exitUsage
}

// extraCommands are subcommands registered by other files of this package.
var extraCommands = map[string]func(args []string, stdout, stderr io.Writer) int{}
