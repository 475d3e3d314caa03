package scenario

import (
	"fmt"
	"strings"

	"github.com/ftcheck/ftcheck/model"
)

// A final condition, as in herd: exists P (can P hold when everything
// has finished?), ~exists P (P never holds at the end), forall P (P
// always holds at the end). P is built from atoms LOC = VALUE and
// LOC != VALUE with /\, \/, ~ and parentheses; LOC is HART:REG (hart
// number or [hart NAME]) or a data symbol or [ADDR].
type condition struct {
	quant string // exists, ~exists, forall
	prop  *prop
	text  string
}

type prop struct {
	op     string // and, or, not, atom, true, false
	a, b   *prop
	loc    location
	neq    bool
	val    uint64
	valSrc string
	depth  int // of the tree: 1 for an atom
}

type location struct {
	hart, reg int // hart >= 0: a register
	addr      uint64
	size      int
	src       string
}

// parseCondition reads the final condition's lines.
func (b *builder) parseCondition(lines []line) (*condition, *Error) {
	var ts []token
	for _, l := range lines {
		lts, err := tokenize(l, 0)
		if err != nil {
			return nil, err
		}
		if len(ts)+len(lts) > maxTokens {
			return nil, errorf(l.pos(lts[maxTokens-len(ts)].off), "the final condition has more than %d tokens", maxTokens)
		}
		ts = append(ts, lts...)
	}
	c := &cursor{l: lines[0], ts: ts}
	cond := &condition{}
	switch {
	case c.accept("exists"):
		cond.quant = "exists"
	case c.accept("forall"):
		cond.quant = "forall"
	case c.accept("~"):
		if err := c.expect("exists"); err != nil {
			return nil, err
		}
		cond.quant = "~exists"
	default:
		return nil, c.errorf("a final condition starts with exists, ~exists or forall")
	}
	p, err := b.parseOr(c, 0)
	if err != nil {
		return nil, err
	}
	if c.is("exists") || c.is("forall") || c.is("~") && c.i+1 < len(c.ts) && c.ts[c.i+1].val == "exists" {
		return nil, c.errorf("a second final condition (the first starts at %s): a file has one", c.at(ts[0]))
	}
	if err := c.end(); err != nil {
		return nil, err
	}
	cond.prop = p
	cond.text = cond.quant + " " + p.String()
	return cond, nil
}

// The condition's parsers recurse once per parenthesis and ~, and each
// /\ or \/ of a chain deepens the tree that holds, String and atoms walk:
// d is the depth so far, refused beyond maxDepth (expr.go).
func (b *builder) parseOr(c *cursor, d int) (*prop, *Error) {
	x, err := b.parseAnd(c, d)
	for err == nil && c.is(`\/`) {
		p := c.pos()
		c.next()
		var y *prop
		if y, err = b.parseAnd(c, d); err == nil {
			x, err = propNode(&prop{op: "or", a: x, b: y}, p)
		}
	}
	return x, err
}

func (b *builder) parseAnd(c *cursor, d int) (*prop, *Error) {
	x, err := b.parseNot(c, d)
	for err == nil && c.is(`/\`) {
		p := c.pos()
		c.next()
		var y *prop
		if y, err = b.parseNot(c, d); err == nil {
			x, err = propNode(&prop{op: "and", a: x, b: y}, p)
		}
	}
	return x, err
}

// propNode sets x's depth from its operands', refusing one deeper than
// maxDepth; p is the operator's position.
func propNode(x *prop, p Pos) (*prop, *Error) {
	x.depth = 1 + x.a.depth
	if x.b != nil {
		x.depth = 1 + max(x.a.depth, x.b.depth)
	}
	if x.depth > maxDepth {
		return nil, tooDeep(p, "condition")
	}
	return x, nil
}

func (b *builder) parseNot(c *cursor, d int) (*prop, *Error) {
	p := c.pos()
	if d >= maxDepth && (c.is("~") || c.is("not") || c.is("(")) {
		return nil, tooDeep(p, "condition")
	}
	switch {
	case c.accept("~") || c.accept("not"):
		x, err := b.parseNot(c, d+1)
		if err != nil {
			return nil, err
		}
		return propNode(&prop{op: "not", a: x}, p)
	case c.accept("("):
		x, err := b.parseOr(c, d+1)
		if err != nil {
			return nil, err
		}
		return x, c.expect(")")
	case c.accept("true"):
		return &prop{op: "true", depth: 1}, nil
	case c.accept("false"):
		return &prop{op: "false", depth: 1}, nil
	}
	return b.parseAtom(c)
}

func (b *builder) parseAtom(c *cursor) (*prop, *Error) {
	p := &prop{op: "atom", depth: 1}
	start := c.pos()
	switch t := c.peek(); {
	case c.accept("["):
		var err *Error
		if p.loc.addr, err = b.value(c); err != nil {
			return nil, err
		}
		if err := c.expect("]"); err != nil {
			return nil, err
		}
		p.loc = location{hart: -1, addr: p.loc.addr, size: 8, src: fmt.Sprintf("[%#x]", p.loc.addr)}
	case (t.kind == tkNumber || t.kind == tkIdent) && len(c.ts) > c.i+1 && c.ts[c.i+1].val == ":":
		c.next()
		c.next()
		h, err := b.hartNumber(t, c.at(t))
		if err != nil {
			return nil, err
		}
		r, err := c.ident("a register")
		if err != nil {
			return nil, err
		}
		reg, ok := b.arch.regNumber(r.val)
		if !ok {
			return nil, errorf(c.at(r), "unknown register %q", r.val)
		}
		p.loc = location{hart: h, reg: reg, src: t.val + ":" + r.val}
	case t.kind == tkIdent:
		c.next()
		s, ok := b.syms[t.val]
		if !ok || !s.data || len(s.addrs) != 1 {
			return nil, errorf(start, "%s is not a data label (a location is HART:REG, a data label or [ADDR])", t.val)
		}
		p.loc = location{hart: -1, addr: s.addrs[0], size: s.size, src: t.val}
	default:
		return nil, c.errorf("expected a location (HART:REG, a data label or [ADDR]), found %s", c.describe())
	}
	switch {
	case c.accept("="):
	case c.accept("!="):
		p.neq = true
	default:
		return nil, c.errorf("expected = or != after %s", p.loc.src)
	}
	vs := c.peek()
	x, err := parseExpr(c)
	if err != nil {
		return nil, err
	}
	if p.val, err = x.eval(b.resolve); err != nil {
		return nil, err
	}
	p.valSrc = vs.val
	if x.op != "num" && x.op != "sym" {
		p.valSrc = fmt.Sprintf("%#x", p.val)
	}
	return p, nil
}

// hartNumber reads a hart in a condition: its number, the name of its
// [hart NAME] section, or hartN as traces name it (unless a section is
// called that), so that a condition can be copied from a trace.
func (b *builder) hartNumber(t token, p Pos) (int, *Error) {
	for i, h := range b.harting {
		if h.name == t.val {
			return i, nil
		}
	}
	if n, ok := strings.CutPrefix(t.val, "hart"); ok && n != "" && strings.Trim(n, "0123456789") == "" {
		t = token{kind: tkNumber, val: n}
	}
	if t.kind == tkNumber {
		if n, ok := parseNumber(t.val); ok && n < uint64(b.harts) {
			return int(n), nil
		}
		return 0, errorf(p, "hart %s does not exist (harts 0 to %d)", t.val, b.harts-1)
	}
	return 0, errorf(p, "no [hart %s] section", t.val)
}

func (p *prop) String() string {
	switch p.op {
	case "and":
		return "(" + p.a.String() + ` /\ ` + p.b.String() + ")"
	case "or":
		return "(" + p.a.String() + ` \/ ` + p.b.String() + ")"
	case "not":
		return "~" + p.a.String()
	case "true", "false":
		return p.op
	}
	if p.neq {
		return p.loc.src + "!=" + p.valSrc
	}
	return p.loc.src + "=" + p.valSrc
}

// holds evaluates p in state m.
func (p *prop) holds(m *model.Machine) bool {
	switch p.op {
	case "and":
		return p.a.holds(m) && p.b.holds(m)
	case "or":
		return p.a.holds(m) || p.b.holds(m)
	case "not":
		return !p.a.holds(m)
	case "true":
		return true
	case "false":
		return false
	}
	return (p.loc.read(m) == p.val) != p.neq
}

func (l location) read(m *model.Machine) uint64 {
	if l.hart >= 0 {
		return m.Harts[l.hart].Regs[l.reg]
	}
	v := m.Mem.Load(len(m.Harts), l.addr, l.size, 0)
	return v
}

// atoms lists the atoms' current values, for the violation message.
func (p *prop) atoms(m *model.Machine, out []string) []string {
	if p == nil {
		return out
	}
	if p.op == "atom" {
		return append(out, fmt.Sprintf("%s=%#x", p.loc.src, p.loc.read(m)))
	}
	return p.b.atoms(m, p.a.atoms(m, out))
}

func (p *prop) namesHarts() bool {
	if p == nil {
		return false
	}
	return p.op == "atom" && p.loc.hart >= 0 || p.a.namesHarts() || p.b.namesHarts()
}

// FinalCheck judges the final condition in every terminal state (no
// transition enabled). Its name is the quantifier: a violation of
// ~exists or forall is a final state that breaks the condition; for
// exists it is a witness: a final state where P holds.
type FinalCheck struct{ cond *condition }

func (f FinalCheck) Name() string { return f.cond.quant }

// Subject is what the check judges, for coverage (model.Coverage).
func (FinalCheck) Subject() model.Subject { return model.SubjectExecution }

// Condition is the condition as written (normalised).
func (f FinalCheck) Condition() string { return f.cond.text }

// Witness reports whether a "violation" of this check is a witness that
// the exists condition can happen.
func (f FinalCheck) Witness() bool { return f.cond.quant == "exists" }

func (f FinalCheck) Inspect(t *model.Transition) *model.Violation {
	holds := f.cond.prop.holds(t.After)
	if holds == (f.cond.quant == "forall") {
		return nil
	}
	terminal := true
	t.Sys.Steps(t.After, func(*model.Transition) bool { terminal = false; return false })
	if !terminal {
		return nil
	}
	vals := strings.Join(f.cond.prop.atoms(t.After, nil), ", ")
	msg := "a final state satisfies " + f.cond.prop.String() + ": " + vals
	switch f.cond.quant {
	case "exists":
		msg = "witness: " + msg
	case "forall":
		msg = "a final state breaks " + f.cond.prop.String() + ": " + vals
	}
	return &model.Violation{Check: f.Name(), Message: msg}
}
