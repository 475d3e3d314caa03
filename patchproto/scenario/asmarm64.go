package scenario

import (
	"github.com/ftcheck/ftcheck/ifetch"
	"github.com/ftcheck/ftcheck/ifetch/arm64"
	"github.com/ftcheck/ftcheck/model"
)

// arm64 (AArch64, little-endian, 4-byte instructions): GNU syntax with
// x0..x30, fp, lr, sp, xzr, executed by ifetch/arm64 and fetched a word
// at a time under the CMODX/cache-maintenance model of ifetch.ArmFetch.
// Immediates are written without '#' (GNU as accepts both; '#' starts a
// comment in scenario files).
func init() {
	registerArch(&arch{
		header: "ARM64", machine: "arm64", unit: 4, align: 4, mem: "armv8", models: []string{"armv8", "sc"},
		isa:    arm64.ISA{},
		fixed:  arm64Fixed,
		shapes: arm64Mnemonics,
		regNumber: func(name string) (int, bool) {
			n, ok := arm64.RegNumber(name)
			return n, ok && n != arm64.XZR // xzr is no register to set or read back
		},
		noZero:   true,
		syncName: "isb",
		size:     func(insn, resolver) (int, *Error) { return 4, nil },
		encode: func(in insn, pc uint64, r resolver) ([][]byte, *Error) {
			return wordBytes(in.encodeArm64(pc, r))
		},
		stores: arm64.Stores,
		fetch: func(lo uint64, units []uint32, harts int) model.FetchState {
			return ifetch.NewArmFetch(lo, units, harts, ifetch.CacheType{}, arm64.CMODX, arm64.Disasm)
		},
	})
}

var arm64Mnemonics = map[string]string{
	"nop": "", "isb": "", "ret": "[xn]", "br": "xn", "blr": "xn", "b": "target", "bl": "target",
	"mov": "xd, xm | xd, imm", "add": "xd, xn, imm", "sub": "xd, xn, imm",
	"adr": "xd, target", "adrp": "xd, target",
	"ldr": "xt, [xn{, off}]{!} | xt, [xn], off | xt, literal", "str": "xt, [xn{, off}]{!} | xt, [xn], off",
	"ldp": "xt1, xt2, [xn{, off}]{!} | xt1, xt2, [xn], off", "stp": "xt1, xt2, [xn{, off}]{!} | xt1, xt2, [xn], off",
	"dmb": "ish | ishst | ishld | sy", "dsb": "ish | ishst | ishld | sy", "brk": "imm", "svc": "imm",
	".word": "value", ".inst": "value",
	// CALL_OPS ftrace_caller (ifetch/arm64/callops.go).
	"bti": "c", "and": "xd, xn, imm", "bic": "xd, xn, imm",
}

// arm64Fixed are the instructions without operands.
var arm64Fixed = map[string]uint32{"nop": arm64.Nop, "isb": arm64.Isb}

// encodeArm64 assembles one statement at pc. The encoders panic on
// operands they cannot encode; every range is checked here first.
func (in insn) encodeArm64(pc uint64, r resolver) ([]uint32, *Error) {
	mn := in.mn.val
	// xn reads a register or xzr, xnSP a register or sp (a64Reg).
	xn := func(i int) (int, *Error) { return in.a64Reg(i, false) }
	xnSP := func(i int) (int, *Error) { return in.a64Reg(i, true) }
	switch mn {
	case "ret":
		if err := in.arity(0, 1); err != nil {
			return nil, err
		}
		if len(in.ops) == 0 {
			return []uint32{arm64.Ret}, nil
		}
		rn, err := in.a64Reg(0, false)
		return oneWord(arm64.RET(rn), err)
	case "br", "blr":
		rn, err := in.leadingRegs(1, xn, 1)
		if err != nil {
			return nil, err
		}
		if mn == "br" {
			return []uint32{arm64.BR(rn[0])}, nil
		}
		return []uint32{arm64.BLR(rn[0])}, nil
	case "b", "bl":
		if err := in.arity(1); err != nil {
			return nil, err
		}
		off, err := in.jumpTarget(0, pc, r, 28)
		if err == nil && off&3 != 0 {
			err = in.errorf(in.ops[0][0], "branch target %#x is not word-aligned", pc+uint64(off))
		}
		if err != nil { // the encoders panic on what the checks refuse
			return nil, err
		}
		if mn == "b" {
			return []uint32{arm64.B(off)}, nil
		}
		return []uint32{arm64.BL(off)}, nil
	case "mov":
		rs, err := in.leadingRegs(1, xnSP, 2)
		if err != nil {
			return nil, err
		}
		rd := rs[0]
		if op := in.ops[1]; len(op) == 1 && op[0].kind == tkIdent {
			if rm, ok := arm64.RegNumber(op[0].val); ok {
				if rm == arm64.XZR && rd == arm64.SP {
					return nil, in.errorf(op[0], "mov sp, xzr is not an instruction")
				}
				return []uint32{arm64.MovReg(arm64.X, rd, rm)}, nil
			}
		}
		v, err := in.value(1, r)
		if err != nil {
			return nil, err
		}
		for hw := 0; hw < 4; hw++ {
			if v&^(0xffff<<(16*hw)) == 0 && rd != arm64.SP {
				return []uint32{arm64.Movz(arm64.X, rd, uint16(v>>(16*hw)), hw)}, nil
			}
		}
		return nil, in.errorf(in.ops[1][0], "mov %#x: only a 16-bit value shifted by 0, 16, 32 or 48 (movz) is supported", v)
	case "add", "sub":
		rs, err := in.leadingRegs(2, xnSP, 3)
		if err != nil {
			return nil, err
		}
		rd, rn := rs[0], rs[1]
		v, err := in.a64Imm(2, r)
		if err != nil {
			return nil, err
		}
		if v > 0xfff && (v&0xfff != 0 || v > 0xfff000) {
			return nil, in.errorf(in.ops[2][0], "%s immediate %#x: 0 to 0xfff, or such a value shifted by 12", mn, v)
		}
		if mn == "add" {
			return []uint32{arm64.AddImm(arm64.X, rd, rn, int64(v))}, nil
		}
		return []uint32{arm64.SubImm(arm64.X, rd, rn, int64(v))}, nil
	case "bti":
		if err := in.arity(1); err != nil {
			return nil, err
		}
		if op := in.ops[0]; len(op) != 1 || op[0].val != "c" {
			return nil, in.errorf(op[0], "expected bti c, found bti %q", in.text(0))
		}
		return []uint32{arm64.BtiC}, nil
	case "and", "bic":
		if err := in.arity(3); err != nil {
			return nil, err
		}
		rd, err := in.a64Reg(0, true)
		if err != nil {
			return nil, err
		}
		rn, err := in.a64Reg(1, false)
		if err != nil {
			return nil, err
		}
		v, err := in.a64Imm(2, r)
		if err != nil {
			return nil, err
		}
		mask := v
		if mn == "bic" {
			mask = ^v
		}
		w, ok := arm64.AndImm(rd, rn, mask)
		if !ok {
			return nil, in.errorf(in.ops[2][0], "%s %#x: and %#x is no bitmask immediate", mn, v, mask)
		}
		return []uint32{w}, nil
	case "adr", "adrp":
		rs, err := in.leadingRegs(1, xn, 2)
		if err != nil {
			return nil, err
		}
		rd := rs[0]
		v, err := in.value(1, r)
		if err != nil {
			return nil, err
		}
		if mn == "adr" {
			off := int64(v - pc)
			if !fits(off, 21) {
				return nil, in.errorf(in.ops[1][0], "target %#x is out of reach of adr at %#x", v, pc)
			}
			return []uint32{arm64.Adr(rd, off)}, nil
		}
		pages := int64(v>>12) - int64(pc>>12)
		if !fits(pages, 21) {
			return nil, in.errorf(in.ops[1][0], "target %#x is out of reach of adrp at %#x", v, pc)
		}
		return []uint32{arm64.Adrp(rd, pages)}, nil
	case "ldr", "str":
		rs, err := in.leadingRegs(1, xn, 2, 3)
		if err != nil {
			return nil, err
		}
		rt := rs[0]
		if mn == "ldr" && len(in.ops) == 2 && in.ops[1][0].val != "[" {
			off, err := in.target(1, pc, r, 21)
			if err == nil && off&3 != 0 {
				err = in.errorf(in.ops[1][0], "literal %#x is not word-aligned", pc+uint64(off))
			}
			if err != nil {
				return nil, err
			}
			return []uint32{arm64.LdrLit(rt, off)}, nil
		}
		rn, off, mode, err := in.a64Mem(1, r)
		if err != nil {
			return nil, err
		}
		if mn == "ldr" && mode == arm64.Offset && (off < 0 || off%8 != 0) && fits(off, 9) {
			return []uint32{arm64.Ldur(rt, rn, off)}, nil // GNU as: the unscaled form
		}
		if mode == arm64.Offset && (off < 0 || off > 8*0xfff || off%8 != 0) {
			return nil, in.errorf(in.ops[1][0], "offset %d: 0 to 32760 in steps of 8 (the scaled form), or -256 to 255 for ldr (ldur)", off)
		}
		if mode != arm64.Offset && !fits(off, 9) {
			return nil, in.errorf(in.ops[1][0], "offset %d does not fit in 9 signed bits", off)
		}
		if mn == "ldr" {
			return []uint32{arm64.Ldr(arm64.X, rt, rn, off, mode)}, nil
		}
		return []uint32{arm64.Str(arm64.X, rt, rn, off, mode)}, nil
	case "ldp", "stp":
		rs, err := in.leadingRegs(2, xn, 3, 4)
		if err != nil {
			return nil, err
		}
		rt, rt2 := rs[0], rs[1]
		rn, off, mode, err := in.a64Mem(2, r)
		if err != nil {
			return nil, err
		}
		if off%8 != 0 || !fits(off/8, 7) {
			return nil, in.errorf(in.ops[2][0], "pair offset %d: a multiple of 8 from -512 to 504", off)
		}
		if mn == "ldp" {
			return []uint32{arm64.Ldp(rt, rt2, rn, off, mode)}, nil
		}
		return []uint32{arm64.Stp(rt, rt2, rn, off, mode)}, nil
	case "dmb", "dsb":
		if err := in.arity(1); err != nil {
			return nil, err
		}
		op := in.ops[0]
		opt := map[string]uint32{"ish": arm64.BarrierISH, "ishst": arm64.BarrierISHST, "ishld": arm64.BarrierISHLD, "sy": arm64.BarrierSY}
		crm, ok := opt[op[0].val]
		if len(op) != 1 || !ok {
			return nil, in.errorf(op[0], "expected a barrier option (ish, ishst, ishld, sy), found %q", in.text(0))
		}
		if mn == "dmb" {
			return []uint32{arm64.Dmb(crm)}, nil
		}
		return []uint32{arm64.Dsb(crm)}, nil
	case "brk", "svc", ".word", ".inst":
		// brk and svc carry a 16-bit immediate; .word and .inst are a word.
		bits, what := uint(16), mn+" immediate"
		if mn[0] == '.' {
			bits, what = 32, mn
		}
		v, err := in.onlyValue(r)
		if err != nil {
			return nil, err
		}
		if v>>bits != 0 {
			return nil, in.errorf(in.ops[0][0], "%s %#x does not fit in %d bits", what, v, bits)
		}
		switch mn {
		case "brk":
			return []uint32{arm64.Brk(uint16(v))}, nil
		case "svc":
			return []uint32{arm64.Svc(uint16(v))}, nil
		}
		return []uint32{uint32(v)}, nil
	}
	return nil, in.errorf(in.mn, "unknown instruction %q (known: %s)", mn, in.a.knownMnemonics())
}

// a64Reg reads operand i as a register; sp only where the instruction
// allows it (mov, add, sub), xzr elsewhere.
func (in insn) a64Reg(i int, spOK bool) (int, *Error) {
	op := in.ops[i]
	if len(op) != 1 || op[0].kind != tkIdent {
		return 0, in.errorf(op[0], "expected a register, found %q", in.text(i))
	}
	n, ok := arm64.RegNumber(op[0].val)
	if !ok {
		return 0, in.errorf(op[0], "unknown register %q (x0..x30, fp, lr, sp, xzr)", op[0].val)
	}
	if n == arm64.SP && !spOK {
		return 0, in.errorf(op[0], "%s cannot take sp here", in.mn.val)
	}
	if n == arm64.XZR && spOK {
		return 0, in.errorf(op[0], "%s cannot take xzr here", in.mn.val)
	}
	return n, nil
}

// a64Imm evaluates an immediate; :lo12:EXPR is the low 12 bits of EXPR
// (the add after an adrp).
func (in insn) a64Imm(i int, r resolver) (uint64, *Error) {
	op := in.ops[i]
	if len(op) >= 4 && op[0].val == ":" && op[1].val == "lo12" && op[2].val == ":" {
		sub := insn{a: in.a, l: in.l, mn: in.mn, ops: [][]token{op[3:]}}
		v, err := sub.value(0, r)
		return v & 0xfff, err
	}
	return in.value(i, r)
}

// a64Mem reads [xn], [xn, off], [xn, off]! or the post-indexed
// [xn], off (off is operand i+1).
func (in insn) a64Mem(i int, r resolver) (rn int, off int64, mode int, err *Error) {
	op := in.ops[i]
	n := len(op)
	pre := n > 0 && op[n-1].val == "!"
	if pre {
		n--
	}
	if n < 3 || op[0].val != "[" || op[n-1].val != "]" || op[1].kind != tkIdent {
		return 0, 0, 0, in.errorf(op[0], "expected [xn], [xn, off] or [xn, off]!, found %q", in.text(i))
	}
	rn, ok := arm64.RegNumber(op[1].val)
	if !ok || rn == arm64.XZR {
		return 0, 0, 0, in.errorf(op[1], "expected a base register (x0..x30, fp, lr, sp), found %q", op[1].val)
	}
	mode = arm64.Offset
	if n > 3 {
		if op[2].val != "," || n == 4 {
			return 0, 0, 0, in.errorf(op[2], "expected , off] after the base register")
		}
		sub := insn{a: in.a, l: in.l, mn: in.mn, ops: [][]token{op[3 : n-1]}}
		v, err := sub.value(0, r)
		if err != nil {
			return 0, 0, 0, err
		}
		off = int64(v)
	}
	switch {
	case pre && n == 3:
		return 0, 0, 0, in.errorf(op[0], "pre-index needs an offset: [xn, off]!")
	case pre:
		mode = arm64.Pre
	case i+1 < len(in.ops):
		if n > 3 {
			return 0, 0, 0, in.errorf(in.ops[i+1][0], "an offset both inside and after the brackets")
		}
		v, err := in.value(i+1, r)
		if err != nil {
			return 0, 0, 0, err
		}
		off, mode = int64(v), arm64.Post
	}
	return rn, off, mode, nil
}
