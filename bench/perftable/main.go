// Command perftable measures how ftcheck's search cost grows with harts
// and call sites, with and without its reductions, breadth first and
// depth first (workers column "dfs N") on one and two workers, and prints
// the table of docs/performance.md.
//
//	go run ./bench/perftable [-protocol riscv-jalr] [-memory sc] [-harts 2,3,4,5,6] [-calls 1,2,3,4]
//
// Each cell is one exhaustive search, bounded by -max-states and -timeout
// so that the table finishes: a cell that hits a bound is printed as
// "> N states" (incomplete), never as a figure it did not reach.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/ftcheck/ftcheck/model"
	"github.com/ftcheck/ftcheck/patchproto"
)

func main() {
	protocol := flag.String("protocol", "riscv-jalr", "built-in protocol")
	memory := flag.String("memory", "", "memory model (default: the protocol's)")
	hartsList := flag.String("harts", "2,3,4,5,6", "hart counts")
	callsList := flag.String("calls", "1,2,3,4", "call sites (calls per task)")
	maxStates := flag.Int("max-states", 3_000_000, "state bound per cell")
	timeout := flag.Duration("timeout", 90*time.Second, "time bound per cell")
	flag.Parse()

	p, err := patchproto.Lookup(*protocol)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	harts, err1 := ints(*hartsList)
	calls, err2 := ints(*callsList)
	if err1 != nil || err2 != nil {
		fmt.Fprintln(os.Stderr, "perftable: -harts and -calls are comma-separated numbers")
		os.Exit(2)
	}
	fmt.Printf("%s, memory %s, %s, GOMAXPROCS %d, bounds %d states / %s per cell\n\n",
		*protocol, orDefault(*memory), runtime.Version(), runtime.GOMAXPROCS(0), *maxStates, *timeout)
	fmt.Println("| harts | calls | reductions | workers | outcome | states | transitions | time | states/s | peak heap |")
	fmt.Println("|---|---|---|---|---|---|---|---|---|---|")
	for _, c := range calls {
		for _, h := range harts {
			s, _, err := p.Build(patchproto.Options{Harts: h, Calls: c, Memory: *memory})
			if err != nil {
				fmt.Fprintln(os.Stderr, err)
				os.Exit(2)
			}
			full := false // once the unreduced search is out of reach, larger ones are too
			for _, mode := range []struct {
				name string
				opt  model.Options
			}{
				{"POR + symmetry", model.Options{}},
				{"none", model.Options{NoReduce: true, NoSymmetry: true}},
			} {
				if mode.name == "none" && full {
					continue
				}
				for _, run := range []struct {
					name    string // the workers column
					workers int
					order   model.SearchOrder
				}{{"1", 1, model.BreadthFirst}, {"2", 2, model.BreadthFirst}, {"dfs 1", 1, model.DepthFirst}, {"dfs 2", 2, model.DepthFirst}} {
					opt := mode.opt
					opt.Workers, opt.Order = run.workers, run.order
					opt.MaxStates, opt.Timeout = *maxStates, *timeout
					runtime.GC()
					r := model.Explore(context.Background(), s, opt)
					st := r.Stats
					states := fmt.Sprint(st.States)
					if r.Outcome == model.Incomplete {
						states = "> " + states
						if mode.name == "none" {
							full = true
						}
					}
					fmt.Printf("| %d | %d | %s | %s | %s | %s | %d | %.2f s | %.0f | %d MiB |\n",
						h, c, mode.name, run.name, r.Outcome, states, st.Transitions, st.Elapsed.Seconds(),
						float64(st.States)/st.Elapsed.Seconds(), st.PeakHeap>>20)
					if r.Outcome == model.Incomplete {
						break // the other runs would hit the same bound
					}
				}
			}
		}
	}
}

func ints(s string) ([]int, error) {
	var out []int
	for _, f := range strings.Split(s, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n < 1 {
			return nil, fmt.Errorf("bad number %q", f)
		}
		out = append(out, n)
	}
	return out, nil
}

func orDefault(s string) string {
	if s == "" {
		return "(the protocol's)"
	}
	return s
}
