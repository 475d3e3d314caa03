package scenario

import (
	"bytes"
	"strings"
)

// textImage is the text as laid out: the boot word at each address, the
// declared versions of patchable words, instruction boundaries and
// schedule points.
type textImage struct {
	words      map[uint64]uint32
	versions   map[uint64][]uint32
	owner      map[uint64]Pos
	boundaries map[uint64]bool
	sched      map[uint64]bool
	lo, hi     uint64 // the region fetched: [lo, hi)
	set        bool
	unit       uint64 // fetch unit in bytes (the arch's)
	pending    []statement

	// insns are the bytes of every instruction of every version, by the
	// address it starts at (for bad-fetch on byte-fetched ISAs).
	insns map[uint64][][]byte
}

func newTextImage(unit uint64) textImage {
	return textImage{words: map[uint64]uint32{}, versions: map[uint64][]uint32{}, owner: map[uint64]Pos{},
		boundaries: map[uint64]bool{}, insns: map[uint64][][]byte{}, sched: map[uint64]bool{}, unit: unit}
}

// statement is a text line waiting for pass 2 (labels need addresses
// first): its alternatives are the versions of one word.
type statement struct {
	addr uint64
	alts []insn
}

type dataItem struct {
	addr uint64
	size int
	x    *expr
	pos  Pos
}

type hartCode struct {
	name  string
	start uint64
	pos   Pos
}

const (
	defaultText = 0x1000
	defaultData = 0x8000
	maxText     = 1 << 20 // bytes of text
)

// layout gives every label of the text, hart and data sections an
// address and records the statements and data to encode.
func (b *builder) layout() *Error {
	tloc, dloc := uint64(defaultText), uint64(defaultData)
	for _, s := range b.sections {
		lines, err := b.expandRept(s.lines)
		if err != nil {
			return err
		}
		s.lines = lines
		switch s.kind {
		case "text":
			if b.textPos.Line == 0 {
				b.textPos = s.head.pos(0)
			}
			if !s.args.done() {
				if tloc, err = b.headerAddr(s.args, uint64(b.arch.align)); err != nil {
					return err
				}
				b.text.extend(tloc)
				if s.args.accept("..") {
					p := s.args.pos()
					end, err := b.headerAddr(s.args, uint64(b.arch.align))
					if err != nil {
						return err
					}
					if end <= tloc {
						// END is exclusive: [text A .. A] would extend
						// nothing, and a reversed range wraps around.
						return errorf(p, "the text range ends at %#x, not after its start %#x", end, tloc)
					}
					b.text.extend(end - b.text.unit)
				}
			}
			if err := s.args.end(); err != nil {
				return err
			}
			if err := b.layoutText(s.lines, &tloc); err != nil {
				return err
			}
		case "hart":
			if b.textPos.Line == 0 {
				b.textPos = s.head.pos(0)
			}
			if err := b.hartSection(s, tloc); err != nil {
				return err
			}
			if err := b.layoutText(s.lines, &tloc); err != nil {
				return err
			}
		case "data":
			if !s.args.done() {
				if dloc, err = b.headerAddr(s.args, 4); err != nil {
					return err
				}
			}
			if err := s.args.end(); err != nil {
				return err
			}
			if err := b.layoutData(s.lines, &dloc); err != nil {
				return err
			}
		}
	}
	return nil
}

// headerAddr reads the address of a section header or .org: text
// addresses are aligned as the ISA's instructions are (x86's not at
// all), data addresses to 4 bytes.
func (b *builder) headerAddr(c *cursor, align uint64) (uint64, *Error) {
	p := c.pos()
	x, err := parseExpr(c)
	if err != nil {
		return 0, err
	}
	v, err := x.eval(b.constant(false))
	if err == nil && v%align != 0 {
		err = errorf(p, "address %#x is not %d-byte aligned", v, align)
	}
	return v, err
}

func (b *builder) hartSection(s *section, at uint64) *Error {
	t := s.args.next()
	if t.kind != tkIdent && t.kind != tkNumber {
		s.args.i--
		return s.args.errorf("expected a hart name: [hart NAME]")
	}
	if err := s.args.end(); err != nil {
		return err
	}
	p := s.head.pos(t.off)
	for _, h := range b.harting {
		if h.name == t.val {
			return errorf(p, "hart %s is declared twice (at %s)", t.val, h.pos)
		}
	}
	b.harting = append(b.harting, hartCode{name: t.val, start: at, pos: p})
	name := t.val
	if t.kind == tkNumber {
		name = "hart" + t.val
	}
	return b.define(name, p, &symbol{addrs: []uint64{at}})
}

// extend grows the text region to cover the fetch unit holding a.
func (t *textImage) extend(a uint64) {
	a &^= t.unit - 1
	if !t.set {
		t.lo, t.hi, t.set = a, a+t.unit, true
	}
	t.lo, t.hi = min(t.lo, a), max(t.hi, a+t.unit)
}

// labels defines the labels at the start of a line (name:) at loc.
func (b *builder) labels(c *cursor, loc uint64, data bool) ([]*symbol, *Error) {
	var syms []*symbol
	for len(c.ts) > c.i+1 && c.ts[c.i].kind == tkIdent && c.ts[c.i+1].val == ":" && c.ts[c.i+1].kind == tkPunct {
		t := c.next()
		c.next()
		s := &symbol{addrs: []uint64{loc}, data: data}
		if err := b.define(t.val, c.l.pos(t.off), s); err != nil {
			return nil, err
		}
		syms = append(syms, b.syms[t.val])
	}
	return syms, nil
}

func (b *builder) layoutText(lines []line, loc *uint64) *Error {
	for _, l := range lines {
		_, off := l.trimmed()
		c, err := lineCursor(l, off)
		if err != nil {
			return err
		}
		if _, err := b.labels(c, *loc, false); err != nil {
			return err
		}
		if c.done() {
			continue
		}
		switch c.peek().val {
		case ".org":
			c.next()
			if *loc, err = b.headerAddr(c, uint64(b.arch.align)); err != nil {
				return err
			}
			if err := c.end(); err != nil {
				return err
			}
			continue
		case ".sched":
			c.next()
			b.text.sched[*loc] = true
			if err := c.end(); err != nil {
				return err
			}
			continue
		case ".equ", ".set":
			c.next()
			if err := b.equ(c); err != nil {
				return err
			}
			continue
		}
		if err := b.statement(c, loc); err != nil {
			return err
		}
	}
	return nil
}

// statement records one instruction, or the versions of one word
// separated by <->, at *loc.
func (b *builder) statement(c *cursor, loc *uint64) *Error {
	var alts []insn
	ts := c.ts[c.i:]
	start := 0
	for i := 0; i <= len(ts); i++ {
		if i < len(ts) && !(ts[i].kind == tkPunct && ts[i].val == "<->") {
			continue
		}
		if i == start {
			p := c.l.pos(len(c.l.text))
			if i < len(ts) {
				p = c.l.pos(ts[i].off)
			}
			return errorf(p, "expected an instruction")
		}
		in, err := parseInsn(b.arch, c.l, ts[start:i])
		if err != nil {
			return err
		}
		alts = append(alts, in)
		start = i + 1
	}
	size := 0
	for v, in := range alts {
		n, err := in.size(b.constant(false))
		if err != nil {
			return err
		}
		if v > 0 && n != size && !(b.arch.shortVersions && n < size) {
			return in.errorf(in.mn, "every version (<->) must have the same length: %s is %d bytes, the first version %d", in.mn.val, n, size)
		}
		if v == 0 {
			size = n
		}
	}
	align := uint64(b.arch.align)
	if *loc%align != 0 {
		return c.errorf("instruction at %#x is not %d-byte aligned", *loc, align)
	}
	if size%int(align) != 0 {
		return c.errorf("%d bytes of instructions do not fill whole %d-byte fetch units", size, align)
	}
	// Ownership is by the instruction alignment, which is the fetch unit
	// but on RISC-V (2-byte instructions in 4-byte units).
	for a := *loc; a < *loc+uint64(size); a += align {
		if p, ok := b.text.owner[a]; ok {
			return c.errorf("the word at %#x is already defined at %s", a, p)
		}
		b.text.owner[a] = c.pos()
		b.text.extend(a)
	}
	if b.text.hi-b.text.lo > maxText {
		return c.errorf("the text spans %#x..%#x, more than %d bytes", b.text.lo, b.text.hi, maxText)
	}
	b.text.pending = append(b.text.pending, statement{addr: *loc, alts: alts})
	*loc += uint64(size)
	return nil
}

var dataSizes = map[string]int{".dword": 8, ".quad": 8, ".word": 4, ".half": 2, ".byte": 1}

func (b *builder) layoutData(lines []line, loc *uint64) *Error {
	var unsized []*symbol
	for _, l := range lines {
		_, off := l.trimmed()
		c, err := lineCursor(l, off)
		if err != nil {
			return err
		}
		syms, err := b.labels(c, *loc, true)
		if err != nil {
			return err
		}
		unsized = append(unsized, syms...)
		if c.done() {
			continue
		}
		d := c.next()
		switch {
		case d.val == ".org":
			if *loc, err = b.headerAddr(c, 4); err != nil {
				return err
			}
		case d.val == ".zero":
			x, err := parseExpr(c)
			if err != nil {
				return err
			}
			n, err := x.eval(b.constant(false))
			if err != nil {
				return err
			}
			if n > 1<<16 {
				return errorf(c.l.pos(d.off), ".zero %d: at most 65536 bytes", n)
			}
			*loc += n
		case d.val == ".equ" || d.val == ".set":
			if err := b.equ(c); err != nil {
				return err
			}
		case dataSizes[d.val] != 0:
			size := dataSizes[d.val]
			for {
				p := c.pos()
				x, err := parseExpr(c)
				if err != nil {
					return err
				}
				if *loc%uint64(size) != 0 {
					return errorf(p, "%s at %#x is not aligned to %d bytes", d.val, *loc, size)
				}
				b.data = append(b.data, dataItem{addr: *loc, size: size, x: x, pos: p})
				for _, s := range unsized {
					s.size = size
				}
				unsized = nil
				*loc += uint64(size)
				if !c.accept(",") {
					break
				}
			}
		default:
			return errorf(c.l.pos(d.off), "expected data (.dword, .quad, .word, .half, .byte, .zero, .org), found %q", d.val)
		}
		if err := c.end(); err != nil {
			return err
		}
	}
	for _, s := range unsized {
		s.size = 8
	}
	return nil
}

// encode is pass 2: every statement with its labels known.
func (b *builder) encode() *Error {
	var placed []placedCode
	for _, st := range b.text.pending {
		var codes [][]byte
		for v, in := range st.alts {
			in.jumps = &b.jumps
			insns, err := in.encode(st.addr, b.resolveAt(st.addr))
			if err != nil {
				return err
			}
			var code []byte
			for _, one := range insns {
				at := st.addr + uint64(len(code))
				b.text.boundaries[at] = true
				b.text.insns[at] = append(b.text.insns[at], one)
				code = append(code, one...)
			}
			// A version listed twice says nothing more, and usually
			// means another was meant (a typo in an offset).
			for w, other := range codes {
				if bytes.Equal(code, other) {
					return in.errorf(in.mn, "version %d (%s) assembles to the same code as version %d", v+1, in.l.text[in.mn.off:in.end()], w+1)
				}
			}
			codes = append(codes, code)
		}
		placed = append(placed, placedCode{addr: st.addr, codes: codes})
	}
	b.text.unitValues(placed)
	seen := map[uint64]Pos{}
	for _, d := range b.data {
		for a := d.addr; a < d.addr+uint64(d.size); a++ {
			if b.text.set && a >= b.text.lo && a < b.text.hi {
				return errorf(d.pos, "data at %#x lies inside the text (%#x..%#x)", a, b.text.lo, b.text.hi)
			}
			if p, ok := seen[a]; ok {
				return errorf(d.pos, "data at %#x overlaps data defined at %s", a, p)
			}
			seen[a] = d.pos
		}
	}
	return nil
}

// placedCode is a statement's code in every version, the first the boot
// text's, at addr.
type placedCode struct {
	addr  uint64
	codes [][]byte
}

// unitValues sets the boot value of every fetch unit the statements
// cover, and the versions of every unit a statement with versions
// covers. Most units belong to one statement: their versions are that
// statement's, each version that reaches the unit (x86: a version may
// be shorter than the first) in order. A RISC-V unit can hold the end of
// one instruction and the start of the next (2-byte instructions): its
// versions are every combination of the versions of the statements in
// it.
func (t *textImage) unitValues(placed []placedCode) {
	type part struct {
		st    int
		vers  []int    // the versions that reach the unit, in order
		bytes [][]byte // their bytes in the unit (zero where the statement has none)
		multi bool
	}
	parts := map[uint64][]*part{}
	var units []uint64
	for i, pc := range placed {
		for v, code := range pc.codes {
			for off, x := range code {
				a := pc.addr + uint64(off)
				u := a &^ (t.unit - 1)
				ps := parts[u]
				if len(ps) == 0 {
					units = append(units, u)
				}
				if len(ps) == 0 || ps[len(ps)-1].st != i {
					ps = append(ps, &part{st: i, multi: len(pc.codes) > 1})
					parts[u] = ps
				}
				p := ps[len(ps)-1]
				if n := len(p.vers); n == 0 || p.vers[n-1] != v {
					p.vers = append(p.vers, v)
					p.bytes = append(p.bytes, make([]byte, t.unit))
				}
				p.bytes[len(p.bytes)-1][a-u] = x
			}
		}
	}
	for _, u := range units {
		vals := []uint32{0}
		multi := false
		for _, p := range parts[u] {
			multi = multi || p.multi
			var next []uint32
			for _, w := range vals {
				for _, b := range p.bytes {
					next = append(next, w|t.word(b))
				}
			}
			vals = next
		}
		t.words[u] = vals[0]
		if multi {
			t.versions[u] = vals
		}
	}
}

// word reads one unit's bytes, little-endian.
func (t *textImage) word(b []byte) uint32 {
	var w uint32
	for i := uint64(0); i < t.unit; i++ {
		w |= uint32(b[i]) << (8 * i)
	}
	return w
}

// describeVersions renders a unit's declared versions for an error.
func describeVersions(a *arch, ws []uint32) string {
	var s []string
	for _, w := range ws {
		s = append(s, a.formatUnit(w))
	}
	return strings.Join(s, ", ")
}
