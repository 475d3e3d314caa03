package memmodel

import (
	"encoding/binary"
	"slices"

	"github.com/ftcheck/ftcheck/model"
)

// storeBuffer holds an agent's stores that no other agent can see yet,
// oldest first. TSO drains it in order; RVWMO may drain any entry that no
// older entry orders before it (same bytes, or a fence w,w in between).
type storeBuffer struct {
	entries []bufEntry
	// fenceNext: a fence w,w ran after the newest entry, so the next store
	// must not become visible before any entry now in the buffer.
	fenceNext bool
}

type bufEntry struct {
	addr uint64
	size uint8
	val  uint64
	// fenced: a fence w,w separates this entry from every older one.
	fenced bool
	// ww: a fence w,w follows this entry in program order, so a store
	// after that fence may not take a timestamp before this one's
	// (promises.go: a promise is fulfilled only once no such entry is
	// buffered, and the entry raises vwNew when it drains).
	ww bool
	// dep is the view of the registers the store used (address and
	// data): a load that is forwarded the value carries it (RVWMO's
	// ppo rule 13, the rfi half of Promising's write view).
	dep uint32
}

func (e bufEntry) overlaps(addr uint64, size int) bool {
	return e.addr < addr+uint64(size) && addr < e.addr+uint64(e.size)
}

func (e bufEntry) commit() model.Commit {
	return model.Commit{Addr: e.addr, Size: int(e.size), Val: e.val}
}

func (b *storeBuffer) clone() storeBuffer {
	return storeBuffer{entries: slices.Clone(b.entries), fenceNext: b.fenceNext}
}

func (b *storeBuffer) push(addr uint64, size int, val uint64) { b.pushDep(addr, size, val, 0) }

// pushDep buffers a store whose registers had view dep.
func (b *storeBuffer) pushDep(addr uint64, size int, val uint64, dep uint32) {
	b.entries = append(b.entries, bufEntry{addr: addr, size: uint8(size), val: val, fenced: b.fenceNext && len(b.entries) > 0, dep: dep})
	b.fenceNext = false
}

// fenceWW orders every buffered store before every later one.
func (b *storeBuffer) fenceWW() {
	if len(b.entries) > 0 {
		b.fenceNext = true
	}
	for i := range b.entries {
		b.entries[i].ww = true
	}
}

// holdsBack reports whether a store to [addr, addr+size) that executes
// now must take a timestamp after some buffered entry: an entry writes
// one of its bytes (coherence) or a fence w,w lies between them.
func (b *storeBuffer) holdsBack(addr uint64, size int) bool {
	for _, e := range b.entries {
		if e.ww || e.overlaps(addr, size) {
			return true
		}
	}
	return false
}

// remove takes entry i out, keeping the state canonical: a fence mark on
// the oldest entry, or after an empty buffer, orders nothing.
func (b *storeBuffer) remove(i int) bufEntry {
	e := b.entries[i]
	b.entries = slices.Delete(b.entries, i, i+1)
	if len(b.entries) > 0 {
		b.entries[0].fenced = false
	} else {
		b.entries, b.fenceNext = nil, false
	}
	return e
}

// drainable reports whether entry i may become visible now: no older
// entry writes one of its bytes (coherence) and no fence w,w separates it
// from an older entry.
func (b *storeBuffer) drainable(i int) bool {
	e := b.entries[i]
	for j := 0; j < i; j++ {
		if b.entries[j].overlaps(e.addr, int(e.size)) || b.entries[j+1].fenced {
			return false
		}
	}
	return true
}

// forward returns, for the bytes of [addr, addr+size), the value of the
// newest buffered store to each byte and a mask of the bytes it found
// (bit i for addr+i).
func (b *storeBuffer) forward(addr uint64, size int) (val uint64, mask uint8) {
	val, mask, _ = b.forwardDep(addr, size)
	return val, mask
}

// forwardDep is forward, plus the greatest dep of the entries it used.
func (b *storeBuffer) forwardDep(addr uint64, size int) (val uint64, mask uint8, dep uint32) {
	for i := len(b.entries) - 1; i >= 0; i-- {
		e := b.entries[i]
		if !e.overlaps(addr, size) {
			continue
		}
		for k := 0; k < size; k++ {
			a := addr + uint64(k)
			if mask&(1<<k) != 0 || a < e.addr || a >= e.addr+uint64(e.size) {
				continue
			}
			mask |= 1 << k
			dep = max(dep, e.dep)
			byteVal := e.val >> (8 * (a - e.addr)) & 0xff
			val |= byteVal << (8 * k)
		}
	}
	return val, mask, dep
}

// appendKey encodes the buffer; live maps a dependency view to itself,
// or to 0 where it can no longer make a difference.
func (b *storeBuffer) appendKey(k []byte, live func(uint32) uint32) []byte {
	k = binary.AppendUvarint(k, uint64(len(b.entries)))
	for _, e := range b.entries {
		k = binary.AppendUvarint(k, e.addr)
		k = append(k, e.size, boolByte(e.fenced)|boolByte(e.ww)<<1)
		k = binary.AppendUvarint(k, e.val)
		k = binary.AppendUvarint(k, uint64(live(e.dep)))
	}
	return append(k, boolByte(b.fenceNext))
}

func boolByte(v bool) byte {
	if v {
		return 1
	}
	return 0
}

// fullMask is the forward mask of a load that is served entirely from the
// buffer.
func fullMask(size int) uint8 { return uint8(1<<size - 1) }

// sumInternal counts a model's internal steps over its agents.
func sumInternal(m model.DataMemory, agents int) int {
	n := 0
	for a := 0; a < agents; a++ {
		n += m.InternalOf(a)
	}
	return n
}

// countWhere counts the i < n with ok(i) (an agent's drainable stores).
func countWhere(n int, ok func(i int) bool) int {
	c := 0
	for i := 0; i < n; i++ {
		if ok(i) {
			c++
		}
	}
	return c
}

// nthWhere is the j-th i < n with ok(i), or -1 if there are not that many.
func nthWhere(n int, ok func(i int) bool, j int) int {
	for i := 0; i < n; i++ {
		if ok(i) {
			if j == 0 {
				return i
			}
			j--
		}
	}
	return -1
}
