package litmus

import (
	"strings"

	ax "github.com/ftcheck/ftcheck/memmodel/axiomatic"
)

// aarch64Front decodes AArch64 litmus instructions with herd's
// annotations: LDAR/LDAXR acquire (A), LDAPR acquire-PC (Q), STLR/STLXR
// release (L), exclusives EX, SWP{A,L,AL} an atomic read-write pair.
// W registers are the low 32 bits of the X registers.
type aarch64Front struct{}

func (aarch64Front) defaultModel() string { return "armv8" }

// elrEL1 is the slot name of the exception link register.
const elrEL1 = "ELR_EL1"

// registers fixes the register slots of every AArch64 thread (X0-X30,
// then ELR_EL1), so that an instruction decoded for one thread runs on
// any: a thread may branch into another's code.
func (aarch64Front) registers() []string {
	rs := make([]string, 0, 32)
	for i := 0; i <= 30; i++ {
		rs = append(rs, sprintf("X%d", i))
	}
	return append(rs, elrEL1)
}

// isRelTarget recognises `.+N` and `.-N` branch targets.
func isRelTarget(s string) bool {
	if !strings.HasPrefix(s, ".+") && !strings.HasPrefix(s, ".-") {
		return false
	}
	_, ok := parseInt(strings.TrimPrefix(s[1:], "+"))
	return ok
}

func (aarch64Front) regName(name string) string {
	n, _ := aarch64Reg(name)
	return n
}

// aarch64Reg canonicalises a register and reports whether it is a W view.
func aarch64Reg(name string) (string, bool) {
	name = strings.ToUpper(strings.TrimSpace(name))
	switch name {
	case "WZR", "XZR":
		return "#zero", name == "WZR"
	}
	if len(name) < 2 || (name[0] != 'W' && name[0] != 'X') {
		return "", false
	}
	n, err := atoiStrict(name[1:])
	if err != nil || n > 30 {
		return "", false
	}
	return sprintf("X%d", n), name[0] == 'W'
}

func (f aarch64Front) decode(p *parser, th *Thread, text string, off int) (inst, string, error) {
	mn, rest := splitMnemonic(text)
	mn = strings.ToUpper(mn)
	ops, opOffs := operandsAt(rest)
	bad := func(format string, args ...any) (inst, string, error) {
		return inst{}, "", p.s.errorf(off, "%s: "+format, append([]any{text}, args...)...)
	}
	// immAt is the file offset of the `#` in operand i (text is trimmed,
	// so rest is its suffix).
	immAt := func(i int) int {
		return off + len(text) - len(rest) + opOffs[i] + max(0, strings.IndexByte(ops[i], '#'))
	}
	// fits reports an immediate the instruction cannot encode, as an
	// assembler would.
	fits := func(in inst, i int) error {
		if !in.useImm {
			return nil
		}
		if why := a64ImmFits(mn, in.imm, in.width32); why != "" {
			return p.s.errorf(immAt(i), "immediate %d out of range for %s (%s)", in.imm, mn, why)
		}
		return nil
	}
	// offsetFits checks a [Xn,#imm] offset against the access size.
	offsetFits := func(in inst, i int, pair bool) error {
		if in.rs2 != noReg || !strings.Contains(ops[i], "#") {
			return nil
		}
		if why := a64OffsetFits(in.imm, int64(in.size), pair); why != "" {
			return p.s.errorf(immAt(i), "offset %d out of range for %s (%s)", in.imm, mn, why)
		}
		return nil
	}
	reg := func(i int) (int, bool, bool) {
		if i >= len(ops) {
			return 0, false, false
		}
		n, w := aarch64Reg(ops[i])
		if n == "" {
			return 0, false, false
		}
		return th.reg(n), w, true
	}
	// second operand: register, #imm, or register with an extend.
	operand2 := func(in *inst, i int) bool {
		if i >= len(ops) {
			return false
		}
		if v, ok := parseInt(ops[i]); ok && strings.HasPrefix(ops[i], "#") {
			in.imm, in.useImm = v, true
			return len(ops) == i+1
		}
		r, _, ok := reg(i)
		if !ok {
			return false
		}
		in.rs2 = r
		if len(ops) == i+2 {
			return strings.EqualFold(ops[i+1], "SXTW") || strings.EqualFold(ops[i+1], "UXTW")
		}
		return len(ops) == i+1
	}

	switch mn {
	case "MOV":
		rd, w, ok := reg(0)
		in := newInst(opALU)
		in.alu, in.rd, in.width32 = aluMov, rd, w
		if !ok || len(ops) != 2 || !operand2(&in, 1) {
			return bad("expected `MOV Rd,#imm` or `MOV Rd,Rn`")
		}
		return in, "", fits(in, 1)
	case "EOR", "ADD", "SUB", "AND", "ORR":
		rd, w, ok1 := reg(0)
		rn, _, ok2 := reg(1)
		in := newInst(opALU)
		in.alu = map[string]aluOp{"EOR": aluXor, "ADD": aluAdd, "SUB": aluSub, "AND": aluAnd, "ORR": aluOr}[mn]
		in.rd, in.rs1, in.width32 = rd, rn, w
		if !ok1 || !ok2 || !operand2(&in, 2) {
			return bad("expected `%s Rd,Rn,Rm|#imm`", mn)
		}
		return in, "", fits(in, 2)
	case "CMP":
		rn, w, ok := reg(0)
		in := newInst(opCmp)
		in.rs1, in.width32 = rn, w
		if !ok || !operand2(&in, 1) {
			return bad("expected `CMP Rn,Rm|#imm`")
		}
		return in, "", fits(in, 1)
	case "CBZ", "CBNZ":
		rn, w, ok := reg(0)
		if !ok || len(ops) != 2 || !isIdent(ops[1]) {
			return bad("expected `%s Rn,label`", mn)
		}
		in := newInst(opBranch)
		in.cond = condEq
		if mn == "CBNZ" {
			in.cond = condNe
		}
		in.rs1, in.useImm, in.width32, in.target = rn, true, w, ops[1]
		return in, "", nil
	case "B", "BL", "B.EQ", "B.NE":
		if len(ops) != 1 || !isIdent(ops[0]) && !isRelTarget(ops[0]) {
			return bad("expected `%s label`", mn)
		}
		if mn == "B" || mn == "BL" {
			in := newInst(opJump)
			in.target, in.link = ops[0], mn == "BL"
			if in.link {
				in.rd = th.reg("X30")
			}
			if isRelTarget(ops[0]) {
				// `B .+8`: eight bytes after this instruction.
				in.relative = true
				in.rel, _ = parseInt(strings.TrimPrefix(strings.TrimPrefix(ops[0], "."), "+"))
			}
			return in, "", nil
		}
		if !isIdent(ops[0]) {
			return bad("expected `%s label`", mn)
		}
		in := newInst(opBranch)
		in.cond = condEq
		if mn == "B.NE" {
			in.cond = condNe
		}
		in.rs1, in.useImm, in.target = flagsReg, true, ops[0]
		return in, "", nil
	case "DMB", "DSB":
		in := newInst(opFence)
		switch strings.ToUpper(rest) {
		case "SY", "ISH", "OSH", "NSH":
			in.fence = ax.FenceDMBFull
		case "LD", "ISHLD", "OSHLD", "NSHLD":
			in.fence = ax.FenceDMBLd
		case "ST", "ISHST", "OSHST", "NSHST":
			in.fence = ax.FenceDMBSt
		default:
			return bad("unknown barrier option %q", rest)
		}
		if mn == "DSB" {
			// A DSB also completes cache maintenance and orders fetches;
			// models without instruction fetch read it as the DMB.
			in.fence = map[ax.FenceKind]ax.FenceKind{ax.FenceDMBFull: ax.FenceDSBFull,
				ax.FenceDMBLd: ax.FenceDSBLd, ax.FenceDMBSt: ax.FenceDSBSt}[in.fence]
		}
		return in, "", nil
	case "DC", "IC":
		in := newInst(opMaint)
		op := ""
		if len(ops) > 0 {
			op = strings.ToUpper(ops[0])
		}
		switch {
		case mn == "DC" && op == "CVAU" && len(ops) == 2:
			in.fence = ax.FenceDCCVAU
		case mn == "IC" && op == "IVAU" && len(ops) == 2:
			in.fence = ax.FenceICIVAU
		case mn == "IC" && (op == "IALLU" || op == "IALLUIS") && len(ops) == 1:
			in.fence = ax.FenceICIALLU
			return in, "", nil
		case mn == "DC" || mn == "IC":
			return inst{}, "cache maintenance " + text, nil
		}
		r, _, ok := reg(1)
		if !ok {
			return bad("expected `%s %s,Xt`", mn, op)
		}
		in.rs1 = r
		return in, "", nil
	case "BR", "BLR", "RET":
		in := newInst(opIndirect)
		in.rs1, in.link = th.reg("X30"), mn == "BLR"
		if in.link {
			in.rd = th.reg("X30")
		}
		if len(ops) == 1 {
			r, _, ok := reg(0)
			if !ok {
				return bad("expected `%s Xn`", mn)
			}
			in.rs1 = r
		} else if len(ops) != 0 || mn != "RET" {
			return bad("expected `%s Xn`", mn)
		}
		return in, "", nil
	case "ADR":
		rd, _, ok := reg(0)
		if !ok || len(ops) != 2 || !isIdent(ops[1]) {
			return bad("expected `ADR Xd,label`")
		}
		in := newInst(opALU)
		in.rd, in.adr, in.target = rd, true, ops[1]
		return in, "", nil
	case "CSET", "CSEL":
		in := newInst(opCsel)
		rd, w, ok := reg(0)
		in.rd, in.width32 = rd, w
		condAt := 1
		if mn == "CSEL" {
			r1, _, ok1 := reg(1)
			r2, _, ok2 := reg(2)
			in.rs1, in.rs2, ok, condAt = r1, r2, ok && ok1 && ok2, 3
		} else {
			in.cset = true
		}
		if !ok || len(ops) != condAt+1 {
			return bad("expected `%s`", map[string]string{"CSET": "CSET Rd,cond", "CSEL": "CSEL Rd,Rn,Rm,cond"}[mn])
		}
		switch strings.ToUpper(ops[condAt]) {
		case "EQ":
			in.cond = condEq
		case "NE":
			in.cond = condNe
		default:
			return inst{}, "condition " + ops[condAt], nil
		}
		return in, "", nil
	case "MSR":
		// Only ELR_EL1, the return address ERET uses, is modelled.
		if len(ops) != 2 || !strings.EqualFold(ops[0], "ELR_EL1") {
			return inst{}, "system register write " + text, nil
		}
		r, _, ok := reg(1)
		if !ok {
			return bad("expected `MSR ELR_EL1,Xt`")
		}
		in := newInst(opALU)
		in.alu, in.rd, in.rs2 = aluMov, th.reg(elrEL1), r
		return in, "", nil
	case "ERET":
		in := newInst(opEret)
		in.rs1 = th.reg(elrEL1)
		return in, "", nil
	case "UDF":
		if len(ops) != 1 {
			return bad("expected `UDF #imm`")
		}
		return newInst(opUDF), "", nil
	case "ISB":
		in := newInst(opFence)
		in.fence = ax.FenceISB
		return in, "", nil
	case "NOP":
		return newInst(opNop), "", nil
	case "LDP", "STP":
		// LDP Rt1,Rt2,[Xn...] / STP: two accesses of the register width at
		// consecutive addresses. As Dartagnan does, they are two separate
		// instructions (no si between them); cell expands the pair.
		r1, w1, ok1 := reg(0)
		r2, w2, ok2 := reg(1)
		if !ok1 || !ok2 || w1 != w2 || len(ops) != 3 {
			return bad("expected `%s Rt1,Rt2,[Xn...]`", mn)
		}
		in := newInst(opLoad)
		in.rd, in.pair = r1, r2
		if mn == "STP" {
			in = newInst(opStore)
			in.rv, in.pair = r1, r2
		}
		in.size = 8
		if w1 {
			in.size = 4
		}
		if !f.address(th, &in, ops[2]) {
			return bad("bad address %q", ops[2])
		}
		return in, "", offsetFits(in, 2, true)
	}

	access, ok := aarch64Accesses[mn]
	if !ok {
		return inst{}, "instruction " + mn, nil
	}
	in := newInst(access.op)
	in.annot, in.annotW = access.annot, access.annotW
	first := 0
	if access.op == opStoreCond || access.op == opAMO {
		// STXR Ws,Rt,[Xn]: status first. SWP Rs,Rt,[Xn]: Rs stored, Rt loaded.
		r, _, ok := reg(0)
		if !ok {
			return bad("expected a register")
		}
		if access.op == opStoreCond {
			in.rd = r
		} else {
			in.rv = r
		}
		first = 1
	}
	rt, w, ok := reg(first)
	if !ok || len(ops) != first+2 {
		return bad("expected `%s Rt,[Xn...]`", mn)
	}
	switch access.op {
	case opLoad, opLoadRes:
		in.rd = rt
	case opAMO:
		in.rd = rt
	default:
		in.rv = rt
	}
	in.size = access.size
	if in.size == 0 {
		in.size = 8
		if w {
			in.size = 4
		}
	}
	if !f.address(th, &in, ops[first+1]) {
		return bad("bad address %q", ops[first+1])
	}
	if access.op == opAMO {
		in.alu = aluSwap
	}
	if access.op == opLoad || access.op == opStore {
		if err := offsetFits(in, first+1, false); err != nil {
			return inst{}, "", err
		}
	}
	return in, "", nil
}

type aarch64Access struct {
	op            opcode
	size          int // 0: from the register view
	annot, annotW ax.Annot
}

var aarch64Accesses = map[string]aarch64Access{
	"LDR":   {op: opLoad},
	"LDRB":  {op: opLoad, size: 1},
	"LDRH":  {op: opLoad, size: 2},
	"LDAR":  {op: opLoad, annot: ax.Acquire},
	"LDARB": {op: opLoad, size: 1, annot: ax.Acquire},
	"LDARH": {op: opLoad, size: 2, annot: ax.Acquire},
	"LDAPR": {op: opLoad, annot: ax.AcquirePC},
	"STR":   {op: opStore},
	"STRB":  {op: opStore, size: 1},
	"STRH":  {op: opStore, size: 2},
	"STLR":  {op: opStore, annot: ax.Release},
	"STLRB": {op: opStore, size: 1, annot: ax.Release},
	"STLRH": {op: opStore, size: 2, annot: ax.Release},
	"LDXR":  {op: opLoadRes, annot: ax.Exclusive},
	"LDAXR": {op: opLoadRes, annot: ax.Exclusive | ax.Acquire},
	"STXR":  {op: opStoreCond, annot: ax.Exclusive},
	"STLXR": {op: opStoreCond, annot: ax.Exclusive | ax.Release},
	"SWP":   {op: opAMO, annot: ax.Atomic, annotW: ax.Atomic},
	"SWPA":  {op: opAMO, annot: ax.Atomic | ax.Acquire, annotW: ax.Atomic},
	"SWPL":  {op: opAMO, annot: ax.Atomic, annotW: ax.Atomic | ax.Release},
	"SWPAL": {op: opAMO, annot: ax.Atomic | ax.Acquire, annotW: ax.Atomic | ax.Release},
}

// address parses [Xn], [Xn,#imm], [Xn,Rm] and [Xn,Wm,SXTW].
func (f aarch64Front) address(th *Thread, in *inst, s string) bool {
	if !strings.HasPrefix(s, "[") || !strings.HasSuffix(s, "]") {
		return false
	}
	parts := operands(s[1 : len(s)-1])
	if len(parts) == 0 {
		return false
	}
	base, _ := aarch64Reg(parts[0])
	if base == "" {
		return false
	}
	in.rs1 = th.reg(base)
	switch {
	case len(parts) == 1:
		return true
	case len(parts) == 2 && strings.HasPrefix(parts[1], "#"):
		v, ok := parseInt(parts[1])
		in.imm = v
		return ok
	case len(parts) == 2 || len(parts) == 3 && (strings.EqualFold(parts[2], "SXTW") || strings.EqualFold(parts[2], "UXTW")):
		ix, _ := aarch64Reg(parts[1])
		if ix == "" {
			return false
		}
		in.rs2 = th.reg(ix)
		if len(parts) == 3 {
			in.ixExt = ixUXTW
			if strings.EqualFold(parts[2], "SXTW") {
				in.ixExt = ixSXTW
			}
		}
		return true
	}
	return false
}

// a64ImmFits returns why v is no immediate of instruction mn ("" if it
// is one). ADD, SUB and CMP take 12 bits, optionally shifted left by 12
// (an assembler turns a negative one into the opposite instruction);
// AND, ORR and EOR take a bitmask immediate; MOV takes a 16-bit chunk
// (MOVZ), its inverse (MOVN) or a bitmask immediate.
func a64ImmFits(mn string, v int64, w32 bool) string {
	width := uint(64)
	if w32 {
		width = 32
		if v < -1<<31 || v > 1<<32-1 {
			return "a W register holds 32 bits"
		}
	}
	u := uint64(v)
	if w32 {
		u &= 1<<32 - 1
	}
	switch mn {
	case "ADD", "SUB", "CMP":
		a := v
		if a < 0 {
			a = -a
		}
		if a <= 4095 || a%4096 == 0 && a>>12 <= 4095 {
			return ""
		}
		return "12 bits, optionally shifted by 12"
	case "AND", "ORR", "EOR":
		if a64Bitmask(u, width) {
			return ""
		}
		return "not a bitmask immediate"
	case "MOV":
		mask := uint64(1)<<width - 1
		if width == 64 {
			mask = ^uint64(0)
		}
		for sh := uint(0); sh < width; sh += 16 {
			if u&^(0xffff<<sh) == 0 || (^u&mask)&^(0xffff<<sh) == 0 {
				return ""
			}
		}
		if a64Bitmask(u, width) {
			return ""
		}
		return "neither a 16-bit chunk, its inverse nor a bitmask immediate"
	}
	return ""
}

// a64Bitmask reports whether u is an A64 logical immediate of the given
// width: a rotated run of ones (neither none nor all) in an element of
// 2, 4, ..., width bits, replicated across the register.
func a64Bitmask(u uint64, width uint) bool {
	for e := uint(2); e <= width; e *= 2 {
		mask := uint64(1)<<e - 1
		if e == 64 {
			mask = ^uint64(0)
		}
		elem := u & mask
		replicated := true
		for at := e; at < width; at += e {
			if u>>at&mask != elem {
				replicated = false
				break
			}
		}
		if !replicated || elem == 0 || elem == mask {
			continue
		}
		for r := uint(0); r < e; r++ {
			rot := (elem>>r | elem<<(e-r)) & mask
			if rot&(rot+1) == 0 { // 0...01...1
				return true
			}
		}
	}
	return false
}

// a64OffsetFits returns why off is no [Xn,#off] offset for an access of
// size bytes ("" if it is one): LDR/STR take an unsigned 12-bit multiple
// of the size, or (as LDUR/STUR, which assemblers substitute) a signed
// 9-bit byte offset; LDP/STP a signed 7-bit multiple.
func a64OffsetFits(off, size int64, pair bool) string {
	if pair {
		if off%size == 0 && off >= -64*size && off <= 63*size {
			return ""
		}
		return sprintf("a multiple of %d in %d..%d", size, -64*size, 63*size)
	}
	if off >= -256 && off <= 255 || off >= 0 && off%size == 0 && off <= 4095*size {
		return ""
	}
	return sprintf("-256..255, or a multiple of %d up to %d", size, 4095*size)
}
