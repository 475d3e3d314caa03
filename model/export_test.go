package model

// UncachedKey is AppendKey computed from the harts' fields, ignoring
// every cached hart key (for tests of the cache).
func UncachedKey(m *Machine) []byte {
	c := *m
	c.owned = 0
	c.Harts = make([]*Hart, len(m.Harts))
	for i, h := range m.Harts {
		cp := *h
		cp.key = nil
		c.Harts[i] = &cp
	}
	return c.AppendKey(nil)
}

// SetMergeWindow changes how many states are expanded between merges
// and returns the function that restores it.
func SetMergeWindow(n int) (restore func()) {
	old := window
	window = n
	return func() { window = old }
}

// Progress is the cycle proviso's count that no step lowers.
func Progress(m *Machine) int { return progress(m) }
