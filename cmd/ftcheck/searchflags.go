package main

import (
	"flag"
	"fmt"
	"os"
	"runtime"
	"runtime/pprof"
	"strconv"
	"strings"

	"github.com/ftcheck/ftcheck/model"
)

// searchFlags are the knobs of the search itself (not of the protocol).
type searchFlags struct {
	workers   *int
	maxMemory *string
	shard     *string
	store     *string
	order     *string
	bitstate  *string
	cpuProf   *string
}

func registerSearchFlags(fs *flag.FlagSet) *searchFlags {
	return &searchFlags{
		workers:   fs.Int("workers", runtime.GOMAXPROCS(0), "goroutines expanding each search level (results do not depend on it)"),
		maxMemory: fs.String("max-memory", "", "stop (incomplete) when the heap exceeds this, e.g. 2GiB or 512MiB"),
		shard:     fs.String("shard", "", "explore slice K of N (K/N) of the search; combine the JSON reports with ftcheck merge"),
		order:     fs.String("search", "bfs", "bfs (breadth first: shortest traces) or dfs (depth first, a stack per worker: less memory; a trace it finds is then made minimal breadth first)"),
		store:     fs.String("store", "exact", "how visited states are kept: exact (a proof), hash (64-bit hash compaction) or bitstate (fixed bit array); hash and bitstate never report safe"),
		bitstate:  fs.String("bitstate-size", "64MiB", "the bit array of --store bitstate"),
		cpuProf:   fs.String("cpuprofile", "", "write a CPU profile of the search to FILE (go tool pprof)"),
	}
}

// profile starts the CPU profile --cpuprofile asks for; the returned
// function stops it (a no-op without the flag).
func (f *searchFlags) profile() (stop func(), err error) {
	if *f.cpuProf == "" {
		return func() {}, nil
	}
	out, err := os.Create(*f.cpuProf)
	if err != nil {
		return nil, fmt.Errorf("--cpuprofile: %v", err)
	}
	if err := pprof.StartCPUProfile(out); err != nil {
		out.Close()
		return nil, fmt.Errorf("--cpuprofile: %v", err)
	}
	return func() { pprof.StopCPUProfile(); out.Close() }, nil
}

// apply puts the flags into the search options.
func (f *searchFlags) apply(o *model.Options) error {
	if *f.workers < 1 {
		return fmt.Errorf("--workers %d: want at least 1", *f.workers)
	}
	o.Workers = *f.workers
	switch *f.store {
	case "exact":
		o.Store = model.StoreExact
	case "hash":
		o.Store = model.StoreHash
	case "bitstate":
		o.Store = model.StoreBitstate
		n, err := parseBytes(*f.bitstate)
		if err != nil {
			return fmt.Errorf("--bitstate-size: %v", err)
		}
		o.BitstateBytes = n
	default:
		return fmt.Errorf("--store %q: want exact, hash or bitstate", *f.store)
	}
	switch *f.order {
	case "bfs":
		o.Order = model.BreadthFirst
	case "dfs":
		o.Order = model.DepthFirst
		if o.Store == model.StoreBitstate || *f.shard != "" {
			return fmt.Errorf("--search dfs checks the cycle proviso after the search, which needs --store exact or hash and no --shard")
		}
	default:
		return fmt.Errorf("--search %q: want bfs or dfs", *f.order)
	}
	if *f.maxMemory != "" {
		n, err := parseBytes(*f.maxMemory)
		if err != nil {
			return fmt.Errorf("--max-memory: %v", err)
		}
		o.MaxMemory = n
	}
	tuneGC(o.MaxMemory)
	if *f.shard != "" {
		k, n, ok := strings.Cut(*f.shard, "/")
		ki, err1 := strconv.Atoi(k)
		ni, err2 := strconv.Atoi(n)
		if !ok || err1 != nil || err2 != nil || ni < 1 || ki < 1 || ki > ni {
			return fmt.Errorf("--shard %q: want K/N with 1 <= K <= N", *f.shard)
		}
		if ni > maxShards {
			// merge could never combine them.
			return fmt.Errorf("--shard %q: at most %d shards (ftcheck merge combines no more)", *f.shard, maxShards)
		}
		o.Shard = model.Shard{K: ki, N: ni}
	}
	return nil
}

// parseBytes reads 123, 512MiB, 2GiB, 1.5GB.
func parseBytes(s string) (uint64, error) {
	units := []struct {
		suffix string
		mult   float64
	}{{"GiB", 1 << 30}, {"MiB", 1 << 20}, {"KiB", 1 << 10}, {"GB", 1e9}, {"MB", 1e6}, {"KB", 1e3}, {"B", 1}}
	mult := 1.0
	for _, u := range units {
		if strings.HasSuffix(s, u.suffix) {
			s, mult = strings.TrimSuffix(s, u.suffix), u.mult
			break
		}
	}
	v, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	if err != nil || v <= 0 {
		return 0, fmt.Errorf("%q is not a positive size (e.g. 512MiB, 2GiB)", s)
	}
	return uint64(v * mult), nil
}
