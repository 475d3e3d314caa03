package patchproto

import (
	"testing"
	"time"

	"github.com/ftcheck/ftcheck/model"
)

// A run's overrides replace the scenario's bounds only where set; a set
// zero removes a bound; a scenario whose condition names harts keeps
// symmetry reduction off.
func TestSearchOptionsCombineBoundsOnce(t *testing.T) {
	c := &Configured{Bounds: model.Bounds{MaxStates: 100, MaxDepth: 7, Timeout: time.Second}}
	zero, five := 0, 5
	minute := time.Minute
	for _, tc := range []struct {
		name string
		o    Overrides
		want model.Bounds
	}{
		{"none", Overrides{}, c.Bounds},
		{"engine bounds are not read", Overrides{Engine: model.Options{Bounds: model.Bounds{MaxStates: 1}}}, c.Bounds},
		{"one set", Overrides{MaxDepth: &five}, model.Bounds{MaxStates: 100, MaxDepth: 5, Timeout: time.Second}},
		{"zero removes", Overrides{MaxStates: &zero, Timeout: &minute}, model.Bounds{MaxDepth: 7, Timeout: time.Minute}},
	} {
		if got := c.SearchOptions(tc.o).Bounds; got != tc.want {
			t.Errorf("%s: bounds %+v, want %+v", tc.name, got, tc.want)
		}
	}
	if c.SearchOptions(Overrides{}).NoSymmetry {
		t.Error("symmetry off without being asked")
	}
	c.ConcreteHarts = true
	if !c.SearchOptions(Overrides{}).NoSymmetry {
		t.Error("a condition naming harts kept symmetry reduction on")
	}
}
