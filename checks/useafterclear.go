package checks

import (
	"fmt"
	"strings"

	"github.com/ftcheck/ftcheck/model"
)

// UseAfterClear is the use-after-clear check: a hart (in practice an
// exception handler) uses a descriptor after the patcher cleared the
// pointer to it. The patcher publishes a descriptor for the handlers
// (x86 text_poke_bp: bp_patching.vec and nr_entries), and clears it when
// the patching is done; a handler that read the pointer cleared
// dereferences NULL, an access inside the first page (R-4: 285a54efe386,
// "Sync bp_patching update for avoiding NULL pointer exception"). The ISA
// reports the instruction's data address (Exec.DataAccess); the
// declared pointers name which ones the patcher had cleared by then.
type UseAfterClear struct {
	Pointers []Pointer
	Symbols  model.Symbols
}

// Pointer is a descriptor pointer in data memory.
type Pointer struct {
	Name string
	Addr uint64
	Size int
}

// NullPage is the unmapped first page of the address space.
const NullPage = 4096

// UseAfterClearDef is use-after-clear in the registry. Its section has
// one line per descriptor pointer the patcher publishes and later
// clears:
//
//	pointer bp_vec          # a [data] label
var UseAfterClearDef = &Def{
	Name:    "use-after-clear",
	Doc:     "a handler uses a descriptor after the patcher cleared (NULLed) the pointer to it: a data access through a NULL pointer",
	Subject: model.SubjectPatch,
	Syntax:  "pointer LABEL",
	Parse:   parseUseAfterClear,
}

func parseUseAfterClear(s Section) (Build, error) {
	var ptrs []Pointer
	for _, l := range s.Lines() {
		if err := l.Expect("pointer"); err != nil {
			return nil, err
		}
		sym, err := l.Symbol("a data label")
		if err != nil {
			return nil, err
		}
		if !sym.Defined || !sym.Data || len(sym.Addrs) != 1 {
			return nil, sym.At.Errorf("%s is not a [data] label", sym.Name)
		}
		if err := l.End(); err != nil {
			return nil, err
		}
		for _, q := range ptrs {
			if q.Name == sym.Name {
				return nil, sym.At.Errorf("pointer %s given twice", sym.Name)
			}
		}
		size := sym.Size
		if size == 0 {
			size = 8
		}
		ptrs = append(ptrs, Pointer{Name: sym.Name, Addr: sym.Addrs[0], Size: size})
	}
	if len(ptrs) == 0 {
		return nil, s.Header().Errorf("[check use-after-clear] needs at least one line: pointer LABEL (a descriptor pointer the patcher clears)")
	}
	return func(sc Scenario) (Wiring, error) {
		return Wiring{Check: UseAfterClear{Pointers: ptrs, Symbols: sc.Symbols()}}, nil
	}, nil
}

func (UseAfterClear) Name() string { return UseAfterClearDef.Name }

// Subject is what the check judges, for coverage (model.Coverage).
func (UseAfterClear) Subject() model.Subject { return UseAfterClearDef.Subject }

func (c UseAfterClear) Inspect(t *model.Transition) *model.Violation {
	x := t.Event.Exec
	if x == nil || !x.DataAccess || x.DataAddr >= NullPage {
		return nil
	}
	var cleared []string
	for i, op := range t.Sys.Patch[:t.Before.Patcher.PC] {
		if op.Kind != model.PatchStore || op.Val != 0 {
			continue
		}
		for _, p := range c.Pointers {
			if op.Addr < p.Addr+uint64(p.Size) && p.Addr < op.Addr+uint64(op.Size) {
				cleared = append(cleared, fmt.Sprintf("%s (patcher step %d)", p.Name, i+1))
			}
		}
	}
	why := "through a NULL pointer that no declared descriptor pointer explains"
	if len(cleared) > 0 {
		why = "through a pointer the patcher had cleared: " + strings.Join(cleared, ", ")
	}
	return &model.Violation{Check: c.Name(), Message: fmt.Sprintf("%s at %s accessed %#x (NULL page) %s",
		t.Event.Actor, c.Symbols.Name(t.Event.PC), x.DataAddr, why)}
}
