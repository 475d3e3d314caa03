package scenario

import (
	"strings"
	"testing"

	"github.com/ftcheck/ftcheck/model"
)

// valueSteps is a one-hart x86 scenario around the patcher's spin and
// compare-and-swap steps (model/patchwait.go).
func valueSteps(task, patcher, final string) string {
	return "X86 t\nharts 1\npreempt 0\n[text 0x1000]\ntask:\n" + task + "\n        hlt\n" +
		"[data 0x8000]\nx: .dword 0\nflag: .dword 0\nc: .dword 0\n[init]\npc = task\n[patcher]\n" + patcher + "\n[check deadlock]\n" + final + "\n"
}

// wait ADDR == VALUE is enabled only when the patcher's load can return
// VALUE: under TSO the hart's flag store must have left its store buffer.
// The hart reads x before it stores the flag, so it never sees the
// patcher's x = 1. Without the wait (a plain store) it can.
func TestPatcherWaitBlocksUntilTheValueIsVisible(t *testing.T) {
	task := "        movq x, %rbx\n        movq $1, %rax\n        movq %rax, flag"
	for _, mem := range []string{"tso", "sc"} {
		r, _ := exploreSource(t, valueSteps(task, "wait flag == 1\nstore64 x = 1", "~exists (0:rbx=1)"), Settings{Memory: mem})
		if r.Outcome != model.Safe {
			t.Errorf("%s: with the wait: %v %v, want safe", mem, r.Outcome, r.Violation)
		}
		r, _ = exploreSource(t, valueSteps(task, "store64 x = 1", "~exists (0:rbx=1)"), Settings{Memory: mem})
		if r.Outcome != model.Violated {
			t.Errorf("%s: without the wait: %v, want the hart to read x = 1", mem, r.Outcome)
		}
	}
	// A value no one writes: the patcher spins for ever.
	r, _ := exploreSource(t, valueSteps(task, "wait flag == 2\nstore64 x = 1", ""), Settings{})
	if r.Outcome != model.Violated || r.Violation.Check != "deadlock" || !strings.Contains(r.Violation.Message, "patcher spins until [flag] == 0x2; it reads 0x1") {
		t.Errorf("wait flag == 2: %v %v, want a deadlock naming the spin", r.Outcome, r.Violation)
	}
}

// cmpxchg c: 0 -> FLAG sets the flag only while no hart is counted in c
// (the 2009 nmi_running protocol): a hart counted without the flag reads
// x twice between its count and its decrement, and never sees it change.
// A plain store of the flag lets the patcher write x in between.
func TestPatcherCmpxchgSetsTheFlagOnlyWhenNoOneRuns(t *testing.T) {
	task := "        movq $1, %rax\n        lock xaddq %rax, c\n        movq x, %rbx\n        movq x, %rcx\n        lock decq c"
	final := "~exists ((0:rax=0 /\\ 0:rbx=0 /\\ 0:rcx=1) \\/ ~(c=0))"
	for _, mem := range []string{"tso", "sc"} {
		r, _ := exploreSource(t, valueSteps(task, "cmpxchg c: 0 -> 0x100\nstore64 x = 1\ncmpxchg c: and ~0x100", final), Settings{Memory: mem})
		if r.Outcome != model.Safe {
			t.Errorf("%s: cmpxchg: %v %v, want safe", mem, r.Outcome, r.Violation)
		}
		r, _ = exploreSource(t, valueSteps(task, "store64 c = 0x100\nstore64 x = 1\ncmpxchg c: and ~0x100", final), Settings{Memory: mem})
		if r.Outcome != model.Violated {
			t.Errorf("%s: plain flag store: %v, want a hart that sees x change", mem, r.Outcome)
		}
	}
	// cmpxchg32 and the clear leave the counter alone.
	r, _ := exploreSource(t, valueSteps(task, "cmpxchg32 c: 0 -> 0x100\ncmpxchg32 c: and ~0x100", "~exists (~(c=0))"), Settings{})
	if r.Outcome != model.Safe {
		t.Errorf("cmpxchg32: %v %v", r.Outcome, r.Violation)
	}
}

// A locked read-modify-write must read the newest value: refused on a
// memory model that cannot promise it (RISC-V's rvwmo; on X86 the
// scenario refuses rvwmo before the model is asked).
func TestPatcherCmpxchgNeedsALockedRMWMemory(t *testing.T) {
	x86 := valueSteps("        nop", "cmpxchg c: 0 -> 1", "")
	riscv := strings.Replace(strings.Replace(x86, "X86 t", "RISCV t", 1), "hlt", "ebreak", 1)
	for _, c := range []struct {
		src, mem string
		ok       bool
	}{{x86, "sc", true}, {x86, "tso", true}, {riscv, "sc", true}, {riscv, "rvwmo", false}} {
		f, err := Parse("t.scenario", []byte(c.src))
		if err != nil {
			t.Fatal(err)
		}
		b, err := f.Build(Settings{Memory: c.mem})
		if err != nil {
			t.Fatal(err)
		}
		_, serr := model.NewSystem(b.Config)
		if (serr == nil) != c.ok || serr != nil && !strings.Contains(serr.Error(), "cannot perform") {
			t.Errorf("%s: %v", c.mem, serr)
		}
	}
}

// A memory model of another architecture is refused: its verdicts are of
// CPUs the scenario's code never runs on.
func TestMemoryModelOfAnotherArchitectureIsRefused(t *testing.T) {
	f, err := Parse("t.scenario", []byte(valueSteps("        nop", "store64 x = 1", "")))
	if err != nil {
		t.Fatal(err)
	}
	for _, mem := range []string{"rvwmo", "armv8"} {
		_, err := f.Build(Settings{Memory: mem})
		if err == nil || !strings.Contains(err.Error(), "t.scenario:1:1: --memory "+mem+" is not a memory model of X86 (tso, sc)") {
			t.Errorf("X86 under %s: %v, want refused", mem, err)
		}
	}
	src := strings.Replace(valueSteps("        nop", "store64 x = 1", ""), "preempt 0\n", "preempt 0\nmemory armv8\n", 1)
	f, err = Parse("u.scenario", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.Build(Settings{}); err == nil || !strings.Contains(err.Error(), "u.scenario:4:8: memory armv8 is not a memory model of X86") {
		t.Errorf("X86 with memory armv8 in the file: %v, want refused at the memory line", err)
	}
}

// interrupt entry: sync_core. A CPU that takes an NMI after the patcher's
// text store reached memory fetches only the new bytes if the entry
// serialises it, and may fetch the old ones if not. (An NMI taken before
// the store still may: the entry made it current then, not later.)
func TestInterruptEntrySync(t *testing.T) {
	src := func(decl string) string {
		return "X86 t\nharts 1\npreempt 0\ninterrupt nmi: nmi h\n" + decl + "\n[text 0x1000]\ntask:\n        nop\n        hlt\nf:      p6_nop5 <-> call g\n        ret\ng:      ret\nh:      call f\n        iretq\n" +
			"[data 0x8000]\nstack: .zero 64\n[init]\npc = task\nrsp = stack + 64\n[patcher]\ntext_poke f = {call g}\n[check bad-fetch]\n"
	}
	for _, c := range []struct {
		decl    string
		choices int
	}{{"", 2}, {"interrupt entry: sync_core", 1}} {
		s, _ := systemOf(t, src(c.decl), Settings{})
		m := s.Initial
		for _, l := range []model.Label{{Actor: 1, Action: model.ActPatch}, model.MemoryLabel(1, 1, 0), {Actor: 0, Action: model.ActInterrupt}} {
			tr, err := s.Apply(m, l)
			if err != nil {
				t.Fatalf("%q: %s: %v", c.decl, l, err)
			}
			m = tr.After
		}
		fAddr := uint64(0x1002)
		if got := m.Fetch.Choices(0, fAddr); got != c.choices {
			t.Errorf("%q: after the NMI the hart may fetch %d versions of f's first byte, want %d", c.decl, got, c.choices)
		}
	}
	f, err := Parse("t.scenario", []byte("RISCV t\ninterrupt entry: sync_core\n[text 0x1000]\ntask: ebreak\n[init]\npc = task\n[patcher]\nfence rw,rw\n[check bad-fetch]\n"))
	if err == nil {
		_, err = f.Build(Settings{})
	}
	if err == nil || !strings.Contains(err.Error(), "t.scenario:2:11: interrupt entry: sync_core is an x86 declaration") {
		t.Errorf("RISC-V: %v", err)
	}
}
