package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"github.com/ftcheck/ftcheck/model"
)

// cmdReplay re-executes the trace of a JSON report step by step on a
// freshly built model and says whether the violation happens again.
func cmdReplay(args []string, stdout, stderr io.Writer) int {
	fs := newCmdFlags("replay", commandHelp("replay", `
Builds the scenario the report holds (a copy travels in the report) and
executes its trace step by step, checking each step.

exit status: 1 confirmed (the trace violates the check the report names),
0 refuted (the trace executes and no check fails), 2 bad input: an
unreadable report, an unknown format, a trace that cannot be executed or
that violates another check than the report says
`[1:]))
	operands, err := fs.parse(args, stdout, stderr)
	if err != nil {
		return exitCodeOf(err)
	}
	if len(operands) != 1 {
		return fs.usageError(stderr, "give one report FILE (got %d)", len(operands))
	}
	file := operands[0]
	rep, err := readReport("replay", file)
	if err != nil {
		fmt.Fprintln(stderr, err)
		return exitUsage
	}
	sys, changed, err := reportSystem(rep)
	if err != nil {
		fmt.Fprintf(stderr, "%s: %v\n", file, err)
		return exitUsage
	}
	if len(rep.Trace) == 0 {
		fmt.Fprintf(stderr, "%s: the report has no trace to replay (outcome %s)\n", file, rep.Outcome)
		return exitUsage
	}
	labels := make([]model.Label, len(rep.Trace))
	for i, e := range rep.Trace {
		labels[i] = e.Label
	}
	fmt.Fprintf(stdout, "replaying %d steps of %s (variant %s) from %s\n", len(labels), rep.Protocol, rep.Options.Variant, file)
	if changed != "" {
		fmt.Fprintf(stdout, "note: %s; replaying the scenario as the report holds it\n", changed)
	}
	if rep.ScenarioText == "" {
		fmt.Fprintln(stdout, "(the report holds no copy of its scenario: replaying the file or built-in of that name as it is now)")
	}
	if rep.Format < 2 {
		// Written by an older ftcheck: its memory steps are numbered the
		// old way, and renaming them executes the trace.
		fmt.Fprintf(stdout, "(a report from an older ftcheck, format %d: memory steps renamed to format %d)\n", max(rep.Format, 1), reportFormat)
		renamed, err := model.LegacyMemoryLabels(sys, labels)
		if err != nil {
			fmt.Fprintf(stdout, "refuted: the trace cannot be executed: %v\n", err)
			return exitUsage
		}
		labels = renamed
	}
	events, viol, err := model.Replay(sys, labels)
	writeTrace(stdout, events, sys)
	if err != nil {
		fmt.Fprintf(stdout, "refuted: the trace cannot be executed: %v\n", err)
		return exitUsage
	}
	if viol == nil {
		fmt.Fprintln(stdout, "refuted: the trace executes, but no check fails on it")
		return exitSafe
	}
	if rep.Violation != nil && rep.Violation.Check != viol.Check {
		fmt.Fprintf(stdout, "refuted: the trace violates %s, not %s as the report says\n", viol.Check, rep.Violation.Check)
		return exitUsage
	}
	fmt.Fprintf(stdout, "confirmed: %s: %s\n", viol.Check, viol.Message)
	return exitViolation
}

// jsonError turns a decoding error into file:line:col: message.
func jsonError(file string, data []byte, err error) string {
	var off int64 = -1
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se):
		off = se.Offset
	case errors.As(err, &te):
		off = te.Offset
	}
	if off < 0 {
		return fmt.Sprintf("%s:1:1: %v", file, err)
	}
	line, col := 1, 1
	for _, c := range data[:min(int(off), len(data))] {
		if c == '\n' {
			line, col = line+1, 1
		} else {
			col++
		}
	}
	return fmt.Sprintf("%s:%d:%d: %v", file, line, col, err)
}
