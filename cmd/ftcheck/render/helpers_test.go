package render

import (
	"context"
	"fmt"
	"testing"

	"github.com/ftcheck/ftcheck/model"
	"github.com/ftcheck/ftcheck/patchproto"
)

// build makes a protocol's system the way `ftcheck explore` does.
func build(t *testing.T, o patchproto.Options, name string) (*model.System, patchproto.Options) {
	t.Helper()
	p, err := patchproto.Lookup(name)
	if err != nil {
		t.Fatal(err)
	}
	sys, o, err := p.Build(o)
	if err != nil {
		t.Fatal(err)
	}
	return sys, o
}

// inputFor wraps a result the way cmd/ftcheck's viewInput does.
func inputFor(sys *model.System, name string, o patchproto.Options, res model.Result) Input {
	boot := sys.Initial.Fetch
	return Input{
		Tool: "ftcheck test", Protocol: name, Variant: o.Variant, Op: o.Op,
		Bounds: fmt.Sprintf("%d harts + patcher, op %s", o.Harts, o.Op), Notes: []string{"a note"},
		Result: res, Harts: len(sys.Initial.Harts), Symbols: sys.Symbols, Patch: sys.Patch, Handlers: sys.Handlers,
		BootWord: func(addr uint64) (uint32, bool) {
			if !boot.Contains(addr) {
				return 0, false
			}
			w, _ := boot.Clone().Fetch(0, addr, 0)
			return w, true
		},
	}
}

// explored runs a real search.
func explored(t *testing.T, name string, o patchproto.Options, b model.Bounds) Input {
	t.Helper()
	sys, o := build(t, o, name)
	res := model.Explore(context.Background(), sys, model.Options{Bounds: b})
	return inputFor(sys, name, o, res)
}

// pairChange is the 2023 panic: 18 steps, a store-to-fetch edge, parks
// and a release.
func pairChange(t *testing.T) Input {
	t.Helper()
	in := explored(t, "riscv-pair", patchproto.Options{Op: "change", Preempt: 1}, model.Bounds{})
	if in.Result.Outcome != model.Violated || len(in.Result.Trace) != 18 {
		t.Fatalf("riscv-pair change: %s with %d steps, want an 18-step violation", in.Result.Outcome, len(in.Result.Trace))
	}
	return in
}

// ipiTrace is a real riscv-jalr execution with IPIs: no search finds one
// (the protocol is safe), so the patcher runs whenever it can and the
// harts take IPIs when it waits, else execute. The last step is marked
// violating so that every renderer draws the lanes.
func ipiTrace(t *testing.T, harts int) Input {
	t.Helper()
	sys, o := build(t, patchproto.Options{Harts: harts, Op: "enable", Preempt: 1}, "riscv-jalr")
	m := sys.Initial
	var labels []model.Label
	for len(labels) < 200 && !sys.PatcherDone(m) {
		var patch, ipi, exec *model.Transition
		sys.Successors(m, func(tr *model.Transition) bool {
			switch {
			case tr.Label.Action == model.ActPatch && patch == nil:
				patch = tr
			case tr.Label.Action == model.ActIPI && ipi == nil:
				ipi = tr
			case tr.Label.Action == model.ActExec && exec == nil:
				exec = tr
			}
			return true
		})
		next := patch
		if next == nil {
			next = ipi
		}
		if next == nil {
			next = exec
		}
		if next == nil {
			t.Fatal("riscv-jalr: nothing enabled before the patcher finished")
		}
		labels = append(labels, next.Label)
		m = next.After
	}
	events, _, err := model.Replay(sys, labels)
	if err != nil {
		t.Fatal(err)
	}
	v := &model.Violation{Check: "synthetic", Message: "not a real violation: a test marks the last step"}
	events[len(events)-1].Violation = v
	res := model.Result{Outcome: model.Violated, Violation: v, Trace: events}
	return inputFor(sys, "riscv-jalr", o, res)
}

// nasty is a pair-change result whose every text field tries to break
// out of its context: HTML, attributes, scripts, DOT strings.
func nasty(t *testing.T) Input {
	in := pairChange(t)
	evil := `</script><script>alert("x")</script> & <b>bold</b> \" \\ ' ` + "\n" + `"}]; digraph x {`
	in.Protocol = evil
	in.Bounds = evil
	in.Notes = []string{evil}
	in.Result.Violation = &model.Violation{Check: "torn-pair<i>", Message: evil}
	trace := append([]model.Event(nil), in.Result.Trace...)
	for i := range trace {
		trace[i].Why = evil
		if trace[i].Exec != nil {
			x := *trace[i].Exec
			x.Effect = evil + "_averyveryveryverylongwordwithoutanyspacesthatmustbebrokenacrosslines_"
			trace[i].Exec = &x
		}
	}
	trace[len(trace)-1].Violation = in.Result.Violation
	in.Result.Trace = trace
	return in
}
