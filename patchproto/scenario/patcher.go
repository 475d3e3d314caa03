package scenario

import (
	"slices"
	"strconv"
	"strings"

	"github.com/ftcheck/ftcheck/model"
)

// maxPatchSteps bounds the patcher's program (the fetch model counts at
// most 255 versions of a word).
const maxPatchSteps = 200

// patcher reads the [patcher] section: one step per line, each with an
// optional [annotation] naming the kernel code it belongs to (shown in
// traces).
func (b *builder) patcher(lines []line) ([]model.PatchOp, *Error) {
	var ops []model.PatchOp
	for _, l := range lines {
		t, off := l.trimmed()
		if t == "" {
			continue
		}
		why := ""
		body := l
		if i := strings.IndexByte(l.text, '['); i >= 0 {
			j := strings.LastIndexByte(l.text, ']')
			if j < i || strings.TrimSpace(l.text[j+1:]) != "" {
				return nil, errorf(l.pos(i), "annotation not closed: a step ends with [kernel function: detail]")
			}
			why = strings.TrimSpace(l.text[i+1 : j])
			body.text = l.text[:i]
		}
		c, err := lineCursor(body, off)
		if err != nil {
			return nil, err
		}
		if c.done() {
			return nil, errorf(l.pos(off), "expected a patcher step before the annotation")
		}
		if len(ops) == maxPatchSteps {
			return nil, errorf(l.pos(off), "at most %d patcher steps", maxPatchSteps)
		}
		op, err := b.patchStep(c)
		if err != nil {
			return nil, err
		}
		if err := c.end(); err != nil {
			return nil, err
		}
		op.Why = why
		ops = append(ops, op)
	}
	return ops, nil
}

// patcherStep is one kind of line of the [patcher] section: the words it
// starts with, how the rest reads, and the model steps it makes (each
// performed as model/patchstep.go says).
type patcherStep struct {
	words  []string
	syntax string // for the error that lists every step; "" for a planned one
	kinds  []model.PatchKind
	// parse reads the line, the cursor at its first word.
	parse func(b *builder, c *cursor) (model.PatchOp, *Error)
}

// patcherSteps are the [patcher] section's steps.
var patcherSteps = []patcherStep{
	{words: sized("store"), syntax: "store8/16/32/64 ADDR = VALUE | {insns} | bytes LO .. HI of {insns}",
		kinds: []model.PatchKind{model.PatchStore}, parse: func(b *builder, c *cursor) (model.PatchOp, *Error) {
			return b.store(c, sizeAfter(c.next().val, "store"))
		}},
	{words: []string{"text_poke"}, syntax: "text_poke ADDR = {insns} | bytes LO .. HI of {insns}",
		kinds: []model.PatchKind{model.PatchStore}, parse: afterWord((*builder).textPoke)},
	{words: []string{"fence", "fence.tso"}, syntax: "fence [P,S], fence.tso",
		kinds: []model.PatchKind{model.PatchFence}, parse: func(_ *builder, c *cursor) (model.PatchOp, *Error) {
			k, err := fenceKind(c)
			return model.PatchOp{Kind: model.PatchFence, Fence: k}, err
		}},
	{words: []string{"fence.i"}, syntax: "fence.i", kinds: []model.PatchKind{model.PatchSyncFetch}, parse: bare(model.PatchSyncFetch)},
	{words: []string{"dc", "ic", "dsb"}, syntax: "dc cvau ADDR [.. END], ic ivau ADDR [.. END], dsb ish",
		kinds: []model.PatchKind{model.PatchCleanDcache, model.PatchInvalIcache, model.PatchDSB}, parse: (*builder).maintenanceStep},
	{words: []string{"load"}, syntax: "load mask = ADDR", kinds: []model.PatchKind{model.PatchLoad}, parse: afterWord((*builder).maskLoad)},
	{words: []string{"ipi"}, syntax: "ipi others|all|mask|all mask HANDLER",
		kinds: []model.PatchKind{model.PatchSendIPI}, parse: afterWord((*builder).ipiStep)},
	{words: []string{"stop_machine"}, syntax: "stop_machine", kinds: []model.PatchKind{model.PatchStopMachine}, parse: bare(model.PatchStopMachine)},
	{words: []string{"release"}, syntax: "release", kinds: []model.PatchKind{model.PatchRelease}, parse: bare(model.PatchRelease)},
	{words: append([]string{"wait"}, sized("wait")...), syntax: "wait ipi HANDLER, wait parked, wait[8/16/32/64] ADDR == VALUE",
		kinds: []model.PatchKind{model.PatchWaitIPI, model.PatchWaitParked, model.PatchWaitValue}, parse: (*builder).waitStep},
	{words: append([]string{"cmpxchg"}, sized("cmpxchg")...), syntax: "cmpxchg[8/16/32/64] ADDR: OLD -> NEW | and ~MASK",
		kinds: []model.PatchKind{model.PatchCmpxchg, model.PatchAtomicClear}, parse: func(b *builder, c *cursor) (model.PatchOp, *Error) {
			return b.cmpxchg(c, sizeAfter(c.next().val, "cmpxchg"))
		}},
	{words: []string{"read", "atomic_inc", "atomic_dec"}, parse: func(_ *builder, c *cursor) (model.PatchOp, *Error) {
		return model.PatchOp{}, c.errorf("%s is not supported yet as a patcher step", c.peek().val)
	}},
}

// sized is a step's word with each access size: store8 .. store64.
func sized(word string) []string {
	return []string{word + "8", word + "16", word + "32", word + "64"}
}

// sizeAfter is the size in bytes a sized word says (8 without one).
func sizeAfter(w, word string) int {
	if w == word {
		return 8
	}
	bits, _ := strconv.Atoi(w[len(word):])
	return bits / 8
}

// afterWord parses what follows the step's one word.
func afterWord(parse func(*builder, *cursor) (model.PatchOp, *Error)) func(*builder, *cursor) (model.PatchOp, *Error) {
	return func(b *builder, c *cursor) (model.PatchOp, *Error) {
		c.next()
		return parse(b, c)
	}
}

// bare is a step that is its word alone.
func bare(k model.PatchKind) func(*builder, *cursor) (model.PatchOp, *Error) {
	return func(_ *builder, c *cursor) (model.PatchOp, *Error) {
		c.next()
		return model.PatchOp{Kind: k}, nil
	}
}

// patcherSyntax lists every step, for errors.
func patcherSyntax() string {
	var out []string
	for _, st := range patcherSteps {
		if st.syntax != "" {
			out = append(out, st.syntax)
		}
	}
	return strings.Join(out, ", ")
}

func (b *builder) patchStep(c *cursor) (model.PatchOp, *Error) {
	kw := c.peek()
	if kw.kind != tkIdent {
		return model.PatchOp{}, c.errorf("expected a patcher step (%s), found %s", patcherSyntax(), c.describe())
	}
	for _, st := range patcherSteps {
		if slices.Contains(st.words, kw.val) {
			return st.parse(b, c)
		}
	}
	return model.PatchOp{}, c.errorf("unknown patcher step %q (known: %s)", kw.val, patcherSyntax())
}

// ipiStep reads ipi others|all|mask|all mask HANDLER.
func (b *builder) ipiStep(c *cursor) (model.PatchOp, *Error) {
	op := model.PatchOp{Kind: model.PatchSendIPI}
	switch {
	case c.accept("others"):
	case c.accept("all"):
		op.ToSelf = true
		// on_each_cpu_mask: the caller and the harts of the mask
		// the last `load mask` read.
		op.ToMask = c.accept("mask")
	case c.accept("mask"):
		op.ToMask = true // smp_call_function_many to the mask read
	default:
		return op, c.errorf("expected ipi others HANDLER (smp_call_function), ipi all HANDLER (on_each_cpu) or ipi mask HANDLER (the harts of the mask read by load mask), found %s", c.describe())
	}
	h, err := b.handlerRef(c)
	op.Handler = h
	return op, err
}

// waitStep reads wait ipi HANDLER, wait parked or wait[N] ADDR == VALUE.
func (b *builder) waitStep(c *cursor) (model.PatchOp, *Error) {
	kw := c.next()
	if kw.val == "wait" {
		switch {
		case c.accept("ipi"):
			h, err := b.handlerRef(c)
			return model.PatchOp{Kind: model.PatchWaitIPI, Handler: h}, err
		case c.accept("parked"):
			return model.PatchOp{Kind: model.PatchWaitParked}, nil
		}
	}
	return b.valueWait(c, sizeAfter(kw.val, "wait"))
}

func (b *builder) handlerRef(c *cursor) (int, *Error) {
	t, err := c.ident("a handler name")
	if err != nil {
		return 0, err
	}
	i, ok := b.handlerIndex[t.val]
	if !ok {
		return 0, errorf(c.l.pos(t.off), "unknown handler %s (declare it: handler %s: fence r,r)", t.val, t.val)
	}
	return i, nil
}

// store reads ADDR = VALUE (a data value) or ADDR = {insn; insn} (text:
// the words are checked against the versions the text declares).
func (b *builder) store(c *cursor, size int) (model.PatchOp, *Error) {
	op := model.PatchOp{Kind: model.PatchStore, Size: size}
	p := c.pos()
	var err *Error
	if op.Addr, err = b.value(c); err != nil {
		return op, err
	}
	if err := c.expect("="); err != nil {
		return op, err
	}
	// x86 text_poke copies instruction bytes (memcpy through a temporary
	// mapping): a text store there need not be aligned.
	byteText := b.arch.unit == 1 && (c.is("{") || c.is("bytes"))
	if op.Addr%uint64(size) != 0 && !byteText {
		return op, errorf(p, "store%d to %#x is not aligned", size*8, op.Addr)
	}
	if c.is("bytes") {
		return b.textSlice(c, op)
	}
	if !c.accept("{") {
		vp := c.pos()
		if op.Val, err = b.value(c); err != nil {
			return op, err
		}
		if size < 8 && op.Val>>(8*size) != 0 && !fits(int64(op.Val), uint(8*size)) {
			return op, errorf(vp, "%#x does not fit in %d bytes", op.Val, size)
		}
		if size < 8 {
			op.Val &= 1<<(8*size) - 1
		}
		return op, nil
	}
	return b.textStore(c, op)
}

// textPoke reads text_poke ADDR = {insns} or = bytes LO .. HI of
// {insns}: a store of instruction bytes as long as they are (at most 8),
// written by x86's text_poke() (a memcpy through a temporary mapping).
func (b *builder) textPoke(c *cursor) (model.PatchOp, *Error) {
	op := model.PatchOp{Kind: model.PatchStore}
	var err *Error
	if op.Addr, err = b.value(c); err != nil {
		return op, err
	}
	if err := c.expect("="); err != nil {
		return op, err
	}
	if c.is("bytes") {
		return b.textSlice(c, op)
	}
	if err := c.expect("{"); err != nil {
		return op, err
	}
	code, open, err := b.textCode(c, op.Addr)
	if err != nil {
		return op, err
	}
	if len(code) > 8 {
		return op, errorf(c.l.pos(c.ts[open].off), "text_poke of %d bytes: at most 8", len(code))
	}
	op.Size = len(code)
	return b.checkTextStore(c, op, code, open)
}

// textSlice reads bytes LO .. HI of {insns}: the instructions as they
// are at ADDR-LO, of which bytes [LO, HI) are stored at ADDR
// (text_poke_bp writes an instruction's tail, then its first byte).
func (b *builder) textSlice(c *cursor, op model.PatchOp) (model.PatchOp, *Error) {
	kw := c.next()
	var bounds [2]uint64
	for i := range bounds {
		x, err := parseExpr(c)
		if err != nil {
			return op, err
		}
		if bounds[i], err = x.eval(b.constant(false)); err != nil {
			return op, err
		}
		if i == 0 {
			if err := c.expect(".."); err != nil {
				return op, err
			}
		}
	}
	lo, hi := bounds[0], bounds[1]
	if op.Size == 0 && hi > lo && hi-lo <= 8 { // text_poke: the range says
		op.Size = int(hi - lo)
	}
	if hi <= lo || hi-lo != uint64(op.Size) {
		return op, errorf(c.l.pos(kw.off), "bytes %d .. %d is %d bytes, but store%d writes %d", lo, hi, int64(hi-lo), op.Size*8, op.Size)
	}
	if err := c.expect("of"); err != nil {
		return op, err
	}
	if err := c.expect("{"); err != nil {
		return op, err
	}
	code, open, err := b.textCode(c, op.Addr-lo)
	if err != nil {
		return op, err
	}
	if uint64(len(code)) < hi {
		return op, errorf(c.l.pos(c.ts[open].off), "bytes %d .. %d of instructions that are %d bytes", lo, hi, len(code))
	}
	return b.checkTextStore(c, op, code[lo:hi], open)
}

func (b *builder) textStore(c *cursor, op model.PatchOp) (model.PatchOp, *Error) {
	code, open, err := b.textCode(c, op.Addr)
	if err != nil {
		return op, err
	}
	if len(code) != op.Size {
		return op, errorf(c.l.pos(c.ts[open].off), "store%d writes %d bytes but the instructions are %d bytes", op.Size*8, op.Size, len(code))
	}
	return b.checkTextStore(c, op, code, open)
}

// textCode assembles the instructions between { and } as they are at
// addr; open is the index of the { token.
func (b *builder) textCode(c *cursor, addr uint64) ([]byte, int, *Error) {
	open := c.i - 1
	var code []byte
	for {
		start := c.i
		for !c.done() && !c.is(";") && !c.is("}") {
			c.next()
		}
		if c.done() {
			return nil, open, c.errorf("expected } to close the instructions")
		}
		if c.i == start {
			return nil, open, c.errorf("expected an instruction")
		}
		in, err := parseInsn(b.arch, c.l, c.ts[start:c.i])
		if err != nil {
			return nil, open, err
		}
		in.jumps = &b.jumps
		if _, err := in.size(b.constant(false)); err != nil {
			return nil, open, err
		}
		at := addr + uint64(len(code))
		insns, err := in.encode(at, b.resolveAt(at))
		if err != nil {
			return nil, open, err
		}
		for _, one := range insns {
			code = append(code, one...)
		}
		if c.next().val == "}" {
			return code, open, nil
		}
	}
}

// checkTextStore checks that every unit of code stored at op.Addr is a
// version the text declares there, and sets op.Val.
func (b *builder) checkTextStore(c *cursor, op model.PatchOp, code []byte, open int) (model.PatchOp, *Error) {
	if align := b.arch.align; op.Addr%uint64(align) != 0 {
		return op, errorf(c.l.pos(c.ts[open].off), "instructions must be stored at a %d-byte aligned address", align)
	}
	unit := uint64(b.arch.unit)
	end := op.Addr + uint64(len(code))
	for a := op.Addr &^ (unit - 1); a < end; a += unit {
		vs, ok := b.text.versions[a]
		if !ok {
			continue
		}
		if a >= op.Addr && a+unit <= end {
			if w := b.arch.unitAt(code[a-op.Addr:]); !containsWord(vs, w) {
				return op, errorf(c.l.pos(c.ts[open].off), "the %s stored at %#x (%s) is none of the versions the text declares there (%s)",
					b.arch.unitName(), a, b.arch.formatUnit(w), describeVersions(b.arch, vs))
			}
			continue
		}
		// Part of a unit (a RISC-V store16 of half a straddling
		// instruction): its bytes must be those of some version.
		var mask, val uint32
		lo, hi := max(a, op.Addr), min(a+unit, end)
		for x := lo; x < hi; x++ {
			mask |= 0xff << (8 * (x - a))
			val |= uint32(code[x-op.Addr]) << (8 * (x - a))
		}
		found := false
		for _, v := range vs {
			found = found || v&mask == val
		}
		if !found {
			return op, errorf(c.l.pos(c.ts[open].off), "the bytes stored at %#x..%#x (% x) are part of none of the versions the text declares for the %s at %#x (%s)",
				lo, hi, code[lo-op.Addr:hi-op.Addr], b.arch.unitName(), a, describeVersions(b.arch, vs))
		}
	}
	for i, x := range code {
		op.Val |= uint64(x) << (8 * i)
	}
	return op, nil
}

func containsWord(ws []uint32, w uint32) bool {
	for _, x := range ws {
		if x == w {
			return true
		}
	}
	return false
}

// valueWait reads wait[N] ADDR == VALUE: a spin loop on a plain load
// (while (atomic_read(&x) != VALUE) cpu_relax()) as one step that is
// enabled when the load can return VALUE (model.PatchWaitValue).
func (b *builder) valueWait(c *cursor, size int) (model.PatchOp, *Error) {
	op := model.PatchOp{Kind: model.PatchWaitValue, Size: size}
	if err := b.atomicAddr(c, &op); err != nil {
		return op, err
	}
	if !c.is("==") {
		return op, c.errorf("expected wait ADDR == VALUE (or wait ipi HANDLER, wait parked), found %s", c.describe())
	}
	c.next()
	v, err := b.atomicValue(c, size)
	op.Val = v
	return op, err
}

// cmpxchg reads cmpxchg[N] ADDR: OLD -> NEW (a locked compare-and-swap
// loop until it succeeds, model.PatchCmpxchg) or cmpxchg[N] ADDR: and
// ~MASK (a cmpxchg loop that clears MASK's bits, model.PatchAtomicClear:
// clear_mod_flag).
func (b *builder) cmpxchg(c *cursor, size int) (model.PatchOp, *Error) {
	op := model.PatchOp{Kind: model.PatchCmpxchg, Size: size}
	if err := b.atomicAddr(c, &op); err != nil {
		return op, err
	}
	if err := c.expect(":"); err != nil {
		return op, err
	}
	if c.accept("and") {
		if err := c.expect("~"); err != nil {
			return op, err
		}
		op.Kind = model.PatchAtomicClear
		v, err := b.atomicValue(c, size)
		op.Val = v
		return op, err
	}
	old, err := b.atomicValue(c, size)
	if err != nil {
		return op, err
	}
	if err := c.expect("->"); err != nil {
		return op, err
	}
	op.Old = old
	op.Val, err = b.atomicValue(c, size)
	return op, err
}

// atomicAddr reads the address of an atomic word: aligned, in [data].
func (b *builder) atomicAddr(c *cursor, op *model.PatchOp) *Error {
	p := c.pos()
	var err *Error
	if op.Addr, err = b.value(c); err != nil {
		return err
	}
	if op.Addr%uint64(op.Size) != 0 {
		return errorf(p, "the %d-byte atomic word at %#x is not aligned", op.Size, op.Addr)
	}
	if op.Addr+uint64(op.Size) > b.text.lo && op.Addr < b.text.hi {
		return errorf(p, "%#x is text: a patcher wait or cmpxchg reads a data word", op.Addr)
	}
	return nil
}

// atomicValue reads a value that must fit the word.
func (b *builder) atomicValue(c *cursor, size int) (uint64, *Error) {
	vp := c.pos()
	v, err := b.value(c)
	if err != nil {
		return 0, err
	}
	if size < 8 && v>>(8*size) != 0 && !fits(int64(v), uint(8*size)) {
		return 0, errorf(vp, "%#x does not fit in %d bytes", v, size)
	}
	if size < 8 {
		v &= 1<<(8*size) - 1
	}
	return v, nil
}
