package scenario

import (
	"encoding/binary"
	"testing"

	"github.com/ftcheck/ftcheck/ifetch/riscv"
)

// Compressed instructions are 2 bytes; a 4-byte instruction after an odd
// number of them straddles two fetch units, each of which holds halves of
// two instructions.
func TestCompressedLayoutPacksHalves(t *testing.T) {
	ws := assemble(t, `
        c.nop
        addi a0, a0, 1          # 0x1002: straddles
        c.li a1, 3              # 0x1006
        .half 0x8082            # 0x1008: c.jr ra
        ebreak                  # 0x100a: straddles`)
	var b []byte
	b = binary.LittleEndian.AppendUint16(b, riscv.CNop)
	b = binary.LittleEndian.AppendUint32(b, riscv.Addi(riscv.A0, riscv.A0, 1))
	b = binary.LittleEndian.AppendUint16(b, riscv.CLi(riscv.A1, 3))
	b = binary.LittleEndian.AppendUint16(b, riscv.CJr(riscv.RA))
	b = binary.LittleEndian.AppendUint32(b, riscv.Ebreak)
	b = append(b, 0, 0)
	if len(ws) != len(b)/4 {
		t.Fatalf("%d units, want %d", len(ws), len(b)/4)
	}
	for i, w := range ws {
		if want := binary.LittleEndian.Uint32(b[4*i:]); w != want {
			t.Errorf("unit %#x = %08x, want %08x", 0x1000+4*i, w, want)
		}
	}
}

// straddling is a patch site at 0x1002, a 4-byte nop <-> jalr across the
// units at 0x1000 and 0x1004, with a second site sharing unit 0x1004.
const straddling = `RISCV t
[text 0x1000]
task:   c.nop
site:   nop <-> jalr t0, 0(t0)
        c.nop <-> c.li a0, 1
        ebreak
[data 0x8000]
x:      .dword 0
[init]
pc = task
[patcher]
PATCH
[check torn-pair]
intend site -> task
`

// A store of part of a unit must be bytes of one of the versions the text
// declares there; the versions of a unit two sites share are every
// combination of theirs.
func TestStoresToStraddlingSitesAreChecked(t *testing.T) {
	for _, ok := range []string{
		"store16 site = bytes 0 .. 2 of {jalr t0, 0(t0)}\nstore16 site+2 = bytes 2 .. 4 of {jalr t0, 0(t0)}",
		"store32 site+2 = bytes 2 .. 6 of {jalr t0, 0(t0); c.li a0, 1}", // new jalr half, new c.li
		"store32 site+2 = bytes 2 .. 6 of {nop; c.li a0, 1}",            // old nop half, new c.li
		"store16 site+4 = {c.li a0, 1}",
	} {
		src := replaceOnce(straddling, "PATCH", ok)
		if err := buildErr(src); err != nil {
			t.Errorf("%s: %v", ok, err)
		}
	}
	base := "store16 site+4 = {c.li a0, 1}"
	checkEdits(t, replaceOnce(straddling, "PATCH", base), []edit{
		{base, "store16 site = {c.li a0, 1}", "t.scenario:12:16: the bytes stored at 0x1002..0x1004 (05 45) are part of none of the versions the text declares for the word at 0x1000 (00130001, 82e70001)"},
		{base, "store16 site+1 = {c.nop}", "t.scenario:12:9: store16 to 0x1003 is not aligned"},
		{base, "store32 site = {jalr t0, 0(t0)}", "t.scenario:12:9: store32 to 0x1002 is not aligned"},
		{base, "store32 site+2 = bytes 2 .. 6 of {jalr t0, 0(t0); c.li a1, 1}", "t.scenario:12:34: the word stored at 0x1004 (45850002) is none of the versions the text declares there (00010000, 45050000, 00010002, 45050002)"},
	})
}

func replaceOnce(s, old, new string) string {
	i := len(s)
	for j := 0; j+len(old) <= len(s); j++ {
		if s[j:j+len(old)] == old {
			i = j
			break
		}
	}
	return s[:i] + new + s[i+len(old):]
}

// Operands a compressed form cannot hold are errors at the operand.
func TestCompressedOperandErrors(t *testing.T) {
	checkEdits(t, minimal, []edit{
		{"task:   nop", "task:   c.addi a0, 0", "t.scenario:5:20: c.addi needs a nonzero immediate"},
		{"task:   nop", "task:   c.addi a0, 32", "t.scenario:5:20: 32 does not fit in a 6-bit signed immediate"},
		{"task:   nop", "task:   c.li zero, 1", "t.scenario:5:14: c.li cannot name x0 here"},
		{"task:   nop", "task:   c.mv a0, zero", "t.scenario:5:18: c.mv cannot name x0 here"},
		{"task:   nop", "task:   c.jr zero", "t.scenario:5:14: c.jr cannot name x0 here"},
		{"task:   nop", "task:   c.ldsp ra, 4(sp)", "t.scenario:5:20: c.ldsp offset 4 is not a multiple of 8 in 0..504"},
		{"task:   nop", "task:   c.sdsp ra, 8(a0)", "t.scenario:5:20: c.sdsp addresses sp only"},
		{"task:   nop", "task:   c.j . + 3", "t.scenario:5:13: target 0x1003 is out of reach of c.j"},
		{"task:   nop", "task:   c.j . + 4096", "t.scenario:5:13: target 0x2000 is out of reach of c.j"},
		{"task:   nop", "task:   c.nop a0", "t.scenario:5:9: c.nop takes no operands; found 1"},
		{"task:   nop", "task:   .half 0x10000", "t.scenario:5:15: .half 0x10000 does not fit in 16 bits"},
		{"task:   nop", "task:   c.nop <-> nop", "t.scenario:5:19: every version (<->) must have the same length: nop is 4 bytes, the first version 2"},
		{"task:   nop", "task:   c.nop\n        .org 0x1000\n        c.nop", "t.scenario:7:9: the word at 0x1000 is already defined at t.scenario:5:9"},
		{"task:   nop", "task:   c.nop\n        .org 0x1001\n        c.nop", "t.scenario:6:14: address 0x1001 is not 2-byte aligned"},
	})
}
