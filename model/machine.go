package model

import (
	"encoding/binary"
	"fmt"
)

// TaskState is what the task on a hart is doing.
type TaskState uint8

const (
	TaskRunning   TaskState = iota // on the CPU, executing instructions
	TaskPreempted                  // switched out at an instruction boundary
	TaskDone                       // returned to the scheduler (idle CPU)
	TaskFaulted                    // executed something no version intends
)

func (t TaskState) String() string {
	return [...]string{"running", "preempted", "done", "faulted"}[t]
}

// Hart is one CPU and the one task that runs on it. The task's registers
// live here: a preempted task keeps them (t0 after an auipc, x9 after a
// mov) until it resumes, which is the whole point of modelling it.
type Hart struct {
	PC       uint64
	Regs     [32]uint64
	Task     TaskState
	Preempts uint8 // preemptions used, bounded by Config.MaxPreempt
	Parked   bool  // spinning in stop_machine with IRQs off
	// Offline: the CPU has not come online yet (hotplug.go); it runs
	// nothing and takes no IPI until its ActOnline step.
	Offline bool
	Pending uint16 // IPIs not yet taken, one bit per Config.Handlers entry
	// Shadow is the task's shadow call stack: the return address of
	// each call it has made and not returned from, innermost last
	// (kept only with Config.ShadowStack; see shadow.go).
	Shadow    [MaxShadow]uint64
	ShadowLen uint8
	// ShadowSlot is, for each Shadow entry, the stack slot its call
	// pushed the return address to (Exec.StackSlot; 0 for a register).
	ShadowSlot [MaxShadow]uint64
	// Intr is the frame of the interrupt whose handler the hart runs
	// (nil: none); Interrupts counts the interrupts taken, bounded by
	// Config.MaxInterrupts (interrupt.go).
	Intr       *IntrFrame
	Interrupts uint8
	// Spec are the ISA's special registers (ppc64 LR; special.go).
	Spec [NumSpecial]uint64

	// key caches appendKey's encoding once the hart can no longer
	// change (see Machine.hartKey); empty until then. keyBuf is its
	// first home (one allocation for a hart and its key).
	key    []byte
	keyBuf [64]byte
}

// Patcher is where the patching CPU is in its PatchOp list.
type Patcher struct {
	PC int
	// Mask is the cpu_online_mask value the patcher's last PatchLoad
	// read (hotplug.go): bit i is hart i.
	Mask uint64
}

// StopMachine is the rendezvous state of stop_machine().
type StopMachine struct {
	Requested bool // the patcher asked every CPU to park
	Released  bool // the patcher let them go
}

// Machine is the whole state.
//
// Harts are shared between a machine and its clones until one of them
// writes: most steps change one hart, so a successor copies that one and
// points at its parent's others (copy on write). Read a hart through
// Harts[i]; write through MutableHart(i), which makes it this machine's
// own. A machine that has been cloned must not be written again (the
// search never does: it writes only the successor a step makes).
type Machine struct {
	Harts   []*Hart
	Patcher Patcher
	Stop    StopMachine
	Mem     DataMemory
	Fetch   FetchState
	// Records are the monitors' memories of the execution (monitor.go);
	// nil without monitors.
	Records []Record

	// owned has bit i set when Harts[i] belongs to this machine alone
	// (it may write it in place and cache its key).
	owned uint64
	// harts is Harts' home in a clone of up to 4 harts (one allocation
	// for the machine and its hart pointers).
	harts [4]*Hart
	// scratch is where a clone made by the depth-first search takes the
	// harts it copies for writing (scratch.go); nil: the heap.
	scratch *scratch
}

// NewHarts returns n harts in their zero state, for building an initial
// machine.
func NewHarts(n int) []*Hart {
	hs := make([]Hart, n)
	out := make([]*Hart, n)
	for i := range hs {
		out[i] = &hs[i]
	}
	return out
}

// MutableHart returns hart i for writing: a copy of its own if the hart is
// still shared with the machine this one was cloned from (or a clone).
func (m *Machine) MutableHart(i int) *Hart {
	if m.owned&(1<<i) == 0 {
		h := m.scratch.hart()
		*h = *m.Harts[i]
		h.key = h.keyBuf[:0]
		m.Harts[i] = h
		m.owned |= 1 << i
		return h
	}
	h := m.Harts[i]
	h.key = h.key[:0] // about to change
	return h
}

// Clone returns a copy that shares every hart with m until either writes
// it (MutableHart), and deep copies of the rest.
func (m *Machine) Clone() *Machine {
	c := new(Machine)
	m.cloneInto(c)
	return c
}

// cloneInto makes c (a new machine, or one the search is done with) a
// clone of m, reusing c's hart pointer array if it has one.
func (m *Machine) cloneInto(c *Machine) {
	n := len(m.Harts)
	hs := c.Harts
	*c = Machine{
		Patcher: m.Patcher,
		Stop:    m.Stop,
		Mem:     m.Mem.Clone(),
		Fetch:   m.Fetch.Clone(),
		Records: cloneRecords(m.Records),
	}
	switch {
	case n <= len(c.harts):
		c.Harts = c.harts[:n:n]
	case cap(hs) >= n:
		c.Harts = hs[:n]
	default:
		c.Harts = make([]*Hart, n)
	}
	copy(c.Harts, m.Harts)
}

// AppendKey appends a canonical encoding of the state: equal encodings,
// equal states.
func (m *Machine) AppendKey(b []byte) []byte {
	b = binary.AppendUvarint(b, uint64(m.Patcher.PC))
	b = binary.AppendUvarint(b, m.Patcher.Mask)
	b = append(b, boolByte(m.Stop.Requested)|boolByte(m.Stop.Released)<<1)
	for i := range m.Harts {
		b = m.hartKey(i, b)
	}
	b = append(b, 0xff)
	b = m.Mem.AppendKey(b)
	b = append(b, 0xfe)
	b = m.Fetch.AppendKey(b)
	return appendRecordsKey(m.Records, b)
}

// hartKey appends hart i's encoding, from its cache when it has one. Only
// a hart this machine owns is cached: a shared one may be read by other
// goroutines at the same time (its cache was filled, if ever, while its
// first owner keyed it).
func (m *Machine) hartKey(i int, b []byte) []byte {
	h := m.Harts[i]
	if len(h.key) != 0 { // (no encoding is empty)
		return append(b, h.key...)
	}
	start := len(b)
	b = h.appendKey(b)
	if m.owned&(1<<i) != 0 {
		h.key = append(h.key[:0], b[start:]...)
	}
	return b
}

func (h *Hart) appendKey(b []byte) []byte {
	b = binary.AppendUvarint(b, h.PC)
	b = append(b, byte(h.Task), h.Preempts, boolByte(h.Parked)|boolByte(h.Offline)<<1)
	b = binary.AppendUvarint(b, uint64(h.Pending))
	// Registers are mostly zero: encode a bitmap of the non-zero ones.
	var nz uint32
	for r, v := range h.Regs {
		if v != 0 {
			nz |= 1 << r
		}
	}
	b = binary.AppendUvarint(b, uint64(nz))
	for _, v := range h.Regs {
		if v != 0 {
			b = binary.AppendUvarint(b, v)
		}
	}
	b = append(b, h.ShadowLen)
	for i, v := range h.Shadow[:h.ShadowLen] {
		b = binary.AppendUvarint(b, v)
		b = binary.AppendUvarint(b, h.ShadowSlot[i])
	}
	return h.appendIntrSpecKey(b)
}

func boolByte(v bool) byte {
	if v {
		return 1
	}
	return 0
}

// PatchOp is one step of the patching CPU. Why names the kernel function
// the step belongs to, so that traces read like the source.
type PatchOp struct {
	Kind    PatchKind
	Addr    uint64
	Size    int
	Val     uint64
	Fence   FenceKind
	Handler int  // PatchSendIPI/PatchWaitIPI: index into Config.Handlers
	ToSelf  bool // PatchSendIPI: the patcher runs the handler too (on_each_cpu)
	// ToMask (PatchSendIPI): interrupt only the harts whose bits are set
	// in Patcher.Mask (smp_call_function after reading cpu_online_mask).
	ToMask bool
	// Old is the value a PatchCmpxchg must read (patchwait.go).
	Old uint64
	Why string
}

// Handler is an IPI handler: what a hart does when it takes the IPI.
type Handler struct {
	Name      string // ftrace_sync_ipi, ipi_remote_fence_i
	Fence     *FenceKind
	SyncFetch bool
	// SyncName is how the ISA writes the fetch barrier (default fence.i;
	// isb on arm64), for traces.
	SyncName string
	// Via is how the IPI is delivered, which decides what memory
	// ordering it carries (hotplug.go).
	Via Delivery
}

func (h Handler) String() string {
	s := h.Name + ":"
	if h.Fence != nil {
		s += " " + h.Fence.String()
	}
	if h.SyncFetch {
		if h.SyncName != "" {
			s += " " + h.SyncName
		} else {
			s += " fence.i"
		}
	}
	if h.Via != ViaCSD {
		s += " (via " + h.Via.String() + ")"
	}
	return s
}

// Region is a named range of addresses, for printing.
type Region struct {
	Name string
	Addr uint64
}

// Symbols names addresses: the nearest symbol at or below an address.
type Symbols []Region

// Name renders addr as sym+off (0xaddr), or 0xaddr if no symbol is near.
func (s Symbols) Name(addr uint64) string {
	best := -1
	for i, r := range s {
		if r.Addr <= addr && (best < 0 || r.Addr > s[best].Addr) {
			best = i
		}
	}
	if best < 0 || addr-s[best].Addr > 0x800 {
		return fmt.Sprintf("%#x", addr)
	}
	if off := addr - s[best].Addr; off != 0 {
		return fmt.Sprintf("%s+%d", s[best].Name, off)
	}
	return s[best].Name
}
