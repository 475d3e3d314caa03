package riscv

import (
	"encoding/binary"
	"testing"

	"github.com/ftcheck/ftcheck/ifetch/internal/isatest"
	"github.com/ftcheck/ftcheck/model"
)

// run runs words from 0x100 over a memory holding 0xffffffff_80000001 at 0x800.
func run(t *testing.T, words ...uint32) (*isatest.CPU, []model.Exec) {
	return isatest.RunWords(t, ISA{}, map[uint64]uint64{0x800: 0xffffffff_80000001}, words...)
}

func TestExecutesTheSubset(t *testing.T) {
	c, xs := run(t,
		Lui(T0, 0x1),        // t0 = 0x1000
		Ori(T0, T0, 0x23),   // t0 = 0x1023
		Addi(A0, Zero, -16), // a0 = -16
		Add(A1, T0, A0),     // a1 = 0x1013
		Addi(GP, Zero, 0x7f0),
		Ld(A2, GP, 0x10), // a2 = mem[0x800] (8 bytes)
		Lw(A3, GP, 0x10), // a3 = sign-extended low word
		Sd(A1, GP, 0x18), // mem[0x808] = a1
		Sw(A1, GP, 0x20), // mem[0x810] = low word of a1
		Fence(1, 1),      // fence w,w
		FenceI,           // fence.i
		Beq(A0, A1, 8),   // not taken
		Bne(A0, A1, 8),   // taken: skip the next word
		Jal(Zero, 0x100), // skipped
		Auipc(T1, 0),     // t1 = pc
		Jalr(RA, T1, 12), // ra = pc+4, jump over the next word to the ebreak
		Nop,              // skipped
		Ebreak)
	want := map[int]uint64{T0: 0x1023, A0: ^uint64(15), A1: 0x1013, A2: 0xffffffff_80000001, A3: 0xffffffff_80000001, T1: 0x138, RA: 0x140}
	for r, v := range want {
		if c.Regs[r] != v {
			t.Errorf("%s = %#x, want %#x", abiNames[r], c.Regs[r], v)
		}
	}
	if c.Mem[0x808] != 0x1013 || c.Mem[0x810] != 0x1013 {
		t.Errorf("stores: %#x %#x", c.Mem[0x808], c.Mem[0x810])
	}
	if len(c.Fences) != 1 || c.Fences[0] != model.FenceWW || !c.Synced {
		t.Errorf("fences %v, fence.i %v", c.Fences, c.Synced)
	}
	if last := xs[len(xs)-1]; !last.Halt || last.Disasm != "ebreak" {
		t.Errorf("last step %+v", last)
	}
	if len(xs) != 16 {
		t.Errorf("%d steps, want 16 (two words skipped)", len(xs))
	}
}

func TestFaults(t *testing.T) {
	_, xs := run(t, 0xffffffff) // not an instruction
	if xs[0].Fault == "" {
		t.Error("an illegal word must fault")
	}
	_, xs = run(t, Jal(Zero, 0x400)) // jump out of the text
	if xs[len(xs)-1].Fault == "" {
		t.Error("fetching outside the text must fault")
	}
}

// Calls and returns are marked by the link registers (ra, t0; the text
// starts at 0x100): the
// lost-return check's shadow stack follows them.
func TestCallsAndReturnsAreMarked(t *testing.T) {
	_, xs := run(t,
		Jal(RA, 8),        // 0x100: call 0x108, links 0x104
		Ebreak,            // 0x104
		Jalr(T0, RA, 12),  // 0x108: call 0x110 through t0, links 0x10c
		Nop,               // 0x10c (not reached)
		Jalr(Zero, RA, 0), // 0x110: ret, back to 0x104
	)
	if len(xs) != 4 {
		t.Fatalf("%d steps", len(xs))
	}
	if !xs[0].Call || xs[0].ReturnAddr != 0x104 || xs[0].Return {
		t.Errorf("jal ra: %+v", xs[0])
	}
	if !xs[1].Call || xs[1].ReturnAddr != 0x10c {
		t.Errorf("jalr t0: %+v", xs[1])
	}
	if !xs[2].Return || xs[2].Call || xs[2].NextPC != 0x104 {
		t.Errorf("ret: %+v", xs[2])
	}
	if xs[3].Call || xs[3].Return || !xs[3].Halt {
		t.Errorf("ebreak: %+v", xs[3])
	}
}

// parcels lays out instructions of 2 or 4 bytes (a uint16 or a uint32
// each) from 0x100 as the 4-byte fetch units the CPU reads.
func parcels(insns ...any) *isatest.CPU {
	var b []byte
	for _, in := range insns {
		switch v := in.(type) {
		case uint16:
			b = binary.LittleEndian.AppendUint16(b, v)
		case uint32:
			b = binary.LittleEndian.AppendUint32(b, v)
		}
	}
	for len(b)%4 != 0 {
		b = append(b, 0)
	}
	c := isatest.New(0x100)
	for i := 0; i < len(b); i += 4 {
		c.Text[0x100+uint64(i)] = binary.LittleEndian.Uint32(b[i:])
	}
	return c
}

// Compressed instructions are 2 bytes long; a 32-bit instruction at an
// address ≡ 2 (mod 4) is fetched from two units.
func TestCompressedAndStraddlingInstructions(t *testing.T) {
	c := parcels(
		CLi(A0, 5),      // 0x100: a0 = 5
		Addi(A1, A0, 1), // 0x102: straddles 0x100 and 0x104: a1 = 6
		CMv(A2, A1),     // 0x106: a2 = 6
		CAddi(A2, -2),   // 0x108: a2 = 4
		Auipc(T1, 0),    // 0x10a: t1 = 0x10a (straddles)
		CAddi(T1, 10),   // 0x10e: t1 = 0x114
		CJalr(T1),       // 0x110: ra = 0x112, jump to 0x114
		CNop,            // 0x112 (skipped)
		CJ(4),           // 0x114: jump to 0x118
		CNop,            // 0x116 (skipped)
		Ebreak,          // 0x118
	)
	xs := c.Run(t, ISA{})
	if c.Regs[A0] != 5 || c.Regs[A1] != 6 || c.Regs[A2] != 4 || c.Regs[T1] != 0x114 || c.Regs[RA] != 0x112 {
		t.Errorf("a0 %#x a1 %#x a2 %#x t1 %#x ra %#x", c.Regs[A0], c.Regs[A1], c.Regs[A2], c.Regs[T1], c.Regs[RA])
	}
	next := []uint64{0x102, 0x106, 0x108, 0x10a, 0x10e, 0x110, 0x114, 0x118, 0x11c}
	if len(xs) != len(next) {
		t.Fatalf("%d steps, want %d", len(xs), len(next))
	}
	for i, x := range xs {
		if x.NextPC != next[i] || x.Fault != "" {
			t.Errorf("step %d (%s): next %#x, want %#x; fault %q", i, x.Disasm, x.NextPC, next[i], x.Fault)
		}
	}
	if xs[1].Word != Addi(A1, A0, 1) || len(xs[1].Bytes) != 4 || xs[0].Bytes != nil || xs[0].Word != uint32(CLi(A0, 5)) {
		t.Errorf("straddling fetch %+v; compressed fetch %+v", xs[1], xs[0])
	}
	if !xs[6].Call || xs[6].ReturnAddr != 0x112 {
		t.Errorf("c.jalr t1: %+v", xs[6])
	}
	if c.Fetches != 11 { // one unit per instruction, two for each straddling one
		t.Errorf("%d fetches, want 11", c.Fetches)
	}
}

// A straddling instruction's two halves are fetched as they are: halves
// of two different words give an instruction neither word holds. The new
// jalr t0, 640(t0)'s first half with the old nop's second is jalr t0,
// 0(ra) (rs1's low bit is in the first half): a jump to the caller.
func TestStraddlingHalvesComeFromTheirOwnUnits(t *testing.T) {
	jalr, nop := Jalr(T0, T0, 640), Nop
	c := isatest.New(0x102)
	c.Text[0x100] = uint32(CNop) | jalr<<16    // new low half of the jalr
	c.Text[0x104] = nop>>16 | uint32(CNop)<<16 // old high half (of the nop)
	x := c.Step(ISA{})
	if x.Word != jalr&0xffff|nop&0xffff0000 || x.Disasm != "jalr t0,0(ra)" {
		t.Fatalf("%08x %q", x.Word, x.Disasm)
	}
	c = isatest.New(0x102)
	c.Text[0x100] = uint32(CNop) | Addi(A0, Zero, 1)<<16
	x = c.Step(ISA{})
	if x.Fault == "" {
		t.Fatalf("a straddling instruction without its second unit: %+v", x)
	}
	c = isatest.New(0x101)
	c.Text[0x100] = Nop
	if x := c.Step(ISA{}); x.Fault == "" {
		t.Fatalf("an odd pc: %+v", x)
	}
}
