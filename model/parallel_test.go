package model_test

import (
	"context"
	"testing"

	"github.com/ftcheck/ftcheck/model"
)

func labelsOf(r model.Result) []model.Label {
	var ls []model.Label
	for _, e := range r.Trace {
		ls = append(ls, e.Label)
	}
	return ls
}

func sameResult(t *testing.T, what string, a, b model.Result) {
	t.Helper()
	if a.Outcome != b.Outcome || a.Stats.States != b.Stats.States || a.Stats.Transitions != b.Stats.Transitions || len(a.Trace) != len(b.Trace) {
		t.Fatalf("%s: %v/%d/%d/%d vs %v/%d/%d/%d", what, a.Outcome, a.Stats.States, a.Stats.Transitions, len(a.Trace),
			b.Outcome, b.Stats.States, b.Stats.Transitions, len(b.Trace))
	}
	la, lb := labelsOf(a), labelsOf(b)
	for i := range la {
		if !la[i].Equal(lb[i]) {
			t.Fatalf("%s: traces differ at step %d", what, i+1)
		}
	}
}

func TestWorkersGiveTheSameResult(t *testing.T) {
	for _, patch := range [][]model.PatchOp{nil, storeJump} {
		one := model.Explore(context.Background(), system(t, 4, patch), model.Options{})
		for _, n := range []int{2, 3, 8} {
			many := model.Explore(context.Background(), system(t, 4, patch), model.Options{Workers: n})
			sameResult(t, "workers", one, many)
		}
	}
}

func TestShardsCoverTheSearch(t *testing.T) {
	for _, patch := range [][]model.PatchOp{nil, storeJump} {
		whole := model.Explore(context.Background(), system(t, 5, patch), model.Options{NoSymmetry: true, NoReduce: true})
		var parts []model.Result
		for k := 1; k <= 3; k++ {
			parts = append(parts, model.Explore(context.Background(), system(t, 5, patch), model.Options{NoSymmetry: true, NoReduce: true, Shard: model.Shard{K: k, N: 3}}))
		}
		for _, p := range parts {
			if p.Outcome == model.Safe && p.Stats.States >= whole.Stats.States {
				t.Fatalf("a shard explored everything (%d states): the search was not split", p.Stats.States)
			}
		}
		merged, err := model.Merge(parts)
		if err != nil {
			t.Fatal(err)
		}
		if merged.Outcome != whole.Outcome || len(merged.Trace) != len(whole.Trace) {
			t.Fatalf("merged %v (%d steps), whole %v (%d steps)", merged.Outcome, len(merged.Trace), whole.Outcome, len(whole.Trace))
		}
		if merged.Stats.States < whole.Stats.States {
			t.Fatalf("shards explored %d states in all, fewer than the %d of the whole search", merged.Stats.States, whole.Stats.States)
		}
	}
}

func TestMemoryBoundStopsIncomplete(t *testing.T) {
	r := model.Explore(context.Background(), system(t, 5, nil), model.Options{MaxMemory: 1})
	if r.Outcome != model.Incomplete {
		t.Fatalf("%v", r.Outcome)
	}
}
