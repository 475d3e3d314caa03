package scenario

import (
	"strconv"
	"strings"
	"time"

	"github.com/ftcheck/ftcheck/model"
)

// declaration reads one top-level line (before the first section):
// bounds, the memory model, IPI handlers, the stop_machine exit event,
// constants. param and source lines were read by Parse.
func (b *builder) declaration(l line) *Error {
	t, off := l.trimmed()
	if strings.HasPrefix(t, "|") {
		return nil // a param's continued value list
	}
	if w := firstWord(t); w == "max-states" || w == "max-depth" {
		c, err := lineCursor(l, off+len(w))
		if err != nil {
			return err
		}
		if err := b.once(w, l.pos(off)); err != nil {
			return err
		}
		return b.bound(c, token{kind: tkIdent, val: w, off: off, ln: l.num})
	}
	c, err := lineCursor(l, off)
	if err != nil {
		return err
	}
	kw := c.next()
	if kw.kind != tkIdent {
		return errorf(l.pos(kw.off), "expected a declaration (harts, preempt, calls, memory, handler, ...), found %q", kw.val)
	}
	switch kw.val {
	case "harts", "preempt", "calls", "memory", "timeout", "interrupts":
		if err := b.once(kw.val, l.pos(kw.off)); err != nil {
			return err
		}
	case "stop_machine":
		if err := b.once("stop_machine exit", l.pos(kw.off)); err != nil {
			return err
		}
	}
	switch kw.val {
	case "param", "source", "expect":
		return nil // read by Parse
	case "harts", "preempt", "calls":
		return b.bound(c, kw)
	case "memory":
		m, err := c.ident("a memory model (sc, tso, rvwmo)")
		if err != nil {
			return err
		}
		b.memory, b.memoryPos = m.val, l.pos(m.off)
		return c.end()
	case "timeout":
		d, err := time.ParseDuration(c.rest())
		if err != nil || d <= 0 {
			return c.errorf("expected a duration such as 30s or 5m, found %q", c.rest())
		}
		b.bounds.Timeout = d
		return nil
	case "handler":
		return b.handler(c)
	case "interrupt":
		return b.interruptDecl(c)
	case "interrupts":
		return b.interruptBound(c)
	case "stop_machine":
		if !c.accept("exit") || !c.accept(":") || !c.accept("fence.i") && !c.accept("isb") && !c.accept("isync") && !c.accept("sync_core") {
			return errorf(l.pos(kw.off), "expected: stop_machine exit: fence.i (a CPU leaving stop_machine runs a local fence.i; isb on arm64, isync on ppc64, sync_core on x86)")
		}
		b.parkExit = true
		return c.end()
	case ".equ", ".set":
		return b.equ(c)
	case "ctr_el0":
		return b.cacheTypeDecl(c, l.pos(kw.off))
	case "hotplug":
		return b.hotplug(c, l.pos(kw.off))
	}
	return errorf(l.pos(kw.off), "unknown declaration %q (known: param, source, harts, preempt, calls, memory, max-states, max-depth, timeout, handler, hotplug, stop_machine exit, ctr_el0, .equ; sections start with [text], [data], [hart NAME], [init], [patcher], [check NAME])", kw.val)
}

// once refuses a declaration made twice (what names it, p is the second):
// the later one would silently win, and a reader of the file may well
// take the first for the truth.
func (b *builder) once(what string, p Pos) *Error {
	if first, dup := b.declared[what]; dup {
		return errorf(p, "%s given twice (first at %s)", what, first)
	}
	b.declared[what] = p
	return nil
}

// limits of the bounds, as for the built-in protocols' flags.
var boundLimits = map[string][2]int{
	"harts": {1, 8}, "preempt": {0, 4}, "calls": {1, 4}, "max-states": {0, 1 << 40}, "max-depth": {0, 1 << 30},
}

func (b *builder) bound(c *cursor, kw token) *Error {
	t := c.next()
	v, err := strconv.Atoi(t.val)
	lim := boundLimits[kw.val]
	if t.kind != tkNumber || err != nil || v < lim[0] || v > lim[1] {
		c.i--
		return c.errorf("%s wants a number from %d to %d, found %s", kw.val, lim[0], lim[1], c.describe())
	}
	switch kw.val {
	case "harts":
		b.harts, b.hartsPos = v, c.l.pos(kw.off)
	case "preempt":
		b.preempt = v
	case "calls":
		b.calls = v
	case "max-states":
		b.bounds.MaxStates = v
	case "max-depth":
		b.bounds.MaxDepth = v
	}
	return c.end()
}

// handler reads: handler NAME [via csd|sbi]: fence r,r | fence.i | fence r,r; fence.i
func (b *builder) handler(c *cursor) *Error {
	name, err := c.ident("a handler name")
	if err != nil {
		return err
	}
	if _, dup := b.handlerIndex[name.val]; dup {
		return errorf(c.l.pos(name.off), "handler %s declared twice", name.val)
	}
	if len(b.handlers) == 16 {
		return errorf(c.l.pos(name.off), "at most 16 IPI handlers")
	}
	h := model.Handler{Name: name.val}
	if c.accept("via") {
		t, err := c.ident("csd or sbi")
		if err != nil {
			return err
		}
		switch t.val {
		case "csd":
			h.Via = model.ViaCSD
		case "sbi":
			h.Via = model.ViaSBI
		default:
			return errorf(c.at(t), "unknown IPI delivery %q (csd: smp_call_function/on_each_cpu, ordered; sbi: firmware IPI, unordered)", t.val)
		}
	}
	if err := c.expect(":"); err != nil {
		return err
	}
	if err := b.handlerBody(c, &h); err != nil {
		return err
	}
	b.handlerIndex[name.val] = len(b.handlers)
	b.handlers = append(b.handlers, h)
	return nil
}

// handlerBody reads what a handler (or a CPU coming online) runs:
// fence P,S and/or fence.i, separated by ;.
func (b *builder) handlerBody(c *cursor, h *model.Handler) *Error {
	for {
		if (c.is("fence.i") || c.is("isb") || c.is("sync_core")) && h.SyncFetch {
			return c.errorf("one fetch synchronisation (fence.i, isb, sync_core) per handler")
		}
		switch {
		case c.accept("fence.i"):
			h.SyncFetch = true
		case c.accept("isb"): // arm64's local fetch synchronisation
			h.SyncFetch, h.SyncName = true, "isb"
		case c.accept("sync_core"): // x86: a serialising instruction (do_sync_core)
			h.SyncFetch, h.SyncName = true, "sync_core"
		case c.is("fence") || c.is("fence.tso"):
			k, err := fenceKind(c)
			if err != nil {
				return err
			}
			if h.Fence != nil {
				return c.errorf("one fence per handler")
			}
			h.Fence = &k
		default:
			return c.errorf("a handler runs fence P,S and/or fence.i (isb on arm64, sync_core on x86); found %s", c.describe())
		}
		if c.done() {
			break
		}
		if err := c.expect(";"); err != nil {
			return err
		}
	}
	return nil
}

// fenceKind reads fence [P,S] or fence.tso from the cursor.
func fenceKind(c *cursor) (model.FenceKind, *Error) {
	if c.accept("fence.tso") {
		return model.FenceKind{Pred: model.FenceR | model.FenceW, Succ: model.FenceR | model.FenceW, TSO: true}, nil
	}
	if err := c.expect("fence"); err != nil {
		return model.FenceKind{}, err
	}
	all := model.FenceI | model.FenceO | model.FenceR | model.FenceW
	if c.done() || c.is(";") || c.is("[") {
		return model.FenceKind{Pred: all, Succ: all}, nil
	}
	p, err := fenceBits(c)
	if err != nil {
		return model.FenceKind{}, err
	}
	if err := c.expect(","); err != nil {
		return model.FenceKind{}, err
	}
	s, err := fenceBits(c)
	return model.FenceKind{Pred: p, Succ: s}, err
}

func fenceBits(c *cursor) (uint8, *Error) {
	t, err := c.ident("a fence set (letters of iorw)")
	if err != nil {
		return 0, err
	}
	var s uint8
	for _, ch := range t.val {
		bit := map[rune]uint8{'i': model.FenceI, 'o': model.FenceO, 'r': model.FenceR, 'w': model.FenceW}[ch]
		if bit == 0 || s&bit != 0 {
			return 0, errorf(c.l.pos(t.off), "bad fence set %q (letters of iorw, each once)", t.val)
		}
		s |= bit
	}
	return s, nil
}

// equ reads .equ NAME, EXPR: a constant (or an address computed from
// labels), usable in every expression.
func (b *builder) equ(c *cursor) *Error {
	name, err := c.ident("a name")
	if err != nil {
		return err
	}
	if err := c.expect(","); err != nil {
		return err
	}
	x, err := parseExpr(c)
	if err != nil {
		return err
	}
	if err := c.end(); err != nil {
		return err
	}
	return b.define(name.val, c.l.pos(name.off), &symbol{equ: x})
}
