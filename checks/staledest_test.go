package checks

import (
	"bytes"
	"strings"
	"testing"

	"github.com/ftcheck/ftcheck/model"
)

const (
	stub, listFunc, tracerA, tracerB = 0x3000, 0x3100, 0x3400, 0x4c40
	entry, site                      = 0x2380, 0x238c
)

var syms = model.Symbols{{Name: "ftrace_caller", Addr: entry}, {Name: "ftrace_stub", Addr: stub},
	{Name: "ftrace_ops_list_func", Addr: listFunc}, {Name: "tracer_a", Addr: tracerA},
	{Name: "tracer_b", Addr: tracerB}, {Name: "ftrace_call_dest", Addr: 0x8000}, {Name: "function_trace_op", Addr: 0x8008}}

var yes = true

func TestHistoryLinearizable(t *testing.T) {
	upd := func(v uint64, call, ret int) HistOp {
		return HistOp{Client: Patcher, Update: true, Value: v, Call: call, Return: ret}
	}
	call := func(h int, v uint64, c, r int) HistOp { return HistOp{Client: h, Value: v, Call: c, Return: r} }
	for _, tc := range []struct {
		name string
		ops  []HistOp
		want bool
		// regular: the verdict for a regular register, when it differs
		regular *bool
	}{
		{"call before the update reads the old tracer", []HistOp{call(0, tracerA, 1, 2), upd(tracerB, 3, 4)}, true, nil},
		{"call overlapping the update may read either", []HistOp{upd(tracerB, 1, 3), call(0, tracerA, 2, 4)}, true, nil},
		{"call overlapping the update may read the new one", []HistOp{upd(tracerB, 1, 3), call(0, tracerB, 2, 4)}, true, nil},
		{"a pending update may have taken effect", []HistOp{upd(tracerB, 1, 0), call(0, tracerB, 2, 3)}, true, nil},
		{"call after the update returned reads the old tracer", []HistOp{upd(tracerB, 1, 2), call(0, tracerA, 3, 4)}, false, nil},
		{"call after two updates reads the first", []HistOp{upd(listFunc, 1, 2), upd(tracerB, 3, 4), call(1, listFunc, 5, 6)}, false, nil},
		{"a tracer nobody wrote", []HistOp{call(0, stub, 1, 2)}, false, nil},
		{"new then old, one hart after the other", []HistOp{upd(tracerB, 1, 6), call(0, tracerB, 2, 3), call(1, tracerA, 4, 5)}, false, &yes},
		{"new then old after the update returned", []HistOp{upd(tracerB, 1, 4), call(0, tracerB, 2, 3), call(1, tracerA, 5, 6)}, false, nil},
		{"a pending call constrains nothing", []HistOp{upd(tracerB, 1, 2), call(0, 0, 3, 0)}, true, nil},
	} {
		h := &History{Initial: tracerA, Ops: tc.ops, Atomic: true}
		if got := h.Linearizable(); got != tc.want {
			t.Errorf("%s: atomic: linearizable = %v, want %v", tc.name, got, tc.want)
		}
		want := tc.want
		if tc.regular != nil {
			want = *tc.regular
		}
		h.Atomic = false
		if got := h.Linearizable(); got != want {
			t.Errorf("%s: regular: linearizable = %v, want %v", tc.name, got, want)
		}
	}
}

// machine is a state with n harts at pc and the patcher at ppc.
func machine(n int, pc uint64, ppc int) *model.Machine {
	m := &model.Machine{Harts: model.NewHarts(n), Patcher: model.Patcher{PC: ppc}}
	for i := range m.Harts {
		m.Harts[i].PC = pc
	}
	return m
}

func patchStep(ppc int) *model.Transition {
	return &model.Transition{Label: model.Label{Actor: 2, Action: model.ActPatch}, Before: machine(2, 0, ppc)}
}

func execStep(hart int, pc, next uint64, jump bool) *model.Transition {
	return &model.Transition{Label: model.Label{Actor: hart, Action: model.ActExec}, Before: machine(2, pc, 0),
		Event: model.Event{Exec: &model.Exec{NextPC: next, Jump: jump}}}
}

func TestStaleDestObserve(t *testing.T) {
	c := NewStaleDest(StaleDest{Dest: 0x8000, Initial: tracerA, Entry: entry, Site: site, Symbols: syms,
		Updates: []UpdateSteps{{First: 0, Last: 3, Value: listFunc}, {First: 8, Last: 11, Value: tracerB}}})
	run := func(steps ...*model.Transition) (*History, *model.Violation) {
		rec := c.NewRecord(machine(2, 0, 0))
		for _, s := range steps {
			if _, v := c.Observe(s, rec); v != nil {
				return rec.(*History), v
			}
		}
		return rec.(*History), nil
	}
	// hart0 enters ftrace_caller before any update and reads tracer_a;
	// hart1 enters after update(list_func) returned and reads it.
	h, v := run(execStep(0, entry, entry+4, false), patchStep(0), patchStep(3),
		execStep(1, entry, entry+4, false), execStep(0, site, tracerA, true), execStep(1, site, listFunc, true))
	if v != nil {
		t.Fatalf("linearizable history flagged: %v", v.Message)
	}
	if len(h.Ops) != 3 || h.Ops[1].Return == 0 || h.Ops[2].Value != listFunc {
		t.Fatalf("history recorded wrongly: %+v", h.Ops)
	}
	// hart1 enters after both updates returned and reads tracer_a.
	_, v = run(patchStep(0), patchStep(3), patchStep(8), patchStep(11),
		execStep(1, entry, entry+4, false), execStep(1, site, tracerA, true))
	if v == nil {
		t.Fatal("a call that began after update(tracer_b) returned and reached tracer_a was not flagged")
	}
	for _, want := range []string{"hart1", "at step 5, after update(ftrace_ops_list_func) returned at step 2 and update(tracer_b) returned at step 4", "reached tracer_a", "ftrace_call_dest"} {
		if !strings.Contains(v.Message, want) {
			t.Errorf("message %q lacks %q", v.Message, want)
		}
	}
	f, ok := v.Detail.(*FailedHistory)
	if !ok {
		t.Fatalf("violation detail %T, want *FailedHistory", v.Detail)
	}
	var buf bytes.Buffer
	if err := f.Visualize(&buf); err != nil {
		t.Fatal(err)
	}
	page := buf.String()
	for _, want := range []string{"<html", "update(tracer_b)", "call() → tracer_a", "patcher: updates of ftrace_call_dest", "hart1: traced calls"} {
		if !strings.Contains(page, want) {
			t.Errorf("porcupine's page lacks %q", want)
		}
	}
	// The same call during the second update is fine.
	if _, v = run(patchStep(0), patchStep(3), patchStep(8),
		execStep(1, entry, entry+4, false), execStep(1, site, listFunc, true)); v != nil {
		t.Fatalf("a call during update(tracer_b) that read list_func was flagged: %v", v.Message)
	}
}

func TestHistoryRecord(t *testing.T) {
	c := NewStaleDest(StaleDest{Initial: tracerA, Entry: entry, Site: site})
	a := c.NewRecord(machine(2, 0, 0)).(*History)
	a.clock++
	a.open[0] = a.invoke(0, false, 0)
	b := a.Clone().(*History)
	b.PermuteHarts([]int{1, 0})
	if b.Ops[0].Client != 1 || b.open[1] != 0 || b.open[0] != -1 {
		t.Fatalf("permuted record: %+v open %v", b.Ops, b.open)
	}
	if a.Ops[0].Client != 0 {
		t.Fatal("Clone shares the operations")
	}
	if bytes.Equal(a.AppendKey(nil), b.AppendKey(nil)) {
		t.Fatal("records of different harts encode equally")
	}
	if !bytes.Equal(a.AppendHartKey(0, nil), b.AppendHartKey(1, nil)) || bytes.Equal(a.AppendHartKey(0, nil), a.AppendHartKey(1, nil)) {
		t.Fatal("hart keys do not follow the renumbering")
	}
}

func TestPairMismatch(t *testing.T) {
	const dest, op, opA, opB, listEnd = 0x8000, 0x8008, 0x9000, 0x9100, 0x9200
	patch := []model.PatchOp{
		{Kind: model.PatchStore, Addr: dest, Size: 8, Val: listFunc},
		{Kind: model.PatchFence, Fence: model.FenceWW},
		{Kind: model.PatchStore, Addr: 0x1104, Size: 4, Val: 0x13},
		{Kind: model.PatchStore, Addr: op, Size: 8, Val: opB},
		{Kind: model.PatchStore, Addr: dest, Size: 8, Val: tracerB},
	}
	pairs, err := PairsSetTogether(Loc{dest, 8}, Loc{op, 8}, tracerA, opA, patch)
	if err != nil {
		t.Fatal(err)
	}
	want := []Pair{{tracerA, opA}, {listFunc, opA}, {listFunc, opB}, {tracerB, opB}}
	if len(pairs) != len(want) {
		t.Fatalf("pairs %x, want %x", pairs, want)
	}
	for i := range want {
		if pairs[i] != want[i] {
			t.Fatalf("pairs %x, want %x", pairs, want)
		}
	}
	if _, err := PairsSetTogether(Loc{dest, 8}, Loc{op, 8}, 0, 0, []model.PatchOp{{Kind: model.PatchStore, Addr: op + 4, Size: 4}}); err == nil || !strings.Contains(err.Error(), "part of") {
		t.Fatalf("a partial store: %v", err)
	}
	c := &PairMismatch{Site: site, OpReg: 12, Pairs: pairs, AnyOp: []uint64{listFunc, stub}, Dest: dest, Op: op,
		Symbols: append(syms, model.Region{Name: "op_a", Addr: opA}, model.Region{Name: "op_b", Addr: opB}),
		RegName: func(int) string { return "a2" }}
	call := func(f, o uint64) *model.Transition {
		s := execStep(1, site, f, true)
		s.Before.Harts[1].Regs[12] = o
		return s
	}
	for _, ok := range []Pair{{tracerA, opA}, {tracerB, opB}, {listFunc, opA}, {listFunc, listEnd}, {stub, opB}} {
		if v := c.Inspect(call(ok.Func, ok.Op)); v != nil {
			t.Errorf("pair %x flagged: %s", ok, v.Message)
		}
	}
	v := c.Inspect(call(tracerB, opA))
	if v == nil {
		t.Fatal("(tracer_b, op_a) not flagged")
	}
	for _, w := range []string{"hart1", "calls tracer_b with op op_a (a2)", "(tracer_b, op_b)"} {
		if !strings.Contains(v.Message, w) {
			t.Errorf("message %q lacks %q", v.Message, w)
		}
	}
	if v := c.Inspect(execStep(1, entry, tracerB, true)); v != nil {
		t.Fatalf("a jump elsewhere flagged: %v", v)
	}
}
