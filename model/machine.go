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
	Preempts uint8  // preemptions used, bounded by Config.MaxPreempt
	Parked   bool   // spinning in stop_machine with IRQs off
	Pending  uint16 // IPIs not yet taken, one bit per Config.Handlers entry
}

// Patcher is where the patching CPU is in its PatchOp list.
type Patcher struct {
	PC int
}

// StopMachine is the rendezvous state of stop_machine().
type StopMachine struct {
	Requested bool // the patcher asked every CPU to park
	Released  bool // the patcher let them go
}

// Machine is the whole state.
type Machine struct {
	Harts   []Hart
	Patcher Patcher
	Stop    StopMachine
	Mem     DataMemory
	Fetch   FetchState
}

// Clone returns a deep copy.
func (m *Machine) Clone() *Machine {
	c := &Machine{
		Harts:   append([]Hart(nil), m.Harts...),
		Patcher: m.Patcher,
		Stop:    m.Stop,
		Mem:     m.Mem.Clone(),
		Fetch:   m.Fetch.Clone(),
	}
	return c
}

// AppendKey appends a canonical encoding of the state: equal encodings,
// equal states.
func (m *Machine) AppendKey(b []byte) []byte {
	b = binary.AppendUvarint(b, uint64(m.Patcher.PC))
	b = append(b, boolByte(m.Stop.Requested)|boolByte(m.Stop.Released)<<1)
	for i := range m.Harts {
		b = m.Harts[i].appendKey(b)
	}
	b = append(b, 0xff)
	b = m.Mem.AppendKey(b)
	b = append(b, 0xfe)
	return m.Fetch.AppendKey(b)
}

func (h *Hart) appendKey(b []byte) []byte {
	b = binary.AppendUvarint(b, h.PC)
	b = append(b, byte(h.Task), h.Preempts, boolByte(h.Parked))
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
	return b
}

func boolByte(v bool) byte {
	if v {
		return 1
	}
	return 0
}

// PatchKind is one kind of patcher step.
type PatchKind uint8

const (
	PatchStore       PatchKind = iota // a store (text or data) through the memory model
	PatchLoad                         // a load into the patcher's scratch (reserved for masks)
	PatchFence                        // a memory barrier
	PatchSyncFetch                    // a local instruction-fetch barrier (fence.i)
	PatchSendIPI                      // interrupt every hart (and run the handler locally if ToSelf)
	PatchWaitIPI                      // wait until every hart has taken the IPI
	PatchStopMachine                  // ask every CPU to park in stop_machine
	PatchWaitParked                   // wait until every CPU has parked
	PatchRelease                      // let parked CPUs go
)

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
	Why     string
}

// Handler is an IPI handler: what a hart does when it takes the IPI.
type Handler struct {
	Name      string // ftrace_sync_ipi, ipi_remote_fence_i
	Fence     *FenceKind
	SyncFetch bool
}

func (h Handler) String() string {
	s := h.Name + ":"
	if h.Fence != nil {
		s += " " + h.Fence.String()
	}
	if h.SyncFetch {
		s += " fence.i"
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
