package model

import (
	"fmt"
	"slices"
)

// Promises: the machine's half of Promising-RISC-V / Promising-ARM (Pulte
// et al., PLDI 2019) under a memory model that has them
// (PromisingMemory: memmodel's rvwmo and armv8).
//
// Each agent executes in program order, so without promises a store
// becomes visible only after every program-order-earlier load of its
// agent has read. A promise step lets an agent (a hart or the patcher)
// append a store it will perform to memory first; the agent's later
// store of the same bytes and value fulfils it, if the model's views
// allow it there (memmodel/promise.go). A promise must be certified: the
// agent, running alone from the current state (its own instructions or
// patcher steps and the memory steps of its own buffered stores, every
// load choice, nothing of any other agent), must be able to fulfil every
// promise it has made. Every step of the agent is certified again; a step
// after which it cannot be is not a transition. So every state the search
// reaches can be completed with every promise fulfilled, and a violation
// found on the way is one of a real execution.
//
// Which stores to promise is found by the same thread-local run: a store
// the agent performs in it after at least one of its loads in it (a load
// of its own that has not read yet), with no fence ordering loads before
// stores between them (a promise across one could only be fulfilled
// above the load's view: an execution without the promise has the same
// outcome). A store with no unexecuted load before it gains nothing from
// a promise: it can simply execute and become visible whenever it is
// needed (the store buffer gives every order among stores the model
// allows). That keeps the promise choices — the growth of the state space
// — to the load→store reorderings the model was missing: configurations
// whose harts never store (Config.HartsStore false) have no hart promises
// at all, a single hart promises only what the patcher will load, and the
// patcher looks for promises only where its one plain load, the read of
// cpu_online_mask (PatchLoad), precedes a data store. (Its spin on a
// value, PatchWaitValue, is a control dependency that orders its later
// stores anyway, and a csd IPI that reaches some hart is a full barrier.)
// Candidates and certification verdicts are functions of the state and
// are cached by state key.
//
// Text stores are never promised: a store to text is visible to
// instruction fetch only when it has executed (and becomes visible),
// exactly as without promises. Promising such a store would let a hart
// fetch code the patcher has not written yet, which no fetch model here
// describes (the architectures' cross-modification rules are stated for
// stores that have been performed); so under rvwmo and armv8 a verdict
// covers load→store reordering of data stores only, and the patcher's
// text stores stay in program order after its loads.
//
// Bounds: the thread-local run is cut after promiseDepth steps or
// promiseStates states. A store beyond them is not promised, and a
// promise whose fulfilment lies beyond them is not certified: executions
// are lost, never invented.
const (
	promiseDepth  = 64
	promiseStates = 4096
)

// promising reports whether m's memory model has promises.
func (s *System) promising(m *Machine) (PromisingMemory, bool) {
	pm, ok := m.Mem.(PromisingMemory)
	return pm, ok
}

// promiseCand is a store an agent may promise.
type promiseCand struct {
	addr uint64
	size int
	val  uint64
}

func (c promiseCand) String() string {
	return fmt.Sprintf("store%d [%#x] = %#x", c.size*8, c.addr, c.val)
}

// promiseSteps yields agent's promise steps (agent: a hart or the
// patcher, number len(m.Harts)).
func (s *System) promiseSteps(m *Machine, agent int, trace bool, sc *scratch, yield func(*Transition) bool) bool {
	if _, ok := s.promising(m); !ok || agent < len(m.Harts) && !s.HartsStore || agent == len(m.Harts) && !s.patchPromises[m.Patcher.PC] {
		return true
	}
	if agent < len(m.Harts) && len(m.Harts) == 1 && !s.observable(m, agent, promiseCand{0, -1, 0}) {
		return true // nobody else loads anything
	}
	for i, c := range s.promiseCandidates(m, agent) {
		if !s.observable(m, agent, c) {
			continue
		}
		if !s.branch(m, Label{Actor: agent, Action: ActPromise, Index: i}, trace, sc, yield) {
			return false
		}
	}
	return true
}

// observable reports whether an agent other than agent may still load
// the bytes of c: another hart, or a later patcher step that reads them.
// A promise nobody else can read changes no value any agent loads (the
// agent itself cannot read its own promise and still fulfil it), so it
// is not made: a single hart with its interrupt handlers (which run on
// the same CPU, in its program order) promises nothing.
func (s *System) observable(m *Machine, agent int, c promiseCand) bool {
	if agent == len(m.Harts) || len(m.Harts) > 1 {
		return true
	}
	st := span{c.addr, uint64(c.size)} // size -1: every byte
	for _, op := range s.Patch[m.Patcher.PC:] {
		switch op.Kind {
		case PatchLoad, PatchWaitValue, PatchCmpxchg, PatchAtomicClear:
			if c.size < 0 || st.overlaps(span{op.Addr, uint64(op.Size)}) {
				return true
			}
		}
	}
	return false
}

// promiseCandidates lists, in a fixed order, the data stores agent
// performs in its thread-local run from m after one of its loads.
func (s *System) promiseCandidates(m *Machine, agent int) []promiseCand {
	key := string(append(m.AppendKey(nil), byte(agent)))
	if cs, ok := s.candCache.Load(key); ok {
		return cs.([]promiseCand)
	}
	cs := s.findCandidates(m, agent)
	s.candCache.Store(key, cs)
	return cs
}

func (s *System) findCandidates(m *Machine, agent int) []promiseCand {
	var out []promiseCand
	type node struct {
		m      *Machine
		loaded bool
		depth  int
	}
	seen := map[string]bool{}
	stack := []node{{m, false, 0}}
	for len(stack) > 0 && len(seen) < promiseStates {
		nd := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		k := string(append(nd.m.AppendKey(nil), boolByte(nd.loaded)))
		if seen[k] || nd.depth >= promiseDepth {
			continue
		}
		seen[k] = true
		s.localSteps(nd.m, agent, func(t *Transition) bool {
			loaded := nd.loaded
			if t.Label.Action == ActPatch {
				op := &s.Patch[nd.m.Patcher.PC]
				switch {
				case op.Kind == PatchLoad:
					loaded = true
				case op.Kind == PatchFence && op.Fence.Pred&FenceR != 0 && op.Fence.Succ&FenceW != 0:
					loaded = false
				case op.Kind == PatchSendIPI && s.Handlers[op.Handler].Via == ViaCSD && s.sendsTo(nd.m, op):
					loaded = false // llist_add's fully ordered cmpxchg
				case op.Kind == PatchStore && loaded && !m.Fetch.Contains(op.Addr):
					out = appendCand(out, promiseCand{op.Addr, op.Size, op.Val})
				}
			} else {
				for _, c := range t.fp.stored {
					if nd.loaded && !m.Fetch.Contains(c.Addr) {
						out = appendCand(out, promiseCand{c.Addr, c.Size, c.Val})
					}
				}
				loaded = loaded && !t.fp.ordersRW || len(t.fp.loads) > 0
			}
			stack = append(stack, node{t.After, loaded, nd.depth + 1})
			return true
		})
	}
	return out
}

// sendsTo reports whether the IPI send op reaches some hart in m.
func (s *System) sendsTo(m *Machine, op *PatchOp) bool {
	for i, h := range m.Harts {
		if !h.Offline && (!op.ToMask || m.Patcher.Mask&(1<<i) != 0) {
			return true
		}
	}
	return false
}

func appendCand(cs []promiseCand, c promiseCand) []promiseCand {
	if slices.Contains(cs, c) {
		return cs
	}
	return append(cs, c)
}

// certified reports whether agent, running alone from m, can fulfil
// every promise it has made (true when it has none).
func (s *System) certified(m *Machine, agent int) bool {
	pm, ok := s.promising(m)
	if !ok || pm.Promised(agent) == 0 {
		return true
	}
	key := string(append(m.AppendKey(nil), byte(agent)))
	if v, ok := s.certCache.Load(key); ok {
		return v.(bool)
	}
	v := s.certify(m, agent)
	s.certCache.Store(key, v)
	return v
}

// certify is certified without the cache.
func (s *System) certify(m *Machine, agent int) bool {
	type node struct {
		m     *Machine
		depth int
	}
	seen := map[string]bool{}
	stack := []node{{m, 0}}
	found := false
	for len(stack) > 0 && !found && len(seen) < promiseStates {
		nd := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		k := string(nd.m.AppendKey(nil))
		if seen[k] || nd.depth >= promiseDepth {
			continue
		}
		seen[k] = true
		s.localSteps(nd.m, agent, func(t *Transition) bool {
			if t.After.Mem.(PromisingMemory).Promised(agent) == 0 {
				found = true
				return false
			}
			stack = append(stack, node{t.After, nd.depth + 1})
			return true
		})
	}
	return found
}

// localSteps yields agent's own steps from m, every outcome of each,
// uncertified: a hart's instructions (and the resumption of its
// preempted task), the patcher's next step, and the memory steps that
// make the agent's buffered stores visible.
func (s *System) localSteps(m *Machine, agent int, yield func(*Transition) bool) {
	n := len(m.Harts)
	if agent < n {
		h := m.Harts[agent]
		for _, a := range []Action{ActExec, ActResume} {
			if !h.Offline && s.enabled(m, agent, a) && !s.branchAll(m, Label{Actor: agent, Action: a}, false, nil, yield) {
				return
			}
		}
	} else if s.patchEnabled(m) && !s.branchAll(m, Label{Actor: n, Action: ActPatch}, false, nil, yield) {
		return
	}
	for j, k := 0, m.Mem.InternalOf(agent); j < k; j++ {
		if !s.branchAll(m, MemoryLabel(n, agent, j), false, nil, yield) {
			return
		}
	}
}

// stepAgent is the agent whose state a transition changes (the one whose
// promises it may leave uncertifiable), or -1.
func stepAgent(l Label, harts int) int {
	switch {
	case l.Action == ActMemory:
		a, _ := memoryStep(l.Index)
		return a
	case l.Actor <= harts:
		return l.Actor
	}
	return -1
}

// promise performs promise step index of agent.
func (s *System) promise(m *Machine, agent, index int, trace bool) Event {
	cs := s.promiseCandidates(m, agent)
	c := cs[index]
	m.Mem.(PromisingMemory).Promise(agent, c.addr, c.size, c.val)
	ev := Event{Actor: "patcher"}
	if agent < len(m.Harts) {
		ev.Actor = fmt.Sprintf("hart%d", agent)
	}
	if trace {
		ev.Text = fmt.Sprintf("promise store%d [%s] = %#x", c.size*8, s.Symbols.Name(c.addr), c.val)
	}
	return ev
}

// deps is what an ActExec step knows about dependencies: the views of
// the registers it read (dep) and of the values it loaded (post). A
// register it writes gets both — the ISA layer says nothing about which
// operand feeds which result, so a result depends on every register the
// instruction read and every value it loaded. A step that reads registers and neither writes
// one nor accesses memory is a conditional branch (or compares into
// flags that it does not write back), and a taken jump is a control
// transfer: both order the agent's later stores after the registers'
// views (ctrl;[W]). A store tells its data register from its address
// registers by value (storeViews).
type deps struct {
	pm                  PromisingMemory
	dep, post           uint32
	read, wrote, access bool
	// regs are the registers the step read so far, with their values
	// and views (for telling a store's data from its address).
	regs []regRead
	buf  [4]regRead // regs' first home
}

type regRead struct {
	val  uint64
	view uint32
}

// storeViews splits the step's views into a store's address and data
// views. Its data is a register whose value, cut to the store's size, is
// the stored value; its address registers are the others. Where that
// does not single out one register (no register or several hold the
// value), every register counts as both; a loaded value (an AMO's)
// counts as both.
func (c *cpuCtx) storeViews(size int, val uint64) (vaddr, vdata uint32) {
	mask := ^uint64(0)
	if size < 8 {
		mask = 1<<(8*size) - 1
	}
	var data, addr uint32
	nData := 0
	for _, r := range c.regs {
		if r.val&mask == val&mask {
			data = max(data, r.view)
			nData++
		} else {
			addr = max(addr, r.view)
		}
	}
	if nData != 1 {
		addr = max(addr, data)
		data = addr
	}
	return max(addr, c.post), max(data, c.post)
}

func (c *cpuCtx) startDeps() {
	c.deps = deps{}
	c.regs = c.buf[:0]
	if pm, ok := c.m.Mem.(PromisingMemory); ok {
		c.pm = pm
	}
}

func (c *cpuCtx) endDeps(x *Exec) {
	if c.pm != nil && (x.Jump || c.read && !c.wrote && !c.access) {
		c.pm.Control(c.hart, max(c.dep, c.post))
	}
	c.pm = nil
}

func (c *cpuCtx) readReg(i int) {
	if c.pm != nil {
		c.read = true
		v := c.pm.RegView(c.hart, i)
		c.dep = max(c.dep, v)
		c.regs = append(c.regs, regRead{c.m.Harts[c.hart].Regs[i], v})
	}
}

func (c *cpuCtx) writeReg(i int) {
	if c.pm != nil {
		c.wrote = true
		c.pm.SetRegView(c.hart, i, max(c.dep, c.post))
	}
}
