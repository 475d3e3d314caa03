package riscv

import "fmt"

// Registers used by the protocols, by ABI name.
const (
	Zero = 0
	RA   = 1
	SP   = 2
	GP   = 3
	T0   = 5
	T1   = 6
	T2   = 7
	S1   = 9
	A0   = 10
	A1   = 11
	A2   = 12
	A3   = 13
)

// golang.org/x/arch only decodes. These encoders build the few RV64
// instructions the protocols need; every one is checked by decoding it in
// encode_test.go.

func rtype(op, f3, f7, rd, rs1, rs2 uint32) uint32 {
	return f7<<25 | rs2<<20 | rs1<<15 | f3<<12 | rd<<7 | op
}

func itype(op, f3, rd, rs1 uint32, imm int64) uint32 {
	mustFit(imm, 12)
	return uint32(imm&0xfff)<<20 | rs1<<15 | f3<<12 | rd<<7 | op
}

func stype(f3, rs1, rs2 uint32, imm int64) uint32 {
	mustFit(imm, 12)
	u := uint32(imm & 0xfff)
	return (u>>5)<<25 | rs2<<20 | rs1<<15 | f3<<12 | (u&0x1f)<<7 | 0x23
}

func btype(f3, rs1, rs2 uint32, off int64) uint32 {
	mustFit(off, 13)
	if off&1 != 0 {
		panic("riscv: odd branch offset")
	}
	u := uint32(off & 0x1fff)
	return (u>>12&1)<<31 | (u>>5&0x3f)<<25 | rs2<<20 | rs1<<15 | f3<<12 | (u>>1&0xf)<<8 | (u>>11&1)<<7 | 0x63
}

func mustFit(v int64, bits uint) {
	if v < -(1<<(bits-1)) || v >= 1<<(bits-1) {
		panic(fmt.Sprintf("riscv: immediate %d does not fit in %d bits", v, bits))
	}
}

// Nop is addi x0, x0, 0 (the kernel's NOP4).
const Nop uint32 = 0x00000013

// Ebreak ends a task in ftcheck's harness (see exec.go).
const Ebreak uint32 = 0x00100073

// FenceI is the local instruction-fetch barrier.
const FenceI uint32 = 0x0000100f

func Addi(rd, rs1 int, imm int64) uint32 { return itype(0x13, 0, uint32(rd), uint32(rs1), imm) }
func Ori(rd, rs1 int, imm int64) uint32  { return itype(0x13, 6, uint32(rd), uint32(rs1), imm) }
func Add(rd, rs1, rs2 int) uint32        { return rtype(0x33, 0, 0, uint32(rd), uint32(rs1), uint32(rs2)) }
func Jalr(rd, rs1 int, imm int64) uint32 { return itype(0x67, 0, uint32(rd), uint32(rs1), imm) }
func Ld(rd, rs1 int, imm int64) uint32   { return itype(0x03, 3, uint32(rd), uint32(rs1), imm) }
func Lw(rd, rs1 int, imm int64) uint32   { return itype(0x03, 2, uint32(rd), uint32(rs1), imm) }
func Sd(rs2, rs1 int, imm int64) uint32  { return stype(3, uint32(rs1), uint32(rs2), imm) }
func Sw(rs2, rs1 int, imm int64) uint32  { return stype(2, uint32(rs1), uint32(rs2), imm) }
func Beq(rs1, rs2 int, off int64) uint32 { return btype(0, uint32(rs1), uint32(rs2), off) }
func Bne(rs1, rs2 int, off int64) uint32 { return btype(1, uint32(rs1), uint32(rs2), off) }

// Auipc: rd = pc + (imm20 << 12).
func Auipc(rd int, imm20 int64) uint32 {
	mustFit(imm20, 20)
	return uint32(imm20&0xfffff)<<12 | uint32(rd)<<7 | 0x17
}

// Lui: rd = imm20 << 12 (sign-extended).
func Lui(rd int, imm20 int64) uint32 {
	mustFit(imm20, 20)
	return uint32(imm20&0xfffff)<<12 | uint32(rd)<<7 | 0x37
}

// Jal: rd = pc + 4; pc += off.
func Jal(rd int, off int64) uint32 {
	mustFit(off, 21)
	if off&1 != 0 {
		panic("riscv: odd jump offset")
	}
	u := uint32(off & 0x1fffff)
	return (u>>20&1)<<31 | (u>>1&0x3ff)<<21 | (u>>11&1)<<20 | (u>>12&0xff)<<12 | uint32(rd)<<7 | 0x6f
}

// Fence encodes fence pred,succ; sets are bit masks i=8 o=4 r=2 w=1.
func Fence(pred, succ uint8) uint32 {
	return uint32(pred&0xf)<<24 | uint32(succ&0xf)<<20 | 0x0f
}

// HiLo splits a pc-relative offset into the auipc and jalr immediates the
// kernel's to_auipc_t0/to_jalr_t0 produce: hi<<12 + sign-extended lo == off.
func HiLo(off int64) (hi, lo int64) {
	lo = off & 0xfff
	if lo >= 0x800 {
		lo -= 0x1000
	}
	hi = (off - lo) >> 12
	return hi, lo
}

// FenceTSO is fence.tso (fm=1000, pred=succ=rw): RVWMO's TSO-style fence,
// ordering everything but earlier stores before later loads.
const FenceTSO uint32 = 0x8330000f

// RegNumber reads a register name as GNU as does: an ABI name (t0, ra,
// zero), fp for s0, or x0..x31.
func RegNumber(name string) (int, bool) {
	for i, n := range abiNames {
		if n == name {
			return i, true
		}
	}
	if name == "fp" {
		return 8, true
	}
	if len(name) >= 2 && len(name) <= 3 && name[0] == 'x' {
		n := 0
		for _, c := range name[1:] {
			if c < '0' || c > '9' {
				return 0, false
			}
			n = n*10 + int(c-'0')
		}
		if n < 32 && (name[1] != '0' || len(name) == 2) {
			return n, true
		}
	}
	return 0, false
}

// Compressed instructions (the C extension, RISC-V unprivileged ISA,
// "Compressed Instructions"): 16-bit encodings of common 32-bit ones,
// which kernel text built with CONFIG_RISCV_ISA_C is full of. Each
// encoder takes the operands of the instruction as written (c.addi a0, 1
// is CAddi(A0, 1)) and panics on operands the encoding cannot hold or
// reserves (rd = x0, a zero immediate where it must not be). x/arch's
// riscv64asm decodes them, to the 32-bit instruction each one expands to
// (c.addi a0, 1 decodes as ADDI a0, a0, 1 with Inst.Len 2); encode_test.go
// checks every encoder against that.

// CNop is c.nop (addi x0, x0, 0).
const CNop uint16 = 0x0001

// CEbreak is c.ebreak.
const CEbreak uint16 = 0x9002

func cReg(r int, what string) uint16 {
	if r <= 0 || r > 31 {
		panic(fmt.Sprintf("riscv: %s: register x%d is reserved here (x1..x31)", what, r))
	}
	return uint16(r)
}

// ci is the CI format: funct3 imm[5] rd/rs1 imm[4:0] op.
func ci(f3 uint16, rd uint16, imm int64, op uint16) uint16 {
	mustFit(imm, 6)
	u := uint16(imm & 0x3f)
	return f3<<13 | (u>>5&1)<<12 | rd<<7 | (u&0x1f)<<2 | op
}

// CAddi is c.addi rd, imm: rd += imm (imm a nonzero 6-bit signed value).
func CAddi(rd int, imm int64) uint16 {
	if imm == 0 {
		panic("riscv: c.addi with a zero immediate is a hint")
	}
	return ci(0, cReg(rd, "c.addi"), imm, 1)
}

// CLi is c.li rd, imm: rd = imm (6-bit signed).
func CLi(rd int, imm int64) uint16 { return ci(2, cReg(rd, "c.li"), imm, 1) }

// CMv is c.mv rd, rs2 (add rd, x0, rs2).
func CMv(rd, rs2 int) uint16 {
	return 0x8002 | cReg(rd, "c.mv")<<7 | cReg(rs2, "c.mv")<<2
}

// CAdd is c.add rd, rs2 (add rd, rd, rs2).
func CAdd(rd, rs2 int) uint16 {
	return 0x9002 | cReg(rd, "c.add")<<7 | cReg(rs2, "c.add")<<2
}

// CJr is c.jr rs1 (jalr x0, 0(rs1)); c.jr ra is the compressed ret.
func CJr(rs1 int) uint16 { return 0x8002 | cReg(rs1, "c.jr")<<7 }

// CJalr is c.jalr rs1 (jalr ra, 0(rs1)): the link is pc+2.
func CJalr(rs1 int) uint16 { return 0x9002 | cReg(rs1, "c.jalr")<<7 }

// CJ is c.j off (jal x0, off): off even, -2048..2046.
func CJ(off int64) uint16 {
	mustFit(off, 12)
	if off&1 != 0 {
		panic("riscv: odd jump offset")
	}
	u := uint16(off & 0xfff)
	b := func(i uint) uint16 { return u >> i & 1 }
	return 0xa001 | b(11)<<12 | b(4)<<11 | (u>>8&3)<<9 | b(10)<<8 | b(6)<<7 | b(7)<<6 | (u>>1&7)<<3 | b(5)<<2
}

func spOffset(off int64) uint16 {
	if off < 0 || off > 504 || off&7 != 0 {
		panic(fmt.Sprintf("riscv: stack offset %d is not a multiple of 8 in 0..504", off))
	}
	return uint16(off)
}

// CLdsp is c.ldsp rd, off(sp) (ld rd, off(sp)): off a multiple of 8, 0..504.
func CLdsp(rd int, off int64) uint16 {
	u := spOffset(off)
	return 0x6002 | (u>>5&1)<<12 | cReg(rd, "c.ldsp")<<7 | (u>>3&3)<<5 | (u>>6&7)<<2
}

// CSdsp is c.sdsp rs2, off(sp) (sd rs2, off(sp)): off a multiple of 8, 0..504.
func CSdsp(rs2 int, off int64) uint16 {
	if rs2 < 0 || rs2 > 31 {
		panic(fmt.Sprintf("riscv: c.sdsp: register x%d", rs2))
	}
	u := spOffset(off)
	return 0xe002 | (u>>3&7)<<10 | (u>>6&7)<<7 | uint16(rs2)<<2
}

// Compressed reports whether the 16-bit parcel h starts a compressed
// instruction (its low two bits are not 11): a 32-bit instruction's
// first parcel always ends in 11.
func Compressed(h uint16) bool { return h&3 != 3 }

// CStores reports whether the compressed instruction h writes memory
// (c.sw, c.sd, c.fsd in quadrant 0; c.swsp, c.sdsp, c.fsdsp in quadrant 2).
func CStores(h uint16) bool {
	q, f3 := h&3, h>>13
	return (q == 0 || q == 2) && f3 >= 5
}
