package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// The state counts README.md and docs/ quote come from the commands they
// show: each "$ go run ./cmd/ftcheck explore ..." or "$ ftcheck explore
// ..." block's result line must carry the states, transitions and depth
// the command prints today (file names in the commands are relative to
// the repository's root).
func TestREADMECountsAreWhatTheCommandsPrint(t *testing.T) {
	docs, _ := filepath.Glob("../../docs/*.md")
	for _, file := range append([]string{"../../README.md"}, docs...) {
		checkQuotedCounts(t, file)
	}
}

func checkQuotedCounts(t *testing.T, file string) {
	text, err := os.ReadFile(file)
	if err != nil {
		t.Skipf("no %s beside the package: %v", file, err)
	}
	cmdRE := regexp.MustCompile("(?m)^\\$ (?:go run ./cmd/)?ftcheck (explore [^\\n]*)$")
	countRE := regexp.MustCompile(`(\d+) states, (\d+) transitions, depth (\d+)`)
	blocks := cmdRE.FindAllSubmatchIndex(text, -1)
	if len(blocks) == 0 && strings.HasSuffix(file, "README.md") {
		t.Fatal("README.md shows no explore command: the test tests nothing")
	}
	for i, b := range blocks {
		end := len(text)
		if i+1 < len(blocks) {
			end = blocks[i+1][0]
		}
		if j := strings.Index(string(text[b[1]:end]), "```"); j >= 0 {
			end = b[1] + j
		}
		quoted := countRE.FindStringSubmatch(string(text[b[1]:end]))
		if quoted == nil {
			continue // a command shown without its counts
		}
		args := append(strings.Fields(string(text[b[2]:b[3]])), "--progress=false")
		for j, a := range args {
			if _, err := os.Stat(filepath.Join("../..", a)); err == nil && !strings.HasPrefix(a, "-") {
				args[j] = filepath.Join("../..", a)
			}
		}
		_, out, _ := ftcheck(args...)
		got := countRE.FindStringSubmatch(out)
		if got == nil || got[0] != quoted[0] {
			t.Errorf("%s: %q quotes %q; the command prints %q", file, text[b[2]:b[3]], quoted[0], got)
		}
	}
}
