package ifetch

import (
	"encoding/binary"
	"slices"
	"sort"

	"github.com/ftcheck/ftcheck/model"
)

// Words is a text region fetched in aligned units (4-byte words, or single
// bytes for x86: NewBytes), each hart with its own possibly stale view.
//
// Only units that were ever written carry per-state data; every other unit
// is its boot value for every hart in every state, so the boot text is
// shared by all states and a clone copies just the written units.
type Words struct {
	base    uint64
	size    uint64 // bytes per fetch unit: 4, or 1 (NewBytes)
	harts   int
	boot    []uint32 // shared, never modified
	written []unit   // sorted by idx
	// shared: written (and its views) may be shared with clones; the
	// first change copies them (own). Most steps change no fetch state.
	shared bool
	// ownStores: a hart fetches its own stores to the text once they
	// commit (x86 self-modifying code; NewBytes). Commit advances the
	// writer's view of the units it wrote to their newest version.
	ownStores bool
}

// unit is a written fetch unit: its history and each hart's view of it.
type unit struct {
	idx  int
	hist []uint32 // every value the unit has held, oldest first (append-only, shared)
	view []uint8  // view[h]: oldest version hart h may still fetch
}

// NewWords makes the text at base from its boot-time words, as seen by
// the given number of harts (all synchronised with it).
func NewWords(base uint64, text []uint32, harts int) *Words {
	return &Words{base: base, size: 4, harts: harts, boot: slices.Clone(text)}
}

// Clone shares the written units with w until either changes them: the
// search never changes a state it has cloned, so only the clone copies.
func (w *Words) Clone() model.FetchState {
	return &Words{base: w.base, size: w.size, harts: w.harts, boot: w.boot, written: w.written, shared: true, ownStores: w.ownStores}
}

// own makes the written units w's own before a change.
func (w *Words) own() {
	if !w.shared {
		return
	}
	w.shared = false
	w.written = slices.Clone(w.written)
	for i := range w.written {
		w.written[i].view = slices.Clone(w.written[i].view)
	}
}

// AppendKey encodes the written units; the others are the same in every state.
func (w *Words) AppendKey(b []byte) []byte {
	for _, u := range w.written {
		b = binary.AppendUvarint(b, uint64(u.idx))
		b = binary.AppendUvarint(b, uint64(len(u.hist)))
		for _, v := range u.hist[1:] {
			b = binary.LittleEndian.AppendUint32(b, v)
		}
		b = append(b, u.view...)
	}
	return b
}

func (w *Words) index(addr uint64) (int, bool) {
	if addr < w.base || addr&(w.size-1) != 0 {
		return 0, false
	}
	i := (addr - w.base) / w.size
	return int(i), i < uint64(len(w.boot))
}

func (w *Words) find(idx int) (*unit, int) {
	i := sort.Search(len(w.written), func(i int) bool { return w.written[i].idx >= idx })
	if i < len(w.written) && w.written[i].idx == idx {
		return &w.written[i], i
	}
	return nil, i
}

// Contains reports whether any byte at addr belongs to the text.
func (w *Words) Contains(addr uint64) bool {
	return addr >= w.base && addr < w.base+w.size*uint64(len(w.boot))
}

func (w *Words) Choices(h int, addr uint64) int {
	i, ok := w.index(addr)
	if !ok {
		return 0
	}
	if u, _ := w.find(i); u != nil {
		return len(u.hist) - int(u.view[h])
	}
	return 1
}

func (w *Words) Fetch(h int, addr uint64, choice int) (uint32, int) {
	i, _ := w.index(addr)
	u, _ := w.find(i)
	if u == nil {
		return w.boot[i], 0
	}
	v := int(u.view[h]) + choice
	if choice != 0 {
		w.own()
		u, _ = w.find(i)
		u.view[h] = uint8(v)
	}
	return u.hist[v], v
}

func (w *Words) Versions(addr uint64) int {
	i, ok := w.index(addr)
	if !ok {
		return 0
	}
	if u, _ := w.find(i); u != nil {
		return len(u.hist)
	}
	return 1
}

// Commit adds a version to every unit the store touches whose value it
// changes (a store of the same bytes cannot be told apart by any fetch).
// With ownStores, the writing hart (c.By) then fetches at least the
// newest version of each unit it wrote (selfStore).
func (w *Words) Commit(c model.Commit) {
	for a := c.Addr &^ (w.size - 1); a < c.Addr+uint64(c.Size); a += w.size {
		i, ok := w.index(a)
		if !ok {
			continue
		}
		u, at := w.find(i)
		old := w.boot[i]
		if u != nil {
			old = u.hist[len(u.hist)-1]
		}
		nw := old
		for b := uint64(0); b < w.size; b++ {
			if a+b >= c.Addr && a+b < c.Addr+uint64(c.Size) {
				by := uint32(byte(c.Val >> (8 * (a + b - c.Addr))))
				nw = nw&^(0xff<<(8*b)) | by<<(8*b)
			}
		}
		if nw == old {
			w.selfStore(c, i)
			continue
		}
		w.own()
		u, at = w.find(i)
		if u == nil {
			w.written = slices.Insert(w.written, at, unit{idx: i, hist: []uint32{old}, view: make([]uint8, w.harts)})
			u = &w.written[at]
		}
		if len(u.hist) >= 255 {
			panic("ifetch: more than 255 versions of one text word")
		}
		u.hist = append(slices.Clip(u.hist), nw)
		w.selfStore(c, i)
	}
}

// selfStore advances the writer's view of unit i to its newest version
// when the fetch model has ownStores: Intel SDM Vol. 3A §9.1.3 (§8.1.3 in
// older editions) — a write to a code location invalidates the writing
// processor's own prefetched instructions (self-modifying code), while
// other processors need a serialising instruction (cross-modifying code).
// At commit the newest version holds the store's bytes, so the writer
// fetches what it wrote (or a later store). A store by the patcher
// (c.By-1 >= harts) or by an unknown agent (c.By 0) changes no view.
func (w *Words) selfStore(c model.Commit, i int) {
	if !w.ownStores || c.By == 0 || c.By-1 >= w.harts {
		return
	}
	h := c.By - 1
	u, _ := w.find(i)
	if u == nil || int(u.view[h]) == len(u.hist)-1 {
		return
	}
	w.own()
	u, _ = w.find(i)
	u.view[h] = uint8(len(u.hist) - 1)
}

// Sync is fence.i on hart h: every unit's newest version becomes the
// oldest it may fetch.
func (w *Words) Sync(h int) {
	if !w.stale(h) {
		return
	}
	w.own()
	for i := range w.written {
		w.written[i].view[h] = uint8(len(w.written[i].hist) - 1)
	}
}

// stale reports whether hart h may still fetch an old version somewhere.
func (w *Words) stale(h int) bool {
	for _, u := range w.written {
		if int(u.view[h]) != len(u.hist)-1 {
			return true
		}
	}
	return false
}

// Latest returns the newest value of the unit at addr.
func (w *Words) Latest(addr uint64) uint32 {
	i, _ := w.index(addr)
	if u, _ := w.find(i); u != nil {
		return u.hist[len(u.hist)-1]
	}
	return w.boot[i]
}

// AppendHartKey encodes hart h's views of the written units.
func (w *Words) AppendHartKey(h int, b []byte) []byte {
	for _, u := range w.written {
		b = append(b, u.view[h])
	}
	return b
}

// PermuteHarts renumbers the harts' views: hart i becomes perm[i].
func (w *Words) PermuteHarts(perm []int) {
	w.own()
	for i := range w.written {
		old := w.written[i].view
		nv := make([]uint8, len(old))
		for h, v := range old {
			nv[perm[h]] = v
		}
		w.written[i].view = nv
	}
}
