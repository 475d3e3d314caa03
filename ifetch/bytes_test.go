package ifetch

import (
	"testing"

	"github.com/ftcheck/ftcheck/model"
)

// A 5-byte nop overwritten by a call: an unsynchronised hart may fetch any
// byte old or new, independently, and never goes back; Sync ends it.
func TestBytesMixedVersions(t *testing.T) {
	nop5 := []uint32{0x0f, 0x1f, 0x44, 0x00, 0x00}
	w := NewBytes(0x1000, nop5, 2)
	if !w.Contains(0x1004) || w.Contains(0x1005) {
		t.Fatalf("Contains: the text is 5 bytes")
	}
	// call rel32 = e8 10 00 00 00, one 8-byte store covering 0x1000..0x1007
	// of which 0x1005.. lies outside the text.
	w.Commit(model.Commit{Addr: 0x1000, Size: 8, Val: 0x00000010e8})
	want := []uint32{0xe8, 0x10, 0x00, 0x00, 0x00}
	for i := range want {
		a := 0x1000 + uint64(i)
		if w.Latest(a) != want[i] {
			t.Fatalf("byte %d = %#x, want %#x", i, w.Latest(a), want[i])
		}
		n := 1
		if nop5[i] != want[i] {
			n = 2
		}
		if c := w.Choices(1, a); c != n {
			t.Fatalf("byte %d: %d choices, want %d (a byte written with its old value is not a new version)", i, c, n)
		}
	}
	// Hart 0 fetches the old first byte and the new displacement: a torn
	// instruction 0f 10 ... that no version holds.
	c := w.Clone().(*Words)
	if b, v := c.Fetch(0, 0x1000, 0); b != 0x0f || v != 0 {
		t.Fatalf("old first byte: %#x v%d", b, v)
	}
	if b, v := c.Fetch(0, 0x1001, 1); b != 0x10 || v != 1 {
		t.Fatalf("new second byte: %#x v%d", b, v)
	}
	if c.Choices(0, 0x1001) != 1 {
		t.Fatalf("a byte fetched new cannot be fetched old again")
	}
	// The clone's fetches did not touch the original.
	if w.Choices(0, 0x1001) != 2 {
		t.Fatalf("clone shares views with the original")
	}
	// The int3 store is one byte: atomic for fetch.
	c.Commit(model.Commit{Addr: 0x1000, Size: 1, Val: 0xcc})
	if c.Versions(0x1000) != 3 || c.Versions(0x1001) != 2 {
		t.Fatalf("versions: %d %d", c.Versions(0x1000), c.Versions(0x1001))
	}
	c.Sync(1)
	for i := uint64(0); i < 5; i++ {
		if c.Choices(1, 0x1000+i) != 1 {
			t.Fatalf("after Sync hart 1 still has choices at byte %d", i)
		}
	}
	if b, _ := c.Fetch(1, 0x1000, 0); b != 0xcc {
		t.Fatalf("after Sync: %#x, want the int3", b)
	}
}

// x86 self-modifying code (SDM Vol. 3A §9.1.3): once a hart's own store to
// the text commits, that hart fetches it; other harts (cross-modifying
// code) still may fetch the old bytes until they serialise. A store of
// bytes the text already holds adds no version but still makes its writer
// current. The patcher (an agent beyond the harts) and unreported writers
// change no view, and word-fetched text (RISC-V, arm64) has no such rule.
func TestBytesOwnStoresAreFetched(t *testing.T) {
	nop5 := []uint32{0x0f, 0x1f, 0x44, 0x00, 0x00}
	w := NewBytes(0x1000, nop5, 2)
	w.Commit(model.Commit{Addr: 0x1000, Size: 1, Val: 0xe8, By: 2}) // hart 1's store
	if a, b := w.Choices(0, 0x1000), w.Choices(1, 0x1000); a != 2 || b != 1 {
		t.Fatalf("after hart 1's store: hart 0 has %d choices (want 2), hart 1 %d (want 1)", a, b)
	}
	// The patcher writes byte 1; hart 0 then writes the same byte value.
	w.Commit(model.Commit{Addr: 0x1001, Size: 1, Val: 0x10, By: 3})
	if a, b := w.Choices(0, 0x1001), w.Choices(1, 0x1001); a != 2 || b != 2 {
		t.Fatalf("after the patcher's store: %d, %d choices, want 2, 2", a, b)
	}
	w.Commit(model.Commit{Addr: 0x1001, Size: 1, Val: 0x10, By: 1})
	if a, b, v := w.Choices(0, 0x1001), w.Choices(1, 0x1001), w.Versions(0x1001); a != 1 || b != 2 || v != 2 {
		t.Fatalf("after hart 0 rewrote the same byte: %d, %d choices (want 1, 2), %d versions (want 2)", a, b, v)
	}
	w.Commit(model.Commit{Addr: 0x1002, Size: 1, Val: 0x00})
	if w.Choices(0, 0x1002) != 2 || w.Choices(1, 0x1002) != 2 {
		t.Fatal("a store by an unreported agent changed a view")
	}
	words := NewWords(0x1000, []uint32{0x13}, 2)
	words.Commit(model.Commit{Addr: 0x1000, Size: 4, Val: 0x6f, By: 1})
	if words.Choices(0, 0x1000) != 2 {
		t.Fatal("word-fetched text: a hart's own store must still need fence.i")
	}
}
