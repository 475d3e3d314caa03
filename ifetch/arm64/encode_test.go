package arm64

import (
	"fmt"
	"strings"
	"testing"

	"golang.org/x/arch/arm64/arm64asm"
)

// Every encoder is checked against golang.org/x/arch's decoder.
func TestEncodersDecode(t *testing.T) {
	cases := []struct {
		word uint32
		want string
	}{
		{Nop, "nop"},
		{Isb, "isb"},
		{Ret, "ret"},
		{Brk0, "brk #0x0"},
		{Brk(0x800), "brk #0x800"},
		{Svc(0), "svc #0x0"},
		{B(16), "b .+0x10"},
		{B(-8), "b .-0x8"},
		{BL(0x1000), "bl .+0x1000"},
		{BL(-0x4000), "bl .-0x4000"},
		{BR(16), "br x16"},
		{BLR(1), "blr x1"},
		{RET(X9), "ret x9"},
		{RET(LR), "ret"},
		{MovReg(X, X9, LR), "mov x9, lr"},
		{MovReg(X, LR, X9), "mov lr, x9"},
		{MovReg(X, FP, SP), "mov fp, sp"},
		{Movz(X, 0, 0x1234, 0), "mov x0, #0x1234"},
		{Movz(X, 16, 0x5, 1), "mov x16, #0x50000"},
		{AddImm(X, X9, SP, 16), "add x9, sp, #0x10"},
		{AddImm(X, 16, 16, 0x1000), "add x16, x16, #0x1, lsl #12"},
		{SubImm(X, SP, SP, 32), "sub sp, sp, #0x20"},
		{Adr(16, 8), "adr x16, .+0x8"},
		{Adrp(16, 1), "adrp x16, .+0x1000"},
		{Ldr(X, 0, SP, 16, Offset), "ldr x0, [sp,#16]"},
		{Str(X, LR, X9, 8, Offset), "str lr, [x9,#8]"},
		{Str(X, X9, SP, -16, Pre), "str x9, [sp,#-16]!"},
		{Ldr(X, X9, SP, 16, Post), "ldr x9, [sp],#16"},
		{LdrLit(16, 8), "ldr x16, .+0x8"},
		{Stp(FP, X9, SP, -16, Pre), "stp fp, x9, [sp,#-16]!"},
		{Ldp(FP, LR, SP, 16, Post), "ldp fp, lr, [sp],#16"},
		{Stp(0, 1, X9, 0, Offset), "stp x0, x1, [x9]"},
		{Dmb(BarrierISH), "dmb ish"},
		{Dmb(BarrierISHST), "dmb ishst"},
		{Dsb(BarrierISH), "dsb ish"},
		{Dsb(BarrierSY), "dsb sy"},
		{Eret, "eret"},
		{BCond(CondEQ, 16), "b.eq .+0x10"},
		{BCond(CondNE, 8), "b.ne .+0x8"},
		{Cbz(W, 1, 16), "cbz w1, .+0x10"},
		{Cbnz(X, 2, 4), "cbnz x2, .+0x4"},
		{MovReg(W, 1, 2), "mov w1, w2"},
		{MovReg(W, 1, XZR), "mov w1, wzr"},
		{Movz(W, 9, 1, 0), "mov w9, #0x1"},
		{Movz(W, 9, 1, 1), "mov w9, #0x10000"},
		{AddImm(W, 2, 2, 1), "add w2, w2, #0x1"},
		{SubImm(W, 2, 3, 0x2000), "sub w2, w3, #0x2, lsl #12"},
		{CmpImm(W, 1, 3), "cmp w1, #0x3"},
		{CmpImm(X, 1, 0), "cmp x1, #0x0"},
		{MovReg(X, 3, XZR), "mov x3, xzr"},
		{Str(X, XZR, 3, 0, Offset), "str xzr, [x3]"},
		{CmpReg(W, 2, 0), "cmp w2, w0"},
		{CmpReg(X, 1, 11), "cmp x1, x11"},
		{Ldr(W, 6, LR, 0, Offset), "ldr w6, [lr]"},
		{Ldr(W, 6, 1, 4*0xfff, Offset), "ldr w6, [x1,#16380]"},
		{Str(W, 0, 1, 0, Offset), "str w0, [x1]"},
		{Str(W, 0, SP, -4, Pre), "str w0, [sp,#-4]!"},
		{Ldr(W, 0, 1, 255, Post), "ldr w0, [x1],#255"},
		{Dmb(0xe), "dmb st"},
		{Dmb(0x1), "dmb oshld"},
		{DcCvau(1), "dc cvau, x1"},
	}
	checkDecodes(t, cases)
}

// syntax prints a backward target only for an instruction whose first
// operand is the target, so the other branches are checked by operand.
func TestBackwardBranchesDecode(t *testing.T) {
	for _, c := range []struct {
		word uint32
		op   arm64asm.Op
		off  arm64asm.PCRel
	}{
		{BCond(CondNE, -8), arm64asm.B, -8},
		{Cbz(W, 1, -0x100000), arm64asm.CBZ, -0x100000},
		{Cbnz(X, 2, -4), arm64asm.CBNZ, -4},
		{LdrLit(3, -16), arm64asm.LDR, -16},
	} {
		inst, err := decode(c.word)
		if err != nil || inst.Op != c.op || inst.Args[1] != c.off {
			t.Errorf("%08x decodes as %v %v, want %v with target %d", c.word, inst, err, c.op, c.off)
		}
	}
}

// arm64asm decodes no IC instruction, so ic ivau and ic iallu are checked field by
// field as the SYS instructions they are (op1, CRn, CRm, op2, Rt).
func TestInstructionCacheMaintenance(t *testing.T) {
	for _, c := range []struct {
		word                   uint32
		op1, crn, crm, op2, rt uint32
	}{
		{IcIvau(1), 3, 7, 5, 1, 1},
		{IcIallu, 0, 7, 5, 0, 31},
	} {
		w := c.word
		if w&0xfff80000 != 0xd5080000 {
			t.Errorf("%08x is not a SYS instruction", w)
		}
		got := [5]uint32{w >> 16 & 7, w >> 12 & 15, w >> 8 & 15, w >> 5 & 7, w & 31}
		if want := [5]uint32{c.op1, c.crn, c.crm, c.op2, c.rt}; got != want {
			t.Errorf("%08x: fields %v, want %v", w, got, want)
		}
	}
}

// UDF words are permanently undefined: the decoder must refuse them.
func TestUdfIsUndefined(t *testing.T) {
	for _, imm := range []uint16{0, 1, 0xffff} {
		if inst, err := decode(Udf(imm)); err == nil {
			t.Errorf("udf #%#x decodes as %v", imm, inst)
		}
	}
}

// Every DMB/DSB option decodes as its name.
func TestBarrierOptions(t *testing.T) {
	for name := range barrierOptions {
		crm, ok := BarrierOption(strings.ToUpper(name))
		if !ok {
			t.Fatalf("%s refused", name)
		}
		if got := Disasm(Dsb(crm)); got != "dsb "+name {
			t.Errorf("dsb %s decodes as %q", name, got)
		}
	}
	if _, ok := BarrierOption("xx"); ok {
		t.Error("option xx accepted")
	}
}

func TestRegNames(t *testing.T) {
	for i := 0; i <= XZR; i++ {
		n, ok := RegNumber(RegName(i))
		if !ok || n != i {
			t.Errorf("RegNumber(RegName(%d)=%q) = %d, %v", i, RegName(i), n, ok)
		}
	}
	for _, bad := range []string{"x31", "x01", "w0", "ra", "x"} {
		if _, ok := RegNumber(bad); ok {
			t.Errorf("RegNumber(%q) accepted", bad)
		}
	}
}

func TestCMODX(t *testing.T) {
	for w, want := range map[uint32]bool{
		Nop: true, BL(64): true, B(8): true, Isb: true, Brk0: true, Svc(0): true,
		MovReg(X, X9, LR): false, Ret: false, Ldr(X, 0, SP, 0, Offset): false, 0: false,
	} {
		if CMODX(w) != want {
			t.Errorf("CMODX(%s) = %v, want %v", Disasm(w), !want, want)
		}
	}
}

// The CALL_OPS additions (callops.go), checked against x/arch as above.
func TestCallOpsEncodersDecode(t *testing.T) {
	bic7, ok := AndImm(11, LR, ^uint64(7))
	if !ok {
		t.Fatal("bic x11, lr, 0x7: no bitmask immediate")
	}
	cases := []struct {
		word uint32
		want string
	}{
		{BtiC, "hint #0x22"},
		{bic7, "and x11, lr, #0xfffffffffffffff8"},
		{Ldur(11, 11, -16), "ldur x11, [x11,#-16]"},
		{Ldur(0, SP, 255), "ldur x0, [sp,#255]"},
		{Ldur(1, 2, -256), "ldur x1, [x2,#-256]"},
	}
	for _, m := range []uint64{0xff, 0x5555555555555555, 0xfffffffffffffff0, 0x00ff00ff00ff00ff, 1 << 63, 0x7ffffffffffffffe} {
		w, ok := AndImm(0, 1, m)
		if !ok {
			t.Errorf("%#x: no bitmask immediate", m)
			continue
		}
		cases = append(cases, struct {
			word uint32
			want string
		}{w, fmt.Sprintf("and x0, x1, #%#x", m)})
	}
	checkDecodes(t, cases)
	for _, m := range []uint64{0, ^uint64(0), 0x5} {
		if _, ok := AndImm(0, 1, m); ok {
			t.Errorf("%#x encoded, but it is no bitmask immediate", m)
		}
	}
}

// checkDecodes decodes each word with x/arch and compares its syntax.
func checkDecodes(t *testing.T, cases []struct {
	word uint32
	want string
}) {
	t.Helper()
	for _, c := range cases {
		inst, err := decode(c.word)
		if err != nil {
			t.Errorf("%08x (want %q): %v", c.word, c.want, err)
			continue
		}
		if got := syntax(inst); got != c.want {
			t.Errorf("%08x decodes as %q, want %q", c.word, got, c.want)
		}
	}
}
