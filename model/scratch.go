package model

// scratch is the storage the depth-first search makes steps in. Most of
// what a step makes is thrown away at once: its transition as soon as the
// successor's key is made, and three successors in four turn out to be
// states already visited — a machine and a copied hart each. The
// depth-first search finds that out right after making them, while they
// are still in the cache, and gives them back here for the next steps.
// (The breadth-first search learns it only when its merge runs, long
// after: reused then they are as cold as new ones, and measured no
// faster.) A scratch is used by one goroutine.
type scratch struct {
	// blocks hold the transitions handed out since the last reset, used
	// of them; pointers into a block stay valid until the reset.
	blocks []*[64]Transition
	used   int
	// machines and harts are free for the next successors.
	machines []*Machine
	harts    []*Hart
}

// transition returns a zero transition, valid until the next reset (a
// new one from the heap when sc is nil).
func (sc *scratch) transition() *Transition {
	if sc == nil {
		return new(Transition)
	}
	b, j := sc.used/64, sc.used%64
	if b == len(sc.blocks) {
		sc.blocks = append(sc.blocks, new([64]Transition))
	}
	sc.used++
	t := &sc.blocks[b][j]
	*t = Transition{}
	return t
}

// reset takes back every transition handed out: nothing may hold one any
// more.
func (sc *scratch) reset() { sc.used = 0 }

// clone returns a clone of m whose harts, when written, come from sc too
// (from the heap when sc is nil).
func (sc *scratch) clone(m *Machine) *Machine {
	if sc == nil {
		return m.Clone()
	}
	var c *Machine
	if k := len(sc.machines); k > 0 {
		c = sc.machines[k-1]
		sc.machines[k-1] = nil
		sc.machines = sc.machines[:k-1]
	} else {
		c = new(Machine)
	}
	m.cloneInto(c)
	c.scratch = sc
	return c
}

// hart returns a hart to copy into.
func (sc *scratch) hart() *Hart {
	if sc == nil {
		return new(Hart)
	}
	if k := len(sc.harts); k > 0 {
		h := sc.harts[k-1]
		sc.harts[k-1] = nil
		sc.harts = sc.harts[:k-1]
		return h
	}
	return new(Hart)
}

// release gives back m, a successor nothing holds: the machine and the
// harts it copied for itself (the others are its parent's).
func (sc *scratch) release(m *Machine) {
	for i, h := range m.Harts {
		if m.owned&(1<<i) != 0 {
			sc.harts = append(sc.harts, h)
		}
	}
	clear(m.Harts)
	m.Mem, m.Fetch, m.Records = nil, nil, nil
	sc.machines = append(sc.machines, m)
}
