package scenario

// insn is one assembly statement: a mnemonic and its comma-separated
// operands, in GNU syntax with ABI register names.
type insn struct {
	a   *arch
	l   line
	mn  token
	ops [][]token
	// jumps collects the direct jumps encoded (nil: not wanted, as in
	// pass 1), which must land where an instruction starts.
	jumps *[]jump
}

// jump is a direct jump, branch or call: once the whole text is
// assembled, its target must be an instruction boundary.
type jump struct {
	target uint64
	pos    Pos    // the target operand
	mn     string // the mnemonic
}

// jumpsTo records that the statement jumps to target, written as
// operand i.
func (in insn) jumpsTo(i int, target uint64) {
	if in.jumps != nil {
		*in.jumps = append(*in.jumps, jump{target: target, pos: in.l.pos(in.ops[i][0].off), mn: in.mn.val})
	}
}

// jumpTarget is target for a jump or branch, which it records.
func (in insn) jumpTarget(i int, pc uint64, r resolver, bits uint) (int64, *Error) {
	off, err := in.target(i, pc, r, bits)
	if err == nil {
		in.jumpsTo(i, pc+uint64(off))
	}
	return off, err
}

// parseInsn splits a statement into its mnemonic and operands.
func parseInsn(a *arch, l line, ts []token) (insn, *Error) {
	in := insn{a: a, l: l, mn: ts[0]}
	if in.mn.kind != tkIdent {
		return in, errorf(l.pos(in.mn.off), "expected an instruction, found %q", in.mn.val)
	}
	rest := ts[1:]
	depth, start := 0, 0
	for i, t := range rest {
		switch {
		case t.kind == tkPunct && (t.val == "(" || t.val == "["): // [ ]: arm64 [xn, off]
			depth++
		case t.kind == tkPunct && (t.val == ")" || t.val == "]"):
			depth--
		case t.kind == tkPunct && t.val == "," && depth == 0:
			if i == start {
				return in, errorf(l.pos(t.off), "empty operand")
			}
			in.ops = append(in.ops, rest[start:i])
			start = i + 1
		}
	}
	if start < len(rest) {
		in.ops = append(in.ops, rest[start:])
	} else if len(rest) > 0 {
		return in, errorf(l.pos(len(l.text)), "operand missing after ','")
	}
	return in, nil
}

func (in insn) errorf(t token, format string, args ...any) *Error {
	return errorf(in.l.pos(t.off), format, args...)
}

func (in insn) arity(n ...int) *Error {
	for _, k := range n {
		if len(in.ops) == k {
			return nil
		}
	}
	return in.errorf(in.mn, "%s takes %s; found %d operand(s)", in.mn.val, in.shape(in.mn.val), len(in.ops))
}

func (in insn) shape(mn string) string {
	if s := in.a.shapes[mn]; s != "" {
		return "operands " + s
	}
	return "no operands"
}

func (in insn) cursor(i int) *cursor { return &cursor{l: in.l, ts: in.ops[i]} }
func (in insn) text(i int) string {
	op := in.ops[i]
	return in.l.text[op[0].off:tokenEnd(op[len(op)-1])]
}

// end is the offset just after the statement's last token.
func (in insn) end() int {
	if len(in.ops) == 0 {
		return tokenEnd(in.mn)
	}
	op := in.ops[len(in.ops)-1]
	return tokenEnd(op[len(op)-1])
}

func tokenEnd(t token) int {
	if t.kind == tkString {
		return t.off + len(t.val) + 2 // the quotes
	}
	return t.off + len(t.val)
}

// value evaluates operand i as a whole expression.
func (in insn) value(i int, r resolver) (uint64, *Error) {
	c := in.cursor(i)
	x, err := parseExpr(c)
	if err != nil {
		return 0, err
	}
	if err := c.end(); err != nil {
		return 0, err
	}
	return x.eval(r)
}

// onlyValue evaluates the statement's one operand (brk 0, .word 0x13).
func (in insn) onlyValue(r resolver) (uint64, *Error) {
	if err := in.arity(1); err != nil {
		return 0, err
	}
	return in.value(0, r)
}

// signed evaluates operand i and checks that it fits in bits (signed).
func (in insn) signed(i int, r resolver, bits uint) (int64, *Error) {
	v, err := in.value(i, r)
	if err != nil {
		return 0, err
	}
	if !fits(int64(v), bits) {
		return 0, in.errorf(in.ops[i][0], "%d does not fit in a %d-bit signed immediate", int64(v), bits)
	}
	return int64(v), nil
}

// oneWord is the encoding of a statement that is one instruction word,
// or its error.
func oneWord(w uint32, err *Error) ([]uint32, *Error) {
	if err != nil {
		return nil, err
	}
	return []uint32{w}, nil
}

// register reads operand i as a register named as number reads it;
// names, if any, lists them for the errors.
func (in insn) register(i int, number func(string) (int, bool), names string) (int, *Error) {
	if names != "" {
		names = " (" + names + ")"
	}
	op := in.ops[i]
	if len(op) != 1 || op[0].kind != tkIdent {
		return 0, in.errorf(op[0], "expected a register%s, found %q", names, in.text(i))
	}
	n, ok := number(op[0].val)
	if !ok {
		return 0, in.errorf(op[0], "unknown register %q%s", op[0].val, names)
	}
	return n, nil
}

// leadingRegs checks that the statement has one of the operand counts
// and reads its first n operands with reg, an ISA's register reader.
func (in insn) leadingRegs(n int, reg func(i int) (int, *Error), counts ...int) ([]int, *Error) {
	if err := in.arity(counts...); err != nil {
		return nil, err
	}
	rs := make([]int, n)
	for i := range rs {
		var err *Error
		if rs[i], err = reg(i); err != nil {
			return nil, err
		}
	}
	return rs, nil
}

// based reads a disp(reg) operand, the base-plus-displacement address of
// RISC-V's and ppc64's loads and stores: the register, named as number
// reads it (names lists them for the error), and the displacement as a
// statement of one operand (nil when it is empty, if it may be). form is
// the operand's syntax, for the error.
func (in insn) based(i int, number func(string) (int, bool), names, form string, needDisp bool) (*insn, int, *Error) {
	op := in.ops[i]
	n := len(op)
	shortest := 3
	if needDisp {
		shortest = 4
	}
	if n < shortest || op[n-1].val != ")" || op[n-2].kind != tkIdent || op[n-3].val != "(" {
		return nil, 0, in.errorf(op[0], "expected %s, found %q", form, in.text(i))
	}
	if names != "" {
		names = " (" + names + ")"
	}
	reg, ok := number(op[n-2].val)
	if !ok {
		return nil, 0, in.errorf(op[n-2], "unknown register %q%s", op[n-2].val, names)
	}
	if n == 3 {
		return nil, reg, nil
	}
	return &insn{a: in.a, l: in.l, mn: in.mn, ops: [][]token{op[:n-3]}}, reg, nil
}

func fits(v int64, bits uint) bool { return v >= -(1<<(bits-1)) && v < 1<<(bits-1) }

// target evaluates a jump or branch target (an address, usually a label)
// as an offset from pc that fits in bits and is even.
func (in insn) target(i int, pc uint64, r resolver, bits uint) (int64, *Error) {
	v, err := in.value(i, r)
	if err != nil {
		return 0, err
	}
	off := int64(v - pc)
	if !fits(off, bits) || off&1 != 0 {
		return 0, in.errorf(in.ops[i][0], "target %#x is out of reach of %s at %#x (offset %d)", v, in.mn.val, pc, off)
	}
	return off, nil
}

// size is the statement's length in bytes; some (li) need their value
// now, so consts resolves only constants.
func (in insn) size(consts resolver) (int, *Error) {
	if _, ok := in.a.shapes[in.mn.val]; !ok {
		return 0, in.errorf(in.mn, "unknown instruction %q (known: %s)", in.mn.val, in.a.knownMnemonics())
	}
	return in.a.size(in, consts)
}

// encode assembles the statement at pc: one byte slice per instruction.
func (in insn) encode(pc uint64, r resolver) ([][]byte, *Error) {
	if w, ok := in.a.fixed[in.mn.val]; ok {
		return wordBytes(oneWord(w, in.arity(0)))
	}
	return in.a.encode(in, pc, r)
}
