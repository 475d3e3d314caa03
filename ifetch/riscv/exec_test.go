package riscv

import (
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
