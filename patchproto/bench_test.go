package patchproto

import (
	"context"
	"fmt"
	"runtime"
	"testing"

	"github.com/ftcheck/ftcheck/model"
)

// BenchmarkRISCVJalr explores riscv-jalr exhaustively (enable, SC) with
// 2, 3 and 4 harts and reports states, transitions, states/s and the
// peak heap of the search.
func BenchmarkRISCVJalr(b *testing.B) {
	benchRISCVJalr(b, "sc", 1, 2, 3, 4)
}

// BenchmarkRISCVJalrWorkers2 is the same search with two workers (the
// result is the same; the time shows how far the search scales).
func BenchmarkRISCVJalrWorkers2(b *testing.B) {
	benchRISCVJalr(b, "sc", 2, 3, 4)
}

// BenchmarkRISCVJalrRVWMO is the same search under RVWMO, two workers
// (the target: 4 harts in under a second).
func BenchmarkRISCVJalrRVWMO(b *testing.B) {
	benchRISCVJalr(b, "rvwmo", 2, 2, 3, 4)
}

// BenchmarkRISCVJalrNaive explores every interleaving, hart numbering
// kept, one worker: the raw speed of making and storing states (the
// figure to hold against SPIN's states per second).
func BenchmarkRISCVJalrNaive(b *testing.B) {
	benchRISCVJalrWith(b, "sc", 1, model.Options{Workers: 1, NoReduce: true, NoSymmetry: true}, 2, 3)
}

// BenchmarkRISCVJalrNaiveDFS is the naive search depth first (one
// goroutine, storage of already-seen successors reused at once).
func BenchmarkRISCVJalrNaiveDFS(b *testing.B) {
	benchRISCVJalrWith(b, "sc", 1, model.Options{Order: model.DepthFirst, NoReduce: true, NoSymmetry: true}, 2, 3)
}

// BenchmarkRISCVJalrCalls2 is a larger search (2 calls per hart), one
// and two workers: long enough to show how the search scales.
func BenchmarkRISCVJalrCalls2(b *testing.B) {
	for _, workers := range []int{1, 2} {
		b.Run(fmt.Sprintf("workers=%d", workers), func(b *testing.B) {
			benchRISCVJalrWith(b, "sc", 2, model.Options{Workers: workers}, 3, 4)
		})
	}
}

// BenchmarkARM64ARMv8 explores arm64 (merged, enable) under armv8, two
// workers, with 2 and 3 harts: the arm64 side of the promise cost.
func BenchmarkARM64ARMv8(b *testing.B) {
	benchProtocolWith(b, "arm64", "armv8", 1, model.Options{Workers: 2}, 2, 3)
}

func benchRISCVJalr(b *testing.B, memory string, workers int, hartCounts ...int) {
	benchRISCVJalrWith(b, memory, 1, model.Options{Workers: workers}, hartCounts...)
}

func benchRISCVJalrWith(b *testing.B, memory string, calls int, opt model.Options, hartCounts ...int) {
	benchProtocolWith(b, "riscv-jalr", memory, calls, opt, hartCounts...)
}

func benchProtocolWith(b *testing.B, protocol, memory string, calls int, opt model.Options, hartCounts ...int) {
	for _, harts := range hartCounts {
		b.Run(fmt.Sprintf("harts=%d", harts), func(b *testing.B) {
			p, _ := Lookup(protocol)
			s, _, err := p.Build(Options{Harts: harts, Calls: calls, Memory: memory})
			if err != nil {
				b.Fatal(err)
			}
			var r model.Result
			for i := 0; i < b.N; i++ {
				runtime.GC()
				r = model.Explore(context.Background(), s, opt)
				if r.Outcome != model.Safe {
					b.Fatalf("%v %v", r.Outcome, r.Violation)
				}
			}
			b.ReportMetric(float64(r.Stats.States), "states")
			b.ReportMetric(float64(r.Stats.Transitions), "transitions")
			b.ReportMetric(float64(r.Stats.States)/r.Stats.Elapsed.Seconds(), "states/s")
			b.ReportMetric(float64(r.Stats.PeakHeap)/(1<<20), "peak-MiB")
		})
	}
}
