package x86

import (
	"bytes"
	"testing"

	"golang.org/x/arch/x86/x86asm"
	"pgregory.net/rapid"
)

// Every encoder is checked against x/arch's decoder: the decoded
// operation, operands and length must be what was encoded, and no proper
// prefix of the bytes may pass for a whole instruction (the executor
// decodes byte by byte and stops at the first whole one).
func TestEncodersRoundTripThroughXArch(t *testing.T) {
	r64 := func(r int) x86asm.Reg { return x86asm.RAX + x86asm.Reg(r) }
	r32 := func(r int) x86asm.Reg { return x86asm.EAX + x86asm.Reg(r) }
	r8 := func(r int) x86asm.Reg { // the low bytes: al..bl, spl..dil (REX), r8b..r15b
		if r < 4 {
			return x86asm.AL + x86asm.Reg(r)
		}
		return x86asm.SPB + x86asm.Reg(r-4)
	}
	rapid.Check(t, func(t *rapid.T) {
		ra := rapid.IntRange(0, 15).Draw(t, "ra")
		rb := rapid.IntRange(0, 15).Draw(t, "rb")
		imm := rapid.Int32().Draw(t, "imm")
		imm64 := rapid.Uint64().Draw(t, "imm64")
		rel8 := rapid.Int8().Draw(t, "rel8")
		disp := rapid.SampledFrom([]int32{0, 8, -8, 127, -128, 128, 0x12345, -0x1000}).Draw(t, "disp")
		baseReg := rapid.IntRange(-1, 15).Draw(t, "base")
		wide := rapid.Bool().Draw(t, "wide")
		m := Mem{Base: baseReg, Disp: disp, Wide: wide}
		xm := x86asm.Mem{Disp: int64(disp)}
		if baseReg >= 0 {
			xm.Base = r64(baseReg)
		}
		if baseReg < 0 || baseReg&7 == 4 { // a SIB byte: x/arch reports scale 1
			xm.Scale = 1
		}
		if baseReg < 0 || wide || disp < -128 || disp > 127 { // x/arch zero-extends a disp32; the CPU sign-extends it (exec.go)
			xm.Disp = int64(uint32(disp))
		}
		cases := []struct {
			code []byte
			op   x86asm.Op
			args []x86asm.Arg
		}{
			{Call(imm), x86asm.CALL, []x86asm.Arg{x86asm.Rel(imm)}},
			{Jmp(imm), x86asm.JMP, []x86asm.Arg{x86asm.Rel(imm)}},
			{Jmp8(rel8), x86asm.JMP, []x86asm.Arg{x86asm.Rel(rel8)}},
			{Jcc(CondE, imm), x86asm.JE, []x86asm.Arg{x86asm.Rel(imm)}},
			{Jcc(CondNE, imm), x86asm.JNE, []x86asm.Arg{x86asm.Rel(imm)}},
			{Jcc8(CondE, rel8), x86asm.JE, []x86asm.Arg{x86asm.Rel(rel8)}},
			{Jcc8(CondNE, rel8), x86asm.JNE, []x86asm.Arg{x86asm.Rel(rel8)}},
			{MovImm(ra, imm), x86asm.MOV, []x86asm.Arg{r64(ra), x86asm.Imm(imm)}},
			{Movabs(ra, imm64), x86asm.MOV, []x86asm.Arg{r64(ra), x86asm.Imm(int64(imm64))}},
			{Load(ra, m), x86asm.MOV, []x86asm.Arg{r64(ra), xm}},
			{Store(m, ra), x86asm.MOV, []x86asm.Arg{xm, r64(ra)}},
			{StoreImm(m, imm), x86asm.MOV, []x86asm.Arg{xm, x86asm.Imm(imm)}},
			{AddImm(ra, imm), x86asm.ADD, []x86asm.Arg{r64(ra), x86asm.Imm(imm)}},
			{SubImm(ra, imm), x86asm.SUB, []x86asm.Arg{r64(ra), x86asm.Imm(imm)}},
			{CmpImm(ra, imm), x86asm.CMP, []x86asm.Arg{r64(ra), x86asm.Imm(imm)}},
			{Test(ra, rb), x86asm.TEST, []x86asm.Arg{r64(rb), r64(ra)}},
			{Cmp(ra, rb), x86asm.CMP, []x86asm.Arg{r64(rb), r64(ra)}},
			{Sub(ra, rb), x86asm.SUB, []x86asm.Arg{r64(rb), r64(ra)}},
			{Push(ra), x86asm.PUSH, []x86asm.Arg{r64(ra)}},
			{Pop(ra), x86asm.POP, []x86asm.Arg{r64(ra)}},
			{CallReg(ra), x86asm.CALL, []x86asm.Arg{r64(ra)}},
			{JmpReg(ra), x86asm.JMP, []x86asm.Arg{r64(ra)}},
			{LockInc(m), x86asm.INC, []x86asm.Arg{xm}},
			{LockDec(m), x86asm.DEC, []x86asm.Arg{xm}},
			{LoadL(ra, m), x86asm.MOV, []x86asm.Arg{r32(ra), xm}},
			{StoreL(m, ra), x86asm.MOV, []x86asm.Arg{xm, r32(ra)}},
			{LoadB(ra, m), x86asm.MOV, []x86asm.Arg{r8(ra), xm}},
			{StoreB(m, ra), x86asm.MOV, []x86asm.Arg{xm, r8(ra)}},
			{LockXadd(m, ra), x86asm.XADD, []x86asm.Arg{xm, r64(ra)}},
			{LockCmpxchg(m, ra), x86asm.CMPXCHG, []x86asm.Arg{xm, r64(ra)}},
			{MovReg(ra, rb), x86asm.MOV, []x86asm.Arg{r64(rb), r64(ra)}},
		}
		for _, c := range cases {
			checkDecode(t, c.code, c.op, c.args)
		}
	})
}

func checkDecode(t interface {
	Fatalf(string, ...any)
}, code []byte, op x86asm.Op, args []x86asm.Arg) {
	inst, err := x86asm.Decode(code, 64)
	if err != nil || inst.Op != op || inst.Len != len(code) {
		t.Fatalf("% x: decoded %v (len %d, err %v), want %v of %d bytes", code, inst, inst.Len, err, op, len(code))
	}
	for i, a := range args {
		if inst.Args[i] != a {
			t.Fatalf("% x (%v): operand %d is %#v, want %#v", code, inst, i, inst.Args[i], a)
		}
	}
	got, ok := Decode(append(bytes.Clone(code), 0x90, 0x90))
	if !ok || got.Len != len(code) || got.Op != op {
		t.Fatalf("% x: byte-by-byte decoding found %v (len %d, ok %v)", code, got, got.Len, ok)
	}
	for k := 1; k < len(code); k++ {
		if d := decodePrefix(code[:k]); d.complete {
			t.Fatalf("% x: the prefix % x passes for the whole instruction %v", code, code[:k], d.inst)
		}
	}
}

func TestFixedEncodings(t *testing.T) {
	for _, c := range []struct {
		code []byte
		op   x86asm.Op
		gnu  string
	}{
		{Nop, x86asm.NOP, "nop"},
		{K8Nop2, x86asm.NOP, "data16 nop"},
		{K8Nop3, x86asm.NOP, "data16 data16 nop"},
		{P6Nop5, x86asm.NOP, "nopl (%rax,%rax)"}, // x/arch drops the 0x0 of nopl 0x0(%rax,%rax,1)
		{Int3, x86asm.INT, "int3"},
		{Ret, x86asm.RET, "retq"},
		{Hlt, x86asm.HLT, "hlt"},
		{Iretq, x86asm.IRETQ, "iretq"},
		{Cpuid, x86asm.CPUID, "cpuid"},
		{Mfence, x86asm.MFENCE, "mfence"},
	} {
		checkDecode(t, c.code, c.op, nil)
		inst, _ := x86asm.Decode(c.code, 64)
		if g := Disasm(inst, 0); g != c.gnu {
			t.Errorf("% x disassembles as %q, want %q", c.code, g, c.gnu)
		}
	}
	// The two-part nop is K8_NOP3 then K8_NOP2; P6_NOP5 is include/asm/nops.h's bytes.
	if !bytes.Equal(P6Nop5, []byte{0x0f, 0x1f, 0x44, 0x00, 0x00}) {
		t.Fatal("P6_NOP5 bytes")
	}
}
