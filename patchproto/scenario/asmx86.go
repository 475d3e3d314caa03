package scenario

import (
	"strings"

	"github.com/ftcheck/ftcheck/ifetch"
	"github.com/ftcheck/ftcheck/ifetch/x86"
	"github.com/ftcheck/ftcheck/model"
)

// x86-64 in the kernel's AT&T syntax (GNU as): %rax registers, $imm
// immediates, disp(%base) memory operands, source before destination.
// Instructions are fetched a byte at a time (ifetch.NewBytes): a CPU that
// has not serialised may decode an instruction from bytes of different
// versions, or resume inside one. The memory model is tso unless the file
// names another.
//
// Lengths: call and jmp are rel32 (e8, e9), je/jne rel32 (0f 84/85);
// jmp.d8, je.d8, jne.d8 are the rel8 forms (GNU's .d8 suffix). A
// displacement written as a number is as short as it can be; one that
// names a symbol is always 32 bits, so pass 1 knows every length.
func init() {
	registerArch(&arch{
		header: "X86", machine: "x86_64", unit: 1, align: 1, mem: "tso", models: []string{"tso", "sc"},
		isa:       x86.ISA{},
		shapes:    x86Mnemonics,
		regNumber: x86.RegNumber,
		noZero:    true, // rax is register 0
		syncName:  "sync_core",
		size:      x86Size,
		encode: func(in insn, pc uint64, r resolver) ([][]byte, *Error) {
			return in.encodeX86(pc, r)
		},
		stores: x86.Stores,
		fetch: func(lo uint64, units []uint32, harts int) model.FetchState {
			return ifetch.NewBytes(lo, units, harts)
		},
		shortVersions: true,
	})
}

var x86Mnemonics = map[string]string{
	"nop": "", "int3": "", "ret": "", "retq": "", "hlt": "", "iretq": "", "cpuid": "", "mfence": "",
	// include/asm/nops.h: K8_NOP5 is the two-part nop K8_NOP3 K8_NOP2.
	"k8_nop2": "", "k8_nop3": "", "k8_nop5": "", "p6_nop5": "",
	"call": "target | *%reg", "callq": "target | *%reg", "jmp": "target | *%reg", "jmpq": "target | *%reg",
	"jmp.d8": "target", "je": "target", "jne": "target", "je.d8": "target", "jne.d8": "target",
	"mov": "src, dst", "movq": "src, dst", "movabsq": "$imm64, %reg",
	"add": "$imm, %reg", "addq": "$imm, %reg", "sub": "$imm, %reg | %reg, %reg", "subq": "$imm, %reg | %reg, %reg",
	"cmp": "$imm, %reg | %reg, %reg", "cmpq": "$imm, %reg | %reg, %reg", "test": "%reg, %reg", "testq": "%reg, %reg",
	"push": "%reg", "pushq": "%reg", "pop": "%reg", "popq": "%reg",
	"movl": "mem, %r32 | %r32, mem", "movb": "mem, %r8 | %r8, mem",
	"lock": "incq|decq mem | xaddq|cmpxchgq %reg, mem", ".byte": "value[, value...]",
}

// x86Size is the statement's length: its encoding with every label taken
// as 0 (no length depends on a label's value, see above).
func x86Size(in insn, consts resolver) (int, *Error) {
	zero := func(name string, p Pos) (uint64, *Error) {
		if v, err := consts(name, p); err == nil {
			return v, nil
		}
		return 0, nil
	}
	code, err := in.encodeX86At(0, zero, true)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, c := range code {
		n += len(c)
	}
	return n, nil
}

// x86Kind classifies an operand by its first token.
func (in insn) x86Kind(i int) byte {
	op := in.ops[i]
	switch t := op[0]; {
	case t.kind == tkPunct && t.val == "%":
		return 'r'
	case t.kind == tkPunct && t.val == "*":
		return '*'
	case t.kind == tkIdent && strings.HasPrefix(t.val, "$"):
		return '$'
	}
	return 'm'
}

// x86Reg reads operand i as %reg (from token j on).
func (in insn) x86Reg(i int) (int, *Error) {
	op := in.ops[i]
	if len(op) != 2 || op[0].val != "%" || op[1].kind != tkIdent {
		return 0, in.errorf(op[0], "expected a register (%%rax .. %%r15), found %q", in.text(i))
	}
	r, ok := x86.RegNumber(op[1].val)
	if !ok {
		return 0, in.errorf(op[1], "unknown register %%%s (%%rax .. %%r15)", op[1].val)
	}
	return r, nil
}

// x86Imm reads operand i as $expr.
func (in insn) x86Imm(i int, r resolver) (int64, *Error) {
	op := in.ops[i]
	t := op[0]
	ts := op[1:]
	if t.val != "$" { // $0x10 and $label lex as one token
		rest := t
		rest.val, rest.off = t.val[1:], t.off+1
		if c := rest.val[0]; c >= '0' && c <= '9' {
			rest.kind = tkNumber
		}
		ts = append([]token{rest}, op[1:]...)
	}
	if len(ts) == 0 {
		return 0, in.errorf(t, "expected an immediate after $")
	}
	sub := insn{a: in.a, l: in.l, mn: in.mn, ops: [][]token{ts}}
	v, err := sub.value(0, r)
	return int64(v), err
}

// noSymbols resolves nothing: an expression that evaluates with it is a
// literal number.
func noSymbols(string, Pos) (uint64, *Error) { return 0, &Error{} }

// x86Mem reads operand i as disp(%base), (%base) or an absolute address.
func (in insn) x86Mem(i int, r resolver, sizing bool) (x86.Mem, *Error) {
	op := in.ops[i]
	n := len(op)
	m := x86.Mem{Base: -1}
	dispTs := op
	if n >= 4 && op[n-1].val == ")" && op[n-3].val == "%" && op[n-4].val == "(" {
		reg, ok := x86.RegNumber(op[n-2].val)
		if !ok {
			return m, in.errorf(op[n-2], "unknown register %%%s (%%rax .. %%r15)", op[n-2].val)
		}
		m.Base = reg
		dispTs = op[:n-4]
	}
	if len(dispTs) == 0 {
		return m, nil
	}
	sub := insn{a: in.a, l: in.l, mn: in.mn, ops: [][]token{dispTs}}
	v, err := sub.value(0, r)
	if err != nil {
		return m, err
	}
	if !fits(int64(v), 32) && !sizing {
		return m, in.errorf(dispTs[0], "displacement %#x does not fit in 32 bits (sign-extended)", v)
	}
	m.Disp = int32(v)
	if _, lit := sub.value(0, noSymbols); lit != nil || m.Base < 0 {
		m.Wide = true
	}
	return m, nil
}

// x86Rel reads a jump target as a displacement from next (the end of the
// instruction) that fits in bits.
func (in insn) x86Rel(i int, next uint64, r resolver, bits uint, sizing bool) (int64, *Error) {
	v, err := in.value(i, r)
	if err != nil {
		return 0, err
	}
	off := int64(v - next)
	if sizing {
		return 0, nil
	}
	if !fits(off, bits) {
		return 0, in.errorf(in.ops[i][0], "target %#x is out of reach of %s (offset %d from %#x)", v, in.mn.val, off, next)
	}
	in.jumpsTo(i, v)
	return off, nil
}

// x86Aliases are the AT&T mnemonics with an operand-size suffix that
// mean the same here (every operation of the subset is 64-bit).
var x86Aliases = map[string]string{"retq": "ret", "callq": "call", "jmpq": "jmp", "movq": "mov", "addq": "add",
	"subq": "sub", "cmpq": "cmp", "testq": "test", "pushq": "push", "popq": "pop"}

func one(b []byte) [][]byte { return [][]byte{b} }

// encodeX86 assembles one statement at pc.
func (in insn) encodeX86(pc uint64, r resolver) ([][]byte, *Error) {
	return in.encodeX86At(pc, r, false)
}

// encodeX86At assembles at pc; sizing (pass 1, labels read as 0) skips
// the range checks, which pass 2 makes with the real values.
func (in insn) encodeX86At(pc uint64, r resolver, sizing bool) ([][]byte, *Error) {
	mn := in.mn.val
	if m, ok := x86Aliases[mn]; ok {
		mn = m
	}
	fixed := map[string][]byte{"nop": x86.Nop, "int3": x86.Int3, "ret": x86.Ret, "hlt": x86.Hlt, "iretq": x86.Iretq,
		"cpuid": x86.Cpuid, "mfence": x86.Mfence, "k8_nop2": x86.K8Nop2, "k8_nop3": x86.K8Nop3, "p6_nop5": x86.P6Nop5}
	if b, ok := fixed[mn]; ok {
		if err := in.arity(0); err != nil {
			return nil, err
		}
		return one(b), nil
	}
	switch mn {
	case "k8_nop5":
		if err := in.arity(0); err != nil {
			return nil, err
		}
		return [][]byte{x86.K8Nop3, x86.K8Nop2}, nil
	case "call", "jmp":
		if err := in.arity(1); err != nil {
			return nil, err
		}
		if in.x86Kind(0) == '*' {
			sub := insn{a: in.a, l: in.l, mn: in.mn, ops: [][]token{in.ops[0][1:]}}
			if len(in.ops[0]) < 2 {
				return nil, in.errorf(in.ops[0][0], "expected *%%reg")
			}
			reg, err := sub.x86Reg(0)
			if err != nil {
				return nil, err
			}
			if mn == "call" {
				return one(x86.CallReg(reg)), nil
			}
			return one(x86.JmpReg(reg)), nil
		}
		off, err := in.x86Rel(0, pc+5, r, 32, sizing)
		if err != nil {
			return nil, err
		}
		if mn == "call" {
			return one(x86.Call(int32(off))), nil
		}
		return one(x86.Jmp(int32(off))), nil
	case "je", "jne":
		if err := in.arity(1); err != nil {
			return nil, err
		}
		off, err := in.x86Rel(0, pc+6, r, 32, sizing)
		if err != nil {
			return nil, err
		}
		return one(x86.Jcc(x86Cond(mn), int32(off))), nil
	case "jmp.d8", "je.d8", "jne.d8":
		if err := in.arity(1); err != nil {
			return nil, err
		}
		off, err := in.x86Rel(0, pc+2, r, 8, sizing)
		if err != nil {
			return nil, err
		}
		if mn == "jmp.d8" {
			return one(x86.Jmp8(int8(off))), nil
		}
		return one(x86.Jcc8(x86Cond(strings.TrimSuffix(mn, ".d8")), int8(off))), nil
	case "mov":
		return in.x86Mov(r, sizing)
	case "movabsq":
		if err := in.arity(2); err != nil {
			return nil, err
		}
		if in.x86Kind(0) != '$' {
			return nil, in.errorf(in.ops[0][0], "movabsq takes $imm64, %%reg")
		}
		v, err := in.x86Imm(0, r)
		if err != nil {
			return nil, err
		}
		reg, err := in.x86Reg(1)
		if err != nil {
			return nil, err
		}
		return one(x86.Movabs(reg, uint64(v))), nil
	case "add", "sub", "cmp", "test":
		if err := in.arity(2); err != nil {
			return nil, err
		}
		dst, err := in.x86Reg(1)
		if err != nil {
			return nil, err
		}
		if in.x86Kind(0) == 'r' && (mn == "cmp" || mn == "test" || mn == "sub") {
			src, err := in.x86Reg(0)
			if err != nil {
				return nil, err
			}
			switch mn {
			case "cmp":
				return one(x86.Cmp(src, dst)), nil
			case "sub":
				return one(x86.Sub(src, dst)), nil
			}
			return one(x86.Test(src, dst)), nil
		}
		if in.x86Kind(0) != '$' || mn == "test" {
			return nil, in.errorf(in.ops[0][0], "%s takes %s", in.mn.val, x86Mnemonics[in.mn.val])
		}
		v, err := in.x86Imm(0, r)
		if err != nil {
			return nil, err
		}
		if !fits(v, 32) && !sizing {
			return nil, in.errorf(in.ops[0][0], "%d does not fit in a 32-bit signed immediate", v)
		}
		return one(map[string]func(int, int32) []byte{"add": x86.AddImm, "sub": x86.SubImm, "cmp": x86.CmpImm}[mn](dst, int32(v))), nil
	case "push", "pop":
		reg, err := in.leadingRegs(1, in.x86Reg, 1)
		if err != nil {
			return nil, err
		}
		if mn == "push" {
			return one(x86.Push(reg[0])), nil
		}
		return one(x86.Pop(reg[0])), nil
	case "movl", "movb":
		return in.x86MovNarrow(mn, r, sizing)
	case "lock":
		// lock incq MEM: the mnemonic after lock is the first token of
		// the first operand.
		if len(in.ops) == 2 && len(in.ops[0]) == 3 {
			op := strings.TrimSuffix(in.ops[0][0].val, "q")
			if op == "xadd" || op == "cmpxchg" {
				sub := insn{a: in.a, l: in.l, mn: in.ops[0][0], ops: [][]token{in.ops[0][1:], in.ops[1]}}
				reg, err := sub.x86Reg(0)
				if err != nil {
					return nil, err
				}
				if sub.x86Kind(1) != 'm' {
					return nil, in.errorf(in.ops[1][0], "lock %sq takes %%reg, MEM", op)
				}
				m, err := sub.x86Mem(1, r, sizing)
				if err != nil {
					return nil, err
				}
				if op == "cmpxchg" {
					return one(x86.LockCmpxchg(m, reg)), nil
				}
				return one(x86.LockXadd(m, reg)), nil
			}
		}
		if len(in.ops) != 1 || len(in.ops[0]) < 2 || (in.ops[0][0].val != "incq" && in.ops[0][0].val != "decq") {
			return nil, in.errorf(in.mn, "lock takes incq MEM, decq MEM, xaddq %%reg, MEM or cmpxchgq %%reg, MEM")
		}
		sub := insn{a: in.a, l: in.l, mn: in.ops[0][0], ops: [][]token{in.ops[0][1:]}}
		m, err := sub.x86Mem(0, r, sizing)
		if err != nil {
			return nil, err
		}
		if in.ops[0][0].val == "incq" {
			return one(x86.LockInc(m)), nil
		}
		return one(x86.LockDec(m)), nil
	case ".byte":
		var b []byte
		for i := range in.ops {
			v, err := in.value(i, r)
			if err != nil {
				return nil, err
			}
			if v > 0xff && !sizing {
				return nil, in.errorf(in.ops[i][0], "%#x does not fit in a byte", v)
			}
			b = append(b, byte(v))
		}
		if len(b) == 0 {
			return nil, in.errorf(in.mn, ".byte takes at least one value")
		}
		return one(b), nil
	}
	return nil, in.errorf(in.mn, "unknown instruction %q (known: %s)", in.mn.val, in.a.knownMnemonics())
}

func x86Cond(mn string) byte {
	if mn == "je" {
		return x86.CondE
	}
	return x86.CondNE
}

// x86Mov is mov/movq: $imm or memory or register to register, register
// or $imm to memory.
func (in insn) x86Mov(r resolver, sizing bool) ([][]byte, *Error) {
	if err := in.arity(2); err != nil {
		return nil, err
	}
	src, dst := in.x86Kind(0), in.x86Kind(1)
	switch {
	case src == '$' && dst == 'r':
		v, err := in.x86Imm(0, r)
		if err != nil {
			return nil, err
		}
		if !fits(v, 32) && !sizing {
			return nil, in.errorf(in.ops[0][0], "%#x does not fit in a sign-extended 32-bit immediate (use movabsq)", v)
		}
		reg, err := in.x86Reg(1)
		if err != nil {
			return nil, err
		}
		return one(x86.MovImm(reg, int32(v))), nil
	case src == 'r' && dst == 'r':
		a, err := in.x86Reg(0)
		if err != nil {
			return nil, err
		}
		b, err := in.x86Reg(1)
		if err != nil {
			return nil, err
		}
		return one(x86.MovReg(a, b)), nil
	case src == 'm' && dst == 'r':
		m, err := in.x86Mem(0, r, sizing)
		if err != nil {
			return nil, err
		}
		reg, err := in.x86Reg(1)
		if err != nil {
			return nil, err
		}
		return one(x86.Load(reg, m)), nil
	case src == 'r' && dst == 'm':
		reg, err := in.x86Reg(0)
		if err != nil {
			return nil, err
		}
		m, err := in.x86Mem(1, r, sizing)
		if err != nil {
			return nil, err
		}
		return one(x86.Store(m, reg)), nil
	case src == '$' && dst == 'm':
		v, err := in.x86Imm(0, r)
		if err != nil {
			return nil, err
		}
		if !fits(v, 32) && !sizing {
			return nil, in.errorf(in.ops[0][0], "%#x does not fit in a sign-extended 32-bit immediate", v)
		}
		m, err := in.x86Mem(1, r, sizing)
		if err != nil {
			return nil, err
		}
		return one(x86.StoreImm(m, int32(v))), nil
	}
	return nil, in.errorf(in.mn, "%s takes $imm, %%reg | %%reg, %%reg | mem, %%reg | %%reg, mem | $imm, mem; found %q, %q", in.mn.val, in.text(0), in.text(1))
}

// x86NarrowRegs are the 32-bit and 8-bit register names by register
// number (the 8-bit ones are the low bytes; ah..bh are not in the subset).
var x86NarrowRegs = map[string][2][]string{
	"movl": {{"eax", "ecx", "edx", "ebx", "esp", "ebp", "esi", "edi", "r8d", "r9d", "r10d", "r11d", "r12d", "r13d", "r14d", "r15d"}},
	"movb": {{"al", "cl", "dl", "bl", "spl", "bpl", "sil", "dil", "r8b", "r9b", "r10b", "r11b", "r12b", "r13b", "r14b", "r15b"}},
}

// x86NarrowReg reads operand i as a register of movl's or movb's width.
func (in insn) x86NarrowReg(mn string, i int) (int, *Error) {
	op := in.ops[i]
	names := x86NarrowRegs[mn][0]
	if len(op) != 2 || op[0].val != "%" || op[1].kind != tkIdent {
		return 0, in.errorf(op[0], "expected a register (%%%s .. %%%s), found %q", names[0], names[15], in.text(i))
	}
	for r, n := range names {
		if n == op[1].val {
			return r, nil
		}
	}
	return 0, in.errorf(op[1], "%s takes %%%s .. %%%s, not %%%s", mn, names[0], names[15], op[1].val)
}

// x86MovNarrow is movl/movb between memory and a register: the 4- and
// 1-byte accesses of a memcpy (probe_kernel_write's byte loop).
func (in insn) x86MovNarrow(mn string, r resolver, sizing bool) ([][]byte, *Error) {
	if err := in.arity(2); err != nil {
		return nil, err
	}
	src, dst := in.x86Kind(0), in.x86Kind(1)
	switch {
	case src == 'm' && dst == 'r':
		m, err := in.x86Mem(0, r, sizing)
		if err != nil {
			return nil, err
		}
		reg, err := in.x86NarrowReg(mn, 1)
		if err != nil {
			return nil, err
		}
		if mn == "movl" {
			return one(x86.LoadL(reg, m)), nil
		}
		return one(x86.LoadB(reg, m)), nil
	case src == 'r' && dst == 'm':
		reg, err := in.x86NarrowReg(mn, 0)
		if err != nil {
			return nil, err
		}
		m, err := in.x86Mem(1, r, sizing)
		if err != nil {
			return nil, err
		}
		if mn == "movl" {
			return one(x86.StoreL(m, reg)), nil
		}
		return one(x86.StoreB(m, reg)), nil
	}
	return nil, in.errorf(in.mn, "%s takes %s; found %q, %q", in.mn.val, x86Mnemonics[in.mn.val], in.text(0), in.text(1))
}
