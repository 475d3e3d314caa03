package memmodel

import (
	"fmt"
	"slices"

	"github.com/ftcheck/ftcheck/model"
)

// TSO is x86-TSO (Owens, Sarkar, Sewell 2009): one shared memory and, per
// agent, a FIFO store buffer. A store enters its agent's buffer; the
// model's internal step moves the oldest entry of one buffer to memory. A
// load reads the newest own buffered store to each byte, else memory. A
// fence that orders earlier stores before later loads (MFENCE, fence
// rw,rw, fence w,r) or before a later device access (fence w,o: the IPI
// that follows is not a memory access of the machine) empties the buffer
// at once: one step, every entry committed in order. Every other fence is
// already implied by TSO and does nothing.
type TSO struct {
	mem  SC
	bufs []storeBuffer // by agent; missing entries are empty
	// owned has bit a set when agent a's buffer entries belong to this
	// memory alone: a clone shares them until it changes them (buf).
	owned uint64
}

// NewTSO returns an empty TSO memory (every byte 0, no buffered store).
func NewTSO() *TSO { return &TSO{} }

func (m *TSO) Name() string { return "tso" }

func (m *TSO) Clone() model.DataMemory {
	// Shares memory and buffer entries with m: the search never changes
	// a memory it has cloned, and the clone copies before it changes.
	return &TSO{mem: SC{cells: m.mem.cells, shared: true}, bufs: slices.Clone(m.bufs)}
}

func (m *TSO) AppendKey(b []byte) []byte {
	b = m.mem.AppendKey(b)
	for a := range m.bufs {
		b = m.AppendAgentKey(a, b)
	}
	return b
}

func (m *TSO) Init(addr uint64, size int, val uint64) { m.mem.write(addr, size, val) }

func (m *TSO) Loads(agent int, addr uint64, size int) int { return 1 }

func (m *TSO) Load(agent int, addr uint64, size int, choice int) uint64 {
	buffered, mask := m.peek(agent).forward(addr, size)
	var v uint64
	for i := 0; i < size; i++ {
		if mask&(1<<i) != 0 {
			v |= buffered & (0xff << (8 * i))
		} else {
			v |= uint64(m.mem.readByte(addr+uint64(i))) << (8 * i)
		}
	}
	return v
}

func (m *TSO) Store(agent int, addr uint64, size int, val uint64) []model.Commit {
	m.buf(agent).push(addr, size, val)
	return nil
}

// drains reports whether fence k waits for the store buffer to empty.
func tsoDrains(k model.FenceKind) bool {
	return !k.TSO && k.Pred&model.FenceW != 0 && k.Succ&(model.FenceR|model.FenceO|model.FenceI) != 0
}

func (m *TSO) Fence(agent int, k model.FenceKind) []model.Commit {
	if !tsoDrains(k) {
		return nil
	}
	var cs []model.Commit
	for agent < len(m.bufs) && len(m.bufs[agent].entries) > 0 {
		c := m.commit(m.buf(agent), 0)
		c.By = agent + 1
		cs = append(cs, c)
	}
	return cs
}

// FenceIsLocal: a fence is observable only when it commits buffered stores.
func (m *TSO) FenceIsLocal(agent int, k model.FenceKind) bool {
	return !tsoDrains(k) || agent >= len(m.bufs) || len(m.bufs[agent].entries) == 0
}

// Internal: one drain step per agent with a non-empty buffer.
func (m *TSO) Internal() int { return sumInternal(m, len(m.bufs)) }

// InternalOf: the drain of agent's oldest store, if it has one.
func (m *TSO) InternalOf(agent int) int {
	if agent < len(m.bufs) && len(m.bufs[agent].entries) > 0 {
		return 1
	}
	return 0
}

// DoInternal drains agent's oldest store (its only internal step).
func (m *TSO) DoInternal(agent, j int) (string, []model.Commit) {
	if j >= m.InternalOf(agent) {
		panic(fmt.Sprintf("memmodel: TSO has no internal step %d of agent %d", j, agent))
	}
	c := m.commit(m.buf(agent), 0)
	c.By = agent + 1
	return drainText(agent, c), []model.Commit{c}
}

// Latest is the value memory holds (buffered stores excluded).
func (m *TSO) Latest(addr uint64, size int) uint64 { return m.mem.read(addr, size) }

// AppendAgentKey encodes agent a's store buffer.
func (m *TSO) AppendAgentKey(a int, b []byte) []byte {
	return m.peek(a).appendKey(b, func(v uint32) uint32 { return v })
}

// PermuteAgents renumbers the harts' buffers; the patcher's stays last.
func (m *TSO) PermuteAgents(perm []int) {
	m.grow(len(perm) + 1)
	old := append([]storeBuffer(nil), m.bufs...)
	for i, p := range perm {
		m.bufs[p] = old[i]
	}
	m.owned = model.PermuteBits(m.owned, perm)
	m.trim()
}

func (m *TSO) commit(b *storeBuffer, i int) model.Commit {
	e := b.remove(i)
	m.mem.write(e.addr, int(e.size), e.val)
	m.trim()
	return e.commit()
}

// peek returns agent's buffer without allocating one (read only).
func (m *TSO) peek(agent int) *storeBuffer {
	if agent < len(m.bufs) {
		return &m.bufs[agent]
	}
	return &storeBuffer{}
}

// buf returns agent's buffer for changing it: its entries are its own.
func (m *TSO) buf(agent int) *storeBuffer {
	m.grow(agent + 1)
	b := &m.bufs[agent]
	if m.owned&(1<<agent) == 0 {
		*b = b.clone()
		m.owned |= 1 << agent
	}
	return b
}

func (m *TSO) grow(n int) {
	for len(m.bufs) < n {
		m.bufs = append(m.bufs, storeBuffer{})
	}
}

// trim drops trailing empty buffers so that equal states have equal keys.
func (m *TSO) trim() {
	for len(m.bufs) > 0 && len(m.bufs[len(m.bufs)-1].entries) == 0 {
		m.bufs = m.bufs[:len(m.bufs)-1]
	}
}

// drainText describes a store reaching memory, for traces.
func drainText(agent int, c model.Commit) string {
	return fmt.Sprintf("store%d [%#x] = %#x by agent %d reaches memory", c.Size*8, c.Addr, c.Val, agent)
}
