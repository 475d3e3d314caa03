package x86

import (
	"encoding/binary"
	"fmt"
	"strings"
	"sync"

	"golang.org/x/arch/x86/x86asm"

	"github.com/ftcheck/ftcheck/ifetch"
	"github.com/ftcheck/ftcheck/model"
)

// ISA is x86-64 for model.Machine.
type ISA struct{}

func (ISA) Name() string { return "x86_64" }

// Registers: the 16 general registers in ModRM order, then RFLAGS, of
// which the subset keeps ZF (bit 6). They live in the hart's Regs, so an
// interrupt entry saves them and a preempted task keeps them.
var regNames = [...]string{"rax", "rcx", "rdx", "rbx", "rsp", "rbp", "rsi", "rdi",
	"r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15", "rflags"}

// Register numbers used by the executor.
const (
	RAX    = 0
	RCX    = 1
	RDX    = 2
	RBX    = 3
	RSP    = 4
	RBP    = 5
	RSI    = 6
	RDI    = 7
	RFLAGS = 16
	zf     = 1 << 6
)

// RegName is register i's name in AT&T syntax, without the %.
func (ISA) RegName(i int) string {
	if i >= 0 && i < len(regNames) {
		return regNames[i]
	}
	return fmt.Sprintf("r?%d", i)
}

// RegNumber maps rax..r15 (with or without %) to 0..15. rflags is not
// nameable: only compares write it.
func RegNumber(name string) (int, bool) {
	name = strings.TrimPrefix(name, "%")
	for i, n := range regNames[:16] {
		if n == name {
			return i, true
		}
	}
	return 0, false
}

// MaxLen is the longest x86 instruction.
const MaxLen = 15

// decoded is x/arch's decoding of a byte string that may be only the
// start of an instruction: complete says the bytes are exactly one
// instruction.
type decoded struct {
	inst     x86asm.Inst
	complete bool
	bytes    []byte // the instruction's bytes (shared, never modified)
}

// The decode cache: a search decodes the same few byte strings millions
// of times. Keys are the byte strings.
var (
	cacheMu sync.RWMutex
	cache   = map[string]*decoded{}
)

// decodePrefix decodes b, which a fetch has assembled one byte at a time.
// x86asm reports a proper prefix of an instruction either as
// ErrTruncated or as a bare prefix (Op 0); only a decoding that uses
// every byte of b is an instruction (encode_test.go checks that no proper
// prefix of an encoded instruction passes for one).
func decodePrefix(b []byte) *decoded {
	cacheMu.RLock()
	d, ok := cache[string(b)]
	cacheMu.RUnlock()
	if ok {
		return d
	}
	inst, err := x86asm.Decode(b, 64)
	d = &decoded{inst: inst, bytes: append([]byte(nil), b...)}
	d.complete = err == nil && inst.Op != 0 && inst.Len == len(b)
	cacheMu.Lock()
	cache[string(b)] = d
	cacheMu.Unlock()
	return d
}

// Decode decodes one whole instruction from b (for tests and tools): the
// shortest prefix of b that is an instruction.
func Decode(b []byte) (x86asm.Inst, bool) {
	for k := 1; k <= len(b) && k <= MaxLen; k++ {
		if d := decodePrefix(b[:k]); d.complete {
			return d.inst, true
		}
	}
	return x86asm.Inst{}, false
}

// Disasm renders an instruction at pc in AT&T (GNU) syntax.
func Disasm(inst x86asm.Inst, pc uint64) string { return x86asm.GNUSyntax(inst, pc, nil) }

// Stores reports whether a text byte may belong to an instruction that
// writes memory. One byte cannot tell, so every byte may: x86 harts are
// always treated as storing (calls push the return address anyway).
func Stores(uint32) bool { return true }

// Step fetches the instruction at the PC one byte at a time — each byte
// may come from a different version of the text, as a CPU that has not
// serialised may see (Intel SDM Vol. 3A §8.1.3) — then decodes and
// executes it.
func (ISA) Step(cpu model.CPU) model.Exec { return stepper.Step(cpu) }

var stepper = ifetch.Stepper[x86asm.Inst]{
	Fetch:  fetch,
	Syntax: Disasm,
	Run: func(s *ifetch.Step, inst x86asm.Inst, pc uint64) {
		(&executor{Step: s, pc: pc, next: s.X.NextPC}).run(inst)
	},
}

// fetch fetches bytes from pc until they decode as one instruction.
func fetch(cpu model.CPU, pc uint64) (x86asm.Inst, model.Exec, bool) {
	var buf [MaxLen]byte
	var d *decoded
	for k := 0; k < MaxLen; k++ {
		b, ok := cpu.FetchWord(pc + uint64(k))
		if !ok {
			x := model.Exec{Bytes: append([]byte(nil), buf[:k]...), Disasm: "(no text)"}
			x.Fault = fmt.Sprintf("fetch fault: no text at %#x (decoding from %#x)", pc+uint64(k), pc)
			return x86asm.Inst{}, x, false
		}
		buf[k] = byte(b)
		if d = decodePrefix(buf[:k+1]); d.complete {
			break
		}
	}
	var word [4]byte
	copy(word[:], buf[:])
	if !d.complete {
		return x86asm.Inst{}, model.Exec{Word: binary.LittleEndian.Uint32(word[:]), Bytes: d.bytes, Disasm: "(illegal)",
			Fault: fmt.Sprintf("illegal instruction at %#x: % x", pc, d.bytes)}, false
	}
	return d.inst, model.Exec{Word: binary.LittleEndian.Uint32(word[:]), Bytes: d.bytes, NextPC: pc + uint64(d.inst.Len)}, true
}

type executor struct {
	*ifetch.Step
	pc, next uint64
}

// gpr maps a 64-, 32- or 8-bit register operand to its number and
// width. The 8-bit registers are the low bytes (al, cl, ..., sil, dil,
// r8b..r15b); ah, ch, dh, bh are outside the subset.
func gpr(a x86asm.Arg) (r int, bytes int, ok bool) {
	reg, isReg := a.(x86asm.Reg)
	switch {
	case !isReg:
	case reg >= x86asm.RAX && reg <= x86asm.R15:
		return int(reg - x86asm.RAX), 8, true
	case reg >= x86asm.EAX && reg <= x86asm.R15L:
		return int(reg - x86asm.EAX), 4, true
	case reg >= x86asm.AL && reg <= x86asm.BL:
		return int(reg - x86asm.AL), 1, true
	case reg >= x86asm.SPB && reg <= x86asm.R15B:
		return int(reg-x86asm.SPB) + RSP, 1, true
	}
	return 0, 0, false
}

func (e *executor) read(a x86asm.Arg) uint64 {
	r, n, _ := gpr(a)
	v := e.CPU.Reg(r)
	switch n {
	case 4:
		v = uint64(uint32(v))
	case 1:
		v = uint64(uint8(v))
	}
	return v
}

// write sets a register operand; a 32-bit write zero-extends, as on
// x86-64, and an 8-bit write replaces the low byte only.
func (e *executor) write(a x86asm.Arg, v uint64) {
	r, n, _ := gpr(a)
	switch n {
	case 4:
		v = uint64(uint32(v))
	case 1:
		v = e.CPU.Reg(r)&^0xff | uint64(uint8(v))
	}
	e.CPU.SetReg(r, v)
	if e.Tracing {
		e.Notef("%%%s = %#x", regNames[r], v)
	}
}

// addr computes a memory operand's address.
func (e *executor) addr(m x86asm.Mem) (uint64, bool) {
	if m.Segment != 0 {
		return 0, false
	}
	// In 64-bit mode a displacement is at most 32 bits, sign-extended;
	// x/arch reports a disp32 zero-extended.
	a := uint64(int64(int32(m.Disp)))
	switch {
	case m.Base == x86asm.RIP:
		a += e.next
	case m.Base != 0:
		r, n, ok := gpr(m.Base)
		if !ok || n != 8 {
			return 0, false
		}
		a += e.CPU.Reg(r)
	}
	if m.Index != 0 {
		r, n, ok := gpr(m.Index)
		if !ok || n != 8 {
			return 0, false
		}
		a += e.CPU.Reg(r) * uint64(m.Scale)
	}
	return a, true
}

func (e *executor) size(inst x86asm.Inst) int {
	if inst.MemBytes != 0 {
		return inst.MemBytes
	}
	return inst.DataSize / 8
}

// NullPage is the unmapped first page: an access there is a NULL pointer
// dereference (the kernel oopses), reported as a fault.
const NullPage = 4096

func (e *executor) load(a uint64, size int) uint64 {
	e.X.DataAddr, e.X.DataAccess = a, true
	if r, ok := e.ptRegs(a, size); ok {
		f := e.CPU.(model.Frame)
		v := f.FramePC()
		if r != ptIP {
			v = f.FrameReg(r)
		}
		if e.Tracing {
			e.Notef("load%d [pt_regs+%d] (the interrupted context's %s)", size*8, a-PtRegs, ptName(r))
		}
		return v
	}
	if e.X.Fault != "" {
		return 0
	}
	if a < NullPage {
		e.Faultf("NULL pointer dereference: load%d [%#x]", size*8, a)
		return 0
	}
	v := e.CPU.Load(a, size)
	if e.Tracing {
		e.Notef("load%d [%#x]", size*8, a)
	}
	return v
}

func (e *executor) store(a uint64, size int, v uint64) {
	e.X.DataAddr, e.X.DataAccess = a, true
	if r, ok := e.ptRegs(a, size); ok {
		f := e.CPU.(model.Frame)
		if r == ptIP {
			f.SetFramePC(v)
		} else {
			f.SetFrameReg(r, v)
		}
		if e.Tracing {
			e.Notef("store%d [pt_regs+%d] = %#x (the interrupted context's %s)", size*8, a-PtRegs, v, ptName(r))
		}
		return
	}
	if e.X.Fault != "" {
		return
	}
	if a < NullPage {
		e.Faultf("NULL pointer dereference: store%d [%#x]", size*8, a)
		return
	}
	e.CPU.Store(a, size, v)
	if e.Tracing {
		e.Notef("store%d [%#x] = %#x", size*8, a, v)
	}
}

func (e *executor) push(v uint64) {
	sp := e.CPU.Reg(RSP) - 8
	e.CPU.SetReg(RSP, sp)
	e.store(sp, 8, v)
}

func (e *executor) pop() uint64 {
	sp := e.CPU.Reg(RSP)
	v := e.load(sp, 8)
	e.CPU.SetReg(RSP, sp+8)
	return v
}

// target is a CALL/JMP operand: rel32/rel8 or a register.
func (e *executor) target(a x86asm.Arg) (uint64, bool) {
	switch a := a.(type) {
	case x86asm.Rel:
		return e.next + uint64(int64(a)), true
	case x86asm.Reg:
		if r, n, ok := gpr(a); ok && n == 8 {
			return e.CPU.Reg(r), true
		}
	}
	return 0, false
}

func (e *executor) setZF(v uint64, bytes int) {
	if bytes < 8 {
		v &= 1<<(8*bytes) - 1
	}
	f := e.CPU.Reg(RFLAGS) &^ zf
	if v == 0 {
		f |= zf
	}
	e.CPU.SetReg(RFLAGS, f)
	if e.Tracing {
		e.Notef("ZF = %d", f>>6&1)
	}
}

// operand reads a register, immediate or memory source.
func (e *executor) operand(inst x86asm.Inst, a x86asm.Arg) (uint64, bool) {
	switch a := a.(type) {
	case x86asm.Imm:
		return uint64(int64(a)), true
	case x86asm.Reg:
		if _, _, ok := gpr(a); ok {
			return e.read(a), true
		}
	case x86asm.Mem:
		if addr, ok := e.addr(a); ok {
			return e.load(addr, e.size(inst)), true
		}
	}
	return 0, false
}

func (e *executor) outside(inst x86asm.Inst) {
	e.Faultf("%s is outside the modelled x86 subset", Disasm(inst, e.pc))
}

func (e *executor) run(inst x86asm.Inst) {
	a := inst.Args
	lock := hasPrefix(inst, x86asm.PrefixLOCK)
	switch inst.Op {
	case x86asm.NOP:
	case x86asm.HLT:
		e.X.Halt = true
		e.Note("task finished")
	case x86asm.CALL:
		t, ok := e.target(a[0])
		if !ok {
			e.outside(inst)
			return
		}
		e.push(e.next)
		e.X.Call, e.X.ReturnAddr, e.X.StackSlot = true, e.next, e.CPU.Reg(RSP)
		e.Jump(t)
	case x86asm.JMP:
		t, ok := e.target(a[0])
		if !ok {
			e.outside(inst)
			return
		}
		e.Jump(t)
	case x86asm.RET:
		if a[0] != nil {
			e.outside(inst)
			return
		}
		e.X.StackSlot = e.CPU.Reg(RSP)
		t := e.pop()
		e.X.Return = true
		e.Jump(t)
	case x86asm.JE, x86asm.JNE:
		t, ok := e.target(a[0])
		if !ok {
			e.outside(inst)
			return
		}
		z := e.CPU.Reg(RFLAGS)&zf != 0
		if z == (inst.Op == x86asm.JE) {
			e.Jump(t)
		}
	case x86asm.MOV:
		e.mov(inst)
	case x86asm.ADD, x86asm.SUB, x86asm.CMP, x86asm.TEST:
		e.arith(inst)
	case x86asm.INC, x86asm.DEC:
		m, ok := a[0].(x86asm.Mem)
		addr, ok2 := e.addr(m)
		if !ok || !ok2 || !lock {
			e.outside(inst)
			return
		}
		// A locked read-modify-write: x86 drains the store buffer before
		// and after it, and no other agent moves in between (one step).
		n := e.size(inst)
		e.CPU.Fence(model.FenceRWRW)
		v := e.load(addr, n)
		if inst.Op == x86asm.INC {
			v++
		} else {
			v--
		}
		if n == 4 {
			v = uint64(uint32(v))
		}
		e.store(addr, n, v)
		e.CPU.Fence(model.FenceRWRW)
		e.setZF(v, n)
	case x86asm.XADD:
		// lock xadd %reg, mem (atomic_inc_return/atomic_add_return): the
		// register gets the old value, memory the sum; locked like inc.
		m, ok := a[0].(x86asm.Mem)
		addr, ok2 := e.addr(m)
		_, rn, ok3 := gpr(a[1])
		n := e.size(inst)
		if !ok || !ok2 || !ok3 || !lock || rn != n {
			e.outside(inst)
			return
		}
		src := e.read(a[1])
		e.CPU.Fence(model.FenceRWRW)
		old := e.load(addr, n)
		sum := old + src
		if n < 8 {
			sum &= 1<<(8*n) - 1
		}
		e.store(addr, n, sum)
		e.CPU.Fence(model.FenceRWRW)
		e.write(a[1], old)
		e.setZF(sum, n)
	case x86asm.CMPXCHG:
		// lock cmpxchg %reg, mem (the try_cmpxchg of atomic_inc_not_zero):
		// if mem == %rax, mem = %reg and ZF = 1; else %rax = mem and
		// ZF = 0. Locked like xadd. (The failing case's write-back of the
		// old value is left out: it stores what memory holds.)
		m, ok := a[0].(x86asm.Mem)
		addr, ok2 := e.addr(m)
		_, rn, ok3 := gpr(a[1])
		n := e.size(inst)
		if !ok || !ok2 || !ok3 || !lock || rn != n || n != 8 {
			e.outside(inst)
			return
		}
		src := e.read(a[1])
		e.CPU.Fence(model.FenceRWRW)
		old := e.load(addr, n)
		if old == e.CPU.Reg(RAX) {
			e.store(addr, n, src)
			e.setZF(0, n)
		} else {
			e.CPU.SetReg(RAX, old)
			e.setZF(1, n)
		}
		e.CPU.Fence(model.FenceRWRW)
	case x86asm.PUSH:
		if _, n, ok := gpr(a[0]); !ok || n != 8 {
			e.outside(inst)
			return
		}
		e.push(e.read(a[0]))
	case x86asm.POP:
		if _, n, ok := gpr(a[0]); !ok || n != 8 {
			e.outside(inst)
			return
		}
		e.write(a[0], e.pop())
	case x86asm.MFENCE:
		e.CPU.Fence(model.FenceRWRW)
		e.Note("mfence (orders memory; not serialising for instruction fetch)")
	case x86asm.CPUID:
		// A serialising instruction: the CPU drops any prefetched
		// instruction bytes. Its outputs are not modelled: it writes 0.
		e.CPU.Fence(model.FenceRWRW)
		e.CPU.SyncFetch()
		for _, r := range []int{RAX, RBX, RCX, RDX} {
			e.CPU.SetReg(r, 0)
		}
		e.Note("serialised: instruction fetch synchronised; eax..edx = 0")
	case x86asm.IRETQ:
		// Return from an interrupt handler; IRET is serialising.
		e.CPU.SyncFetch()
		e.X.IntrReturn = true
		e.Note("serialised: instruction fetch synchronised")
	case x86asm.INT:
		if imm, ok := a[0].(x86asm.Imm); ok && imm == 3 && inst.Len == 1 {
			e.int3()
			return
		}
		e.outside(inst)
	default:
		e.outside(inst)
	}
}

func hasPrefix(inst x86asm.Inst, p x86asm.Prefix) bool {
	for _, q := range inst.Prefix {
		if q == 0 {
			return false
		}
		if q&0xff == p&0xff {
			return true
		}
	}
	return false
}

func (e *executor) mov(inst x86asm.Inst) {
	a := inst.Args
	switch dst := a[0].(type) {
	case x86asm.Reg:
		if _, _, ok := gpr(dst); !ok {
			e.outside(inst)
			return
		}
		v, ok := e.operand(inst, a[1])
		if !ok {
			e.outside(inst)
			return
		}
		e.write(dst, v)
	case x86asm.Mem:
		addr, ok := e.addr(dst)
		if !ok {
			e.outside(inst)
			return
		}
		var v uint64
		switch src := a[1].(type) {
		case x86asm.Imm:
			v = uint64(int64(src))
		case x86asm.Reg:
			if _, _, ok := gpr(src); !ok {
				e.outside(inst)
				return
			}
			v = e.read(src)
		default:
			e.outside(inst)
			return
		}
		n := e.size(inst)
		if n < 8 {
			v &= 1<<(8*n) - 1
		}
		e.store(addr, n, v)
	default:
		e.outside(inst)
	}
}

// arith is add/sub/cmp/test with a register destination (or first
// operand) and a register or immediate source; only ZF is kept.
func (e *executor) arith(inst x86asm.Inst) {
	a := inst.Args
	_, n, ok := gpr(a[0])
	if !ok {
		e.outside(inst)
		return
	}
	x := e.read(a[0])
	y, ok := e.operand(inst, a[1])
	if !ok {
		e.outside(inst)
		return
	}
	switch inst.Op {
	case x86asm.ADD:
		e.write(a[0], x+y)
		e.setZF(x+y, n)
	case x86asm.SUB:
		e.write(a[0], x-y)
		e.setZF(x-y, n)
	case x86asm.CMP:
		e.setZF(x-y, n)
	case x86asm.TEST:
		e.setZF(x&y, n)
	}
}

// int3 raises the breakpoint exception: the machine runs the handler of
// the exception source named "int3" (model/trap.go) with the address
// after the int3 as the frame's return address, as the CPU pushes it.
func (e *executor) int3() {
	e.X.Trap = "int3"
	e.Note("int3")
}

// PtRegs is where an exception or interrupt handler finds the frame it
// returns to, laid out as the kernel's struct pt_regs
// (arch/x86/include/asm/ptrace.h): the entry code (idtentry) hands the
// C handler a pointer to it, here this fixed address (write
// movabsq $PT_REGS, %rdi). Loads and stores of its 8-byte fields read and
// rewrite the model's frame (model.Frame): regs->ip is the return
// address, regs->sp the interrupted stack pointer, so int3_emulate_call
// is real code.
const PtRegs = 0xfffffe0000000000

// ptFields maps each 8-byte slot of struct pt_regs to a register number
// (-1: not kept; ptIP: the return address).
var ptFields = [...]int{15, 14, 13, 12, 5, 3, 11, 10, 9, 8, RAX, RCX, RDX, 6, 7, -1, ptIP, -1, RFLAGS, RSP, -1}

const ptIP = 100

func ptName(r int) string {
	if r == ptIP {
		return "rip"
	}
	return regNames[r]
}

// ptRegs reports whether a is a pt_regs field the handler may access.
func (e *executor) ptRegs(a uint64, size int) (int, bool) {
	if a < PtRegs || a >= PtRegs+8*uint64(len(ptFields)) {
		return 0, false
	}
	f, ok := e.CPU.(model.Frame)
	off := a - PtRegs
	switch {
	case !ok || !f.InFrame():
		e.Faultf("pt_regs accessed outside an interrupt or exception handler")
	case off%8 != 0 || size != 8 || ptFields[off/8] < 0:
		e.Faultf("pt_regs+%d (%d bytes) is not a modelled 8-byte field", off, size)
	default:
		return ptFields[off/8], true
	}
	return 0, false
}
