package memmodel

import (
	"encoding/binary"
	"fmt"
	"slices"

	"github.com/ftcheck/ftcheck/model"
)

// SC is sequentially consistent memory: one array of bytes, stored as
// 8-byte little-endian cells so that the state stays small and canonical.
type SC struct {
	cells []cell // sorted by addr; addr is 8-byte aligned
	// shared: cells may be shared with clones; the first write copies
	// them. Most steps write no memory.
	shared bool
}

type cell struct {
	addr uint64
	val  uint64
}

// NewSC returns an empty SC memory (every byte 0).
func NewSC() *SC { return &SC{} }

func (m *SC) Name() string { return "sc" }

// Clone shares the cells with m until either writes: the search never
// writes a state it has cloned, so only the clone copies.
func (m *SC) Clone() model.DataMemory { return &SC{cells: m.cells, shared: true} }

func (m *SC) AppendKey(b []byte) []byte {
	for _, c := range m.cells {
		b = binary.AppendUvarint(b, c.addr)
		b = binary.AppendUvarint(b, c.val)
	}
	return b
}

func (m *SC) Init(addr uint64, size int, val uint64) { m.write(addr, size, val) }

func (m *SC) Loads(agent int, addr uint64, size int) int { return 1 }

func (m *SC) Load(agent int, addr uint64, size int, choice int) uint64 {
	return m.read(addr, size)
}

func (m *SC) Store(agent int, addr uint64, size int, val uint64) []model.Commit {
	m.write(addr, size, val)
	return []model.Commit{{Addr: addr, Size: size, Val: val, By: agent + 1}}
}

// Fence orders nothing further: under SC every access is already in order.
func (m *SC) Fence(agent int, k model.FenceKind) []model.Commit { return nil }

// AppendAgentKey: SC memory holds nothing per agent.
func (m *SC) AppendAgentKey(a int, b []byte) []byte { return b }

// PermuteAgents: nothing to renumber.
func (m *SC) PermuteAgents(perm []int) {}

// FenceIsLocal is true: an SC fence has nothing to order.
func (m *SC) FenceIsLocal(agent int, k model.FenceKind) bool { return true }

func (m *SC) Internal() int { return 0 }

// InternalOf: SC has no internal steps.
func (m *SC) InternalOf(agent int) int { return 0 }

func (m *SC) DoInternal(agent, j int) (string, []model.Commit) {
	panic(fmt.Sprintf("memmodel: SC has no internal step %d of agent %d", j, agent))
}

func (m *SC) find(addr uint64) (int, bool) {
	return slices.BinarySearchFunc(m.cells, addr, func(c cell, a uint64) int {
		switch {
		case c.addr < a:
			return -1
		case c.addr > a:
			return 1
		}
		return 0
	})
}

func (m *SC) readByte(a uint64) byte {
	i, ok := m.find(a &^ 7)
	if !ok {
		return 0
	}
	return byte(m.cells[i].val >> (8 * (a & 7)))
}

func (m *SC) writeByte(a uint64, v byte) {
	base := a &^ 7
	i, ok := m.find(base)
	if !ok {
		m.cells = slices.Insert(m.cells, i, cell{addr: base})
	}
	sh := 8 * (a & 7)
	m.cells[i].val = m.cells[i].val&^(0xff<<sh) | uint64(v)<<sh
}

func (m *SC) read(addr uint64, size int) uint64 {
	var v uint64
	for i := size - 1; i >= 0; i-- {
		v = v<<8 | uint64(m.readByte(addr+uint64(i)))
	}
	return v
}

func (m *SC) write(addr uint64, size int, val uint64) {
	if m.shared {
		m.cells, m.shared = slices.Clone(m.cells), false
	}
	for i := 0; i < size; i++ {
		m.writeByte(addr+uint64(i), byte(val>>(8*i)))
	}
}

// Latest is the value of [addr, addr+size).
func (m *SC) Latest(addr uint64, size int) uint64 { return m.read(addr, size) }
