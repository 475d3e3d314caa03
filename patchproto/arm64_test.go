package patchproto

import (
	"strings"
	"testing"

	"github.com/ftcheck/ftcheck/model"
)

// The minimal trace lengths below are derived by hand in
// docs/protocols.md (arm64-v5, arm64-plt); the search must find exactly
// them, with and without reductions.
func TestArm64RacesWithHandDerivedMinimalTraces(t *testing.T) {
	for _, c := range []struct {
		name, proto string
		o           Options
		check       string
		want        int
		says        string
	}{
		{"R-13: v5, no preemption needed (fetch f old, f+4 new)", "arm64-v5", Options{}, "lost-return", 20, "returns to 0xbad0"},
		{"R-13: v5 under stop_machine, task preempted between the slots", "arm64-v5", Options{Variant: "stopmachine", Preempt: 1}, "lost-return", 31, "linked task+4"},
		{"v5: the NOP->MOV rewrite is outside CMODX", "arm64-v5", Options{Params: map[string]string{"check": "cmodx"}}, "bad-fetch", 4, "CMODX"},
		{"v5 disable: the MOV->NOP rewrite is outside CMODX", "arm64-v5", Options{Op: "disable", Params: map[string]string{"check": "cmodx"}}, "bad-fetch", 9, "CMODX"},
		{"R-11: PLT published with smp_wmb only", "arm64-plt", Options{Variant: "wmb"}, "bad-fetch", 10, "at plt"},
		{"R-12: DIC=1 trusted on Neoverse-N1", "arm64-plt", Options{Variant: "n1dic"}, "bad-fetch", 13, "at plt"},
	} {
		t.Run(c.name, func(t *testing.T) {
			for _, reduce := range []bool{true, false} {
				r, s := explore(t, c.proto, c.o, model.Options{NoReduce: !reduce, NoSymmetry: !reduce})
				if r.Outcome != model.Violated || r.Violation.Check != c.check {
					t.Fatalf("reduce=%v: outcome %v, %v; want a %s violation", reduce, r.Outcome, r.Violation, c.check)
				}
				if len(r.Trace) != c.want {
					t.Errorf("reduce=%v: trace has %d steps, want %d", reduce, len(r.Trace), c.want)
				}
				if !strings.Contains(r.Violation.Message, c.says) {
					t.Errorf("violation %q does not mention %q", r.Violation.Message, c.says)
				}
				// The trace replays to the same violation.
				m := s.Initial
				for i, e := range r.Trace {
					tr, err := s.Apply(m, e.Label)
					if err != nil {
						t.Fatalf("step %d: %v", i+1, err)
					}
					if v := s.Inspect(tr); (v != nil) != (i == len(r.Trace)-1) {
						t.Fatalf("step %d of %d: violation %v", i+1, len(r.Trace), v)
					}
					m = tr.After
				}
			}
		})
	}
}

// R-13's trace: the task ran f as the old NOP and f+4 as the new BL.
func TestArm64V5TraceRunsNopThenBL(t *testing.T) {
	r, s := explore(t, "arm64-v5", Options{}, model.Options{})
	var atF, atF4 string
	for _, e := range r.Trace {
		if e.Exec == nil {
			continue
		}
		switch s.Symbols.Name(e.PC) {
		case "f":
			atF = e.Exec.Disasm
		case "f+4":
			atF4 = e.Exec.Disasm
		}
	}
	if atF != "nop" || !strings.HasPrefix(atF4, "bl ") {
		t.Fatalf("f ran %q, f+4 ran %q; want nop then bl", atF, atF4)
	}
}

// The fixed protocols are safe, and the search is complete.
func TestArm64FixedVariantsSafe(t *testing.T) {
	for _, c := range []struct {
		proto string
		o     Options
	}{
		{"arm64", Options{Op: "enable", Preempt: 1}},
		{"arm64", Options{Op: "disable"}},
		{"arm64", Options{Op: "change"}},
		{"arm64", Options{Op: "enable", Harts: 3}},
		{"arm64", Options{Op: "enable", Memory: "sc"}},
		{"arm64-v5", Options{Op: "disable"}},          // the harmless direction (R-13 race 1')
		{"arm64-v5", Options{Variant: "stopmachine"}}, // no preemption: stop_machine + isb suffice
		{"arm64-plt", Options{Variant: "flush"}},
		{"arm64-plt", Options{Variant: "n1fix"}},
	} {
		r, _ := explore(t, c.proto, c.o, model.Options{})
		if r.Outcome != model.Safe || r.Why != "" || r.Stats.States < 50 {
			t.Errorf("%s %+v: %v %v (%s) after %d states", c.proto, c.o, r.Outcome, r.Violation, r.Why, r.Stats.States)
		}
	}
}
