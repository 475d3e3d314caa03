package checks

import (
	"testing"

	"pgregory.net/rapid"
)

// The stale-dest state key is the history's summary, not the history:
// states are merged by it. That is sound only if the summary decides
// exactly what porcupine decides. Random histories of one sequential
// writer and a few readers, every response judged both ways.
func TestSummaryAgreesWithPorcupine(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		harts := rapid.IntRange(1, 3).Draw(t, "harts")
		atomic := rapid.Bool().Draw(t, "atomic")
		values := rapid.SliceOfN(rapid.Uint64Range(1, 3), 0, 4).Draw(t, "updates")
		h := &History{Initial: 1, Atomic: atomic, values: values, open: make([]int, harts), least: make([]int, harts)}
		for i := range h.open {
			h.open[i] = -1
		}
		next, pending := 0, -1 // the next update to invoke, the one running
		for step := 0; step < 16; step++ {
			h.clock++
			actor := rapid.IntRange(-1, harts-1).Draw(t, "actor")
			if actor < 0 {
				switch {
				case pending >= 0:
					h.respond(pending, h.Ops[pending].Value)
					pending = -1
				case next < len(values):
					pending = h.invoke(Patcher, true, values[next])
					next++
				}
				continue
			}
			if h.open[actor] < 0 {
				h.open[actor] = h.invoke(actor, false, 0)
				h.least[actor] = h.lo
				continue
			}
			v := rapid.Uint64Range(1, 3).Draw(t, "read")
			i := h.open[actor]
			h.open[actor] = -1
			h.respond(i, v)
			summary := h.read(h.least[actor], v)
			if porc := h.Linearizable(); porc != summary {
				t.Fatalf("porcupine %v, summary %v on %+v", porc, summary, h.Ops)
			}
			if !summary {
				return // a violation ends the execution
			}
		}
	})
}
