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
	ops := operands(rest)
	bad := func(format string, args ...any) (inst, string, error) {
		return inst{}, "", p.s.errorf(off, "%s: "+format, append([]any{text}, args...)...)
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
		return in, "", nil
	case "EOR", "ADD", "SUB", "AND", "ORR":
		rd, w, ok1 := reg(0)
		rn, _, ok2 := reg(1)
		in := newInst(opALU)
		in.alu = map[string]aluOp{"EOR": aluXor, "ADD": aluAdd, "SUB": aluSub, "AND": aluAnd, "ORR": aluOr}[mn]
		in.rd, in.rs1, in.width32 = rd, rn, w
		if !ok1 || !ok2 || !operand2(&in, 2) {
			return bad("expected `%s Rd,Rn,Rm|#imm`", mn)
		}
		return in, "", nil
	case "CMP":
		rn, w, ok := reg(0)
		in := newInst(opCmp)
		in.rs1, in.width32 = rn, w
		if !ok || !operand2(&in, 1) {
			return bad("expected `CMP Rn,Rm|#imm`")
		}
		return in, "", nil
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
	case "B", "B.EQ", "B.NE":
		if len(ops) != 1 || !isIdent(ops[0]) {
			return bad("expected `%s label`", mn)
		}
		if mn == "B" {
			in := newInst(opJump)
			in.target = ops[0]
			return in, "", nil
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
		return in, "", nil
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
		return in, "", nil
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
