package model

import (
	"fmt"
	"slices"
	"strings"
	"sync"
)

// Config is everything about a configuration that does not change during
// a search: the protocol's patcher steps, the ISA, the bounds that shape
// transitions, the checks, and the initial state.
type Config struct {
	Name     string
	ISA      ISA
	Initial  *Machine
	Patch    []PatchOp
	Handlers []Handler
	// MaxPreempt bounds how often each task may be preempted (0: a
	// non-preemptible kernel).
	MaxPreempt int
	// SchedPoints are the PCs where a task that was not preempted may
	// still give up the CPU (a cond_resched, the return to the scheduler):
	// a CPU parks in stop_machine only there, or when its task is off-CPU.
	SchedPoints map[uint64]bool
	// HartsStore says the harts' code may store to memory. When false (no
	// protocol's traced code stores), a hart's load of a location no
	// remaining patcher step writes is local; a hart store then panics.
	HartsStore bool
	// ParkExitSync: a CPU leaving stop_machine runs a local fetch barrier
	// (RISC-V v6.9-v6.15 multi-CPU callback: local_flush_icache_all()).
	ParkExitSync bool
	// MaskAddr, MaskSize locate cpu_online_mask (hotplug.go); MaskSize
	// 0: no hotplug. Online is what a hart runs right after setting its
	// bit when it comes online (smp_callin: local_flush_icache_all()).
	MaskAddr uint64
	MaskSize int
	Online   Handler
	// ShadowStack: keep each task's shadow call stack (Hart.Shadow) for
	// the lost-return check.
	ShadowStack bool
	// SyncName is the ISA's local fetch barrier, for traces (default
	// fence.i; isb on arm64).
	SyncName string
	Checks   []Check
	// Monitors are checks that remember the execution (monitor.go).
	Monitors []Monitor
	// Interrupts are the interrupts that run handler code on a hart;
	// each hart takes at most MaxInterrupts of them (interrupt.go).
	Interrupts    []InterruptSource
	MaxInterrupts int
	// InterruptEntrySync: taking an interrupt or exception serialises
	// the CPU's instruction fetch (scenario `interrupt entry:
	// sync_core`; interrupt.go).
	InterruptEntrySync bool
	Symbols            Symbols
}

// Check judges one transition. Checks are independent of protocols.
type Check interface {
	Name() string
	Inspect(t *Transition) *Violation
}

// Violation is a check's verdict on one transition, in words.
type Violation struct {
	Check   string `json:"check"`
	Message string `json:"message"`
	// Detail is what the check found beyond words (a monitor's failing
	// history), for the views; not part of the JSON report.
	Detail any `json:"-"`
}

// System is a Config ready to be explored.
type System struct {
	Config
	// preempt is the preemption bound that matters: without stop_machine
	// a preempted task is just a task not scheduled yet, which the
	// interleavings already cover, so preemption steps are not generated.
	preempt int
	// storesFrom[pc] are the spans the patcher stores to from step pc on;
	// storedBefore[pc] those it stored to before step pc.
	storesFrom, storedBefore [][]span
	// asymmetric: hart numbers are named by mask bits (hotplug.go), so
	// no symmetry reduction.
	asymmetric bool
	// patchPromises[pc]: from step pc on, a patcher load comes before a
	// data store (the patcher may have something to promise; promise.go).
	patchPromises []bool
	// certCache and candCache remember certification verdicts and
	// promise candidates by state key and agent (promise.go): both are
	// functions of the state, asked again for every transition into it.
	certCache, candCache *sync.Map
}

// NewSystem validates the configuration.
func NewSystem(c Config) (*System, error) {
	if c.Initial == nil || c.ISA == nil {
		return nil, fmt.Errorf("model: configuration %q has no initial state or ISA", c.Name)
	}
	if len(c.Handlers) > 16 {
		return nil, fmt.Errorf("model: at most 16 IPI handlers")
	}
	if err := c.checkMaintenance(); err != nil {
		return nil, err
	}
	if err := c.checkHotplug(); err != nil {
		return nil, err
	}
	if err := c.checkDelivery(); err != nil {
		return nil, err
	}
	if err := c.checkValueSteps(); err != nil {
		return nil, err
	}
	s := &System{Config: c, asymmetric: c.asymmetric(), certCache: new(sync.Map), candCache: new(sync.Map)}
	if len(c.Monitors) > 0 {
		s.Initial = c.Initial.Clone()
		s.newRecords(s.Initial)
	}
	s.storesFrom = make([][]span, len(c.Patch)+1)
	for pc := len(c.Patch) - 1; pc >= 0; pc-- {
		op := c.Patch[pc]
		s.storesFrom[pc] = s.storesFrom[pc+1]
		if op.Kind == PatchStopMachine {
			s.preempt = c.MaxPreempt
		}
		if patchSteps[op.Kind].stores {
			s.storesFrom[pc] = append(slices.Clip(s.storesFrom[pc+1]), span{op.Addr, uint64(op.Size)})
		}
	}
	s.patchPromises = make([]bool, len(c.Patch)+1)
	dataStoreLater := false
	for pc := len(c.Patch) - 1; pc >= 0; pc-- {
		op := c.Patch[pc]
		dataStoreLater = dataStoreLater || op.Kind == PatchStore && !c.Initial.Fetch.Contains(op.Addr)
		s.patchPromises[pc] = s.patchPromises[pc+1] || op.Kind == PatchLoad && dataStoreLater
	}
	s.storedBefore = make([][]span, len(c.Patch)+1)
	for pc, op := range c.Patch {
		s.storedBefore[pc+1] = s.storedBefore[pc]
		if patchSteps[op.Kind].stores {
			s.storedBefore[pc+1] = append(slices.Clip(s.storedBefore[pc]), span{op.Addr, uint64(op.Size)})
		}
	}
	return s, nil
}

// PreemptionMatters reports whether preemption changes what can happen
// (it does only where CPUs park in stop_machine).
func (s *System) PreemptionMatters() bool { return s.preempt > 0 }

// Transition is one step from Before to After.
type Transition struct {
	Label  Label
	Before *Machine
	After  *Machine
	Event  Event
	Sys    *System
	fp     footprint // what the step touched, for the reduction
	// violation is what a monitor found when it observed the step.
	violation *Violation
	// exec is Event.Exec's home; cpu is where the first outcome of a
	// step keeps the CPU context every outcome of that step uses (so
	// that a step with one outcome costs one allocation besides its
	// machine).
	exec Exec
	cpu  cpuCtx
}

var hartActions = []Action{ActExec, ActIPI, ActPreempt, ActResume, ActPark, ActUnpark, ActOnline}

// Successors calls yield for every transition enabled in m, in a fixed
// order (the order is part of what makes traces replayable and BFS
// deterministic), with full events for traces. yield returns false to
// stop early.
func (s *System) Successors(m *Machine, yield func(*Transition) bool) {
	s.successors(m, true, nil, yield)
}

// Steps is Successors without the readable parts of events (disassembly,
// effects): the same transitions, faster.
func (s *System) Steps(m *Machine, yield func(*Transition) bool) {
	s.successors(m, false, nil, yield)
}

// successors generates the transitions of m; trace asks for readable
// events; sc is where their storage comes from (nil: the heap). (The
// search picks ample subsets of them: see expand.)
func (s *System) successors(m *Machine, trace bool, sc *scratch, yield func(*Transition) bool) {
	for actor := 0; actor <= len(m.Harts)+1; actor++ {
		if !s.actorSteps(m, actor, trace, sc, yield) {
			return
		}
	}
}

// actorSteps generates the transitions of one actor: hart actor, the
// patcher (actor len(m.Harts)) or the memory model's internal steps
// (len(m.Harts)+1). It returns false if yield stopped it.
func (s *System) actorSteps(m *Machine, actor int, trace bool, sc *scratch, yield func(*Transition) bool) bool {
	n := len(m.Harts)
	switch {
	case actor < n:
		for _, a := range hartActions {
			if s.enabled(m, actor, a) && !s.branch(m, Label{Actor: actor, Action: a}, trace, sc, yield) {
				return false
			}
		}
		if len(s.Interrupts) > 0 && !s.interruptSteps(m, actor, trace, sc, yield) {
			return false
		}
		return s.promiseSteps(m, actor, trace, sc, yield)
	case actor == n:
		if s.patchEnabled(m) && !s.branch(m, Label{Actor: n, Action: ActPatch}, trace, sc, yield) {
			return false
		}
		return s.promiseSteps(m, n, trace, sc, yield)
	}
	for agent := 0; agent <= n; agent++ {
		for j, k := 0, m.Mem.InternalOf(agent); j < k; j++ {
			if !s.branch(m, MemoryLabel(n, agent, j), trace, sc, yield) {
				return false
			}
		}
	}
	return true
}

// branch runs one action once per combination of nondeterministic
// choices (fetch versions, load values) it meets. Under a memory model
// with promises, an outcome after which the agent it changed can no
// longer fulfil its promises is no transition (promise.go).
func (s *System) branch(m *Machine, l Label, trace bool, sc *scratch, yield func(*Transition) bool) bool {
	if _, ok := s.promising(m); !ok {
		return s.branchAll(m, l, trace, sc, yield)
	}
	return s.branchAll(m, l, trace, sc, func(t *Transition) bool {
		if a := stepAgent(t.Label, len(m.Harts)); a >= 0 && !s.certified(t.After, a) {
			return true
		}
		return yield(t)
	})
}

// branchAll is branch without certification.
func (s *System) branchAll(m *Machine, l Label, trace bool, sc *scratch, yield func(*Transition) bool) bool {
	var cpu *cpuCtx
	for {
		t := sc.transition()
		t.Before, t.After, t.Sys = m, sc.clone(m), s
		if cpu == nil {
			cpu = &t.cpu
			cpu.sys, cpu.trace = s, trace
		}
		ch := &cpu.choices
		ch.pos = 0
		t.fp.fetches, t.fp.patched = t.fp.fetchBuf[:0], t.fp.patched[:0]
		ev := s.perform(t.After, l.Actor, l.Action, l.Index, cpu, &t.fp, &t.exec)
		lab := l
		if len(ch.vec) > 0 {
			lab.Choices = slices.Clone(ch.vec)
		}
		ev.Label = lab
		t.fp.multi = len(ch.vec) > 0
		t.Label, t.Event = lab, ev
		if len(s.Monitors) > 0 {
			s.observe(t)
		}
		if !yield(t) {
			return false
		}
		if !ch.next() {
			return true
		}
	}
}

// Apply performs exactly the transition l from m, or reports that it is
// not enabled.
func (s *System) Apply(m *Machine, l Label) (*Transition, error) {
	var found *Transition
	s.Successors(m, func(t *Transition) bool {
		if t.Label.Equal(l) {
			found = t
			return false
		}
		return true
	})
	if found == nil {
		return nil, fmt.Errorf("step %s is not enabled here", l)
	}
	return found, nil
}

// Inspect runs every check on t and returns the first violation.
func (s *System) Inspect(t *Transition) *Violation {
	for _, c := range s.Checks {
		if v := c.Inspect(t); v != nil {
			return v
		}
	}
	return t.violation
}

func (s *System) enabled(m *Machine, actor int, a Action) bool {
	if actor == len(m.Harts) {
		return s.patchEnabled(m)
	}
	h := m.Harts[actor]
	if h.Offline {
		return a == ActOnline
	}
	if h.Intr != nil {
		return a == ActExec // in an interrupt handler: only its code runs
	}
	switch a {
	case ActExec:
		return h.Task == TaskRunning && !h.Parked
	case ActIPI:
		return h.Pending != 0 && !h.Parked
	case ActPreempt:
		return h.Task == TaskRunning && !h.Parked && int(h.Preempts) < s.preempt
	case ActResume:
		return h.Task == TaskPreempted && !h.Parked
	case ActPark:
		return m.Stop.Requested && !m.Stop.Released && !h.Parked &&
			(h.Task != TaskRunning || s.SchedPoints[h.PC])
	case ActUnpark:
		return h.Parked && m.Stop.Released
	}
	return false
}

// PatcherDone reports whether the patcher has run its whole protocol.
func (s *System) PatcherDone(m *Machine) bool { return m.Patcher.PC >= len(s.Patch) }

func (s *System) commit(m *Machine, cs []Commit) {
	for _, c := range cs {
		if m.Fetch.Contains(c.Addr) {
			m.Fetch.Commit(c)
		}
	}
}

func (s *System) perform(m *Machine, actor int, a Action, index int, cpu *cpuCtx, fp *footprint, x *Exec) Event {
	ch, trace := &cpu.choices, cpu.trace
	n := len(m.Harts)
	switch {
	case a == ActMemory:
		desc, cs := m.Mem.DoInternal(memoryStep(index))
		s.commit(m, cs)
		return Event{Actor: "memory", Text: desc}
	case a == ActPromise: // a hart's or the patcher's
		return s.promise(m, actor, index, trace)
	case actor == n:
		return s.performPatch(m, trace, ch)
	case a == ActOnline:
		return s.online(m, actor, trace)
	}
	h := m.MutableHart(actor)
	ev := Event{PC: h.PC, HasPC: true}
	if trace {
		ev.Actor = fmt.Sprintf("hart%d", actor)
	}
	switch a {
	case ActExec:
		cpu.m, cpu.hart, cpu.ch, cpu.fp = m, actor, ch, fp
		cpu.fetches, cpu.undefined = nil, ""
		cpu.startDeps()
		*x = s.ISA.Step(cpu)
		cpu.endDeps(x)
		s.afterExec(h, cpu, x)
		s.interruptExec(m, actor, x, trace)
		s.trapExec(m, actor, x, trace)
		ev.Exec = x
		ev.Fetches = cpu.fetches
		switch {
		case x.Fault != "":
			h.Task = TaskFaulted
		case x.Halt:
			h.Task = TaskDone
		default:
			h.PC = x.NextPC
		}
	case ActIPI:
		for i := range s.Handlers {
			if h.Pending&(1<<i) == 0 {
				continue
			}
			h.Pending &^= 1 << i
			hd := s.Handlers[i]
			s.takeIPI(m, actor, i, func() {
				if hd.Fence != nil {
					s.commit(m, m.Mem.Fence(actor, *hd.Fence))
				}
				if hd.SyncFetch {
					m.Fetch.Sync(actor)
				} else if cs, ok := m.Fetch.(ContextSync); ok {
					cs.ContextSync(actor) // the exception return is one
				}
			})
			if trace {
				ev.Text = "take IPI " + hd.String()
			}
			break
		}
	case ActInterrupt:
		s.takeInterrupt(m, actor, index, &ev, trace)
	case ActPreempt:
		h.Task = TaskPreempted
		h.Preempts++
		ev.Text = "task preempted (switched out; registers saved)"
	case ActResume:
		h.Task = TaskRunning
		ev.Text = "task resumed"
	case ActPark:
		h.Parked = true
		ev.Text = "park in stop_machine (IRQs off)"
		s.parkOrdering(m, actor)
	case ActUnpark:
		h.Parked = false
		ev.Text = "leave stop_machine"
		s.unparkOrdering(m, actor)
		if s.ParkExitSync {
			m.Fetch.Sync(actor)
			ev.Text += "; local " + s.syncName()
		}
	}
	return ev
}

// cpuCtx is the CPU an ISA sees during one ActExec transition.
type cpuCtx struct {
	sys     *System
	m       *Machine
	hart    int
	ch      *chooser
	trace   bool
	fp      *footprint
	fetches []Fetched
	// undefined is why a fetch of this step was architecturally
	// undefined (FetchJudge), or "".
	undefined string
	// choices enumerates the step's outcomes (ch points at it).
	choices chooser
	// deps tracks the views of registers under a PromisingMemory (nil
	// pm: none).
	deps
}

func (c *cpuCtx) Tracing() bool { return c.trace }

func (c *cpuCtx) Hart() int  { return c.hart }
func (c *cpuCtx) PC() uint64 { return c.m.Harts[c.hart].PC }
func (c *cpuCtx) Reg(i int) uint64 {
	c.readReg(i)
	return c.m.Harts[c.hart].Regs[i]
}
func (c *cpuCtx) SetReg(i int, v uint64) {
	c.writeReg(i)
	c.m.MutableHart(c.hart).Regs[i] = v
}
func (c *cpuCtx) FetchWord(addr uint64) (uint32, bool) {
	n := c.m.Fetch.Choices(c.hart, addr)
	if n == 0 {
		return 0, false
	}
	c.fp.fetches = append(c.fp.fetches, span{addr, 4})
	if j, ok := c.m.Fetch.(FetchJudge); ok && c.undefined == "" {
		c.undefined = j.Undefined(c.hart, addr)
	}
	w, v := c.m.Fetch.Fetch(c.hart, addr, c.ch.choose(n))
	vs := c.m.Fetch.Versions(addr)
	if n > 1 && v+1 < vs {
		c.fp.stale = true // (the newest version is always fetchable)
	}
	if vs > 1 {
		c.fp.patched = append(c.fp.patched, Fetched{Addr: addr, Version: v, Versions: vs})
	}
	if !c.trace {
		return w, true
	}
	c.fetches = append(c.fetches, Fetched{Addr: addr, Version: v, Versions: vs, Stale: v+1 < vs})
	return w, true
}
func (c *cpuCtx) Load(addr uint64, size int) uint64 {
	c.fp.loads = append(c.fp.loads, span{addr, uint64(size)})
	if c.pm != nil {
		c.access = true
		n := c.pm.LoadsDep(c.hart, addr, size, c.dep)
		v, view := c.pm.LoadDep(c.hart, addr, size, c.ch.choose(n), c.dep)
		c.post = max(c.post, view)
		return v
	}
	n := c.m.Mem.Loads(c.hart, addr, size)
	return c.m.Mem.Load(c.hart, addr, size, c.ch.choose(n))
}
func (c *cpuCtx) Store(addr uint64, size int, val uint64) {
	if !c.sys.HartsStore {
		panic("model: a hart stored to memory but the configuration says harts never store (Config.HartsStore); the reduction would be unsound")
	}
	c.fp.stores = true
	if c.pm != nil {
		c.access = true
		c.fp.stored = append(c.fp.stored, Commit{Addr: addr, Size: size, Val: val})
		vaddr, vdata := c.storeViews(size, val)
		c.sys.commit(c.m, c.pm.StoreDep(c.hart, addr, size, val, vaddr, vdata))
		return
	}
	c.sys.commit(c.m, c.m.Mem.Store(c.hart, addr, size, val))
}
func (c *cpuCtx) Fence(k FenceKind) {
	if k.Pred&FenceR != 0 && k.Succ&FenceW != 0 || k.TSO {
		c.fp.ordersRW = true
	}
	if !c.m.Mem.FenceIsLocal(c.hart, k) {
		c.fp.fence = true
	}
	c.sys.commit(c.m, c.m.Mem.Fence(c.hart, k))
}
func (c *cpuCtx) SyncFetch() {
	c.fp.syncFetch = true
	c.m.Fetch.Sync(c.hart)
}

// chooser enumerates choice vectors like an odometer: each call to choose
// with n > 1 outcomes is one digit.
type chooser struct {
	vec []uint8
	ns  []uint8
	pos int
}

func (c *chooser) choose(n int) int {
	if n <= 1 {
		return 0
	}
	if n > 255 {
		panic("model: more than 255 outcomes for one choice")
	}
	if c.pos == len(c.vec) {
		c.vec = append(c.vec, 0)
		c.ns = append(c.ns, uint8(n))
	}
	c.ns[c.pos] = uint8(n)
	v := c.vec[c.pos]
	c.pos++
	return int(v)
}

// next advances to the next vector; false when all were tried.
func (c *chooser) next() bool {
	c.vec, c.ns = c.vec[:c.pos], c.ns[:c.pos]
	for i := len(c.vec) - 1; i >= 0; i-- {
		if c.vec[i]+1 < c.ns[i] {
			c.vec[i]++
			c.vec, c.ns = c.vec[:i+1], c.ns[:i+1]
			return true
		}
	}
	return false
}

// Fetched records one fetch unit a step read and which version it was.
type Fetched struct {
	Addr     uint64 `json:"addr"`
	Version  int    `json:"version"`
	Versions int    `json:"versions"`
	Stale    bool   `json:"stale"` // a newer version had already been written
}

// Event is the readable record of one transition.
type Event struct {
	Label   Label     `json:"label"`
	Actor   string    `json:"actor"`
	PC      uint64    `json:"pc,omitempty"`
	HasPC   bool      `json:"-"`
	Exec    *Exec     `json:"exec,omitempty"`
	Fetches []Fetched `json:"fetches,omitempty"`
	Store   *Commit   `json:"store,omitempty"`
	Text    string    `json:"text,omitempty"`
	Why     string    `json:"why,omitempty"`
	// Violation is set on the step where a check failed (by Replay).
	Violation *Violation `json:"violation,omitempty"`
}

// Describe renders the event's effect in words.
func (e *Event) Describe() string {
	if e.Exec != nil {
		if e.Exec.Fault != "" {
			return e.Exec.Fault
		}
		return e.Exec.Effect
	}
	return strings.TrimSpace(e.Text)
}
