package arm64

import (
	"testing"

	"github.com/ftcheck/ftcheck/ifetch/internal/isatest"
	"github.com/ftcheck/ftcheck/model"
)

// run executes the one word w at the PC.
func run(t *testing.T, c *isatest.CPU, w uint32) model.Exec {
	t.Helper()
	x := c.Words(c.Pc, w).Step(ISA{})
	if x.Fault != "" {
		t.Fatalf("%s: %s", Disasm(w), x.Fault)
	}
	return x
}

func newCPU() *isatest.CPU { return isatest.New(0x1000) }

func TestCallsAndReturns(t *testing.T) {
	c := newCPU()
	c.Regs[LR] = 0x5000
	run(t, c, MovReg(X, X9, LR))
	if c.Regs[X9] != 0x5000 {
		t.Fatalf("mov x9, lr: %#x", c.Regs[X9])
	}
	x := run(t, c, BL(0x100))
	if !x.Call || x.ReturnAddr != 0x1008 || c.Regs[LR] != 0x1008 || c.Pc != 0x1104 {
		t.Fatalf("bl: %+v lr=%#x pc=%#x", x, c.Regs[LR], c.Pc)
	}
	x = run(t, c, RET(X9))
	if !x.Return || !x.Jump || c.Pc != 0x5000 {
		t.Fatalf("ret x9: %+v pc=%#x", x, c.Pc)
	}
	c.Regs[1] = 0x2000
	x = run(t, c, BLR(1))
	if !x.Call || c.Pc != 0x2000 || c.Regs[LR] != 0x5004 {
		t.Fatalf("blr: %+v", x)
	}
	x = run(t, c, BR(1))
	if x.Call || x.Return || !x.Jump {
		t.Fatalf("br is neither call nor return: %+v", x)
	}
	x = run(t, c, B(-8))
	if c.Pc != 0x2000-8 || x.Call {
		t.Fatalf("b: pc=%#x", c.Pc)
	}
}

func TestArithmeticAndAddresses(t *testing.T) {
	c := newCPU()
	c.Regs[SP] = 0x9000
	run(t, c, SubImm(X, SP, SP, 48))
	run(t, c, AddImm(X, X9, SP, 16))
	run(t, c, Movz(X, 0, 0x5, 1))
	run(t, c, AddImm(X, 1, 0, 0x1000))
	if c.Regs[SP] != 0x9000-48 || c.Regs[X9] != 0x9000-32 || c.Regs[0] != 0x50000 || c.Regs[1] != 0x51000 {
		t.Fatalf("sp=%#x x9=%#x x0=%#x x1=%#x", c.Regs[SP], c.Regs[X9], c.Regs[0], c.Regs[1])
	}
	c.Pc = 0x1234
	run(t, c, Adr(2, -0x34))
	run(t, c, Adrp(3, 2))
	if c.Regs[2] != 0x1200 || c.Regs[3] != 0x3000 {
		t.Fatalf("adr %#x adrp %#x", c.Regs[2], c.Regs[3])
	}
	run(t, c, MovReg(X, 4, SP)) // mov x4, sp is add x4, sp, #0
	if c.Regs[4] != c.Regs[SP] {
		t.Fatalf("mov x4, sp: %#x", c.Regs[4])
	}
}

func TestLoadsStoresAndPairs(t *testing.T) {
	c := newCPU()
	c.Regs[SP] = 0x9000
	c.Regs[FP], c.Regs[X9] = 0x1111, 0x2222
	run(t, c, Stp(FP, X9, SP, -16, Pre))
	if c.Regs[SP] != 0x9000-16 || c.Mem[0x9000-16] != 0x1111 || c.Mem[0x9000-8] != 0x2222 {
		t.Fatalf("stp pre: sp=%#x mem=%v", c.Regs[SP], c.Mem)
	}
	run(t, c, Str(X, LR, SP, 8, Offset))
	run(t, c, Ldr(X, 5, SP, 0, Offset))
	if c.Regs[5] != 0x1111 || c.Regs[SP] != 0x9000-16 {
		t.Fatalf("ldr offset: %#x", c.Regs[5])
	}
	run(t, c, Ldp(6, 7, SP, 16, Post))
	if c.Regs[6] != 0x1111 || c.Regs[7] != 0 || c.Regs[SP] != 0x9000 {
		t.Fatalf("ldp post: %#x %#x sp=%#x", c.Regs[6], c.Regs[7], c.Regs[SP])
	}
	run(t, c, Str(X, X9, SP, -16, Pre))
	run(t, c, Ldr(X, 8, SP, 16, Post))
	if c.Regs[8] != 0x2222 || c.Regs[SP] != 0x9000 {
		t.Fatalf("str pre / ldr post: %#x sp=%#x", c.Regs[8], c.Regs[SP])
	}
	c.Pc = 0x1000
	c.Mem[0x1010] = 0xfeed
	run(t, c, LdrLit(10, 0x10))
	if c.Regs[10] != 0xfeed {
		t.Fatalf("ldr literal: %#x", c.Regs[10])
	}
}

func TestBarriersAndEnd(t *testing.T) {
	c := newCPU()
	run(t, c, Dmb(BarrierISHST))
	run(t, c, Dmb(BarrierISH))
	run(t, c, Dsb(BarrierISH))
	if len(c.Fences) != 3 || c.Fences[0] != model.FenceWW || c.Fences[1] != model.FenceRWRW {
		t.Fatalf("fences %v", c.Fences)
	}
	run(t, c, Isb)
	if !c.Synced {
		t.Fatal("isb did not synchronise fetch")
	}
	if x := run(t, c, Brk0); !x.Halt {
		t.Fatal("brk #0 does not end the task")
	}
}

func TestFaults(t *testing.T) {
	for w, bad := range map[uint32]bool{0: true, Brk(1): false, Svc(0): false} {
		c := newCPU()
		c.Text[c.Pc] = w
		x := ISA{}.Step(c)
		if x.Fault == "" || (x.BadFetch != "") != bad {
			t.Errorf("%s: fault %q, bad fetch %q", Disasm(w), x.Fault, x.BadFetch)
		}
	}
	c := newCPU()
	if x := (ISA{}).Step(c); x.Fault == "" {
		t.Error("no text: no fault")
	}
}

// x30 and x29 print as lr and fp, but an immediate holding the digits
// x30 (0x300) stays a number.
func TestDisasmRenamesRegistersNotNumbers(t *testing.T) {
	for word, want := range map[uint32]string{
		0x140000c0: "b .+0x300",
		0xd65f03c0: "ret",
		0xd63f03c0: "blr lr",
		0xaa1e03e9: "mov x9, lr",
		0x910003fd: "mov fp, sp",
	} {
		if got := Disasm(word); got != want {
			t.Errorf("Disasm(%#08x) = %q, want %q", word, got, want)
		}
	}
}

// The CALL_OPS ftrace_caller's way to its ops literal (callops.go):
// bti c; bic x11, x30, 0x7; ldr x11, [x11, #-16].
func TestCallOpsLiteralLoad(t *testing.T) {
	c := newCPU()
	c.Regs[LR] = 0x1114 // after the BL at f+8, behind a bti c at f
	c.Mem[0x1100] = 0x8040
	if x := run(t, c, BtiC); x.NextPC != 0x1004 {
		t.Fatalf("bti c: next pc %#x", x.NextPC)
	}
	bic, _ := AndImm(11, LR, ^uint64(7))
	run(t, c, bic)
	if c.Regs[11] != 0x1110 {
		t.Fatalf("bic: %#x", c.Regs[11])
	}
	run(t, c, Ldur(11, 11, -16))
	if c.Regs[11] != 0x8040 {
		t.Fatalf("ldur: %#x", c.Regs[11])
	}
	c.Text[c.Pc] = 0xd503201f | 0x7f<<5 // hint #0x7f: no BTI
	if x := (ISA{}).Step(c); x.Fault == "" {
		t.Fatal("hint #0x7f executed")
	}
}
