package scenario

import (
	"strings"
	"testing"

	"github.com/ftcheck/ftcheck/ifetch/riscv"
)

// withIRQ is minimal with an interrupt source and its handler.
var withIRQ = strings.Replace(strings.Replace(minimal, "handler sync: fence r,r", "handler sync: fence r,r\ninterrupt timer: irq handler\ninterrupts 2", 1),
	"        ebreak\n", "        ebreak\nhandler: sret\n", 1)

func TestInterruptDeclarations(t *testing.T) {
	b := mustBuild(t, withIRQ)
	c := b.Config
	if len(c.Interrupts) != 1 || c.Interrupts[0].Name != "timer" || c.Interrupts[0].NMI || c.Interrupts[0].Handler != 0x1008 || c.MaxInterrupts != 2 {
		t.Fatalf("%+v, bound %d", c.Interrupts, c.MaxInterrupts)
	}
	nmi := strings.Replace(strings.Replace(withIRQ, "irq handler", "nmi handler", 1), "interrupts 2\n", "", 1)
	if b := mustBuild(t, nmi); !b.Config.Interrupts[0].NMI || b.Config.MaxInterrupts != 1 {
		t.Fatalf("nmi, default bound 1: %+v", b)
	}
	if ws := assemble(t, "sret"); ws[0] != riscv.Sret {
		t.Fatalf("sret assembles to %08x", ws[0])
	}
}

func TestInterruptErrorsArePositioned(t *testing.T) {
	checkEdits(t, withIRQ, []edit{
		{"interrupt timer: irq handler", "interrupt timer: fiq handler", "t.scenario:4:18: expected irq (taken with IRQs on), nmi"},
		{"interrupt timer: irq handler", "interrupt timer: irq", "t.scenario:4:21: expected the handler's label"},
		{"interrupt timer: irq handler", "interrupt timer: irq nowhere", "t.scenario:4:22: undefined symbol nowhere"},
		{"interrupt timer: irq handler", "interrupt timer: irq handler+2", "t.scenario:4:22: the handler of timer at 0x100a is no instruction of the text"},
		{"interrupt timer: irq handler", "interrupt timer: irq handler\ninterrupt timer: nmi handler", "t.scenario:5:11: interrupt timer declared twice"},
		{"interrupt timer: irq handler", "interrupt timer irq handler", "t.scenario:4:17: expected \":\""},
		{"interrupts 2", "interrupts 5", "t.scenario:5:12: interrupts wants a number from 0 to 4"},
		{"interrupt timer: irq handler\n", "", "t.scenario:4:12: interrupts 2, but no interrupt is declared"},
		{"handler: sret", "handler: sret x", "t.scenario:9:10: sret takes no operands"},
	})
}
