package ftcheck_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/ftcheck/ftcheck"
	"pgregory.net/rapid"
)

// Property tests over ftcheck's results, the way a Go user writes them
// with the library: rapid draws variants of a protocol and the test
// checks a claim about every one of them. Distinct variants are few, so
// each is explored once (memo) and the draws stay fast.

// memo explores each (text, options) once per test binary.
type memo struct {
	mu   sync.Mutex
	seen map[string]ftcheck.Result
}

func (m *memo) explore(t *rapid.T, name string, text []byte, o ftcheck.Options) ftcheck.Result {
	key := fmt.Sprintf("%s|%+v", text, o)
	m.mu.Lock()
	defer m.mu.Unlock()
	if r, ok := m.seen[key]; ok {
		return r
	}
	p, err := ftcheck.Parse(name, text)
	if err != nil {
		t.Fatalf("generated scenario does not parse: %v\n%s", err, text)
	}
	r, err := ftcheck.Explore(context.Background(), p, o)
	if err != nil {
		t.Fatalf("%+v: %v", o, err)
	}
	if m.seen == nil {
		m.seen = map[string]ftcheck.Result{}
	}
	m.seen[key] = r
	return r
}

// dropSteps removes some of the patcher's ordering steps from a
// scenario: each fence line, and each IPI with the wait for it, is kept
// or not as drawn. The stores are always kept.
func dropSteps(t *rapid.T, text string) (string, []string) {
	lines := strings.Split(text, "\n")
	var out, dropped []string
	inPatcher := false
	for i := 0; i < len(lines); i++ {
		l := lines[i]
		f := strings.Fields(l)
		if strings.HasPrefix(l, "[") {
			inPatcher = strings.HasPrefix(l, "[patcher]")
		}
		if inPatcher && len(f) > 0 {
			step := ""
			n := 1
			switch {
			case f[0] == "fence" || f[0] == "fence.i":
				step = strings.Join(f[:min(2, len(f))], " ")
			case f[0] == "ipi" && i+1 < len(lines) && strings.HasPrefix(strings.TrimSpace(lines[i+1]), "wait ipi"):
				step, n = "ipi "+f[2]+" + wait", 2
			}
			if step != "" && !rapid.Bool().Draw(t, fmt.Sprintf("keep line %d (%s)", i+1, step)) {
				dropped = append(dropped, step)
				i += n - 1
				continue
			}
		}
		out = append(out, l)
	}
	return strings.Join(out, "\n"), dropped
}

// The 6.16 protocol toggles one 4-byte jalr, which instruction fetch
// cannot tear; the fences and IPIs around it order the tracer's data,
// not the call site. So under SC no torn-pair violation exists for any
// number of harts, calls, op, preemption — and whichever of the
// patcher's fences and IPIs are left out.
func TestRISCVJalrSafeWithAnyFencesLeftOut(t *testing.T) {
	base, err := ftcheck.Builtin("riscv-jalr")
	if err != nil {
		t.Fatal(err)
	}
	var m memo
	rapid.Check(t, func(t *rapid.T) {
		o := ftcheck.Options{
			Harts:   rapid.IntRange(1, 2).Draw(t, "harts"),
			Calls:   rapid.IntRange(1, 2).Draw(t, "calls"),
			Op:      rapid.SampledFrom([]string{"enable", "disable", "change"}).Draw(t, "op"),
			Preempt: rapid.SampledFrom([]int{ftcheck.NoPreemption, 1}).Draw(t, "preempt"),
			Memory:  "sc",
			Checks:  []string{"torn-pair", "stale-fetch"},
		}
		if o.Harts == 2 && o.Calls == 2 {
			o.Calls = 1 // 2x2 is a 0.5 s search: the regression folder has it
		}
		text, dropped := dropSteps(t, string(base.Text()))
		r := m.explore(t, "jalr-variant.scenario", []byte(text), o)
		if r.Outcome != ftcheck.Safe {
			t.Fatalf("%+v without %v: %v %v (%s)", o, dropped, r.Outcome, r.Violation, r.Why)
		}
		if r.Config.Harts != o.Harts || r.Config.Op != o.Op || r.States == 0 {
			t.Fatalf("explored %+v, %d states; asked for %+v", r.Config, r.States, o)
		}
	})
}

// The pair protocol under stop_machine (v6.9-v6.15) tears exactly when a
// task can be preempted between its auipc and its jalr (preemption on)
// and the patch gives the pair halves that jump somewhere when mixed:
// enable (old nop, new jalr) and change (old auipc ra, new jalr ra), not
// disable (old auipc t0, new nop: no jump). Whatever the number of harts
// and calls, the tear is torn-pair and its trace ends at the jump.
func TestRISCVPairTearsIffPreemptedInsideAJumpingPair(t *testing.T) {
	base, err := ftcheck.Builtin("riscv-pair")
	if err != nil {
		t.Fatal(err)
	}
	var m memo
	rapid.Check(t, func(t *rapid.T) {
		o := ftcheck.Options{
			Harts:   rapid.IntRange(1, 3).Draw(t, "harts"),
			Calls:   rapid.IntRange(1, 2).Draw(t, "calls"),
			Op:      rapid.SampledFrom([]string{"enable", "disable", "change"}).Draw(t, "op"),
			Preempt: rapid.SampledFrom([]int{ftcheck.NoPreemption, 1, 2}).Draw(t, "preempt"),
			Variant: "stopmachine",
			// The claim holds whichever way the search goes.
			DepthFirst: rapid.Bool().Draw(t, "depth first"),
		}
		if o.Harts == 3 {
			// Keep three harts to the cheap searches (up to 1.3 s; with
			// two calls or preemptions a safe search takes 10 s to 95 s).
			o.Calls, o.Preempt = 1, min(o.Preempt, 1)
		}
		r := m.explore(t, "pair.scenario", base.Text(), o)
		tears := o.Preempt >= 1 && o.Op != "disable"
		switch {
		case tears && r.Outcome != ftcheck.Violated:
			t.Fatalf("%+v: want a torn pair, got %v (%s)", o, r.Outcome, r.Why)
		case !tears && r.Outcome != ftcheck.Safe:
			t.Fatalf("%+v: want safe, got %v %v", o, r.Outcome, r.Violation)
		case tears:
			last := r.Trace[len(r.Trace)-1]
			if r.Violation.Check != "torn-pair" || !last.Violates || !strings.HasPrefix(last.Instruction, "jalr") {
				t.Fatalf("%+v: %v, last step %+v", o, r.Violation, last)
			}
			preempted := false
			for _, s := range r.Trace {
				preempted = preempted || strings.Contains(s.Effect, "preempted")
			}
			if !preempted {
				t.Fatalf("%+v: the trace has no preemption", o)
			}
		}
	})
}
