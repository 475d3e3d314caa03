package memmodel

import (
	"fmt"
	"testing"

	"pgregory.net/rapid"
)

var fenceChoices = []uint8{
	r<<4 | r, w<<4 | w, r<<4 | w, w<<4 | r, rw<<4 | rw,
	r<<4 | rw, rw<<4 | w, w<<4 | rw, rw<<4 | r, fenceTSO,
}

// genProgram draws 2 threads of 1-3 instructions over x and y; each
// thread has at least one memory access; stores write distinct values
// per location so every write can be told apart.
func genProgram(t *rapid.T) *program {
	p := &program{name: "rand"}
	next := map[int]int{}
	for th := 0; th < 2; th++ {
		n := rapid.IntRange(1, 3).Draw(t, fmt.Sprintf("len%d", th))
		var code []access
		accesses := 0
		for i := 0; i < n; i++ {
			kind := rapid.IntRange(0, 4).Draw(t, "kind") // 0-1 load, 2-3 store, 4 fence
			loc := rapid.IntRange(0, 1).Draw(t, "loc")
			if i == n-1 && accesses == 0 && kind == 4 {
				kind = 0
			}
			if kind >= 2 && kind <= 3 && next[loc] == 4 {
				kind = 0 // registers hold store values 1..4 only (program_test.go)
			}
			switch {
			case kind <= 1:
				code = append(code, ld(loc))
				accesses++
			case kind <= 3:
				next[loc]++
				code = append(code, st(loc, next[loc]))
				accesses++
			default:
				code = append(code, access{kind: fence, fence: rapid.SampledFrom(fenceChoices).Draw(t, "fence")})
			}
		}
		p.threads = append(p.threads, code)
	}
	return p
}

// Every SC outcome is a TSO, an RVWMO and an ARMv8 outcome; SC, TSO and
// RVWMO (with promises) equal their axiomatic models.
func TestRandomProgramsAgreeWithAxiomaticModels(tt *testing.T) {
	programs := 0
	exact := map[string]int{}
	outcomes := map[string][2]int{} // axiomatic outcomes, of which operational
	defer func() {
		tt.Logf("%d random programs", programs)
		for _, name := range []string{"sc", "tso", "rvwmo"} {
			o := outcomes[name]
			tt.Logf("%s: %d programs with exactly the axiomatic outcomes; %d of %d axiomatic outcomes produced", name, exact[name], o[1], o[0])
		}
	}()
	rapid.Check(tt, func(t *rapid.T) {
		p := genProgram(t)
		programs++
		ops := map[string]map[string]bool{}
		var err error
		for _, name := range []string{"sc", "tso", "rvwmo"} {
			op, err := p.finalsOf(newMemory(name))
			if err != nil {
				t.Fatal(err)
			}
			ops[name] = op
			ax, err := p.axiomatic(name)
			if err != nil {
				t.Fatal(err)
			}
			extra, missing := diff(op, ax), diff(ax, op)
			o := outcomes[name]
			outcomes[name] = [2]int{o[0] + len(ax), o[1] + len(ax) - len(missing)}
			if len(extra) == 0 && len(missing) == 0 {
				exact[name]++
			}
			if len(extra) > 0 {
				t.Fatalf("%s allows what axiomatic %s forbids: %v\n%s", name, name, extra, p.riscvText(nil))
			}
			if len(missing) > 0 {
				t.Fatalf("%s misses axiomatic outcomes %v\n%s", name, missing, p.riscvText(nil))
			}
		}
		// armv8 against aarch64.cat: armv8_test.go (it needs AArch64 text).
		if ops["armv8"], err = p.finalsOf(newMemory("armv8")); err != nil {
			t.Fatal(err)
		}
		for _, weak := range []string{"tso", "rvwmo", "armv8"} {
			if d := diff(ops["sc"], ops[weak]); len(d) > 0 {
				t.Fatalf("SC outcomes %v not allowed by %s\n%s", d, weak, p.riscvText(nil))
			}
		}
	})
}
