package model_test

import (
	"context"
	"strings"
	"testing"

	"github.com/ftcheck/ftcheck/model"
)

// Approximate stores find the same violations (each is replayed) but a
// search that finds nothing is never called safe.
func TestApproximateStoresNeverClaimSafe(t *testing.T) {
	exact := model.Explore(context.Background(), system(t, 4, nil), model.Options{NoReduce: true})
	if exact.Outcome != model.Vacuous { // nothing is patched in the toy: complete, but vacuous
		t.Fatalf("exact: %v", exact.Outcome)
	}
	for _, opt := range []model.Options{
		{NoReduce: true, Store: model.StoreHash},
		{NoReduce: true, Store: model.StoreBitstate, BitstateBytes: 1 << 20},
	} {
		r := model.Explore(context.Background(), system(t, 4, nil), opt)
		if r.Outcome != model.Incomplete || !strings.Contains(r.Why, "no violation found") {
			t.Errorf("%v: %v (%s), want incomplete with the caveat", opt.Store, r.Outcome, r.Why)
		}
		// The toy graph is tiny: no collision, the same states.
		if r.Stats.States != exact.Stats.States {
			t.Errorf("%v: %d states, exact %d", opt.Store, r.Stats.States, exact.Stats.States)
		}
	}
}

func TestApproximateStoresStillFindMinimalViolations(t *testing.T) {
	for _, s := range []model.StateStore{model.StoreHash, model.StoreBitstate} {
		r := model.Explore(context.Background(), system(t, 2, storeJump), model.Options{Store: s})
		if r.Outcome != model.Violated || len(r.Trace) != 5 {
			t.Errorf("%v: %v with %d steps, want a 5-step violation", s, r.Outcome, len(r.Trace))
		}
	}
}

// A bit array far too small for the graph omits states, and says so.
func TestOverfullBitstateOmitsAndSaysSo(t *testing.T) {
	exact := model.Explore(context.Background(), system(t, 5, nil), model.Options{NoReduce: true, NoSymmetry: true})
	r := model.Explore(context.Background(), system(t, 5, nil), model.Options{NoReduce: true, NoSymmetry: true, Store: model.StoreBitstate, BitstateBytes: 8})
	if r.Outcome != model.Incomplete {
		t.Fatalf("%v", r.Outcome)
	}
	if r.Stats.States >= exact.Stats.States {
		t.Errorf("64 bits for %d states: expected omissions, got %d states", exact.Stats.States, r.Stats.States)
	}
	if !strings.Contains(r.Why, "expected states omitted") {
		t.Errorf("why: %s", r.Why)
	}
}
