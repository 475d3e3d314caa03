package patchproto

import (
	"strings"
	"testing"

	"github.com/ftcheck/ftcheck/model"
)

// R-16 (ca358692de41): without the fence w,o before the SBI remote
// fence.i, a hart fetches the old call site after flush_icache_all()
// returned, under TSO and RVWMO; SC and the fenced variant are safe.
func TestRISCVJalrR16StaleFetch(t *testing.T) {
	for _, c := range []struct {
		variant, memory string
		steps           int // 0: safe
	}{
		{"r16", "sc", 0},
		{"r16", "tso", 11},
		{"r16", "rvwmo", 11},
		{"sites", "tso", 0},
		{"sites", "rvwmo", 0},
	} {
		r, _ := explore(t, "riscv-jalr", Options{Variant: c.variant, Memory: c.memory, Op: "enable", Harts: 2, Preempt: 1}, model.Options{})
		switch {
		case c.steps == 0 && r.Outcome != model.Safe:
			t.Errorf("%s %s: %v %v", c.variant, c.memory, r.Outcome, r.Violation)
		case c.steps > 0 && (r.Outcome != model.Violated || r.Violation.Check != "stale-fetch" || len(r.Trace) != c.steps):
			t.Errorf("%s %s: %v %v, %d steps, want stale-fetch in %d", c.variant, c.memory, r.Outcome, r.Violation, len(r.Trace), c.steps)
		}
		if c.steps > 0 {
			// The IPI is taken before the text store reaches memory.
			var take, drain int
			for i, e := range r.Trace {
				if strings.HasPrefix(e.Text, "take IPI ipi_remote_fence_i") && take == 0 {
					take = i + 1
				}
				if e.Actor == "memory" {
					drain = i + 1
				}
			}
			if take == 0 || drain <= take {
				t.Errorf("%s %s: IPI taken at step %d, store visible at step %d", c.variant, c.memory, take, drain)
			}
		}
	}
}

// The hotplug variants are safe for the file's own checks (R-10 needs
// stale-dest: docs/races.md), and the hart coming online is a step of
// its own.
func TestRISCVJalrHotplugVariants(t *testing.T) {
	for _, v := range []string{"hotplug", "hotplug_mb"} {
		r, s := exploreOnly(t, "riscv-jalr", Options{Variant: v, Op: "change", Harts: 2, Preempt: 1}, model.Options{}, "torn-pair")
		if r.Outcome != model.Safe || r.Symmetric {
			t.Errorf("%s: %v, symmetric %v", v, r.Outcome, r.Symmetric)
		}
		if h := s.Initial.Harts; h[0].Offline || !h[1].Offline {
			t.Errorf("%s: offline %v %v, want hart1 only", v, h[0].Offline, h[1].Offline)
		}
	}
}
