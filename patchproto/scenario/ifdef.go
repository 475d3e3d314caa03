package scenario

import "slices"

// resolveIf keeps the lines whose .if/.elseif/.else branches hold for
// the parameter values, GNU as style: .if NAME == VALUE (or !=) ...
// .elseif ... .else ... .endif, nested. A condition must name a declared
// parameter and one of its values, so that a typo is an error rather
// than a branch that silently never applies.
func (f *File) resolveIf(values map[string]string) ([]line, *Error) {
	type frame struct {
		outer, active, taken, sawElse bool
		pos                           Pos
	}
	var stack []frame
	active := true
	out := make([]line, 0, len(f.lines))
	for _, l := range f.lines {
		t, off := l.trimmed()
		word := firstWord(t)
		switch word {
		case ".if", ".elseif":
			ok, err := f.condition(l, off, values)
			if err != nil {
				return nil, err
			}
			if word == ".if" {
				stack = append(stack, frame{outer: active, active: active && ok, taken: ok, pos: l.pos(off)})
			} else {
				if len(stack) == 0 || stack[len(stack)-1].sawElse {
					return nil, errorf(l.pos(off), ".elseif without .if")
				}
				top := &stack[len(stack)-1]
				top.active = top.outer && !top.taken && ok
				top.taken = top.taken || ok
			}
			active = stack[len(stack)-1].active
			continue
		case ".else":
			if len(stack) == 0 || stack[len(stack)-1].sawElse {
				return nil, errorf(l.pos(off), ".else without .if")
			}
			if err := onlyWord(l, off); err != nil {
				return nil, err
			}
			top := &stack[len(stack)-1]
			top.active, top.taken, top.sawElse = top.outer && !top.taken, true, true
			active = top.active
			continue
		case ".endif":
			if len(stack) == 0 {
				return nil, errorf(l.pos(off), ".endif without .if")
			}
			if err := onlyWord(l, off); err != nil {
				return nil, err
			}
			stack = stack[:len(stack)-1]
			active = len(stack) == 0 || stack[len(stack)-1].active
			continue
		}
		if active {
			out = append(out, l)
		}
	}
	if len(stack) > 0 {
		return nil, errorf(stack[len(stack)-1].pos, ".if without .endif")
	}
	return out, nil
}

func firstWord(t string) string {
	for i := 0; i < len(t); i++ {
		if t[i] == ' ' || t[i] == '\t' {
			return t[:i]
		}
	}
	return t
}

func onlyWord(l line, off int) *Error {
	c, err := lineCursor(l, off)
	if err != nil {
		return err
	}
	c.next()
	return c.end()
}

// condition evaluates .if NAME == VALUE or NAME != VALUE.
func (f *File) condition(l line, off int, values map[string]string) (bool, *Error) {
	c, err := lineCursor(l, off)
	if err != nil {
		return false, err
	}
	c.next()
	name, err := c.ident("a parameter name")
	if err != nil {
		return false, err
	}
	p, ok := f.Param(name.val)
	if !ok {
		return false, errorf(l.pos(name.off), "%s is not a parameter (declare it: param %s = a | b)", name.val, name.val)
	}
	eq := c.accept("==")
	if !eq {
		if err := c.expect("!="); err != nil {
			return false, c.errorf("expected == or != after %s", name.val)
		}
	}
	v := c.next()
	if v.kind != tkIdent && v.kind != tkNumber || !slices.Contains(p.ValueNames(), v.val) {
		c.i--
		return false, c.errorf("%s is not a value of %s (values: %v)", c.describe(), name.val, p.ValueNames())
	}
	if err := c.end(); err != nil {
		return false, err
	}
	return (values[name.val] == v.val) == eq, nil
}
