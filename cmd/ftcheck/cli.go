package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/ftcheck/ftcheck/model/input"
)

// command is one subcommand. The table of them (commands, in main.go) is
// the one place a command is named: the dispatcher, the usage text and
// `ftcheck help CMD` are all made from it.
type command struct {
	name string
	// synopsis are the usage lines, each "ARGS\tsummary" after
	// "ftcheck NAME ".
	synopsis []string
	run      func(args []string, stdout, stderr io.Writer) int
}

// cmdFlags is a command's flag set with the habits every command shares:
// flags may come before, between or after file names (`--` ends them);
// -h/--help prints the command's help on stdout and exits 0 (the same
// text as `ftcheck help CMD`); a bad flag is one line on stderr — what is
// wrong, a did-you-mean, "see ftcheck CMD --help" — and exit 2, never the
// whole table of options.
type cmdFlags struct {
	*flag.FlagSet
	name string
	// help is the text above the options: usage lines and a description.
	help string
}

func newCmdFlags(name, help string) *cmdFlags {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard) // parse reports errors itself, in one line
	fs.Usage = func() {}
	return &cmdFlags{FlagSet: fs, name: name, help: help}
}

// errHelp is parse's answer to -h/--help: the help went to stdout.
var errHelp = errors.New("help shown")

// parse reads args, flags and operands in any order, and returns the
// operands. On errHelp the caller exits 0; on any other error it exits 2:
// the error has been printed.
func (f *cmdFlags) parse(args []string, stdout, stderr io.Writer) ([]string, error) {
	flags, operands, err := f.split(args)
	if err == nil {
		err = f.FlagSet.Parse(flags)
	}
	switch {
	case errors.Is(err, flag.ErrHelp):
		f.writeHelp(stdout)
		return nil, errHelp
	case err != nil:
		fmt.Fprintf(stderr, "ftcheck %s: %v (see ftcheck %s --help)\n", f.name, f.explain(err), f.name)
		return nil, err
	}
	return operands, nil
}

// usageError prints a mistake parse cannot see (a missing operand, two
// options that exclude each other) the way parse prints a bad flag.
func (f *cmdFlags) usageError(stderr io.Writer, format string, a ...any) int {
	fmt.Fprintf(stderr, "ftcheck %s: %s (see ftcheck %s --help)\n", f.name, fmt.Sprintf(format, a...), f.name)
	return exitUsage
}

// writeHelp prints the help text and the options.
func (f *cmdFlags) writeHelp(w io.Writer) {
	fmt.Fprint(w, f.help)
	n := 0
	f.VisitAll(func(*flag.Flag) { n++ })
	if n == 0 {
		return
	}
	fmt.Fprintln(w, "\noptions:")
	var b strings.Builder
	f.SetOutput(&b)
	f.PrintDefaults()
	f.SetOutput(io.Discard)
	// The flag package prints -name; ftcheck's docs and errors say --name
	// (both work).
	fmt.Fprint(w, strings.TrimPrefix(strings.ReplaceAll("\n"+b.String(), "\n  -", "\n  --"), "\n"))
}

// split separates flags (with their values) from operands, so that
// `explore x.scenario --json` and `explore --json x.scenario` are the
// same, and refuses an unknown flag or a flag without its value before
// the flag package would print its own multi-line complaint.
func (f *cmdFlags) split(args []string) (flags, operands []string, err error) {
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			return flags, append(operands, args[i+1:]...), nil
		}
		if len(a) < 2 || a[0] != '-' {
			operands = append(operands, a)
			continue
		}
		name, _, hasValue := strings.Cut(strings.TrimLeft(a, "-"), "=")
		if name == "h" || name == "help" {
			return nil, nil, flag.ErrHelp
		}
		fl := f.Lookup(name)
		if fl == nil {
			return nil, nil, unknownFlag{name, f.closestFlag(name)}
		}
		flags = append(flags, a)
		if hasValue || isBool(fl) {
			continue
		}
		if i+1 == len(args) {
			return nil, nil, fmt.Errorf("--%s needs a value", name)
		}
		i++
		flags = append(flags, args[i])
	}
	return flags, operands, nil
}

func isBool(fl *flag.Flag) bool {
	b, ok := fl.Value.(interface{ IsBoolFlag() bool })
	return ok && b.IsBoolFlag()
}

type unknownFlag struct{ name, suggestion string }

func (u unknownFlag) Error() string {
	if u.suggestion != "" {
		return fmt.Sprintf("unknown flag --%s: did you mean --%s?", u.name, u.suggestion)
	}
	return fmt.Sprintf("unknown flag --%s", u.name)
}

func (f *cmdFlags) closestFlag(name string) string {
	var names []string
	f.VisitAll(func(fl *flag.Flag) { names = append(names, fl.Name) })
	return closest(name, names)
}

// flagValueError is how the flag package words a value its Set refused.
var flagValueError = regexp.MustCompile(`^invalid (?:boolean )?value "(.*)" for (?:flag )?-([^:]+): (.*)$`)

// explain rewords the flag package's errors: `--timeout 5` says to use a
// unit, a number that does not parse says so.
func (f *cmdFlags) explain(err error) string {
	m := flagValueError.FindStringSubmatch(err.Error())
	if m == nil {
		return err.Error()
	}
	value, name, why := m[1], m[2], m[3]
	if fl := f.Lookup(name); fl != nil {
		if g, ok := fl.Value.(flag.Getter); ok {
			switch g.Get().(type) {
			case time.Duration:
				if _, err := strconv.ParseFloat(value, 64); err == nil {
					return fmt.Sprintf("--%s %s: use a unit: %ss (or ms, m, h)", name, value, value)
				}
				return fmt.Sprintf("--%s %q: not a duration (e.g. 30s, 5m, 1h30m)", name, value)
			case int, int64, uint, uint64:
				return fmt.Sprintf("--%s %q: not a whole number", name, value)
			case bool:
				return fmt.Sprintf("--%s=%s: want true or false", name, value)
			}
		}
	}
	why = strings.TrimPrefix(why, "parse error")
	if why == "" {
		return fmt.Sprintf("--%s %q: not a valid value", name, value)
	}
	return fmt.Sprintf("--%s %q: %s", name, value, why)
}

// closest is the candidate a mistyped name most likely meant
// (input.Closest).
func closest(name string, candidates []string) string { return input.Closest(name, candidates) }

// commandNames lists the commands, for errors.
func commandNames() []string {
	var ns []string
	for _, c := range commands {
		ns = append(ns, c.name)
	}
	return ns
}

func lookupCommand(name string) *command {
	i := slices.IndexFunc(commands, func(c *command) bool { return c.name == name })
	if i < 0 {
		return nil
	}
	return commands[i]
}

// usageText is the top-level help, made from the command table.
func usageText() string {
	var b strings.Builder
	b.WriteString("ftcheck — a model checker for races in live kernel code patching\n\nusage:\n")
	width := 0
	for _, c := range commands {
		for _, s := range c.synopsis {
			args, _, _ := strings.Cut(s, "\t")
			width = max(width, len(c.name)+len(args)+1)
		}
	}
	for _, c := range commands {
		for _, s := range c.synopsis {
			args, summary, _ := strings.Cut(s, "\t")
			line := strings.TrimSpace(c.name + " " + args)
			fmt.Fprintf(&b, "  ftcheck %-*s  %s\n", width, line, summary)
		}
	}
	b.WriteString(`
ftcheck help CMD (or ftcheck CMD --help) gives a command's options;
ftcheck --version the version and revision. The docs are in docs/.

exit status: 0 safe, 1 violation, 2 bad input, 3 incomplete search (or one
shard), 4 vacuous (nothing of the patch was exercised: not a proof)
`)
	return b.String()
}

// commandHelp is the text above a command's options: its usage lines.
func commandHelp(name, description string) string {
	c := lookupCommand(name)
	var b strings.Builder
	for i, s := range c.synopsis {
		args, summary, _ := strings.Cut(s, "\t")
		lead := "usage: "
		if i > 0 {
			lead = "       "
		}
		fmt.Fprintf(&b, "%sftcheck %s %s   %s\n", lead, c.name, args, summary)
	}
	if description != "" {
		b.WriteString("\n" + description)
	}
	return b.String()
}

// exitCodeOf is the exit code after parse's error: 0 for help, else 2.
func exitCodeOf(err error) int {
	if errors.Is(err, errHelp) {
		return exitSafe
	}
	return exitUsage
}
