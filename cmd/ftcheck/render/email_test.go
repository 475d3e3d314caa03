package render

import (
	"bytes"
	"regexp"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/ftcheck/ftcheck/model"
	"github.com/ftcheck/ftcheck/patchproto"
)

func emailOf(t *testing.T, in Input) string {
	t.Helper()
	var b bytes.Buffer
	if err := Email(&b, in); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

func checkWidth(t *testing.T, name, text string) {
	t.Helper()
	for i, l := range strings.Split(text, "\n") {
		if n := utf8.RuneCountInString(l); n > EmailWidth {
			t.Errorf("%s: line %d has %d columns:\n%s", name, i+1, n, l)
		}
		if strings.HasSuffix(l, " ") {
			t.Errorf("%s: line %d ends in a space", name, i+1)
		}
	}
}

// stepNumbers are the numbers that start a step's first line, in order.
func stepNumbers(text string) []string {
	var ns []string
	for _, m := range regexp.MustCompile(`(?m)^(\d+) +\S`).FindAllStringSubmatch(text, -1) {
		ns = append(ns, m[1])
	}
	return ns
}

func TestEmailFitsIn72Columns(t *testing.T) {
	inputs := map[string]Input{
		"pair-change": pairChange(t),
		"pair-nostop": explored(t, "riscv-pair", patchproto.Options{Variant: "nostop"}, model.Bounds{}),
		"ipi-2":       ipiTrace(t, 2),
		"ipi-4":       ipiTrace(t, 4),
		"nasty":       nasty(t),
		"safe":        explored(t, "riscv-jalr", patchproto.Options{Op: "disable", Memory: "sc"}, model.Bounds{}),
		"incomplete":  explored(t, "riscv-jalr", patchproto.Options{Op: "disable", Memory: "sc"}, model.Bounds{MaxStates: 50}),
	}
	for name, in := range inputs {
		text := emailOf(t, in)
		checkWidth(t, name, text)
		checkColumnsAlign(t, name, text)
		if n := len(stepNumbers(text)); n != len(in.Result.Trace) {
			t.Errorf("%s: %d numbered steps, want %d\n%s", name, n, len(in.Result.Trace), text)
		}
	}
}

// checkColumnsAlign checks that every row of a column layout puts its
// separators where the header does: no cell overflowed its column.
func checkColumnsAlign(t *testing.T, name, text string) {
	t.Helper()
	seps := func(l string, sep rune) []int {
		var at []int
		for i, r := range []rune(l) {
			if r == sep {
				at = append(at, i)
			}
		}
		return at
	}
	var want []int
	for _, l := range strings.Split(text, "\n") {
		if strings.Contains(l, "-+-") {
			want = seps(l, '+')
			continue
		}
		if want == nil || !strings.Contains(l, " | ") && !strings.HasSuffix(l, " |") {
			continue
		}
		if got := seps(l, '|'); len(got) > len(want) || !slices.Equal(got, want[:len(got)]) {
			t.Errorf("%s: separators at %v, want %v:\n%s", name, got, want, l)
		}
	}
}

func TestEmailTwoColumnLayout(t *testing.T) {
	text := emailOf(t, pairChange(t))
	header := regexp.MustCompile(`(?m)^ +hart0 +\| hart1 +\| patcher$`)
	if !header.MatchString(text) {
		t.Fatalf("no hart0 | hart1 | patcher header:\n%s", text)
	}
	for _, want := range []string{
		"VIOLATION of torn-pair", "jalr ra,-1864(ra)", "[v1@13]", "<-- torn-pair",
		"store64 [ftrace_call] =", "task preempted", "ra = 0x3388",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("email lacks %q:\n%s", want, text)
		}
	}
	// The patcher's steps are in the last column, the harts' in theirs.
	for _, l := range strings.Split(text, "\n") {
		if strings.Contains(l, "store64 [ftrace_call]") && strings.Count(l[:strings.Index(l, "store64")], "|") != 2 {
			t.Errorf("store not in the patcher column: %q", l)
		}
	}
}

func TestEmailFallsBackToRowsWhenColumnsDoNotFit(t *testing.T) {
	in := ipiTrace(t, 4) // 4 harts + patcher: five lanes do not fit in 72 columns
	text := emailOf(t, in)
	if strings.Contains(text, " | ") {
		t.Errorf("columns drawn for five lanes:\n%s", text)
	}
	if !regexp.MustCompile(`(?m)^\d+ +hart3 +\S`).MatchString(text) || !regexp.MustCompile(`(?m)^\d+ +patcher +send IPI`).MatchString(text) {
		t.Errorf("rows lack the CPU prefix:\n%s", text)
	}
}

func TestWrap(t *testing.T) {
	for _, c := range []struct {
		s      string
		width  int
		indent string
		want   []string
	}{
		{"a bb ccc dddd", 6, "", []string{"a bb", "ccc", "dddd"}},
		{"abcdefghij", 4, "", []string{"abcd", "efgh", "ij"}},
		{"one two three four", 9, "  ", []string{"one two", "  three", "  four"}},
		{"", 5, "", nil},
	} {
		got := wrapHanging(c.s, c.width, c.indent)
		if strings.Join(got, "|") != strings.Join(c.want, "|") {
			t.Errorf("wrapHanging(%q, %d, %q) = %q, want %q", c.s, c.width, c.indent, got, c.want)
		}
	}
}
