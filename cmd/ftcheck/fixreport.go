package main

import (
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/ftcheck/ftcheck/memmodel"
	"github.com/ftcheck/ftcheck/model"
	"github.com/ftcheck/ftcheck/patchproto"
	"github.com/ftcheck/ftcheck/patchproto/fix"
)

// fixReport prints fix's answer.
type fixReport struct {
	p       *patchproto.Protocol
	file    string
	res     *fix.Result
	sys     *model.System
	cmdline string
}

// group is fixes of one kind at several places: shown once, at the
// last place (next to the step it orders), with the others listed.
type group struct {
	kind  string
	fixes []fix.Fix
}

func kindOf(fx fix.Fix) string {
	var ks []string
	for _, e := range fx.Edits {
		ks = append(ks, e.Kind)
	}
	return strings.Join(ks, "; and ")
}

func (r fixReport) groups() []group {
	var gs []group
	index := map[string]int{}
	for _, fx := range r.res.Fixes {
		k := kindOf(fx)
		i, ok := index[k]
		if !ok {
			i = len(gs)
			index[k] = i
			gs = append(gs, group{kind: k})
		}
		gs[i].fixes = append(gs[i].fixes, fx)
	}
	return gs
}

// shown is the fix a group prints in full: the last place.
func (g group) shown() fix.Fix { return g.fixes[len(g.fixes)-1] }

func (r fixReport) exitCode() int {
	res := r.res
	switch {
	case len(res.Violated) == 0 && res.Base.Outcome == model.Safe:
		return exitSafe
	case len(res.Violated) == 0 && res.Base.Outcome == model.Vacuous:
		return exitVacuous
	case len(res.Violated) == 0:
		return exitIncomplete
	case len(res.Fixes) > 0:
		return exitSafe
	case res.Interrupted || res.Undecided > 0:
		return exitIncomplete
	}
	return exitViolation
}

// verdictLine is the input's verdict of each check, in one line.
func verdictWords(v model.Verdict) string {
	switch v.Outcome {
	case model.Violated:
		return fmt.Sprintf("%s VIOLATED (%d steps)", v.Check, len(v.Trace))
	case model.Vacuous:
		return v.Check + " not exercised"
	}
	return v.Check + " " + v.Outcome.String()
}

func (r fixReport) inputLines() (summary string, violations []string) {
	var ws []string
	for _, v := range r.res.Base.Verdicts {
		ws = append(ws, verdictWords(v))
		if v.Outcome == model.Violated && v.Violation != nil {
			violations = append(violations, v.Violation.Message)
		}
	}
	return strings.Join(ws, "; "), violations
}

func (r fixReport) searched() string {
	res := r.res
	var parts []string
	for i, n := range res.Tried {
		parts = append(parts, fmt.Sprintf("%d of %d edit(s) searched", n, i+1))
	}
	s := fmt.Sprintf("%d single edits in the lines this configuration reads; %s", res.Candidates, strings.Join(parts, ", "))
	var notes []string
	if res.Same > 0 {
		notes = append(notes, fmt.Sprintf("%d built a machine already searched", res.Same))
	}
	if res.Dominated > 0 {
		notes = append(notes, fmt.Sprintf("%d stronger fences not tried where a weaker one is a fix", res.Dominated))
	}
	if res.Costlier > 0 {
		notes = append(notes, fmt.Sprintf("%d costlier not searched: --all searches them", res.Costlier))
	}
	if res.Invalid > 0 {
		notes = append(notes, fmt.Sprintf("%d refused by the scenario's checks", res.Invalid))
	}
	if res.Undecided > 0 {
		notes = append(notes, fmt.Sprintf("%d undecided (a bound, the memory bound, the timeout or Ctrl-C stopped the search: no fix)", res.Undecided))
	}
	if len(notes) > 0 {
		s += " (" + strings.Join(notes, "; ") + ")"
	}
	return s
}

func (r fixReport) resultLine() string {
	res := r.res
	switch {
	case len(res.Violated) == 0 && res.Base.Outcome == model.Safe:
		return fmt.Sprintf("nothing to fix: every check is safe (search complete, %d states)", res.Base.Stats.States)
	case len(res.Violated) == 0 && res.Base.Outcome == model.Vacuous:
		return "nothing to fix: the input is vacuous (no CPU ran or read anything the patcher wrote); fix the scenario first"
	case len(res.Violated) == 0:
		return "nothing known to fix: the input's search is incomplete (" + res.Base.Why + ")"
	case len(res.Fixes) > 0:
		gs := r.groups()
		s := fmt.Sprintf("%d fix(es) of %d edit(s)", len(res.Fixes), res.Size)
		if len(gs) < len(res.Fixes) {
			s += fmt.Sprintf(", %d kind(s)", len(gs))
		}
		s += fmt.Sprintf("; the first proven after %s, %s in all", roundDur(res.FirstFix), roundDur(res.Elapsed))
		if res.Interrupted {
			s += " (interrupted: the list may be incomplete)"
		}
		return s
	case res.Interrupted:
		return fmt.Sprintf("interrupted after %s: no fix found so far", roundDur(res.Elapsed))
	case res.Undecided > 0:
		return fmt.Sprintf("no fix proven of at most %d edit(s), but %d candidate(s) undecided (raise the bounds)", res.MaxEdits, res.Undecided)
	}
	return fmt.Sprintf("no fix of at most %d edit(s) from the architecture's barriers and syncs (%s)", res.MaxEdits, roundDur(res.Elapsed))
}

func roundDur(d interface{ Seconds() float64 }) string { return fmt.Sprintf("%.2fs", d.Seconds()) }

func provenLine(fx fix.Fix) string {
	var ws []string
	for _, v := range fx.Verdicts {
		ws = append(ws, verdictWords(v))
	}
	return fmt.Sprintf("%s (search complete, %d states)", strings.Join(ws, ", "), fx.Stats.States)
}

func places(g group) []string {
	var out []string
	for _, fx := range g.fixes[:len(g.fixes)-1] {
		var ws []string
		for _, e := range fx.Edits {
			ws = append(ws, strings.TrimSpace(strings.TrimPrefix(e.What, e.Kind)))
		}
		out = append(out, strings.Join(ws, "; "))
	}
	return out
}

func (r fixReport) writeText(w io.Writer) {
	summary, violations := r.inputLines()
	fmt.Fprintf(w, "input:    %s\n", summary)
	for _, m := range violations {
		fmt.Fprintf(w, "          %s\n", m)
	}
	if len(r.res.Violated) > 0 {
		fmt.Fprintf(w, "searched: %s\n", r.searched())
	}
	fmt.Fprintf(w, "result:   %s\n", r.resultLine())
	if len(r.res.Fixes) > 0 {
		if c := memmodel.Caveat(r.res.BaseOptions.Memory); c != "" {
			fmt.Fprintf(w, "caveat:   %s\n", c)
		}
	} else if len(r.res.Violated) > 0 && !r.res.Interrupted && r.res.Undecided == 0 {
		fmt.Fprintln(w, "          (searched: stronger barriers in place of weaker ones, and fences, fetch barriers,")
		fmt.Fprintln(w, "          icache maintenance and IPI syncs added between the patcher's steps; a fix outside")
		fmt.Fprintln(w, "          these, such as other instructions in the patched code, is not searched: docs/fix.md)")
	}
	for i, g := range r.groups() {
		fx := g.shown()
		fmt.Fprintf(w, "\nfix %d: %s\n", i+1, editsWhat(fx.Edits))
		fmt.Fprintf(w, "  proven: %s\n", provenLine(fx))
		for _, pl := range places(g) {
			fmt.Fprintf(w, "  also a fix (proven) %s\n", pl)
		}
		fmt.Fprint(w, fx.Diff)
	}
}

// emailWidth is the email format's widest line.
const emailWidth = 72

func (r fixReport) writeEmail(w io.Writer) {
	out := func(s string) { fmt.Fprintln(w, s) }
	para := func(s string) {
		for _, l := range wrapText(s, emailWidth, "") {
			out(l)
		}
	}
	para(r.cmdline)
	o := r.res.BaseOptions
	conf := fmt.Sprintf("%s", r.p.Name)
	var ps []string
	if o.Variant != "" {
		ps = append(ps, "variant "+o.Variant)
	}
	if o.Op != "" {
		ps = append(ps, "op "+o.Op)
	}
	ps = append(ps, "memory "+o.Memory, fmt.Sprintf("%d harts", o.Harts))
	para(conf + " (" + strings.Join(ps, ", ") + ")")
	out("")
	summary, violations := r.inputLines()
	para("Input: " + summary + ".")
	for _, m := range violations {
		for _, l := range wrapText(m, emailWidth, "  ") {
			out(l)
		}
	}
	out("")
	if len(r.res.Violated) > 0 {
		para("Searched: " + r.searched() + ".")
	}
	para("Result: " + r.resultLine() + ".")
	if len(r.res.Fixes) == 0 && len(r.res.Violated) > 0 && !r.res.Interrupted && r.res.Undecided == 0 {
		para("(The candidates: stronger barriers in place of weaker ones, and fences, fetch barriers, icache maintenance and IPI syncs added between the patcher's steps. A fix outside these, such as other instructions in the patched code, is not searched.)")
	}
	if c := memmodel.Caveat(o.Memory); c != "" && len(r.res.Fixes) > 0 {
		para("Caveat: " + c)
	}
	for i, g := range r.groups() {
		fx := g.shown()
		out("")
		para(fmt.Sprintf("Fix %d: %s.", i+1, editsWhat(fx.Edits)))
		para("Proven: " + provenLine(fx) + ".")
		for _, pl := range places(g) {
			para("Also a fix " + pl + ".")
		}
		out("")
		for _, l := range strings.Split(strings.TrimRight(fx.Diff, "\n"), "\n") {
			out(fitLine(l, emailWidth))
		}
	}
	if len(r.res.Fixes) > 0 {
		out("")
		para("(Diff lines are shortened to 72 columns: blanks squeezed, long lines cut at ~. The text format, ftcheck fix without --format email, gives the exact diff.)")
	}
}

// fitLine squeezes a diff line's runs of blanks to two (every line
// alike, so the columns stay aligned the same way) and cuts it to width
// runes, marking a cut with ~.
func fitLine(s string, width int) string {
	if s == "" || strings.HasPrefix(s, "--- ") || strings.HasPrefix(s, "+++ ") || strings.HasPrefix(s, "@@ ") {
		return s
	}
	lead, body := s[:1], s[1:]
	indent := body[:len(body)-len(strings.TrimLeft(body, " \t"))]
	body = body[len(indent):]
	for strings.Contains(body, "   ") {
		body = strings.ReplaceAll(body, "   ", "  ")
	}
	s = lead + indent + body
	if utf8.RuneCountInString(s) <= width {
		return s
	}
	rs := []rune(s)
	return string(rs[:width-1]) + "~"
}

// wrapText breaks s at spaces into lines of at most width runes, the
// lines after the first indented by indent.
func wrapText(s string, width int, indent string) []string {
	var lines []string
	line := ""
	for _, word := range strings.Fields(s) {
		limit := width
		if len(lines) > 0 {
			limit -= utf8.RuneCountInString(indent)
		}
		switch {
		case line == "":
			line = word
		case utf8.RuneCountInString(line)+1+utf8.RuneCountInString(word) <= limit:
			line += " " + word
		default:
			lines = append(lines, line)
			line = word
		}
		for utf8.RuneCountInString(line) > limit {
			rs := []rune(line)
			lines = append(lines, string(rs[:limit]))
			line = string(rs[limit:])
		}
	}
	if line != "" || len(lines) == 0 {
		lines = append(lines, line)
	}
	for i := 1; i < len(lines); i++ {
		lines[i] = indent + lines[i]
	}
	return lines
}
