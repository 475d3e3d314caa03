package model

import (
	"encoding/binary"
	"math/rand/v2"
	"testing"
)

// The arena set agrees with a map on random keys of many lengths, with
// duplicates, across table growth and chunk boundaries.
func TestArenaSetAgreesWithAMap(t *testing.T) {
	s := newArenaSet()
	want := map[string]bool{}
	r := rand.New(rand.NewPCG(1, 2))
	for i := 0; i < 200000; i++ {
		k := make([]byte, r.IntN(300))
		for j := range k {
			k[j] = byte(r.IntN(4)) // few values: many equal prefixes
		}
		if r.IntN(3) == 0 {
			k = binary.AppendUvarint(k[:0], uint64(r.IntN(5000)))
		}
		fresh := !want[string(k)]
		want[string(k)] = true
		if got := s.insert(k, stateHash(k)); got != fresh {
			t.Fatalf("insert %d (%d bytes): %v, want %v", i, len(k), got, fresh)
		}
	}
	if s.used != len(want) {
		t.Fatalf("%d keys stored, want %d", s.used, len(want))
	}
	if len(s.chunks) < 2 {
		t.Fatalf("test too small to cross a chunk boundary (%d chunk)", len(s.chunks))
	}
}
