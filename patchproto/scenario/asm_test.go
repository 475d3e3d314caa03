package scenario

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/ftcheck/ftcheck/ifetch/arm64"
	"github.com/ftcheck/ftcheck/ifetch/ppc64"
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

// A disassembly is a statement and what x/arch disassembles its first
// instruction as.
type disassembly struct{ src, want string }

// disassemblies reads testdata/disasm/HEADER.txt, the statements of an
// ISA's assembler and their disassembly; a statement that jumps comes
// with landing nops (the file's third column).
func disassemblies(t *testing.T, header string) []disassembly {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", "disasm", header+".txt"))
	if err != nil {
		t.Fatal(err)
	}
	var ds []disassembly
	for i, line := range strings.Split(strings.TrimSuffix(string(data), "\n"), "\n") {
		if strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.Split(line, "\t")
		if len(f) < 2 || len(f) > 3 {
			t.Fatalf("%s.txt:%d: want statement, disassembly and landings, a tab apart", header, i+1)
		}
		d := disassembly{src: f[0], want: f[1]}
		if len(f) == 3 {
			for _, a := range strings.Split(f[2], ",") {
				addr, err := strconv.ParseUint(a, 0, 64)
				if err != nil {
					t.Fatalf("%s.txt:%d: %v", header, i+1, err)
				}
				d.src += landing("nop", addr)
			}
		}
		ds = append(ds, d)
	}
	return ds
}

// Every statement of the assemblers of fixed-width instructions decodes,
// with x/arch, to what was written (x86 is TestX86AssemblerRoundTrips:
// its instructions have lengths to check too).
func TestAssemblersRoundTripThroughXArch(t *testing.T) {
	for _, isa := range []struct {
		header, tail string
		disasm       func(word uint32) (string, error)
	}{
		{"RISCV", "", riscv.Disasm},
		{"ARM64", "", func(w uint32) (string, error) { return arm64.Disasm(w), nil }},
		{"PPC64", "r0 = 1\n", func(w uint32) (string, error) { return ppc64.Disasm(w, 0x1000) }},
	} {
		for _, c := range disassemblies(t, isa.header) {
			_, ws := buildText(t, isa.header, c.src, isa.tail+"~exists (x=1)\n")
			if got, err := isa.disasm(ws[0]); err != nil || got != c.want {
				t.Errorf("%s %q assembles to %08x = %q (%v), want %q", isa.header, c.src, ws[0], got, err, c.want)
			}
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
