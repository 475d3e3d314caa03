package model

import (
	"bytes"
	"encoding/binary"
)

// arenaSet is the exact visited set: every key kept whole, in large byte
// chunks without pointers, found through an open-addressing table of
// (hash, offset) slots. A map[string] would make one allocation per state
// and give the collector a pointer per state to scan on every cycle; here a
// million states are a few dozen chunks and one slot array, and the
// collector scans none of it.
type arenaSet struct {
	slots []arenaSlot // len is a power of two
	used  int
	// chunks hold the keys (uvarint length + bytes); chunk c has room for
	// 64 KiB << c bytes, up to arenaChunk, so small searches stay small.
	chunks [][]byte
	// marked is the arena's end at the last mark: keys are appended, so
	// a key stored before it has a smaller offset.
	marked uint64
	// last is the number of the state the last insert added or found.
	last int32
}

type arenaSlot struct {
	hash uint64
	off  uint64 // 1 + (chunk << 32 | position); 0: empty slot
	id   int32  // the state's number: keys are numbered in insertion order
}

const arenaChunk = 16 << 20

func newArenaSet() *arenaSet { return &arenaSet{slots: make([]arenaSlot, 1024)} }

func (s *arenaSet) insert(key []byte, h uint64) (fresh, old bool) {
	mask := uint64(len(s.slots) - 1)
	for i := h & mask; ; i = (i + 1) & mask {
		sl := &s.slots[i]
		if sl.off == 0 {
			sl.hash, sl.off, sl.id = h, s.store(key)+1, int32(s.used)
			s.last = sl.id
			s.used++
			if 4*s.used > 3*len(s.slots) {
				s.grow()
			}
			return true, false
		}
		if sl.hash == h && bytes.Equal(s.key(sl.off-1), key) {
			s.last = sl.id
			return false, sl.off-1 < s.marked
		}
	}
}

// lastID is the number of the state the last insert added or found
// (states are numbered 0, 1, ... in the order they were added).
func (s *arenaSet) lastID() int32 { return s.last }

func (s *arenaSet) mark() {
	if n := len(s.chunks); n > 0 {
		s.marked = uint64(n-1)<<32 | uint64(len(s.chunks[n-1]))
	}
}

// store appends key to the arena and returns its offset.
func (s *arenaSet) store(key []byte) uint64 {
	need := binary.MaxVarintLen64 + len(key)
	if need > arenaChunk {
		panic("model: a state key longer than an arena chunk")
	}
	if n := len(s.chunks); n == 0 || len(s.chunks[n-1])+need > cap(s.chunks[n-1]) {
		size := arenaChunk
		if n < 8 {
			size = max(64<<10<<n, need)
		}
		s.chunks = append(s.chunks, make([]byte, 0, size))
	}
	c := len(s.chunks) - 1
	off := uint64(c)<<32 | uint64(len(s.chunks[c]))
	s.chunks[c] = binary.AppendUvarint(s.chunks[c], uint64(len(key)))
	s.chunks[c] = append(s.chunks[c], key...)
	return off
}

// key returns the key stored at off.
func (s *arenaSet) key(off uint64) []byte {
	c := s.chunks[off>>32][uint32(off):]
	n, w := binary.Uvarint(c)
	return c[w : w+int(n)]
}

// grow doubles the table; the hashes are kept, so no key is reread.
func (s *arenaSet) grow() {
	old := s.slots
	s.slots = make([]arenaSlot, 2*len(old))
	mask := uint64(len(s.slots) - 1)
	for _, sl := range old {
		if sl.off == 0 {
			continue
		}
		i := sl.hash & mask
		for s.slots[i].off != 0 {
			i = (i + 1) & mask
		}
		s.slots[i] = sl
	}
}

func (*arenaSet) omission(int) float64 { return 0 }
func (*arenaSet) caveat(int) string    { return "" }
