package model

// FenceKind names a memory barrier by what it orders. The bits follow the
// RISC-V FENCE predecessor/successor sets (I, O, R, W); other ISAs map
// their barriers onto them (arm64 DMB ISH = RW,RW; x86 MFENCE = RW,RW).
type FenceKind struct {
	Pred, Succ uint8 // sets of FenceI|FenceO|FenceR|FenceW
	TSO        bool  // fence.tso
}

// Access sets used in FenceKind.
const (
	FenceW uint8 = 1 << iota
	FenceR
	FenceO
	FenceI
)

// Common fences.
var (
	FenceRWRW = FenceKind{Pred: FenceR | FenceW, Succ: FenceR | FenceW} // smp_mb()
	FenceWW   = FenceKind{Pred: FenceW, Succ: FenceW}                   // smp_wmb()
	FenceRR   = FenceKind{Pred: FenceR, Succ: FenceR}                   // smp_rmb()
	FenceWO   = FenceKind{Pred: FenceW, Succ: FenceO}                   // before an MMIO IPI write
)

func (f FenceKind) String() string {
	if f.TSO {
		return "fence.tso"
	}
	set := func(b uint8) string {
		s := ""
		for _, c := range []struct {
			bit uint8
			ch  string
		}{{FenceI, "i"}, {FenceO, "o"}, {FenceR, "r"}, {FenceW, "w"}} {
			if b&c.bit != 0 {
				s += c.ch
			}
		}
		return s
	}
	return "fence " + set(f.Pred) + "," + set(f.Succ)
}

// A Commit is a store that has become visible to all agents (coherence
// point reached). Memory models return commits so that the machine can
// give text stores to the fetch model.
type Commit struct {
	Addr uint64 `json:"addr"`
	Size int    `json:"size"`
	Val  uint64 `json:"val"`
	// By is the agent whose store this is, plus one (0: the memory model
	// does not say). The x86 fetch model needs it: a hart fetches its own
	// committed text stores (ifetch.NewBytes). SC and TSO report it.
	By int `json:"-"`
}

// DataMemory is a memory model's state: what loads may read, what stores
// and fences do. Agents are numbered 0..harts-1 for the harts and harts
// for the patcher. Implementations live in package memmodel; SC needs none
// of the internal steps, store-buffer and view-based models use them.
//
// A method may be called only on a value returned by Clone (or the
// initial value): the search mutates clones in place.
type DataMemory interface {
	Name() string
	Clone() DataMemory
	AppendKey(b []byte) []byte
	// Init sets a location's initial value (before the search starts).
	Init(addr uint64, size int, val uint64)
	// Loads reports how many different values agent may read at addr.
	Loads(agent int, addr uint64, size int) int
	// Load performs the load, choosing the choice-th possibility.
	Load(agent int, addr uint64, size int, choice int) uint64
	// Store performs a store; it returns the stores that became visible.
	Store(agent int, addr uint64, size int, val uint64) []Commit
	// Fence performs a barrier on agent.
	Fence(agent int, k FenceKind) []Commit
	// FenceIsLocal reports whether the barrier changes nothing that any
	// other agent can observe or be enabled by (true for every fence
	// under SC).
	FenceIsLocal(agent int, k FenceKind) bool
	// Internal reports how many of the model's own steps (store-buffer
	// drains, propagation) are enabled. Every one belongs to an agent (it
	// makes one of that agent's stores visible): InternalOf(a) of them
	// belong to agent a, and DoInternal(a, j) performs agent a's j-th and
	// describes it. (The search names a memory step by its agent, so that
	// renumbering harts maps it like a hart's own step.)
	Internal() int
	InternalOf(agent int) int
	DoInternal(agent, j int) (desc string, commits []Commit)
}

// FetchState is an instruction-fetch model's state: for each hart, which
// versions of each fetch unit of the text it may still fetch.
type FetchState interface {
	Clone() FetchState
	AppendKey(b []byte) []byte
	// Contains reports whether addr is text this model fetches from.
	Contains(addr uint64) bool
	// Choices reports how many versions of the unit at addr hart h may
	// fetch now (0 if addr is not fetchable).
	Choices(h int, addr uint64) int
	// Fetch returns the choice-th fetchable version: its value and its
	// version number (0 = initial text, counting every write to the unit).
	Fetch(h int, addr uint64, choice int) (word uint32, version int)
	// Commit records a store that became visible.
	Commit(c Commit)
	// Sync makes every visible store visible to hart h's fetch (RISC-V
	// fence.i, arm64 IC IVAU+ISB, x86 serialising instruction).
	Sync(h int)
	// Versions returns how many versions of the unit at addr exist.
	Versions(addr uint64) int
	// AppendHartKey encodes hart h's view alone (for symmetry reduction).
	AppendHartKey(h int, b []byte) []byte
	// PermuteHarts renumbers the harts: hart i becomes hart perm[i].
	PermuteHarts(perm []int)
}

// AgentPermuter is implemented by memory models whose state can be
// renumbered when harts are (symmetry reduction). A model without it
// turns symmetry reduction off. The patcher's agent (the last) keeps its
// number.
type AgentPermuter interface {
	// AppendAgentKey encodes what the model holds for agent a alone.
	AppendAgentKey(a int, b []byte) []byte
	// PermuteAgents renumbers agents: agent i becomes perm[i] (len(perm)
	// is the number of harts).
	PermuteAgents(perm []int)
}

// CPU is the hart an ISA executes an instruction on. Every method that can
// have several outcomes (a fetch of stale text, a load under a weak memory
// model) branches the search; the ISA code does not see that.
type CPU interface {
	Hart() int
	PC() uint64
	Reg(i int) uint64
	SetReg(i int, v uint64)
	// FetchWord fetches the 4-byte unit at addr; ok is false if there is
	// no text there.
	FetchWord(addr uint64) (word uint32, ok bool)
	Load(addr uint64, size int) uint64
	Store(addr uint64, size int, val uint64)
	Fence(k FenceKind)
	// SyncFetch is a local instruction-fetch barrier (fence.i).
	SyncFetch()
	// Tracing reports whether the step is being recorded for a trace: only
	// then are Exec.Disasm and Exec.Effect needed.
	Tracing() bool
}

// Exec is what an ISA reports about one executed instruction.
type Exec struct {
	Word   uint32 `json:"word"`             // the instruction word as fetched
	Disasm string `json:"disasm"`           // its disassembly (from golang.org/x/arch)
	Effect string `json:"effect,omitempty"` // registers written, stores, jump target, in words
	NextPC uint64 `json:"next_pc"`
	Jump   bool   `json:"jump,omitempty"` // a control transfer (jal, jalr, taken branch)
	Halt   bool   `json:"halt,omitempty"` // the task ended (it returned to the scheduler)
	Fault  string `json:"fault,omitempty"`
	// BadFetch says why the step fetched bytes that are no instruction of
	// any version: an illegal encoding, a resume inside an instruction
	// (both also a Fault: nothing can run), or a unit fetched while being
	// modified in a way the architecture leaves undefined (arm64 CMODX:
	// the step still runs the version fetched, one of the behaviours the
	// architecture allows). The bad-fetch check reports it.
	BadFetch string `json:"bad_fetch,omitempty"`
	// Call: the instruction is a call that links ReturnAddr (bl, blr; a
	// RISC-V jal/jalr writing ra or t0). Return: it is a return (ret, a
	// RISC-V jr ra/t0). The machine keeps a shadow stack of the
	// ReturnAddrs when Config.ShadowStack is set (lost-return).
	Call       bool   `json:"call,omitempty"`
	Return     bool   `json:"return,omitempty"`
	ReturnAddr uint64 `json:"return_addr,omitempty"`
	// StackSlot, for an ISA whose call pushes the return address on the
	// stack (x86), is where the call stored it or the return loaded it
	// from (0 for ISAs that link in a register). It tells a return from
	// a frame no call instruction pushed — the one int3_emulate_call
	// pushes with a plain store — from a return that lost its way.
	StackSlot uint64 `json:"stack_slot,omitempty"`
	// IntrReturn: the instruction returns from an interrupt handler
	// (RISC-V sret): the machine resumes the interrupted PC with the
	// registers the entry saved (interrupt.go).
	IntrReturn bool `json:"intr_return,omitempty"`
	// Bytes are the instruction's bytes as fetched, for ISAs whose
	// instructions are fetched a byte at a time (x86), and for a RISC-V
	// instruction fetched from two units (at an address ≡ 2 mod 4): the
	// bad-fetch check compares them with every version of the text (Word
	// holds only the first four).
	Bytes []byte `json:"bytes,omitempty"`
	// DataAddr is the address of the data access the instruction made, if
	// DataAccess (x86 subset: at most one memory operand): the
	// use-after-clear check judges it.
	DataAddr   uint64 `json:"data_addr,omitempty"`
	DataAccess bool   `json:"data_access,omitempty"`
	// Trap names the synchronous exception the instruction raised (x86
	// "int3"): the machine enters the handler of the exception source of
	// that name, with NextPC as the frame's return address (trap.go).
	Trap string `json:"trap,omitempty"`
}

// ISA executes instructions.
type ISA interface {
	Name() string
	// Step fetches, decodes and executes the instruction at cpu.PC().
	Step(cpu CPU) Exec
	// RegName names register i in the ISA's usual syntax.
	RegName(i int) string
}

// An Ordering is the one-sided barrier a load or store carries: arm64
// LDAR (Acquire), LDAPR (AcquirePC) and STLR (Release).
type Ordering uint8

const (
	Plain Ordering = iota
	// Acquire: every later access is ordered after the load, and the load
	// after every program-order-earlier release store (RCsc: arm64 LDAR).
	Acquire
	// AcquirePC: every later access is ordered after the load (RCpc:
	// arm64 LDAPR).
	AcquirePC
	// Release: the store is ordered after every earlier access (arm64
	// STLR).
	Release
)

func (o Ordering) String() string {
	return [...]string{"plain", "acquire", "acquire-pc", "release"}[o]
}

// OrderedMemory is implemented by memory models whose accesses can carry
// an Ordering (memmodel's armv8). An ISA with acquire loads or release
// stores needs it; a model without it cannot run them.
type OrderedMemory interface {
	// LoadsOrdered is Loads for a load carrying o.
	LoadsOrdered(agent int, addr uint64, size int, o Ordering) int
	// LoadOrdered performs it; an Acquire first makes the agent's
	// earlier release stores visible, and returns them.
	LoadOrdered(agent int, addr uint64, size int, choice int, o Ordering) (uint64, []Commit)
	// StoreOrdered is Store for a store carrying o.
	StoreOrdered(agent int, addr uint64, size int, val uint64, o Ordering) []Commit
}

// PromisingMemory is implemented by memory models with promises
// (memmodel's rvwmo and armv8: Promising-RISC-V and Promising-ARM, Pulte
// et al., PLDI 2019). Such a model lets a store become visible before a
// program-order-earlier load of the same agent has read — load→store
// reordering, which executing each agent in program order cannot give
// otherwise — by letting the agent promise the store first. The machine
// chooses what to promise and certifies it (promise.go); the model keeps
// the views that decide whether a promise may be fulfilled, which is
// where dependencies come in: every value an agent holds in a register
// carries a view (a timestamp), and a store may fulfil a promise only
// if the promise's timestamp is above the views of the registers it used
// and of every earlier access that orders it.
type PromisingMemory interface {
	// RegView is the view of register reg of agent (0 for a value that
	// depends on no load); SetRegView sets it.
	RegView(agent, reg int) uint32
	SetRegView(agent, reg int, v uint32)
	// SaveRegViews keeps a copy of every register view (an interrupt
	// entry saves the registers); RestoreRegViews puts it back (the
	// return restores them). Interrupts do not nest.
	SaveRegViews(agent int)
	RestoreRegViews(agent int)
	// LoadsDep is Loads for a load whose address registers have view dep.
	LoadsDep(agent int, addr uint64, size int, dep uint32) int
	// LoadDep performs it and returns the value and its view.
	LoadDep(agent int, addr uint64, size, choice int, dep uint32) (val uint64, view uint32)
	// StoreDep is Store for a store whose address registers have view
	// vaddr and whose data has view vdata. It fulfils the agent's oldest
	// promise of the same bytes and value if the model allows it here,
	// else buffers the store.
	StoreDep(agent int, addr uint64, size int, val uint64, vaddr, vdata uint32) []Commit
	// Control records a control dependency: a branch on registers with
	// view dep orders every later store after it.
	Control(agent int, dep uint32)
	// Promise appends a store the agent will perform to the visible
	// stores. Promised reports how many of its promises are unfulfilled.
	Promise(agent int, addr uint64, size int, val uint64)
	Promised(agent int) int
}
