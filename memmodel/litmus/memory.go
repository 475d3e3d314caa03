package litmus

import (
	"sort"

	ax "github.com/ftcheck/ftcheck/memmodel/axiomatic"
)

// Mixed-size accesses.
//
// A location is a block of bytes (locationStride apart from the next one)
// whose initial value occupies its first eight bytes, little-endian; any
// further bytes (arrays) start as zero. Accesses of any width and offset
// are split the way Dartagnan's Tearing pass splits them (Dat3M PR #840,
// the tool behind the AArch64 verdicts): every access is cut at each
// boundary (start or end) of another access to the same location that
// falls strictly inside it. The resulting pieces of all accesses either
// coincide or are disjoint, so each piece behaves as an ordinary location
// of its own (rf, co, fr and po-loc are per piece), and the pieces of one
// instruction are tied together by herd's si relation (Execution.SI) and
// are not ordered by po among themselves. A location accessed with one
// extent only is not split at all, which is the non-mixed case.
//
// The cut points depend on the addresses accessed, which depend on values
// read, so they are computed together with the value domain.

// piece is the byte range [addr, addr+size) of one event.
type piece struct {
	addr int64
	size int
}

func (p piece) end() int64 { return p.addr + int64(p.size) }

func (p piece) covers(q piece) bool { return p.addr <= q.addr && q.end() <= p.end() }

// wrec is a value written to a piece.
type wrec struct {
	piece
	val int64
}

// memory is the value domain: the cut points of every location and the
// values written to its pieces. Path enumeration reads it; the fixpoint
// in valueDomain grows it.
type memory struct {
	t      *Test
	cuts   map[int64][]int64 // location base -> sorted cut addresses
	writes map[int64][]wrec  // location base -> distinct values written
	cache  map[piece][]int64
}

// locBase returns the location holding address a and whether a is inside
// a declared location. An address outside every location (a value used
// as a pointer) is its own anonymous location, which has no initial
// write, as herd would fault on it.
func (t *Test) locBase(a int64) (int64, bool) {
	if a >= codeBase {
		// An overwritable instruction is a 4-byte location of its own.
		if _, ok := t.siteAt[a&^3]; ok {
			return a &^ 3, true
		}
		return a, false
	}
	if a >= locationStride {
		b := a - a%locationStride
		if _, ok := t.locationAt(b); ok {
			return b, true
		}
	}
	return a, false
}

// initValue is the initial content of the piece p: bytes of the
// location's initial value, zero beyond its first eight bytes.
func (t *Test) initValue(p piece) (int64, bool) {
	base, ok := t.locBase(p.addr)
	if !ok {
		return 0, false
	}
	return extract(t.baseInit(base), p.addr-base, p.size), true
}

// baseInit is the initial value of the location at base: its declared
// value, or the encoding of the instruction an overwritable site holds.
func (t *Test) baseInit(base int64) int64 {
	if site, ok := t.siteAt[base]; ok {
		return site.word
	}
	name, _ := t.locationAt(base)
	return t.MemInit[name]
}

// extract returns size bytes of v starting at byte off (little-endian).
func extract(v int64, off int64, size int) int64 {
	if off >= 8 || off < 0 {
		return 0
	}
	return truncate(int64(uint64(v)>>(8*uint(off))), size)
}

// split cuts the access [a, a+size) at the cut points of its location.
func (m *memory) split(a int64, size int) []piece {
	base, _ := m.t.locBase(a)
	cuts := m.cuts[base]
	end := a + int64(size)
	i := sort.Search(len(cuts), func(i int) bool { return cuts[i] > a })
	if i == len(cuts) || cuts[i] >= end {
		return []piece{{a, size}}
	}
	var out []piece
	start := a
	for ; i < len(cuts) && cuts[i] < end; i++ {
		out = append(out, piece{start, int(cuts[i] - start)})
		start = cuts[i]
	}
	return append(out, piece{start, int(end - start)})
}

// values returns the values a read of piece p may return: its initial
// content and every value written over it.
func (m *memory) values(p piece) []int64 {
	if vs, ok := m.cache[p]; ok {
		return vs
	}
	set := map[int64]bool{}
	if v, ok := m.t.initValue(p); ok {
		set[v] = true
	}
	base, _ := m.t.locBase(p.addr)
	for _, w := range m.writes[base] {
		if w.covers(p) {
			set[extract(w.val, p.addr-w.addr, p.size)] = true
		}
	}
	vs := make([]int64, 0, len(set))
	for v := range set {
		vs = append(vs, v)
	}
	sort.Slice(vs, func(i, j int) bool { return vs[i] < vs[j] })
	m.cache[p] = vs
	return vs
}

// combos returns every choice of one value per piece, or nil when some
// piece has no possible value (an anonymous address never written).
func (m *memory) combos(ps []piece) [][]int64 {
	out := [][]int64{nil}
	for _, p := range ps {
		vs := m.values(p)
		if len(vs) == 0 {
			return nil
		}
		next := make([][]int64, 0, len(out)*len(vs))
		for _, c := range out {
			for _, v := range vs {
				next = append(next, append(c[:len(c):len(c)], v))
			}
		}
		out = next
	}
	return out
}

// memAccum collects the accesses of one fixpoint round.
type memAccum struct {
	bounds map[int64]map[int64]bool
	writes map[int64]map[wrec]bool
}

func newMemAccum() *memAccum {
	return &memAccum{bounds: map[int64]map[int64]bool{}, writes: map[int64]map[wrec]bool{}}
}

// add records the pieces of a path. It reports whether a new cut point
// or a new written value appeared.
func (acc *memAccum) add(t *Test, evs []tEvent) (newCut, newValue bool) {
	for _, e := range evs {
		if e.kind == ax.Fence {
			continue
		}
		base, _ := t.locBase(e.loc)
		b := acc.bounds[base]
		if b == nil {
			b = map[int64]bool{}
			acc.bounds[base] = b
		}
		p := piece{e.loc, e.size}
		for _, c := range []int64{p.addr, p.end()} {
			if !b[c] {
				b[c] = true
				newCut = true
			}
		}
		if e.kind == ax.Write || e.kind == ax.Update {
			w := acc.writes[base]
			if w == nil {
				w = map[wrec]bool{}
				acc.writes[base] = w
			}
			r := wrec{p, e.val}
			if !w[r] {
				w[r] = true
				newValue = true
			}
		}
	}
	return newCut, newValue
}

// memory freezes the accumulated accesses into a domain.
func (acc *memAccum) memory(t *Test) *memory {
	m := &memory{t: t, cuts: map[int64][]int64{}, writes: map[int64][]wrec{}, cache: map[piece][]int64{}}
	for base, b := range acc.bounds {
		cs := make([]int64, 0, len(b))
		for c := range b {
			cs = append(cs, c)
		}
		sort.Slice(cs, func(i, j int) bool { return cs[i] < cs[j] })
		m.cuts[base] = cs
	}
	for base, ws := range acc.writes {
		list := make([]wrec, 0, len(ws))
		for w := range ws {
			list = append(list, w)
		}
		sort.Slice(list, func(i, j int) bool {
			if list[i].addr != list[j].addr {
				return list[i].addr < list[j].addr
			}
			if list[i].size != list[j].size {
				return list[i].size < list[j].size
			}
			return list[i].val < list[j].val
		})
		m.writes[base] = list
	}
	return m
}

// valueDomain computes the cut points of every location and, for every
// piece, the values a read may return: the initial content plus anything
// some path can write when its reads return values already in the
// domain, iterated to a fixpoint. A causal chain of writes is at most as
// long as the number of write instructions, which bounds the rounds that
// add values; rounds that only discover new cut points (new access
// extents) are not counted against that bound.
func (t *Test) valueDomain(stop func() bool) (*memory, error) {
	acc := newMemAccum()
	rounds := 2
	for _, th := range t.Threads {
		for _, in := range th.Code {
			if in.op == opStore || in.op == opStoreCond || in.op == opAMO {
				rounds++
			}
		}
	}
	free := 64 // rounds that only add cut points
	for rounds > 0 {
		m := acc.memory(t)
		cutChanged, valChanged := false, false
		for _, th := range t.Threads {
			trs, err := t.paths(th, m, stop)
			if err != nil {
				return nil, err
			}
			for _, tr := range trs {
				c, v := acc.add(t, tr.events)
				cutChanged = cutChanged || c
				valChanged = valChanged || v
			}
		}
		if stop() || !cutChanged && !valChanged {
			break
		}
		if valChanged {
			rounds--
		} else if free--; free == 0 {
			break
		}
	}
	return acc.memory(t), nil
}
