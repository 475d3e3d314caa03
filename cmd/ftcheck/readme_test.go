package main

import (
	"os"
	"regexp"
	"strings"
	"testing"
)

// The state counts README.md quotes come from the commands it shows:
// each "$ go run ./cmd/ftcheck explore ..." block's result line must
// carry the states, transitions and depth the command prints today.
func TestREADMECountsAreWhatTheCommandsPrint(t *testing.T) {
	text, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Skipf("no README.md beside the package: %v", err)
	}
	cmdRE := regexp.MustCompile("(?m)^\\$ go run ./cmd/ftcheck (explore [^\\n]*)$")
	countRE := regexp.MustCompile(`(\d+) states, (\d+) transitions, depth (\d+)`)
	blocks := cmdRE.FindAllSubmatchIndex(text, -1)
	if len(blocks) == 0 {
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
		_, out, _ := ftcheck(args...)
		got := countRE.FindStringSubmatch(out)
		if got == nil || got[0] != quoted[0] {
			t.Errorf("README.md: %q quotes %q; the command prints %q", text[b[2]:b[3]], quoted[0], got)
		}
	}
}
