package scenario

import (
	"strings"
	"testing"

	"github.com/ftcheck/ftcheck/checks"
	"github.com/ftcheck/ftcheck/ifetch/x86"
	"github.com/ftcheck/ftcheck/model"
)

// buildX86 builds x86 text at 0x1000 with a patcher and returns the boot
// bytes.
func buildX86(t *testing.T, text, patcher string) (*Built, []byte) {
	t.Helper()
	b, units := buildText(t, "X86", text, "[patcher]\n"+patcher+"\n[check bad-fetch]\n")
	code := make([]byte, len(units))
	for i, u := range units {
		code[i] = byte(u)
	}
	return b, code
}

// Every x86 statement decodes, with x/arch, to what was written.
func TestX86AssemblerRoundTripsThroughXArch(t *testing.T) {
	for _, c := range disassemblies(t, "X86") {
		// A jump's landing (asm_test.go) follows the statement and its hlt.
		stmt, land, _ := strings.Cut(c.src, "\n")
		_, code := buildX86(t, stmt+"\nhlt\n"+land, "")
		inst, ok := x86.Decode(code)
		if !ok {
			t.Errorf("%s: % x does not decode", c.src, code)
			continue
		}
		if got := x86.Disasm(inst, 0x1000); got != c.want {
			t.Errorf("%s: % x decodes as %q, want %q", c.src, code[:inst.Len], got, c.want)
		}
		if len(code) <= inst.Len || code[inst.Len] != x86.Hlt[0] {
			t.Errorf("%s: % x assembled, the instruction is %d bytes and no hlt follows it", c.src, code, inst.Len)
		}
	}
	// K8_NOP5 is two instructions: two boundaries, 66 66 90 66 90.
	b, code := buildX86(t, "k8_nop5\nhlt", "")
	var insns map[uint64][][]byte
	for _, c := range b.Config.Checks {
		if bf, ok := c.(checks.BadFetch); ok {
			insns = bf.Insns
		}
	}
	if string(code[:5]) != "\x66\x66\x90\x66\x90" || len(insns[0x1003]) != 1 || string(insns[0x1003][0]) != "\x66\x90" {
		t.Errorf("k8_nop5: % x, instructions at +3: % x", code, insns[0x1003])
	}
}

// The int3 protocol's stores: a version shorter than the first (the int3
// over the first byte), bytes LO .. HI of {insns} (the tail, then the
// first byte), text_poke of a whole instruction.
func TestX86PatcherByteStores(t *testing.T) {
	b, _ := buildX86(t, "f: p6_nop5 <-> call g <-> int3\ng: hlt",
		"store8 f = {int3}\nstore32 f+1 = bytes 1 .. 5 of {call g}\nstore8 f = bytes 0 .. 1 of {call g}\ntext_poke f = {p6_nop5}")
	want := []model.PatchOp{
		{Kind: model.PatchStore, Addr: 0x1000, Size: 1, Val: 0xcc},
		{Kind: model.PatchStore, Addr: 0x1001, Size: 4, Val: 0},
		{Kind: model.PatchStore, Addr: 0x1000, Size: 1, Val: 0xe8},
		{Kind: model.PatchStore, Addr: 0x1000, Size: 5, Val: 0x441f0f},
	}
	for i, w := range want {
		if got := b.Config.Patch[i]; got.Kind != w.Kind || got.Addr != w.Addr || got.Size != w.Size || got.Val != w.Val {
			t.Errorf("step %d: %+v, want %+v", i, got, w)
		}
	}
	if b.Config.Initial.Fetch.Versions(0x1000) != 1 || b.Config.Initial.Fetch.Contains(0x1006) {
		t.Errorf("the boot text is 6 bytes, one version each")
	}
}

func TestX86ErrorsArePositioned(t *testing.T) {
	base := "X86 t\n[text 0x1000]\nf: p6_nop5 <-> call g\ng: hlt\n[data 0x8000]\nx: .dword 0\n[init]\npc = f\n[patcher]\nstore32 f+1 = bytes 1 .. 5 of {call g}\n[check bad-fetch]\n"
	checkEdits(t, base, []edit{
		{"g: hlt", "g: movq 8(%rzz), %rax", "t.scenario:4:12: unknown register %rzz"},
		{"g: hlt", "g: movq $0x100000000, %rax", "t.scenario:4:9: 0x100000000 does not fit in a sign-extended 32-bit immediate (use movabsq)"},
		{"g: hlt", "g: movq %rax, $1", "t.scenario:4:4: movq takes $imm, %reg | %reg, %reg | mem, %reg | %reg, mem | $imm, mem"},
		{"g: hlt", "g: jmp.d8 . + 200", "t.scenario:4:11: target 0x10cd is out of reach of jmp.d8 (offset 198 from 0x1007)"},
		{"g: hlt", "g: lock movq x, %rax", "t.scenario:4:4: lock takes incq MEM, decq MEM, xaddq %reg, MEM or cmpxchgq %reg, MEM"},
		{"g: hlt", "g: .byte 0x100", "t.scenario:4:10: 0x100 does not fit in a byte"},
		{"f: p6_nop5 <-> call g", "f: int3 <-> call g", "t.scenario:3:13: every version (<->) must have the same length: call is 5 bytes, the first version 1"},
		{"bytes 1 .. 5 of", "bytes 1 .. 4 of", "t.scenario:10:15: bytes 1 .. 4 is 3 bytes, but store32 writes 4"},
		{"bytes 1 .. 5 of", "bytes 1 .. 5 {", "t.scenario:10:28: expected \"of\", found \"{\""},
		{"bytes 1 .. 5 of {call g}", "bytes 1 .. 5 of {nop}", "t.scenario:10:31: bytes 1 .. 5 of instructions that are 1 bytes"},
		{"store32 f+1 = bytes 1 .. 5 of {call g}", "store32 f+1 = bytes 1 .. 5 of {call x}", "t.scenario:10:31: the byte stored at 0x1001 (fb) is none of the versions the text declares there (1f, 00)"},
		{"store32 f+1 = bytes 1 .. 5 of {call g}", "text_poke f = {p6_nop5; p6_nop5}", "t.scenario:10:15: text_poke of 10 bytes: at most 8"},
		{"store32 f+1 = bytes 1 .. 5 of {call g}", "store32 f+1 = 5", "t.scenario:10:9: store32 to 0x1001 is not aligned"},
		{"[check bad-fetch]", "[check use-after-clear]", "t.scenario:11:1: [check use-after-clear] needs at least one line"},
		{"[check bad-fetch]", "[check use-after-clear]\npointer g", "t.scenario:12:9: g is not a [data] label"},
		{"[check bad-fetch]", "[check use-after-clear]\nptr x", "t.scenario:12:1: expected \"pointer\", found \"ptr\""},
		{"X86 t\n", "X86 t\ninterrupt int3: trap nowhere\n", "t.scenario:2:22: undefined symbol nowhere"},
		{"X86 t\n", "X86 t\ninterrupt int3: fault do_int3\n", "t.scenario:2:17: expected irq (taken with IRQs on), nmi (taken by CPUs parked in stop_machine too) or trap"},
	})
	// A version shorter than the first is x86's int3; word ISAs refuse it.
	err := buildErr(strings.Replace(minimal, "task:   nop", "task:   la a0, x <-> nop", 1))
	if err == nil || !strings.Contains(err.Error(), "every version (<->) must have the same length") {
		t.Errorf("a short version on RISC-V: %v", err)
	}
}
