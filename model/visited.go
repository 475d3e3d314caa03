package model

import (
	"encoding/binary"
	"fmt"
	"math"
)

// StateStore is how the search remembers the states it has visited.
type StateStore uint8

const (
	// StoreExact keeps every state's full canonical key: the search is
	// exhaustive and a complete search proves safety within the bounds.
	StoreExact StateStore = iota
	// StoreHash keeps a 64-bit hash per state (Wolper and Leroy's hash
	// compaction): about 12 bytes a state instead of the whole key. Two
	// states with equal hashes are taken as one, so a state may be
	// omitted with a small probability that the report states; a search
	// that finds nothing is therefore not a proof.
	StoreHash
	// StoreBitstate sets 2 bits per state in a fixed bit array
	// (Holzmann's bitstate hashing, SPIN's -DBITSTATE): memory is fixed in
	// advance, omissions grow as the array fills, and the report states
	// the fill and the omission estimate. Never a proof either.
	StoreBitstate
)

func (s StateStore) String() string { return [...]string{"exact", "hash-compact", "bitstate"}[s] }

// visitedSet is the search's memory of states, by canonical key.
type visitedSet interface {
	// insert reports whether key was not there (fresh), and adds it; h
	// is stateHash(key), computed by the caller (a worker, in parallel).
	// If key was there, old reports whether it was added before the
	// last mark (a store that cannot tell says old).
	insert(key []byte, h uint64) (fresh, old bool)
	// mark divides the states added so far from those added after: the
	// search marks at the start of each BFS level (its cycle proviso
	// asks whether a state is of an earlier level).
	mark()
	// omission estimates the probability that some state reached was
	// wrongly taken as visited, after n insertions (0 when exact).
	omission(n int) float64
	// caveat says, after n states, why a complete search is not a proof
	// ("" when it is one).
	caveat(n int) string
}

// numberedSet is a visited set that numbers states in the order they
// were added (the exact store and hash compaction): the search can then
// keep its graph's edges and check the cycle proviso afterwards.
type numberedSet interface {
	visitedSet
	// lastID is the number of the state the last insert added or found.
	lastID() int32
}

// numbers reports whether the store's set is a numberedSet (a bit array
// cannot tell one state from another).
func (s StateStore) numbers() bool { return s != StoreBitstate }

func newVisited(store StateStore, bitstateBytes uint64) visitedSet {
	switch store {
	case StoreHash:
		return &hashSet{ids: map[uint64]int32{}}
	case StoreBitstate:
		if bitstateBytes == 0 {
			bitstateBytes = 64 << 20
		}
		words := max(bitstateBytes/8, 1)
		return &bitSet{bits: make([]uint64, words), level: map[uint64]struct{}{}}
	}
	return newArenaSet()
}

// hashSet keeps, per state hash, the state's number; states added
// before the last mark have smaller numbers.
type hashSet struct {
	ids    map[uint64]int32
	marked int32 // states stored at the last mark
	last   int32
}

func (s *hashSet) insert(key []byte, h uint64) (fresh, old bool) {
	if id, ok := s.ids[h]; ok {
		s.last = id
		return false, id < s.marked
	}
	s.last = int32(len(s.ids))
	s.ids[h] = s.last
	return true, false
}

func (s *hashSet) mark() { s.marked = int32(len(s.ids)) }

func (s *hashSet) lastID() int32 { return s.last }

// omission: the probability that any two of n distinct states share a
// 64-bit hash (birthday bound n²/2⁶⁵).
func (*hashSet) omission(n int) float64 { return float64(n) * float64(n) / math.Exp2(65) }

func (s *hashSet) caveat(n int) string {
	return fmt.Sprintf("hash compaction: states were stored as 64-bit hashes, so one may have been omitted (probability ≤ %.1e); rerun without --store hash for a proof", s.omission(n))
}

// bitSet is the bit array, and the hashes of the states added since the
// last mark (one BFS level: memory like the level's queue, which holds
// whole machines).
type bitSet struct {
	bits  []uint64
	level map[uint64]struct{}
}

// insert: a bit array cannot tell when a state was added, but the level
// set can tell the states added since the last mark; every other state
// seen before counts as old (a state wrongly taken as seen is expanded
// more fully by the proviso: more states, never fewer).
func (s *bitSet) insert(key []byte, h uint64) (fresh, old bool) {
	n := uint64(len(s.bits)) * 64
	// Two probe positions from the two halves of one mixed hash.
	a, b := h%n, mix64(h^0x9e3779b97f4a7c15)%n
	fresh = s.bits[a/64]&(1<<(a%64)) == 0 || s.bits[b/64]&(1<<(b%64)) == 0
	s.bits[a/64] |= 1 << (a % 64)
	s.bits[b/64] |= 1 << (b % 64)
	if fresh {
		s.level[h] = struct{}{}
		return true, false
	}
	_, recent := s.level[h]
	return false, !recent
}

func (s *bitSet) mark() { clear(s.level) }

// omission: with k=2 probes into m bits after n states, a new state is
// wrongly taken as visited with probability (1-e^{-kn/m})^k; summed over
// the n insertions this bounds the expected number of omitted states.
func (s *bitSet) omission(n int) float64 {
	m := float64(len(s.bits)) * 64
	fill := 1 - math.Exp(-2*float64(n)/m)
	return math.Min(1, float64(n)*fill*fill)
}

func (s *bitSet) caveat(n int) string {
	m := len(s.bits) * 64
	return fmt.Sprintf("bitstate hashing: %d states in a %d MiB bit array (%.2f bits per state); expected states omitted ≤ %.2g; rerun without --store bitstate (or with a larger --bitstate-size) for a proof",
		n, m>>23, float64(m)/float64(max(n, 1)), s.omission(n))
}

// stateHash is a fixed 64-bit hash of a state key: the same in every
// process (so runs are reproducible), fast on the short keys states have.
func stateHash(key []byte) uint64 {
	h := uint64(len(key)) * 0x9e3779b97f4a7c15
	for len(key) >= 8 {
		h = mix64(h ^ binary.LittleEndian.Uint64(key))
		key = key[8:]
	}
	var tail uint64
	for i, c := range key {
		tail |= uint64(c) << (8 * i)
	}
	return mix64(h ^ tail ^ 0xff51afd7ed558ccd)
}

// mix64 is the splitmix64 finaliser: every input bit affects every
// output bit.
func mix64(x uint64) uint64 {
	x ^= x >> 30
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 27
	x *= 0x94d049bb133111eb
	return x ^ x>>31
}
