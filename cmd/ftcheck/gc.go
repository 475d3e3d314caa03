package main

import (
	"bufio"
	"os"
	"runtime/debug"
	"strconv"
	"strings"
)

// tuneGC trades memory for speed. A search allocates a machine per
// transition and drops most of them at once (their states were seen
// before), so with Go's default GOGC=100 the collector runs every few
// milliseconds and takes a quarter of the CPU. ftcheck lets the heap grow
// to five times the live data instead (GOGC=400), under a memory limit
// that makes the collector work harder before the machine runs out: the
// --max-memory bound when given (so the heap sampled against it is
// mostly live data), else three quarters of physical memory. GOGC or
// GOMEMLIMIT in the environment win; with no known limit nothing changes.
func tuneGC(maxMemory uint64) {
	limit := maxMemory
	if limit == 0 {
		limit = physicalMemory() / 4 * 3
	}
	if limit == 0 {
		return
	}
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(int64(limit))
	}
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(400)
	}
}

// physicalMemory reads MemTotal from /proc/meminfo (0 if unknown).
func physicalMemory() uint64 {
	f, err := os.Open("/proc/meminfo")
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		rest, ok := strings.CutPrefix(sc.Text(), "MemTotal:")
		if !ok {
			continue
		}
		kb, err := strconv.ParseUint(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 10, 64)
		if err != nil {
			return 0
		}
		return kb << 10
	}
	return 0
}
