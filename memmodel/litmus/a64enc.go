package litmus

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/ftcheck/ftcheck/ifetch/arm64"
)

// encodeA64 returns the A64 encoding of the instruction text placed at
// address addr, resolving branch labels with label. Only the few forms the
// instruction-fetch catalogue overwrites or stores are read; this reads
// herd's syntax (upper case, W and X registers, #imm) and checks every
// range, and ifetch/arm64 (the encoders the scenario assembler uses too,
// each checked against x/arch's decoder) builds the word.
func encodeA64(text string, addr int64, label func(string) (int64, bool)) (uint32, error) {
	mn, rest := splitMnemonic(strings.TrimSpace(text))
	mn = strings.ToUpper(mn)
	ops := operands(rest)
	nops := func(n int) error {
		if len(ops) != n {
			return errors.New("wrong number of operands")
		}
		return nil
	}
	// target is the offset of a branch target, which must fit in bits
	// once divided by 4.
	target := func(s string, bits uint) (int64, error) {
		var off int64
		switch {
		case strings.HasPrefix(s, "."):
			v, ok := parseInt(strings.TrimPrefix(strings.TrimPrefix(s, "."), "+"))
			if !ok {
				return 0, errors.New("bad relative target " + s)
			}
			off = v
		case label != nil:
			a, ok := label(s)
			if !ok {
				return 0, errors.New("undefined label " + s)
			}
			off = a - addr
		default:
			return 0, errors.New("a branch to a label is not a value")
		}
		if off%4 != 0 || off>>(bits+1) != 0 && off>>(bits+1) != -1 {
			return 0, errors.New("branch offset out of range")
		}
		return off, nil
	}
	switch mn {
	case "NOP":
		return arm64.Nop, nops(0)
	case "ISB":
		return arm64.Isb, nil
	case "ERET":
		return arm64.Eret, nops(0)
	case "UDF":
		v, ok := imm(ops, 0)
		if err := nops(1); err != nil || !ok || v < 0 || v>>16 != 0 {
			return 0, errors.New("expected UDF #imm16")
		}
		return arm64.Udf(uint16(v)), nil
	case "B", "BL", "B.EQ", "B.NE":
		if err := nops(1); err != nil {
			return 0, err
		}
		b := a64Branches[mn]
		off, err := target(ops[0], b.bits)
		if err != nil {
			return 0, err
		}
		return b.encode(off), nil
	case "CBZ", "CBNZ":
		r, sz, ok := encReg(ops, 0)
		if err := nops(2); err != nil || !ok {
			return 0, errors.New("expected " + mn + " Rt,label")
		}
		off, err := target(ops[1], 19)
		if err != nil {
			return 0, err
		}
		return map[string]func(arm64.Size, int, int64) uint32{"CBZ": arm64.Cbz, "CBNZ": arm64.Cbnz}[mn](sz, r, off), nil
	case "RET", "BR", "BLR":
		r := arm64.LR
		if len(ops) == 1 {
			var ok bool
			if r, _, ok = encReg(ops, 0); !ok {
				return 0, errors.New("expected a register")
			}
		} else if mn != "RET" || len(ops) != 0 {
			return 0, errors.New("expected " + mn + " Xn")
		}
		return map[string]func(int) uint32{"RET": arm64.RET, "BR": arm64.BR, "BLR": arm64.BLR}[mn](r), nil
	case "MOV", "CMP":
		f := a64RegOrImm[mn]
		r, sz, ok := encReg(ops, 0)
		if err := nops(2); err != nil || !ok {
			return 0, fmt.Errorf("expected %[1]s %[2]s,#imm or %[1]s %[2]s,Rm", mn, f.first)
		}
		if v, ok := imm(ops, 1); ok {
			if v < 0 || v>>f.immBits != 0 {
				return 0, errors.New(mn + " immediate out of range")
			}
			return f.imm(sz, r, v), nil
		}
		rm, _, ok := encReg(ops, 1)
		if !ok {
			return 0, errors.New("bad " + mn + " " + f.second)
		}
		return f.reg(sz, r, rm), nil
	case "ADD":
		rd, sz, ok1 := encReg(ops, 0)
		rn, _, ok2 := encReg(ops, 1)
		v, ok3 := imm(ops, 2)
		if nops(3) != nil || !ok1 || !ok2 || !ok3 || v < 0 || v>>12 != 0 {
			return 0, errors.New("expected ADD Rd,Rn,#imm12")
		}
		return arm64.AddImm(sz, rd, rn, v), nil
	case "LDR", "STR":
		rt, sz, ok := encReg(ops, 0)
		if nops(2) != nil || !ok || !strings.HasPrefix(ops[1], "[") || !strings.HasSuffix(ops[1], "]") {
			return 0, errors.New("expected " + mn + " Rt,[Xn{,#imm}]")
		}
		parts := operands(ops[1][1 : len(ops[1])-1])
		rn, _, ok := encReg(parts, 0)
		var off int64
		if len(parts) == 2 {
			var ok2 bool
			off, ok2 = imm(parts, 1)
			ok = ok && ok2
		}
		size := int64(4)
		if sz == arm64.X {
			size = 8
		}
		if !ok || len(parts) > 2 || off < 0 || off%size != 0 || off/size>>12 != 0 {
			return 0, errors.New("unsupported addressing mode")
		}
		if mn == "LDR" {
			return arm64.Ldr(sz, rt, rn, off, arm64.Offset), nil
		}
		return arm64.Str(sz, rt, rn, off, arm64.Offset), nil
	case "DSB", "DMB":
		opt, ok := arm64.BarrierOption(strings.TrimSpace(rest))
		if !ok {
			return 0, errors.New("unknown barrier option")
		}
		if mn == "DMB" {
			return arm64.Dmb(opt), nil
		}
		return arm64.Dsb(opt), nil
	case "DC", "IC":
		if len(ops) == 1 && mn == "IC" && strings.EqualFold(ops[0], "IALLU") {
			return arm64.IcIallu, nil
		}
		r, _, ok := encReg(ops, 1)
		if nops(2) != nil || !ok {
			return 0, errors.New("expected " + mn + " op,Xt")
		}
		switch strings.ToUpper(mn + " " + ops[0]) {
		case "DC CVAU":
			return arm64.DcCvau(r), nil
		case "IC IVAU":
			return arm64.IcIvau(r), nil
		}
		return 0, errors.New("unsupported cache maintenance")
	}
	return 0, errors.New("no encoder for " + mn)
}

// a64Branches are the direct branches to a label: how many bits their
// word offset has, and their encoder.
var a64Branches = map[string]struct {
	bits   uint
	encode func(off int64) uint32
}{
	"B":    {26, arm64.B},
	"BL":   {26, arm64.BL},
	"B.EQ": {19, func(off int64) uint32 { return arm64.BCond(arm64.CondEQ, off) }},
	"B.NE": {19, func(off int64) uint32 { return arm64.BCond(arm64.CondNE, off) }},
}

// a64RegOrImm are the instructions of a register and then a register or
// an immediate: the names of the operands (for errors), the immediate's
// width and the encoders of the two forms.
var a64RegOrImm = map[string]struct {
	first, second string
	immBits       uint
	imm           func(sz arm64.Size, r int, v int64) uint32
	reg           func(sz arm64.Size, r, rm int) uint32
}{
	"MOV": {"Rd", "source", 16, func(sz arm64.Size, rd int, v int64) uint32 { return arm64.Movz(sz, rd, uint16(v), 0) }, arm64.MovReg},
	"CMP": {"Rn", "operand", 12, arm64.CmpImm, arm64.CmpReg},
}

// encReg returns the number of register operand i (WZR and XZR are
// arm64.XZR) and its size, as aarch64Reg reads it.
func encReg(ops []string, i int) (int, arm64.Size, bool) {
	if i >= len(ops) {
		return 0, 0, false
	}
	name, w := aarch64Reg(ops[i])
	sz := arm64.X
	if w {
		sz = arm64.W
	}
	switch name {
	case "":
		return 0, 0, false
	case "#zero":
		return arm64.XZR, sz, true
	}
	n, err := strconv.Atoi(name[1:])
	return n, sz, err == nil
}

func imm(ops []string, i int) (int64, bool) {
	if i >= len(ops) || !strings.HasPrefix(strings.TrimSpace(ops[i]), "#") {
		return 0, false
	}
	return parseInt(strings.TrimSpace(ops[i]))
}
