package x86

import (
	"strings"
	"testing"

	"github.com/ftcheck/ftcheck/model"
)

// fakeCPU runs one program in flat memory, with an optional interrupt
// frame (model.Frame).
type fakeCPU struct {
	pc      uint64
	regs    [32]uint64
	text    map[uint64]byte
	mem     map[uint64]uint64
	fences  int
	synced  bool
	fetches int
	frame   *model.IntrFrame
}

func (c *fakeCPU) Hart() int              { return 0 }
func (c *fakeCPU) PC() uint64             { return c.pc }
func (c *fakeCPU) Reg(i int) uint64       { return c.regs[i] }
func (c *fakeCPU) SetReg(i int, v uint64) { c.regs[i] = v }
func (c *fakeCPU) FetchWord(a uint64) (uint32, bool) {
	b, ok := c.text[a]
	c.fetches++
	return uint32(b), ok
}
func (c *fakeCPU) Load(a uint64, size int) uint64 {
	v := c.mem[a]
	if size == 4 {
		v &= 0xffffffff
	}
	return v
}
func (c *fakeCPU) Store(a uint64, size int, v uint64) { c.mem[a] = v }
func (c *fakeCPU) Fence(model.FenceKind)              { c.fences++ }
func (c *fakeCPU) SyncFetch()                         { c.synced = true }
func (c *fakeCPU) Tracing() bool                      { return true }

func (c *fakeCPU) InFrame() bool               { return c.frame != nil }
func (c *fakeCPU) FramePC() uint64             { return c.frame.PC }
func (c *fakeCPU) SetFramePC(pc uint64)        { c.frame.PC = pc }
func (c *fakeCPU) FrameReg(i int) uint64       { return c.frame.Regs[i] }
func (c *fakeCPU) SetFrameReg(i int, v uint64) { c.frame.Regs[i] = v }

func newCPU(code ...[]byte) *fakeCPU {
	c := &fakeCPU{pc: 0x100, text: map[uint64]byte{}, mem: map[uint64]uint64{0x8000: 7}}
	a := uint64(0x100)
	for _, in := range code {
		for _, b := range in {
			c.text[a] = b
			a++
		}
	}
	return c
}

func runAll(t *testing.T, c *fakeCPU) []model.Exec {
	var xs []model.Exec
	for steps := 0; steps < 50; steps++ {
		x := ISA{}.Step(c)
		xs = append(xs, x)
		if x.Halt || x.Fault != "" || x.Trap != "" || x.IntrReturn {
			return xs
		}
		c.pc = x.NextPC
	}
	t.Fatal("program did not end")
	return nil
}

func TestExecutesTheSubset(t *testing.T) {
	// 0x100: movq $0x8000, %rbx         7 bytes
	// 0x107: movq 0(%rbx), %rax        3
	// 0x10a: cmpq $7, %rax             7
	// 0x111: jne +1 (to the hlt, not taken)  2
	// 0x113: call +1 -> 0x119          5
	// 0x118: hlt                       1
	// 0x119: movq %rax, 8(%rbx)        4
	// 0x11d: k8_nop3; k8_nop2; p6_nop5 10
	// 0x127: mfence; cpuid             5
	// 0x12c: ret
	c := newCPU(MovImm(RBX, 0x8000), Load(RAX, Mem{Base: RBX}), CmpImm(RAX, 7), Jcc8(CondNE, 5),
		Call(1), Hlt, Store(Mem{Base: RBX, Disp: 8}, RAX), K8Nop3, K8Nop2, P6Nop5, Mfence, Cpuid, Ret)
	c.regs[RSP] = 0x9000
	xs := runAll(t, c)
	last := xs[len(xs)-1]
	if !last.Halt || c.mem[0x8008] != 7 {
		t.Fatalf("program: halt %v, [0x8008] = %#x; trace %+v", last.Halt, c.mem[0x8008], xs)
	}
	if c.regs[RSP] != 0x9000 || c.mem[0x8ff8] != 0x118 {
		t.Fatalf("call/ret: rsp %#x, pushed %#x", c.regs[RSP], c.mem[0x8ff8])
	}
	if !c.synced || c.fences < 2 {
		t.Fatalf("cpuid must synchronise fetch, mfence and cpuid fence: synced %v fences %d", c.synced, c.fences)
	}
	want := []string{"mov $0x8000,%rbx", "mov (%rbx),%rax", "cmp $0x7,%rax", "jne", "callq", "mov %rax,0x8(%rbx)",
		"data16 data16 nop", "data16 nop", "nopl", "mfence", "cpuid", "retq", "hlt"}
	for i, w := range want {
		if !strings.HasPrefix(xs[i].Disasm, w) {
			t.Errorf("step %d: %q, want %q", i, xs[i].Disasm, w)
		}
	}
	if !xs[4].Call || xs[4].ReturnAddr != 0x118 || !xs[11].Return {
		t.Errorf("call/return not reported: %+v %+v", xs[4], xs[11])
	}
	if string(xs[0].Bytes) != string(MovImm(RBX, 0x8000)) {
		t.Errorf("Exec.Bytes = % x", xs[0].Bytes)
	}
}

// A resume in the middle of a call's rel32 decodes whatever the bytes
// are; bytes that are no instruction fault.
func TestMidInstructionAndIllegal(t *testing.T) {
	c := newCPU([]byte{0x0f, 0x0b}) // ud2: outside the subset
	x := ISA{}.Step(c)
	if x.Fault == "" {
		t.Fatalf("ud2 executed: %+v", x)
	}
	c = newCPU([]byte{0x0f, 0xff, 0xff}) // no instruction: 15 bytes fetched at most
	for a := uint64(0x103); a < 0x120; a++ {
		c.text[a] = 0xff
	}
	x = ISA{}.Step(c)
	if x.Fault == "" || c.fetches > MaxLen {
		t.Fatalf("illegal bytes: fault %q after %d fetches", x.Fault, c.fetches)
	}
	c = newCPU(Call(0)[:3]) // text ends inside the instruction
	if x := (ISA{}).Step(c); !strings.Contains(x.Fault, "no text") {
		t.Fatalf("truncated text: %q", x.Fault)
	}
}

func TestInt3TrapsAndHandlerRewritesTheFrame(t *testing.T) {
	c := newCPU(Int3)
	x := ISA{}.Step(c)
	if x.Trap != "int3" || x.NextPC != 0x101 || x.Fault != "" {
		t.Fatalf("int3: %+v", x)
	}
	// int3_emulate_call in the handler: regs->sp -= 8; *regs->sp = ret;
	// regs->ip = target.
	c = newCPU(Movabs(7, PtRegs), Load(RAX, Mem{Base: 7, Disp: 152}), SubImm(RAX, 8), Store(Mem{Base: 7, Disp: 152}, RAX),
		MovImm(RCX, 0x105), Store(Mem{Base: RAX}, RCX), MovImm(RCX, 0x400), Store(Mem{Base: 7, Disp: 128}, RCX), Iretq)
	c.frame = &model.IntrFrame{PC: 0x101}
	c.frame.Regs[RSP] = 0x9000
	xs := runAll(t, c)
	if !xs[len(xs)-1].IntrReturn || !c.synced {
		t.Fatalf("iretq must return from the interrupt and serialise")
	}
	if c.frame.PC != 0x400 || c.frame.Regs[RSP] != 0x8ff8 || c.mem[0x8ff8] != 0x105 {
		t.Fatalf("frame: pc %#x sp %#x pushed %#x", c.frame.PC, c.frame.Regs[RSP], c.mem[0x8ff8])
	}
	// Outside a handler pt_regs is no memory.
	c = newCPU(Movabs(7, PtRegs), Load(RAX, Mem{Base: 7, Disp: 128}))
	if xs := runAll(t, c); !strings.Contains(xs[1].Fault, "outside") {
		t.Fatalf("pt_regs outside a handler: %q", xs[1].Fault)
	}
}

func TestNullDereferenceFaults(t *testing.T) {
	c := newCPU(MovImm(RBX, 0), Load(RAX, Mem{Base: RBX, Disp: 8}))
	xs := runAll(t, c)
	x := xs[1]
	if !strings.Contains(x.Fault, "NULL") || !x.DataAccess || x.DataAddr != 8 {
		t.Fatalf("NULL load: %+v", x)
	}
}

func TestLockedIncrementIsOneStep(t *testing.T) {
	c := newCPU(MovImm(RBX, 0x8000), LockInc(Mem{Base: RBX}), LockDec(Mem{Base: RBX}), LockDec(Mem{Base: RBX}), Hlt)
	runAll(t, c)
	if c.mem[0x8000] != 6 || c.fences != 6 {
		t.Fatalf("lock inc/dec: [0x8000] = %d, fences %d", c.mem[0x8000], c.fences)
	}
}

// byteCPU is fakeCPU with byte-addressed memory, for 1- and 4-byte
// accesses at any address.
type byteCPU struct {
	*fakeCPU
	bytes map[uint64]byte
}

func (c *byteCPU) Load(a uint64, size int) uint64 {
	var v uint64
	for i := size - 1; i >= 0; i-- {
		v = v<<8 | uint64(c.bytes[a+uint64(i)])
	}
	return v
}

func (c *byteCPU) Store(a uint64, size int, v uint64) {
	for i := 0; i < size; i++ {
		c.bytes[a+uint64(i)] = byte(v >> (8 * i))
	}
}

// The NMI handler's subset: a byte-wise memcpy (movb through %al, which
// keeps the other bytes of %rax), movl (which zero-extends), and lock
// xadd (atomic_inc_return: the register gets the old value, fenced on
// both sides).
func TestNarrowMovesAndXadd(t *testing.T) {
	const src, dst, ctr = 0x8000, 0x8100, 0x8200
	f := newCPU(
		MovImm(RSI, src),
		MovImm(RDI, dst),
		Movabs(RAX, 0x1122334455667788),
		LoadB(RAX, Mem{Base: RSI, Disp: 1}),  // al = src[1]
		StoreB(Mem{Base: RDI, Disp: 3}, RAX), // dst[3] = al
		LoadL(RCX, Mem{Base: RSI}),           // ecx = src[0..4), zero-extended
		StoreL(Mem{Base: RDI, Disp: 4}, RCX), // dst[4..8) = ecx
		MovImm(RDX, 1),
		LockXadd(Mem{Base: -1, Disp: ctr}, RDX), // rdx = old counter; counter += 1
		Hlt,
	)
	c := &byteCPU{fakeCPU: f, bytes: map[uint64]byte{src: 0xaa, src + 1: 0xbb, src + 2: 0xcc, src + 3: 0xdd, src + 4: 0xee, ctr: 0x41}}
	f.regs[RCX] = 0xffffffff00000000
	for steps := 0; ; steps++ {
		x := ISA{}.Step(c)
		if x.Fault != "" {
			t.Fatalf("step %d: %s", steps, x.Fault)
		}
		if x.Halt {
			break
		}
		c.pc = x.NextPC
	}
	if got := f.regs[RAX]; got != 0x11223344556677bb {
		t.Errorf("rax = %#x: movb must replace only the low byte", got)
	}
	if got := c.bytes[dst+3]; got != 0xbb {
		t.Errorf("dst[3] = %#x, want 0xbb", got)
	}
	if got := f.regs[RCX]; got != 0xddccbbaa {
		t.Errorf("rcx = %#x: movl loads 4 bytes and zero-extends", got)
	}
	if got := c.Load(dst+4, 4); got != 0xddccbbaa || c.bytes[dst+8] != 0 {
		t.Errorf("dst[4..8) = %#x; movl stores 4 bytes only", got)
	}
	if f.regs[RDX] != 0x41 || c.Load(ctr, 8) != 0x42 {
		t.Errorf("xadd: rdx = %#x (want the old 0x41), counter = %#x (want 0x42)", f.regs[RDX], c.Load(ctr, 8))
	}
	if f.fences != 2 {
		t.Errorf("lock xadd ran %d fences, want 2 (locked: drained before and after)", f.fences)
	}
}

// lock cmpxchg (atomic_inc_not_zero's try_cmpxchg): on a match memory
// takes the register and ZF = 1; otherwise %rax takes memory and ZF = 0;
// fenced on both sides. movq %reg, %reg copies.
func TestCmpxchgAndMovReg(t *testing.T) {
	const ctr = 0x8200
	f := newCPU(
		MovImm(RAX, 1),
		MovReg(RAX, RCX),
		AddImm(RCX, 1),
		LockCmpxchg(Mem{Base: -1, Disp: ctr}, RCX), // counter 1 -> 2: matches
		MovImm(RAX, 7),
		LockCmpxchg(Mem{Base: -1, Disp: ctr}, RCX), // 7 != 2: rax = 2
		Hlt,
	)
	c := &byteCPU{fakeCPU: f, bytes: map[uint64]byte{ctr: 1}}
	var zfs []bool
	for steps := 0; ; steps++ {
		x := ISA{}.Step(c)
		if x.Fault != "" {
			t.Fatalf("step %d: %s", steps, x.Fault)
		}
		if x.Halt {
			break
		}
		if steps == 3 || steps == 5 {
			zfs = append(zfs, f.regs[RFLAGS]&zf != 0)
		}
		c.pc = x.NextPC
	}
	if got := c.Load(ctr, 8); got != 2 {
		t.Errorf("counter = %#x, want 2 (the first cmpxchg matched, the second did not)", got)
	}
	if f.regs[RAX] != 2 || f.regs[RCX] != 2 {
		t.Errorf("rax = %#x, rcx = %#x: want rax = 2 (the value a failing cmpxchg read), rcx = 2", f.regs[RAX], f.regs[RCX])
	}
	if len(zfs) != 2 || !zfs[0] || zfs[1] {
		t.Errorf("ZF after the two cmpxchg = %v, want [true false]", zfs)
	}
	if f.fences != 4 {
		t.Errorf("two lock cmpxchg ran %d fences, want 4", f.fences)
	}
}

// subq %a, %b: b -= a, and the sign bit can be tested (the int3
// handler's bsearch compares addresses this way: only ZF is kept).
func TestSubReg(t *testing.T) {
	f := newCPU(
		MovImm(RCX, 0x1100),
		MovImm(RAX, 0x1180),
		MovReg(RCX, 8),
		Sub(RAX, 8), // r8 = 0x1100 - 0x1180 < 0
		Hlt,
	)
	c := &byteCPU{fakeCPU: f, bytes: map[uint64]byte{}}
	for steps := 0; ; steps++ {
		x := ISA{}.Step(c)
		if x.Fault != "" {
			t.Fatalf("step %d: %s", steps, x.Fault)
		}
		if x.Halt {
			break
		}
		c.pc = x.NextPC
	}
	if got, want := f.regs[8], ^uint64(0x80-1); got != want || got>>63 != 1 { // -0x80
		t.Errorf("r8 = %#x, want 0x1100 - 0x1180 (negative)", got)
	}
}
