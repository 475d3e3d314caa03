package scenario

import (
	"github.com/ftcheck/ftcheck/checks"
	"github.com/ftcheck/ftcheck/model"
)

// useAfterClearSection reads [check use-after-clear]: one line per
// descriptor pointer the patcher publishes and later clears,
//
//	pointer bp_vec          # a [data] label
//
// (checks.UseAfterClear: a data access in the NULL page names the ones
// the patcher had cleared).
func (b *builder) useAfterClearSection(s *section) *Error {
	var ptrs []checks.Pointer
	for _, l := range s.lines {
		_, off := l.trimmed()
		c, err := lineCursor(l, off)
		if err != nil {
			return err
		}
		if err := c.expect("pointer"); err != nil {
			return err
		}
		t, err := c.ident("a data label")
		if err != nil {
			return err
		}
		sym, ok := b.syms[t.val]
		if !ok || !sym.data || len(sym.addrs) != 1 {
			return errorf(c.at(t), "%s is not a [data] label", t.val)
		}
		if err := c.end(); err != nil {
			return err
		}
		for _, q := range ptrs {
			if q.Name == t.val {
				return errorf(c.at(t), "pointer %s given twice", t.val)
			}
		}
		size := sym.size
		if size == 0 {
			size = 8
		}
		ptrs = append(ptrs, checks.Pointer{Name: t.val, Addr: sym.addrs[0], Size: size})
	}
	if len(ptrs) == 0 {
		return errorf(s.head.pos(0), "[check use-after-clear] needs at least one line: pointer LABEL (a descriptor pointer the patcher clears)")
	}
	b.tracerChecks = append(b.tracerChecks, func(_ []model.PatchOp, syms model.Symbols) (model.Check, model.Monitor, *Error) {
		return checks.UseAfterClear{Pointers: ptrs, Symbols: syms}, nil, nil
	})
	return nil
}
