package main

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// FuzzReadReport: whatever a report file holds, replay and merge answer
// with an exit status and a message — never a panic. The corpus starts
// from real reports: a violation, a safe run, a shard.
func FuzzReadReport(f *testing.F) {
	for _, args := range [][]string{
		{"--protocol", "riscv-pair", "--variant", "nostop"},
		{"--protocol", "riscv-jalr", "--memory", "sc", "--check", "torn-pair,stale-fetch", "--harts", "1"},
		{"--protocol", "riscv-jalr", "--memory", "sc", "--check", "torn-pair,stale-fetch", "--harts", "1", "--shard", "1/2"},
	} {
		var out, errOut bytes.Buffer
		run(append([]string{"explore", "--json", "--progress=false"}, args...), &out, &errOut)
		f.Add(out.Bytes())
	}
	f.Add([]byte(`{"format": 99}`))
	f.Add([]byte(`{"shard": {"k": 0, "n": 1000000000000}, "outcome": "violation"}`))
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, data []byte) {
		file := filepath.Join(dir, "r.json")
		if err := os.WriteFile(file, data, 0o644); err != nil {
			t.Fatal(err)
		}
		for _, cmd := range []string{"replay", "merge"} {
			var out, errOut bytes.Buffer
			if code := run([]string{cmd, file}, &out, &errOut); code < 0 || code > exitVacuous {
				t.Fatalf("%s: exit %d", cmd, code)
			}
		}
	})
}
