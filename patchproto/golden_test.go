package patchproto

import (
	"flag"
	"fmt"
	"os"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/ftcheck/ftcheck/checks"
	"github.com/ftcheck/ftcheck/model"
)

var updateGolden = flag.Bool("update-golden", false, "rewrite testdata/configs.golden from the scenario files (after an intended change)")

// exportedFields renders a struct like %+v, leaving out unexported
// fields (a hart's key cache is not part of the configuration).
func exportedFields(v any) string {
	rv := reflect.ValueOf(v)
	var parts []string
	for i := 0; i < rv.NumField(); i++ {
		if f := rv.Type().Field(i); f.IsExported() {
			parts = append(parts, fmt.Sprintf("%s:%+v", f.Name, rv.Field(i).Interface()))
		}
	}
	return "{" + strings.Join(parts, " ") + "}"
}

// dumpConfig renders everything a search depends on: the initial state
// (its key and the boot text word by word), the patcher's steps with
// their kernel annotations, the handlers, bounds, schedule points, the
// symbols and the torn-pair intent.
func dumpConfig(s *model.System) string {
	var b strings.Builder
	c := s.Config
	fmt.Fprintf(&b, "name %s preempt %d hartsstore %v parkexitsync %v\n", c.Name, c.MaxPreempt, c.HartsStore, c.ParkExitSync)
	fmt.Fprintf(&b, "key %x\n", c.Initial.AppendKey(nil))
	for i, h := range c.Initial.Harts {
		fmt.Fprintf(&b, "hart%d %s\n", i, exportedFields(*h))
	}
	for a := uint64(0); a < 0x10000; a += 4 {
		if !c.Initial.Fetch.Contains(a) {
			continue
		}
		if w, _ := c.Initial.Fetch.Fetch(0, a, 0); w != 0 {
			fmt.Fprintf(&b, "text %#x %08x\n", a, w)
		}
		if c.Initial.Fetch.Contains(a+4) == false {
			fmt.Fprintf(&b, "textend %#x\n", a+4)
		}
	}
	for _, op := range c.Patch {
		fmt.Fprintf(&b, "op %+v\n", op)
	}
	for _, h := range c.Handlers {
		fmt.Fprintf(&b, "handler %s\n", h)
	}
	var sched []uint64
	for pc, ok := range c.SchedPoints {
		if ok {
			sched = append(sched, pc)
		}
	}
	slices.Sort(sched)
	fmt.Fprintf(&b, "sched %#x\n", sched)
	fmt.Fprintf(&b, "symbols %v\n", c.Symbols)
	for _, ch := range c.Checks {
		tp, ok := ch.(checks.TornPair)
		if !ok {
			fmt.Fprintf(&b, "check %s\n", ch.Name())
			continue
		}
		var bs []uint64
		for a := range tp.Intent.Boundaries {
			bs = append(bs, a)
		}
		slices.Sort(bs)
		fmt.Fprintf(&b, "torn-pair boundaries %#x\n", bs)
		var froms []uint64
		for a := range tp.Intent.Targets {
			froms = append(froms, a)
		}
		slices.Sort(froms)
		for _, f := range froms {
			ts := slices.Clone(tp.Intent.Targets[f])
			slices.Sort(ts)
			fmt.Fprintf(&b, "torn-pair intend %#x -> %#x\n", f, ts)
		}
		fmt.Fprintf(&b, "torn-pair symbols %v\n", tp.Intent.Symbols)
	}
	return b.String()
}

// goldenConfigs dumps every protocol, variant and operation for a few
// bounds.
func goldenConfigs(t *testing.T) string {
	var b strings.Builder
	for _, p := range All() {
		for _, v := range p.VariantNames() {
			for _, op := range p.Ops {
				for _, harts := range []int{1, 2, 3} {
					for _, calls := range []int{1, 2} {
						for _, pre := range []int{0, 1} {
							o := Options{Variant: v, Op: op, Harts: harts, Calls: calls, Preempt: pre}
							s, _, err := p.Build(o)
							if err != nil {
								t.Fatal(err)
							}
							fmt.Fprintf(&b, "=== %s %+v\n%s", p.Name, o, dumpConfig(s))
						}
					}
				}
			}
		}
	}
	return b.String()
}

// The embedded scenario files build exactly the configurations that the
// Go builders they replaced built (recorded from those builders in
// testdata/configs.golden): text, patcher steps with their annotations,
// handlers, schedule points, symbols and intents, for every protocol,
// variant and op with 1-3 harts, 1-2 calls, preemption 0-1.
func TestScenariosBuildTheRecordedConfigurations(t *testing.T) {
	got := goldenConfigs(t)
	const file = "testdata/configs.golden"
	if *updateGolden {
		if err := os.WriteFile(file, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	if got != string(want) {
		gl, wl := strings.Split(got, "\n"), strings.Split(string(want), "\n")
		for i := range min(len(gl), len(wl)) {
			if gl[i] != wl[i] {
				t.Fatalf("line %d differs:\n got  %s\n want %s", i+1, gl[i], wl[i])
			}
		}
		t.Fatalf("length differs: %d vs %d lines", len(gl), len(wl))
	}
}
