package ifetch

import (
	"testing"

	"github.com/ftcheck/ftcheck/model"
)

// Words used below: anything CMODX-safe and anything not (the rules under
// test do not depend on decoding).
const (
	oldW, newW = 0x1111, 0x2222
	safeA      = 0xa
	safeB      = 0xb
)

func cmodxAB(w uint32) bool { return w == safeA || w == safeB }

func armText(ct CacheType) *ArmFetch {
	return NewArmFetch(0x100, []uint32{oldW, oldW, safeA}, 2, ct, cmodxAB, func(w uint32) string { return "w" })
}

func fetchable(f *ArmFetch, h int, addr uint64) []uint32 {
	var out []uint32
	for c := 0; c < f.Choices(h, addr); c++ {
		g := f.Clone().(*ArmFetch)
		w, _ := g.Fetch(h, addr, c)
		out = append(out, w)
	}
	return out
}

func store(f *ArmFetch, addr uint64, w uint32) {
	f.Commit(model.Commit{Addr: addr, Size: 4, Val: uint64(w)})
}

// A visible store may be fetched, or not, until the writer's maintenance
// and the fetching hart's ISB (ESOP SM.B+dc-dsb-ic-dsb: without the ISB
// the old instruction may still run).
func TestArmFetchNeedsMaintenanceAndISB(t *testing.T) {
	f := armText(CacheType{})
	store(f, 0x100, newW)
	if got := fetchable(f, 0, 0x100); len(got) != 2 {
		t.Fatalf("after the store: %x, want old and new", got)
	}
	f.Sync(0) // ISB alone: nothing invalidated yet
	if got := fetchable(f, 0, 0x100); len(got) != 2 {
		t.Fatalf("ISB without maintenance: %x, want old and new", got)
	}
	f.CleanData(0x100, 64)
	f.CompleteMaintenance()
	f.InvalidateInsn(0x100, 64)
	f.CompleteMaintenance()
	if got := fetchable(f, 0, 0x100); len(got) != 2 {
		t.Fatalf("maintenance without ISB: %x, want old and new (the pipeline may hold the old)", got)
	}
	f.Sync(0)
	if got := fetchable(f, 0, 0x100); len(got) != 1 || got[0] != newW {
		t.Fatalf("maintenance then ISB: %x, want only new", got)
	}
	if got := fetchable(f, 1, 0x100); len(got) != 2 {
		t.Fatalf("the other hart did no ISB: %x, want old and new", got)
	}
	f.ContextSync(1) // taking an IPI
	if got := fetchable(f, 1, 0x100); len(got) != 1 {
		t.Fatalf("exception return: %x, want only new", got)
	}
}

// DC CVAU and IC IVAU with no DSB between them are not ordered: the
// invalidation may refill from the uncleaned line. Without DC CVAU at all
// (IDC=0) the invalidation refills the old value.
func TestArmFetchCleanMustCompleteBeforeInvalidate(t *testing.T) {
	for _, c := range []struct {
		name  string
		steps func(f *ArmFetch)
	}{
		{"dc; ic; dsb", func(f *ArmFetch) { f.CleanData(0x100, 4); f.InvalidateInsn(0x100, 4); f.CompleteMaintenance() }},
		{"ic; dsb (no dc)", func(f *ArmFetch) { f.InvalidateInsn(0x100, 4); f.CompleteMaintenance() }},
		{"dc; dsb (no ic)", func(f *ArmFetch) { f.CleanData(0x100, 4); f.CompleteMaintenance() }},
	} {
		f := armText(CacheType{})
		store(f, 0x100, newW)
		c.steps(f)
		f.Sync(0)
		if got := fetchable(f, 0, 0x100); len(got) != 2 {
			t.Errorf("%s then ISB: %x, want old and new", c.name, got)
		}
	}
	// IDC: no clean needed.
	f := armText(CacheType{IDC: true})
	store(f, 0x100, newW)
	f.InvalidateInsn(0x100, 4)
	f.CompleteMaintenance()
	f.Sync(0)
	if got := fetchable(f, 0, 0x100); len(got) != 1 {
		t.Errorf("IDC, ic; dsb; isb: %x, want only new", got)
	}
	// DIC: no invalidation needed, the DSB does it.
	f = armText(CacheType{IDC: true, DIC: true})
	store(f, 0x100, newW)
	f.CompleteMaintenance()
	f.Sync(0)
	if got := fetchable(f, 0, 0x100); len(got) != 1 {
		t.Errorf("IDC DIC, dsb; isb: %x, want only new", got)
	}
}

// ESOP coFF: fetches of one location need not be coherent without DIC
// (allowed), are with DIC (forbidden).
func TestArmFetchCoherenceOfFetchesFollowsDIC(t *testing.T) {
	for _, dic := range []bool{false, true} {
		f := armText(CacheType{DIC: dic})
		store(f, 0x100, newW)
		if w, _ := f.Fetch(0, 0x100, 1); w != newW {
			t.Fatal(w)
		}
		n := f.Choices(0, 0x100)
		if dic && n != 1 || !dic && n != 2 {
			t.Errorf("DIC=%v: after fetching the new word, %d choices", dic, n)
		}
	}
}

// ESOP MP.FF+dc-dsb-ic-dsb+po: code written and maintained before a
// branch is patched is seen by any CPU that fetches the new branch.
func TestArmFetchPrefetchSpeculationProtection(t *testing.T) {
	f := armText(CacheType{})
	store(f, 0x104, newW) // the target code
	f.CleanData(0x104, 4)
	f.CompleteMaintenance()
	f.InvalidateInsn(0x104, 4)
	f.CompleteMaintenance()
	store(f, 0x108, safeB) // then the branch
	if got := fetchable(f, 0, 0x104); len(got) != 2 {
		t.Fatalf("before fetching the branch: %x", got)
	}
	f.Fetch(0, 0x108, 0) // the old branch: no promise
	if got := fetchable(f, 0, 0x104); len(got) != 2 {
		t.Fatalf("after the old branch: %x", got)
	}
	f.Fetch(0, 0x108, 1) // the new branch
	if got := fetchable(f, 0, 0x104); len(got) != 1 || got[0] != newW {
		t.Fatalf("after the new branch: %x, want only the new target code", got)
	}
	// Without the maintenance between them, no such promise.
	g := armText(CacheType{})
	store(g, 0x104, newW)
	store(g, 0x108, safeB)
	g.Fetch(0, 0x108, 1)
	if got := fetchable(g, 0, 0x104); len(got) != 2 {
		t.Fatalf("no maintenance before the branch: %x, want old and new", got)
	}
}

// CMODX: a fetch that may return versions outside the set is undefined;
// one between CMODX instructions, or with no choice, is not.
func TestArmFetchUndefinedOutsideCMODX(t *testing.T) {
	f := armText(CacheType{})
	if why := f.Undefined(0, 0x100); why != "" {
		t.Fatalf("unmodified unit: %s", why)
	}
	store(f, 0x108, safeB)
	if why := f.Undefined(0, 0x108); why != "" {
		t.Fatalf("CMODX pair: %s", why)
	}
	store(f, 0x100, newW)
	if why := f.Undefined(0, 0x100); why == "" {
		t.Fatal("non-CMODX concurrent modification not reported")
	}
	f.CleanData(0x100, 4)
	f.CompleteMaintenance()
	f.InvalidateInsn(0x100, 4)
	f.CompleteMaintenance()
	f.Sync(0)
	if why := f.Undefined(0, 0x100); why != "" {
		t.Fatalf("after maintenance and ISB the hart has no choice: %s", why)
	}
}

// Symmetry: a hart's view moves with it.
func TestArmFetchPermuteHarts(t *testing.T) {
	f := armText(CacheType{})
	store(f, 0x100, newW)
	f.InvalidateInsn(0x100, 4)
	f.CleanData(0x100, 4)
	f.CompleteMaintenance()
	f.InvalidateInsn(0x100, 4)
	f.CompleteMaintenance()
	f.Sync(0)
	k0 := string(f.AppendHartKey(0, nil))
	f.PermuteHarts([]int{1, 0})
	if string(f.AppendHartKey(1, nil)) != k0 || f.Choices(1, 0x100) != 1 || f.Choices(0, 0x100) != 2 {
		t.Fatal("views not renumbered")
	}
}
