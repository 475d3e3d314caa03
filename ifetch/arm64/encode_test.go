package arm64

import (
	"fmt"
	"testing"
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
		{MovReg(X9, LR), "mov x9, lr"},
		{MovReg(LR, X9), "mov lr, x9"},
		{MovReg(FP, SP), "mov fp, sp"},
		{Movz(0, 0x1234, 0), "mov x0, #0x1234"},
		{Movz(16, 0x5, 1), "mov x16, #0x50000"},
		{AddImm(X9, SP, 16), "add x9, sp, #0x10"},
		{AddImm(16, 16, 0x1000), "add x16, x16, #0x1, lsl #12"},
		{SubImm(SP, SP, 32), "sub sp, sp, #0x20"},
		{Adr(16, 8), "adr x16, .+0x8"},
		{Adrp(16, 1), "adrp x16, .+0x1000"},
		{Ldr(0, SP, 16, Offset), "ldr x0, [sp,#16]"},
		{Str(LR, X9, 8, Offset), "str lr, [x9,#8]"},
		{Str(X9, SP, -16, Pre), "str x9, [sp,#-16]!"},
		{Ldr(X9, SP, 16, Post), "ldr x9, [sp],#16"},
		{LdrLit(16, 8), "ldr x16, .+0x8"},
		{Stp(FP, X9, SP, -16, Pre), "stp fp, x9, [sp,#-16]!"},
		{Ldp(FP, LR, SP, 16, Post), "ldp fp, lr, [sp],#16"},
		{Stp(0, 1, X9, 0, Offset), "stp x0, x1, [x9]"},
		{Dmb(BarrierISH), "dmb ish"},
		{Dmb(BarrierISHST), "dmb ishst"},
		{Dsb(BarrierISH), "dsb ish"},
		{Dsb(BarrierSY), "dsb sy"},
	}
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
		MovReg(X9, LR): false, Ret: false, Ldr(0, SP, 0, Offset): false, 0: false,
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
	for _, m := range []uint64{0, ^uint64(0), 0x5} {
		if _, ok := AndImm(0, 1, m); ok {
			t.Errorf("%#x encoded, but it is no bitmask immediate", m)
		}
	}
}
