package scenario

import (
	"strconv"

	"github.com/ftcheck/ftcheck/model"
)

// Interrupts that run code (model/interrupt.go), declared before the
// first section:
//
//	interrupt NAME: irq LABEL    an IRQ whose handler starts at LABEL
//	interrupt NAME: nmi LABEL    an NMI: also taken by CPUs parked in stop_machine
//	interrupt NAME: trap LABEL   an exception the ISA raises (x86: interrupt int3: trap LABEL)
//	interrupts N                 each hart takes at most N interrupts (default 1)
//	interrupt entry: sync_core   (x86) taking an interrupt, NMI or exception
//	                             serialises the CPU's instruction fetch
//
// The handler is code in the text that ends with the ISA's return from
// interrupt (RISC-V sret).

// maxInterruptSources bounds the interrupt declarations.
const maxInterruptSources = 8

// interruptDecl is a declared interrupt source, resolved after layout.
type interruptDecl struct {
	src   model.InterruptSource
	label *expr
	pos   Pos
}

// interruptDecl reads: interrupt NAME: irq|nmi LABEL
func (b *builder) interruptDecl(c *cursor) *Error {
	name, err := c.ident("an interrupt name")
	if err != nil {
		return err
	}
	for _, d := range b.interrupts {
		if d.src.Name == name.val {
			return errorf(c.at(name), "interrupt %s declared twice", name.val)
		}
	}
	if len(b.interrupts) == maxInterruptSources {
		return errorf(c.at(name), "at most %d interrupt sources", maxInterruptSources)
	}
	if err := c.expect(":"); err != nil {
		return err
	}
	if name.val == "entry" && c.is("sync_core") {
		return b.entrySyncDecl(c, name)
	}
	d := interruptDecl{src: model.InterruptSource{Name: name.val}}
	switch {
	case c.accept("irq"):
	case c.accept("nmi"):
		d.src.NMI = true
	case c.accept("trap"): // raised by an instruction only (x86 int3; model/trap.go)
		d.src.Exception = true
	default:
		return c.errorf("expected irq (taken with IRQs on), nmi (taken by CPUs parked in stop_machine too) or trap (raised by an instruction: x86 int3), found %s", c.describe())
	}
	d.pos = c.pos()
	if c.done() {
		return c.errorf("expected the handler's label: interrupt %s: irq LABEL", name.val)
	}
	if d.label, err = parseExpr(c); err != nil {
		return err
	}
	b.interrupts = append(b.interrupts, d)
	return c.end()
}

// interruptBound reads: interrupts N
func (b *builder) interruptBound(c *cursor) *Error {
	t := c.next()
	v, err := strconv.Atoi(t.val)
	if t.kind != tkNumber || err != nil || v < 0 || v > 4 {
		c.i--
		return c.errorf("interrupts wants a number from 0 to 4, found %s", c.describe())
	}
	b.maxInterrupts, b.maxInterruptsPos = v, c.at(t)
	return c.end()
}

// interruptSources resolves the handlers' labels: each must be an
// instruction in the text.
func (b *builder) interruptSources() ([]model.InterruptSource, int, *Error) {
	if len(b.interrupts) == 0 {
		if b.maxInterruptsPos.Line != 0 {
			return nil, 0, errorf(b.maxInterruptsPos, "interrupts %d, but no interrupt is declared (interrupt NAME: irq LABEL)", b.maxInterrupts)
		}
		return nil, 0, nil
	}
	var out []model.InterruptSource
	for _, d := range b.interrupts {
		a, err := d.label.eval(b.resolve)
		if err != nil {
			return nil, 0, err
		}
		if !b.text.boundaries[a] {
			return nil, 0, errorf(d.pos, "the handler of %s at %#x is no instruction of the text", d.src.Name, a)
		}
		d.src.Handler = a
		out = append(out, d.src)
	}
	bound := 1
	if b.maxInterruptsPos.Line != 0 {
		bound = b.maxInterrupts
	}
	return out, bound, nil
}

// entrySyncDecl reads `interrupt entry: sync_core`: event delivery (an
// interrupt, NMI or exception entry) serialises the CPU's instruction
// fetch, as a serialising instruction would (model.Config
// .InterruptEntrySync). The Intel SDM lists IRET among the serialising
// instructions but not event delivery; kernels have relied on it (the
// 2008 NMI-safe ftrace code). Only x86: arm64's exception entry is
// already context-synchronising in its fetch model, and RISC-V's is not.
func (b *builder) entrySyncDecl(c *cursor, name token) *Error {
	if b.arch.header != "X86" {
		return errorf(c.at(name), "interrupt entry: sync_core is an x86 declaration (this file is %s)", b.arch.header)
	}
	if b.entrySync {
		return errorf(c.at(name), "interrupt entry: sync_core declared twice")
	}
	c.next()
	b.entrySync = true
	return c.end()
}
