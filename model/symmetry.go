package model

import (
	"bytes"
	"slices"
	"sync"
)

// Symmetry reduction. Nothing in the machine depends on a hart's number:
// every hart runs whatever its own PC points at, IPIs go to every hart,
// stop_machine waits for all. So two states that differ only by a
// renumbering of the harts have the same futures up to that renumbering,
// and the search keeps one representative: the harts sorted by their own
// state (registers, PC, scheduling, fetch view, memory-model view).
// Path lengths are preserved, so BFS still finds minimal traces; a trace
// is mapped back to concrete hart numbers before it is replayed.

// canonical returns m's representative and perm (hart i of m is hart
// perm[i] of the representative), or m itself and nil when m is already
// canonical or the memory model cannot be renumbered. With inPlace, m
// (a fresh successor nobody else holds) is renumbered itself instead of
// a copy.
func (s *System) canonical(m *Machine, inPlace bool) (*Machine, []int) {
	n := len(m.Harts)
	mp, ok := m.Mem.(AgentPermuter)
	if !ok || n < 2 || s.asymmetric {
		return m, nil
	}
	if n > 8 {
		return m, nil // (a packedPerm holds 8 harts)
	}
	// Every hart's key in one buffer: keys[h] = buf[ends[h-1]:ends[h]].
	bp := keyScratch.Get().(*[]byte)
	defer keyScratch.Put(bp)
	var endsArr [8]int
	var keysArr [8][]byte
	var orderArr [8]int
	buf, ends := (*bp)[:0], endsArr[:n]
	for h := range m.Harts {
		buf = m.hartKey(h, buf)
		buf = m.Fetch.AppendHartKey(h, buf)
		buf = mp.AppendAgentKey(h, buf)
		buf = appendRecordsHartKey(m.Records, h, buf)
		ends[h] = len(buf)
	}
	*bp = buf // keep the grown buffer for the next call
	keys := keysArr[:n]
	for h := range keys {
		start := 0
		if h > 0 {
			start = ends[h-1]
		}
		keys[h] = buf[start:ends[h]:ends[h]]
	}
	order := orderArr[:n] // order[j]: the hart that becomes hart j
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return bytes.Compare(keys[a], keys[b]) })
	identity := true
	for j, h := range order {
		if j != h {
			identity = false
			break
		}
	}
	if identity {
		return m, nil
	}
	perm := make([]int, n)
	for j, h := range order {
		perm[h] = j
	}
	c := m
	if !inPlace {
		c = m.Clone()
	}
	// Harts are pointers: renumbering moves them (and which of them this
	// machine owns), it copies none.
	var stack [8]*Hart // symmetry packs at most 8 harts
	old := append(stack[:0], c.Harts...)
	for h := range old {
		c.Harts[perm[h]] = old[h]
	}
	c.owned = PermuteBits(c.owned, perm)
	c.Fetch.PermuteHarts(perm)
	c.Mem.(AgentPermuter).PermuteAgents(perm)
	permuteRecords(c.Records, perm)
	return c, perm
}

// PermuteBits renumbers a set of agents held as bits (which harts or
// agents a state owns): bit i becomes bit perm[i]; bits from len(perm) on
// (the patcher's) stay where they are.
func PermuteBits(bits uint64, perm []int) uint64 {
	out := bits &^ (1<<len(perm) - 1)
	for i, p := range perm {
		out |= (bits >> i & 1) << p
	}
	return out
}

// keyScratch holds the buffers canonical encodes harts into (the
// encoders are behind interfaces, so a stack array would escape anyway).
var keyScratch = sync.Pool{New: func() any { b := make([]byte, 0, 512); return &b }}

// packedPerm holds a renumbering of up to 8 harts in 4 bits each; the
// identity is stored as identityPerm, so most states cost 4 bytes.
type packedPerm uint32

const identityPerm packedPerm = 0xffffffff

func pack(perm []int) packedPerm {
	if perm == nil {
		return identityPerm
	}
	var p packedPerm
	for i, v := range perm {
		p |= packedPerm(v) << (4 * i)
	}
	return p
}

// inverse returns inv with inv[perm[i]] = i, for n harts.
func (p packedPerm) inverse(n int) []int {
	inv := make([]int, n)
	for i := range inv {
		inv[i] = i
	}
	if p == identityPerm {
		return inv
	}
	for i := 0; i < n; i++ {
		inv[int(p>>(4*i))&0xf] = i
	}
	return inv
}
