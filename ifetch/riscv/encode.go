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
