package scenario

import (
	"testing"

	"github.com/ftcheck/ftcheck/ifetch/ppc64"
)

// assemblePPC assembles ppc64 text at 0x1000 and returns the boot words.
func assemblePPC(t *testing.T, text string) []uint32 {
	t.Helper()
	_, ws := buildText(t, "PPC64", text, "r0 = 1\n~exists (x=1)\n")
	return ws
}

// Every ppc64 statement decodes, with x/arch, to what was written.
func TestPPC64AssemblerRoundTripsThroughXArch(t *testing.T) {
	for _, c := range []struct{ src, want string }{
		{"nop", "nop"},
		{"blr", "blr"},
		{"isync", "isync"},
		{"trap", "tw 31,r0,r0"},
		{"b . + 8" + landing("nop", 0x1008), "b 0x1008"},
		{"bl . + 0x100" + landing("nop", 0x1100), "bl 0x1100"},
		{"b . - 16" + landing("nop", 0xff0), "b 0xff0"},
		{"ld r2, 40(r1)", "ld r2,40(r1)"},
		{"std r2, 24(r1)", "std r2,24(r1)"},
		{"ld r0, -8(r31)", "ld r0,-8(r31)"},
		{"addi r1, r1, -112", "addi r1,r1,-112"},
		{"li r2, 0x5000", "li r2,20480"},
		{"mflr r0", "mflr r0"},
		{"mtlr r12", "mtlr r12"},
		{".word 0x60000000", "nop"},
	} {
		ws := assemblePPC(t, c.src)
		got, err := ppc64.Disasm(ws[0], 0x1000)
		if err != nil || got != c.want {
			t.Errorf("%s: %q %v, want %q", c.src, got, err, c.want)
		}
	}
}

func TestPPC64AssemblerErrors(t *testing.T) {
	for _, c := range []struct{ src, want string }{
		{"ld r2, 42(r1)", "asm.scenario:3:8: ld: the displacement 42 is not a multiple of 4"},
		{"ld r2, 40(x1)", "asm.scenario:3:11: unknown register \"x1\""},
		{"li r32, 1", "asm.scenario:3:4: unknown register \"r32\""},
		{"li r2, 0x8000", "asm.scenario:3:8: 32768 does not fit in a 16-bit signed immediate"},
		{"b . + 6", "asm.scenario:3:3: target 0x1006 is not a multiple of 4"},
		{"mflr", "asm.scenario:3:1: mflr takes operands rt; found 0 operand(s)"},
		{"bctr", "asm.scenario:3:1: unknown instruction \"bctr\""},
	} {
		src := "PPC64 asm\n[text 0x1000]\n" + c.src + "\n[init]\npc = 0x1000\n~exists (0:r2=1)\n"
		f, err := Parse("asm.scenario", []byte(src))
		if err == nil {
			_, err = f.Build(Settings{})
		}
		if err == nil || len(err.Error()) < len(c.want) || err.Error()[:len(c.want)] != c.want {
			t.Errorf("%s:\n got  %v\n want %s", c.src, err, c.want)
		}
	}
}
