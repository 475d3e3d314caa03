package checks

import (
	"fmt"
	"sort"
	"strings"

	"github.com/ftcheck/ftcheck/model"
)

// PairMismatchDef is pair-mismatch in the registry. Its section names
// the tracer and op pointers, the jump that calls the tracer with the
// op's register, and the tracers that ignore the op:
//
//	[check pair-mismatch]
//	dest ftrace_call_dest
//	op function_trace_op                # the op pointer (a data label)
//	call .Lcall_tracer a2               # the jump that calls the tracer, the op's register
//	any ftrace_ops_list_func, ftrace_stub   # tracers that ignore the op
//
// The pairs set together come from the patcher's program, so the check
// is made once that is known.
var PairMismatchDef = &Def{
	Name:    "pair-mismatch",
	Doc:     "a traced call reaches tracer f with an op that was never in function_trace_op while f was in ftrace_call_dest (a pair never set together)",
	Subject: model.SubjectData,
	Syntax:  pairMismatchSyntax,
	Parse:   parsePairMismatch,
}

const pairMismatchSyntax = "dest LABEL, op LABEL, call JUMP REGISTER, any TRACER[, TRACER...]"

func parsePairMismatch(s Section) (Build, error) {
	var dest, op Symbol
	var site uint64
	var opReg int
	var anyOp []uint64
	err := readKeywords(s, pairMismatchSyntax, []keyword{
		{name: "dest", required: true, read: func(l Line) (err error) {
			dest, err = dataItem(l)
			return err
		}},
		{name: "op", required: true, read: func(l Line) (err error) {
			op, err = dataItem(l)
			return err
		}},
		{name: "call", required: true, read: func(l Line) (err error) {
			if site, err = l.Addr(); err != nil {
				return err
			}
			opReg, err = l.Register("the register holding the op at the jump (a2)")
			return err
		}},
		{name: "any", many: true, read: func(l Line) error {
			as, err := l.Addrs()
			anyOp = append(anyOp, as...)
			return err
		}},
	})
	if err != nil {
		return nil, err
	}
	at := s.At()
	return func(sc Scenario) (Wiring, error) {
		initDest, err := sc.InitialValue(dest)
		if err != nil {
			return Wiring{}, err
		}
		initOp, err := sc.InitialValue(op)
		if err != nil {
			return Wiring{}, err
		}
		pairs, err := PairsSetTogether(loc(dest), loc(op), initDest, initOp, sc.Patch())
		if err != nil {
			return Wiring{}, at.Errorf("%v", err)
		}
		return Wiring{Check: &PairMismatch{Site: site, OpReg: opReg, Pairs: pairs, AnyOp: anyOp,
			Dest: loc(dest).Addr, Op: loc(op).Addr, Symbols: sc.Symbols(), RegName: sc.RegName}}, nil
	}, nil
}

// Pair is a (tracer, op) pair: what ftrace_call_dest and
// function_trace_op held at the same time.
type Pair struct{ Func, Op uint64 }

// Loc is a memory location the check follows.
type Loc struct {
	Addr uint64
	Size int
}

// PairsSetTogether lists the pairs memory holds at each point of the
// patcher's program, its stores applied in program order from the
// initial values: the pairs the patcher means a call to see. A store
// that covers only part of either location is refused: the pair it
// leaves is not a value the protocol writes.
func PairsSetTogether(dest, op Loc, initDest, initOp uint64, patch []model.PatchOp) ([]Pair, error) {
	cur := Pair{initDest, initOp}
	pairs := []Pair{cur}
	for i, p := range patch {
		if p.Kind != model.PatchStore {
			continue
		}
		for _, l := range []struct {
			loc Loc
			v   *uint64
		}{{dest, &cur.Func}, {op, &cur.Op}} {
			lo, hi := p.Addr, p.Addr+uint64(p.Size)
			if hi <= l.loc.Addr || lo >= l.loc.Addr+uint64(l.loc.Size) {
				continue
			}
			if p.Addr != l.loc.Addr || p.Size != l.loc.Size {
				return nil, fmt.Errorf("patcher step %d stores %d bytes at %#x, part of the %d-byte location at %#x", i+1, p.Size, p.Addr, l.loc.Size, l.loc.Addr)
			}
			*l.v = p.Val
		}
		if pairs[len(pairs)-1] != cur {
			pairs = append(pairs, cur)
		}
	}
	return pairs, nil
}

// PairMismatch is the pair-mismatch check. Without CALL_OPS the RISC-V
// ftrace_caller loads the op (function_trace_op, into a2) and then the
// tracer (ftrace_call_dest) with no barrier between them, and calls the
// tracer with the op (arch/riscv/kernel/mcount-dyn.S). A tracer reached
// directly relies on its op: update_ftrace_function()
// (kernel/trace/ftrace.c) pairs the single registered ops' func with
// set_function_trace_op, and ftrace_modify_all_code() installs
// ftrace_ops_list_func first, stores function_trace_op, syncs every CPU
// (smp_wmb + ftrace_sync_ipi) and only then the new func. The list
// function ignores its op (__ftrace_ops_list_func's third argument is
// named "ignored") and ftrace_stub does nothing: those accept any op.
// Every other tracer must be called with an op it was set together with.
type PairMismatch struct {
	Site  uint64 // the jump that calls the tracer (ftrace_call's jalr)
	OpReg int    // the register holding the op at that jump (a2)
	Pairs []Pair
	AnyOp []uint64 // tracers that ignore the op
	// Dest and Op name the two locations in messages.
	Dest, Op uint64
	Symbols  model.Symbols
	RegName  func(int) string
}

func (*PairMismatch) Name() string { return PairMismatchDef.Name }

// Subject is what the check judges, for coverage (model.Coverage).
func (*PairMismatch) Subject() model.Subject { return PairMismatchDef.Subject }

func (c *PairMismatch) Inspect(t *model.Transition) *model.Violation {
	x := t.Event.Exec
	if t.Label.Action != model.ActExec || x == nil || x.Fault != "" || !x.Jump {
		return nil
	}
	hart := t.Label.Actor
	if t.Before.Harts[hart].PC != c.Site {
		return nil
	}
	got := Pair{x.NextPC, t.Before.Harts[hart].Regs[c.OpReg]}
	for _, f := range c.AnyOp {
		if got.Func == f {
			return nil
		}
	}
	for _, p := range c.Pairs {
		if p == got {
			return nil
		}
	}
	sym := c.Symbols.Name
	var set []string
	for _, p := range c.Pairs {
		set = append(set, "("+sym(p.Func)+", "+sym(p.Op)+")")
	}
	sort.Strings(set)
	return &model.Violation{Check: c.Name(), Message: fmt.Sprintf(
		"hart%d: %s calls %s with op %s (%s), a pair never set together; (%s, %s) held only %s",
		hart, sym(c.Site), sym(got.Func), sym(got.Op), c.RegName(c.OpReg), sym(c.Dest), sym(c.Op), strings.Join(set, ", "))}
}
