package model

import (
	"encoding/binary"
	"math/rand/v2"
	"testing"
)

// The arena set agrees with a map on random keys of many lengths, with
// duplicates, across table growth and chunk boundaries — also on which
// keys were added before the last mark (the search's earlier levels);
// so do the hash-compaction set and, with a bit array large enough that
// no probe collides on these keys, the bitstate set.
func TestArenaSetAgreesWithAMap(t *testing.T) {
	for _, s := range []visitedSet{newArenaSet(), newVisited(StoreHash, 0), newVisited(StoreBitstate, 64<<20)} {
		agreeWithAMap(t, s)
	}
}

func agreeWithAMap(t *testing.T, s visitedSet) {
	want := map[string]int{} // key -> mark generation it was added in
	gen := 0
	r := rand.New(rand.NewPCG(1, 2))
	for i := 0; i < 200000; i++ {
		if r.IntN(10000) == 0 {
			s.mark()
			gen++
		}
		k := make([]byte, r.IntN(300))
		for j := range k {
			k[j] = byte(r.IntN(4)) // few values: many equal prefixes
		}
		if r.IntN(3) == 0 {
			k = binary.AppendUvarint(k[:0], uint64(r.IntN(5000)))
		}
		g, seen := want[string(k)]
		if !seen {
			want[string(k)] = gen
		}
		fresh, old := s.insert(k, stateHash(k))
		if fresh != !seen || old != (seen && g < gen) {
			t.Fatalf("%T insert %d (%d bytes): fresh %v old %v, want %v %v", s, i, len(k), fresh, old, !seen, seen && g < gen)
		}
	}
	if gen < 5 {
		t.Fatalf("only %d marks", gen)
	}
	a, ok := s.(*arenaSet)
	if !ok {
		return
	}
	if a.used != len(want) {
		t.Fatalf("%d keys stored, want %d", a.used, len(want))
	}
	if len(a.chunks) < 2 {
		t.Fatalf("test too small to cross a chunk boundary (%d chunk)", len(a.chunks))
	}
}
