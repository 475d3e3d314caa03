package scenario

import (
	"strings"

	"github.com/ftcheck/ftcheck/model"
)

// symbol is a label (one address, or one per copy of a .rept body) or a
// constant defined with .equ.
type symbol struct {
	addrs []uint64
	line  int // source line of the definition: a .rept copy repeats it
	pos   Pos
	equ   *expr
	data  bool
	size  int  // data labels: the size of the item they name
	busy  bool // being evaluated (a .equ cycle)
	// known is a .equ's value under each kind of resolver that has
	// computed it (evalMode), so that a constant used twice is
	// evaluated once: forty lines of .equ b, a + a would otherwise take
	// 2^40 evaluations. A failure is not kept: under another resolver,
	// or once labels have addresses, the same definition may succeed.
	known [evalModes]*uint64
}

// evalMode is the resolver a .equ is evaluated under: what it can see
// decides whether it succeeds, never the value it gives when it does.
type evalMode int

const (
	evalLabels evalMode = iota // resolve: labels and constants
	evalConst                  // constant(false): constants only
	evalBounds                 // constant(true): constants and the bounds
	evalModes
)

func (b *builder) define(name string, p Pos, s *symbol) *Error {
	if _, ok := bindNames[name]; ok {
		return errorf(p, "%s is a bound's name and cannot be redefined", name)
	}
	if old, ok := b.syms[name]; ok {
		if old.equ == nil && s.equ == nil && old.pos == p {
			old.addrs = append(old.addrs, s.addrs...) // another copy of a .rept body
			return nil
		}
		return errorf(p, "%s is already defined at %s", name, old.pos)
	}
	s.line, s.pos = p.Line, p
	b.syms[name] = s
	if s.equ == nil && !strings.HasPrefix(name, ".L") {
		if s.data {
			b.dataNames = append(b.dataNames, name)
		} else {
			b.textNames = append(b.textNames, name)
		}
	}
	return nil
}

// bindNames are the bounds a .rept count may use.
var bindNames = map[string]bool{"harts": true, "calls": true, "preempt": true}

// resolve gives a symbol's single value; a label with several addresses
// (defined inside .rept) is accepted only by intend.
func (b *builder) resolve(name string, p Pos) (uint64, *Error) {
	s, ok := b.syms[name]
	if !ok {
		return 0, errorf(p, "undefined symbol %s", name)
	}
	if s.equ != nil {
		return b.equValue(name, p, s, evalLabels, b.resolve)
	}
	if len(s.addrs) != 1 {
		return 0, errorf(p, "%s names %d addresses (it is defined inside .rept); only intend accepts it", name, len(s.addrs))
	}
	return s.addrs[0], nil
}

// resolveAt is resolve with '.' as the address at.
func (b *builder) resolveAt(at uint64) resolver {
	return func(name string, p Pos) (uint64, *Error) {
		if name == "." {
			return at, nil
		}
		return b.resolve(name, p)
	}
}

// constant resolves only .equ constants built from numbers (and the
// bounds, for .rept): what must be known before labels have addresses.
func (b *builder) constant(withBounds bool) resolver {
	var r resolver
	r = func(name string, p Pos) (uint64, *Error) {
		if withBounds && bindNames[name] {
			b.usesBound[name] = true
			return uint64(map[string]int{"harts": b.harts, "calls": b.calls, "preempt": b.preempt}[name]), nil
		}
		s, ok := b.syms[name]
		if !ok || s.equ == nil {
			return 0, errorf(p, "%s is not a constant known here (labels get addresses later)", name)
		}
		mode := evalConst
		if withBounds {
			mode = evalBounds
		}
		return b.equValue(name, p, s, mode, r)
	}
	return r
}

// equValue evaluates the .equ s (named name, used at p) with r. A
// definition that uses itself is an error, and so is a chain of
// definitions deeper than maxDepth, which would recurse as deep.
func (b *builder) equValue(name string, p Pos, s *symbol, mode evalMode, r resolver) (uint64, *Error) {
	if v := s.known[mode]; v != nil {
		return *v, nil
	}
	if s.busy {
		return 0, errorf(p, "%s is defined in terms of itself", name)
	}
	if b.equDepth == maxDepth {
		return 0, errorf(p, "%s: .equ definitions nested more than %d deep", name, maxDepth)
	}
	s.busy = true
	b.equDepth++
	v, err := s.equ.eval(r)
	s.busy = false
	b.equDepth--
	if err == nil {
		s.known[mode] = &v
	}
	return v, err
}

// addrs evaluates an intend operand: a label defined inside .rept gives
// every copy's address.
func (b *builder) addrs(x *expr) ([]uint64, *Error) {
	if x.op == "sym" {
		if s, ok := b.syms[x.name]; ok && s.equ == nil && len(s.addrs) > 1 {
			return s.addrs, nil
		}
	}
	v, err := x.eval(b.resolve)
	return []uint64{v}, err
}

// symbolTable lists the labels for printing: text labels in the order
// they were defined, then data labels. .L labels are local (GNU as).
func (b *builder) symbolTable() model.Symbols {
	var s model.Symbols
	for _, n := range append(append([]string(nil), b.textNames...), b.dataNames...) {
		for _, a := range b.syms[n].addrs {
			s = append(s, model.Region{Name: n, Addr: a})
		}
	}
	return s
}
