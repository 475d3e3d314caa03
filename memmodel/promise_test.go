package memmodel

import (
	"context"
	"fmt"
	"testing"

	"github.com/ftcheck/ftcheck/ifetch"
	"github.com/ftcheck/ftcheck/ifetch/riscv"
	"github.com/ftcheck/ftcheck/model"
	"pgregory.net/rapid"
)

// wordsSystem builds a machine for RV64 code (program.system, and
// hand-written code): hart h runs code[h], then ebreak, with x10, x11
// holding x's and y's addresses and x20.. the values 1..4; a patcher with
// no steps.
func wordsSystem(name string, mem model.DataMemory, code [][]uint32) *model.System {
	n := len(code)
	text := make([]uint32, n*codeStride/4)
	for i := range text {
		text[i] = riscv.Ebreak
	}
	m := &model.Machine{Mem: mem}
	for h := range code {
		copy(text[h*codeStride/4:], append(code[h], riscv.Ebreak))
		hart := model.Hart{PC: codeBase + uint64(h)*codeStride}
		for i := range locNames {
			hart.Regs[10+i] = locAddr(i)
		}
		for v := 1; v <= 4; v++ {
			hart.Regs[19+v] = uint64(v)
		}
		m.Harts = append(m.Harts, &hart)
	}
	m.Fetch = ifetch.NewWords(codeBase, text, n)
	s, err := model.NewSystem(model.Config{Name: name, ISA: riscv.ISA{}, Initial: m, HartsStore: true})
	if err != nil {
		panic(err)
	}
	return s
}

// loadPairs returns, for every final state, hart 0's and hart 1's x5.
func loadPairs(t *testing.T, s *model.System) map[string]bool {
	fs, err := model.Finals(context.Background(), s, 200000)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]bool{}
	for _, m := range fs {
		out[fmt.Sprintf("%d,%d", m.Harts[0].Regs[5], m.Harts[1].Regs[5])] = true
	}
	return out
}

// Dependencies order a promised store after the load it depends on, so
// promises never make values out of thin air, while without a dependency
// the load→store reordering is there (riscv.cat and aarch64.cat agree:
// LB with a data or control dependency on both sides is forbidden, with
// one side plain it is allowed); an address dependency orders a load
// after the load that produced its address (MP+fence.w.w+addr).
func TestPromisesRespectDependencies(t *testing.T) {
	const x, y = 10, 11
	ldX, ldY := riscv.Lw(5, x, 0), riscv.Lw(5, y, 0)
	data := func(loc int) uint32 { return riscv.Sw(5, loc, 0) }                                  // store what was loaded
	ctrl := func(loc int) []uint32 { return []uint32{riscv.Beq(5, 0, 8), riscv.Sw(20, loc, 0)} } // store 1 if 1 was loaded
	one := func(loc int) uint32 { return riscv.Sw(20, loc, 0) }
	cat := func(ws ...any) []uint32 {
		var out []uint32
		for _, w := range ws {
			switch w := w.(type) {
			case uint32:
				out = append(out, w)
			case []uint32:
				out = append(out, w...)
			}
		}
		return out
	}
	cases := []struct {
		name    string
		code    [][]uint32
		allowed bool // both loads read 1
	}{
		{"LB+datas", [][]uint32{{ldX, data(y)}, {ldY, data(x)}}, false},
		{"LB+data+po", [][]uint32{{ldX, one(y)}, {ldY, data(x)}}, true},
		{"LB+ctrls", [][]uint32{cat(ldX, ctrl(y)), cat(ldY, ctrl(x))}, false},
		{"LB+ctrl+po", [][]uint32{cat(ldX, ctrl(y)), {ldY, one(x)}}, true},
		{"LB+ctrl+data", [][]uint32{cat(ldX, ctrl(y)), {ldY, data(x)}}, false},
		// A third hart stores x=2: hart 0 can then certify a promise of
		// y=1 (reading x=2), and only the control dependency keeps it
		// from being fulfilled after reading hart 1's x=1.
		{"LB+ctrls+W", [][]uint32{cat(ldX, ctrl(y)), cat(ldY, ctrl(x)), {riscv.Sw(21, x, 0)}}, false},
		{"LB+ctrl+po+W", [][]uint32{cat(ldX, ctrl(y)), {ldY, one(x)}, {riscv.Sw(21, x, 0)}}, true},
	}
	for _, name := range []string{"rvwmo", "armv8"} {
		for _, c := range cases {
			got := loadPairs(t, wordsSystem("deps", newMemory(name), c.code))
			if got["1,1"] != c.allowed || !got["0,0"] {
				t.Errorf("%s %s: outcomes %v; 1,1 allowed: %v", name, c.name, got, c.allowed)
			}
		}
		// MP+fence.w.w+addr: hart 0 writes x, then y = &x; hart 1 loads
		// y, then loads through it. Reading &x and then x's old value
		// is forbidden; without the dependency (a fixed address) allowed.
		for _, dep := range []bool{true, false} {
			ld2 := riscv.Lw(6, 5, 0)
			if !dep {
				ld2 = riscv.Lw(6, x, 0)
			}
			s := wordsSystem("deps", newMemory(name), [][]uint32{{one(x), riscv.Fence(w, w), riscv.Sd(x, y, 0)}, {riscv.Ld(5, y, 0), ld2}})
			fs, err := model.Finals(context.Background(), s, 200000)
			if err != nil {
				t.Fatal(err)
			}
			stale := false
			for _, m := range fs {
				stale = stale || m.Harts[1].Regs[5] == locAddr(0) && m.Harts[1].Regs[6] == 0
			}
			if stale == dep {
				t.Errorf("%s MP+fence.w.w+addr (dependency %v): reading &x then x=0 reachable: %v", name, dep, stale)
			}
		}
	}
}

// genDepProgram draws 2 threads of 1-3 instructions over x and y like
// genProgram, with dependencies: a store may store the latest load's
// register (data) and a branch on it may precede later accesses
// (control).
func genDepProgram(t *rapid.T) *program {
	p := &program{name: "deps"}
	next := map[int]int{}
	for th := 0; th < 2; th++ {
		n := rapid.IntRange(1, 3).Draw(t, fmt.Sprintf("len%d", th))
		var code []access
		loads, accessed := 0, false
		for i := 0; i < n; i++ {
			kind := rapid.IntRange(0, 5).Draw(t, "kind") // 0-1 load, 2 store, 3 data store, 4 branch, 5 fence
			loc := rapid.IntRange(0, 1).Draw(t, "loc")
			if kind >= 3 && kind <= 4 && loads == 0 || kind == 2 && next[loc] == 4 || kind == 5 && i == n-1 && !accessed {
				kind = 0 // (and each thread has at least one access)
			}
			accessed = accessed || kind <= 3
			switch kind {
			case 0, 1:
				code = append(code, ld(loc))
				loads++
			case 2:
				next[loc]++
				code = append(code, st(loc, next[loc]))
			case 3:
				code = append(code, access{kind: store, loc: loc, data: true})
			case 4:
				code = append(code, access{kind: branch})
			default:
				code = append(code, access{kind: fence, fence: rapid.SampledFrom(fenceChoices).Draw(t, "fence")})
			}
		}
		p.threads = append(p.threads, code)
	}
	return p
}

// Programs with data and control dependencies on the machine (RV64
// words) have exactly riscv.cat's outcomes under rvwmo and aarch64.cat's
// under armv8: the register views the machine tracks order promised
// stores after what they depend on, and nothing more.
func TestDependencyProgramsAgreeWithAxiomaticModels(tt *testing.T) {
	programs, exact := 0, map[string]int{}
	defer func() {
		tt.Logf("%d programs with dependencies; exact: rvwmo %d, armv8 %d", programs, exact["rvwmo"], exact["armv8"])
	}()
	rapid.Check(tt, func(t *rapid.T) {
		p := genDepProgram(t)
		programs++
		for _, name := range []string{"rvwmo", "armv8"} {
			op, err := p.finalsOf(newMemory(name))
			if err != nil {
				t.Fatal(err)
			}
			var ax map[string]bool
			text := p.riscvText(nil)
			if name == "armv8" {
				ax, err = p.axiomaticARMv8()
				text = p.aarch64Text(nil)
			} else {
				ax, err = p.axiomatic(name)
			}
			if err != nil {
				t.Fatal(err)
			}
			if extra, missing := diff(op, ax), diff(ax, op); len(extra)+len(missing) > 0 {
				t.Fatalf("%s: operational only %v; axiomatic only %v\n%s", name, extra, missing, text)
			}
			exact[name]++
		}
	})
}
