package arm64

import (
	"encoding/binary"
	"fmt"
	"regexp"
	"strings"

	"golang.org/x/arch/arm64/arm64asm"

	"github.com/ftcheck/ftcheck/ifetch"
	"github.com/ftcheck/ftcheck/model"
)

// ISA is AArch64 (little-endian) for model.Machine.
type ISA struct{}

func (ISA) Name() string { return "arm64" }

// RegName names register i.
func (ISA) RegName(i int) string { return RegName(i) }

// decoder caches arm64asm and serialises it (see ifetch.WordDecoder).
var decoder = ifetch.NewWordDecoder(func(word uint32) (arm64asm.Inst, error) {
	var b [4]byte
	binary.LittleEndian.PutUint32(b[:], word)
	return arm64asm.Decode(b[:])
})

func decode(word uint32) (arm64asm.Inst, error) { return decoder.Decode(word) }

// Disasm decodes one word and renders it in GNU syntax, or says why not.
func Disasm(word uint32) string {
	inst, err := decode(word)
	if err != nil {
		return fmt.Sprintf(".inst %#08x (no instruction)", word)
	}
	return syntax(inst)
}

func syntax(inst arm64asm.Inst) string {
	s := strings.TrimSpace(arm64asm.GNUSyntax(inst))
	if rel, ok := inst.Args[0].(arm64asm.PCRel); ok && rel < 0 {
		// x/arch prints a backward target as a huge forward one.
		s = strings.Fields(s)[0] + fmt.Sprintf(" .-%#x", uint64(-rel))
	}
	// The kernel's names for x30 and x29, as a whole word only: the x30
	// inside an immediate such as 0x300 is no register.
	s = linkRegister.ReplaceAllString(s, "lr")
	return framePointer.ReplaceAllString(s, "fp")
}

var (
	linkRegister = regexp.MustCompile(`\bx30\b`)
	framePointer = regexp.MustCompile(`\bx29\b`)
)

// CMODX reports whether word is one of the instructions the Arm ARM
// (B2.2.5 in DDI0487E.a) lets be modified while another CPU executes
// it: B, BL, NOP, BRK, SVC, HVC, SMC, ISB. The kernel's own list is
// aarch64_insn_hotpatch_safe() in arch/arm64/kernel/insn.c.
func CMODX(word uint32) bool {
	inst, err := decode(word)
	if err != nil {
		return false
	}
	switch inst.Op {
	case arm64asm.B, arm64asm.BL, arm64asm.NOP, arm64asm.BRK, arm64asm.SVC, arm64asm.HVC, arm64asm.SMC, arm64asm.ISB:
		return true
	}
	return false
}

// Stores reports whether a word may be a store (the harts' code then
// writes memory, which the reduction must know).
func Stores(word uint32) bool {
	inst, err := decode(word)
	if err != nil {
		return false
	}
	switch inst.Op {
	case arm64asm.STR, arm64asm.STP, arm64asm.STUR, arm64asm.STRB, arm64asm.STRH, arm64asm.STLR,
		arm64asm.STXR, arm64asm.STLXR, arm64asm.STNP, arm64asm.STURB, arm64asm.STURH:
		return true
	}
	return false
}

// Step fetches the word at the PC, decodes it and executes it.
func (ISA) Step(cpu model.CPU) model.Exec { return stepper.Step(cpu) }

var stepper = ifetch.Stepper[arm64asm.Inst]{
	Fetch: ifetch.FetchWord(decoder, func(_ model.CPU, word uint32, pc uint64) model.Exec {
		why := fmt.Sprintf("undefined instruction %#08x at %#x", word, pc)
		return model.Exec{Word: word, Disasm: "(undefined)", BadFetch: why, Fault: why}
	}),
	Syntax: func(inst arm64asm.Inst, _ uint64) string { return syntax(inst) },
	Run:    func(s *ifetch.Step, inst arm64asm.Inst, pc uint64) { (&executor{s}).run(inst, pc) },
}

type executor struct{ *ifetch.Step }

// reg reads a register operand: XZR reads 0, SP register 31.
func (e *executor) reg(a arm64asm.Arg) (uint64, bool) {
	n, ok := regNum(a)
	if !ok {
		e.Faultf("operand %v is not a 64-bit register", a)
		return 0, false
	}
	if n == XZR {
		return 0, true
	}
	return e.CPU.Reg(n), true
}

func (e *executor) set(a arm64asm.Arg, v uint64) {
	n, ok := regNum(a)
	if !ok {
		e.Faultf("operand %v is not a 64-bit register", a)
		return
	}
	if n == XZR {
		return
	}
	e.CPU.SetReg(n, v)
	if e.Tracing {
		e.Notef("%s = %#x", RegName(n), v)
	}
}

// regNum maps an x/arch register operand to the register file.
func regNum(a arm64asm.Arg) (int, bool) {
	switch r := a.(type) {
	case arm64asm.Reg:
		switch {
		case r >= arm64asm.X0 && r <= arm64asm.X30:
			return int(r - arm64asm.X0), true
		case r == arm64asm.XZR:
			return XZR, true
		case r == arm64asm.SP:
			return SP, true
		}
	case arm64asm.RegSP:
		switch {
		case arm64asm.Reg(r) >= arm64asm.X0 && arm64asm.Reg(r) <= arm64asm.X30:
			return int(arm64asm.Reg(r) - arm64asm.X0), true
		case arm64asm.Reg(r) == arm64asm.SP:
			return SP, true
		}
	}
	return 0, false
}

func (e *executor) call(pc, target uint64) {
	e.CPU.SetReg(LR, pc+4)
	if e.Tracing {
		e.Notef("lr = %#x", pc+4)
	}
	e.X.Call, e.X.ReturnAddr = true, pc+4
	e.Jump(target)
}

func sext(v uint32, bits uint) int64 { return int64(int32(v<<(32-bits)) >> (32 - bits)) }

func (e *executor) run(inst arm64asm.Inst, pc uint64) {
	a, enc := inst.Args, inst.Enc
	switch inst.Op {
	case arm64asm.NOP:
	case arm64asm.B:
		e.Jump(pc + uint64(a[0].(arm64asm.PCRel)))
	case arm64asm.BL:
		e.call(pc, pc+uint64(a[0].(arm64asm.PCRel)))
	case arm64asm.BR, arm64asm.BLR, arm64asm.RET:
		t, ok := e.reg(a[0])
		if !ok {
			return
		}
		switch inst.Op {
		case arm64asm.BLR:
			e.call(pc, t)
		case arm64asm.RET:
			e.X.Return = true
			e.Jump(t)
		default:
			e.Jump(t)
		}
	case arm64asm.MOV:
		if enc>>31 == 0 {
			e.Faultf("32-bit mov is outside the modelled subset")
			return
		}
		switch s := a[1].(type) {
		case arm64asm.Imm64:
			e.set(a[0], s.Imm)
		default:
			v, ok := e.reg(s)
			if ok {
				e.set(a[0], v)
			}
		}
	case arm64asm.ADD, arm64asm.SUB:
		if _, isImm := a[2].(arm64asm.ImmShift); !isImm || enc>>31 == 0 {
			e.Faultf("%s: only 64-bit add/sub with an immediate is modelled", inst.Op)
			return
		}
		imm := uint64(enc >> 10 & 0xfff)
		if enc>>22&1 == 1 {
			imm <<= 12
		}
		v, ok := e.reg(a[1])
		if !ok {
			return
		}
		if inst.Op == arm64asm.SUB {
			imm = -imm
		}
		e.set(a[0], v+imm)
	case arm64asm.ADR, arm64asm.ADRP:
		imm := sext(enc>>5&0x7ffff<<2|enc>>29&3, 21)
		if inst.Op == arm64asm.ADR {
			e.set(a[0], pc+uint64(imm))
		} else {
			e.set(a[0], pc&^0xfff+uint64(imm<<12))
		}
	case arm64asm.LDR, arm64asm.STR, arm64asm.LDUR:
		e.loadStore(inst, pc)
	case arm64asm.AND:
		e.andImm(inst)
	case arm64asm.HINT:
		if hint := enc >> 5 & 0x7f; hint&^6 != 0x20 { // BTI, BTI c/j/jc: 0x20..0x26, even
			e.Faultf("hint #%#x is outside the modelled arm64 subset", hint)
			return
		}
		if e.Tracing {
			e.Notef("bti: a landing pad (BTI is not enforced)")
		}
	case arm64asm.LDP, arm64asm.STP:
		e.pair(inst)
	case arm64asm.DMB:
		k := map[uint32]model.FenceKind{
			BarrierISHLD: {Pred: model.FenceR, Succ: model.FenceR | model.FenceW},
			BarrierISHST: model.FenceWW,
		}[enc>>8&0xf]
		if k == (model.FenceKind{}) {
			k = model.FenceRWRW
		}
		e.CPU.Fence(k)
		e.Note(k.String())
	case arm64asm.DSB:
		all := model.FenceI | model.FenceO | model.FenceR | model.FenceW
		e.CPU.Fence(model.FenceKind{Pred: all, Succ: all})
		e.Note("dsb: every earlier access complete")
	case arm64asm.ISB:
		e.CPU.SyncFetch()
		e.Note("context synchronised: instructions fetched before are discarded")
	case arm64asm.BRK:
		if imm := a[0].(arm64asm.Imm).Imm; imm != 0 {
			e.Faultf("brk #%#x: a breakpoint trap (BUG or kprobe), not modelled", imm)
			return
		}
		e.X.Halt = true
		e.Note("task finished")
	default:
		e.Faultf("%s is outside the modelled arm64 subset", inst.Op)
	}
}

// loadStore runs a 64-bit ldr/str with an immediate or a literal.
func (e *executor) loadStore(inst arm64asm.Inst, pc uint64) {
	a, enc := inst.Args, inst.Enc
	if rel, ok := a[1].(arm64asm.PCRel); ok { // ldr xt, literal
		if enc>>30 != 1 {
			e.Faultf("only 64-bit literal loads are modelled")
			return
		}
		addr := pc + uint64(rel)
		v := e.CPU.Load(addr, 8)
		if e.Tracing {
			e.Notef("load64 [%#x]", addr)
		}
		e.set(a[0], v)
		return
	}
	m, ok := a[1].(arm64asm.MemImmediate)
	if !ok || enc>>30 != 3 {
		e.Faultf("%s: only 64-bit loads and stores with an immediate offset are modelled", inst.Op)
		return
	}
	var off int64
	if enc>>24&1 == 1 { // unsigned scaled offset
		off = int64(enc>>10&0xfff) * 8
	} else {
		off = sext(enc>>12&0x1ff, 9)
	}
	addr := e.address(m, off)
	if e.X.Fault != "" {
		return
	}
	if inst.Op == arm64asm.LDR || inst.Op == arm64asm.LDUR {
		v := e.CPU.Load(addr, 8)
		if e.Tracing {
			e.Notef("load64 [%#x]", addr)
		}
		e.set(a[0], v)
	} else {
		v, ok := e.reg(a[0])
		if !ok {
			return
		}
		e.CPU.Store(addr, 8, v)
		if e.Tracing {
			e.Notef("store64 [%#x] = %#x", addr, v)
		}
	}
	e.writeback(m, off)
}

// andImm runs the 64-bit and xd, xn, #bitmask (bic with an immediate
// is this with the inverted mask).
func (e *executor) andImm(inst arm64asm.Inst) {
	imm, ok := inst.Args[2].(arm64asm.Imm64)
	if !ok || inst.Enc>>31 == 0 {
		e.Faultf("and: only the 64-bit form with a bitmask immediate is modelled")
		return
	}
	v, ok := e.reg(inst.Args[1])
	if ok {
		e.set(inst.Args[0], v&imm.Imm)
	}
}

// pair runs a 64-bit ldp/stp.
func (e *executor) pair(inst arm64asm.Inst) {
	a, enc := inst.Args, inst.Enc
	m, ok := a[2].(arm64asm.MemImmediate)
	if !ok || enc>>30 != 2 {
		e.Faultf("%s: only 64-bit register pairs are modelled", inst.Op)
		return
	}
	off := sext(enc>>15&0x7f, 7) * 8
	addr := e.address(m, off)
	if e.X.Fault != "" {
		return
	}
	if inst.Op == arm64asm.LDP {
		v1 := e.CPU.Load(addr, 8)
		v2 := e.CPU.Load(addr+8, 8)
		if e.Tracing {
			e.Notef("load128 [%#x]", addr)
		}
		e.set(a[0], v1)
		e.set(a[1], v2)
	} else {
		v1, ok1 := e.reg(a[0])
		v2, ok2 := e.reg(a[1])
		if !ok1 || !ok2 {
			return
		}
		e.CPU.Store(addr, 8, v1)
		e.CPU.Store(addr+8, 8, v2)
		if e.Tracing {
			e.Notef("store128 [%#x] = %#x, %#x", addr, v1, v2)
		}
	}
	e.writeback(m, off)
}

// address is the effective address of an immediate-offset operand.
func (e *executor) address(m arm64asm.MemImmediate, off int64) uint64 {
	base, ok := e.reg(m.Base)
	if !ok {
		return 0
	}
	switch m.Mode {
	case arm64asm.AddrOffset, arm64asm.AddrPreIndex:
		return base + uint64(off)
	case arm64asm.AddrPostIndex:
		return base
	}
	e.Faultf("addressing mode %v is not modelled", m)
	return 0
}

// writeback updates the base register of a pre- or post-indexed access.
func (e *executor) writeback(m arm64asm.MemImmediate, off int64) {
	if m.Mode == arm64asm.AddrPreIndex || m.Mode == arm64asm.AddrPostIndex {
		base, _ := e.reg(m.Base)
		e.set(m.Base, base+uint64(off))
	}
}
