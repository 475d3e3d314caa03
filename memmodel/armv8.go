package memmodel

import (
	"encoding/binary"
	"fmt"
	"slices"

	"github.com/ftcheck/ftcheck/model"
)

// ARMv8 is an operational model of the Armv8 AArch64 memory model
// (other-multi-copy-atomic, aarch64.cat) for a machine that executes each
// agent in program order. Like RVWMO it is Promising-ARM (Pulte et al.,
// PLDI 2019) with a store buffer and promises, and it runs on the same
// machinery: memory is the list of
// visible stores, each agent has coherence, read and write views, and a
// store waits in its agent's buffer until the internal step makes it
// visible to every agent at once (Armv8 has been multi-copy atomic since
// 2017: "other-multi-copy-atomic" only lets a CPU read its own store
// early, which the buffer's forwarding does).
//
// What is Armv8's own is how barriers and one-sided accesses order:
//
//   - DMB ISH / DSB ISH (FenceKind rw,rw, and any kind ordering earlier
//     stores before later loads): the buffer empties at once; later loads
//     read at or after every earlier access (vrNew ⊔= vrOld ⊔ vwOld).
//   - DMB ISHLD (r,rw): later loads read at or after earlier loads'
//     views (vrNew ⊔= vrOld), and later stores fulfil promises only
//     above them (vwNew ⊔= vrOld).
//   - DMB ISHST (w,w): later stores become visible after earlier ones.
//   - A kind with O or I in the successor set (RISC-V "fence w,o" before an
//     IPI) is DSB ISHST: arm64 has no such fence, but the kernel sends IPIs
//     through the GIC after dsb(ishst) (gic_ipi_send_mask,
//     drivers/irqchip/irq-gic-v3.c), which waits until earlier stores are
//     visible — so it drains the buffer, and protocols written with
//     "fence w,o" keep their meaning.
//   - Other RISC-V kinds become the Armv8 barriers that imply them (see
//     armBarrierOf): r,r and r,w are DMB ISHLD, rw,w and fence.tso are
//     DMB ISHLD + DMB ISHST, w,r and anything else ordering W before R is
//     DMB ISH.
//   - STLR (Release): the store becomes visible only after every older
//     buffered store, and fulfils a promise only with an empty buffer and
//     above every earlier access's view; later stores may still pass it.
//   - LDAPR (AcquirePC): after the load, vrNew ⊔= its post-view and vwNew
//     ⊔= it, so every later access is ordered after it ([A|Q];po).
//   - LDAR (Acquire): LDAPR plus [L];po;[A]: every earlier release store
//     is made visible before the load reads (with the stores older than
//     it), and the load reads at or after the newest of them (Promising-
//     ARM's vRel).
//
// docs/memory-models.md gives the measured agreement with aarch64.cat.
type ARMv8 struct {
	// rv holds the views, visible stores and buffers. It is a field, not
	// embedded, so that a method added to RVWMO does not silently become
	// an ARMv8 method that drains stores behind the release bookkeeping.
	rv   RVWMO
	arms []armAgent // by agent; missing entries have no state
}

// armAgent is what Armv8 keeps beyond RVWMO's views for one agent.
type armAgent struct {
	// rel: positions in the agent's store buffer (oldest = 0) of the
	// release stores still buffered, ascending.
	rel []uint16
	// vRel: timestamp of the agent's newest visible release store; an
	// acquire load reads at or after it.
	vRel uint32
}

func (a *armAgent) empty() bool { return len(a.rel) == 0 && a.vRel == 0 }

// NewARMv8 returns an empty Armv8 memory (every byte 0).
func NewARMv8() *ARMv8 { return &ARMv8{} }

func (m *ARMv8) Name() string { return "armv8" }

func (m *ARMv8) Clone() model.DataMemory {
	c := &ARMv8{rv: *m.rv.Clone().(*RVWMO), arms: make([]armAgent, len(m.arms))}
	for i, a := range m.arms {
		c.arms[i] = armAgent{rel: slices.Clone(a.rel), vRel: a.vRel}
	}
	return c
}

func (m *ARMv8) AppendKey(b []byte) []byte {
	b = m.rv.AppendKey(b)
	b = binary.AppendUvarint(b, uint64(len(m.arms)))
	for a := range m.arms {
		b = m.appendArmKey(a, b)
	}
	return b
}

// AppendAgentKey encodes agent a's buffer, views and release state.
func (m *ARMv8) AppendAgentKey(a int, b []byte) []byte {
	return m.appendArmKey(a, m.rv.AppendAgentKey(a, b))
}

func (m *ARMv8) appendArmKey(a int, b []byte) []byte {
	ag := m.peekArm(a)
	b = binary.AppendUvarint(b, uint64(len(ag.rel)))
	for _, i := range ag.rel {
		b = binary.AppendUvarint(b, uint64(i))
	}
	return binary.AppendUvarint(b, uint64(ag.vRel))
}

// PermuteAgents renumbers the harts' state; the patcher's stays last.
func (m *ARMv8) PermuteAgents(perm []int) {
	m.rv.PermuteAgents(perm)
	m.growArm(len(perm) + 1)
	old := slices.Clone(m.arms)
	for i, p := range perm {
		m.arms[p] = old[i]
	}
	m.trimArm()
}

func (m *ARMv8) Init(addr uint64, size int, val uint64) { m.rv.Init(addr, size, val) }

func (m *ARMv8) Loads(agent int, addr uint64, size int) int { return m.rv.Loads(agent, addr, size) }

func (m *ARMv8) Load(agent int, addr uint64, size int, choice int) uint64 {
	return m.rv.Load(agent, addr, size, choice)
}

func (m *ARMv8) Store(agent int, addr uint64, size int, val uint64) []model.Commit {
	return m.rv.Store(agent, addr, size, val)
}

// Latest is the value of the newest visible stores (buffers excluded).
func (m *ARMv8) Latest(addr uint64, size int) uint64 { return m.rv.Latest(addr, size) }

// Pending reports the bytes of every buffered store (model.PendingStores).
func (m *ARMv8) Pending(f func(addr uint64, size int)) { m.rv.Pending(f) }

// LoadsOrdered counts the values a load carrying o may read. An acquire
// reads after its agent's release stores become visible, so it counts on
// a copy where they are.
func (m *ARMv8) LoadsOrdered(agent int, addr uint64, size int, o model.Ordering) int {
	if o == model.Acquire && (len(m.peekArm(agent).rel) > 0 || m.peekArm(agent).vRel > m.rv.peek(agent).vrNew) {
		c := m.Clone().(*ARMv8)
		c.acquire(agent)
		return c.rv.Loads(agent, addr, size)
	}
	return m.rv.Loads(agent, addr, size)
}

// LoadOrdered performs a load carrying o (see ARMv8's comment).
func (m *ARMv8) LoadOrdered(agent int, addr uint64, size int, choice int, o model.Ordering) (uint64, []model.Commit) {
	switch o {
	case model.Plain:
		return m.rv.Load(agent, addr, size, choice), nil
	case model.Acquire, model.AcquirePC:
	default:
		panic(fmt.Sprintf("memmodel: a load cannot be %v", o))
	}
	var cs []model.Commit
	if o == model.Acquire {
		cs = m.acquire(agent)
	}
	post := m.postView(agent, addr, size, choice)
	v := m.rv.Load(agent, addr, size, choice)
	if post > 0 { // [A|Q];po: every later access, loads and stores
		a := m.rv.agent(agent)
		a.vrNew = max(a.vrNew, post)
		a.vwNew = max(a.vwNew, post)
	}
	m.rv.trim()
	return v, cs
}

// acquire is what an LDAR does before it reads ([L];po;[A]): the agent's
// buffered release stores become visible, with every store older than
// the newest of them, and the load reads at or after the newest visible
// release (Promising-ARM's vRel). vrNew is the floor of this load and of
// every later one; the acquire raises the later ones' past vRel anyway.
func (m *ARMv8) acquire(agent int) []model.Commit {
	var cs []model.Commit
	for len(m.peekArm(agent).rel) > 0 {
		cs = append(cs, m.drain(agent, 0))
	}
	if t := m.peekArm(agent).vRel; t > 0 {
		a := m.rv.agent(agent)
		a.vrNew = max(a.vrNew, t)
	}
	return cs
}

// postView is the view the choice-th load reads at: RVWMO's
// max(vrNew, cut), or 0 for a load served from the agent's own buffer
// (forwarding orders nothing in aarch64.cat: rfi is not in ob).
func (m *ARMv8) postView(agent int, addr uint64, size int, choice int) uint32 {
	cuts, _, _, _ := m.rv.candidates(agent, addr, size, 0)
	if len(cuts) == 0 {
		return 0
	}
	return max(m.rv.peek(agent).vrNew, cuts[choice])
}

// StoreOrdered performs a store carrying o: a release store stays behind
// every older buffered store and is remembered for later acquires.
func (m *ARMv8) StoreOrdered(agent int, addr uint64, size int, val uint64, o model.Ordering) []model.Commit {
	switch o {
	case model.Plain:
		return m.rv.Store(agent, addr, size, val)
	case model.Release:
	default:
		panic(fmt.Sprintf("memmodel: a store cannot be %v", o))
	}
	if m.fulfilRelease(agent, addr, size, val) {
		return nil
	}
	a := m.rv.agent(agent)
	a.buf.push(addr, size, val)
	arm := m.arm(agent)
	arm.rel = append(arm.rel, uint16(len(a.buf.entries)-1))
	return nil
}

// armBarrier is what a FenceKind is on Armv8.
type armBarrier struct {
	full bool // DMB ISH: drain, later loads after every earlier access
	ld   bool // DMB ISHLD: later loads after earlier loads
	st   bool // DMB ISHST: later stores after earlier stores
}

// armBarrierOf maps a FenceKind onto the Armv8 barriers that imply it:
// arm64's own are rw,rw (DMB ISH), r,rw (DMB ISHLD) and w,w (DMB ISHST);
// a successor O or I is DSB ISHST before a GIC IPI, which drains like
// DMB ISH does.
func armBarrierOf(k model.FenceKind) armBarrier {
	if k.TSO { // R before R and W, W before W
		return armBarrier{ld: true, st: true}
	}
	pR, pW := k.Pred&model.FenceR != 0, k.Pred&model.FenceW != 0
	sR, sW := k.Succ&model.FenceR != 0, k.Succ&model.FenceW != 0
	sDev := k.Succ&(model.FenceO|model.FenceI) != 0
	if pW && (sR || sDev) {
		return armBarrier{full: true}
	}
	return armBarrier{ld: pR && k.Succ != 0, st: pW && sW}
}

// String names the barrier in arm64 assembly.
func (b armBarrier) String() string {
	switch {
	case b.full:
		return "DMB ISH"
	case b.ld && b.st:
		return "DMB ISHLD; DMB ISHST"
	case b.ld:
		return "DMB ISHLD"
	case b.st:
		return "DMB ISHST"
	}
	return "nothing"
}

func (m *ARMv8) Fence(agent int, k model.FenceKind) []model.Commit {
	f := armBarrierOf(k)
	var cs []model.Commit
	if f.full {
		for len(m.rv.peek(agent).buf.entries) > 0 {
			cs = append(cs, m.drain(agent, 0))
		}
		a := m.rv.agent(agent)
		a.vrNew = max(a.vrNew, a.vrOld, a.vwOld)
		a.vwNew = max(a.vwNew, a.vrOld, a.vwOld)
	}
	if f.ld { // DMB ISHLD: later loads and stores after earlier loads
		a := m.rv.agent(agent)
		a.vrNew = max(a.vrNew, a.vrOld)
		a.vwNew = max(a.vwNew, a.vrOld)
	}
	if f.st {
		a := m.rv.agent(agent)
		a.buf.fenceWW()
		a.vwNew = max(a.vwNew, a.vwOld)
	}
	m.rv.trim()
	m.trimArm()
	return cs
}

// FenceIsLocal: only a barrier that makes buffered stores visible changes
// what others see.
func (m *ARMv8) FenceIsLocal(agent int, k model.FenceKind) bool {
	return !armBarrierOf(k).full || len(m.rv.peek(agent).buf.entries) == 0
}

// drainable reports whether buffered store i of agent may become visible
// now: RVWMO's rule (no older store to its bytes, no DMB ISHST between),
// and a release store only once every older store is visible. A release
// holds back nothing after it.
func (m *ARMv8) drainable(agent, i int) bool {
	if !m.rv.agents[agent].buf.drainable(i) {
		return false
	}
	return i == 0 || !slices.Contains(m.peekArm(agent).rel, uint16(i))
}

// Internal: one step per buffered store that may become visible now.
func (m *ARMv8) Internal() int { return sumInternal(m, len(m.rv.agents)) }

// InternalOf counts agent's buffered stores that may become visible now.
func (m *ARMv8) InternalOf(agent int) int {
	if agent >= len(m.rv.agents) {
		return 0
	}
	return countWhere(len(m.rv.agents[agent].buf.entries), func(i int) bool { return m.drainable(agent, i) })
}

// DoInternal makes the j-th of agent's drainable stores visible.
func (m *ARMv8) DoInternal(agent, j int) (string, []model.Commit) {
	i := -1
	if agent < len(m.rv.agents) {
		i = nthWhere(len(m.rv.agents[agent].buf.entries), func(i int) bool { return m.drainable(agent, i) }, j)
	}
	if i < 0 {
		panic(fmt.Sprintf("memmodel: ARMv8 has no internal step %d of agent %d", j, agent))
	}
	c := m.drain(agent, i)
	return drainText(agent, c), []model.Commit{c}
}

// drain makes buffered store i of agent visible, keeping the release
// positions in step with the buffer.
func (m *ARMv8) drain(agent, i int) model.Commit {
	c := m.rv.drain(agent, i)
	if agent >= len(m.arms) {
		return c
	}
	arm := &m.arms[agent]
	keep := arm.rel[:0]
	for _, p := range arm.rel {
		switch {
		case int(p) == i:
			arm.vRel = uint32(len(m.rv.msgs)) // the release just drained
		case int(p) > i:
			keep = append(keep, p-1)
		default:
			keep = append(keep, p)
		}
	}
	arm.rel = keep
	if len(arm.rel) == 0 {
		arm.rel = nil
	}
	m.trimArm()
	return c
}

func (m *ARMv8) peekArm(agent int) *armAgent {
	if agent < len(m.arms) {
		return &m.arms[agent]
	}
	return &armAgent{}
}

func (m *ARMv8) arm(agent int) *armAgent {
	m.growArm(agent + 1)
	return &m.arms[agent]
}

func (m *ARMv8) growArm(n int) {
	for len(m.arms) < n {
		m.arms = append(m.arms, armAgent{})
	}
}

// trimArm drops trailing agents without release state so that equal
// states have equal keys.
func (m *ARMv8) trimArm() {
	for len(m.arms) > 0 && m.arms[len(m.arms)-1].empty() {
		m.arms = m.arms[:len(m.arms)-1]
	}
}

var (
	_ model.DataMemory      = (*ARMv8)(nil)
	_ model.AgentPermuter   = (*ARMv8)(nil)
	_ model.PendingStores   = (*ARMv8)(nil)
	_ model.OrderedMemory   = (*ARMv8)(nil)
	_ model.PromisingMemory = (*ARMv8)(nil)
)

// Promises and dependencies run on the RVWMO views (promise.go); a
// plain store fulfils or buffers there, outside the release bookkeeping.

func (m *ARMv8) RegView(agent, reg int) uint32       { return m.rv.RegView(agent, reg) }
func (m *ARMv8) SetRegView(agent, reg int, v uint32) { m.rv.SetRegView(agent, reg, v) }
func (m *ARMv8) Control(agent int, dep uint32)       { m.rv.Control(agent, dep) }
func (m *ARMv8) SaveRegViews(agent int)              { m.rv.SaveRegViews(agent) }
func (m *ARMv8) RestoreRegViews(agent int)           { m.rv.RestoreRegViews(agent) }
func (m *ARMv8) Promised(agent int) int              { return m.rv.Promised(agent) }
func (m *ARMv8) Promise(agent int, addr uint64, size int, val uint64) {
	m.rv.Promise(agent, addr, size, val)
}

func (m *ARMv8) LoadsDep(agent int, addr uint64, size int, dep uint32) int {
	return m.rv.LoadsDep(agent, addr, size, dep)
}

func (m *ARMv8) LoadDep(agent int, addr uint64, size, choice int, dep uint32) (uint64, uint32) {
	return m.rv.LoadDep(agent, addr, size, choice, dep)
}

func (m *ARMv8) StoreDep(agent int, addr uint64, size int, val uint64, vaddr, vdata uint32) []model.Commit {
	return m.rv.StoreDep(agent, addr, size, val, vaddr, vdata)
}

// fulfilRelease fulfils a promise with an STLR if it may: po;[L] puts
// the release after every earlier access, so the promise's timestamp
// must be above the agent's loads' and stores' views and no earlier
// store may still be buffered. The release is then the agent's newest
// visible one (vRel).
func (m *ARMv8) fulfilRelease(agent int, addr uint64, size int, val uint64) bool {
	a := m.rv.peek(agent)
	if len(a.buf.entries) > 0 {
		return false
	}
	t := m.rv.fulfillable(agent, addr, size, val, 0, max(a.vrOld, a.vwOld))
	if t == 0 {
		return false
	}
	m.rv.fulfil(agent, t, 0)
	arm := m.arm(agent)
	arm.vRel = max(arm.vRel, t)
	return true
}
