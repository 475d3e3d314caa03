package litmus

import (
	"fmt"
	"strings"
	"testing"

	"github.com/ftcheck/ftcheck/memmodel/axiomatic"
	"pgregory.net/rapid"
)

// outcomes returns the final states (registers and memory) that model
// allows for t.
func outcomes(t *testing.T, test *Test, model string) map[string]bool {
	m, ok := axiomatic.ByName(model)
	if !ok {
		t.Fatalf("no model %s", model)
	}
	res := &Result{}
	seen := map[string]bool{}
	e := &enumeration{t: test, model: m, stop: func() bool { return false }, res: res,
		visit: func(st *finalState) {
			var b strings.Builder
			for i, regs := range st.regs {
				fmt.Fprintf(&b, "%d:%v ", i, regs)
			}
			for _, name := range test.locOrder {
				fmt.Fprintf(&b, "%s=%d ", name, st.mem(test.Locations[name], 8))
			}
			seen[b.String()] = true
		}}
	if why := e.run(); why != "" {
		t.Fatalf("unsupported: %s", why)
	}
	return seen
}

// randomProgram draws a small RISC-V litmus test over locations x and y.
func randomProgram(rt *rapid.T) string {
	nThreads := rapid.IntRange(2, 3).Draw(rt, "threads")
	threads := make([]string, nThreads)
	for i := range threads {
		n := rapid.IntRange(1, 3).Draw(rt, "len")
		var ins []string
		for k := 0; k < n; k++ {
			loc := rapid.SampledFrom([]string{"x5", "x6"}).Draw(rt, "loc")
			switch rapid.IntRange(0, 5).Draw(rt, "op") {
			case 0, 1:
				v := rapid.IntRange(1, 2).Draw(rt, "val")
				ins = append(ins, fmt.Sprintf("ori x1,x0,%d", v), fmt.Sprintf("sw x1,0(%s)", loc))
			case 2, 3:
				ins = append(ins, fmt.Sprintf("lw x%d,0(%s)", 10+k, loc))
			case 4:
				ins = append(ins, rapid.SampledFrom([]string{"fence rw,rw", "fence w,w", "fence r,r", "fence.tso"}).Draw(rt, "fence"))
			case 5:
				ins = append(ins, "ori x1,x0,3", fmt.Sprintf("amoswap.w x%d,x1,(%s)", 10+k, loc))
			}
		}
		threads[i] = strings.Join(ins, ";")
	}
	return rv("random", "exists (x=0)", threads...)
}

// TestSCOutcomesAllowedByWeakerModels: every weaker model allows at least
// the behaviours of sequential consistency.
func TestSCOutcomesAllowedByWeakerModels(t *testing.T) {
	rapid.Check(t, func(rt *rapid.T) {
		src := randomProgram(rt)
		test, err := Parse("random.litmus", []byte(src))
		if err != nil {
			rt.Fatalf("%v\n%s", err, src)
		}
		sc := outcomes(t, test, "sc")
		if len(sc) == 0 {
			rt.Fatalf("SC allows no execution of\n%s", src)
		}
		for _, model := range []string{"tso", "rvwmo", "armv8"} {
			weak := outcomes(t, test, model)
			for st := range sc {
				if !weak[st] {
					rt.Fatalf("%s forbids SC outcome %s of\n%s", model, st, src)
				}
			}
		}
	})
}
