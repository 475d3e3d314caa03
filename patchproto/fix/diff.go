package fix

import (
	"fmt"
	"strings"
)

// diffContext is the unified diff's lines of context.
const diffContext = 3

type diffOp struct {
	kind byte // ' ', '-', '+'
	text string
}

// unifiedDiff is the diff of the file before and after the edits, as
// diff -u writes it, with path in the headers (a/PATH, b/PATH).
func unifiedDiff(path string, text []byte, edits []Edit) string {
	old := strings.Split(string(text), "\n")
	repl := map[int][]string{}
	ins := map[int][]string{}
	for _, h := range hunks(edits) {
		if h.Delete > 0 {
			repl[h.Line] = h.Insert
		} else {
			ins[h.Line] = append(ins[h.Line], h.Insert...)
		}
	}
	var ops []diffOp
	for i := 1; i <= len(old)+1; i++ {
		for _, s := range ins[i] {
			ops = append(ops, diffOp{'+', s})
		}
		if i > len(old) {
			break
		}
		if r, ok := repl[i]; ok {
			ops = append(ops, diffOp{'-', old[i-1]})
			for _, s := range r {
				ops = append(ops, diffOp{'+', s})
			}
		} else {
			ops = append(ops, diffOp{' ', old[i-1]})
		}
	}
	// A file ending in a newline splits into a last empty line: no line.
	if n := len(ops); n > 0 && ops[n-1].kind == ' ' && ops[n-1].text == "" && strings.HasSuffix(string(text), "\n") {
		ops = ops[:n-1]
	}
	var b strings.Builder
	fmt.Fprintf(&b, "--- a/%s\n+++ b/%s\n", path, path)
	for i := 0; i < len(ops); {
		if ops[i].kind == ' ' {
			i++
			continue
		}
		// A hunk: from diffContext lines before the change to
		// diffContext lines after the last change within reach.
		start := max(i-diffContext, 0)
		end := i
		for j := i; j < len(ops); j++ {
			if ops[j].kind != ' ' {
				end = j
			} else if j-end > 2*diffContext {
				break
			}
		}
		stop := min(end+diffContext+1, len(ops))
		oldStart, newStart := 1, 1
		for _, o := range ops[:start] {
			if o.kind != '+' {
				oldStart++
			}
			if o.kind != '-' {
				newStart++
			}
		}
		oldN, newN := 0, 0
		for _, o := range ops[start:stop] {
			if o.kind != '+' {
				oldN++
			}
			if o.kind != '-' {
				newN++
			}
		}
		fmt.Fprintf(&b, "@@ -%s +%s @@\n", hunkRange(oldStart, oldN), hunkRange(newStart, newN))
		for _, o := range ops[start:stop] {
			b.WriteByte(o.kind)
			b.WriteString(o.text)
			b.WriteByte('\n')
		}
		i = stop
	}
	return b.String()
}

// hunkRange is diff -u's START,COUNT (START alone for one line; an empty
// range names the line before it).
func hunkRange(start, n int) string {
	switch n {
	case 1:
		return fmt.Sprint(start)
	case 0:
		return fmt.Sprintf("%d,0", start-1)
	}
	return fmt.Sprintf("%d,%d", start, n)
}
