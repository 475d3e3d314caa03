package ifetch

import (
	"encoding/binary"
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/ftcheck/ftcheck/model"
)

// CacheType is what CTR_EL0 says about data-to-instruction coherence
// (Arm ARM D19.2.34): which maintenance a store to code needs before any
// CPU can be made to fetch it.
type CacheType struct {
	// IDC: cleaning the data cache to the point of unification (DC CVAU)
	// is not needed; a store is there once it is visible.
	IDC bool
	// DIC: invalidating the instruction caches (IC IVAU) is not needed;
	// the writer's DSB makes a store available to instruction fetch, and
	// fetches of one location are coherent.
	DIC bool
}

func (c CacheType) String() string {
	b := func(v bool) int {
		if v {
			return 1
		}
		return 0
	}
	return fmt.Sprintf("IDC=%d DIC=%d", b(c.IDC), b(c.DIC))
}

// ArmFetch is arm64 instruction fetch, after the ESOP 2020 model of
// Simner et al. ("ARMv8-A system semantics: instruction fetch in relaxed
// architectures"), made operational. Text is fetched in aligned 4-byte
// units. For each unit it keeps the history of values written to it, and
//
//   - clean: the newest version the writer's DC CVAU has cleaned to the
//     point of unification (all of them when CacheType.IDC);
//   - inv: the newest version the writer's IC IVAU has invalidated the
//     instruction caches for, both completed by a DSB (with DIC, every
//     DSB does it for every unit): no instruction cache holds anything
//     older, but a CPU's pipeline may;
//   - view[h]: the oldest version hart h may still fetch. It rises to inv
//     only at the hart's own context synchronisation event (ISB, taking
//     an exception such as an IPI): Sync and ContextSync.
//
// A fetch returns any version from view[h] to the newest visible one.
// Without DIC, fetches of one location need not be coherent (the ESOP
// coFF test is allowed): a hart that fetched a new version may later
// fetch an older one. With DIC they are (coFF forbidden): the fetched
// version becomes the hart's floor. Prefetch-speculation protection:
// a version written after some invalidation completed carries a snapshot
// of inv; a hart that fetches that version cannot afterwards fetch below
// the snapshot anywhere (a CPU that sees the new branch sees the code its
// target got before the branch was written; ESOP MP.FF+dc-dsb-ic-dsb+po is
// forbidden).
//
// CMODX (Arm ARM B2.2.5): concurrent modification and execution is
// defined only when the instructions before and after are each one of
// B, BL, NOP, BRK, SVC, HVC, SMC, ISB. Undefined reports a fetch whose
// possible versions are not all such instructions.
type ArmFetch struct {
	base  uint64
	harts int
	boot  []uint32 // shared, never modified
	cache CacheType
	cmodx func(uint32) bool   // shared
	name  func(uint32) string // disassembly for messages (shared)

	written []armUnit // sorted by idx
	pending []maintOp // issued by the writer, not completed by a DSB
}

// armUnit is a written unit.
type armUnit struct {
	idx   int
	hist  []uint32  // every value, oldest first (append-only, shared)
	snap  [][]floor // snap[v]: inv of the other units when v was written (append-only, shared)
	clean uint8
	inv   uint8
	view  []uint8
}

// floor is a unit's inv at some moment.
type floor struct {
	idx int
	v   uint8
}

// maintOp is a DC CVAU or IC IVAU over a range of units.
type maintOp struct {
	inval  bool
	lo, hi int // unit indexes [lo, hi)
}

// NewArmFetch makes the text at base from its boot words for the given
// number of harts (all synchronised with it). cmodx says whether a word
// is an instruction that may be modified while executing; name renders
// a word for messages.
func NewArmFetch(base uint64, text []uint32, harts int, cache CacheType, cmodx func(uint32) bool, name func(uint32) string) *ArmFetch {
	return &ArmFetch{base: base, harts: harts, boot: slices.Clone(text), cache: cache, cmodx: cmodx, name: name}
}

// SetCacheType sets the cache type (before the search starts).
func (f *ArmFetch) SetCacheType(c CacheType) { f.cache = c }

// CacheType returns the cache type.
func (f *ArmFetch) CacheType() CacheType { return f.cache }

func (f *ArmFetch) Clone() model.FetchState {
	c := *f
	c.written = slices.Clone(f.written)
	for i := range c.written {
		c.written[i].view = slices.Clone(c.written[i].view)
	}
	c.pending = slices.Clone(f.pending)
	return &c
}

func (f *ArmFetch) AppendKey(b []byte) []byte {
	for _, u := range f.written {
		b = binary.AppendUvarint(b, uint64(u.idx))
		b = binary.AppendUvarint(b, uint64(len(u.hist)))
		for v, w := range u.hist[1:] {
			b = binary.LittleEndian.AppendUint32(b, w)
			b = binary.AppendUvarint(b, uint64(len(u.snap[v+1])))
			for _, fl := range u.snap[v+1] {
				b = binary.AppendUvarint(b, uint64(fl.idx))
				b = append(b, fl.v)
			}
		}
		b = append(b, u.clean, u.inv)
		b = append(b, u.view...)
	}
	b = append(b, 0xff)
	for _, p := range f.pending {
		b = append(b, boolByte(p.inval))
		b = binary.AppendUvarint(b, uint64(p.lo))
		b = binary.AppendUvarint(b, uint64(p.hi))
	}
	return b
}

func boolByte(v bool) byte {
	if v {
		return 1
	}
	return 0
}

func (f *ArmFetch) index(addr uint64) (int, bool) {
	if addr < f.base || addr&3 != 0 {
		return 0, false
	}
	i := (addr - f.base) / 4
	return int(i), i < uint64(len(f.boot))
}

func (f *ArmFetch) find(idx int) (*armUnit, int) {
	i := sort.Search(len(f.written), func(i int) bool { return f.written[i].idx >= idx })
	if i < len(f.written) && f.written[i].idx == idx {
		return &f.written[i], i
	}
	return nil, i
}

func (f *ArmFetch) Contains(addr uint64) bool {
	return addr >= f.base && addr < f.base+4*uint64(len(f.boot))
}

func (f *ArmFetch) Choices(h int, addr uint64) int {
	i, ok := f.index(addr)
	if !ok {
		return 0
	}
	if u, _ := f.find(i); u != nil {
		return len(u.hist) - int(u.view[h])
	}
	return 1
}

func (f *ArmFetch) Fetch(h int, addr uint64, choice int) (uint32, int) {
	i, _ := f.index(addr)
	u, _ := f.find(i)
	if u == nil {
		return f.boot[i], 0
	}
	v := int(u.view[h]) + choice
	w := u.hist[v]
	if f.cache.DIC {
		u.view[h] = uint8(v) // fetches of one location are coherent
	}
	for _, fl := range u.snap[v] {
		if o, _ := f.find(fl.idx); o != nil && o.view[h] < fl.v {
			o.view[h] = fl.v
		}
	}
	return w, v
}

func (f *ArmFetch) Versions(addr uint64) int {
	i, ok := f.index(addr)
	if !ok {
		return 0
	}
	if u, _ := f.find(i); u != nil {
		return len(u.hist)
	}
	return 1
}

// Commit adds a version to every unit the store changes, with the
// snapshot of the invalidations completed so far.
func (f *ArmFetch) Commit(c model.Commit) {
	for a := c.Addr &^ 3; a < c.Addr+uint64(c.Size); a += 4 {
		i, ok := f.index(a)
		if !ok {
			continue
		}
		u, at := f.find(i)
		old := f.boot[i]
		if u != nil {
			old = u.hist[len(u.hist)-1]
		}
		nw := old
		for b := uint64(0); b < 4; b++ {
			if a+b >= c.Addr && a+b < c.Addr+uint64(c.Size) {
				by := uint32(byte(c.Val >> (8 * (a + b - c.Addr))))
				nw = nw&^(0xff<<(8*b)) | by<<(8*b)
			}
		}
		if nw == old {
			continue
		}
		snap := f.snapshot(i)
		if u == nil {
			f.written = slices.Insert(f.written, at, armUnit{idx: i, hist: []uint32{old}, snap: [][]floor{nil}, view: make([]uint8, f.harts)})
			u = &f.written[at]
		}
		if len(u.hist) >= 255 {
			panic("ifetch: more than 255 versions of one text word")
		}
		u.hist = append(slices.Clip(u.hist), nw)
		u.snap = append(slices.Clip(u.snap), snap)
	}
}

// snapshot lists the completed invalidations of every unit but skip.
func (f *ArmFetch) snapshot(skip int) []floor {
	var s []floor
	for _, u := range f.written {
		if u.idx != skip && u.inv > 0 {
			s = append(s, floor{u.idx, u.inv})
		}
	}
	return s
}

// Sync is an ISB on hart h: instructions fetched before it are
// discarded, so the hart fetches nothing older than what the completed
// invalidations left in the caches.
func (f *ArmFetch) Sync(h int) {
	for i := range f.written {
		if u := &f.written[i]; u.view[h] < u.inv {
			u.view[h] = u.inv
		}
	}
}

// ContextSync is an exception entry or return on hart h: the same.
func (f *ArmFetch) ContextSync(h int) { f.Sync(h) }

func (f *ArmFetch) unitRange(addr uint64, size int) (lo, hi int) {
	if addr < f.base {
		addr, size = f.base, size-int(f.base-addr)
	}
	lo = int((addr - f.base) / 4)
	hi = int((addr - f.base + uint64(max(size, 0)) + 3) / 4)
	return min(lo, len(f.boot)), min(hi, len(f.boot))
}

// CleanData issues DC CVAU over the range.
func (f *ArmFetch) CleanData(addr uint64, size int) {
	lo, hi := f.unitRange(addr, size)
	f.pending = append(f.pending, maintOp{inval: false, lo: lo, hi: hi})
}

// InvalidateInsn issues IC IVAU over the range.
func (f *ArmFetch) InvalidateInsn(addr uint64, size int) {
	lo, hi := f.unitRange(addr, size)
	f.pending = append(f.pending, maintOp{inval: true, lo: lo, hi: hi})
}

// CompleteMaintenance is the writer's DSB. An invalidation refills from
// what was clean before this DSB (a DC CVAU and an IC IVAU with no DSB
// between them are not ordered), then the cleans complete. With IDC
// every visible store is clean; with DIC every DSB invalidates.
func (f *ArmFetch) CompleteMaintenance() {
	cleanOf := func(u *armUnit) uint8 {
		if f.cache.IDC {
			return uint8(len(u.hist) - 1)
		}
		return u.clean
	}
	for i := range f.written {
		u := &f.written[i]
		if f.cache.DIC {
			u.inv = max(u.inv, cleanOf(u))
			continue
		}
		for _, p := range f.pending {
			if p.inval && u.idx >= p.lo && u.idx < p.hi {
				u.inv = max(u.inv, cleanOf(u))
			}
		}
	}
	for _, p := range f.pending {
		if p.inval {
			continue
		}
		for i := range f.written {
			if u := &f.written[i]; u.idx >= p.lo && u.idx < p.hi {
				u.clean = uint8(len(u.hist) - 1)
			}
		}
	}
	f.pending = nil
}

// Undefined reports a fetch by hart h that may return several versions
// not all of which are instructions CMODX allows to be modified while
// they execute.
func (f *ArmFetch) Undefined(h int, addr uint64) string {
	i, ok := f.index(addr)
	if !ok {
		return ""
	}
	u, _ := f.find(i)
	if u == nil || int(u.view[h]) >= len(u.hist)-1 {
		return ""
	}
	vs := u.hist[u.view[h]:]
	bad := false
	for _, w := range vs {
		if !f.cmodx(w) {
			bad = true
			break
		}
	}
	if !bad {
		return ""
	}
	names := make([]string, len(vs))
	for j, w := range vs {
		names[j] = fmt.Sprintf("v%d %q", int(u.view[h])+j, f.name(w))
	}
	return fmt.Sprintf("fetch of %#x while it is concurrently modified: it may be %s, not all of them B, BL, NOP, BRK, SVC, HVC, SMC or ISB, so the architecture allows any behaviour (CMODX, Arm ARM B2.2.5)",
		addr, strings.Join(names, " or "))
}

func (f *ArmFetch) AppendHartKey(h int, b []byte) []byte {
	for _, u := range f.written {
		b = append(b, u.view[h])
	}
	return b
}

func (f *ArmFetch) PermuteHarts(perm []int) {
	for i := range f.written {
		old := f.written[i].view
		nv := make([]uint8, len(old))
		for h, v := range old {
			nv[perm[h]] = v
		}
		f.written[i].view = nv
	}
}
