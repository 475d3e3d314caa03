package model

import (
	"encoding/binary"
	"math/rand/v2"
	"testing"
)

// The arena set (insert, and lookup, which readers use) agrees with a map on random keys of many lengths, with
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
		a, isArena := s.(*arenaSet)
		if isArena {
			if _, found := a.lookup(k, stateHash(k)); found != seen {
				t.Fatalf("lookup %d before insert: found %v, want %v", i, found, seen)
			}
		}
		fresh, old := s.insert(k, stateHash(k))
		if fresh != !seen || old != (seen && g < gen) {
			t.Fatalf("%T insert %d (%d bytes): fresh %v old %v, want %v %v", s, i, len(k), fresh, old, !seen, seen && g < gen)
		}
		if isArena {
			if id, found := a.lookup(k, stateHash(k)); !found || id != a.lastID() {
				t.Fatalf("lookup %d after insert: %d %v, want %d", i, id, found, a.lastID())
			}
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

// Readers may look keys up while the one writer inserts (the depth-first
// workers do): a key found has the number it was inserted with, and a key
// inserted before the reader started is always found — across table
// growth and new chunks. (Run with -race: it checks the publication.)
func TestArenaLookupWhileInserting(t *testing.T) {
	s := newArenaSet()
	key := func(i int) []byte { return binary.AppendUvarint(make([]byte, 40), uint64(i)) }
	const n = 100000
	for i := 0; i < 1000; i++ {
		s.insert(key(i), stateHash(key(i)))
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		for i := 1000; i < n; i++ {
			s.insert(key(i), stateHash(key(i)))
		}
	}()
	r := rand.New(rand.NewPCG(3, 4))
	for reading := true; reading; {
		select {
		case <-done:
			reading = false
		default:
		}
		j := r.IntN(n)
		id, found := s.lookup(key(j), stateHash(key(j)))
		if found && int(id) != j || !found && j < 1000 {
			t.Fatalf("lookup of key %d: %d %v", j, id, found)
		}
	}
	if len(s.chunks) < 2 || len(s.slots) < 2*n {
		t.Fatalf("too small to cross chunks and grow the table: %d chunks, %d slots", len(s.chunks), len(s.slots))
	}
}
