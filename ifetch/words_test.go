package ifetch

import (
	"testing"

	"github.com/ftcheck/ftcheck/model"
)

func TestStaleFetchUntilSync(t *testing.T) {
	w := NewWords(0x1000, []uint32{0x13, 0x13}, 2)
	// One 8-byte store over both words: each word gets its own new version.
	w.Commit(model.Commit{Addr: 0x1000, Size: 8, Val: 0xaaaaaaaa_bbbbbbbb})
	if w.Latest(0x1000) != 0xbbbbbbbb || w.Latest(0x1004) != 0xaaaaaaaa {
		t.Fatalf("little-endian split wrong: %#x %#x", w.Latest(0x1000), w.Latest(0x1004))
	}
	for _, a := range []uint64{0x1000, 0x1004} {
		if n := w.Choices(0, a); n != 2 {
			t.Fatalf("hart 0 at %#x: %d choices, want old and new", a, n)
		}
	}
	// Hart 0 fetches word 0 new and word 1 old: a torn pair is possible.
	c := w.Clone().(*Words)
	if v, ver := c.Fetch(0, 0x1000, 1); v != 0xbbbbbbbb || ver != 1 {
		t.Fatalf("fetch new = %#x v%d", v, ver)
	}
	if v, ver := c.Fetch(0, 0x1004, 0); v != 0x13 || ver != 0 {
		t.Fatalf("fetch old = %#x v%d", v, ver)
	}
	// Fetch never goes back in time.
	if c.Choices(0, 0x1000) != 1 {
		t.Fatal("after fetching the new word, the old one came back")
	}
	// fence.i on hart 1 only.
	c.Sync(1)
	if c.Choices(1, 0x1004) != 1 || c.Choices(0, 0x1004) != 2 {
		t.Fatal("fence.i must be local to the hart that runs it")
	}
	// The original was not changed by work on the clone.
	if w.Choices(0, 0x1000) != 2 {
		t.Fatal("clone shares views")
	}
	// Same-value stores make no version; misaligned or outside fetches fail.
	c.Commit(model.Commit{Addr: 0x1004, Size: 4, Val: 0xaaaaaaaa})
	if c.Versions(0x1004) != 2 {
		t.Fatal("a store of identical bytes made a new version")
	}
	if c.Choices(0, 0x1002) != 0 || c.Choices(0, 0x2000) != 0 {
		t.Fatal("misaligned or out-of-text fetch must have no choices")
	}
}
