package patchproto

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/ftcheck/ftcheck/model"
)

// Overrides are what one run changes of a configured scenario's search:
// the engine's options (workers, reductions, store, order, shard,
// memory bound, progress) and, where set, the bounds. A nil bound keeps
// the scenario's own (its max-states, max-depth and timeout lines); a
// zero one means no bound, as `--max-states 0` does on the command line.
type Overrides struct {
	// Engine are the search options; its Bounds are not read (the three
	// fields below say which bounds change).
	Engine    model.Options
	MaxStates *int
	MaxDepth  *int
	Timeout   *time.Duration
	// EveryCheck decides every check (model.ExploreChecks): the run goes
	// on after a check's violation to decide the others. Without it the
	// run stops at the first violation of any check, which is what an
	// expect line judges.
	EveryCheck bool
}

// SearchOptions are the engine's options for exploring c with o: the one
// place where a scenario's bounds and a run's overrides are combined, for
// the root API, ftcheck explore and ftcheck test alike. A scenario whose
// final condition names harts (ConcreteHarts) is searched without
// symmetry reduction whatever o says: renumbering harts would change
// what the condition means.
func (c *Configured) SearchOptions(o Overrides) model.Options {
	mo := o.Engine
	mo.Bounds = c.Bounds
	if o.MaxStates != nil {
		mo.MaxStates = *o.MaxStates
	}
	if o.MaxDepth != nil {
		mo.MaxDepth = *o.MaxDepth
	}
	if o.Timeout != nil {
		mo.Timeout = *o.Timeout
	}
	mo.NoSymmetry = mo.NoSymmetry || c.ConcreteHarts
	return mo
}

// Run explores c with o, and returns the options the search ran with
// (the report states them) and its result.
func (c *Configured) Run(ctx context.Context, o Overrides) (model.Options, model.Result) {
	mo := c.SearchOptions(o)
	if o.EveryCheck {
		return mo, model.ExploreChecks(ctx, c.System, mo)
	}
	return mo, model.Explore(ctx, c.System, mo)
}

// SelectChecks keeps only the named checks of c (`--check torn-pair,stale-fetch`);
// a name c does not check is an error that lists the ones it does.
func (c *Configured) SelectChecks(names []string) error {
	have := c.System.CheckNames()
	keep := map[string]bool{}
	for _, n := range names {
		if !slices.Contains(have, n) {
			return fmt.Errorf("--check %s: this configuration does not check %s (it checks %s)", n, n, strings.Join(have, ", "))
		}
		keep[n] = true
	}
	c.System = c.System.Keep(func(name string) bool { return keep[name] })
	return nil
}
