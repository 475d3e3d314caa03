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
}

// run returns a reason when the test cannot be checked.
func (e *enumeration) run() string {
	dom, err := e.t.valueDomain(e.stop)
	if err != nil {
		return err.Error()
	}
	perThread := make([][]trace, len(e.t.Threads))
	for i, th := range e.t.Threads {
		trs, err := e.t.paths(th, dom, e.stop)
		if err != nil {
			return err.Error()
		}
		perThread[i] = trs
	}
	if why := sameSizes(perThread); why != "" {
		return why
	}
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

// graph holds the fixed part of the candidates for one choice of paths.
type graph struct {
	x        *ax.Execution
	reads    []int           // event indices of reads
	rfCands  [][]int         // per read, the writes it may read from
	writesAt map[int64][]int // non-initial writes per location
	locs     []int64         // locations with non-initial writes, sorted
	initOf   map[int64]int   // initial write per location
	regs     [][]int64
	coOrder  map[int64][]int // current coherence order per location
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
	var events []ax.Event
	g := &graph{writesAt: map[int64][]int{}, initOf: map[int64]int{}, coOrder: map[int64][]int{}}
	for _, name := range t.locOrder {
		a := t.Locations[name]
		g.initOf[a] = len(events)
		events = append(events, ax.Event{Kind: ax.Write, Thread: -1, Loc: a, Value: t.MemInit[name]})
	}
	bases := make([]int, len(choice))
	for ti, tr := range choice {
		bases[ti] = len(events)
		for i, te := range tr.events {
			events = append(events, ax.Event{Kind: te.kind, Thread: ti, Index: i, Loc: te.loc,
				Value: te.val, ReadValue: te.readVal, Annot: te.annot, Fence: te.fence})
		}
		g.regs = append(g.regs, tr.regs)
	}
	x := ax.NewExecution(events)
	g.x = x
	for ti, tr := range choice {
		base := bases[ti]
		lastExcl := -1
		for i, te := range tr.events {
			id := base + i
			for j := 0; j < i; j++ {
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
				if te.kind == ax.Write && lastExcl >= 0 && events[lastExcl].Kind == ax.Read {
					// rmw = [R & EX]; po \ (po; [M & EX]; po); [W & EX]
					x.RMW.Add(lastExcl, id)
				}
				lastExcl = id
			}
			ev := events[id]
			if ev.IsRead() {
				g.reads = append(g.reads, id)
			}
			if ev.IsWrite() {
				g.writesAt[te.loc] = append(g.writesAt[te.loc], id)
			}
		}
	}
	for a := range g.writesAt {
		g.locs = append(g.locs, a)
	}
	sort.Slice(g.locs, func(i, j int) bool { return g.locs[i] < g.locs[j] })

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
			if we.Value != want || x.RMW.Has(r, w) || w == r {
				continue
			}
			if we.Thread == re.Thread && we.Index > re.Index {
				continue // reading from the future of one's own thread breaks coherence
			}
			cands = append(cands, w)
		}
		if len(cands) == 0 {
			return nil
		}
		g.rfCands = append(g.rfCands, cands)
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
		g.x.RF.Add(w, r)
		e.chooseRF(g, i+1)
		g.x.RF = clearPair(g.x.RF, w, r)
	}
}

func clearPair(r ax.Rel, i, j int) ax.Rel {
	single := ax.NewRel(r.Size())
	single.Add(i, j)
	return r.Minus(single)
}

// chooseCO enumerates coherence orders location by location; writes of
// one thread to one location keep their program order (anything else
// breaks coherence).
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
			used[k] = true
			order = append(order, w)
			perm()
			order = order[:len(order)-1]
			used[k] = false
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
	st := &finalState{regs: g.regs, mem: func(addr int64) int64 {
		if order := g.coOrder[addr]; len(order) > 0 {
			return x.Events[order[len(order)-1]].Value
		}
		if w, ok := g.initOf[addr]; ok {
			return x.Events[w].Value
		}
		return 0
	}}
	if e.t.Filter != nil && !e.t.Filter.eval(st) {
		return
	}
	e.res.Consistent++
	if e.visit != nil {
		e.visit(st)
	}
	if e.t.Cond.Prop.eval(st) {
		e.res.Positive++
	}
}

// sameSizes rejects tests accessing one location with several widths,
// which need herd's byte-level mixed-size semantics.
func sameSizes(perThread [][]trace) string {
	sizes := map[int64]int{}
	for _, trs := range perThread {
		for _, tr := range trs {
			for _, e := range tr.events {
				if e.kind == ax.Fence {
					continue
				}
				if s, ok := sizes[e.loc]; ok && s != e.size {
					return errMixedSize.Error()
				}
				sizes[e.loc] = e.size
			}
		}
	}
	return ""
}
