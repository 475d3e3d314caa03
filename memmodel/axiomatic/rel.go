package axiomatic

import "math/bits"

// Set is a set of event indices, stored as a bit vector.
type Set []uint64

// NewSet returns an empty set able to hold indices below n.
func NewSet(n int) Set { return make(Set, (n+63)/64) }

// Add inserts i.
func (s Set) Add(i int) { s[i>>6] |= 1 << (uint(i) & 63) }

// Has reports whether i is in s.
func (s Set) Has(i int) bool { return s[i>>6]&(1<<(uint(i)&63)) != 0 }

// Rel is a binary relation over events 0..n-1, stored as one bit row per
// event. Litmus executions have a few dozen events, so dense bit matrices
// make composition and cycle detection cheap.
type Rel struct {
	n, w int
	b    []uint64
}

// NewRel returns the empty relation over n events.
func NewRel(n int) Rel {
	w := (n + 63) / 64
	return Rel{n: n, w: w, b: make([]uint64, n*w)}
}

// Size is the number of events the relation ranges over.
func (r Rel) Size() int { return r.n }

func (r Rel) row(i int) []uint64 { return r.b[i*r.w : (i+1)*r.w] }

// Add inserts the pair (i, j).
func (r Rel) Add(i, j int) { r.b[i*r.w+j>>6] |= 1 << (uint(j) & 63) }

// Remove deletes the pair (i, j).
func (r Rel) Remove(i, j int) { r.b[i*r.w+j>>6] &^= 1 << (uint(j) & 63) }

// Has reports whether (i, j) is in r.
func (r Rel) Has(i, j int) bool { return r.b[i*r.w+j>>6]&(1<<(uint(j)&63)) != 0 }

// Clone returns an independent copy.
func (r Rel) Clone() Rel {
	c := Rel{n: r.n, w: r.w, b: make([]uint64, len(r.b))}
	copy(c.b, r.b)
	return c
}

// Union returns r | others...
func (r Rel) Union(others ...Rel) Rel {
	c := r.Clone()
	for _, o := range others {
		for k := range c.b {
			c.b[k] |= o.b[k]
		}
	}
	return c
}

// UnionWith adds every pair of o to r in place.
func (r Rel) UnionWith(o Rel) {
	for k := range r.b {
		r.b[k] |= o.b[k]
	}
}

// Inter returns r & o.
func (r Rel) Inter(o Rel) Rel {
	c := r.Clone()
	for k := range c.b {
		c.b[k] &= o.b[k]
	}
	return c
}

// Minus returns r \ o.
func (r Rel) Minus(o Rel) Rel {
	c := r.Clone()
	for k := range c.b {
		c.b[k] &^= o.b[k]
	}
	return c
}

// Seq returns the composition r;o.
func (r Rel) Seq(o Rel) Rel {
	c := NewRel(r.n)
	for i := 0; i < r.n; i++ {
		dst := c.row(i)
		for wi, word := range r.row(i) {
			for word != 0 {
				j := wi*64 + bits.TrailingZeros64(word)
				word &= word - 1
				for k, v := range o.row(j) {
					dst[k] |= v
				}
			}
		}
	}
	return c
}

// Inverse returns r^-1.
func (r Rel) Inverse() Rel {
	c := NewRel(r.n)
	r.Each(func(i, j int) { c.Add(j, i) })
	return c
}

// Restrict returns [dom];r;[rng].
func (r Rel) Restrict(dom, rng Set) Rel {
	c := NewRel(r.n)
	for i := 0; i < r.n; i++ {
		if !dom.Has(i) {
			continue
		}
		dst, src := c.row(i), r.row(i)
		for k := range dst {
			dst[k] = src[k] & rng[k]
		}
	}
	return c
}

// Domain returns the set of events with an outgoing pair.
func (r Rel) Domain() Set {
	s := NewSet(r.n)
	for i := 0; i < r.n; i++ {
		for _, v := range r.row(i) {
			if v != 0 {
				s.Add(i)
				break
			}
		}
	}
	return s
}

// Range returns the set of events with an incoming pair.
func (r Rel) Range() Set {
	s := NewSet(r.n)
	for i := 0; i < r.n; i++ {
		for k, v := range r.row(i) {
			s[k] |= v
		}
	}
	return s
}

// Each calls f for every pair in r.
func (r Rel) Each(f func(i, j int)) {
	for i := 0; i < r.n; i++ {
		for wi, word := range r.row(i) {
			for word != 0 {
				f(i, wi*64+bits.TrailingZeros64(word))
				word &= word - 1
			}
		}
	}
}

// IsEmpty reports whether r has no pairs.
func (r Rel) IsEmpty() bool {
	for _, v := range r.b {
		if v != 0 {
			return false
		}
	}
	return true
}

// Irreflexive reports whether no event is related to itself.
func (r Rel) Irreflexive() bool {
	for i := 0; i < r.n; i++ {
		if r.Has(i, i) {
			return false
		}
	}
	return true
}

// Acyclic reports whether r has no cycle (r+ is irreflexive). It peels
// events with no incoming pair from the remaining ones (Kahn's algorithm).
func (r Rel) Acyclic() bool {
	indeg := make([]int, r.n)
	r.Each(func(_, j int) { indeg[j]++ })
	stack := make([]int, 0, r.n)
	for i, d := range indeg {
		if d == 0 {
			stack = append(stack, i)
		}
	}
	seen := 0
	for len(stack) > 0 {
		i := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		seen++
		for wi, word := range r.row(i) {
			for word != 0 {
				j := wi*64 + bits.TrailingZeros64(word)
				word &= word - 1
				indeg[j]--
				if indeg[j] == 0 {
					stack = append(stack, j)
				}
			}
		}
	}
	return seen == r.n
}

// Plus returns the transitive closure r+ (Warshall).
func (r Rel) Plus() Rel {
	c := r.Clone()
	for k := 0; k < c.n; k++ {
		rk := c.row(k)
		for i := 0; i < c.n; i++ {
			if c.Has(i, k) {
				ri := c.row(i)
				for x := range ri {
					ri[x] |= rk[x]
				}
			}
		}
	}
	return c
}
