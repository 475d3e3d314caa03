package main

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"runtime/debug"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/ftcheck/ftcheck/memmodel"
	"github.com/ftcheck/ftcheck/model"
	"github.com/ftcheck/ftcheck/model/input"
	"github.com/ftcheck/ftcheck/patchproto"
)

// Report is what `explore --json` writes and `replay` and `merge` read:
// the verdict, and everything needed to rebuild the model and re-execute
// the trace from any folder (the scenario's text travels with it).
type Report struct {
	Tool     string `json:"tool"`
	Revision string `json:"revision,omitempty"` // the VCS revision ftcheck was built from
	// Format is how the report is written: reportFormat, or older (0:
	// before the field; its memory steps are numbered the old way:
	// model.LegacyMemoryLabels).
	Format   int    `json:"format,omitempty"`
	Protocol string `json:"protocol"`
	Scenario string `json:"scenario,omitempty"` // the scenario file explored, as named (not a built-in)
	// ScenarioText is the scenario's source (for an instance, the
	// scenario it instantiates; for a built-in, its text) and
	// ScenarioSHA256 its hash: replay rebuilds the model from them, and
	// says so when the file or built-in has changed since.
	ScenarioText   string             `json:"scenario_text,omitempty"`
	ScenarioSHA256 string             `json:"scenario_sha256,omitempty"`
	Options        patchproto.Options `json:"options"`
	// Checks are the checks searched (all of the scenario's, or those
	// --check chose).
	Checks []string `json:"checks,omitempty"`
	// Search is what decides the state graph besides the options: merge
	// combines only shards whose searches were the same.
	Search *SearchSettings `json:"search,omitempty"`
	Shard  *model.Shard    `json:"shard,omitempty"` // set when the report is one slice of a split search
	// Caveats say what the verdict does not cover (a memory model's
	// missing behaviours).
	Caveats []string `json:"caveats,omitempty"`
	model.Result
}

// SearchSettings are the search options that shape the state graph a
// verdict is about (the bounds are in Result.Bounds).
type SearchSettings struct {
	Reduce        bool   `json:"reduce"`   // partial-order reduction
	Symmetry      bool   `json:"symmetry"` // symmetry reduction asked for
	Store         string `json:"store"`
	Order         string `json:"order"`
	BitstateBytes uint64 `json:"bitstate_bytes,omitempty"`
	MaxMemory     uint64 `json:"max_memory,omitempty"`
}

func searchSettings(o model.Options) *SearchSettings {
	s := &SearchSettings{Reduce: !o.NoReduce, Symmetry: !o.NoSymmetry, Store: o.Store.String(), Order: o.Order.String(), MaxMemory: o.MaxMemory}
	if o.Store == model.StoreBitstate {
		s.BitstateBytes = o.BitstateBytes
	}
	return s
}

// reportFormat is the format of the reports this ftcheck writes: 2 since
// memory steps are named by their agent, 3 since a report carries its
// scenario, its search settings and coverage, and shards never say safe,
// 4 since every key is snake_case (a trace step's exec and store fields
// were Go field names before; replay reads only labels, so it reads 3).
const reportFormat = 4

// newReport is the report of exploring protocol p (from file, "" for a
// built-in) with the resolved options, the search options and result.
func newReport(p *patchproto.Protocol, file string, opts patchproto.Options, mo model.Options, res model.Result) Report {
	r := Report{Tool: toolVersion, Revision: buildRevision(), Format: reportFormat, Protocol: p.Name, Scenario: file,
		ScenarioText: string(p.Source), ScenarioSHA256: sha256Hex(p.Source), Options: opts, Search: searchSettings(mo), Result: res}
	if mo.Shard.N > 0 {
		r.Shard = &mo.Shard
	}
	if c := memmodel.Caveat(opts.Memory); c != "" && provesAny(res) {
		r.Caveats = append(r.Caveats, c)
	}
	return r
}

// provesAny says whether res claims any check holds (a violation is a
// real execution whatever the model leaves out; a "safe" is only as
// good as the model).
func provesAny(res model.Result) bool {
	if res.Outcome != model.Violated {
		return true
	}
	for _, v := range res.Verdicts {
		if v.Outcome != model.Violated {
			return true
		}
	}
	return false
}

func sha256Hex(b []byte) string {
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
}

// buildRevision is the VCS revision of this binary ("" when unknown, as
// under go run without VCS stamping), with "+dirty" for a modified tree.
func buildRevision() string {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return ""
	}
	rev, dirty := "", false
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.modified":
			dirty = s.Value == "true"
		}
	}
	if rev != "" && dirty {
		rev += "+dirty"
	}
	return rev
}

// readReport reads a JSON report written by explore --json. Its error is
// ready to print as the command cmd reports it: file:line:col for bad
// JSON, and for a format this ftcheck does not know.
func readReport(cmd, file string) (Report, error) {
	var r Report
	data, err := input.ReadFile(file, input.MaxReport)
	if err != nil {
		return r, fmt.Errorf("ftcheck %s: %w", cmd, err)
	}
	if err := json.Unmarshal(data, &r); err != nil {
		return r, errors.New(jsonError(file, data, err))
	}
	if r.Format < 0 || r.Format > reportFormat {
		return r, fmt.Errorf("%s:1:1: report format %d is not one this ftcheck reads (0 to %d): written by a newer ftcheck?", file, r.Format, reportFormat)
	}
	if r.Outcome < model.Safe || r.Outcome > model.ShardClean {
		return r, fmt.Errorf("%s:1:1: unknown outcome %d", file, r.Outcome)
	}
	return r, nil
}

// reportSystem rebuilds the model a report was made on: from the
// scenario text it carries (checked against its hash), else the file or
// built-in it names, with the report's options. changed, when not empty,
// says that the file or built-in of that name is no longer the text the
// report was made on (the report's own copy is used).
func reportSystem(r Report) (sys *model.System, changed string, err error) {
	var p *patchproto.Protocol
	if r.ScenarioText != "" {
		if r.ScenarioSHA256 != "" && sha256Hex([]byte(r.ScenarioText)) != r.ScenarioSHA256 {
			return nil, "", fmt.Errorf("the report's scenario_text does not match its scenario_sha256: the report was edited")
		}
		name := r.Scenario
		if name == "" {
			name = "(" + r.Protocol + ", as in the report)"
		}
		if p, err = patchproto.Parse(name, []byte(r.ScenarioText)); err != nil {
			return nil, "", fmt.Errorf("the report's scenario: %w", err)
		}
		changed = sourceChanged(r)
	} else {
		p, err = patchproto.Lookup(r.Protocol)
		if r.Scenario != "" {
			p, err = patchproto.Load(r.Scenario)
		}
		if err != nil {
			return nil, "", fmt.Errorf("protocol: %w", err)
		}
	}
	sys, _, err = p.Build(r.Options)
	if err != nil {
		return nil, "", fmt.Errorf("options: %w", err)
	}
	return sys, changed, nil
}

// sourceChanged compares the report's scenario with the file or built-in
// it names today.
func sourceChanged(r Report) string {
	var now []byte
	what := ""
	if r.Scenario != "" {
		p, err := patchproto.Load(r.Scenario)
		if err != nil {
			return "" // not here (another folder, another machine): the copy is all there is
		}
		now, what = p.Source, "the scenario file "+r.Scenario
	} else if p, err := patchproto.Lookup(r.Protocol); err == nil {
		now, what = p.Source, "the built-in protocol "+r.Protocol
	} else {
		return "the built-in protocol " + r.Protocol + " no longer exists"
	}
	if sha256Hex(now) == r.ScenarioSHA256 || r.ScenarioSHA256 == "" && string(now) == r.ScenarioText {
		return ""
	}
	return what + " has changed since the report was written"
}

func writeJSON(w io.Writer, r any) error {
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
	return fmt.Sprintf("%d harts + patcher, preemption %s%s%s; max-states %s, max-depth %s, timeout %s",
		o.Harts, pre, calls, op, lim(r.Bounds.MaxStates), lim(r.Bounds.MaxDepth), to)
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

// writeText writes the whole text report: the header, then the verdict.
func writeText(w io.Writer, r Report, sys *model.System) {
	writeHeader(w, r, sys)
	writeVerdict(w, r, sys)
}

// writeHeader says what is searched: the protocol, its memory model, its
// checks and the bounds. explore prints it when the search starts.
func writeHeader(w io.Writer, r Report, sys *model.System) {
	o := r.Options
	switch {
	case r.Scenario != "" && o.Variant != "":
		fmt.Fprintf(w, "scenario: %s (%s, variant %s)\n", r.Protocol, r.Scenario, o.Variant)
	case r.Scenario != "":
		fmt.Fprintf(w, "scenario: %s (%s)\n", r.Protocol, r.Scenario)
	default:
		fmt.Fprintf(w, "protocol: %s (variant %s)\n", r.Protocol, o.Variant)
	}
	fmt.Fprintf(w, "memory:   %s\n", o.Memory)
	var names []string
	for _, c := range sys.Checks {
		names = append(names, c.Name())
	}
	for _, m := range sys.Monitors {
		names = append(names, m.Name())
	}
	fmt.Fprintf(w, "checks:   %s\n", strings.Join(names, ", "))
	if fc := conditionOf(sys); fc != nil {
		fmt.Fprintf(w, "final:    %s (judged in every state where nothing can move)\n", fc.Condition())
	}
	fmt.Fprintf(w, "bounds:   %s\n", describeBounds(r))
	if o.Preempt > 0 && !sys.PreemptionMatters() {
		fmt.Fprintln(w, "          (no stop_machine here: a preempted task is a task not yet scheduled, which the interleavings cover)")
	}
	if r.Shard != nil {
		fmt.Fprintf(w, "shard:    %d of %d (this run explores one slice; ftcheck merge decides from all %d)\n", r.Shard.K, r.Shard.N, r.Shard.N)
	}
}

// writeVerdict writes how the search ended, what it covered, and the
// minimal trace of a violation.
func writeVerdict(w io.Writer, r Report, sys *model.System) {
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
	case model.Vacuous:
		fmt.Fprintf(w, "result:   VACUOUS — search complete, no violation, but NOT a proof of safety: %s\n          %s\n", counts, r.Why)
	case model.ShardClean:
		fmt.Fprintf(w, "result:   shard %d/%d: no violation in this slice (%s); NOT a verdict: merge the reports of all %d shards\n", r.Shard.K, r.Shard.N, counts, r.Shard.N)
	case model.Incomplete:
		fmt.Fprintf(w, "result:   INCOMPLETE — %s; NOT a proof of safety: %s explored, %d states queued\n", r.Why, counts, st.Queue)
		switch {
		case r.ProvenDepth > 0:
			fmt.Fprintf(w, "          (what it did prove: no execution of at most %d steps violates a check)\n", r.ProvenDepth)
		case r.Reduced && !r.DepthFirst && st.Queue > 0:
			fmt.Fprintln(w, "          (partial-order reduction may put a step off to a deeper level, so this proves no")
			fmt.Fprintln(w, "          bound on short executions; --no-reduce makes a stopped search say which it proved)")
		}
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
	open := r.Outcome != model.Violated // a check some search proved or left open
	if len(r.Verdicts) > 1 {
		open = writeVerdicts(w, r, sys)
	}
	if !open {
		return
	}
	for _, c := range r.Caveats {
		fmt.Fprintf(w, "caveat:   %s: %s\n", r.Options.Memory, c)
	}
	writeCoverage(w, r.Coverage)
}

// writeVerdicts prints every check's verdict (explore decides each: see
// model.ExploreChecks), then the minimal trace of each violated check
// after the first, whose trace is already shown. It reports whether any
// check was not violated (its verdict rests on coverage and caveats).
func writeVerdicts(w io.Writer, r Report, sys *model.System) (open bool) {
	fmt.Fprintln(w)
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	for i, v := range r.Verdicts {
		lead := "verdicts:"
		if i > 0 {
			lead = ""
		}
		var what string
		switch v.Outcome {
		case model.Violated:
			what = fmt.Sprintf("VIOLATION, %d steps", len(v.Trace))
		case model.Safe:
			what = "safe"
		case model.Vacuous:
			what = "NOT EXERCISED: " + v.Why
		case model.ShardClean:
			what = "no violation in this shard (merge decides)"
		default:
			what = "not decided within the bounds: " + v.Why
		}
		if v.Outcome != model.Violated {
			open = true
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t(search %d, %d states)\n", lead, v.Check, what, v.Search, v.States)
	}
	tw.Flush()
	states := map[int]int{}
	for _, v := range r.Verdicts {
		states[v.Search] = v.States
	}
	if len(states) > 1 {
		total := 0
		for _, n := range states {
			total += n
		}
		fmt.Fprintf(w, "          (%d searches, each without the checks found violated before it: %d states in all)\n", len(states), total)
	}
	for _, v := range r.Verdicts {
		if v.Outcome != model.Violated || v.Search == 1 {
			continue
		}
		fmt.Fprintf(w, "\nVIOLATION of %s (search %d, without the checks decided before it)\n          %s\n\n", v.Check, v.Search, v.Violation.Message)
		fmt.Fprintf(w, "minimal counterexample of %s (%d steps; no violating execution within the bounds is shorter):\n", v.Check, len(v.Trace))
		writeTrace(w, v.Trace, sys)
	}
	fmt.Fprintln(w)
	return open
}

// writeCoverage says what each check was exercised on, what of the patch
// the CPUs ran and read, and the code never executed.
func writeCoverage(w io.Writer, c *model.Coverage) {
	if c == nil {
		return
	}
	var parts []string
	for _, cc := range c.Checks {
		state := "exercised"
		switch {
		case cc.Subject == model.SubjectExecution:
			state = "judged every state"
		case !cc.Exercised:
			state = "NOT exercised (" + map[model.Subject]string{
				model.SubjectText: "no CPU executed patched text",
				model.SubjectData: "no CPU read patched data",
			}[cc.Subject]
			if state == "NOT exercised (" {
				state += "no CPU executed or read anything patched"
			}
			state += ")"
		}
		parts = append(parts, cc.Name+" "+state)
	}
	fmt.Fprintf(w, "coverage: %s\n", strings.Join(parts, "; "))
	if len(c.PatchedText) > 0 {
		var us []string
		for _, u := range c.PatchedText {
			vs := make([]string, len(u.Versions))
			for i, v := range u.Versions {
				vs[i] = fmt.Sprintf("v%d", v)
			}
			us = append(us, fmt.Sprintf("%s (%#x) %s", u.Where, u.Addr, strings.Join(vs, ",")))
		}
		fmt.Fprintf(w, "          patched text executed: %s\n", strings.Join(us, "; "))
	}
	if len(c.PatchedData) > 0 {
		fmt.Fprintf(w, "          patched data read: %s\n", strings.Join(c.PatchedData, ", "))
	}
	if len(c.Unreached) > 0 {
		fmt.Fprintf(w, "          code never executed: %s\n", strings.Join(c.Unreached, ", "))
	}
}

// straddles reports whether the step's instruction was fetched from two
// fetch units (a RISC-V instruction at an address ≡ 2 mod 4), whose
// versions the trace shows side by side, first half first.
func straddles(e model.Event) bool {
	return e.Exec != nil && len(e.Fetches) == 2 && len(e.Exec.Bytes) == 4
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
		if straddles(e) {
			ver = fmt.Sprintf("v%d + v%d", e.Fetches[0].Version, e.Fetches[1].Version)
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
