package scenario

import (
	"encoding/binary"
	"strings"

	"github.com/ftcheck/ftcheck/ifetch"
	"github.com/ftcheck/ftcheck/ifetch/riscv"
	"github.com/ftcheck/ftcheck/model"
)

// RISC-V (RV64, little-endian): GNU syntax with ABI register names,
// executed by ifetch/riscv and fetched a 4-byte word at a time. Besides
// the 4-byte instructions, the compressed ones of the C extension
// (c.nop, c.addi, ...: 2 bytes, written with their c. names, as GNU as
// takes them) and .half; an instruction may start at any even address,
// so a 4-byte one can straddle two fetch units.
func init() {
	registerArch(&arch{
		header: "RISCV", machine: "riscv64", unit: 4, align: 2, mem: "rvwmo", models: []string{"rvwmo", "tso", "sc"},
		isa:       riscv.ISA{},
		fixed:     riscvFixed,
		shapes:    riscvMnemonics,
		regNumber: riscv.RegNumber,
		size:      riscvSize,
		encode: func(in insn, pc uint64, r resolver) ([][]byte, *Error) {
			if strings.HasPrefix(in.mn.val, "c.") || in.mn.val == ".half" {
				h, err := in.encodeRVC(pc, r)
				if err != nil {
					return nil, err
				}
				return [][]byte{binary.LittleEndian.AppendUint16(nil, h)}, nil
			}
			return wordBytes(in.encodeRISCV(pc, r))
		},
		stores:     riscvStores,
		insnStores: riscvInsnStores,
		fetch: func(lo uint64, units []uint32, harts int) model.FetchState {
			return ifetch.NewWords(lo, units, harts)
		},
	})
}

// riscvStores reports whether a word is a store (sd, sw, an AMO): the
// harts' code then writes memory, which the reduction must know.
func riscvStores(w uint32) bool { return w&0x7f == 0x23 || w&0x7f == 0x2f }

// riscvInsnStores is riscvStores for one instruction's bytes, 2 or 4: a
// fetch unit can hold halves of two instructions, so the text is judged
// by instruction.
func riscvInsnStores(code []byte) bool {
	if len(code) == 2 {
		return riscv.CStores(binary.LittleEndian.Uint16(code))
	}
	return riscvStores(binary.LittleEndian.Uint32(code))
}

// mnemonics the assembler knows, with their operand shapes (for errors).
var riscvMnemonics = map[string]string{
	"nop": "", "ebreak": "", "sret": "", "fence.i": "", "fence.tso": "", "fence": "[pred, succ]",
	"ret": "", "jr": "rs", "jalr": "rs | rd, off(rs) | rd, rs, off", "jal": "target | rd, target",
	"j": "target", "call": "target", "beq": "rs1, rs2, target", "bne": "rs1, rs2, target",
	"beqz": "rs, target", "bnez": "rs, target", "addi": "rd, rs, imm", "ori": "rd, rs, imm",
	"add": "rd, rs1, rs2", "mv": "rd, rs", "li": "rd, imm", "lui": "rd, imm20", "auipc": "rd, imm20",
	"la": "rd, symbol", "ld": "rd, off(rs)", "lw": "rd, off(rs)", "sd": "rs2, off(rs)", "sw": "rs2, off(rs)",
	".word": "value", ".half": "value",
	"c.nop": "", "c.ebreak": "", "c.addi": "rd, imm", "c.li": "rd, imm", "c.mv": "rd, rs", "c.add": "rd, rs",
	"c.jr": "rs", "c.jalr": "rs", "c.j": "target", "c.ldsp": "rd, off(sp)", "c.sdsp": "rs2, off(sp)",
}

// size is the statement's length in bytes; li needs its value now, so
// consts resolves only constants.
func riscvSize(in insn, consts resolver) (int, *Error) {
	switch in.mn.val {
	case "la", "call":
		return 8, nil
	case "li":
		if err := in.arity(2); err != nil {
			return 0, err
		}
		v, err := in.value(1, consts)
		if err != nil {
			return 0, errorf(err.Pos, "li needs a constant (use la for an address): %s", err.Msg)
		}
		if _, _, n, err := in.liParts(int64(v)); err != nil {
			return 0, err
		} else {
			return 4 * n, nil
		}
	case ".half":
		return 2, nil
	}
	if strings.HasPrefix(in.mn.val, "c.") {
		return 2, nil
	}
	return 4, nil
}

// encodeRVC assembles a compressed instruction or .half at pc. Operands
// the 16-bit form cannot hold are errors here (the encoders panic on
// them).
func (in insn) encodeRVC(pc uint64, r resolver) (uint16, *Error) {
	mn := in.mn.val
	nonzero := func(i int) (int, *Error) {
		rd, err := in.reg(i)
		if err == nil && rd == riscv.Zero {
			err = in.errorf(in.ops[i][0], "%s cannot name x0 here", mn)
		}
		return rd, err
	}
	switch mn {
	case "c.nop", "c.ebreak":
		if err := in.arity(0); err != nil {
			return 0, err
		}
		if mn == "c.nop" {
			return riscv.CNop, nil
		}
		return riscv.CEbreak, nil
	case "c.addi", "c.li":
		if err := in.arity(2); err != nil {
			return 0, err
		}
		rd, err := nonzero(0)
		if err != nil {
			return 0, err
		}
		imm, err := in.signed(1, r, 6)
		if err != nil {
			return 0, err
		}
		if mn == "c.li" {
			return riscv.CLi(rd, imm), nil
		}
		if imm == 0 {
			return 0, in.errorf(in.ops[1][0], "c.addi needs a nonzero immediate (c.addi rd, 0 is a hint)")
		}
		return riscv.CAddi(rd, imm), nil
	case "c.mv", "c.add":
		if err := in.arity(2); err != nil {
			return 0, err
		}
		rd, err := nonzero(0)
		if err != nil {
			return 0, err
		}
		rs, err := nonzero(1)
		if err != nil {
			return 0, err
		}
		if mn == "c.mv" {
			return riscv.CMv(rd, rs), nil
		}
		return riscv.CAdd(rd, rs), nil
	case "c.jr", "c.jalr":
		if err := in.arity(1); err != nil {
			return 0, err
		}
		rs, err := nonzero(0)
		if err != nil {
			return 0, err
		}
		if mn == "c.jr" {
			return riscv.CJr(rs), nil
		}
		return riscv.CJalr(rs), nil
	case "c.j":
		if err := in.arity(1); err != nil {
			return 0, err
		}
		off, err := in.jumpTarget(0, pc, r, 12)
		if err != nil {
			return 0, err
		}
		return riscv.CJ(off), nil
	case "c.ldsp", "c.sdsp":
		if err := in.arity(2); err != nil {
			return 0, err
		}
		var rt int
		var err *Error
		if mn == "c.ldsp" {
			rt, err = nonzero(0)
		} else {
			rt, err = in.reg(0)
		}
		if err != nil {
			return 0, err
		}
		off, rs, err := in.mem(1, r)
		if err != nil {
			return 0, err
		}
		if rs != riscv.SP {
			return 0, in.errorf(in.ops[1][0], "%s addresses sp only: off(sp)", mn)
		}
		if off < 0 || off > 504 || off%8 != 0 {
			return 0, in.errorf(in.ops[1][0], "%s offset %d is not a multiple of 8 in 0..504", mn, off)
		}
		if mn == "c.ldsp" {
			return riscv.CLdsp(rt, off), nil
		}
		return riscv.CSdsp(rt, off), nil
	case ".half":
		v, err := in.onlyValue(r)
		if err != nil {
			return 0, err
		}
		if v > 0xffff && !fits(int64(v), 16) {
			return 0, in.errorf(in.ops[0][0], ".half %#x does not fit in 16 bits", v)
		}
		return uint16(v), nil
	}
	return 0, in.errorf(in.mn, "unknown instruction %q (known: %s)", mn, in.a.knownMnemonics())
}

// regFirstOfTwo checks that the instruction has two operands and reads
// the first as a register (rd of lui/auipc/la/li, rt of loads and stores).
func (in insn) regFirstOfTwo() (int, *Error) {
	if err := in.arity(2); err != nil {
		return 0, err
	}
	return in.reg(0)
}

// reg reads operand i as a register: an ABI name or x0..x31.
func (in insn) reg(i int) (int, *Error) { return in.register(i, riscv.RegNumber, "") }

// upper evaluates a lui/auipc immediate: 0..0xfffff as GNU as writes it,
// or a negative value that fits in 20 bits.
func (in insn) upper(i int, r resolver) (int64, *Error) {
	v, err := in.value(i, r)
	if err != nil {
		return 0, err
	}
	s := int64(v)
	switch {
	case s >= 1<<19 && s < 1<<20:
		return s - 1<<20, nil
	case fits(s, 20):
		return s, nil
	}
	return 0, in.errorf(in.ops[i][0], "%d does not fit in a 20-bit immediate (0 to 0xfffff)", s)
}

// mem reads an off(rs) operand; off may be empty.
func (in insn) mem(i int, r resolver) (off int64, rs int, err *Error) {
	disp, rs, err := in.based(i, riscv.RegNumber, "", "off(reg)", false)
	if err != nil || disp == nil {
		return 0, rs, err
	}
	off, err = disp.signed(0, r, 12)
	return off, rs, err
}

// pcRelative evaluates operand i, an address v that an auipc at pc and
// the instruction after it reach (call, la): hi is auipc's immediate and
// lo the other's. what names v in the error.
func (in insn) pcRelative(i int, pc uint64, r resolver, what string) (v uint64, hi, lo int64, err *Error) {
	if v, err = in.value(i, r); err != nil {
		return 0, 0, 0, err
	}
	hi, lo = riscv.HiLo(int64(v - pc))
	if !fits(hi, 20) {
		return 0, 0, 0, in.errorf(in.ops[i][0], "%s%#x is out of reach of auipc at %#x", what, v, pc)
	}
	return v, hi, lo, nil
}

// liParts splits a li constant into lui and addi immediates.
func (in insn) liParts(v int64) (hi, lo int64, words int, err *Error) {
	if fits(v, 12) {
		return 0, v, 1, nil
	}
	hi, lo = riscv.HiLo(v)
	if !fits(hi, 20) {
		return 0, 0, 0, in.errorf(in.ops[1][0], "li %d: only values that lui+addi can build (32-bit) are supported", v)
	}
	if lo == 0 {
		return hi, 0, 1, nil
	}
	return hi, lo, 2, nil
}

// riscvFixed are the instructions without operands.
var riscvFixed = map[string]uint32{"nop": riscv.Nop, "ebreak": riscv.Ebreak, "fence.i": riscv.FenceI,
	"fence.tso": riscv.FenceTSO, "ret": riscv.Jalr(riscv.Zero, riscv.RA, 0), "sret": riscv.Sret}

// encodeRISCV assembles the statement at pc.
func (in insn) encodeRISCV(pc uint64, r resolver) ([]uint32, *Error) {
	mn := in.mn.val
	switch mn {
	case "fence":
		if err := in.arity(0, 2); err != nil {
			return nil, err
		}
		if len(in.ops) == 0 {
			return []uint32{riscv.Fence(0xf, 0xf)}, nil
		}
		p, err := in.fenceSet(0)
		if err != nil {
			return nil, err
		}
		s, err := in.fenceSet(1)
		return oneWord(riscv.Fence(p, s), err)
	case "jr":
		if err := in.arity(1); err != nil {
			return nil, err
		}
		rs, err := in.reg(0)
		return oneWord(riscv.Jalr(riscv.Zero, rs, 0), err)
	case "jalr":
		return in.jalr(r)
	case "jal", "j":
		rd, ti := riscv.RA, 0
		if mn == "j" {
			if err := in.arity(1); err != nil {
				return nil, err
			}
			rd = riscv.Zero
		} else {
			if err := in.arity(1, 2); err != nil {
				return nil, err
			}
			if len(in.ops) == 2 {
				var err *Error
				if rd, err = in.reg(0); err != nil {
					return nil, err
				}
				ti = 1
			}
		}
		off, err := in.jumpTarget(ti, pc, r, 21)
		return oneWord(riscv.Jal(rd, off), err)
	case "call":
		if err := in.arity(1); err != nil {
			return nil, err
		}
		v, hi, lo, err := in.pcRelative(0, pc, r, "call target ")
		if err != nil {
			return nil, err
		}
		in.jumpsTo(0, v)
		return []uint32{riscv.Auipc(riscv.RA, hi), riscv.Jalr(riscv.RA, riscv.RA, lo)}, nil
	case "beq", "bne", "beqz", "bnez":
		return in.branch(pc, r)
	case "addi", "ori":
		if err := in.arity(3); err != nil {
			return nil, err
		}
		rd, rs, err := in.twoRegs()
		if err != nil {
			return nil, err
		}
		imm, err := in.signed(2, r, 12)
		if mn == "ori" {
			return oneWord(riscv.Ori(rd, rs, imm), err)
		}
		return oneWord(riscv.Addi(rd, rs, imm), err)
	case "add":
		if err := in.arity(3); err != nil {
			return nil, err
		}
		rd, rs, err := in.twoRegs()
		if err != nil {
			return nil, err
		}
		rs2, err := in.reg(2)
		return oneWord(riscv.Add(rd, rs, rs2), err)
	case "mv":
		if err := in.arity(2); err != nil {
			return nil, err
		}
		rd, rs, err := in.twoRegs()
		return oneWord(riscv.Addi(rd, rs, 0), err)
	case "li":
		return in.li(r)
	case "lui", "auipc":
		rd, err := in.regFirstOfTwo()
		if err != nil {
			return nil, err
		}
		imm, err := in.upper(1, r)
		if mn == "lui" {
			return oneWord(riscv.Lui(rd, imm), err)
		}
		return oneWord(riscv.Auipc(rd, imm), err)
	case "la":
		rd, err := in.regFirstOfTwo()
		if err != nil {
			return nil, err
		}
		_, hi, lo, err := in.pcRelative(1, pc, r, "")
		if err != nil {
			return nil, err
		}
		return []uint32{riscv.Auipc(rd, hi), riscv.Addi(rd, rd, lo)}, nil
	case "ld", "lw", "sd", "sw":
		rt, err := in.regFirstOfTwo()
		if err != nil {
			return nil, err
		}
		off, rs, err := in.mem(1, r)
		if err != nil {
			return nil, err
		}
		enc := map[string]func(int, int, int64) uint32{"ld": riscv.Ld, "lw": riscv.Lw, "sd": riscv.Sd, "sw": riscv.Sw}[mn]
		return []uint32{enc(rt, rs, off)}, nil
	case ".word":
		v, err := in.onlyValue(r)
		if err != nil {
			return nil, err
		}
		if v > 0xffffffff && !fits(int64(v), 32) {
			return nil, in.errorf(in.ops[0][0], ".word %#x does not fit in 32 bits", v)
		}
		return []uint32{uint32(v)}, nil
	}
	return nil, in.errorf(in.mn, "unknown instruction %q (known: %s)", mn, in.a.knownMnemonics())
}

func (in insn) twoRegs() (int, int, *Error) {
	rd, err := in.reg(0)
	if err != nil {
		return 0, 0, err
	}
	rs, err := in.reg(1)
	return rd, rs, err
}

// jalr accepts GNU's forms: jalr rs; jalr rd, off(rs); jalr rd, rs[, off].
func (in insn) jalr(r resolver) ([]uint32, *Error) {
	if err := in.arity(1, 2, 3); err != nil {
		return nil, err
	}
	if len(in.ops) == 1 {
		rs, err := in.reg(0)
		if err != nil {
			return nil, err
		}
		return []uint32{riscv.Jalr(riscv.RA, rs, 0)}, nil
	}
	rd, err := in.reg(0)
	if err != nil {
		return nil, err
	}
	if len(in.ops) == 2 && len(in.ops[1]) > 1 {
		off, rs, err := in.mem(1, r)
		if err != nil {
			return nil, err
		}
		return []uint32{riscv.Jalr(rd, rs, off)}, nil
	}
	rs, err := in.reg(1)
	if err != nil {
		return nil, err
	}
	var off int64
	if len(in.ops) == 3 {
		if off, err = in.signed(2, r, 12); err != nil {
			return nil, err
		}
	}
	return []uint32{riscv.Jalr(rd, rs, off)}, nil
}

func (in insn) branch(pc uint64, r resolver) ([]uint32, *Error) {
	zero := strings.HasSuffix(in.mn.val, "z")
	n := 3
	if zero {
		n = 2
	}
	if err := in.arity(n); err != nil {
		return nil, err
	}
	rs1, err := in.reg(0)
	if err != nil {
		return nil, err
	}
	rs2 := riscv.Zero
	if !zero {
		if rs2, err = in.reg(1); err != nil {
			return nil, err
		}
	}
	off, err := in.jumpTarget(n-1, pc, r, 13)
	if err != nil {
		return nil, err
	}
	if strings.HasPrefix(in.mn.val, "beq") {
		return []uint32{riscv.Beq(rs1, rs2, off)}, nil
	}
	return []uint32{riscv.Bne(rs1, rs2, off)}, nil
}

func (in insn) li(r resolver) ([]uint32, *Error) {
	rd, err := in.regFirstOfTwo()
	if err != nil {
		return nil, err
	}
	v, err := in.value(1, r)
	if err != nil {
		return nil, err
	}
	hi, lo, n, err := in.liParts(int64(v))
	if err != nil {
		return nil, err
	}
	switch {
	case n == 1 && hi == 0:
		return []uint32{riscv.Addi(rd, riscv.Zero, lo)}, nil
	case n == 1:
		return []uint32{riscv.Lui(rd, hi)}, nil
	}
	return []uint32{riscv.Lui(rd, hi), riscv.Addi(rd, rd, lo)}, nil
}

// fenceSet reads a FENCE predecessor or successor set such as rw or w.
func (in insn) fenceSet(i int) (uint8, *Error) {
	op := in.ops[i]
	if len(op) != 1 || op[0].kind != tkIdent || op[0].val == "" {
		return 0, in.errorf(op[0], "expected a fence set (letters of iorw), found %q", in.text(i))
	}
	var s uint8
	for _, c := range op[0].val {
		bit := map[rune]uint8{'i': 8, 'o': 4, 'r': 2, 'w': 1}[c]
		if bit == 0 || s&bit != 0 {
			return 0, in.errorf(op[0], "bad fence set %q (letters of iorw, each once)", op[0].val)
		}
		s |= bit
	}
	return s, nil
}
