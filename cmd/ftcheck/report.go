package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/ftcheck/ftcheck/model"
	"github.com/ftcheck/ftcheck/patchproto"
)

// Report is what `explore --json` writes and `replay` reads: enough to
// rebuild the configuration and re-execute the trace.
type Report struct {
	Tool string `json:"tool"`
	// Format is how the trace's labels are written: reportFormat, or 0
	// in reports from before the field (whose memory steps are numbered
	// the old way: model.LegacyMemoryLabels).
	Format   int                `json:"format,omitempty"`
	Protocol string             `json:"protocol"`
	Scenario string             `json:"scenario,omitempty"` // the scenario file explored (not a built-in)
	Options  patchproto.Options `json:"options"`
	Shard    *model.Shard       `json:"shard,omitempty"` // set when the report is one slice of a split search
	model.Result
}

// reportFormat is the format of the reports this ftcheck writes: 2 since
// memory steps are named by their agent.
const reportFormat = 2

// readReport reads a JSON report written by explore --json. Its error is
// ready to print as the command cmd reports it: file:line:col for bad
// JSON.
func readReport(cmd, file string) (Report, error) {
	var r Report
	data, err := os.ReadFile(file)
	if err != nil {
		return r, fmt.Errorf("ftcheck %s: %w", cmd, err)
	}
	if err := json.Unmarshal(data, &r); err != nil {
		return r, errors.New(jsonError(file, data, err))
	}
	return r, nil
}

// reportSystem rebuilds the model a report was made on: the scenario
// file it names, else the built-in protocol, with the report's options.
func reportSystem(r Report) (*model.System, error) {
	p, err := patchproto.Lookup(r.Protocol)
	if r.Scenario != "" {
		p, err = patchproto.Load(r.Scenario)
	}
	if err != nil {
		return nil, fmt.Errorf("protocol: %w", err)
	}
	sys, _, err := p.Build(r.Options)
	if err != nil {
		return nil, fmt.Errorf("options: %w", err)
	}
	return sys, nil
}

func writeJSON(w io.Writer, r Report) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}

func describeBounds(r Report) string {
	o := r.Options
	pre := "off"
	if o.Preempt > 0 {
		pre = fmt.Sprintf("<= %d per task", o.Preempt)
	}
	lim := func(n int) string {
		if n == 0 {
			return "none"
		}
		return fmt.Sprint(n)
	}
	to := "none"
	if r.Bounds.Timeout > 0 {
		to = r.Bounds.Timeout.String()
	}
	op := ""
	if o.Op != "" {
		op = ", op " + o.Op
	}
	for _, k := range slices.Sorted(maps.Keys(o.Params)) {
		op += ", " + k + " " + o.Params[k]
	}
	calls := ""
	if o.Calls > 0 {
		calls = fmt.Sprintf(", %d call(s) per hart", o.Calls)
	}
	if o.Interrupts > 0 {
		calls += fmt.Sprintf(", interrupts <= %d per hart", o.Interrupts)
	}
	return fmt.Sprintf("%d harts + patcher, preemption %s%s%s, memory %s; max-states %s, max-depth %s, timeout %s",
		o.Harts, pre, calls, op, o.Memory, lim(r.Bounds.MaxStates), lim(r.Bounds.MaxDepth), to)
}

// finalCondition is the scenario's herd-style final condition, if any.
type finalCondition interface {
	Condition() string
	Witness() bool
}

func conditionOf(sys *model.System) finalCondition {
	for _, c := range sys.Checks {
		if f, ok := c.(finalCondition); ok {
			return f
		}
	}
	return nil
}

func writeText(w io.Writer, r Report, sys *model.System) {
	o := r.Options
	switch {
	case r.Scenario != "" && o.Variant != "":
		fmt.Fprintf(w, "scenario: %s (%s, variant %s)\n", r.Protocol, r.Scenario, o.Variant)
	case r.Scenario != "":
		fmt.Fprintf(w, "scenario: %s (%s)\n", r.Protocol, r.Scenario)
	default:
		fmt.Fprintf(w, "protocol: %s (variant %s)\n", r.Protocol, o.Variant)
	}
	if fc := conditionOf(sys); fc != nil {
		fmt.Fprintf(w, "final:    %s (judged in every state where nothing can move)\n", fc.Condition())
	}
	fmt.Fprintf(w, "bounds:   %s\n", describeBounds(r))
	if o.Preempt > 0 && !sys.PreemptionMatters() {
		fmt.Fprintln(w, "          (no stop_machine here: a preempted task is a task not yet scheduled, which the interleavings cover)")
	}
	switch {
	case r.Reduced && r.Symmetric:
		fmt.Fprintln(w, "          (partial-order and symmetry reduction on: counts are of the reduced state graph; --no-reduce --no-symmetry for all)")
	case r.Reduced:
		fmt.Fprintln(w, "          (partial-order reduction on: counts are of the reduced state graph; --no-reduce for all interleavings)")
	case r.Symmetric:
		fmt.Fprintln(w, "          (symmetry reduction on: states equal up to hart numbering merged; --no-symmetry to keep them apart)")
	}
	if r.DepthFirst {
		fmt.Fprintln(w, "          (depth first: depth is the deepest path followed, not the shortest)")
	}
	st := r.Stats
	counts := fmt.Sprintf("%d states, %d transitions, depth %d, %s", st.States, st.Transitions, st.Depth, st.Elapsed.Round(time.Millisecond))
	switch r.Outcome {
	case model.Safe:
		fmt.Fprintf(w, "result:   no violation — search complete (no bound hit): %s\n", counts)
		if fc := conditionOf(sys); fc != nil && fc.Witness() {
			fmt.Fprintln(w, "          (the exists condition holds in no reachable final state)")
		}
	case model.Incomplete:
		fmt.Fprintf(w, "result:   INCOMPLETE — %s; NOT a proof of safety: %s explored, %d states queued\n", r.Why, counts, st.Queue)
	case model.Violated:
		kind, none := "counterexample", "violating execution"
		if fc := conditionOf(sys); fc != nil && fc.Witness() && r.Violation.Check == "exists" {
			fmt.Fprintf(w, "result:   EXISTS — the final condition can hold (found after %s)\n", counts)
			kind, none = "witness", "such execution"
		} else {
			fmt.Fprintf(w, "result:   VIOLATION of %s after %s\n", r.Violation.Check, counts)
		}
		fmt.Fprintf(w, "          %s\n\n", r.Violation.Message)
		fmt.Fprintf(w, "minimal %s (%d steps; no %s within the bounds is shorter):\n", kind, len(r.Trace), none)
		writeTrace(w, r.Trace, sys)
	}
}

// writeTrace prints the interleaving table: step, CPU, PC, instruction
// word, which version of the text it was fetched from, its disassembly
// and its effect.
func writeTrace(w io.Writer, trace []model.Event, sys *model.System) {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "step\tcpu\tpc\tword\ttext\tinstruction\teffect")
	for i, e := range trace {
		pc, word, ver, dis := "", "", "", ""
		if e.HasPC || e.Exec != nil {
			pc = fmt.Sprintf("%s (%#x)", sys.Symbols.Name(e.PC), e.PC)
		}
		if x := e.Exec; x != nil {
			if x.Word != 0 || x.Disasm != "" {
				word = fmt.Sprintf("%08x", x.Word)
			}
			dis = x.Disasm
		}
		for _, f := range e.Fetches {
			if f.Versions > 1 {
				ver = fmt.Sprintf("v%d of v0..v%d", f.Version, f.Versions-1)
			} else {
				ver = "v0 (boot)"
			}
		}
		eff := e.Describe()
		if e.Why != "" {
			eff += "   [" + e.Why + "]"
		}
		if e.Violation != nil {
			eff += "   <-- " + e.Violation.Check
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\t%s\n", i+1, e.Actor, pc, word, ver, dis, strings.TrimSpace(eff))
	}
	tw.Flush()
}
