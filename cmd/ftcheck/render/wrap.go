package render

import (
	"strings"
	"unicode/utf8"
)

// EmailWidth is the widest line Email writes: mail clients and list
// archives wrap anything longer, and a wrapped trace is unreadable.
const EmailWidth = 72

// wrap breaks s into lines of at most width columns (runes), at spaces
// where it can and inside a word only when the word alone is too long.
func wrap(s string, width int) []string { return wrapHanging(s, width, "") }

// wrapHanging is wrap with every line after the first indented by indent
// (and still at most width columns).
func wrapHanging(s string, width int, indent string) []string {
	limit := width
	var lines []string
	line := ""
	flush := func() {
		if len(lines) > 0 {
			line = indent + line
		}
		lines, line = append(lines, line), ""
		limit = max(width-utf8.RuneCountInString(indent), 1)
	}
	for _, word := range strings.Fields(s) {
		if line != "" && utf8.RuneCountInString(line)+1+utf8.RuneCountInString(word) <= limit {
			line += " " + word
			continue
		}
		if line != "" {
			flush()
		}
		for utf8.RuneCountInString(word) > limit {
			line, word = splitRunes(word, limit)
			flush()
		}
		line = word
	}
	if line != "" {
		flush()
	}
	return lines
}

func splitRunes(s string, n int) (string, string) {
	i := 0
	for k := range s {
		if i == n {
			return s[:k], s[k:]
		}
		i++
	}
	return s, ""
}

// pad fills s with spaces to width runes.
func pad(s string, width int) string {
	if n := utf8.RuneCountInString(s); n < width {
		return s + strings.Repeat(" ", width-n)
	}
	return s
}
