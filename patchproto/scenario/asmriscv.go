package scenario

import (
	"strings"

	"github.com/ftcheck/ftcheck/ifetch"
	"github.com/ftcheck/ftcheck/ifetch/riscv"
	"github.com/ftcheck/ftcheck/model"
)

// RISC-V (RV64, little-endian, 4-byte instructions, no compressed ones):
// GNU syntax with ABI register names, executed by ifetch/riscv and
// fetched a word at a time.
func init() {
	registerArch(&arch{
		header: "RISCV", machine: "riscv64", unit: 4, align: 4, mem: "rvwmo", models: []string{"rvwmo", "tso", "sc"},
		isa:       riscv.ISA{},
		fixed:     riscvFixed,
		shapes:    riscvMnemonics,
		regNumber: riscv.RegNumber,
		size:      riscvSize,
		encode: func(in insn, pc uint64, r resolver) ([][]byte, *Error) {
			return wordBytes(in.encodeRISCV(pc, r))
		},
		stores: riscvStores,
		fetch: func(lo uint64, units []uint32, harts int) model.FetchState {
			return ifetch.NewWords(lo, units, harts)
		},
	})
}

// riscvStores reports whether a word is a store (sd, sw, an AMO): the
// harts' code then writes memory, which the reduction must know.
func riscvStores(w uint32) bool { return w&0x7f == 0x23 || w&0x7f == 0x2f }

// mnemonics the assembler knows, with their operand shapes (for errors).
var riscvMnemonics = map[string]string{
	"nop": "", "ebreak": "", "sret": "", "fence.i": "", "fence.tso": "", "fence": "[pred, succ]",
	"ret": "", "jr": "rs", "jalr": "rs | rd, off(rs) | rd, rs, off", "jal": "target | rd, target",
	"j": "target", "call": "target", "beq": "rs1, rs2, target", "bne": "rs1, rs2, target",
	"beqz": "rs, target", "bnez": "rs, target", "addi": "rd, rs, imm", "ori": "rd, rs, imm",
	"add": "rd, rs1, rs2", "mv": "rd, rs", "li": "rd, imm", "lui": "rd, imm20", "auipc": "rd, imm20",
	"la": "rd, symbol", "ld": "rd, off(rs)", "lw": "rd, off(rs)", "sd": "rs2, off(rs)", "sw": "rs2, off(rs)",
	".word": "value",
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
	}
	return 4, nil
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
