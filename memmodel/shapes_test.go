package memmodel

import (
	"context"
	"testing"

	"github.com/ftcheck/ftcheck/model"
)

// classic are the textbook litmus shapes, with and without fences.
var classic = []program{
	{"MP", [][]access{{st(0, 1), st(1, 1)}, {ld(1), ld(0)}}},
	{"MP+fence.w.w+fence.r.r", [][]access{{st(0, 1), fn(w, w), st(1, 1)}, {ld(1), fn(r, r), ld(0)}}},
	{"MP+fence.w.w+po", [][]access{{st(0, 1), fn(w, w), st(1, 1)}, {ld(1), ld(0)}}},
	{"MP+po+fence.r.r", [][]access{{st(0, 1), st(1, 1)}, {ld(1), fn(r, r), ld(0)}}},
	{"MP+fence.tsos", [][]access{{st(0, 1), {kind: fence, fence: fenceTSO}, st(1, 1)}, {ld(1), {kind: fence, fence: fenceTSO}, ld(0)}}},
	{"SB", [][]access{{st(0, 1), ld(1)}, {st(1, 1), ld(0)}}},
	{"SB+fence.rw.rws", [][]access{{st(0, 1), fn(rw, rw), ld(1)}, {st(1, 1), fn(rw, rw), ld(0)}}},
	{"SB+fence.w.ws", [][]access{{st(0, 1), fn(w, w), ld(1)}, {st(1, 1), fn(w, w), ld(0)}}},
	{"SB+fence.w.rs", [][]access{{st(0, 1), fn(w, r), ld(1)}, {st(1, 1), fn(w, r), ld(0)}}},
	{"SB+fence.tsos", [][]access{{st(0, 1), {kind: fence, fence: fenceTSO}, ld(1)}, {st(1, 1), {kind: fence, fence: fenceTSO}, ld(0)}}},
	{"LB", [][]access{{ld(0), st(1, 1)}, {ld(1), st(0, 1)}}},
	{"LB+fence.r.ws", [][]access{{ld(0), fn(r, w), st(1, 1)}, {ld(1), fn(r, w), st(0, 1)}}},
	{"2+2W", [][]access{{st(0, 1), st(1, 2)}, {st(1, 1), st(0, 2)}}},
	{"2+2W+fence.w.ws", [][]access{{st(0, 1), fn(w, w), st(1, 2)}, {st(1, 1), fn(w, w), st(0, 2)}}},
	{"R", [][]access{{st(0, 1), st(1, 1)}, {st(1, 2), ld(0)}}},
	{"R+fence.w.w+fence.rw.rw", [][]access{{st(0, 1), fn(w, w), st(1, 1)}, {st(1, 2), fn(rw, rw), ld(0)}}},
	{"S", [][]access{{st(0, 2), st(1, 1)}, {ld(1), st(0, 1)}}},
	{"S+fence.w.w+fence.r.w", [][]access{{st(0, 2), fn(w, w), st(1, 1)}, {ld(1), fn(r, w), st(0, 1)}}},
	{"S+fence.w.w+po", [][]access{{st(0, 2), fn(w, w), st(1, 1)}, {ld(1), st(0, 1)}}},
	{"WRC", [][]access{{st(0, 1)}, {ld(0), st(1, 1)}, {ld(1), ld(0)}}},
	{"WRC+fence.r.w+fence.r.r", [][]access{{st(0, 1)}, {ld(0), fn(r, w), st(1, 1)}, {ld(1), fn(r, r), ld(0)}}},
	{"WRC+po+fence.r.r", [][]access{{st(0, 1)}, {ld(0), st(1, 1)}, {ld(1), fn(r, r), ld(0)}}},
	{"IRIW", [][]access{{st(0, 1)}, {st(1, 1)}, {ld(0), ld(1)}, {ld(1), ld(0)}}},
	{"IRIW+fence.r.rs", [][]access{{st(0, 1)}, {st(1, 1)}, {ld(0), fn(r, r), ld(1)}, {ld(1), fn(r, r), ld(0)}}},
	{"CoRR", [][]access{{st(0, 1)}, {ld(0), ld(0)}}},
	{"CoWR", [][]access{{st(0, 1), ld(0)}, {st(0, 2)}}},
	{"CoRW", [][]access{{ld(0), st(0, 1)}, {st(0, 2)}}},
	{"CoWW", [][]access{{st(0, 1), st(0, 2)}}},
	{"SB+rfi", [][]access{{st(0, 1), ld(0), ld(1)}, {st(1, 1), ld(1), ld(0)}}},
	{"MP+rfi+fence.r.r", [][]access{{st(0, 1), st(1, 1)}, {st(1, 2), ld(1), fn(r, r), ld(0)}}},
}

func TestClassicShapesAgreeWithAxiomaticModels(t *testing.T) {
	for _, name := range []string{"sc", "tso", "rvwmo"} {
		agree := 0
		for i := range classic {
			p := &classic[i]
			op, err := p.finalsOf(newMemory(name))
			if err != nil {
				t.Fatal(err)
			}
			ax, err := p.axiomatic(name)
			if err != nil {
				t.Fatal(err)
			}
			extra, missing := diff(op, ax), diff(ax, op)
			switch {
			case len(extra) == 0 && len(missing) == 0:
				agree++
			default:
				t.Errorf("%s %s: operational only %v; axiomatic only %v", name, p.name, extra, missing)
			}
		}
		t.Logf("%s: %d/%d shapes have exactly the axiomatic outcomes", name, agree, len(classic))
	}
}

// Explore (with reduction and symmetry) runs every shape to completion
// under every model: the engine accepts the models' internal steps and
// agent permutations.
func TestClassicShapesExploreSafely(t *testing.T) {
	for _, name := range []string{"sc", "tso", "rvwmo"} {
		for i := range classic {
			s := classic[i].system(newMemory(name))
			r := model.Explore(context.Background(), s, model.Options{})
			if r.Outcome != model.Safe {
				t.Fatalf("%s %s: %v %s", name, classic[i].name, r.Outcome, r.Why)
			}
		}
	}
}
