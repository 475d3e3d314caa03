package x86

import (
	"strings"
	"testing"

	"github.com/ftcheck/ftcheck/ifetch/internal/isatest"
	"github.com/ftcheck/ftcheck/model"
)

// newCPU places code at 0x100, where it starts, over a memory holding 7
// at 0x8000.
func newCPU(code ...[]byte) *isatest.CPU {
	c := isatest.New(0x100).Bytes(0x100, code...)
	c.Mem[0x8000] = 7
	return c
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
	c.Regs[RSP] = 0x9000
	xs := c.Run(t, ISA{})
	last := xs[len(xs)-1]
	if !last.Halt || c.Mem[0x8008] != 7 {
		t.Fatalf("program: halt %v, [0x8008] = %#x; trace %+v", last.Halt, c.Mem[0x8008], xs)
	}
	if c.Regs[RSP] != 0x9000 || c.Mem[0x8ff8] != 0x118 {
		t.Fatalf("call/ret: rsp %#x, pushed %#x", c.Regs[RSP], c.Mem[0x8ff8])
	}
	if !c.Synced || len(c.Fences) < 2 {
		t.Fatalf("cpuid must synchronise fetch, mfence and cpuid fence: synced %v fences %d", c.Synced, len(c.Fences))
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
		c.Text[a] = 0xff
	}
	x = ISA{}.Step(c)
	if x.Fault == "" || c.Fetches > MaxLen {
		t.Fatalf("illegal bytes: fault %q after %d fetches", x.Fault, c.Fetches)
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
	c.Frame = &model.IntrFrame{PC: 0x101}
	c.Frame.Regs[RSP] = 0x9000
	xs := c.Run(t, ISA{})
	if !xs[len(xs)-1].IntrReturn || !c.Synced {
		t.Fatalf("iretq must return from the interrupt and serialise")
	}
	if c.Frame.PC != 0x400 || c.Frame.Regs[RSP] != 0x8ff8 || c.Mem[0x8ff8] != 0x105 {
		t.Fatalf("frame: pc %#x sp %#x pushed %#x", c.Frame.PC, c.Frame.Regs[RSP], c.Mem[0x8ff8])
	}
	// Outside a handler pt_regs is no memory.
	c = newCPU(Movabs(7, PtRegs), Load(RAX, Mem{Base: 7, Disp: 128}))
	if xs := c.Run(t, ISA{}); !strings.Contains(xs[1].Fault, "outside") {
		t.Fatalf("pt_regs outside a handler: %q", xs[1].Fault)
	}
}

func TestNullDereferenceFaults(t *testing.T) {
	c := newCPU(MovImm(RBX, 0), Load(RAX, Mem{Base: RBX, Disp: 8}))
	xs := c.Run(t, ISA{})
	x := xs[1]
	if !strings.Contains(x.Fault, "NULL") || !x.DataAccess || x.DataAddr != 8 {
		t.Fatalf("NULL load: %+v", x)
	}
}

func TestLockedIncrementIsOneStep(t *testing.T) {
	c := newCPU(MovImm(RBX, 0x8000), LockInc(Mem{Base: RBX}), LockDec(Mem{Base: RBX}), LockDec(Mem{Base: RBX}), Hlt)
	c.Run(t, ISA{})
	if c.Mem[0x8000] != 6 || len(c.Fences) != 6 {
		t.Fatalf("lock inc/dec: [0x8000] = %d, fences %d", c.Mem[0x8000], len(c.Fences))
	}
}

// The NMI handler's subset: a byte-wise memcpy (movb through %al, which
// keeps the other bytes of %rax), movl (which zero-extends), and lock
// xadd (atomic_inc_return: the register gets the old value, fenced on
// both sides).
func TestNarrowMovesAndXadd(t *testing.T) {
	const src, dst, ctr = 0x8000, 0x8100, 0x8200
	c := newCPU(
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
	c.ByteMemory = true
	c.Mem = map[uint64]uint64{src: 0xaa, src + 1: 0xbb, src + 2: 0xcc, src + 3: 0xdd, src + 4: 0xee, ctr: 0x41}
	c.Regs[RCX] = 0xffffffff00000000
	xs := c.Run(t, ISA{})
	if x := xs[len(xs)-1]; !x.Halt {
		t.Fatalf("step %d: %s", len(xs)-1, x.Fault)
	}
	if got := c.Regs[RAX]; got != 0x11223344556677bb {
		t.Errorf("rax = %#x: movb must replace only the low byte", got)
	}
	if got := c.Mem[dst+3]; got != 0xbb {
		t.Errorf("dst[3] = %#x, want 0xbb", got)
	}
	if got := c.Regs[RCX]; got != 0xddccbbaa {
		t.Errorf("rcx = %#x: movl loads 4 bytes and zero-extends", got)
	}
	if got := c.Load(dst+4, 4); got != 0xddccbbaa || c.Mem[dst+8] != 0 {
		t.Errorf("dst[4..8) = %#x; movl stores 4 bytes only", got)
	}
	if c.Regs[RDX] != 0x41 || c.Load(ctr, 8) != 0x42 {
		t.Errorf("xadd: rdx = %#x (want the old 0x41), counter = %#x (want 0x42)", c.Regs[RDX], c.Load(ctr, 8))
	}
	if len(c.Fences) != 2 {
		t.Errorf("lock xadd ran %d fences, want 2 (locked: drained before and after)", len(c.Fences))
	}
}

// lock cmpxchg (atomic_inc_not_zero's try_cmpxchg): on a match memory
// takes the register and ZF = 1; otherwise %rax takes memory and ZF = 0;
// fenced on both sides. movq %reg, %reg copies.
func TestCmpxchgAndMovReg(t *testing.T) {
	const ctr = 0x8200
	c := newCPU(
		MovImm(RAX, 1),
		MovReg(RAX, RCX),
		AddImm(RCX, 1),
		LockCmpxchg(Mem{Base: -1, Disp: ctr}, RCX), // counter 1 -> 2: matches
		MovImm(RAX, 7),
		LockCmpxchg(Mem{Base: -1, Disp: ctr}, RCX), // 7 != 2: rax = 2
		Hlt,
	)
	c.ByteMemory = true
	c.Mem = map[uint64]uint64{ctr: 1}
	var zfs []bool
	for steps := 0; ; steps++ {
		x := c.Step(ISA{})
		if x.Fault != "" {
			t.Fatalf("step %d: %s", steps, x.Fault)
		}
		if x.Halt {
			break
		}
		if steps == 3 || steps == 5 {
			zfs = append(zfs, c.Regs[RFLAGS]&zf != 0)
		}
		c.Pc = x.NextPC
	}
	if got := c.Load(ctr, 8); got != 2 {
		t.Errorf("counter = %#x, want 2 (the first cmpxchg matched, the second did not)", got)
	}
	if c.Regs[RAX] != 2 || c.Regs[RCX] != 2 {
		t.Errorf("rax = %#x, rcx = %#x: want rax = 2 (the value a failing cmpxchg read), rcx = 2", c.Regs[RAX], c.Regs[RCX])
	}
	if len(zfs) != 2 || !zfs[0] || zfs[1] {
		t.Errorf("ZF after the two cmpxchg = %v, want [true false]", zfs)
	}
	if len(c.Fences) != 4 {
		t.Errorf("two lock cmpxchg ran %d fences, want 4", len(c.Fences))
	}
}

// subq %a, %b: b -= a, and the sign bit can be tested (the int3
// handler's bsearch compares addresses this way: only ZF is kept).
func TestSubReg(t *testing.T) {
	c := newCPU(
		MovImm(RCX, 0x1100),
		MovImm(RAX, 0x1180),
		MovReg(RCX, 8),
		Sub(RAX, 8), // r8 = 0x1100 - 0x1180 < 0
		Hlt,
	)
	c.Run(t, ISA{})
	if got, want := c.Regs[8], ^uint64(0x80-1); got != want || got>>63 != 1 { // -0x80
		t.Errorf("r8 = %#x, want 0x1100 - 0x1180 (negative)", got)
	}
}
