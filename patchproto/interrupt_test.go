package patchproto

import (
	"context"
	"strings"
	"testing"

	"github.com/ftcheck/ftcheck/model"
)

// An NMI is taken by a CPU parked in stop_machine, an IRQ is not. The
// handler copies y, which the patcher sets to 1 only while every CPU is
// parked, into x: x=1 in a final state means a handler ran on a parked
// CPU. The task ends at once, so an IRQ can come only before that.
const parkedSrc = `RISCV nmi-parked
param kind = nmi | irq
harts 1
preempt 0
memory sc
.if kind == nmi
interrupt poke: nmi handler
.else
interrupt poke: irq handler
.endif
[text 0x1000]
task:
        ebreak
handler:
        ld      a0, 8(gp)
        sd      a0, 0(gp)
        sret
[data 0x8000]
x:      .dword 0
y:      .dword 0
[init]
pc = task
gp = 0x8000
[patcher]
stop_machine
wait parked
store64 y = 1   [inside stop_machine]
release
store64 y = 2   [after]
exists (x=1)
`

func exploreSource(t *testing.T, src string, o Options) (model.Result, *model.System) {
	t.Helper()
	p, err := Parse("t.scenario", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	s, _, err := p.Build(o)
	if err != nil {
		t.Fatal(err)
	}
	return model.Explore(context.Background(), s, model.Options{}), s
}

func TestNMIRunsOnParkedCPUButIRQDoesNot(t *testing.T) {
	r, _ := exploreSource(t, parkedSrc, Options{Params: map[string]string{"kind": "nmi"}})
	if r.Outcome != model.Violated || r.Violation.Check != "exists" {
		t.Fatalf("nmi: %v %v, want the witness", r.Outcome, r.Violation)
	}
	parked := false
	for _, e := range r.Trace {
		parked = parked || strings.Contains(e.Text, "take NMI poke") && strings.Contains(e.Text, "while parked in stop_machine")
	}
	if !parked {
		t.Errorf("no NMI taken while parked in the witness")
	}
	r, _ = exploreSource(t, parkedSrc, Options{Params: map[string]string{"kind": "irq"}})
	if r.Outcome != model.Safe {
		t.Fatalf("irq: %v %v, want no witness", r.Outcome, r.Violation)
	}
}

// sret outside a handler faults; an interrupt bound of 0 takes none.
func TestSretOutsideAHandlerFaults(t *testing.T) {
	src := strings.Replace(parkedSrc, "task:\n        ebreak", "task:\n        sret\n        ebreak", 1)
	src = strings.Replace(src, "exists (x=1)", "[check torn-pair]\nintend task -> task", 1)
	r, _ := exploreSource(t, src, Options{})
	if r.Outcome != model.Violated || !strings.Contains(r.Violation.Message, "return from interrupt outside an interrupt handler") {
		t.Fatalf("%v %v", r.Outcome, r.Violation)
	}
	none := strings.Replace(parkedSrc, "memory sc", "memory sc\ninterrupts 0", 1)
	r, _ = exploreSource(t, none, Options{})
	if r.Outcome != model.Safe {
		t.Fatalf("interrupts 0: %v %v", r.Outcome, r.Violation)
	}
}
