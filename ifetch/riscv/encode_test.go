package riscv

import (
	"fmt"
	"testing"

	"golang.org/x/arch/riscv64/riscv64asm"
	"pgregory.net/rapid"

	"github.com/ftcheck/ftcheck/ifetch/internal/isatest"
)

// Every encoder is checked against x/arch's decoder: the decoded opcode,
// registers and immediate must be exactly what was encoded.
func TestEncodersRoundTripThroughXArch(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		rd := rapid.IntRange(0, 31).Draw(t, "rd")
		rs1 := rapid.IntRange(0, 31).Draw(t, "rs1")
		rs2 := rapid.IntRange(0, 31).Draw(t, "rs2")
		imm12 := rapid.Int64Range(-2048, 2047).Draw(t, "imm12")
		imm20 := rapid.Int64Range(-(1<<19), 1<<19-1).Draw(t, "imm20")
		boff := rapid.Int64Range(-2048, 2047).Draw(t, "boff") * 2
		joff := rapid.Int64Range(-(1<<19), 1<<19-1).Draw(t, "joff") * 2
		x := func(r int) riscv64asm.Reg { return riscv64asm.X0 + riscv64asm.Reg(r) }
		simm := func(v int64, width uint8) riscv64asm.Simm {
			return riscv64asm.Simm{Imm: int32(v), Decimal: true, Width: width}
		}
		mem := func(r int, off int64) riscv64asm.RegOffset {
			return riscv64asm.RegOffset{OfsReg: x(r), Ofs: simm(off, 12)}
		}
		want := isatest.Decodes[riscv64asm.Op, riscv64asm.Arg]
		isatest.CheckDecodes(t, decoded, []isatest.Encoded[riscv64asm.Op, riscv64asm.Arg]{
			want(Addi(rd, rs1, imm12), riscv64asm.ADDI, x(rd), x(rs1), simm(imm12, 12)),
			want(Ori(rd, rs1, imm12), riscv64asm.ORI, x(rd), x(rs1), simm(imm12, 12)),
			want(Add(rd, rs1, rs2), riscv64asm.ADD, x(rd), x(rs1), x(rs2)),
			want(Jalr(rd, rs1, imm12), riscv64asm.JALR, x(rd), mem(rs1, imm12)),
			want(Ld(rd, rs1, imm12), riscv64asm.LD, x(rd), mem(rs1, imm12)),
			want(Lw(rd, rs1, imm12), riscv64asm.LW, x(rd), mem(rs1, imm12)),
			want(Sd(rs2, rs1, imm12), riscv64asm.SD, x(rs2), mem(rs1, imm12)),
			want(Sw(rs2, rs1, imm12), riscv64asm.SW, x(rs2), mem(rs1, imm12)),
			want(Beq(rs1, rs2, boff), riscv64asm.BEQ, x(rs1), x(rs2), simm(boff, 13)),
			want(Bne(rs1, rs2, boff), riscv64asm.BNE, x(rs1), x(rs2), simm(boff, 13)),
			want(Auipc(rd, imm20), riscv64asm.AUIPC, x(rd), riscv64asm.Uimm{Imm: uint32(imm20) & 0xfffff}),
			want(Lui(rd, imm20), riscv64asm.LUI, x(rd), riscv64asm.Uimm{Imm: uint32(imm20) & 0xfffff}),
			want(Jal(rd, joff), riscv64asm.JAL, x(rd), simm(joff, 21)),
		})
	})
}

func TestFixedWordsDecode(t *testing.T) {
	for word, want := range map[uint32]string{
		Nop:              "nop",
		Ebreak:           "ebreak",
		FenceI:           "fence.i",
		Fence(3, 3):      "fence rw,rw",
		Fence(1, 1):      "fence w,w",
		Fence(2, 2):      "fence r,r",
		Fence(1, 4):      "fence w,o",
		Jalr(0, RA, 0):   "ret",
		Jalr(T0, T0, 16): "jalr t0,16(t0)",
		Auipc(T0, 1):     "auipc t0,0x1",
		0x000282e7:       "jalr t0,0(t0)", // JALR_T0 from arch/riscv/include/asm/ftrace.h
		0x00000297:       "auipc t0,0x0",  // AUIPC_T0
	} {
		got, err := Disasm(word)
		if err != nil || got != want {
			t.Errorf("%08x: %q, %v; want %q", word, got, err, want)
		}
	}
}

// HiLo must agree with the kernel's to_auipc_t0/to_jalr_t0: auipc adds
// hi<<12, jalr adds the sign-extended low 12 bits.
func TestHiLoMatchesAuipcJalrArithmetic(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		off := rapid.Int64Range(-(1<<31), 1<<31-2049).Draw(t, "off")
		hi, lo := HiLo(off)
		if lo < -2048 || lo > 2047 || hi<<12+lo != off {
			t.Fatalf("HiLo(%d) = %d, %d", off, hi, lo)
		}
	})
}

// fence.tso decodes as a FENCE rw,rw whose fm field exec.go reads.
func TestFenceTSODecodes(t *testing.T) {
	inst, err := decode(FenceTSO)
	if err != nil || inst.Op != riscv64asm.FENCE || inst.Enc>>28 != 8 {
		t.Fatalf("%08x: %v %v (enc %08x)", FenceTSO, inst.Op, err, inst.Enc)
	}
	if got := Fence(3, 3) | 8<<28; got != FenceTSO {
		t.Fatalf("fence.tso = fence rw,rw with fm=1000: %08x", got)
	}
}

func TestRegNumberReadsEveryName(t *testing.T) {
	for i, n := range abiNames {
		if got, ok := RegNumber(n); !ok || got != i {
			t.Errorf("%s: %d %v", n, got, ok)
		}
		if got, ok := RegNumber(fmt.Sprintf("x%d", i)); !ok || got != i {
			t.Errorf("x%d: %d %v", i, got, ok)
		}
	}
	for _, bad := range []string{"x32", "x01", "t7", "", "x", "pc"} {
		if _, ok := RegNumber(bad); ok {
			t.Errorf("%q accepted", bad)
		}
	}
}

// sret is executed by its fixed encoding only because x/arch does not
// decode privileged instructions; this fails when it starts to.
func TestSretIsNotDecodedByXArch(t *testing.T) {
	if inst, err := decode(Sret); err == nil {
		t.Fatalf("x/arch now decodes %08x as %v: decode sret with it", Sret, inst)
	}
	x, ok := privileged(Sret, 0x1000, true)
	if !ok || !x.IntrReturn || x.Disasm != "sret" || x.Fault != "" {
		t.Fatalf("%+v %v", x, ok)
	}
	if _, ok := privileged(Ebreak, 0x1000, true); ok {
		t.Fatal("ebreak taken for a privileged instruction")
	}
}

// decoded is decode as isatest.CheckDecodes reads it.
func decoded(word uint32) (riscv64asm.Op, []riscv64asm.Arg, error) {
	inst, err := decode(word)
	return inst.Op, inst.Args[:], err
}
