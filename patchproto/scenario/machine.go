package scenario

import (
	"slices"
	"strconv"
	"strings"

	"github.com/ftcheck/ftcheck/memmodel"
	"github.com/ftcheck/ftcheck/model"
)

// build turns the sections into a model configuration.
func (b *builder) build() (model.Config, *Error) {
	if err := b.layout(); err != nil {
		return model.Config{}, err
	}
	if err := b.encode(); err != nil {
		return model.Config{}, err
	}
	if !b.text.set {
		return model.Config{}, errorf(b.f.header, "no text: a scenario needs a [text] or [hart NAME] section with code")
	}
	if b.text.hi-b.text.lo > maxText || b.text.hi < b.text.lo {
		return model.Config{}, errorf(b.textPos, "the text spans %#x..%#x, more than %d bytes", b.text.lo, b.text.hi, maxText)
	}
	mem, err := memmodel.New(b.memory)
	if err != nil {
		p := b.memoryPos
		if p.Line == 0 {
			p = b.f.header
		}
		return model.Config{}, errorf(p, "%v", err)
	}
	if !slices.Contains(b.arch.models, b.memory) {
		p := b.memoryPos
		if p.Line == 0 {
			p = b.f.header
		}
		what := "memory"
		if b.memoryFlag {
			what = "--memory"
		}
		return model.Config{}, errorf(p, "%s %s is not a memory model of %s (%s): its verdicts would be of CPUs this code never runs on",
			what, b.memory, b.arch.header, strings.Join(b.arch.models, ", "))
	}
	harts, e := b.initHarts()
	if e != nil {
		return model.Config{}, e
	}
	var ops []model.PatchOp
	for _, s := range b.sections {
		switch s.kind {
		case "patcher":
			more, err := b.patcher(s.lines)
			if err != nil {
				return model.Config{}, err
			}
			ops = append(ops, more...)
			if len(ops) > maxPatchSteps {
				return model.Config{}, errorf(s.head.pos(0), "at most %d patcher steps", maxPatchSteps)
			}
		case "check":
			if err := b.checkSection(s); err != nil {
				return model.Config{}, err
			}
		}
	}
	if err := b.checkJumps(); err != nil {
		return model.Config{}, err
	}
	syms := b.symbolTable()
	intrs, maxIntr, e := b.interruptSources()
	if e != nil {
		return model.Config{}, e
	}
	cfg := model.Config{Patch: ops, Symbols: syms}
	if err := b.wireChecks(&cfg); err != nil {
		return model.Config{}, err
	}
	if len(b.conds) > 0 {
		cond, err := b.parseCondition(b.conds)
		if err != nil {
			return model.Config{}, err
		}
		cfg.Checks = append(cfg.Checks, FinalCheck{cond: cond})
	}
	if len(cfg.Checks) == 0 && len(cfg.Monitors) == 0 {
		return model.Config{}, errorf(b.f.header, "nothing to check: add a [check torn-pair] section or a final condition (exists, ~exists, forall)")
	}

	unit := b.text.unit
	img := make([]uint32, (b.text.hi-b.text.lo)/unit)
	stores := false
	for a, w := range b.text.words {
		img[(a-b.text.lo)/unit] = w
	}
	if b.arch.insnStores != nil {
		for _, codes := range b.text.insns {
			for _, code := range codes {
				stores = stores || b.arch.insnStores(code)
			}
		}
	} else {
		for _, w := range img {
			if w != 0 {
				stores = stores || b.arch.stores(w)
			}
		}
		for _, vs := range b.text.versions {
			for _, w := range vs {
				stores = stores || b.arch.stores(w)
			}
		}
	}
	for _, op := range ops {
		stores = stores || op.Kind == model.PatchStore && b.patchesStore(op)
	}
	for _, d := range b.data {
		v, err := d.x.eval(b.resolveAt(d.addr))
		if err != nil {
			return model.Config{}, err
		}
		if d.size < 8 && v>>(8*d.size) != 0 && !fits(int64(v), uint(8*d.size)) {
			return model.Config{}, errorf(d.pos, "%#x does not fit in %d bytes", v, d.size)
		}
		mem.Init(d.addr, d.size, v)
	}
	for i, w := range img {
		if w != 0 {
			mem.Init(b.text.lo+unit*uint64(i), int(unit), uint64(w))
		}
	}
	m := &model.Machine{Harts: model.NewHarts(len(harts)), Mem: mem, Fetch: b.arch.fetch(b.text.lo, img, len(harts))}
	for i := range harts {
		*m.Harts[i] = harts[i]
	}
	if err := b.setCacheType(m.Fetch); err != nil {
		return model.Config{}, err
	}
	cfg.Name, cfg.ISA, cfg.Initial = b.f.Name, b.arch.isa, m
	cfg.Handlers, cfg.MaxPreempt, cfg.SchedPoints, cfg.HartsStore = b.handlers, b.preempt, b.text.sched, stores
	cfg.ParkExitSync, cfg.InterruptEntrySync, cfg.SyncName = b.parkExit, b.entrySync, b.arch.syncName
	cfg.Interrupts, cfg.MaxInterrupts = intrs, maxIntr
	if err := b.applyHotplug(&cfg); err != nil {
		return model.Config{}, err
	}
	return cfg, nil
}

// checkJumps refuses a direct jump, branch or call, in the text or in
// code the patcher writes, that does not land where an instruction of
// some version of the text starts: into the middle of an instruction, a
// word nothing was assembled to, or outside the text. The machine would
// run such a jump (and fault, or decode bytes never written as code), so
// the verdict would be about a program the file does not show.
func (b *builder) checkJumps() *Error {
	for _, j := range b.jumps {
		switch {
		case b.text.boundaries[j.target]:
		case j.target < b.text.lo || j.target >= b.text.hi:
			return errorf(j.pos, "%s target %#x is outside the text (%#x..%#x)", j.mn, j.target, b.text.lo, b.text.hi)
		default:
			return errorf(j.pos, "%s target %#x is not the start of an instruction", j.mn, j.target)
		}
	}
	return nil
}

// patchesStore reports whether a patcher store may put a store
// instruction into the text: whole units that may be one, or a partial
// or misaligned write, which is judged conservatively.
func (b *builder) patchesStore(op model.PatchOp) bool {
	lo, hi, unit := b.text.lo, b.text.hi, b.text.unit
	if op.Addr+uint64(op.Size) <= lo || op.Addr >= hi {
		return false
	}
	if op.Addr%unit != 0 || uint64(op.Size)%unit != 0 {
		return true
	}
	bits := 8 * unit
	for i := uint64(0); i < uint64(op.Size)/unit; i++ {
		if b.arch.stores(uint32(op.Val >> (bits * i) & (1<<bits - 1))) {
			return true
		}
	}
	return false
}

// initHarts makes the harts: each [hart NAME] section's code, or
// `harts` copies starting at the pc [init] sets; then [init]'s registers.
func (b *builder) initHarts() ([]model.Hart, *Error) {
	harts := make([]model.Hart, b.harts)
	pcSet := make([]bool, b.harts)
	setAt := map[[2]int]initSet{} // {hart, register (-1: pc)}: where [init] set it
	for i, h := range b.harting {
		harts[i].PC, pcSet[i] = h.start, true
	}
	for _, s := range b.sections {
		if s.kind != "init" {
			continue
		}
		if err := s.args.end(); err != nil {
			return nil, err
		}
		for _, l := range s.lines {
			_, off := l.trimmed()
			c, err := lineCursor(l, off)
			if err != nil {
				return nil, err
			}
			for !c.done() {
				if err := b.initReg(c, harts, pcSet, setAt); err != nil {
					return nil, err
				}
				if !c.accept(";") {
					if err := c.end(); err != nil {
						return nil, err
					}
				}
			}
		}
	}
	for i, ok := range pcSet {
		if !ok {
			return nil, errorf(b.f.header, "hart %d has no code: write [hart NAME] sections or set pc = LABEL in [init]", i)
		}
	}
	return harts, nil
}

// initSet is where [init] set a register of a hart, and whether it was
// for every hart.
type initSet struct {
	pos   Pos
	every bool
}

// initReg reads [HART:]REG = VALUE; without HART it sets every hart.
// A value for every hart is a default that HART:REG may then override
// for one; anything else said twice of a register of a hart (setAt says
// where) is an error, since the later value would silently win.
func (b *builder) initReg(c *cursor, harts []model.Hart, pcSet []bool, setAt map[[2]int]initSet) *Error {
	which := -1
	start := c.pos()
	if t := c.peek(); len(c.ts) > c.i+1 && c.ts[c.i+1].val == ":" {
		c.next()
		c.next()
		h, err := b.hartNumber(t, c.at(t))
		if err != nil {
			return err
		}
		which = h
	}
	r, err := c.ident("a register (or pc)")
	if err != nil {
		return err
	}
	reg := -1
	if r.val != "pc" {
		n, ok := b.arch.regNumber(r.val)
		if !ok {
			return errorf(c.at(r), "unknown register %q", r.val)
		}
		if n == 0 && !b.arch.noZero {
			return errorf(c.at(r), "zero is always 0")
		}
		reg = n
	}
	if err := c.expect("="); err != nil {
		return err
	}
	v, err := b.value(c)
	if err != nil {
		return err
	}
	for i := range harts {
		if which >= 0 && i != which {
			continue
		}
		key := [2]int{i, reg}
		switch first, dup := setAt[key]; {
		case !dup || first.every && which >= 0: // first, or one hart's over the default
		case which < 0 && !first.every:
			return errorf(start, "%s is set for every hart after hart %s's own value at %s: set the default first", r.val, b.hartName(i), first.pos)
		default:
			return errorf(start, "%s of hart %s is already set at %s", r.val, b.hartName(i), first.pos)
		}
		setAt[key] = initSet{pos: start, every: which < 0}
		if reg < 0 {
			harts[i].PC, pcSet[i] = v, true
		} else {
			harts[i].Regs[reg] = v
		}
	}
	return nil
}

// hartName names hart i as the file does: its [hart NAME] or its number.
func (b *builder) hartName(i int) string {
	if i < len(b.harting) {
		return b.harting[i].name
	}
	return strconv.Itoa(i)
}

// concreteHarts: a final condition that names a hart must see the harts
// as numbered.
func (b *builder) concreteHarts(cfg model.Config) bool {
	for _, c := range cfg.Checks {
		if f, ok := c.(FinalCheck); ok && f.cond.prop.namesHarts() {
			return true
		}
	}
	return false
}
