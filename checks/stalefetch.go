package checks

import (
	"fmt"

	"github.com/ftcheck/ftcheck/model"
)

// StaleFetch is the stale-fetch check: once the patcher has run its
// whole protocol — its last step is the remote instruction-fetch sync,
// flush_icache_all() on RISC-V (arch/riscv/mm/cacheflush.c) — no hart may
// fetch a text unit in a version older than the newest one written. That
// is what the sync is for, and what R-16 breaks: an IPI that overtakes the
// text store still in the patcher's store buffer lets the target's
// fence.i run before the store is visible, so the target keeps fetching
// the old instruction afterwards (ca358692de41 added RISCV_FENCE(w, o)
// before sbi_remote_fence_i / on_each_cpu).
//
// A protocol that ends without such a sync (arm64 relies on the
// architecture's eventual coherence) must not enable the check.
type StaleFetch struct{ Symbols model.Symbols }

// StaleFetchDef is stale-fetch in the registry. Its section takes no
// lines: the fetch model says which version each fetch returned.
var StaleFetchDef = &Def{
	Name:    "stale-fetch",
	Doc:     "a hart fetches an older version of patched text after the patcher finished its protocol (its final remote fence.i did not reach the hart's fetch: R-16)",
	Subject: model.SubjectText,
	Parse:   noLines("the fetch model says which version each fetch returned", buildStaleFetch),
}

func buildStaleFetch(sc Scenario) (Wiring, error) {
	return Wiring{Check: StaleFetch{Symbols: sc.Symbols()}}, nil
}

func (StaleFetch) Name() string { return StaleFetchDef.Name }

// Subject is what the check judges, for coverage (model.Coverage).
func (StaleFetch) Subject() model.Subject { return StaleFetchDef.Subject }

func (c StaleFetch) Inspect(t *model.Transition) *model.Violation {
	if t.Label.Action != model.ActExec || !t.FetchedStale() || !t.Sys.PatcherDone(t.Before) {
		return nil
	}
	return &model.Violation{Check: c.Name(), Message: fmt.Sprintf("hart%d at %s fetched an old version of the patched text after the patcher finished (its final instruction-fetch sync)", t.Label.Actor, c.Symbols.Name(t.Event.PC))}
}
