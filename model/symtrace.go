package model

// Memory steps in traces found with symmetry reduction. pathTo maps each
// recorded label back to concrete harts through the renumberings along
// the path, which fixes a hart's actor number. A memory-model step is
// named by its position among the model's internal steps (TSO: the i-th
// non-empty store buffer, in agent order), and that position moves when
// agents are renumbered, so its index cannot be mapped the same way.
// memorySteps re-derives it: it replays the representative path and the
// concrete one side by side, and at each memory step picks the concrete
// internal step whose successor has the representative's key.

// memorySteps returns ls (pathTo's labels for the path to id, then last)
// with every memory step's index made concrete. It changes nothing when
// the search did not renumber harts or the path has no memory step.
func (w *searcher) memorySteps(id int32, last Label, ls []Label) []Label {
	if w.opt.NoSymmetry || !hasMemoryStep(ls) {
		return ls
	}
	ids := w.pathIDs(id)
	reps := make([]Label, 0, len(ids)+1)
	for _, i := range ids {
		reps = append(reps, w.via[i])
	}
	reps = append(reps, last)
	if len(reps) != len(ls) {
		return ls
	}
	out := append([]Label(nil), ls...)
	r, _, _ := w.canon(w.s.Initial, false, nil)
	c := w.s.Initial
	for k, l := range out {
		rt, err := w.s.Apply(r, reps[k])
		if err != nil {
			return ls
		}
		rep, _, want := w.canon(rt.After, false, nil)
		if l.Action == ActMemory {
			found := false
			for j := 0; j < c.Mem.Internal() && !found; j++ {
				l.Index = j
				ct, err := w.s.Apply(c, l)
				if err != nil {
					continue
				}
				if _, _, got := w.canon(ct.After, false, nil); string(got) == string(want) {
					out[k], c, found = l, ct.After, true
				}
			}
			if !found {
				return ls
			}
		} else {
			ct, err := w.s.Apply(c, l)
			if err != nil {
				return ls
			}
			c = ct.After
		}
		r = rep
	}
	return out
}

func hasMemoryStep(ls []Label) bool {
	for _, l := range ls {
		if l.Action == ActMemory {
			return true
		}
	}
	return false
}
