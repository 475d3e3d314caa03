package scenario

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/ftcheck/ftcheck/model"
)

// Expect is a file's expected result, from its `expect` line: what
// `ftcheck test` holds the search of the file's configuration to.
//
//	expect safe [CHECK, ...]
//	expect vacuous [CHECK, ...] (complete, no violation, nothing of the patch judged)
//	expect violated [CHECK] [steps N]
//	expect Ok | No              (herd's verdict on the final condition)
//
// An expectation that names checks is about those checks alone: the test
// searches with only them (Selects), so `expect safe torn-pair` holds
// whatever a scenario's other checks find, and `expect violated
// stale-dest steps 13` is the length of stale-dest's own shortest
// counterexample.
type Expect struct {
	Pos Pos
	// Outcome is model.Safe, model.Vacuous or model.Violated (unused
	// when Herd is set).
	Outcome model.Outcome
	// Check is the violated check's name (torn-pair, exists, ~exists,
	// forall, ...); empty: any check.
	Check string
	// Checks are the checks a safe or vacuous expectation is about;
	// empty: every check of the scenario.
	Checks []string
	// Steps is the minimal counterexample's exact length; 0: any.
	Steps int
	// Herd is "Ok" or "No": herd's verdict on the final condition as
	// written, instead of an outcome.
	Herd string
}

func (e *Expect) String() string {
	if e.Herd != "" {
		return e.Herd
	}
	if e.Outcome == model.Safe || e.Outcome == model.Vacuous {
		if len(e.Checks) > 0 {
			return e.Outcome.String() + " " + strings.Join(e.Checks, ", ")
		}
		return e.Outcome.String()
	}
	s := "violated"
	if e.Check != "" {
		s += " " + e.Check
	}
	if e.Steps > 0 {
		s += " steps " + strconv.Itoa(e.Steps)
	}
	return s
}

// word is a blank-separated word of a line and its byte offset. Check
// names (torn-pair, ~exists) are not single tokens of the scenario
// lexer, so expect lines are read as words.
type word struct {
	text string
	off  int
}

func words(l line, from int) []word {
	var ws []word
	s := l.text
	for i := from; i < len(s); {
		for i < len(s) && (s[i] == ' ' || s[i] == '\t' || s[i] == '\r') {
			i++
		}
		j := i
		for j < len(s) && s[j] != ' ' && s[j] != '\t' && s[j] != '\r' {
			j++
		}
		if j > i {
			ws = append(ws, word{s[i:j], i})
		}
		i = j
	}
	return ws
}

const expectForms = "expect safe [CHECK, ...], expect vacuous [CHECK, ...], expect violated [CHECK] [steps N], expect Ok, expect No"

// addExpect appends e to a file's expect lines. Several lines are one
// question each: every one must name its checks, and no check may be
// named twice, or two lines would judge the same verdict.
func addExpect(list []*Expect, e *Expect) ([]*Expect, *Error) {
	if len(list) == 0 {
		return []*Expect{e}, nil
	}
	first := list[0]
	if len(e.Selects()) == 0 || len(first.Selects()) == 0 {
		return nil, errorf(e.Pos, "a second expect line (the first is at %s): several expect lines must each name their checks (expect safe torn-pair, stale-fetch / expect violated pair-mismatch steps 23)", first.Pos)
	}
	for _, other := range list {
		for _, c := range e.Selects() {
			if slices.Contains(other.Selects(), c) {
				return nil, errorf(e.Pos, "check %s is already judged by the expect line at %s", c, other.Pos)
			}
		}
	}
	return append(list, e), nil
}

// Selects lists the checks the expectation is about, for the search that
// judges it to keep alone (nil: every check).
func (e *Expect) Selects() []string {
	if e.Check != "" {
		return []string{e.Check}
	}
	return e.Checks
}

// parseExpect reads an expect line; off is where the word expect starts.
func parseExpect(l line, off int) (*Expect, *Error) {
	ws := words(l, off)[1:]
	e := &Expect{Pos: l.pos(off)}
	if len(ws) == 0 {
		return nil, errorf(l.pos(len(strings.TrimRight(l.text, " \t\r"))), "expect what? (%s)", expectForms)
	}
	rest := ws[1:]
	switch ws[0].text {
	case "safe", "vacuous":
		e.Outcome = model.Safe
		if ws[0].text == "vacuous" {
			e.Outcome = model.Vacuous
		}
		if len(rest) > 0 {
			list := strings.TrimRight(l.text[rest[0].off:], " \t\r")
			for _, name := range strings.Split(list, ",") {
				name = strings.TrimSpace(name)
				if name == "" || strings.ContainsAny(name, " \t") {
					return nil, errorf(l.pos(rest[0].off), "expect %s CHECK, CHECK, ...: a list of check names separated by commas, found %q", ws[0].text, list)
				}
				e.Checks = append(e.Checks, name)
			}
		}
		rest = nil
	case "Ok", "No":
		e.Herd = ws[0].text
	case "violated":
		e.Outcome = model.Violated
		if len(rest) > 0 && rest[0].text != "steps" {
			e.Check, rest = rest[0].text, rest[1:]
		}
		if len(rest) > 0 && rest[0].text == "steps" {
			if len(rest) < 2 {
				return nil, errorf(l.pos(rest[0].off+len("steps")), "steps wants the trace's length, a number of at least 1")
			}
			n, err := strconv.Atoi(rest[1].text)
			if err != nil || n < 1 {
				return nil, errorf(l.pos(rest[1].off), "steps wants the trace's length, a number of at least 1, found %q", rest[1].text)
			}
			e.Steps, rest = n, rest[2:]
		}
	default:
		return nil, errorf(l.pos(ws[0].off), "unknown expectation %q (%s)", ws[0].text, expectForms)
	}
	if len(rest) > 0 {
		return nil, errorf(l.pos(rest[0].off), "unexpected %q after expect %s", rest[0].text, e)
	}
	return e, nil
}

// Applies reports why the expectation cannot apply to sys, if it
// cannot: a check sys does not have, or Ok/No without a final
// condition. Call it before a long search.
func (e *Expect) Applies(sys *model.System) *Error {
	if e.Herd != "" {
		if _, found := finalCheck(sys); !found {
			return errorf(e.Pos, "expect %s is herd's verdict on a final condition, and this scenario has none (use expect safe or expect violated CHECK)", e.Herd)
		}
		return nil
	}
	names := sys.CheckNames()
	for _, want := range e.Selects() {
		if !slices.Contains(names, want) {
			return errorf(e.Pos, "this scenario has no check %q (its checks: %s)", want, strings.Join(names, ", "))
		}
	}
	return nil
}

// Judge says whether r, the result of exploring sys, meets the
// expectation, and describes what the search found in the words of an
// expect line ("violated torn-pair steps 13", "incomplete (...)"). err
// is Applies' error.
func (e *Expect) Judge(r model.Result, sys *model.System) (ok bool, got string, err *Error) {
	got = describeResult(r)
	if err := e.Applies(sys); err != nil {
		return false, got, err
	}
	if e.Herd != "" {
		// herd's Ok: an exists condition has a witness; a ~exists or
		// forall condition holds in every final state.
		fc, _ := finalCheck(sys)
		verdict := ""
		switch {
		case r.Outcome == model.Violated && r.Violation != nil && r.Violation.Check == fc.Name():
			verdict = map[bool]string{true: "Ok", false: "No"}[fc.Witness()]
		case r.Outcome == model.Safe:
			verdict = map[bool]string{true: "No", false: "Ok"}[fc.Witness()]
		}
		if verdict != "" {
			got = verdict + " (" + got + ")"
		}
		return verdict == e.Herd, got, nil
	}
	switch {
	case r.Outcome != e.Outcome:
		return false, got, nil
	case r.Outcome == model.Safe || r.Outcome == model.Vacuous:
		return true, got, nil
	case r.Violation == nil:
		return false, got, nil
	}
	return (e.Check == "" || r.Violation.Check == e.Check) && (e.Steps == 0 || len(r.Trace) == e.Steps), got, nil
}

// describeResult says what a search found, in the words of expect lines.
func describeResult(r model.Result) string {
	switch r.Outcome {
	case model.Safe:
		return "safe"
	case model.Vacuous:
		return "vacuous (" + r.Why + ")"
	case model.Violated:
		if r.Violation == nil {
			return "violated"
		}
		return fmt.Sprintf("violated %s steps %d", r.Violation.Check, len(r.Trace))
	}
	return "incomplete (" + r.Why + ")"
}

func finalCheck(sys *model.System) (FinalCheck, bool) {
	for _, c := range sys.Checks {
		if fc, ok := c.(FinalCheck); ok {
			return fc, true
		}
	}
	return FinalCheck{}, false
}
