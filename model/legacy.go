package model

import "fmt"

// Traces saved before memory steps were named by their agent (JSON
// reports without a format field, report format 1) number a
// memory step by its place among all enabled memory steps: agent 0's
// steps first, then agent 1's, and so on. LegacyMemoryLabels turns such
// a trace's labels into today's by executing it from the initial state,
// where each old number names exactly one (agent, position).

// LegacyMemoryLabels returns labels with every memory step renamed from
// the old numbering to MemoryLabel's, or an error naming the first step
// that cannot be executed.
func LegacyMemoryLabels(s *System, labels []Label) ([]Label, error) {
	out := make([]Label, len(labels))
	m := s.Initial
	n := len(m.Harts)
	for i, l := range labels {
		if l.Action == ActMemory {
			agent, j := legacyMemoryStep(m, l.Index)
			if agent < 0 {
				return nil, fmt.Errorf("step %d: memory step %d is not enabled here (%d are)", i+1, l.Index, m.Mem.Internal())
			}
			nl := MemoryLabel(n, agent, j)
			nl.Choices = l.Choices
			l = nl
		}
		t, err := s.Apply(m, l)
		if err != nil {
			return nil, fmt.Errorf("step %d: %w", i+1, err)
		}
		out[i], m = l, t.After
	}
	return out, nil
}

// legacyMemoryStep finds the agent and position of the k-th enabled
// memory step of m, counting agent by agent; agent -1 if there is none.
func legacyMemoryStep(m *Machine, k int) (agent, j int) {
	for a := 0; a <= len(m.Harts); a++ {
		c := m.Mem.InternalOf(a)
		if k < c {
			return a, k
		}
		k -= c
	}
	return -1, 0
}

// MemoryStep splits a memory step's label (ActMemory) into the agent
// whose store it makes visible and its position among that agent's
// steps, as MemoryLabel made it.
func (l Label) MemoryStep() (agent, j int) { return memoryStep(l.Index) }
