package x86

import "encoding/binary"

// Encoders for the subset the scenarios assemble (golang.org/x/arch has
// decoders only). Registers are numbered as in the ModRM encoding: rax 0,
// rcx 1, rdx 2, rbx 3, rsp 4, rbp 5, rsi 6, rdi 7, r8..r15 8..15. Every
// encoder is checked by decoding its output with x86asm in
// encode_test.go.

// The nops of include/asm/nops.h. K8_NOP5 (2008 x86_64's ASM_NOP5) is
// two instructions, K8_NOP3 then K8_NOP2: the "two-part nop" of R-1.
// P6_NOP5 (nopl 0x0(%rax,%rax,1)) is one: the fix, 732f3ca7d4ba.
var (
	Nop    = []byte{0x90}
	K8Nop2 = []byte{0x66, 0x90}
	K8Nop3 = []byte{0x66, 0x66, 0x90}
	P6Nop5 = []byte{0x0f, 0x1f, 0x44, 0x00, 0x00}
	Int3   = []byte{0xcc}
	Ret    = []byte{0xc3}
	Hlt    = []byte{0xf4}
	Iretq  = []byte{0x48, 0xcf}
	Cpuid  = []byte{0x0f, 0xa2}
	Mfence = []byte{0x0f, 0xae, 0xf0}
)

// Condition codes of Jcc the subset knows.
const (
	CondE  = 0x4 // je/jz
	CondNE = 0x5 // jne/jnz
)

func rel32(op []byte, rel int32) []byte {
	return binary.LittleEndian.AppendUint32(append([]byte(nil), op...), uint32(rel))
}

// Call is call rel32 (e8): rel counts from the end of the 5 bytes.
func Call(rel int32) []byte { return rel32([]byte{0xe8}, rel) }

// Jmp is jmp rel32 (e9).
func Jmp(rel int32) []byte { return rel32([]byte{0xe9}, rel) }

// Jmp8 is jmp rel8 (eb).
func Jmp8(rel int8) []byte { return []byte{0xeb, byte(rel)} }

// Jcc is jcc rel32 (0f 8x).
func Jcc(cond byte, rel int32) []byte { return rel32([]byte{0x0f, 0x80 | cond}, rel) }

// Jcc8 is jcc rel8 (7x).
func Jcc8(cond byte, rel int8) []byte { return []byte{0x70 | cond, byte(rel)} }

// Mem is a memory operand disp(base); Base -1 is an absolute disp32.
// Wide asks for a 32-bit displacement even where a shorter one would do
// (an assembler that must know the length before it knows the value).
type Mem struct {
	Base int
	Disp int32
	Wide bool
}

// rexW is the REX prefix of a 64-bit operation with reg (ModRM.reg) and
// base (ModRM.rm or SIB.base).
func rexW(reg, base int) byte { return 0x48 | byte(reg>>3)<<2 | byte(base>>3&1) }

// modrm encodes ModRM (and SIB, displacement) for reg and m.
func modrm(reg int, m Mem) []byte {
	r := byte(reg&7) << 3
	if m.Base < 0 { // absolute: SIB with no base and no index, disp32
		return binary.LittleEndian.AppendUint32([]byte{r | 4, 0x25}, uint32(m.Disp))
	}
	b := byte(m.Base & 7)
	var out []byte
	var mod byte
	switch {
	case m.Wide:
		mod = 2
	case m.Disp == 0 && b != 5: // rbp/r13 have no mod 00 form
		mod = 0
	case m.Disp >= -128 && m.Disp < 128:
		mod = 1
	default:
		mod = 2
	}
	out = append(out, mod<<6|r|b)
	if b == 4 { // rsp/r12 need a SIB byte
		out = append(out, 0x24)
	}
	switch mod {
	case 1:
		out = append(out, byte(m.Disp))
	case 2:
		out = binary.LittleEndian.AppendUint32(out, uint32(m.Disp))
	}
	return out
}

func base(m Mem) int {
	if m.Base < 0 {
		return 0
	}
	return m.Base
}

// MovImm is movq $imm, %r (REX.W c7 /0: imm32 sign-extended).
func MovImm(r int, imm int32) []byte {
	return binary.LittleEndian.AppendUint32([]byte{rexW(0, r), 0xc7, 0xc0 | byte(r&7)}, uint32(imm))
}

// Movabs is movabsq $imm64, %r (REX.W b8+r).
func Movabs(r int, imm uint64) []byte {
	return binary.LittleEndian.AppendUint64([]byte{rexW(0, r), 0xb8 | byte(r&7)}, imm)
}

// Load is movq m, %r (REX.W 8b /r).
func Load(r int, m Mem) []byte { return append([]byte{rexW(r, base(m)), 0x8b}, modrm(r, m)...) }

// Store is movq %r, m (REX.W 89 /r).
func Store(m Mem, r int) []byte { return append([]byte{rexW(r, base(m)), 0x89}, modrm(r, m)...) }

// StoreImm is movq $imm, m (REX.W c7 /0, imm32 sign-extended).
func StoreImm(m Mem, imm int32) []byte {
	return binary.LittleEndian.AppendUint32(append([]byte{rexW(0, base(m)), 0xc7}, modrm(0, m)...), uint32(imm))
}

// Arithmetic with an immediate: REX.W 81 /ext id.
const (
	extAdd = 0
	extSub = 5
	extCmp = 7
)

func arithImm(ext, r int, imm int32) []byte {
	return binary.LittleEndian.AppendUint32([]byte{rexW(0, r), 0x81, 0xc0 | byte(ext)<<3 | byte(r&7)}, uint32(imm))
}

// AddImm is addq $imm, %r.
func AddImm(r int, imm int32) []byte { return arithImm(extAdd, r, imm) }

// SubImm is subq $imm, %r.
func SubImm(r int, imm int32) []byte { return arithImm(extSub, r, imm) }

// CmpImm is cmpq $imm, %r.
func CmpImm(r int, imm int32) []byte { return arithImm(extCmp, r, imm) }

// Test is testq %a, %b (REX.W 85 /r: ModRM.reg = a, rm = b).
func Test(a, b int) []byte {
	return []byte{rexW(a, b), 0x85, 0xc0 | byte(a&7)<<3 | byte(b&7)}
}

// Sub is subq %a, %b (REX.W 29 /r: b -= a).
func Sub(a, b int) []byte {
	return []byte{rexW(a, b), 0x29, 0xc0 | byte(a&7)<<3 | byte(b&7)}
}

// Cmp is cmpq %a, %b (REX.W 39 /r: b - a).
func Cmp(a, b int) []byte {
	return []byte{rexW(a, b), 0x39, 0xc0 | byte(a&7)<<3 | byte(b&7)}
}

func opt41(r int, op byte) []byte {
	if r >= 8 {
		return []byte{0x41, op | byte(r&7)}
	}
	return []byte{op | byte(r)}
}

// Push is pushq %r; Pop is popq %r.
func Push(r int) []byte { return opt41(r, 0x50) }
func Pop(r int) []byte  { return opt41(r, 0x58) }

// CallReg is call *%r (ff /2); JmpReg is jmp *%r (ff /4).
func CallReg(r int) []byte { return regFF(2, r) }
func JmpReg(r int) []byte  { return regFF(4, r) }

func regFF(ext byte, r int) []byte {
	m := []byte{0xff, 0xc0 | ext<<3 | byte(r&7)}
	if r >= 8 {
		return append([]byte{0x41}, m...)
	}
	return m
}

// LockInc is lock incq m; LockDec is lock decq m (f0 REX.W ff /0, /1).
func LockInc(m Mem) []byte { return append([]byte{0xf0, rexW(0, base(m)), 0xff}, modrm(0, m)...) }
func LockDec(m Mem) []byte { return append([]byte{0xf0, rexW(0, base(m)), 0xff}, modrm(1, m)...) }

// rexOpt is the REX prefix of a 32- or 8-bit operation with reg and base,
// or nothing when none is needed. An 8-bit reg numbered 4..7 is spl, bpl,
// sil, dil only with a REX prefix (without one it would be ah..bh).
func rexOpt(reg, base int, byteReg bool) []byte {
	rex := byte(0x40) | byte(reg>>3)<<2 | byte(base>>3&1)
	if rex != 0x40 || byteReg && reg >= 4 && reg < 8 {
		return []byte{rex}
	}
	return nil
}

func sized(op byte, reg int, m Mem, byteReg bool) []byte {
	out := append(rexOpt(reg, base(m), byteReg), op)
	return append(out, modrm(reg, m)...)
}

// LoadL is movl m, %r32 (8b /r: zero-extends into the 64-bit register).
func LoadL(r int, m Mem) []byte { return sized(0x8b, r, m, false) }

// StoreL is movl %r32, m (89 /r).
func StoreL(m Mem, r int) []byte { return sized(0x89, r, m, false) }

// LoadB is movb m, %r8 (8a /r: only the low byte changes).
func LoadB(r int, m Mem) []byte { return sized(0x8a, r, m, true) }

// StoreB is movb %r8, m (88 /r).
func StoreB(m Mem, r int) []byte { return sized(0x88, r, m, true) }

// MovReg is movq %src, %dst (REX.W 89 /r, ModRM mod 11).
func MovReg(src, dst int) []byte {
	return []byte{rexW(src, dst), 0x89, 0xc0 | byte(src&7)<<3 | byte(dst&7)}
}

// LockCmpxchg is lock cmpxchgq %r, m (f0 REX.W 0f b1 /r): the loop of
// atomic_inc_not_zero (try_cmpxchg).
func LockCmpxchg(m Mem, r int) []byte {
	return append([]byte{0xf0, rexW(r, base(m)), 0x0f, 0xb1}, modrm(r, m)...)
}

// LockXadd is lock xaddq %r, m (f0 REX.W 0f c1 /r): atomic_inc_return.
func LockXadd(m Mem, r int) []byte {
	return append([]byte{0xf0, rexW(r, base(m)), 0x0f, 0xc1}, modrm(r, m)...)
}
