package scenario

import "testing"

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
