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
	"strings"
)

const (
	exitSafe       = 0
	exitViolation  = 1
	exitUsage      = 2
	exitIncomplete = 3
	exitVacuous    = 4
)

// commands is the table of subcommands, in the order the usage lists
// them. It is filled in by init so that the commands' own help, which
// reads it, does not make an initialization cycle.
var commands []*command

func init() {
	commands = []*command{
		{"explore", []string{
			"FILE [FILE...] [options]\texplore scenario files (docs/scenarios.md)",
			"--protocol NAME [options]\texplore a built-in protocol",
		}, cmdExplore},
		{"fix", []string{"FILE|--protocol NAME [options]\tsuggest the smallest barrier or sync edits that fix a violation (docs/fix.md)"}, cmdFix},
		{"check", []string{"FILE [FILE...]\tparse and assemble scenario files, no search"}, cmdCheck},
		{"show", []string{"--protocol NAME\tprint a built-in protocol's scenario file"}, cmdShow},
		{"replay", []string{"FILE\tre-execute the trace of a report written by explore --json"}, cmdReplay},
		{"merge", []string{"[--json] SHARD.json...\tcombine the reports of explore --shard K/N (docs/scale.md)"}, cmdMerge},
		{"test", []string{"DIR|FILE... [--junit FILE]\trun scenario and litmus files against their expectations (docs/ci.md)"}, cmdTest},
		{"litmus", []string{"[--model M] [--engine axiomatic|machine] PATHS...\tcheck herd litmus tests under a memory model (docs/litmus.md)"}, cmdLitmus},
		{"list", []string{"\tprotocols, checks and memory models"}, cmdList},
		{"help", []string{"[CMD]\tthis text, or a command's help"}, cmdHelp},
	}
}

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usageText())
		return exitUsage
	}
	switch args[0] {
	case "-h", "-help", "--help":
		return cmdHelp(args[1:], stdout, stderr)
	case "-version", "--version", "version":
		fmt.Fprintln(stdout, versionLine())
		return exitSafe
	}
	if c := lookupCommand(args[0]); c != nil {
		return c.run(args[1:], stdout, stderr)
	}
	hint := ""
	if s := closest(args[0], commandNames()); s != "" {
		hint = fmt.Sprintf(": did you mean %s?", s)
	}
	fmt.Fprintf(stderr, "ftcheck: unknown command %q%s (commands: %s; see ftcheck help)\n", args[0], hint, strings.Join(commandNames(), ", "))
	return exitUsage
}

// cmdHelp prints the usage, or with a command name that command's help:
// `ftcheck help explore` is `ftcheck explore --help`.
func cmdHelp(args []string, stdout, stderr io.Writer) int {
	switch {
	case len(args) == 0:
		fmt.Fprint(stdout, usageText())
		return exitSafe
	case len(args) > 1:
		fmt.Fprintf(stderr, "ftcheck help: one command at a time (got %q)\n", strings.Join(args, " "))
		return exitUsage
	case args[0] == "help":
		fmt.Fprint(stdout, usageText())
		return exitSafe
	}
	if lookupCommand(args[0]) == nil {
		return run(args, stdout, stderr) // the unknown-command error
	}
	return run([]string{args[0], "--help"}, stdout, stderr)
}

// versionLine is the tool's version and the revision it was built from.
func versionLine() string {
	if rev := buildRevision(); rev != "" {
		return toolVersion + " (revision " + rev + ")"
	}
	return toolVersion + " (revision unknown: built without VCS stamping)"
}
