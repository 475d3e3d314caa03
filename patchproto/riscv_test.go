package patchproto

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/ftcheck/ftcheck/model"
)

func explore(t testing.TB, name string, o Options, mo model.Options) (model.Result, *model.System) {
	t.Helper()
	c := configure(t, name, o)
	if c.ConcreteHarts {
		mo.NoSymmetry = true // the final condition names harts (as the CLI does)
	}
	return model.Explore(context.Background(), c.System, mo), c.System
}

// exploreOnly is explore with only the named checks (--check).
func exploreOnly(t testing.TB, name string, o Options, mo model.Options, checks ...string) (model.Result, *model.System) {
	t.Helper()
	c := configure(t, name, o)
	if err := c.SelectChecks(checks); err != nil {
		t.Fatal(err)
	}
	return model.Explore(context.Background(), c.System, mo), c.System
}

func configure(t testing.TB, name string, o Options) *Configured {
	t.Helper()
	p, err := Lookup(name)
	if err != nil {
		t.Fatal(err)
	}
	c, err := p.Configure(o)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// The minimal trace lengths below are derived by hand in
// docs/protocols/riscv-pair.md; the search must find exactly them.
func TestRISCVPairViolatesWithHandDerivedMinimalTrace(t *testing.T) {
	for _, c := range []struct {
		name string
		o    Options
		want int
		jump string // the wild target, as the check reports it
	}{
		{"stop_machine + preemption, enable (default)", Options{Preempt: 1}, 13, "jumps to 0x280"},
		{"stop_machine + preemption, change tracer (8547649981e6)", Options{Preempt: 1, Op: "change"}, 18, "jumps to 0x2c40"},
		// Under RVWMO, riscv-pair's own model, the store reaches memory in
		// a step of its own: 5 steps (4 under SC).
		{"no stop_machine, enable (R-5')", Options{Variant: "nostop"}, 5, "jumps to 0x280"},
	} {
		t.Run(c.name, func(t *testing.T) {
			for _, reduce := range []bool{true, false} {
				r, _ := explore(t, "riscv-pair", c.o, model.Options{NoReduce: !reduce})
				if r.Outcome != model.Violated || r.Violation.Check != "torn-pair" {
					t.Fatalf("reduce=%v: outcome %v, %v; want a torn-pair violation", reduce, r.Outcome, r.Violation)
				}
				if len(r.Trace) != c.want {
					t.Errorf("reduce=%v: trace has %d steps, want %d", reduce, len(r.Trace), c.want)
				}
				if !strings.Contains(r.Violation.Message, c.jump) {
					t.Errorf("violation %q does not mention %q", r.Violation.Message, c.jump)
				}
			}
		})
	}
}

// The torn pair: the last step executes the new jalr after the same hart
// executed the old word before it.
func TestRISCVPairTraceShowsTwoVersionsOfTheCallSite(t *testing.T) {
	r, s := explore(t, "riscv-pair", Options{Variant: "nostop"}, model.Options{})
	if r.Outcome != model.Violated {
		t.Fatal(r.Outcome)
	}
	var first, last *model.Fetched
	for i := range r.Trace {
		e := &r.Trace[i]
		for j := range e.Fetches {
			f := &e.Fetches[j]
			switch s.Symbols.Name(f.Addr) {
			case "f":
				first = f
			case "f+4":
				last = f
			}
		}
	}
	if first == nil || last == nil || first.Version != 0 || last.Version != 1 {
		t.Fatalf("want f fetched as v0 and f+4 as v1, got %+v %+v", first, last)
	}
	if d := r.Trace[len(r.Trace)-1].Exec.Disasm; d != "jalr t0,640(t0)" {
		t.Fatalf("last instruction %q", d)
	}
}

// Disabling is harmless even for a task preempted between the words: it
// ran the old auipc and resumes on a nop.
func TestRISCVPairDisableIsSafeUnderStopMachine(t *testing.T) {
	r, _ := explore(t, "riscv-pair", Options{Preempt: 2, Op: "disable"}, model.Options{})
	if r.Outcome != model.Safe {
		t.Fatalf("%v %v", r.Outcome, r.Violation)
	}
}

// Without preemption, stop_machine makes the pair safe: this is fix 1 of
// 8547649981e6 (HAVE_FUNCTION_TRACER if !PREEMPTION).
func TestRISCVPairSafeUnderStopMachineWithoutPreemption(t *testing.T) {
	for _, op := range []string{"enable", "disable", "change"} {
		r, _ := explore(t, "riscv-pair", Options{Preempt: 0, Op: op}, model.Options{})
		if r.Outcome != model.Safe {
			t.Fatalf("%s: %v %v", op, r.Outcome, r.Violation)
		}
	}
}

// The single-jalr protocol never tears and never fetches stale text (its
// tracer checks are judged in TestTracerChecksOnRISCVJalr and the
// regression entries).
func TestRISCVJalrSafeAndComplete(t *testing.T) {
	for _, op := range []string{"enable", "disable", "change"} {
		for _, preempt := range []int{0, 1} {
			r, _ := exploreOnly(t, "riscv-jalr", Options{Op: op, Preempt: preempt, Harts: 2}, model.Options{}, "torn-pair", "stale-fetch")
			if r.Outcome != model.Safe || r.Stats.States < 100 || r.Why != "" {
				t.Fatalf("%s preempt=%d: %v (%s) after %d states", op, preempt, r.Outcome, r.Why, r.Stats.States)
			}
		}
	}
}

// Reductions must not change verdicts: every protocol, variant and
// operation gives the same outcome and trace length with partial-order
// and symmetry reduction as without either, and the reduced graph is
// never larger. A configuration whose full search passes 400,000 states
// is skipped and counted (most must be compared).
func TestReductionKeepsVerdicts(t *testing.T) {
	skipUnlessExhaustive(t)
	compared, skipped := 0, 0
	defer func() {
		t.Logf("%d configurations compared, %d skipped (full search over the bound)", compared, skipped)
		if skipped > compared/10 {
			t.Errorf("%d of %d configurations skipped: the bound is too low to test the reduction", skipped, compared+skipped)
		}
	}()
	for _, p := range All() {
		for _, v := range p.Variants {
			for _, op := range p.Ops {
				for _, c := range []struct {
					pre, harts int
					mem        string
				}{{0, 2, "sc"}, {1, 2, "sc"}, {1, 1, "tso"}, {1, 1, "rvwmo"}} {
					pre := c.pre
					o := Options{Variant: v.Name, Op: op, Preempt: pre, Harts: c.harts, Memory: c.mem}
					if !applies(t, p, o) {
						continue
					}
					full, _ := explore(t, p.Name, o, model.Options{NoReduce: true, NoSymmetry: true, Bounds: model.Bounds{MaxStates: 400_000}})
					if full.Outcome == model.Incomplete {
						skipped++
						continue
					}
					compared++
					red, _ := explore(t, p.Name, o, model.Options{})
					if full.Outcome != red.Outcome || len(full.Trace) != len(red.Trace) {
						t.Errorf("%s/%s/%s preempt=%d: full %v (%d steps), reduced %v (%d steps)",
							p.Name, v.Name, op, pre, full.Outcome, len(full.Trace), red.Outcome, len(red.Trace))
					}
					if full.Outcome == model.Safe && red.Stats.States > full.Stats.States {
						t.Errorf("%s/%s/%s: reduced search is larger (%d > %d)", p.Name, v.Name, op, red.Stats.States, full.Stats.States)
					}
				}
			}
		}
	}
}

func TestBadOptionsAreRefused(t *testing.T) {
	p, _ := Lookup("riscv-jalr")
	for _, o := range []Options{{Harts: 9}, {Preempt: -1}, {Op: "swap"}, {Variant: "nope"}, {Memory: "nope"}, {Calls: 7}} {
		if _, _, err := p.Build(o); err == nil {
			t.Errorf("%+v accepted", o)
		}
	}
	if _, err := Lookup("nope"); err == nil || !strings.Contains(err.Error(), "riscv-jalr") {
		t.Errorf("unknown protocol error must name the known ones: %v", err)
	}
}

// TestReductionKeepsVerdictsAtScale holds the reduced search (ample sets,
// cycle proviso, symmetry) to the full one where weak memory and a second
// call make it matter: every protocol, variant and operation with two
// harts under each weak memory model its architecture has, and with two
// calls per hart under SC. Configurations whose full search passes the
// state bound are skipped (and counted: most must be compared).
func TestReductionKeepsVerdictsAtScale(t *testing.T) {
	skipUnlessExhaustive(t)
	if testing.Short() {
		t.Skip("full searches of up to 300,000 states each")
	}
	weak := map[string]string{"RISCV": "rvwmo", "ARM64": "armv8", "X86": "tso", "PPC64": ""}
	compared, skipped := 0, 0
	for _, p := range All() {
		mems := []struct {
			mem   string
			calls int
		}{{"sc", 2}}
		if m := weak[p.Arch]; m != "" {
			mems = append(mems, struct {
				mem   string
				calls int
			}{m, 1})
		}
		for _, v := range p.Variants {
			for _, op := range p.Ops {
				for _, c := range mems {
					o := Options{Variant: v.Name, Op: op, Preempt: 1, Harts: 2, Calls: c.calls, Memory: c.mem}
					if !applies(t, p, o) {
						continue
					}
					what := fmt.Sprintf("%s/%s/%s %s calls=%d", p.Name, v.Name, op, c.mem, c.calls)
					full, _ := explore(t, p.Name, o, model.Options{NoReduce: true, NoSymmetry: true, Bounds: model.Bounds{MaxStates: 300000}})
					if full.Outcome == model.Incomplete {
						skipped++
						continue
					}
					red, _ := explore(t, p.Name, o, model.Options{})
					compared++
					if full.Outcome != red.Outcome || len(full.Trace) != len(red.Trace) {
						t.Errorf("%s: full %v (%d steps), reduced %v (%d steps)", what, full.Outcome, len(full.Trace), red.Outcome, len(red.Trace))
					}
					// Bitstate hashing applies the cycle proviso during the
					// search (the exact store checks it afterwards).
					hashed, _ := explore(t, p.Name, o, model.Options{Store: model.StoreBitstate})
					if (full.Outcome == model.Violated) != (hashed.Outcome == model.Violated) || len(full.Trace) != len(hashed.Trace) {
						t.Errorf("%s, proviso during the search: full %v (%d steps), reduced %v (%d steps)", what, full.Outcome, len(full.Trace), hashed.Outcome, len(hashed.Trace))
					}
					if full.Violation != nil && red.Violation != nil && full.Violation.Check != red.Violation.Check {
						t.Errorf("%s: full finds %s, reduced %s", what, full.Violation.Check, red.Violation.Check)
					}
				}
			}
		}
	}
	t.Logf("%d configurations compared, %d over the bound", compared, skipped)
	if compared < 3*skipped || compared < 40 {
		t.Fatalf("only %d configurations compared (%d over the bound)", compared, skipped)
	}
}
