package scenario

import (
	"strings"

	"github.com/ftcheck/ftcheck/checks"
	"github.com/ftcheck/ftcheck/model"
)

// The checks that follow the tracer pointer:
//
//	[check stale-dest]
//	dest ftrace_call_dest               # the tracer pointer (a data label)
//	update ftrace_update_ftrace_func    # each run of consecutive patcher steps annotated
//	                                    # [ftrace_update_ftrace_func: ...] is one update
//	call ftrace_caller -> .Lcall_tracer # a call begins at ftrace_caller and reaches the
//	                                    # tracer the jump at .Lcall_tracer goes to
//	register atomic                     # optional: no new-old inversion between calls
//	                                    # either (default: regular, what the kernel promises)
//
//	[check pair-mismatch]
//	dest ftrace_call_dest
//	op function_trace_op                # the op pointer (a data label)
//	call .Lcall_tracer a2               # the jump that calls the tracer, the op's register
//	any ftrace_ops_list_func, ftrace_stub   # tracers that ignore the op
//
// Both are resolved once the patcher's program is known (the update
// steps, the pairs it sets), so they are kept as closures until then.

// tracerCheck finishes a tracer check once the patcher's steps and the
// symbols are known.
type tracerCheck func(ops []model.PatchOp, syms model.Symbols) (model.Check, model.Monitor, *Error)

// dataLoc is a data label with its size and initial value.
type dataLoc struct {
	name string
	pos  Pos
	loc  checks.Loc
}

// tracerSection reads [check stale-dest] or [check pair-mismatch].
func (b *builder) tracerSection(s *section) *Error {
	var dest, op *dataLoc
	var update string
	var updatePos Pos
	var entry, site uint64
	atomic := false
	opReg := -1
	var anyOp []uint64
	want := map[string]bool{"dest": true, "update": s.arg == "stale-dest", "call": true, "register": s.arg == "stale-dest",
		"op": s.arg == "pair-mismatch", "any": s.arg == "pair-mismatch"}
	seen := map[string]bool{}
	for _, l := range s.lines {
		_, off := l.trimmed()
		c, err := lineCursor(l, off)
		if err != nil {
			return err
		}
		kw, err := c.ident(strings.Join(keys(want), ", "))
		if err != nil {
			return err
		}
		if !want[kw.val] {
			return errorf(c.at(kw), "[check %s] takes %s, not %q", s.arg, strings.Join(keys(want), ", "), kw.val)
		}
		if seen[kw.val] && kw.val != "any" {
			return errorf(c.at(kw), "%s given twice", kw.val)
		}
		seen[kw.val] = true
		switch kw.val {
		case "dest", "op":
			d, err := b.dataLabel(c)
			if err != nil {
				return err
			}
			if kw.val == "dest" {
				dest = d
			} else {
				op = d
			}
		case "update":
			t, err := c.ident("the kernel function whose patcher steps are an update (as in their [annotation])")
			if err != nil {
				return err
			}
			update, updatePos = t.val, c.at(t)
		case "call":
			x, err := parseExpr(c)
			if err != nil {
				return err
			}
			if entry, err = x.eval(b.resolve); err != nil {
				return err
			}
			if s.arg == "stale-dest" {
				if err := c.expect("->"); err != nil {
					return err
				}
				x, err := parseExpr(c)
				if err != nil {
					return err
				}
				if site, err = x.eval(b.resolve); err != nil {
					return err
				}
			} else {
				r, err := c.ident("the register holding the op at the jump (a2)")
				if err != nil {
					return err
				}
				n, ok := b.arch.regNumber(r.val)
				if !ok {
					return errorf(c.at(r), "unknown register %q", r.val)
				}
				site, opReg = entry, n
			}
		case "register":
			t, err := c.ident("regular or atomic")
			if err != nil {
				return err
			}
			switch t.val {
			case "regular":
			case "atomic":
				atomic = true
			default:
				return errorf(c.at(t), "register %s: want regular (a call sees the old or the new tracer while an update runs) or atomic (and no new-old inversion between calls)", t.val)
			}
		case "any":
			as, err := b.addrList(c)
			if err != nil {
				return err
			}
			anyOp = append(anyOp, as...)
		}
		if err := c.end(); err != nil {
			return err
		}
	}
	at := s.head.pos(s.argAt)
	for _, k := range []string{"dest", "op", "update", "call"} {
		if want[k] && !seen[k] {
			return errorf(at, "[check %s] needs a %q line (%s)", s.arg, k, tracerSyntax[s.arg])
		}
	}
	name := s.arg
	b.tracerChecks = append(b.tracerChecks, func(ops []model.PatchOp, syms model.Symbols) (model.Check, model.Monitor, *Error) {
		initDest, err := b.initialValue(dest)
		if err != nil {
			return nil, nil, err
		}
		if name == "pair-mismatch" {
			initOp, err := b.initialValue(op)
			if err != nil {
				return nil, nil, err
			}
			pairs, perr := checks.PairsSetTogether(dest.loc, op.loc, initDest, initOp, ops)
			if perr != nil {
				return nil, nil, errorf(at, "%v", perr)
			}
			return &checks.PairMismatch{Site: site, OpReg: opReg, Pairs: pairs, AnyOp: anyOp,
				Dest: dest.loc.Addr, Op: op.loc.Addr, Symbols: syms, RegName: b.arch.isa.RegName}, nil, nil
		}
		ups, uerr := updateSteps(ops, update, dest.loc, updatePos)
		if uerr != nil {
			return nil, nil, uerr
		}
		return nil, checks.NewStaleDest(checks.StaleDest{Dest: dest.loc.Addr, Initial: initDest, Updates: ups,
			Entry: entry, Site: site, Symbols: syms, Atomic: atomic}), nil
	})
	return nil
}

var tracerSyntax = map[string]string{
	"stale-dest":    "dest LABEL, update KERNEL_FUNCTION, call ENTRY -> JUMP[, register regular|atomic]",
	"pair-mismatch": "dest LABEL, op LABEL, call JUMP REGISTER, any TRACER[, TRACER...]",
}

func keys(m map[string]bool) []string {
	var out []string
	for _, k := range []string{"dest", "op", "update", "call", "register", "any"} {
		if m[k] {
			out = append(out, k)
		}
	}
	return out
}

// dataLabel reads a data label naming a sized item.
func (b *builder) dataLabel(c *cursor) (*dataLoc, *Error) {
	t, err := c.ident("a data label")
	if err != nil {
		return nil, err
	}
	s, ok := b.syms[t.val]
	switch {
	case !ok:
		return nil, errorf(c.at(t), "undefined symbol %s", t.val)
	case !s.data || s.size == 0 || len(s.addrs) != 1:
		return nil, errorf(c.at(t), "%s is not a data item (a label on a .dword or .word in a [data] section)", t.val)
	}
	return &dataLoc{name: t.val, pos: c.at(t), loc: checks.Loc{Addr: s.addrs[0], Size: s.size}}, nil
}

// initialValue evaluates the data item at d.
func (b *builder) initialValue(d *dataLoc) (uint64, *Error) {
	for _, it := range b.data {
		if it.addr == d.loc.Addr && it.size == d.loc.Size {
			return it.x.eval(b.resolveAt(it.addr))
		}
	}
	return 0, errorf(d.pos, "%s has no initial value in a [data] section", d.name)
}

// updateSteps finds the updates: each maximal run of consecutive patcher
// steps annotated [fn: ...] (or [fn]) is one call of fn, which must
// store to the destination exactly once. Every store to the destination
// must be in an update; a program that stores it nowhere has no update
// (its calls must all reach the initial tracer).
func updateSteps(ops []model.PatchOp, fn string, dest checks.Loc, at Pos) ([]checks.UpdateSteps, *Error) {
	of := func(op model.PatchOp) bool { return op.Why == fn || strings.HasPrefix(op.Why, fn+":") }
	touches := func(op model.PatchOp) bool {
		return op.Kind == model.PatchStore && op.Addr < dest.Addr+uint64(dest.Size) && dest.Addr < op.Addr+uint64(op.Size)
	}
	for i, op := range ops {
		switch {
		case touches(op) && (op.Addr != dest.Addr || op.Size != dest.Size):
			return nil, errorf(at, "patcher step %d stores %d bytes at %#x, part of the destination", i+1, op.Size, op.Addr)
		case touches(op) && !of(op):
			return nil, errorf(at, "patcher step %d stores the destination outside any update: annotate it [%s: ...]", i+1, fn)
		}
	}
	var ups []checks.UpdateSteps
	for i := 0; i < len(ops); {
		if !of(ops[i]) {
			i++
			continue
		}
		j := i
		for j+1 < len(ops) && of(ops[j+1]) {
			j++
		}
		var writes []uint64
		for _, op := range ops[i : j+1] {
			if touches(op) {
				writes = append(writes, op.Val)
			}
		}
		if len(writes) != 1 {
			return nil, errorf(at, "the call of %s at patcher steps %d-%d stores the destination %d times; an update stores it once", fn, i+1, j+1, len(writes))
		}
		ups = append(ups, checks.UpdateSteps{First: i, Last: j, Value: writes[0]})
		i = j + 1
	}
	return ups, nil
}
