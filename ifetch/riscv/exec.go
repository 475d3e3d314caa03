package riscv

import (
	"encoding/binary"
	"fmt"
	"regexp"
	"strconv"

	"golang.org/x/arch/riscv64/riscv64asm"

	"github.com/ftcheck/ftcheck/ifetch"
	"github.com/ftcheck/ftcheck/model"
)

// ISA is RV64 for model.Machine.
type ISA struct{}

func (ISA) Name() string { return "riscv64" }

var abiNames = [32]string{"zero", "ra", "sp", "gp", "tp", "t0", "t1", "t2", "s0", "s1",
	"a0", "a1", "a2", "a3", "a4", "a5", "a6", "a7", "s2", "s3", "s4", "s5", "s6", "s7",
	"s8", "s9", "s10", "s11", "t3", "t4", "t5", "t6"}

// RegName is the ABI name of register i.
func (ISA) RegName(i int) string { return abiNames[i] }

var xreg = regexp.MustCompile(`\bx([0-9]+)\b`)

// Disasm decodes one word with x/arch and renders it in GNU syntax with
// ABI register names (t0, ra), as kernel sources write them.
func Disasm(word uint32) (string, error) {
	inst, err := decode(word)
	if err != nil {
		return "", err
	}
	return abiSyntax(inst), nil
}

func abiSyntax(inst riscv64asm.Inst) string {
	s := riscv64asm.GNUSyntax(inst)
	return xreg.ReplaceAllStringFunc(s, func(m string) string {
		n, _ := strconv.Atoi(m[1:])
		if n < 32 {
			return abiNames[n]
		}
		return m
	})
}

// decoder caches riscv64asm and serialises it (see ifetch.WordDecoder).
var decoder = ifetch.NewWordDecoder(decodeUncached)

func decode(word uint32) (riscv64asm.Inst, error) { return decoder.Decode(word) }

func decodeUncached(word uint32) (riscv64asm.Inst, error) {
	var b [4]byte
	binary.LittleEndian.PutUint32(b[:], word)
	inst, err := riscv64asm.Decode(b[:])
	if err == nil && inst.Len != 4 {
		err = fmt.Errorf("compressed instruction")
	}
	return inst, err
}

// Step fetches the word at the PC, decodes it and executes it.
func (ISA) Step(cpu model.CPU) model.Exec { return stepper.Step(cpu) }

var stepper = ifetch.Stepper[riscv64asm.Inst]{
	Fetch: ifetch.FetchWord(decoder, func(cpu model.CPU, word uint32, pc uint64) model.Exec {
		if x, ok := privileged(word, pc, cpu.Tracing()); ok {
			return x
		}
		return model.Exec{Word: word, Disasm: "(illegal)", Fault: fmt.Sprintf("illegal instruction %#08x at %#x", word, pc)}
	}),
	Syntax: func(inst riscv64asm.Inst, _ uint64) string { return abiSyntax(inst) },
	Run:    func(s *ifetch.Step, inst riscv64asm.Inst, pc uint64) { (&executor{s}).run(inst, pc) },
}

type executor struct{ *ifetch.Step }

func reg(a riscv64asm.Arg) int { return int(a.(riscv64asm.Reg) - riscv64asm.X0) }

func (e *executor) set(rd int, v uint64) {
	if rd == 0 {
		return
	}
	e.CPU.SetReg(rd, v)
	if e.Tracing {
		e.Notef("%s = %#x", abiNames[rd], v)
	}
}

func (e *executor) run(inst riscv64asm.Inst, pc uint64) {
	a := inst.Args
	r := func(i int) uint64 { return e.CPU.Reg(reg(a[i])) }
	switch inst.Op {
	case riscv64asm.ADDI:
		e.set(reg(a[0]), r(1)+uint64(int64(a[2].(riscv64asm.Simm).Imm)))
	case riscv64asm.ORI:
		e.set(reg(a[0]), r(1)|uint64(int64(a[2].(riscv64asm.Simm).Imm)))
	case riscv64asm.ADD:
		e.set(reg(a[0]), r(1)+r(2))
	case riscv64asm.LUI:
		e.set(reg(a[0]), uint64(int64(int32(a[1].(riscv64asm.Uimm).Imm<<12))))
	case riscv64asm.AUIPC:
		e.set(reg(a[0]), pc+uint64(int64(int32(a[1].(riscv64asm.Uimm).Imm<<12))))
	case riscv64asm.JAL:
		target := pc + uint64(int64(a[1].(riscv64asm.Simm).Imm))
		e.set(reg(a[0]), pc+4)
		e.Jump(target)
		e.link(reg(a[0]), -1, 0, pc)
	case riscv64asm.JALR:
		ro := a[1].(riscv64asm.RegOffset)
		target := (e.CPU.Reg(int(ro.OfsReg-riscv64asm.X0)) + uint64(int64(ro.Ofs.Imm))) &^ 1
		e.set(reg(a[0]), pc+4)
		e.Jump(target)
		e.link(reg(a[0]), int(ro.OfsReg-riscv64asm.X0), ro.Ofs.Imm, pc)
	case riscv64asm.BEQ, riscv64asm.BNE:
		eq := r(0) == r(1)
		if eq == (inst.Op == riscv64asm.BEQ) {
			e.Jump(pc + uint64(int64(a[2].(riscv64asm.Simm).Imm)))
		} else {
			e.Note("not taken")
		}
	case riscv64asm.LD, riscv64asm.LW:
		addr, size := e.memOperand(a[1], inst.Op == riscv64asm.LW)
		v := e.CPU.Load(addr, size)
		if size == 4 {
			v = uint64(int64(int32(v)))
		}
		if e.Tracing {
			e.Notef("load%d [%#x]", size*8, addr)
		}
		e.set(reg(a[0]), v)
	case riscv64asm.SD, riscv64asm.SW:
		addr, size := e.memOperand(a[1], inst.Op == riscv64asm.SW)
		v := r(0)
		if size == 4 {
			v &= 0xffffffff
		}
		e.CPU.Store(addr, size, v)
		if e.Tracing {
			e.Notef("store%d [%#x] = %#x", size*8, addr, v)
		}
	case riscv64asm.FENCE:
		k := model.FenceKind{Pred: fenceSet(a[0]), Succ: fenceSet(a[1])}
		if inst.Enc>>28 == 8 { // fm=1000: fence.tso
			k.TSO = true
		}
		e.CPU.Fence(k)
		if e.Tracing {
			e.Note(k.String())
		}
	case riscv64asm.FENCE_I:
		e.CPU.SyncFetch()
		e.Note("instruction fetch synchronised")
	case riscv64asm.EBREAK:
		e.X.Halt = true
		e.Note("task finished")
	default:
		e.Faultf("%s is outside the modelled RV64 subset", inst.Op)
	}
}

// memOperand computes the address of an offset(reg) operand and the
// access size (4 for lw/sw, 8 for ld/sd).
func (e *executor) memOperand(arg riscv64asm.Arg, word bool) (addr uint64, size int) {
	ro := arg.(riscv64asm.RegOffset)
	addr = e.CPU.Reg(int(ro.OfsReg-riscv64asm.X0)) + uint64(int64(ro.Ofs.Imm))
	if word {
		return addr, 4
	}
	return addr, 8
}

// fenceSet maps riscv64asm's i,o,r,w bits to model's.
func fenceSet(a riscv64asm.Arg) uint8 {
	m := uint8(a.(riscv64asm.MemOrder))
	var s uint8
	if m&8 != 0 {
		s |= model.FenceI
	}
	if m&4 != 0 {
		s |= model.FenceO
	}
	if m&2 != 0 {
		s |= model.FenceR
	}
	if m&1 != 0 {
		s |= model.FenceW
	}
	return s
}

// link marks calls and returns for the shadow call stack (lost-return),
// by the calling convention's link registers (the RISC-V unprivileged
// spec's hint table for return-address stacks: x1 = ra, x5 = t0): a jal
// or jalr that writes ra or t0 is a call; a jalr x0, 0(ra or t0) is a
// return. rs is -1 for jal.
func (e *executor) link(rd, rs int, off int32, pc uint64) {
	isLink := func(r int) bool { return r == RA || r == T0 }
	switch {
	case isLink(rd):
		e.X.Call, e.X.ReturnAddr = true, pc+4
	case rd == Zero && rs >= 0 && isLink(rs) && off == 0:
		e.X.Return = true
	}
}
