package model

import (
	"bytes"
	"encoding/binary"
	"sync/atomic"
)

// arenaSet is the exact visited set: every key kept whole, in large byte
// chunks without pointers, found through an open-addressing table of
// (hash, offset) slots. A map[string] would make one allocation per state
// and give the collector a pointer per state to scan on every cycle; here a
// million states are a few dozen chunks and one slot array, and the
// collector scans none of it.
//
// One goroutine inserts at a time; any number may lookup meanwhile (the
// depth-first workers, asking whether a successor is known before they
// take the lock to insert it). Readers need no lock because nothing they
// can reach is written twice: a slot goes once from empty to full, its
// offset stored last and atomically (so its hash, number and key bytes
// are written before a reader can see it); a full table is replaced by a
// bigger one, never rewritten; a chunk's bytes are only appended, within
// its capacity; and the table and chunk directory readers use are
// published through atomic pointers.
type arenaSet struct {
	slots []arenaSlot // len is a power of two
	table atomic.Pointer[[]arenaSlot]
	used  int
	// chunks hold the keys (uvarint length + bytes); chunk c has room for
	// 64 KiB << c bytes, up to arenaChunk, so small searches stay small.
	// dir is what readers see of them: each chunk at its full capacity.
	chunks [][]byte
	dir    atomic.Pointer[[][]byte]
	// marked is the arena's end at the last mark: keys are appended, so
	// a key stored before it has a smaller offset.
	marked uint64
	// last is the number of the state the last insert added or found.
	last int32
}

type arenaSlot struct {
	hash uint64
	off  uint64 // 1 + (chunk << 32 | position); 0: empty slot (atomic)
	id   int32  // the state's number: keys are numbered in insertion order
}

const arenaChunk = 16 << 20

func newArenaSet() *arenaSet {
	s := &arenaSet{}
	s.publish(make([]arenaSlot, 1024))
	return s
}

// publish makes slots the table, for insert and for readers (who get
// their own copy of the slice header).
func (s *arenaSet) publish(slots []arenaSlot) {
	s.slots = slots
	s.table.Store(&slots)
}

func (s *arenaSet) insert(key []byte, h uint64) (fresh, old bool) {
	mask := uint64(len(s.slots) - 1)
	for i := h & mask; ; i = (i + 1) & mask {
		sl := &s.slots[i]
		if sl.off == 0 {
			sl.hash, sl.id = h, int32(s.used)
			atomic.StoreUint64(&sl.off, s.store(key)+1) // publishes the slot
			s.last = sl.id
			s.used++
			if 4*s.used > 3*len(s.slots) {
				s.grow()
			}
			return true, false
		}
		if sl.hash == h && bytes.Equal(s.key(s.chunks, sl.off-1), key) {
			s.last = sl.id
			return false, sl.off-1 < s.marked
		}
	}
}

// lookup reports whether key is stored, and its number; safe to call
// while insert runs on another goroutine (it may then miss a key being
// inserted, never report one that is not there).
func (s *arenaSet) lookup(key []byte, h uint64) (id int32, found bool) {
	slots := *s.table.Load()
	mask := uint64(len(slots) - 1)
	for i := h & mask; ; i = (i + 1) & mask {
		sl := &slots[i]
		off := atomic.LoadUint64(&sl.off)
		if off == 0 {
			return 0, false
		}
		if sl.hash == h && bytes.Equal(s.key(*s.dir.Load(), off-1), key) {
			return sl.id, true
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
		dir := make([][]byte, len(s.chunks))
		for i, c := range s.chunks {
			dir[i] = c[:cap(c)]
		}
		s.dir.Store(&dir)
	}
	c := len(s.chunks) - 1
	off := uint64(c)<<32 | uint64(len(s.chunks[c]))
	s.chunks[c] = binary.AppendUvarint(s.chunks[c], uint64(len(key)))
	s.chunks[c] = append(s.chunks[c], key...)
	return off
}

// key returns the key stored at off in chunks (the arena's own, or a
// reader's directory).
func (s *arenaSet) key(chunks [][]byte, off uint64) []byte {
	c := chunks[off>>32][uint32(off):]
	n, w := binary.Uvarint(c)
	return c[w : w+int(n)]
}

// grow doubles the table; the hashes are kept, so no key is reread. The
// old table stays as it is for readers still probing it.
func (s *arenaSet) grow() {
	old := s.slots
	slots := make([]arenaSlot, 2*len(old))
	mask := uint64(len(slots) - 1)
	for _, sl := range old {
		if sl.off == 0 {
			continue
		}
		i := sl.hash & mask
		for slots[i].off != 0 {
			i = (i + 1) & mask
		}
		slots[i] = sl
	}
	s.publish(slots)
}

func (*arenaSet) omission(int) float64 { return 0 }
func (*arenaSet) caveat(int) string    { return "" }
