package litmus

import (
	"errors"
	"strings"
)

// encodeA64 returns the A64 encoding of the instruction text placed at
// address addr, resolving branch labels with label. golang.org/x/arch
// decodes but does not encode, so the few forms the instruction-fetch
// catalogue overwrites or stores are encoded here; a64enc_test.go decodes
// every form back with arm64asm.
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
	target := func(s string, bits uint) (uint32, error) {
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
		return uint32(off/4) & (1<<bits - 1), nil
	}
	switch mn {
	case "NOP":
		return 0xd503201f, nops(0)
	case "ISB":
		return 0xd5033fdf, nil
	case "ERET":
		return 0xd69f03e0, nops(0)
	case "UDF":
		v, ok := imm(ops, 0)
		if err := nops(1); err != nil || !ok || v>>16 != 0 {
			return 0, errors.New("expected UDF #imm16")
		}
		return uint32(v), nil
	case "B", "BL":
		if err := nops(1); err != nil {
			return 0, err
		}
		off, err := target(ops[0], 26)
		base := uint32(0x14000000)
		if mn == "BL" {
			base = 0x94000000
		}
		return base | off, err
	case "B.EQ", "B.NE":
		if err := nops(1); err != nil {
			return 0, err
		}
		off, err := target(ops[0], 19)
		cond := uint32(0)
		if mn == "B.NE" {
			cond = 1
		}
		return 0x54000000 | off<<5 | cond, err
	case "CBZ", "CBNZ":
		r, sf, ok := encReg(ops, 0)
		if err := nops(2); err != nil || !ok {
			return 0, errors.New("expected " + mn + " Rt,label")
		}
		off, err := target(ops[1], 19)
		base := uint32(0x34000000)
		if mn == "CBNZ" {
			base = 0x35000000
		}
		return sf | base | off<<5 | r, err
	case "RET", "BR", "BLR":
		r := uint32(30)
		if len(ops) == 1 {
			var ok bool
			if r, _, ok = encReg(ops, 0); !ok {
				return 0, errors.New("expected a register")
			}
		} else if mn != "RET" || len(ops) != 0 {
			return 0, errors.New("expected " + mn + " Xn")
		}
		return map[string]uint32{"RET": 0xd65f0000, "BR": 0xd61f0000, "BLR": 0xd63f0000}[mn] | r<<5, nil
	case "MOV":
		rd, sf, ok := encReg(ops, 0)
		if err := nops(2); err != nil || !ok {
			return 0, errors.New("expected MOV Rd,#imm or MOV Rd,Rm")
		}
		if v, ok := imm(ops, 1); ok {
			if v < 0 || v>>16 != 0 {
				return 0, errors.New("MOV immediate out of range")
			}
			return sf | 0x52800000 | uint32(v)<<5 | rd, nil // MOVZ
		}
		rm, _, ok := encReg(ops, 1)
		if !ok {
			return 0, errors.New("bad MOV source")
		}
		return sf | 0x2a0003e0 | rm<<16 | rd, nil // ORR Rd,ZR,Rm
	case "CMP":
		rn, sf, ok := encReg(ops, 0)
		if err := nops(2); err != nil || !ok {
			return 0, errors.New("expected CMP Rn,#imm or CMP Rn,Rm")
		}
		if v, ok := imm(ops, 1); ok {
			if v < 0 || v>>12 != 0 {
				return 0, errors.New("CMP immediate out of range")
			}
			return sf | 0x7100001f | uint32(v)<<10 | rn<<5, nil // SUBS ZR,Rn,#imm
		}
		rm, _, ok := encReg(ops, 1)
		if !ok {
			return 0, errors.New("bad CMP operand")
		}
		return sf | 0x6b00001f | rm<<16 | rn<<5, nil // SUBS ZR,Rn,Rm
	case "ADD":
		rd, sf, ok1 := encReg(ops, 0)
		rn, _, ok2 := encReg(ops, 1)
		v, ok3 := imm(ops, 2)
		if nops(3) != nil || !ok1 || !ok2 || !ok3 || v < 0 || v>>12 != 0 {
			return 0, errors.New("expected ADD Rd,Rn,#imm12")
		}
		return sf | 0x11000000 | uint32(v)<<10 | rn<<5 | rd, nil
	case "LDR", "STR":
		rt, sf, ok := encReg(ops, 0)
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
		if sf != 0 {
			size = 8
		}
		if !ok || len(parts) > 2 || off < 0 || off%size != 0 || off/size>>12 != 0 {
			return 0, errors.New("unsupported addressing mode")
		}
		base := map[string]uint32{"LDR": 0xb9400000, "STR": 0xb9000000}[mn]
		if sf != 0 {
			base |= 0x40000000
		}
		return base | uint32(off/size)<<10 | rn<<5 | rt, nil
	case "DSB", "DMB":
		opt, ok := barrierOption[strings.ToUpper(strings.TrimSpace(rest))]
		if !ok {
			return 0, errors.New("unknown barrier option")
		}
		base := uint32(0xd503309f) // DSB
		if mn == "DMB" {
			base = 0xd50330bf
		}
		return base | opt<<8, nil
	case "DC", "IC":
		if len(ops) == 1 && mn == "IC" && strings.EqualFold(ops[0], "IALLU") {
			return 0xd508751f, nil
		}
		r, _, ok := encReg(ops, 1)
		if nops(2) != nil || !ok {
			return 0, errors.New("expected " + mn + " op,Xt")
		}
		switch strings.ToUpper(mn + " " + ops[0]) {
		case "DC CVAU":
			return 0xd50b7b20 | r, nil
		case "IC IVAU":
			return 0xd50b7520 | r, nil
		}
		return 0, errors.New("unsupported cache maintenance")
	}
	return 0, errors.New("no encoder for " + mn)
}

// barrierOption is the CRm field of DMB/DSB options.
var barrierOption = map[string]uint32{
	"SY": 15, "ST": 14, "LD": 13, "ISH": 11, "ISHST": 10, "ISHLD": 9,
	"NSH": 7, "NSHST": 6, "NSHLD": 5, "OSH": 3, "OSHST": 2, "OSHLD": 1,
}

// encReg returns the number of register operand i and the sf bit (set
// for an X register).
func encReg(ops []string, i int) (uint32, uint32, bool) {
	if i >= len(ops) {
		return 0, 0, false
	}
	name := strings.ToUpper(strings.TrimSpace(ops[i]))
	switch name {
	case "WZR":
		return 31, 0, true
	case "XZR":
		return 31, 1 << 31, true
	}
	if len(name) < 2 || name[0] != 'W' && name[0] != 'X' {
		return 0, 0, false
	}
	n, err := atoiStrict(name[1:])
	if err != nil || n > 30 {
		return 0, 0, false
	}
	if name[0] == 'X' {
		return uint32(n), 1 << 31, true
	}
	return uint32(n), 0, true
}

func imm(ops []string, i int) (int64, bool) {
	if i >= len(ops) || !strings.HasPrefix(strings.TrimSpace(ops[i]), "#") {
		return 0, false
	}
	return parseInt(strings.TrimSpace(ops[i]))
}
