package litmus

import (
	"sort"

	ax "github.com/ftcheck/ftcheck/memmodel/axiomatic"
)

// enumeration walks the candidate executions of a test: one path per
// thread, then a reads-from choice per read (a write of the same value to
// the same location), then a coherence order per location. Each candidate
// is handed to the model; consistent ones are tested against the
// condition.
type enumeration struct {
	t     *Test
	model ax.Model
	stop  func() bool
	res   *Result
	// visit, when set, sees the final state of every consistent execution
	// (tests use it to compare the outcome sets of models).
	visit func(*finalState)
	// states, when set, collects herd's state lines (Options.States).
	states map[string][]string
	// pieces lists the pieces accessed at each declared location.
	pieces map[int64][]piece
	// bases are the locations with initial writes (Test.memoryBases).
	bases []int64
}

// run returns a reason when the test cannot be checked.
func (e *enumeration) run() string {
	mem, err := e.t.valueDomain(e.stop)
	if err != nil {
		return err.Error()
	}
	perThread := make([][]trace, len(e.t.Threads))
	for i, th := range e.t.Threads {
		trs, err := e.t.paths(th, mem, e.stop)
		if err != nil {
			return err.Error()
		}
		kept := trs[:0]
		for _, tr := range trs {
			if !tr.cut {
				kept = append(kept, tr)
			}
		}
		perThread[i] = kept
	}
	perThread = prunePaths(perThread)
	e.pieces = piecesOf(e.t, perThread)
	e.bases = e.t.memoryBases()
	choice := make([]*trace, len(perThread))
	var walk func(i int)
	walk = func(i int) {
		if e.stop() {
			return
		}
		if i == len(perThread) {
			e.candidate(choice)
			return
		}
		for k := range perThread[i] {
			choice[i] = &perThread[i][k]
			walk(i + 1)
		}
	}
	walk(0)
	return ""
}

// prunePaths drops paths with a read that no write can feed in any
// coherent execution. A read of a location its own thread wrote earlier
// reads that latest write or a write of another thread (anything else
// breaks SC-per-location, which every model enforces); a read with no
// earlier own write reads the initial value or another thread's write.
// Dropping paths can remove the only writer of a value, so it iterates.
func prunePaths(perThread [][]trace) [][]trace {
	type lv struct{ loc, val int64 }
	for {
		writers := map[lv]int{} // (location, value) -> threads writing it, or -1 for several
		for ti, trs := range perThread {
			for _, tr := range trs {
				for _, e := range tr.events {
					if e.kind == ax.Write || e.kind == ax.Update {
						k := lv{e.loc, e.val}
						if o, ok := writers[k]; !ok {
							writers[k] = ti
						} else if o != ti {
							writers[k] = -1
						}
					}
				}
			}
		}
		changed := false
		for ti, trs := range perThread {
			kept := trs[:0:0]
			for _, tr := range trs {
				if feasible(tr, func(loc, val int64) bool {
					o, ok := writers[lv{loc, val}]
					return ok && o != ti
				}) {
					kept = append(kept, tr)
				}
			}
			if len(kept) != len(trs) {
				changed = true
				perThread[ti] = kept
			}
		}
		if !changed {
			return perThread
		}
	}
}

// feasible checks the reads of one path; other reports whether another
// thread writes a value to a location.
func feasible(tr trace, other func(loc, val int64) bool) bool {
	last := map[int64]int64{} // location -> value of the latest own write
	for _, e := range tr.events {
		if e.annot&ax.IFetch != 0 {
			// A fetch may read any write, however stale: instruction
			// fetches are not coherent with the thread's own stores.
			continue
		}
		if e.kind == ax.Read || e.kind == ax.Update {
			want := e.val
			if e.kind == ax.Update {
				want = e.readVal
			}
			if w, ok := last[e.loc]; ok {
				if w != want && !other(e.loc, want) {
					return false
				}
			}
		}
		if e.kind == ax.Write || e.kind == ax.Update {
			last[e.loc] = e.val
		}
	}
	return true
}

// piecesOf lists, per declared location, the pieces some path accesses,
// sorted by address. Each gets an initial write.
func piecesOf(t *Test, perThread [][]trace) map[int64][]piece {
	seen := map[piece]bool{}
	out := map[int64][]piece{}
	for _, trs := range perThread {
		for _, tr := range trs {
			for _, ev := range tr.events {
				p := piece{ev.loc, ev.size}
				if ev.kind == ax.Fence || seen[p] {
					continue
				}
				seen[p] = true
				if base, ok := t.locBase(p.addr); ok {
					out[base] = append(out[base], p)
				}
			}
		}
	}
	for _, ps := range out {
		sort.Slice(ps, func(i, j int) bool { return ps[i].addr < ps[j].addr })
	}
	return out
}

// graph holds the fixed part of the candidates for one choice of paths.
type graph struct {
	x        *ax.Execution
	reads    []int           // event indices of reads
	rfCands  [][]int         // per read, the writes it may read from
	writesAt map[int64][]int // non-initial writes per location
	locs     []int64         // locations with non-initial writes, sorted
	initOf   map[int64]int   // initial write per location
	regs     [][]int64
	faults   [][]faultRec
	coOrder  map[int64][]int // current coherence order per location

	// Single-copy atomicity of mixed-size accesses. group numbers the
	// instruction of each event (the initial writes of a location form
	// one group); a group's events are consecutive, from groupStart.
	group      []int
	groupStart []int
	mixed      bool
	rfSrc      []int // per read (index into reads), the write chosen
	sibling    [][]int
	coCount    []int // coCount[a*len(at)+b]: locations where group a is co-before b
}

func (e *enumeration) candidate(choice []*trace) {
	g := e.build(choice)
	if g == nil {
		return
	}
	e.chooseRF(g, 0)
}

func (e *enumeration) build(choice []*trace) *graph {
	t := e.t
	n := 0
	for _, tr := range choice {
		n += len(tr.events)
	}
	events := make([]ax.Event, 0, n+len(t.locOrder)*2)
	g := &graph{writesAt: map[int64][]int{}, initOf: map[int64]int{}, coOrder: map[int64][]int{},
		regs: make([][]int64, 0, len(choice)), faults: make([][]faultRec, 0, len(choice))}
	for _, tr := range choice {
		for i := 1; i < len(tr.events) && !g.mixed; i++ {
			g.mixed = tr.events[i].inst == tr.events[i-1].inst
		}
	}
	// Groups (instructions, and the initial writes of each location) are
	// only needed when some access is split into pieces.
	addGroup := func() int {
		if !g.mixed {
			return -1
		}
		g.groupStart = append(g.groupStart, len(events))
		return len(g.groupStart) - 1
	}
	inGroup := func(gi int) {
		if g.mixed {
			g.group = append(g.group, gi)
		}
	}
	for _, base := range e.bases {
		if len(e.pieces[base]) == 0 {
			continue
		}
		gi := addGroup()
		for _, p := range e.pieces[base] {
			v, _ := t.initValue(p)
			g.initOf[p.addr] = len(events)
			inGroup(gi)
			events = append(events, ax.Event{Kind: ax.Write, Thread: -1, Loc: p.addr, Value: v})
		}
	}
	bases := make([]int, len(choice))
	for ti, tr := range choice {
		bases[ti] = len(events)
		gi, last := -1, -1
		for i, te := range tr.events {
			if te.inst != last {
				gi, last = addGroup(), te.inst
			}
			id := len(events)
			inGroup(gi)
			ev := ax.Event{Kind: te.kind, Thread: ti, Index: i, Loc: te.loc,
				Value: te.val, ReadValue: te.readVal, Annot: te.annot, Fence: te.fence}
			events = append(events, ev)
			if ev.IsRead() {
				g.reads = append(g.reads, id)
			}
			if ev.IsWrite() {
				g.writesAt[te.loc] = append(g.writesAt[te.loc], id)
			}
		}
		g.regs = append(g.regs, tr.regs)
		g.faults = append(g.faults, tr.faults)
	}
	// Reads-from candidates first: a read with none rules out the whole
	// combination of paths before any relation is built.
	for _, r := range g.reads {
		re := events[r]
		want := re.Value
		if re.Kind == ax.Update {
			want = re.ReadValue
		}
		var cands []int
		if w, ok := g.initOf[re.Loc]; ok && events[w].Value == want {
			cands = append(cands, w)
		}
		for _, w := range g.writesAt[re.Loc] {
			we := events[w]
			if we.Value != want || w == r {
				continue
			}
			if we.Thread == re.Thread && we.Index > re.Index {
				// Reading from the future of one's own thread breaks
				// coherence; this also excludes the read's own rmw write.
				continue
			}
			cands = append(cands, w)
		}
		if len(cands) == 0 {
			return nil
		}
		g.rfCands = append(g.rfCands, cands)
	}
	x := ax.NewExecution(events)
	g.x = x
	for ti, tr := range choice {
		base := bases[ti]
		var prevExcl, curExcl []int
		curInst := -1
		for i, te := range tr.events {
			id := base + i
			for j := 0; j < i; j++ {
				if tr.events[j].inst == te.inst {
					// pieces of one instruction: si, not po
					x.SI.Add(base+j, id)
					x.SI.Add(id, base+j)
					continue
				}
				x.PO.Add(base+j, id)
			}
			addDeps(x.Addr, base, te.addrDep, id)
			addDeps(x.Data, base, te.dataDep, id)
			addDeps(x.Ctrl, base, te.ctrlDep, id)
			if te.amoRead >= 0 {
				x.RMW.Add(base+te.amoRead, id)
				x.AMO.Add(base+te.amoRead, id)
			}
			if te.kind != ax.Fence && te.annot&ax.Exclusive != 0 {
				if te.inst != curInst {
					prevExcl, curExcl, curInst = curExcl, nil, te.inst
				}
				curExcl = append(curExcl, id)
				if te.kind == ax.Write {
					// rmw = [R & EX]; po \ (po; [M & EX]; po); [W & EX],
					// piece by piece for mixed-size pairs.
					for _, r := range prevExcl {
						if events[r].Kind == ax.Read && events[r].Loc == te.loc {
							x.RMW.Add(r, id)
						}
					}
				}
			}
		}
	}
	for a := range g.writesAt {
		g.locs = append(g.locs, a)
	}
	sort.Slice(g.locs, func(i, j int) bool { return g.locs[i] < g.locs[j] })

	if g.mixed {
		g.rfSrc = make([]int, len(g.reads))
		g.sibling = make([][]int, len(g.reads))
		for i, r := range g.reads {
			for j := 0; j < i; j++ {
				if g.group[g.reads[j]] == g.group[r] {
					g.sibling[i] = append(g.sibling[i], j)
				}
			}
		}
		g.coCount = make([]int, len(g.groupStart)*len(g.groupStart))
	}
	return g
}

func addDeps(r ax.Rel, base int, mask uint64, to int) {
	for k := 0; mask != 0; k++ {
		if mask&1 != 0 {
			r.Add(base+k, to)
		}
		mask >>= 1
	}
}

func (e *enumeration) chooseRF(g *graph, i int) {
	if e.stop() {
		return
	}
	if i == len(g.reads) {
		e.chooseCO(g, 0)
		return
	}
	r := g.reads[i]
	for _, w := range g.rfCands[i] {
		if g.mixed && g.tornRead(i, w) {
			continue
		}
		if g.mixed {
			g.rfSrc[i] = w
		}
		g.x.RF.Add(w, r)
		e.chooseRF(g, i+1)
		g.x.RF.Remove(w, r)
	}
}

// tornRead reports whether reading w at read i would make its
// instruction read two writes that both cover the pieces concerned: one
// piece from w and another from w', where w's instruction also writes
// that other piece and w”s instruction writes this one. Whatever the
// coherence order of the two writers, ARMv8 rejects it (internal when
// the writers and reader share a thread, otherwise external, through
// obs;si), so such candidates are skipped; the other models are given
// the same single-copy atomicity.
func (g *graph) tornRead(i, w int) bool {
	r := g.reads[i]
	gw := g.group[w]
	for _, j := range g.sibling[i] {
		o := g.rfSrc[j]
		gO := g.group[o]
		if gO != gw && g.hasAt(gw, g.x.Events[g.reads[j]].Loc) && g.hasAt(gO, g.x.Events[r].Loc) {
			return true
		}
	}
	return false
}

// hasAt reports whether group gi has an event at location loc.
func (g *graph) hasAt(gi int, loc int64) bool {
	for k := g.groupStart[gi]; k < len(g.group) && g.group[k] == gi; k++ {
		if g.x.Events[k].Loc == loc {
			return true
		}
	}
	return false
}

// chooseCO enumerates coherence orders location by location; writes of
// one thread to one location keep their program order (anything else
// breaks coherence). With mixed-size accesses two instructions that both
// write several pieces are ordered the same way at each of them: any
// other order is rejected by ARMv8 (po-loc within a thread, coe;si
// across threads), and the other models are given the same atomicity.
func (e *enumeration) chooseCO(g *graph, li int) {
	if e.stop() {
		return
	}
	if li == len(g.locs) {
		e.check(g)
		return
	}
	a := g.locs[li]
	ws := g.writesAt[a]
	order := make([]int, 0, len(ws))
	used := make([]bool, len(ws))
	ng := len(g.groupStart)
	var perm func()
	perm = func() {
		if len(order) == len(ws) {
			g.coOrder[a] = order
			e.chooseCO(g, li+1)
			return
		}
		for k, w := range ws {
			if used[k] || !e.poFirst(g, ws, used, w) {
				continue
			}
			if g.mixed {
				gw, clash := g.group[w], false
				for _, u := range order {
					if g.coCount[gw*ng+g.group[u]] > 0 {
						clash = true
						break
					}
				}
				if clash {
					continue
				}
				for _, u := range order {
					g.coCount[g.group[u]*ng+gw]++
				}
			}
			used[k] = true
			order = append(order, w)
			perm()
			order = order[:len(order)-1]
			used[k] = false
			if g.mixed {
				for _, u := range order {
					g.coCount[g.group[u]*ng+g.group[w]]--
				}
			}
		}
	}
	perm()
}

// poFirst reports whether no unused write of w's thread precedes w.
func (e *enumeration) poFirst(g *graph, ws []int, used []bool, w int) bool {
	for k, o := range ws {
		if !used[k] && o != w && g.x.PO.Has(o, w) {
			return false
		}
	}
	return true
}

func (e *enumeration) check(g *graph) {
	x := g.x
	x.CO = ax.NewRel(len(x.Events))
	for _, a := range g.locs {
		order := append([]int{g.initOf[a]}, g.coOrder[a]...)
		if _, ok := g.initOf[a]; !ok {
			order = g.coOrder[a]
		}
		for i := range order {
			for j := i + 1; j < len(order); j++ {
				x.CO.Add(order[i], order[j])
			}
		}
	}
	e.res.Executions++
	if !e.model.Consistent(x) {
		return
	}
	st := &finalState{regs: g.regs, faults: g.faults, mem: func(addr int64, size int) int64 { return e.finalValue(g, addr, size) }}
	if e.t.Filter != nil && !e.t.Filter.eval(st) {
		return
	}
	e.res.Consistent++
	if e.visit != nil {
		e.visit(st)
	}
	if e.states != nil {
		line, vals := e.t.stateLine(st)
		e.states[line] = vals
	}
	if e.t.Cond.Prop.eval(st) {
		e.res.Positive++
	}
}

// finalValue is the final content of size bytes at addr
// (little-endian): the bytes of the coherence-last write of each piece
// they overlap, the initial value elsewhere. A location in a condition
// reads its first eight bytes, as Dartagnan does (herd would read the
// declared type's width; the two agree unless bytes beyond it are
// written).
func (e *enumeration) finalValue(g *graph, addr int64, size int) int64 {
	base, _ := e.t.locBase(addr)
	v := uint64(extract(e.t.baseInit(base), addr-base, size))
	end := addr + int64(size)
	for _, p := range e.pieces[base] {
		lo, hi := max(p.addr, addr), min(p.end(), end)
		order := g.coOrder[p.addr]
		if lo >= hi || len(order) == 0 {
			continue
		}
		w := uint64(g.x.Events[order[len(order)-1]].Value)
		for b := lo; b < hi; b++ {
			byteV := w >> (8 * uint(b-p.addr)) & 0xff
			sh := 8 * uint(b-addr)
			v = v&^(0xff<<sh) | byteV<<sh
		}
	}
	return int64(v)
}

// memoryBases lists the locations that get initial writes: the declared
// ones, then the overwritable instructions.
func (t *Test) memoryBases() []int64 {
	out := make([]int64, 0, len(t.locOrder)+len(t.sites))
	for _, name := range t.locOrder {
		out = append(out, t.Locations[name])
	}
	for _, s := range t.sites {
		out = append(out, s.addr)
	}
	return out
}
