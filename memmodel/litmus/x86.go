package litmus

import (
	"strings"

	ax "github.com/ftcheck/ftcheck/memmodel/axiomatic"
)

// x86Front decodes x86 litmus instructions: Intel syntax for herd's X86
// tests (MOV [x],$1 / MOV EAX,[x]) and AT&T syntax for X86_64 ones
// (movl $1,(x) / movl (x),%eax). XCHG and LOCK-prefixed instructions give
// an Atomic (locked) read-write pair.
type x86Front struct{ att bool }

func (x86Front) defaultModel() string { return "tso" }

var x86Regs = map[string]string{}

func init() {
	for _, r := range []string{"ax", "bx", "cx", "dx", "si", "di", "bp"} {
		for _, n := range []string{r, "e" + r, "r" + r} {
			x86Regs[n] = strings.ToUpper(r)
		}
	}
	for i := 8; i <= 15; i++ {
		n := sprintf("r%d", i)
		for _, s := range []string{"", "d", "w", "b"} {
			x86Regs[n+s] = strings.ToUpper(n)
		}
	}
}

func (x86Front) regName(name string) string {
	return x86Regs[strings.ToLower(strings.TrimPrefix(strings.TrimSpace(name), "%"))]
}

// x86Operand is a decoded operand: register, immediate or memory.
type x86Operand struct {
	reg   int
	imm   int64
	isImm bool
	mem   bool
	base  int // register holding the address, or noReg
}

func (f x86Front) operand(p *parser, th *Thread, s string) (x86Operand, bool) {
	s = strings.TrimSpace(s)
	o := x86Operand{reg: noReg, base: noReg}
	inner, isMem := "", false
	switch {
	case strings.HasPrefix(s, "[") && strings.HasSuffix(s, "]"):
		inner, isMem = s[1:len(s)-1], true
	case f.att && strings.HasPrefix(s, "(") && strings.HasSuffix(s, ")"):
		inner, isMem = s[1:len(s)-1], true
	}
	if isMem {
		inner = strings.TrimSpace(inner)
		o.mem = true
		if r := f.regName(inner); r != "" {
			o.base = th.reg(r)
			return o, true
		}
		if !isIdent(inner) {
			return o, false
		}
		o.imm = p.t.location(inner)
		return o, true
	}
	if r := f.regName(s); r != "" && (!f.att || strings.HasPrefix(s, "%")) {
		o.reg = th.reg(r)
		return o, true
	}
	if v, ok := parseInt(s); ok {
		o.imm, o.isImm = v, true
		return o, true
	}
	return o, false
}

func (f x86Front) decode(p *parser, th *Thread, text string, off int) (inst, string, error) {
	mn, rest := splitMnemonic(text)
	mn = strings.ToLower(mn)
	locked := false
	if mn == "lock" {
		locked = true
		mn, rest = splitMnemonic(rest)
		mn = strings.ToLower(mn)
	}
	ops := operands(rest)
	bad := func(format string, args ...any) (inst, string, error) {
		return inst{}, "", p.s.errorf(off, "%s: "+format, append([]any{text}, args...)...)
	}
	if f.att {
		mn = strings.TrimRight(mn, "lqwb")
		if mn == "mfence" || mn == "mfenc" {
			mn = "mfence"
		}
		if len(ops) == 2 {
			ops[0], ops[1] = ops[1], ops[0] // AT&T writes the destination last
		}
	}
	switch mn {
	case "mfence":
		in := newInst(opFence)
		in.fence = ax.FenceMFence
		return in, "", nil
	case "mov", "xchg":
		if len(ops) != 2 {
			return bad("expected two operands")
		}
		dst, ok1 := f.operand(p, th, ops[0])
		src, ok2 := f.operand(p, th, ops[1])
		if !ok1 || !ok2 {
			return bad("bad operand")
		}
		if mn == "xchg" {
			if src.mem {
				dst, src = src, dst
			}
			if !dst.mem || src.reg == noReg {
				return bad("expected `XCHG [loc],reg`")
			}
			in := newInst(opAMO)
			in.alu = aluSwap
			in.rs1, in.imm, in.rd, in.rv = dst.base, dst.imm, src.reg, src.reg
			in.annot, in.annotW = ax.Atomic, ax.Atomic
			return in, "", nil
		}
		if locked {
			return inst{}, "LOCK MOV", nil
		}
		switch {
		case dst.mem && !src.mem:
			in := newInst(opStore)
			in.rs1, in.imm = dst.base, dst.imm
			if src.isImm {
				return x86StoreImm(in, src.imm), "", nil
			}
			in.rv = src.reg
			return in, "", nil
		case !dst.mem && src.mem:
			in := newInst(opLoad)
			in.rd, in.rs1, in.imm = dst.reg, src.base, src.imm
			return in, "", nil
		case !dst.mem && !src.mem && dst.reg != noReg:
			in := newInst(opALU)
			in.alu, in.rd = aluMov, dst.reg
			if src.isImm {
				in.imm, in.useImm = src.imm, true
			} else {
				in.rs2 = src.reg
			}
			return in, "", nil
		}
		return bad("unsupported operand combination")
	}
	return inst{}, "instruction " + strings.ToUpper(mn), nil
}

// x86StoreImm stores a constant. The address is imm, so the constant is
// kept in a dedicated field.
func x86StoreImm(in inst, v int64) inst {
	in.storeImm, in.hasStoreImm = v, true
	return in
}
