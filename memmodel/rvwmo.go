package memmodel

import (
	"encoding/binary"
	"fmt"
	"slices"

	"github.com/ftcheck/ftcheck/model"
)

// RVWMO is an operational model of RISC-V weak memory ordering for a
// machine that executes each hart in program order. It is Promising-RISC-V
// (Pulte et al., PLDI 2019) with a store buffer for the reorderings among
// an agent's stores and from its stores to its later loads, and promises
// (promise.go) for the one a buffer cannot give:
//
//   - Memory is the list of stores that became visible, in the order they
//     did (global memory order); a store's timestamp is its position.
//     Memory is multi-copy atomic: a visible store is visible to all.
//   - Each agent has views, timestamps below which it may not read: a
//     per-word coherence view (raised by its own loads and visible
//     stores), vrOld/vwOld (its loads' and visible stores' maximum) and
//     vrNew (the floor for its next loads, raised by fences).
//   - A load of x may read any store to x at or after the newest store to
//     x at or before max(vrNew, coh[x], the address's view) — so later
//     loads may read older values than earlier ones on other addresses,
//     never on the same one. Bytes the agent still has in its store
//     buffer are forwarded.
//   - A store waits in its agent's buffer; the internal step makes one
//     buffered store visible (appends it to memory). Any entry may go
//     first unless an older entry writes one of its bytes or a fence w,w
//     lies between them.
//   - fence r,r: vrNew ⊔= vrOld. fence w,w: later stores drain after
//     earlier ones. fence w,r (and rw,rw): the buffer empties at once and
//     vrNew ⊔= vrOld ⊔ vwOld. fence w,o / w,i: the buffer empties at once,
//     because the device access that follows (an IPI) is performed by the
//     machine, not through this model. fence r,w keeps later stores from
//     fulfilling a promise below earlier loads' views (vwNew).
//     fence.tso = r,r + r,w + w,w.
//   - A promise (promise.go) puts a store the agent will perform into
//     memory before its earlier loads have read (LB, S, WRC+po+fence.r.r);
//     the store fulfils it only above the views of its dependencies and
//     of what orders it.
//
// See docs/memory-models.md for the measured agreement with the axiomatic
// RVWMO checker.
type RVWMO struct {
	init   SC
	msgs   []message // the store with timestamp t is msgs[t-1]
	agents []rvAgent // by agent; missing entries have no state
	// owned has bit a set when agent a's buffer, views and inbox belong
	// to this memory alone; a clone shares them until it changes them
	// (agent), since most steps change one agent or none.
	owned uint64
}

type message struct {
	addr uint64
	size uint8
	val  uint64
	// by is the agent, plus one, whose unfulfilled promise this is (0:
	// a store that has executed; promise.go).
	by uint8
}

func (g message) covers(a uint64) bool { return a >= g.addr && a < g.addr+uint64(g.size) }

type rvAgent struct {
	buf                 storeBuffer
	coh                 []wordView // sorted by word; absent means 0
	vrOld, vrNew, vwOld uint32
	// inbox: csd messages not yet acquired, by channel (message.go).
	inbox []mail
	// vwNew is the floor of the timestamps the agent's next store may
	// fulfil a promise at (raised by fences ordering earlier accesses
	// before later stores, and by acquires); vCAP that of control and
	// address dependencies (Promising's vCAP). regs are the views of the
	// registers whose value depends on a load, by register. All three
	// matter only for promises (promise.go).
	vwNew, vCAP uint32
	regs        []regView
	// saved are the register views an interrupt entry saved.
	saved []regView
}

// regView is the view of one register's value.
type regView struct {
	reg uint8
	ts  uint32
}

// wordView is a coherence view of one aligned 4-byte word: the hart's
// accesses are 4 or 8 bytes and aligned, so no two locations share a word.
type wordView struct {
	word uint64
	ts   uint32
}

func (a *rvAgent) empty() bool {
	return len(a.buf.entries) == 0 && len(a.coh) == 0 && a.vrOld == 0 && a.vrNew == 0 && a.vwOld == 0 && len(a.inbox) == 0 &&
		a.vwNew == 0 && a.vCAP == 0 && len(a.regs) == 0 && len(a.saved) == 0
}

func (a *rvAgent) cohOf(word uint64) uint32 {
	i, ok := slices.BinarySearchFunc(a.coh, word, cmpWord)
	if !ok {
		return 0
	}
	return a.coh[i].ts
}

func (a *rvAgent) raiseCoh(word uint64, ts uint32) {
	if ts == 0 {
		return
	}
	i, ok := slices.BinarySearchFunc(a.coh, word, cmpWord)
	switch {
	case !ok:
		a.coh = slices.Insert(a.coh, i, wordView{word, ts})
	case a.coh[i].ts < ts:
		a.coh[i].ts = ts
	}
}

func cmpWord(v wordView, w uint64) int {
	switch {
	case v.word < w:
		return -1
	case v.word > w:
		return 1
	}
	return 0
}

// words calls f for each aligned 4-byte word that a byte of [addr,
// addr+size) selected by mask lies in.
func words(addr uint64, size int, mask uint8, f func(word uint64)) {
	last := uint64(1) // no word is odd
	for i := 0; i < size; i++ {
		if mask&(1<<i) == 0 {
			continue
		}
		if w := (addr + uint64(i)) &^ 3; w != last {
			f(w)
			last = w
		}
	}
}

// NewRVWMO returns an empty RVWMO memory (every byte 0).
func NewRVWMO() *RVWMO { return &RVWMO{} }

func (m *RVWMO) Name() string { return "rvwmo" }

// Clone shares the initial memory, the visible stores and every agent's
// slices with m: the search never changes a memory it has cloned, and the
// clone copies an agent's slices before it changes them.
func (m *RVWMO) Clone() model.DataMemory {
	return &RVWMO{
		init:   SC{cells: m.init.cells, shared: true},
		msgs:   slices.Clip(m.msgs), // append-only: a clone's append copies
		agents: slices.Clone(m.agents),
	}
}

func (m *RVWMO) AppendKey(b []byte) []byte {
	b = m.init.AppendKey(b)
	b = binary.AppendUvarint(b, uint64(len(m.msgs)))
	for _, g := range m.msgs {
		b = binary.AppendUvarint(b, g.addr)
		b = append(b, g.size, g.by)
		b = binary.AppendUvarint(b, g.val)
	}
	for a := range m.agents {
		b = m.AppendAgentKey(a, b)
	}
	return b
}

// AppendAgentKey encodes agent a's buffer and views — only the parts that
// can still make a difference. vrNew only ever rises, and every use of a
// coherence view, of vrOld, of vwOld, of a register's view and of a csd
// message's timestamp as a floor for loads is a maximum with vrNew (a
// load's floor, a fence, a release, an acquire); every update of them is
// a maximum or an assignment of something at least vrNew. Their other
// use is as a floor for fulfilling a promise (promise.go), against the
// promise's timestamp: a view below every unfulfilled promise of the
// agent is below every promise it will still fulfil (a new promise takes
// the next timestamp). So a view at or below vrNew and below the agent's
// oldest unfulfilled promise is dead: it cannot change any later step,
// and two states that differ only in dead views have the same futures.
// Leaving them out of the key merges those states (RVWMO riscv-jalr, 2
// harts: 61,204 -> fewer states, same verdicts).
// keepDeadViews puts dead views into keys after all (tests compare).
var keepDeadViews = false

// liveness returns the function that maps a view of agent a to itself if
// it can still change a step of the agent, else to 0 (see
// AppendAgentKey).
func (m *RVWMO) liveness(a int) func(uint32) uint32 {
	vrNew, oldest := m.peek(a).vrNew, m.oldestPromise(a)
	return func(ts uint32) uint32 {
		if ts > vrNew || oldest > 0 && ts >= oldest || keepDeadViews {
			return ts
		}
		return 0
	}
}

// writeLiveness is liveness for the views that only floor promises
// (vwNew, vCAP).
func (m *RVWMO) writeLiveness(a int) func(uint32) uint32 {
	oldest := m.oldestPromise(a)
	return func(ts uint32) uint32 {
		if oldest > 0 && ts >= oldest || keepDeadViews {
			return ts
		}
		return 0
	}
}

func (m *RVWMO) AppendAgentKey(a int, b []byte) []byte {
	ag := m.peek(a)
	live := m.liveness(a)
	b = ag.buf.appendKey(b, live)
	n := 0
	for _, v := range ag.coh {
		if live(v.ts) > 0 {
			n++
		}
	}
	b = binary.AppendUvarint(b, uint64(n))
	for _, v := range ag.coh {
		if live(v.ts) > 0 {
			b = binary.AppendUvarint(b, v.word)
			b = binary.AppendUvarint(b, uint64(v.ts))
		}
	}
	b = binary.AppendUvarint(b, uint64(live(ag.vrOld)))
	b = binary.AppendUvarint(b, uint64(ag.vrNew))
	b = binary.AppendUvarint(b, uint64(live(ag.vwOld)))
	wlive := m.writeLiveness(a)
	b = binary.AppendUvarint(b, uint64(wlive(ag.vwNew)))
	b = binary.AppendUvarint(b, uint64(wlive(ag.vCAP)))
	for _, regs := range [][]regView{ag.regs, ag.saved} {
		for _, r := range regs {
			if live(r.ts) > 0 {
				b = append(b, r.reg+1)
				b = binary.AppendUvarint(b, uint64(r.ts))
			}
		}
		b = append(b, 0)
	}
	return ag.appendInboxKey(b, live)
}

// PermuteAgents renumbers the harts' state; the patcher's stays last.
func (m *RVWMO) PermuteAgents(perm []int) {
	m.grow(len(perm) + 1)
	old := slices.Clone(m.agents)
	for i, p := range perm {
		m.agents[p] = old[i]
	}
	m.owned = model.PermuteBits(m.owned, perm)
	m.permutePromises(perm)
	m.trim()
}

func (m *RVWMO) Init(addr uint64, size int, val uint64) { m.init.write(addr, size, val) }

// Loads counts the stores the load may read (its uncovered bytes' cut
// points); a load served entirely by the agent's own buffer has one.
func (m *RVWMO) Loads(agent int, addr uint64, size int) int { return m.LoadsDep(agent, addr, size, 0) }

func (m *RVWMO) Load(agent int, addr uint64, size int, choice int) uint64 {
	v, _ := m.LoadDep(agent, addr, size, choice, 0)
	return v
}

// LoadsDep counts the stores a load whose address has view dep may read.
func (m *RVWMO) LoadsDep(agent int, addr uint64, size int, dep uint32) int {
	cands, _, _, _ := m.candidates(agent, addr, size, dep)
	return max(len(cands), 1)
}

// LoadDep performs the load; the value's view is the cut it read at
// (floored by vrNew and the address's view), or for forwarded bytes the
// view of the buffered store's registers.
func (m *RVWMO) LoadDep(agent int, addr uint64, size int, choice int, dep uint32) (uint64, uint32) {
	cands, fwd, mask, fdep := m.candidates(agent, addr, size, dep)
	view := max(dep, fdep)
	if dep > m.peek(agent).vCAP {
		m.agent(agent).vCAP = dep // Promising's vCAP ⊔= vaddr
	}
	if len(cands) == 0 {
		m.trim()
		return fwd, view
	}
	cut := cands[choice]
	v := fwd
	for i := 0; i < size; i++ {
		if mask&(1<<i) == 0 {
			v |= uint64(m.byteAt(addr+uint64(i), cut)) << (8 * i)
		}
	}
	a := m.agent(agent)
	post := max(a.vrNew, dep, cut)
	words(addr, size, ^mask, func(w uint64) { a.raiseCoh(w, post) })
	a.vrOld = max(a.vrOld, post)
	m.trim()
	return v, max(view, post)
}

// candidates returns the cut points the load may read memory at (oldest
// first), plus the bytes forwarded from the agent's buffer. A cut t reads
// each byte from the newest visible store to it with timestamp ≤ t. The
// oldest allowed cut is the newest store to the load's memory bytes at or
// before the agent's view; every newer store to them is a further cut.
func (m *RVWMO) candidates(agent int, addr uint64, size int, dep uint32) (cuts []uint32, fwd uint64, mask uint8, fdep uint32) {
	a := m.peek(agent)
	fwd, mask, fdep = a.buf.forwardDep(addr, size)
	if mask == fullMask(size) {
		return nil, fwd, mask, fdep
	}
	view := max(a.vrNew, dep)
	words(addr, size, ^mask, func(w uint64) { view = max(view, a.cohOf(w)) })
	touches := func(t uint32) bool {
		g := m.msgs[t-1]
		for i := 0; i < size; i++ {
			if mask&(1<<i) == 0 && g.covers(addr+uint64(i)) {
				return true
			}
		}
		return false
	}
	oldest := uint32(0)
	for t := view; t > 0; t-- {
		if touches(t) {
			oldest = t
			break
		}
	}
	cuts = append(cuts, oldest)
	for t := oldest + 1; t <= uint32(len(m.msgs)); t++ {
		if touches(t) {
			cuts = append(cuts, t)
		}
	}
	return cuts, fwd, mask, fdep
}

// byteAt is the byte at a as of cut t.
func (m *RVWMO) byteAt(a uint64, t uint32) byte {
	for ; t > 0; t-- {
		if g := m.msgs[t-1]; g.covers(a) {
			return byte(g.val >> (8 * (a - g.addr)))
		}
	}
	return m.init.readByte(a)
}

// Latest is the value of the newest visible stores (buffers excluded).
func (m *RVWMO) Latest(addr uint64, size int) uint64 {
	var v uint64
	for i := 0; i < size; i++ {
		v |= uint64(m.byteAt(addr+uint64(i), uint32(len(m.msgs)))) << (8 * i)
	}
	return v
}

func (m *RVWMO) Store(agent int, addr uint64, size int, val uint64) []model.Commit {
	return m.StoreDep(agent, addr, size, val, 0, 0)
}

// Internal: one step per buffered store that may become visible now.
func (m *RVWMO) Internal() int { return sumInternal(m, len(m.agents)) }

// InternalOf counts agent's buffered stores that may become visible now.
func (m *RVWMO) InternalOf(agent int) int {
	if agent >= len(m.agents) {
		return 0
	}
	b := &m.agents[agent].buf
	return countWhere(len(b.entries), b.drainable)
}

// DoInternal makes the j-th of agent's drainable stores visible.
func (m *RVWMO) DoInternal(agent, j int) (string, []model.Commit) {
	i := -1
	if agent < len(m.agents) {
		b := &m.agents[agent].buf
		i = nthWhere(len(b.entries), b.drainable, j)
	}
	if i < 0 {
		panic(fmt.Sprintf("memmodel: RVWMO has no internal step %d of agent %d", j, agent))
	}
	c := m.drain(agent, i)
	return drainText(agent, c), []model.Commit{c}
}

// drain makes buffered store i of agent visible: it gets the next
// timestamp, and the agent's coherence and write views move up to it.
func (m *RVWMO) drain(agent, i int) model.Commit {
	a := m.agent(agent)
	e := a.buf.remove(i)
	m.msgs = append(m.msgs, message{addr: e.addr, size: e.size, val: e.val})
	t := uint32(len(m.msgs))
	words(e.addr, int(e.size), fullMask(int(e.size)), func(w uint64) { a.raiseCoh(w, t) })
	a.vwOld = t
	if e.ww { // a fence w,w orders it before the agent's later stores
		a.vwNew = max(a.vwNew, t)
	}
	return e.commit()
}

func (m *RVWMO) peek(agent int) *rvAgent {
	if agent < len(m.agents) {
		return &m.agents[agent]
	}
	return &rvAgent{}
}

// agent returns agent's state for changing it: its slices are its own.
func (m *RVWMO) agent(agent int) *rvAgent {
	m.grow(agent + 1)
	a := &m.agents[agent]
	if m.owned&(1<<agent) == 0 {
		a.buf = a.buf.clone()
		a.coh, a.inbox, a.regs, a.saved = slices.Clone(a.coh), slices.Clone(a.inbox), slices.Clone(a.regs), slices.Clone(a.saved)
		m.owned |= 1 << agent
	}
	return a
}

func (m *RVWMO) grow(n int) {
	for len(m.agents) < n {
		m.agents = append(m.agents, rvAgent{})
	}
}

// trim drops trailing agents without state so that equal states have
// equal keys.
func (m *RVWMO) trim() {
	for len(m.agents) > 0 && m.agents[len(m.agents)-1].empty() {
		m.agents = m.agents[:len(m.agents)-1]
	}
}
