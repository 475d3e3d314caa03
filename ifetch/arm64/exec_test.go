package arm64

import (
	"testing"

	"github.com/ftcheck/ftcheck/model"
)

// cpu is a one-hart machine: a text map, a flat memory, registers.
type cpu struct {
	pc     uint64
	regs   [32]uint64
	text   map[uint64]uint32
	mem    map[uint64]uint64
	fences []model.FenceKind
	synced bool
}

func (c *cpu) Hart() int                       { return 0 }
func (c *cpu) PC() uint64                      { return c.pc }
func (c *cpu) Reg(i int) uint64                { return c.regs[i] }
func (c *cpu) SetReg(i int, v uint64)          { c.regs[i] = v }
func (c *cpu) Load(a uint64, _ int) uint64     { return c.mem[a] }
func (c *cpu) Store(a uint64, _ int, v uint64) { c.mem[a] = v }
func (c *cpu) Fence(k model.FenceKind)         { c.fences = append(c.fences, k) }
func (c *cpu) SyncFetch()                      { c.synced = true }
func (c *cpu) Tracing() bool                   { return true }
func (c *cpu) FetchWord(a uint64) (uint32, bool) {
	w, ok := c.text[a]
	return w, ok
}

func run(t *testing.T, c *cpu, w uint32) model.Exec {
	t.Helper()
	c.text[c.pc] = w
	x := ISA{}.Step(c)
	if x.Fault != "" {
		t.Fatalf("%s: %s", Disasm(w), x.Fault)
	}
	c.pc = x.NextPC
	return x
}

func newCPU() *cpu { return &cpu{pc: 0x1000, text: map[uint64]uint32{}, mem: map[uint64]uint64{}} }

func TestCallsAndReturns(t *testing.T) {
	c := newCPU()
	c.regs[LR] = 0x5000
	run(t, c, MovReg(X, X9, LR))
	if c.regs[X9] != 0x5000 {
		t.Fatalf("mov x9, lr: %#x", c.regs[X9])
	}
	x := run(t, c, BL(0x100))
	if !x.Call || x.ReturnAddr != 0x1008 || c.regs[LR] != 0x1008 || c.pc != 0x1104 {
		t.Fatalf("bl: %+v lr=%#x pc=%#x", x, c.regs[LR], c.pc)
	}
	x = run(t, c, RET(X9))
	if !x.Return || !x.Jump || c.pc != 0x5000 {
		t.Fatalf("ret x9: %+v pc=%#x", x, c.pc)
	}
	c.regs[1] = 0x2000
	x = run(t, c, BLR(1))
	if !x.Call || c.pc != 0x2000 || c.regs[LR] != 0x5004 {
		t.Fatalf("blr: %+v", x)
	}
	x = run(t, c, BR(1))
	if x.Call || x.Return || !x.Jump {
		t.Fatalf("br is neither call nor return: %+v", x)
	}
	x = run(t, c, B(-8))
	if c.pc != 0x2000-8 || x.Call {
		t.Fatalf("b: pc=%#x", c.pc)
	}
}

func TestArithmeticAndAddresses(t *testing.T) {
	c := newCPU()
	c.regs[SP] = 0x9000
	run(t, c, SubImm(X, SP, SP, 48))
	run(t, c, AddImm(X, X9, SP, 16))
	run(t, c, Movz(X, 0, 0x5, 1))
	run(t, c, AddImm(X, 1, 0, 0x1000))
	if c.regs[SP] != 0x9000-48 || c.regs[X9] != 0x9000-32 || c.regs[0] != 0x50000 || c.regs[1] != 0x51000 {
		t.Fatalf("sp=%#x x9=%#x x0=%#x x1=%#x", c.regs[SP], c.regs[X9], c.regs[0], c.regs[1])
	}
	c.pc = 0x1234
	run(t, c, Adr(2, -0x34))
	run(t, c, Adrp(3, 2))
	if c.regs[2] != 0x1200 || c.regs[3] != 0x3000 {
		t.Fatalf("adr %#x adrp %#x", c.regs[2], c.regs[3])
	}
	run(t, c, MovReg(X, 4, SP)) // mov x4, sp is add x4, sp, #0
	if c.regs[4] != c.regs[SP] {
		t.Fatalf("mov x4, sp: %#x", c.regs[4])
	}
}

func TestLoadsStoresAndPairs(t *testing.T) {
	c := newCPU()
	c.regs[SP] = 0x9000
	c.regs[FP], c.regs[X9] = 0x1111, 0x2222
	run(t, c, Stp(FP, X9, SP, -16, Pre))
	if c.regs[SP] != 0x9000-16 || c.mem[0x9000-16] != 0x1111 || c.mem[0x9000-8] != 0x2222 {
		t.Fatalf("stp pre: sp=%#x mem=%v", c.regs[SP], c.mem)
	}
	run(t, c, Str(X, LR, SP, 8, Offset))
	run(t, c, Ldr(X, 5, SP, 0, Offset))
	if c.regs[5] != 0x1111 || c.regs[SP] != 0x9000-16 {
		t.Fatalf("ldr offset: %#x", c.regs[5])
	}
	run(t, c, Ldp(6, 7, SP, 16, Post))
	if c.regs[6] != 0x1111 || c.regs[7] != 0 || c.regs[SP] != 0x9000 {
		t.Fatalf("ldp post: %#x %#x sp=%#x", c.regs[6], c.regs[7], c.regs[SP])
	}
	run(t, c, Str(X, X9, SP, -16, Pre))
	run(t, c, Ldr(X, 8, SP, 16, Post))
	if c.regs[8] != 0x2222 || c.regs[SP] != 0x9000 {
		t.Fatalf("str pre / ldr post: %#x sp=%#x", c.regs[8], c.regs[SP])
	}
	c.pc = 0x1000
	c.mem[0x1010] = 0xfeed
	run(t, c, LdrLit(10, 0x10))
	if c.regs[10] != 0xfeed {
		t.Fatalf("ldr literal: %#x", c.regs[10])
	}
}

func TestBarriersAndEnd(t *testing.T) {
	c := newCPU()
	run(t, c, Dmb(BarrierISHST))
	run(t, c, Dmb(BarrierISH))
	run(t, c, Dsb(BarrierISH))
	if len(c.fences) != 3 || c.fences[0] != model.FenceWW || c.fences[1] != model.FenceRWRW {
		t.Fatalf("fences %v", c.fences)
	}
	run(t, c, Isb)
	if !c.synced {
		t.Fatal("isb did not synchronise fetch")
	}
	if x := run(t, c, Brk0); !x.Halt {
		t.Fatal("brk #0 does not end the task")
	}
}

func TestFaults(t *testing.T) {
	for w, bad := range map[uint32]bool{0: true, Brk(1): false, Svc(0): false} {
		c := newCPU()
		c.text[c.pc] = w
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
