package arm64

import (
	"fmt"
	"strconv"
	"strings"
)

// Register numbers.
const (
	X9  = 9
	FP  = 29
	LR  = 30
	SP  = 31 // in the register file; as an operand, 31 is SP or XZR by instruction
	XZR = 32 // the zero register as an encoder operand (encoded as 31)
)

// RegName names register i (0..31) as kernel assembly does.
func RegName(i int) string {
	switch i {
	case FP:
		return "fp"
	case LR:
		return "lr"
	case SP:
		return "sp"
	case XZR:
		return "xzr"
	}
	return "x" + strconv.Itoa(i)
}

// RegNumber reads a register name: x0..x30, fp, lr, sp, xzr.
func RegNumber(name string) (int, bool) {
	switch name {
	case "fp":
		return FP, true
	case "lr":
		return LR, true
	case "sp":
		return SP, true
	case "xzr":
		return XZR, true
	}
	if len(name) < 2 || len(name) > 3 || name[0] != 'x' || (len(name) == 3 && name[1] == '0') {
		return 0, false
	}
	n, err := strconv.Atoi(name[1:])
	if err != nil || n < 0 || n > 30 {
		return 0, false
	}
	return n, true
}

// field encodes register r into 5 bits; sp and xzr are both 31, which
// one the instruction means is the caller's business.
func field(r int) uint32 {
	if r < 0 || r > XZR {
		panic(fmt.Sprintf("arm64: no register %d", r))
	}
	if r == XZR {
		return 31
	}
	return uint32(r)
}

func mustFit(v int64, bits uint, what string) {
	if v < -(1<<(bits-1)) || v >= 1<<(bits-1) {
		panic(fmt.Sprintf("arm64: %s %d does not fit in %d signed bits", what, v, bits))
	}
}

func mustAlign(v int64, a int64, what string) {
	if v%a != 0 {
		panic(fmt.Sprintf("arm64: %s %d is not a multiple of %d", what, v, a))
	}
}

// Fixed instructions.
const (
	Nop     uint32 = 0xd503201f
	Isb     uint32 = 0xd5033fdf
	Ret     uint32 = 0xd65f03c0 // ret (x30)
	Eret    uint32 = 0xd69f03e0
	Brk0    uint32 = 0xd4200000 // brk #0: the task is finished (ftcheck's harness)
	IcIallu uint32 = 0xd508751f // ic iallu: invalidate this PE's instruction cache
)

// Size is the operand size of an instruction that has a 32-bit (Wn) and
// a 64-bit (Xn) form: the sf bit, bit 31, of the data-processing and
// compare-and-branch encodings (Arm ARM C4.1).
type Size uint32

const (
	W Size = 0
	X Size = 1 << 31
)

// bytes is the access size of a load or store of a register of size sz.
func (sz Size) bytes() int64 {
	if sz == X {
		return 8
	}
	return 4
}

// Barrier domains and types of DMB/DSB (the CRm field).
const (
	BarrierSY    = 0xf
	BarrierISH   = 0xb
	BarrierISHST = 0xa
	BarrierISHLD = 0x9
)

// barrierOptions are the CRm values of every DMB/DSB option (Arm ARM
// C6.2.81, DMB).
var barrierOptions = map[string]uint32{
	"sy": BarrierSY, "st": 0xe, "ld": 0xd, "ish": BarrierISH, "ishst": BarrierISHST, "ishld": BarrierISHLD,
	"nsh": 0x7, "nshst": 0x6, "nshld": 0x5, "osh": 0x3, "oshst": 0x2, "oshld": 0x1,
}

// BarrierOption reads a DMB/DSB option as assemblers write it (ish,
// ISHST, ...) and returns its CRm value.
func BarrierOption(name string) (crm uint32, ok bool) {
	crm, ok = barrierOptions[strings.ToLower(name)]
	return crm, ok
}

// Condition codes of B.cond (Arm ARM C1.2.4).
const (
	CondEQ = 0x0
	CondNE = 0x1
)

// B is b to pc+off; BL is bl.
func B(off int64) uint32  { return branch(0x14000000, off) }
func BL(off int64) uint32 { return branch(0x94000000, off) }

func branch(op uint32, off int64) uint32 {
	mustAlign(off, 4, "branch offset")
	mustFit(off/4, 26, "branch offset/4")
	return op | uint32(off/4)&0x3ffffff
}

// BCond is b.cond to pc+off.
func BCond(cond uint32, off int64) uint32 { return 0x54000000 | imm19(off) | cond&0xf }

// Cbz is cbz rt, pc+off; Cbnz is cbnz.
func Cbz(sz Size, rt int, off int64) uint32  { return uint32(sz) | 0x34000000 | imm19(off) | field(rt) }
func Cbnz(sz Size, rt int, off int64) uint32 { return uint32(sz) | 0x35000000 | imm19(off) | field(rt) }

// imm19 is the word offset of the conditional branches and literal
// loads, in bits 5..23.
func imm19(off int64) uint32 {
	mustAlign(off, 4, "offset")
	mustFit(off/4, 19, "offset/4")
	return (uint32(off/4) & 0x7ffff) << 5
}

// BR, BLR and RET jump to a register.
func BR(rn int) uint32  { return 0xd61f0000 | field(rn)<<5 }
func BLR(rn int) uint32 { return 0xd63f0000 | field(rn)<<5 }
func RET(rn int) uint32 { return 0xd65f0000 | field(rn)<<5 }

// MovReg is mov rd, rm (orr rd, zr, rm); with sp on either side it is
// add xd, xn, #0.
func MovReg(sz Size, rd, rm int) uint32 {
	if rd == SP || rm == SP {
		return AddImm(sz, rd, rm, 0)
	}
	return uint32(sz) | 0x2a0003e0 | field(rm)<<16 | field(rd)
}

// Movz is movz rd, #imm16, lsl #(16*hw).
func Movz(sz Size, rd int, imm uint16, hw int) uint32 {
	if hw < 0 || hw > 3 || sz == W && hw > 1 {
		panic("arm64: movz shift")
	}
	return uint32(sz) | 0x52800000 | uint32(hw)<<21 | uint32(imm)<<5 | field(rd)
}

// AddImm is add rd, rn, #imm (imm 0..4095, or a multiple of 4096 up to
// 4095<<12); SubImm is sub; CmpImm is cmp rn, #imm (subs zr, rn, #imm).
func AddImm(sz Size, rd, rn int, imm int64) uint32 { return addSub(sz, 0x11000000, rd, rn, imm) }
func SubImm(sz Size, rd, rn int, imm int64) uint32 { return addSub(sz, 0x51000000, rd, rn, imm) }
func CmpImm(sz Size, rn int, imm int64) uint32     { return addSub(sz, 0x71000000, XZR, rn, imm) }

func addSub(sz Size, op uint32, rd, rn int, imm int64) uint32 {
	var sh uint32
	if imm > 0xfff && imm&0xfff == 0 {
		imm >>= 12
		sh = 1
	}
	if imm < 0 || imm > 0xfff {
		panic(fmt.Sprintf("arm64: add/sub immediate %d out of range", imm))
	}
	return uint32(sz) | op | sh<<22 | uint32(imm)<<10 | field(rn)<<5 | field(rd)
}

// CmpReg is cmp rn, rm (subs zr, rn, rm).
func CmpReg(sz Size, rn, rm int) uint32 {
	return uint32(sz) | 0x6b00001f | field(rm)<<16 | field(rn)<<5
}

// Adr is adr xd, pc+off; Adrp is adrp xd, page(pc)+pages*4096.
func Adr(rd int, off int64) uint32    { return pcrel(0x10000000, rd, off) }
func Adrp(rd int, pages int64) uint32 { return pcrel(0x90000000, rd, pages) }

func pcrel(op uint32, rd int, imm int64) uint32 {
	mustFit(imm, 21, "adr offset")
	u := uint32(imm) & 0x1fffff
	return op | (u&3)<<29 | (u>>2)<<5 | field(rd)
}

// Memory addressing modes of the load/store encoders.
const (
	Offset = iota // [xn, #off]
	Pre           // [xn, #off]!
	Post          // [xn], #off
)

// Ldr and Str are ldr/str of a register of size sz with an immediate:
// Offset uses the scaled unsigned form (0..4095 times the access size),
// Pre and Post the signed 9-bit form.
func Ldr(sz Size, rt, rn int, off int64, mode int) uint32 {
	return ldst(sz, 0xb8400000, 0xb9400000, rt, rn, off, mode)
}
func Str(sz Size, rt, rn int, off int64, mode int) uint32 {
	return ldst(sz, 0xb8000000, 0xb9000000, rt, rn, off, mode)
}

// ldst encodes the 32-bit forms idx (pre/post-indexed) and uns (unsigned
// offset); the 64-bit forms differ in size bit 30.
func ldst(sz Size, idx, uns uint32, rt, rn int, off int64, mode int) uint32 {
	var size uint32
	if sz == X {
		size = 1 << 30
	}
	if mode == Offset {
		n := sz.bytes()
		if off < 0 || off > n*0xfff || off%n != 0 {
			panic(fmt.Sprintf("arm64: ldr/str offset %d is not 0..%d in steps of %d", off, n*0xfff, n))
		}
		return size | uns | uint32(off/n)<<10 | field(rn)<<5 | field(rt)
	}
	mustFit(off, 9, "ldr/str offset")
	m := uint32(1) // post
	if mode == Pre {
		m = 3
	}
	return size | idx | (uint32(off)&0x1ff)<<12 | m<<10 | field(rn)<<5 | field(rt)
}

// LdrLit is ldr xt, pc+off (a literal).
func LdrLit(rt int, off int64) uint32 { return 0x58000000 | imm19(off) | field(rt) }

// Stp and Ldp are 64-bit register pairs; off is a multiple of 8 in
// -512..504.
func Stp(rt, rt2, rn int, off int64, mode int) uint32 { return pair(0, rt, rt2, rn, off, mode) }
func Ldp(rt, rt2, rn int, off int64, mode int) uint32 { return pair(1, rt, rt2, rn, off, mode) }

func pair(load uint32, rt, rt2, rn int, off int64, mode int) uint32 {
	mustAlign(off, 8, "pair offset")
	mustFit(off/8, 7, "pair offset/8")
	m := map[int]uint32{Post: 1, Offset: 2, Pre: 3}[mode]
	return 0xa8000000 | m<<23 | load<<22 | (uint32(off/8)&0x7f)<<15 | field(rt2)<<10 | field(rn)<<5 | field(rt)
}

// Dmb and Dsb are barriers of a domain and type (BarrierISH, ...).
func Dmb(crm uint32) uint32 { return 0xd50330bf | (crm&0xf)<<8 }
func Dsb(crm uint32) uint32 { return 0xd503309f | (crm&0xf)<<8 }

// DcCvau is dc cvau, xt (clean the data cache line of the address in xt
// to the point of unification); IcIvau is ic ivau, xt (invalidate its
// instruction cache line). Both are SYS instructions.
func DcCvau(rt int) uint32 { return 0xd50b7b20 | field(rt) }
func IcIvau(rt int) uint32 { return 0xd50b7520 | field(rt) }

// Brk and Svc carry a 16-bit immediate.
func Brk(imm uint16) uint32 { return 0xd4200000 | uint32(imm)<<5 }
func Svc(imm uint16) uint32 { return 0xd4000001 | uint32(imm)<<5 }

// Udf is udf #imm16, permanently undefined.
func Udf(imm uint16) uint32 { return uint32(imm) }
