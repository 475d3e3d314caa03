package scenario

import (
	"strconv"
	"strings"
)

// An expr is an address or value expression: numbers, symbols, + and -,
// parentheses, '.' (the current address) and GNU's %hi()/%lo(), which
// split a value for lui/auipc + addi/jalr (so %hi(ftrace_caller - f) and
// %lo(ftrace_caller - f) are the call site's auipc and jalr immediates).
type expr struct {
	op    string // "num", "sym", "+", "-", "neg", "hi", "lo"
	num   uint64
	name  string
	a, b  *expr
	pos   Pos
	depth int // of the tree: 1 for a number or symbol
}

// maxDepth bounds how deep an expression or a final condition nests
// (parentheses, unary operators, each operator of a chain such as
// 1+1+1), and how deep .rept blocks and .equ definitions nest. The
// parsers recurse once per level and evaluation once per tree level, so
// without a bound a line of a million '(' costs the stack its size and
// the parse most of a minute. Real files nest a handful deep.
const maxDepth = 200

// parseExpr reads an expression from the cursor.
func parseExpr(c *cursor) (*expr, *Error) { return parseSum(c, 0) }

// parseSum reads a chain of + and -; d is how deep the parse already is.
func parseSum(c *cursor, d int) (*expr, *Error) {
	x, err := parseUnary(c, d)
	if err != nil {
		return nil, err
	}
	for c.is("+") || c.is("-") {
		p := c.pos()
		op := c.next().val
		y, err := parseUnary(c, d)
		if err != nil {
			return nil, err
		}
		if x, err = node(&expr{op: op, a: x, b: y, pos: p}); err != nil {
			return nil, err
		}
	}
	return x, nil
}

// node sets x's depth from its operands', refusing a tree deeper than
// maxDepth: a chain of a thousand + builds a tree a thousand deep.
func node(x *expr) (*expr, *Error) {
	x.depth = 1 + x.a.depth
	if x.b != nil {
		x.depth = 1 + max(x.a.depth, x.b.depth)
	}
	if x.depth > maxDepth {
		return nil, tooDeep(x.pos, "expression")
	}
	return x, nil
}

func tooDeep(p Pos, what string) *Error {
	return errorf(p, "%s nested too deep: more than %d levels of parentheses and operators", what, maxDepth)
}

func parseUnary(c *cursor, d int) (*expr, *Error) {
	p := c.pos()
	if d >= maxDepth && (c.is("-") || c.is("+") || c.is("(") || c.is("%")) {
		return nil, tooDeep(p, "expression")
	}
	switch {
	case c.accept("-"):
		x, err := parseUnary(c, d+1)
		if err != nil {
			return nil, err
		}
		return node(&expr{op: "neg", a: x, pos: p})
	case c.accept("+"):
		return parseUnary(c, d+1)
	case c.accept("("):
		x, err := parseSum(c, d+1)
		if err != nil {
			return nil, err
		}
		return x, c.expect(")")
	case c.accept("%"):
		t, err := c.ident("hi or lo")
		if err != nil {
			return nil, err
		}
		if t.val != "hi" && t.val != "lo" {
			return nil, errorf(c.at(t), "unknown operator %%%s (known: %%hi, %%lo)", t.val)
		}
		if err := c.expect("("); err != nil {
			return nil, err
		}
		x, err := parseSum(c, d+1)
		if err != nil {
			return nil, err
		}
		if err := c.expect(")"); err != nil {
			return nil, err
		}
		return node(&expr{op: t.val, a: x, pos: p})
	}
	t := c.peek()
	switch {
	case c.done():
		return nil, c.errorf("expected a value, found end of line")
	case t.kind == tkNumber:
		c.next()
		v, ok := parseNumber(t.val)
		if !ok {
			return nil, errorf(p, "bad number %q", t.val)
		}
		return &expr{op: "num", num: v, pos: p, depth: 1}, nil
	case t.kind == tkIdent:
		c.next()
		return &expr{op: "sym", name: t.val, pos: p, depth: 1}, nil
	}
	return nil, c.errorf("expected a value, found %s", c.describe())
}

// parseNumber reads 42, 0x2a, 0b101010 or 0o52 as a 64-bit value.
func parseNumber(s string) (uint64, bool) {
	v, err := strconv.ParseUint(strings.ReplaceAll(s, "_", ""), 0, 64)
	return v, err == nil
}

// value reads an expression and evaluates it with the file's labels and
// constants: an address or a value.
func (b *builder) value(c *cursor) (uint64, *Error) {
	x, err := parseExpr(c)
	if err != nil {
		return 0, err
	}
	return x.eval(b.resolve)
}

// resolver gives a symbol's value.
type resolver func(name string, p Pos) (uint64, *Error)

// eval computes x in 64-bit two's complement arithmetic.
func (x *expr) eval(r resolver) (uint64, *Error) {
	switch x.op {
	case "num":
		return x.num, nil
	case "sym":
		return r(x.name, x.pos)
	}
	a, err := x.a.eval(r)
	if err != nil {
		return 0, err
	}
	switch x.op {
	case "neg":
		return -a, nil
	case "hi":
		return uint64((int64(a) + 0x800) >> 12), nil
	case "lo":
		lo := int64(a) & 0xfff
		if lo >= 0x800 {
			lo -= 0x1000
		}
		return uint64(lo), nil
	}
	b, err := x.b.eval(r)
	if err != nil {
		return 0, err
	}
	if x.op == "+" {
		return a + b, nil
	}
	return a - b, nil
}

// symbols lists the names x refers to.
func (x *expr) symbols(out []string) []string {
	if x == nil {
		return out
	}
	if x.op == "sym" {
		out = append(out, x.name)
	}
	return x.b.symbols(x.a.symbols(out))
}
