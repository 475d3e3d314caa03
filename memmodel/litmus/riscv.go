package litmus

import (
	"strconv"
	"strings"

	"github.com/ftcheck/ftcheck/ifetch/riscv"
	ax "github.com/ftcheck/ftcheck/memmodel/axiomatic"
)

// riscvFront decodes RV64 litmus instructions the way herd's RISCVSem
// does: .aq/.rl annotate plain accesses, an AMO is one Atomic Update
// event (herd's Amo action) with its .aq/.rl, LR/SC give
// Exclusive events and fence.i is a barrier riscv.cat ignores.
type riscvFront struct{}

func (riscvFront) defaultModel() string { return "rvwmo" }

func (riscvFront) regName(name string) string {
	name = strings.TrimSpace(name)
	n, ok := riscv.RegNumber(name) // an ABI name, fp or x0..x31
	if !ok {                       // x01: a leading zero, which GNU as (riscv.RegNumber) refuses and this reader accepts
		if len(name) < 2 || name[0] != 'x' {
			return ""
		}
		v, err := atoiStrict(name[1:])
		if err != nil || v > 31 {
			return ""
		}
		n = v
	}
	if n == 0 {
		return "#zero"
	}
	return "x" + strconv.Itoa(n)
}

// operands splits "a,b,c" at top-level commas, keeping (...) and [...] whole.
func operands(s string) []string {
	out, _ := operandsAt(s)
	return out
}

// operandsAt is operands with the offset of each operand in s, so that
// an error about one operand can point at it.
func operandsAt(s string) ([]string, []int) {
	var out []string
	var offs []int
	add := func(from, to int) {
		raw := s[from:to]
		out = append(out, strings.TrimSpace(raw))
		offs = append(offs, from+len(raw)-len(strings.TrimLeft(raw, " \t\r\n")))
	}
	depth, start := 0, 0
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '(', '[':
			depth++
		case ')', ']':
			depth--
		case ',':
			if depth == 0 {
				add(start, i)
				start = i + 1
			}
		}
	}
	if t := strings.TrimSpace(s[start:]); t != "" || len(out) > 0 {
		add(start, len(s))
	}
	return out, offs
}

// immRange is the error for an immediate that does not fit its
// instruction's field: the assembler would refuse it, so herd's
// verdict for the test would be about some other program.
func immRange(p *parser, off int, v int64, mn string, lo, hi int64) error {
	return p.s.errorf(off, "immediate %d out of range for %s (%d..%d)", v, mn, lo, hi)
}

// splitMnemonic returns the mnemonic and the operand text.
func splitMnemonic(text string) (string, string) {
	text = strings.TrimSpace(text)
	i := strings.IndexAny(text, " \t")
	if i < 0 {
		return text, ""
	}
	return text[:i], strings.TrimSpace(text[i:])
}

func (f riscvFront) decode(p *parser, th *Thread, text string, off int) (inst, string, error) {
	mn, rest := splitMnemonic(text)
	mn = strings.ToLower(mn)
	ops, opOffs := operandsAt(rest)
	// opAt is the file offset of operand i (text is trimmed, so rest
	// is its suffix).
	opAt := func(i int) int { return off + len(text) - len(rest) + opOffs[i] }
	bad := func(format string, args ...any) (inst, string, error) {
		return inst{}, "", p.s.errorf(off, "%s: "+format, append([]any{text}, args...)...)
	}
	// I-type immediates and load/store offsets are 12-bit signed; shift
	// amounts of RV64 are 0..63.
	checkImm := func(i int, v, lo, hi int64) error {
		if v < lo || v > hi {
			return immRange(p, opAt(i), v, mn, lo, hi)
		}
		return nil
	}
	reg := func(i int) (int, bool) {
		if i >= len(ops) {
			return 0, false
		}
		n := f.regName(ops[i])
		if n == "" {
			return 0, false
		}
		return th.reg(n), true
	}
	want := func(n int) bool { return len(ops) == n }

	base, suffix, _ := strings.Cut(mn, ".")
	parts := strings.Split(mn, ".")
	annot := riscvAnnot(parts)

	switch base {
	case "ori", "andi", "addi", "xori", "slli":
		rd, ok1 := reg(0)
		rs, ok2 := reg(1)
		imm, ok3 := int64(0), want(3)
		if ok3 {
			imm, ok3 = parseInt(ops[2])
		}
		if !ok1 || !ok2 || !ok3 {
			return bad("expected `%s rd,rs,imm`", base)
		}
		lo, hi := int64(-2048), int64(2047)
		if base == "slli" {
			lo, hi = 0, 63
		}
		if err := checkImm(2, imm, lo, hi); err != nil {
			return inst{}, "", err
		}
		in := newInst(opALU)
		in.alu = map[string]aluOp{"ori": aluOr, "andi": aluAnd, "addi": aluAdd, "xori": aluXor, "slli": aluSll}[base]
		in.rd, in.rs1, in.imm, in.useImm = rd, rs, imm, true
		return in, "", nil
	case "add", "sub", "xor", "or", "and", "sll":
		rd, ok1 := reg(0)
		r1, ok2 := reg(1)
		r2, ok3 := reg(2)
		if !want(3) || !ok1 || !ok2 || !ok3 {
			return bad("expected `%s rd,rs1,rs2`", base)
		}
		in := newInst(opALU)
		in.alu = map[string]aluOp{"add": aluAdd, "sub": aluSub, "xor": aluXor, "or": aluOr, "and": aluAnd, "sll": aluSll}[base]
		in.rd, in.rs1, in.rs2 = rd, r1, r2
		return in, "", nil
	case "li", "mv":
		rd, ok1 := reg(0)
		if !want(2) || !ok1 {
			return bad("expected `%s rd,value`", base)
		}
		in := newInst(opALU)
		in.alu, in.rd = aluMov, rd
		if base == "mv" {
			r, ok := reg(1)
			if !ok {
				return bad("expected a register")
			}
			in.rs2 = r
			return in, "", nil
		}
		v, ok := parseInt(ops[1])
		if !ok {
			return bad("expected an integer")
		}
		in.imm, in.useImm = v, true
		return in, "", nil
	case "lw", "ld", "lb", "lh", "lwu", "lbu", "lhu", "sw", "sd", "sb", "sh":
		size := map[byte]int{'b': 1, 'h': 2, 'w': 4, 'd': 8}[base[1]]
		r, ok1 := reg(0)
		if !want(2) || !ok1 {
			return bad("expected `%s reg,offset(base)`", base)
		}
		offImm, b, ok := riscvMem(f, th, ops[1])
		if !ok {
			return bad("bad memory operand %q", ops[1])
		}
		if err := checkImm(1, offImm, -2048, 2047); err != nil {
			return inst{}, "", err
		}
		in := newInst(opLoad)
		in.rd = r
		if base[0] == 's' {
			in = newInst(opStore)
			in.rv = r
		}
		in.rs1, in.imm, in.size, in.annot = b, offImm, size, annot
		in.signExt = !strings.HasSuffix(base, "u")
		if size != 8 && size != 4 {
			return in, "sub-word access " + base, nil
		}
		return in, "", nil
	case "lr", "sc":
		size := 4
		if strings.HasPrefix(suffix, "d") {
			size = 8
		}
		if base == "lr" {
			rd, ok1 := reg(0)
			if !want(2) || !ok1 {
				return bad("expected `lr.w rd,(base)`")
			}
			_, b, ok := riscvMem(f, th, ops[1])
			if !ok {
				return bad("bad memory operand %q", ops[1])
			}
			in := newInst(opLoadRes)
			in.rd, in.rs1, in.size, in.annot, in.signExt = rd, b, size, annot|ax.Exclusive, true
			return in, "", nil
		}
		rd, ok1 := reg(0)
		rv, ok2 := reg(1)
		if !want(3) || !ok1 || !ok2 {
			return bad("expected `sc.w rd,rs,(base)`")
		}
		_, b, ok := riscvMem(f, th, ops[2])
		if !ok {
			return bad("bad memory operand %q", ops[2])
		}
		in := newInst(opStoreCond)
		in.rd, in.rv, in.rs1, in.size, in.annot = rd, rv, b, size, annot|ax.Exclusive
		in.resultDeps = true
		return in, "", nil
	case "amoswap", "amoadd", "amoor", "amoand", "amoxor":
		size := 4
		if strings.HasPrefix(suffix, "d") {
			size = 8
		}
		rd, ok1 := reg(0)
		rv, ok2 := reg(1)
		if !want(3) || !ok1 || !ok2 {
			return bad("expected `%s rd,rs,(base)`", base)
		}
		_, b, ok := riscvMem(f, th, ops[2])
		if !ok {
			return bad("bad memory operand %q", ops[2])
		}
		in := newInst(opAMO)
		in.alu = map[string]aluOp{"amoswap": aluSwap, "amoadd": aluAdd, "amoor": aluOr, "amoand": aluAnd, "amoxor": aluXor}[base]
		in.rd, in.rv, in.rs1, in.size, in.signExt = rd, rv, b, size, true
		// herd: one Amo event carrying the instruction's own .aq/.rl.
		in.oneEvent, in.annot = true, ax.Atomic|annot
		return in, "", nil
	case "fence":
		in := newInst(opFence)
		switch {
		case mn == "fence.tso":
			in.fence = ax.FenceRISCVTSO
		case mn == "fence.i":
			in.fence = ax.FenceOther
		case mn == "fence" && rest == "":
			in.fence = ax.RISCVFence(ax.FenceR|ax.FenceW, ax.FenceR|ax.FenceW)
		case mn == "fence" && want(2):
			pred, ok1 := riscvFenceSet(ops[0])
			succ, ok2 := riscvFenceSet(ops[1])
			if !ok1 || !ok2 {
				return bad("expected `fence pred,succ` with sets of r and w")
			}
			in.fence = ax.RISCVFence(pred, succ)
		default:
			return inst{}, "fence variant " + text, nil
		}
		return in, "", nil
	case "beq", "bne", "blt", "bge":
		r1, ok1 := reg(0)
		r2, ok2 := reg(1)
		if !want(3) || !ok1 || !ok2 || !isIdent(ops[2]) {
			return bad("expected `%s rs1,rs2,label`", base)
		}
		in := newInst(opBranch)
		in.cond = map[string]condOp{"beq": condEq, "bne": condNe, "blt": condLt, "bge": condGe}[base]
		in.rs1, in.rs2, in.target = r1, r2, ops[2]
		return in, "", nil
	case "j":
		if !want(1) || !isIdent(ops[0]) {
			return bad("expected `j label`")
		}
		in := newInst(opJump)
		in.target = ops[0]
		return in, "", nil
	case "nop":
		return newInst(opNop), "", nil
	}
	return inst{}, "instruction " + mn, nil
}

// riscvAnnot maps the .aq/.rl suffixes to annotations.
func riscvAnnot(parts []string) ax.Annot {
	var a ax.Annot
	for _, s := range parts[1:] {
		switch s {
		case "aq":
			a |= ax.Acquire
		case "rl":
			a |= ax.Release
		}
	}
	return a
}

// riscvMem parses `imm(reg)` or `(reg)`.
func riscvMem(f riscvFront, th *Thread, s string) (int64, int, bool) {
	open := strings.IndexByte(s, '(')
	if open < 0 || !strings.HasSuffix(s, ")") {
		return 0, 0, false
	}
	var imm int64
	if t := strings.TrimSpace(s[:open]); t != "" {
		v, ok := parseInt(t)
		if !ok {
			return 0, 0, false
		}
		imm = v
	}
	n := f.regName(s[open+1 : len(s)-1])
	if n == "" {
		return 0, 0, false
	}
	return imm, th.reg(n), true
}

func riscvFenceSet(s string) (int, bool) {
	set := 0
	for _, c := range strings.ToLower(strings.TrimSpace(s)) {
		switch c {
		case 'r':
			set |= ax.FenceR
		case 'w':
			set |= ax.FenceW
		case 'i', 'o':
			// device input/output orderings do not affect memory litmus tests
		default:
			return 0, false
		}
	}
	return set, set != 0
}
