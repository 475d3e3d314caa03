package scenario

import (
	"strings"
	"testing"
)

// A file that says something twice, or contradicts itself, is refused at
// the second place with where the first is: silently taking one of the
// two would make the verdict about a file other than the one the reader
// sees.
func TestDuplicatesAndContradictionsAreRefused(t *testing.T) {
	const end = "intend task -> task\n"
	for _, c := range []struct {
		old, new string // replace old by new in minimal
		want     string // the whole error
	}{
		{end, end + "[patcher]\nfence rw,rw\n", "t.scenario:15:1: a second [patcher] section (the first is at t.scenario:11:1)"},
		{end, end + "[init]\na0 = 1\n", "t.scenario:15:1: a second [init] section (the first is at t.scenario:9:1)"},
		{end, end + "  [check   torn-pair]\nintend task -> task\n", "t.scenario:15:3: a second [check torn-pair] section (the first is at t.scenario:13:1)"},
		{end, end + "[check deadlock]\n[check deadlock]\n", "t.scenario:16:1: a second [check deadlock] section (the first is at t.scenario:15:1)"},
		{"handler sync: fence r,r", "harts 2\nharts 3", "t.scenario:4:1: harts given twice (first at t.scenario:3:1)"},
		{"handler sync: fence r,r", "preempt 0\npreempt 1", "t.scenario:4:1: preempt given twice (first at t.scenario:3:1)"},
		{"handler sync: fence r,r", "calls 1\n  calls 1", "t.scenario:4:3: calls given twice (first at t.scenario:3:1)"},
		{"handler sync: fence r,r", "memory sc\nmemory tso", "t.scenario:4:1: memory given twice (first at t.scenario:3:1)"},
		{"handler sync: fence r,r", "timeout 1s\ntimeout 2s", "t.scenario:4:1: timeout given twice (first at t.scenario:3:1)"},
		{"handler sync: fence r,r", "max-states 10\nmax-states 20", "t.scenario:4:1: max-states given twice (first at t.scenario:3:1)"},
		{"handler sync: fence r,r", "max-depth 10\nmax-depth 20", "t.scenario:4:1: max-depth given twice (first at t.scenario:3:1)"},
		{"handler sync: fence r,r", "interrupts 1\ninterrupts 2", "t.scenario:4:1: interrupts given twice (first at t.scenario:3:1)"},
		{"handler sync: fence r,r", "stop_machine exit: fence.i\nstop_machine exit: fence.i", "t.scenario:4:1: stop_machine exit given twice (first at t.scenario:3:1)"},
		{"handler sync: fence r,r", "ctr_el0 idc=1 idc=0", "t.scenario:3:15: idc given twice"},
		{"handler sync: fence r,r", "handler sync: fence.i; fence.i", "t.scenario:3:24: one fetch synchronisation (fence.i, isb, sync_core) per handler"},
		{"handler sync: fence r,r", "hotplug 1 x: fence.i; fence.i", "t.scenario:3:23: one fetch synchronisation (fence.i, isb, sync_core) per handler"},
		{"[text 0x1000]", "[text 0x1000 .. 0x1000]", "t.scenario:4:17: the text range ends at 0x1000, not after its start 0x1000"},
		{"[text 0x1000]", "[text 0x1000 .. 0x800]", "t.scenario:4:17: the text range ends at 0x800, not after its start 0x1000"},
		{"task:   nop", "task: task: nop", "t.scenario:5:7: task is already defined at t.scenario:5:1"},
		{"task:   nop", "task:   nop <-> addi zero, zero, 0", "t.scenario:5:17: version 2 (addi zero, zero, 0) assembles to the same code as version 1"},
		{"task:   nop", "task:   nop <-> j . + 4 <-> jal zero, . + 4", "t.scenario:5:29: version 3 (jal zero, . + 4) assembles to the same code as version 2"},
		{"pc = task", "pc = task\na0 = 1\na0 = 2", "t.scenario:12:1: a0 of hart 0 is already set at t.scenario:11:1"},
		{"pc = task", "pc = task\na0 = 1\n1:a0 = 2; 1:a0 = 3", "t.scenario:12:11: a0 of hart 1 is already set at t.scenario:12:1"},
		{"pc = task", "pc = task\n1:t0 = 1\nt0 = 2", "t.scenario:12:1: t0 is set for every hart after hart 1's own value at t.scenario:11:1: set the default first"},
		{end, end + "~exists (x=1)\nexists (x=2)\n", "t.scenario:16:1: a second final condition (the first starts at t.scenario:15:1): a file has one"},
		{end, end + "~exists (x=1) ~exists (x=2)\n", "t.scenario:15:15: a second final condition (the first starts at t.scenario:15:1): a file has one"},
		{"[check torn-pair]\n" + end, "[check use-after-clear]\npointer x\npointer x\n", "t.scenario:15:9: pointer x given twice"},
	} {
		if !strings.Contains(minimal, c.old) {
			t.Fatalf("minimal has no %q", c.old)
		}
		err := buildErr(strings.Replace(minimal, c.old, c.new, 1))
		if err == nil || err.Error() != c.want {
			t.Errorf("%q -> %q:\n got  %v\n want %s", c.old, c.new, err, c.want)
		}
	}
}

// What the refusals above must not catch: two [text] and [data]
// sections, one value per hart, a label in a .rept body.
func TestLegitimateRepeatsBuild(t *testing.T) {
	for _, c := range []struct{ old, new string }{
		{"[data 0x8000]", "[text]\nnop\n[data 0x8000]\ny: .dword 0\n[data 0x9000]"},
		{"pc = task", "pc = task\n0:a0 = 1; 1:a0 = 2"},
		{"pc = task", "pc = task\na0 = 1\n1:a0 = 2; 0:pc = task + 4"},
		{"task:   nop", "task:\n.rept 2\nl: nop\n.endr"},
		{"[text 0x1000]", "[text 0x1000 .. 0x1004]"},
		{"task:   nop", "task:   nop <-> j . + 4"},
	} {
		if err := buildErr(strings.Replace(minimal, c.old, c.new, 1)); err != nil {
			t.Errorf("%q -> %q: %v", c.old, c.new, err)
		}
	}
}

// An instance file gives each bound, memory and timeout once.
func TestInstanceDuplicatesAreRefused(t *testing.T) {
	for _, c := range []struct{ src, want string }{
		{"protocol riscv-pair\nharts 2\nharts 3\n", "i.scenario:3:1: harts given twice (first at i.scenario:2:1)"},
		{"protocol riscv-pair\npreempt 0\n\n preempt 1\n", "i.scenario:4:2: preempt given twice (first at i.scenario:2:1)"},
		{"protocol riscv-pair\nmemory sc\nmemory tso\n", "i.scenario:3:1: memory given twice (first at i.scenario:2:1)"},
		{"protocol riscv-pair\ntimeout 1s\ntimeout 1s\n", "i.scenario:3:1: timeout given twice (first at i.scenario:2:1)"},
		{"protocol riscv-pair\nmax-depth 5\nmax-depth 6\n", "i.scenario:3:1: max-depth given twice (first at i.scenario:2:1)"},
		{"protocol riscv-pair\nset op = change\nset op = enable\n", "i.scenario:3:5: op is set twice (first at i.scenario:2:5)"},
	} {
		_, err := ParseInstance("i.scenario", []byte(c.src))
		if err == nil || err.Error() != c.want {
			t.Errorf("%q:\n got  %v\n want %s", c.src, err, c.want)
		}
	}
}

// A direct jump, branch or call must land where an instruction starts
// (in some version of the text): into the middle of one, into a word
// nothing was assembled to, or outside the text, it would run code the
// file does not show.
func TestJumpTargetsAreInstructions(t *testing.T) {
	const x86 = "X86 j\n[text 0x1000]\nf: jmp.d8 . + 3\n movabsq $1, %rax\n hlt\n[data 0x8000]\nx: .dword 0\n[init]\npc = f\nexists (x=1)\n"
	for _, c := range []struct{ src, old, new, want string }{
		{minimal, "task:   nop", "task:   j . + 2", "t.scenario:5:11: j target 0x1002 is not the start of an instruction"},
		{minimal, "task:   nop", "task:   beqz a0, . + 64", "t.scenario:5:18: beqz target 0x1040 is outside the text (0x1000..0x1008)"},
		{minimal, "task:   nop", "task:   call 0x800", "t.scenario:5:14: call target 0x800 is outside the text (0x1000..0x100c)"},
		{minimal, "[text 0x1000]\ntask:   nop", "[text 0x1000 .. 0x1010]\ntask:   j 0x100c", "t.scenario:5:11: j target 0x100c is not the start of an instruction"},
		{minimal, "store64 x = 1   [why]", "store32 task = {j . + 64}", "t.scenario:12:19: j target 0x1040 is outside the text (0x1000..0x1008)"},
		{x86, "", "", "t.scenario:3:11: jmp.d8 target 0x1003 is not the start of an instruction"},
		{x86, "f: jmp.d8 . + 3", "f: call 0x2000", "t.scenario:3:9: call target 0x2000 is outside the text (0x1000..0x1010)"},
		{strings.Replace(x86, "X86", "ARM64", 1), "f: jmp.d8 . + 3\n movabsq $1, %rax\n hlt", "f: bl . + 8\n brk 0", "t.scenario:3:7: bl target 0x1008 is outside the text (0x1000..0x1008)"},
		{strings.Replace(x86, "X86", "PPC64", 1), "f: jmp.d8 . + 3\n movabsq $1, %rax\n hlt", "f: b . - 4\n trap", "t.scenario:3:6: b target 0xffc is outside the text (0x1000..0x1008)"},
	} {
		err := buildErr(strings.Replace(c.src, c.old, c.new, 1))
		if err == nil || err.Error() != c.want {
			t.Errorf("%q -> %q:\n got  %v\n want %s", c.old, c.new, err, c.want)
		}
	}
	// A version may start an instruction where the first does not: the
	// second nop of k8_nop5 starts 3 bytes in, and a jump may go there.
	ok := strings.Replace(x86, "f: jmp.d8 . + 3\n movabsq $1, %rax", "f: jmp.d8 g + 3\ng: p6_nop5 <-> k8_nop5", 1)
	if err := buildErr(ok); err != nil {
		t.Errorf("a jump to the second instruction of a version: %v", err)
	}
}
