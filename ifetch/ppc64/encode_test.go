package ppc64

import (
	"testing"

	"golang.org/x/arch/ppc64/ppc64asm"
	"pgregory.net/rapid"

	"github.com/ftcheck/ftcheck/ifetch/internal/isatest"
)

// Every encoder is checked against x/arch's decoder: the decoded opcode
// and operands must be exactly what was encoded.
func TestEncodersRoundTripThroughXArch(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		rt := rapid.IntRange(0, 31).Draw(t, "rt")
		ra := rapid.IntRange(1, 31).Draw(t, "ra") // ra = 0 is li / absolute
		si := rapid.Int64Range(-32768, 32767).Draw(t, "si")
		ds := rapid.Int64Range(-8192, 8191).Draw(t, "ds") * 4
		off := rapid.Int64Range(-(1<<23), 1<<23-1).Draw(t, "off") * 4
		r := func(n int) ppc64asm.Reg { return ppc64asm.R0 + ppc64asm.Reg(n) }
		want := isatest.Decodes[ppc64asm.Op, ppc64asm.Arg]
		isatest.CheckDecodes(t, decoded, []isatest.Encoded[ppc64asm.Op, ppc64asm.Arg]{
			want(B(off), ppc64asm.B, ppc64asm.PCRel(off)),
			want(Bl(off), ppc64asm.BL, ppc64asm.PCRel(off)),
			want(Ld(rt, ra, ds), ppc64asm.LD, r(rt), ppc64asm.Offset(ds), r(ra)),
			want(Std(rt, ra, ds), ppc64asm.STD, r(rt), ppc64asm.Offset(ds), r(ra)),
			want(Addi(rt, ra, si), ppc64asm.ADDI, r(rt), r(ra), ppc64asm.Imm(si)),
			want(Li(rt, si), ppc64asm.LI, r(rt), ppc64asm.Imm(si)),
			want(Mflr(rt), ppc64asm.MFSPR, r(rt), ppc64asm.SpReg(8)),
			want(Mtlr(rt), ppc64asm.MTSPR, ppc64asm.SpReg(8), r(rt)),
		})
	})
}

func TestFixedWordsDecode(t *testing.T) {
	for w, want := range map[uint32]string{Nop: "nop", Blr: "blr", Isync: "isync", Trap: "tw 31,r0,r0",
		Ld(2, 1, 40): "ld r2,40(r1)", Mflr(0): "mflr r0", Mtlr(0): "mtlr r0", B(8): "b 0x1008", Bl(-0x100): "bl 0xf00"} {
		got, err := Disasm(w, 0x1000)
		if err != nil || got != want {
			t.Errorf("%08x: %q %v, want %q", w, got, err, want)
		}
	}
}

func TestRegNumber(t *testing.T) {
	for name, want := range map[string]int{"r0": 0, "r2": 2, "r31": 31} {
		if n, ok := RegNumber(name); !ok || n != want {
			t.Errorf("%s: %d %v", name, n, ok)
		}
	}
	for _, bad := range []string{"r32", "r01", "x1", "r", "2", "ra"} {
		if _, ok := RegNumber(bad); ok {
			t.Errorf("%s accepted", bad)
		}
	}
}

// decoded is decode as isatest.CheckDecodes reads it.
func decoded(word uint32) (ppc64asm.Op, []ppc64asm.Arg, error) {
	inst, err := decode(word)
	return inst.Op, inst.Args[:], err
}
