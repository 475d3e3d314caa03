package ppc64

import (
	"encoding/binary"
	"fmt"

	"golang.org/x/arch/ppc64/ppc64asm"

	"github.com/ftcheck/ftcheck/ifetch"
	"github.com/ftcheck/ftcheck/model"
)

// ISA is ppc64le for model.Machine.
type ISA struct{}

func (ISA) Name() string { return "ppc64le" }

// RegName is register i's name in GNU syntax (with -mregnames).
func (ISA) RegName(i int) string { return fmt.Sprintf("r%d", i) }

// decoder caches ppc64asm and serialises it (see ifetch.WordDecoder).
var decoder = ifetch.NewWordDecoder(func(word uint32) (ppc64asm.Inst, error) {
	inst, err := ppc64asm.Decode(binary.LittleEndian.AppendUint32(nil, word), binary.LittleEndian)
	if err == nil && inst.Len != 4 {
		err = fmt.Errorf("prefixed instruction")
	}
	return inst, err
})

func decode(word uint32) (ppc64asm.Inst, error) { return decoder.Decode(word) }

// Disasm decodes one word with x/arch and renders it in GNU syntax, as
// if it sat at pc (branch targets are absolute).
func Disasm(word uint32, pc uint64) (string, error) {
	inst, err := decode(word)
	if err != nil {
		return "", err
	}
	return ppc64asm.GNUSyntax(inst, pc), nil
}

// Stores reports whether a word is a store (std, the only store the
// subset executes), which the reduction must know.
func Stores(word uint32) bool { return word>>26 == 62 }

// Step fetches the word at the PC, decodes it and executes it.
func (ISA) Step(cpu model.CPU) model.Exec { return stepper.Step(cpu) }

var stepper = ifetch.Stepper[ppc64asm.Inst]{
	Fetch: ifetch.FetchWord(decoder, func(_ model.CPU, word uint32, pc uint64) model.Exec {
		return model.Exec{Word: word, Disasm: "(illegal)", Fault: fmt.Sprintf("illegal instruction %#08x at %#x", word, pc)}
	}),
	Syntax: ppc64asm.GNUSyntax,
	Run:    func(s *ifetch.Step, inst ppc64asm.Inst, pc uint64) { (&executor{s}).run(inst, pc) },
}

type executor struct{ *ifetch.Step }

func gpr(a ppc64asm.Arg) int { return int(a.(ppc64asm.Reg) - ppc64asm.R0) }

func (e *executor) set(r int, v uint64) {
	e.CPU.SetReg(r, v)
	if e.Tracing {
		e.Notef("r%d = %#x", r, v)
	}
}

// base reads the RA operand of a D/DS-form access: r0 there means 0.
func (e *executor) base(a ppc64asm.Arg) uint64 {
	if r := gpr(a); r != 0 {
		return e.CPU.Reg(r)
	}
	return 0
}

func (e *executor) run(inst ppc64asm.Inst, pc uint64) {
	a := inst.Args
	spec, hasSpec := e.CPU.(model.SpecialRegs)
	switch inst.Op {
	case ppc64asm.NOP:
	case ppc64asm.B, ppc64asm.BL:
		target := pc + uint64(int64(a[0].(ppc64asm.PCRel)))
		if inst.Op == ppc64asm.BL {
			if !hasSpec {
				e.Faultf("bl: this machine keeps no link register")
				return
			}
			spec.SetSpecial(LR, pc+4)
			e.X.Call, e.X.ReturnAddr = true, pc+4
			if e.Tracing {
				e.Notef("lr = %#x", pc+4)
			}
		}
		e.Jump(target)
	case ppc64asm.BCLR:
		// Only the unconditional form: blr (BO = 20, BH = 0).
		if bo, ok := a[0].(ppc64asm.Imm); !ok || bo != 20 || inst.Enc&1 != 0 || !hasSpec {
			e.Faultf("%s is outside the modelled ppc64 subset (only blr)", ppc64asm.GNUSyntax(inst, pc))
			return
		}
		e.X.Return = true
		e.Jump(spec.Special(LR) &^ 3)
	case ppc64asm.LD:
		addr := e.base(a[2]) + uint64(int64(a[1].(ppc64asm.Offset)))
		v := e.CPU.Load(addr, 8)
		if e.Tracing {
			e.Notef("load64 [%#x]", addr)
		}
		e.set(gpr(a[0]), v)
	case ppc64asm.STD:
		addr := e.base(a[2]) + uint64(int64(a[1].(ppc64asm.Offset)))
		v := e.CPU.Reg(gpr(a[0]))
		e.CPU.Store(addr, 8, v)
		if e.Tracing {
			e.Notef("store64 [%#x] = %#x", addr, v)
		}
	case ppc64asm.ADDI:
		e.set(gpr(a[0]), e.base(a[1])+uint64(int64(a[2].(ppc64asm.Imm))))
	case ppc64asm.LI:
		e.set(gpr(a[0]), uint64(int64(a[1].(ppc64asm.Imm))))
	case ppc64asm.MFSPR, ppc64asm.MTSPR:
		to := inst.Op == ppc64asm.MTSPR
		sprArg, regArg := a[1], a[0]
		if to {
			sprArg, regArg = a[0], a[1]
		}
		if sprArg.(ppc64asm.SpReg) != 8 || !hasSpec {
			e.Faultf("%s is outside the modelled ppc64 subset (only mflr, mtlr)", ppc64asm.GNUSyntax(inst, pc))
			return
		}
		if to {
			v := e.CPU.Reg(gpr(regArg))
			spec.SetSpecial(LR, v)
			if e.Tracing {
				e.Notef("lr = %#x", v)
			}
		} else {
			e.set(gpr(regArg), spec.Special(LR))
		}
	case ppc64asm.ISYNC:
		e.CPU.SyncFetch()
		e.Note("instruction fetch synchronised")
	case ppc64asm.TW:
		if inst.Enc != Trap {
			e.Faultf("%s is outside the modelled ppc64 subset (only trap)", ppc64asm.GNUSyntax(inst, pc))
			return
		}
		e.X.Halt = true
		e.Note("task finished")
	default:
		e.Faultf("%s is outside the modelled ppc64 subset", inst.Op)
	}
}
