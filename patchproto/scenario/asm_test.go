package scenario

import (
	"fmt"
	"strings"
	"testing"

	"github.com/ftcheck/ftcheck/ifetch/riscv"
)

// buildText builds a one-hart scenario of the ISA header names around
// text at 0x1000, data x at 0x8000 and the PC at 0x1000, then tail (more
// [init] lines, sections), and returns the boot text from 0x1000, one
// fetch unit (a word, or an x86 byte) an element.
func buildText(t *testing.T, header, text, tail string) (*Built, []uint32) {
	t.Helper()
	b := mustBuild(t, header+" asm\n[text 0x1000]\n"+text+"\n[data 0x8000]\nx: .dword 0\n[init]\npc = 0x1000\n"+tail)
	var units []uint32
	fetch := b.Config.Initial.Fetch
	for a := uint64(0x1000); fetch.Contains(a); a += uint64(arches[header].unit) {
		u, _ := fetch.Fetch(0, a, 0)
		units = append(units, u)
	}
	return b, units
}

// assemble assembles RISC-V text at 0x1000 and returns the boot words.
func assemble(t *testing.T, text string) []uint32 {
	t.Helper()
	_, ws := buildText(t, "RISCV", text, "~exists (x=1)\n")
	return ws
}

// landing is text that puts nop at each address after a statement
// assembled at 0x1000 (.org moves the location counter forwards or
// back), so that a jump to one of them lands on an instruction: a target
// that is none is an error.
func landing(nop string, addrs ...uint64) string {
	var b strings.Builder
	for _, a := range addrs {
		fmt.Fprintf(&b, "\n.org %#x\n%s", a, nop)
	}
	return b.String()
}

// Every instruction the assembler accepts decodes, with x/arch, to what
// was written (GNU syntax, ABI names), pseudo-instructions to their
// expansion.
func TestAssemblerRoundTripsThroughXArch(t *testing.T) {
	for _, c := range []struct{ src, want string }{
		{"nop", "nop"},
		{"ebreak", "ebreak"},
		{"fence.i", "fence.i"},
		{"fence.tso", "fence.tso"},
		{"fence", "fence"},
		{"fence w,w", "fence w,w"},
		{"fence rw, rw", "fence rw,rw"},
		{"fence iorw,o", "fence iorw,o"},
		{"ret", "ret"},
		{"jr t0", "jr t0"},
		{"jalr ra", "jalr ra"},
		{"jalr t0, 640(t0)", "jalr t0,640(t0)"},
		{"jalr t0, -1864(t0)", "jalr t0,-1864(t0)"},
		{"jalr zero, t0, 0", "jr t0"},
		{"jalr ra, (a0)", "jalr a0"},
		{"jal ra, . + 256" + landing("nop", 0x1100), "jal 256"},
		{"jal . - 8" + landing("nop", 0xff8), "jal -8"},
		{"j . + 16" + landing("nop", 0x1010), "j 16"},
		{"jal t1, . + 2048" + landing("nop", 0x1800), "jal t1,2048"},
		{"beq a0, a1, . + 12" + landing("nop", 0x100c), "beq a0,a1,12"},
		{"bne t0, zero, . - 4" + landing("nop", 0xffc), "bnez t0,-4"},
		{"beqz a2, . + 8" + landing("nop", 0x1008), "beqz a2,8"},
		{"bnez a3, . + 8" + landing("nop", 0x1008), "bnez a3,8"},
		{"addi sp, sp, -16", "addi sp,sp,-16"},
		{"ori a0, a1, 0x7ff", "ori a0,a1,2047"},
		{"add a0, a1, a2", "add a0,a1,a2"},
		{"mv s1, ra", "mv s1,ra"},
		{"li t1, 3", "li t1,3"},
		{"li t1, -2048", "li t1,-2048"},
		{"lui a0, 0xfffff", "lui a0,0xfffff"},
		{"lui a0, -1", "lui a0,0xfffff"},
		{"auipc t0, 0x1", "auipc t0,0x1"},
		{"auipc ra, %hi(0x3400 - 0x1000)", "auipc ra,0x2"},
		{"ld a2, 8(gp)", "ld a2,8(gp)"},
		{"ld ra, 0(gp)", "ld ra,0(gp)"},
		{"lw a0, -4(sp)", "lw a0,-4(sp)"},
		{"sd t1, 8(gp)", "sd t1,8(gp)"},
		{"sw x5, 2047(x10)", "sw t0,2047(a0)"},
		{"ld fp, %lo(x)(gp)", "ld s0,0(gp)"},
		{".word 0x00000013", "nop"},
	} {
		ws := assemble(t, c.src)
		got, err := riscv.Disasm(ws[0])
		if err != nil || got != c.want {
			t.Errorf("%q assembles to %08x = %q (%v), want %q", c.src, ws[0], got, err, c.want)
		}
	}
}

func TestPseudoInstructionsExpand(t *testing.T) {
	for _, c := range []struct {
		src  string
		want []string
	}{
		{"li t1, 0x3400", []string{"lui t1,0x3", "addi t1,t1,1024"}},
		{"li t1, 0x3000", []string{"lui t1,0x3"}},
		{"li a0, 0x12345fff", []string{"lui a0,0x12346", "addi a0,a0,-1"}},
		{"la a1, x", []string{"auipc a1,0x7", "mv a1,a1"}},
		{"call 0x2380" + landing("nop", 0x2380), []string{"auipc ra,0x1", "jalr ra,896(ra)"}},
	} {
		ws := assemble(t, c.src)
		for i, w := range c.want {
			got, err := riscv.Disasm(ws[i])
			if err != nil || got != w {
				t.Errorf("%q word %d: %q (%v), want %q", c.src, i, got, err, w)
			}
		}
	}
}

// The call sites of the built-ins, written with %hi/%lo of the distance
// as the kernel computes them (to_auipc_t0, to_jalr_t0), match the
// literal immediates in the files.
func TestHiLoOfTheCallSite(t *testing.T) {
	ws := assemble(t, "auipc t0, %hi(0x2380 - 0x1100)\njalr t0, %lo(0x2380 - 0x1100)(t0)\nauipc ra, %hi(0x4c40-0x2388)\njalr ra, %lo(0x4c40-0x2388)(ra)")
	want := []uint32{riscv.Auipc(riscv.T0, 1), riscv.Jalr(riscv.T0, riscv.T0, 640), riscv.Auipc(riscv.RA, 3), riscv.Jalr(riscv.RA, riscv.RA, -1864)}
	for i, w := range want {
		if ws[i] != w {
			t.Errorf("word %d: %08x, want %08x", i, ws[i], w)
		}
	}
}

// Out-of-range immediates are errors at the operand, never a panic in
// the encoders.
func TestImmediatesOutOfRangeAreErrors(t *testing.T) {
	for _, src := range []string{
		"addi a0, a0, 2048", "addi a0, a0, -2049", "lui a0, 0x100000", "auipc a0, -0x80001",
		"jal . + 0x100000", "beq a0, a1, . + 4096", "beq a0, a1, . + 3", "ld a0, 4096(gp)",
		"li a0, 0x7ffff800", "jalr t0, 2048(t0)", ".word 0x100000000",
	} {
		f, err := Parse("imm.scenario", []byte("RISCV imm\n[text 0x1000]\n        "+src+"\n[init]\npc = 0x1000\n~exists (0:a0=1)\n"))
		if err != nil {
			t.Fatal(err)
		}
		_, err = f.Build(Settings{})
		if err == nil || !strings.HasPrefix(err.Error(), "imm.scenario:3:") {
			t.Errorf("%q: %v", src, err)
		}
	}
}
