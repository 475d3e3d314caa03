package scenario

import (
	"github.com/ftcheck/ftcheck/ifetch"
	"github.com/ftcheck/ftcheck/ifetch/ppc64"
	"github.com/ftcheck/ftcheck/model"
)

// 64-bit PowerPC, little-endian (ppc64le): GNU syntax with r0..r31
// (-mregnames), the subset of ifetch/ppc64, fetched a word at a time
// under the same stale-until-synchronised word model as RISC-V (a CPU
// synchronises with isync; the patcher's flush_icache_range is its
// local fetch barrier step). There is no ppc64 memory model yet: files
// run under sc unless they name one.
func init() {
	registerArch(&arch{
		header: "PPC64", machine: "ppc64le", unit: 4, align: 4, mem: "sc", models: []string{"sc"},
		isa:       ppc64.ISA{},
		fixed:     ppc64Fixed,
		shapes:    ppc64Mnemonics,
		regNumber: ppc64.RegNumber,
		noZero:    true, // r0 is a register (only as a base it reads as 0)
		syncName:  "isync",
		size:      func(insn, resolver) (int, *Error) { return 4, nil },
		encode: func(in insn, pc uint64, r resolver) ([][]byte, *Error) {
			return wordBytes(in.encodePPC64(pc, r))
		},
		stores: ppc64.Stores,
		fetch: func(lo uint64, units []uint32, harts int) model.FetchState {
			return ifetch.NewWords(lo, units, harts)
		},
	})
}

var ppc64Mnemonics = map[string]string{
	"nop": "", "blr": "", "isync": "", "trap": "", "b": "target", "bl": "target",
	"ld": "rt, ds(ra)", "std": "rs, ds(ra)", "addi": "rt, ra, si", "li": "rt, si",
	"mflr": "rt", "mtlr": "rs", ".word": "value",
}

// ppc64Fixed are the instructions without operands.
var ppc64Fixed = map[string]uint32{"nop": ppc64.Nop, "blr": ppc64.Blr, "isync": ppc64.Isync, "trap": ppc64.Trap}

// encodePPC64 assembles one statement at pc. The encoders panic on
// operands they cannot encode; every range is checked here first.
func (in insn) encodePPC64(pc uint64, r resolver) ([]uint32, *Error) {
	mn := in.mn.val
	switch mn {
	case "b", "bl":
		if err := in.arity(1); err != nil {
			return nil, err
		}
		off, err := in.jumpTarget(0, pc, r, 26)
		if err == nil && off&3 != 0 {
			err = in.errorf(in.ops[0][0], "target %#x is not a multiple of 4 from %#x", pc+uint64(off), pc)
		}
		if err != nil {
			return nil, err
		}
		if mn == "b" {
			return []uint32{ppc64.B(off)}, nil
		}
		return []uint32{ppc64.Bl(off)}, nil
	case "ld", "std":
		rt, err := in.leadingRegs(1, in.ppcReg, 2)
		if err != nil {
			return nil, err
		}
		ds, ra, err := in.ppcMem(1, r)
		if err != nil {
			return nil, err
		}
		if mn == "ld" {
			return []uint32{ppc64.Ld(rt[0], ra, ds)}, nil
		}
		return []uint32{ppc64.Std(rt[0], ra, ds)}, nil
	case "addi":
		rs, err := in.leadingRegs(2, in.ppcReg, 3)
		if err != nil {
			return nil, err
		}
		si, err := in.signed(2, r, 16)
		return oneWord(ppc64.Addi(rs[0], rs[1], si), err)
	case "li":
		rt, err := in.leadingRegs(1, in.ppcReg, 2)
		if err != nil {
			return nil, err
		}
		si, err := in.signed(1, r, 16)
		return oneWord(ppc64.Li(rt[0], si), err)
	case "mflr", "mtlr":
		rt, err := in.leadingRegs(1, in.ppcReg, 1)
		if err != nil {
			return nil, err
		}
		if mn == "mflr" {
			return []uint32{ppc64.Mflr(rt[0])}, nil
		}
		return []uint32{ppc64.Mtlr(rt[0])}, nil
	case ".word":
		v, err := in.onlyValue(r)
		if err == nil && v>>32 != 0 {
			err = in.errorf(in.ops[0][0], "%#x does not fit in a word", v)
		}
		return oneWord(uint32(v), err)
	}
	return nil, in.errorf(in.mn, "unknown instruction %q (known: %s)", mn, in.a.knownMnemonics())
}

// ppcReg reads operand i as a register r0..r31.
func (in insn) ppcReg(i int) (int, *Error) { return in.register(i, ppc64.RegNumber, "r0..r31") }

// ppcMem reads a ds(ra) operand: ds a multiple of 4 that fits in 16 bits.
func (in insn) ppcMem(i int, r resolver) (ds int64, ra int, err *Error) {
	disp, reg, err := in.based(i, ppc64.RegNumber, "r0..r31", "ds(ra)", true)
	if err != nil {
		return 0, 0, err
	}
	if ds, err = disp.signed(0, r, 16); err != nil {
		return 0, 0, err
	}
	if ds&3 != 0 {
		return 0, 0, in.errorf(in.ops[i][0], "%s: the displacement %d is not a multiple of 4 (DS form)", in.mn.val, ds)
	}
	return ds, reg, nil
}
