package scenario

import (
	"strings"
	"testing"
)

// minimal is a valid scenario to break one line at a time.
const minimal = `RISCV t
param op = a | b
handler sync: fence r,r
[text 0x1000]
task:   nop
        ebreak
[data 0x8000]
x:      .dword 0
[init]
pc = task
[patcher]
store64 x = 1   [why]
[check torn-pair]
intend task -> task
`

func buildErr(src string) error {
	f, err := Parse("t.scenario", []byte(src))
	if err != nil {
		return err
	}
	_, err = f.Build(Settings{})
	return err
}

// mustBuild builds a scenario that must build.
func mustBuild(t *testing.T, src string) *Built {
	t.Helper()
	f, err := Parse("t.scenario", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	b, err := f.Build(Settings{})
	if err != nil {
		t.Fatalf("%v\n%s", err, src)
	}
	return b
}

// An edit replaces old with new, once, in a scenario that builds; the
// edited file must fail with an error that starts with want.
type edit struct{ old, new, want string }

// checkEdits checks that base builds and each edit of it fails as it
// says.
func checkEdits(t *testing.T, base string, edits []edit) {
	t.Helper()
	if err := buildErr(base); err != nil {
		t.Fatal(err)
	}
	for _, e := range edits {
		if !strings.Contains(base, e.old) {
			t.Fatalf("%q not in the base", e.old)
		}
		err := buildErr(strings.Replace(base, e.old, e.new, 1))
		if err == nil || !strings.HasPrefix(err.Error(), e.want) {
			t.Errorf("%q -> %q:\n got  %v\n want %s", e.old, e.new, err, e.want)
		}
	}
}

func TestMinimalScenarioBuilds(t *testing.T) {
	if err := buildErr(minimal); err != nil {
		t.Fatal(err)
	}
}

// Every malformed file is refused with file:line:col: and a message that
// says what is wrong.
func TestErrorsArePositioned(t *testing.T) {
	checkEdits(t, minimal, []edit{
		{"RISCV t", "Z80 t", "t.scenario:1:1: architecture \"Z80\" is not supported yet"},
		{"RISCV t", "RISCV", "t.scenario:1:6: the header needs a name"},
		{"task:   nop", "task:   nopp", "t.scenario:5:9: unknown instruction \"nopp\""},
		{"task:   nop", "task:   addi a0, q1, 1", "t.scenario:5:18: unknown register \"q1\""},
		{"task:   nop", "task:   addi a0, a0", "t.scenario:5:9: addi takes operands rd, rs, imm; found 2"},
		{"task:   nop", "task:   ld a0, 8 gp", "t.scenario:5:16: expected off(reg)"},
		{"task:   nop", "task:   jal nowhere", "t.scenario:5:13: undefined symbol nowhere"},
		{"task:   nop", "task:   addi a0, a0, 1 2", "t.scenario:5:24: unexpected \"2\""},
		{"task:   nop", "task:   fence q,w", "t.scenario:5:15: bad fence set \"q\""},
		{"task:   nop", "task:   nop <-> la a0, x", "t.scenario:5:17: every version (<->) must have the same length: la is 8 bytes"},
		{"task:   nop", "task:   nop\n        .org 0x1000\n        nop", "t.scenario:7:9: the word at 0x1000 is already defined at t.scenario:5:9"},
		{"[text 0x1000]", "[text 0x1001]", "t.scenario:4:7: address 0x1001 is not 2-byte aligned"},
		{"[text 0x1000]", "[txt 0x1000]", "t.scenario:4:2: unknown section [txt]"},
		{"[text 0x1000]", "[text 0x1000", "t.scenario:4:13: section header not closed"},
		{"x:      .dword 0", "x:      .dword 0\nx:      .dword 1", "t.scenario:9:1: x is already defined at t.scenario:8:1"},
		{"x:      .dword 0", "x:      .word 0x100000000", "t.scenario:8:15: 0x100000000 does not fit in 4 bytes"},
		{"pc = task", "pc = task\n3:a0 = 1", "t.scenario:11:1: hart 3 does not exist"},
		{"store64 x = 1   [why]", "store64 x = 1   [why", "t.scenario:12:17: annotation not closed"},
		{"store64 x = 1   [why]", "store48 x = 1", "t.scenario:12:1: unknown patcher step \"store48\""},
		{"store64 x = 1   [why]", "store64 task = {nop}", "t.scenario:12:16: store64 writes 8 bytes but the instructions are 4 bytes"},
		{"store64 x = 1   [why]", "ipi others nosuch", "t.scenario:12:12: unknown handler nosuch"},
		{"store64 x = 1   [why]", "ipi mask sync", "t.scenario:1:1: the patcher reads a mask and sends IPIs to it, but no cpu_online_mask is declared"},
		{"store64 x = 1   [why]", "load a0 = x", "t.scenario:12:6: expected \"mask\""},
		{"store64 x = 1   [why]", "load mask = x + 4", "t.scenario:12:13: the mask at 0x8004 is not 8-byte aligned"},
		{"store64 x = 1   [why]", "ipi mask sync", "t.scenario:1:1: the patcher reads a mask"},
		{"store64 x = 1   [why]", "read x", "t.scenario:12:1: read is not supported yet as a patcher step"},
		{"store64 x = 1   [why]", "cmpxchg x, 0, 1", "t.scenario:12:10: expected \":\""},
		{"store64 x = 1   [why]", "cmpxchg x: 0 1", "t.scenario:12:14: expected \"->\""},
		{"store64 x = 1   [why]", "cmpxchg x: and 1", "t.scenario:12:16: expected \"~\""},
		{"store64 x = 1   [why]", "cmpxchg32 x + 2: 0 -> 1", "t.scenario:12:11: the 4-byte atomic word at 0x8002 is not aligned"},
		{"store64 x = 1   [why]", "cmpxchg task: 0 -> 1", "t.scenario:12:9: 0x1000 is text"},
		{"store64 x = 1   [why]", "wait8 x == 0x100", "t.scenario:12:12: 0x100 does not fit in 1 bytes"},
		{"store64 x = 1   [why]", "wait x = 0", "t.scenario:12:8: expected wait ADDR == VALUE"},
		{"store64 x = 1   [why]", "wait counter x == 2", "t.scenario:12:6: undefined symbol counter"},
		{"[check torn-pair]", "[check stale-dest]", "t.scenario:14:1: [check stale-dest] takes dest, update, call, register, not \"intend\""},
		{"[check torn-pair]\nintend task -> task", "[check stale-dest]\ndest x\nupdate why", "t.scenario:13:8: [check stale-dest] needs a \"call\" line"},
		{"[check torn-pair]\nintend task -> task", "[check stale-dest]\ndest task\nupdate why\ncall task -> task", "t.scenario:14:6: task is not a data item"},
		{"[check torn-pair]\nintend task -> task", "[check stale-dest]\ndest x\nupdate nowhere\ncall task -> task", "t.scenario:15:8: patcher step 1 stores the destination outside any update: annotate it [nowhere: ...]"},
		{"[check torn-pair]\nintend task -> task", "[check stale-dest]\ndest x\nupdate why\ncall task task", "t.scenario:16:11: expected \"->\""},
		{"[check torn-pair]\nintend task -> task", "[check pair-mismatch]\ndest x\nop x\ncall task q9", "t.scenario:16:11: unknown register \"q9\""},
		{"[check torn-pair]\nintend task -> task", "[check pair-mismatch]\ndest x\ndest x", "t.scenario:15:1: dest given twice"},
		{"[check torn-pair]\nintend task -> task", "[check stale-dest]\ndest x\nregister strong", "t.scenario:15:10: register strong: want regular"},
		{"[check torn-pair]", "[check deadlock]\nintend task -> task", "t.scenario:14:1: [check deadlock] takes no lines"},
		{"[check torn-pair]", "[check lost-return]", "t.scenario:14:1: [check lost-return] takes no lines"},
		{"[check torn-pair]", "[check bad-fetch]", "t.scenario:14:1: [check bad-fetch] takes no lines"},
		{"[check torn-pair]", "[check tron-pair]", "t.scenario:13:8: unknown check \"tron-pair\": did you mean torn-pair? (checks: torn-pair, bad-fetch, lost-return, stale-fetch, deadlock, stale-dest, pair-mismatch, use-after-clear)"},
		{"[check torn-pair]", "[check torn-pairs]", "t.scenario:13:8: unknown check \"torn-pairs\": did you mean torn-pair? (checks: torn-pair,"},
		{"[check torn-pair]", "[check liveness]", "t.scenario:13:8: unknown check \"liveness\" (checks: torn-pair,"},
		{"[check torn-pair]", "[check]", "t.scenario:13:7: expected a check name: [check torn-pair]"},
		{"intend task -> task", "intend task task", "t.scenario:14:13: expected \"->\""},
		{"handler sync: fence r,r", "handler sync: ebreak", "t.scenario:3:15: a handler runs fence P,S and/or fence.i"},
		{"handler sync: fence r,r", "hotplug cpu1", "t.scenario:3:9: hotplug wants the number of harts that start offline"},
		{"handler sync: fence r,r", "hotplug 1 task: fence.i", "t.scenario:3:11: the mask at 0x1000 is no [data] item"},
		{"handler sync: fence r,r", "hotplug 3 x: fence.i", "t.scenario:3:1: hotplug 3: there are only 2 harts"},
		{"handler sync: fence r,r", "hotplug 1 x: ebreak", "t.scenario:3:14: a handler runs fence P,S and/or fence.i"},
		{"handler sync: fence r,r\n", "handler sync: fence r,r\nhotplug 1 x: fence.i\nhotplug 1 x: fence.i\n", "t.scenario:5:1: hotplug declared twice"},
		{"handler sync: fence r,r", "handler sync via tcp: fence r,r", "t.scenario:3:18: unknown IPI delivery \"tcp\""},
		{"handler sync: fence r,r", "handler sync via: fence r,r", "t.scenario:3:17: expected csd or sbi"},
		{"handler sync: fence r,r", "harts 9", "t.scenario:3:7: harts wants a number from 1 to 8"},
		{"handler sync: fence r,r", "memory weak", "t.scenario:3:8: unknown memory model \"weak\""},
		{"handler sync: fence r,r", ".if op == c\n.endif", "t.scenario:3:11: \"c\" is not a value of op"},
		{"handler sync: fence r,r", ".if opp == a\n.endif", "t.scenario:3:5: opp is not a parameter"},
		{"handler sync: fence r,r", ".if op == a", "t.scenario:3:1: .if without .endif"},
		{"handler sync: fence r,r", ".endif", "t.scenario:3:1: .endif without .if"},
		{"task:   nop", ".rept 100\nnop\n.endr", "t.scenario:5:1: .rept 100: at most 64 copies"},
		{"task:   nop", ".rept 2\nnop", "t.scenario:5:1: .rept without .endr"},
		{"task:   nop", "task:   li a0, task", "t.scenario:5:16: li needs a constant"},
		{"intend task -> task", "intend task -> task\n~exists (0:a0=1 /\\ )", "t.scenario:15:20: expected a location"},
		{"intend task -> task", "intend task -> task\nexists (0:pc=1)", "t.scenario:15:11: unknown register \"pc\""},
		{"intend task -> task", "intend task -> task\nforall (y=1)", "t.scenario:15:9: y is not a data label"},
		{"[check torn-pair]\nintend task -> task\n", "", "t.scenario:1:1: nothing to check"},
		{"param op = a | b", "param op = a | a", "t.scenario:2:16: value a listed twice"},
		{"task:   nop", "task:   \"nop\"", "t.scenario:5:9: expected an instruction, found \"nop\""},
		{"task:   nop", "task:   nop @", "t.scenario:5:13: unexpected character '@'"},
	})
}

// A planned check or step is refused, never silently ignored, in every
// branch: ftcheck check builds every combination of parameters.
func TestCheckAllSeesEveryBranch(t *testing.T) {
	src := strings.Replace(minimal, "store64 x = 1   [why]", ".if op == b\nread x\n.endif", 1)
	f, err := Parse("t.scenario", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.Build(Settings{}); err != nil {
		t.Fatalf("default branch: %v", err)
	}
	n, problems := f.CheckAll()
	if n != 2 || len(problems) != 1 || !strings.Contains(problems[0].Error(), "t.scenario:13:1: read is not supported yet") ||
		!strings.Contains(problems[0].Error(), "(with op=b)") {
		t.Fatalf("%d configurations, %v", n, problems)
	}
}
