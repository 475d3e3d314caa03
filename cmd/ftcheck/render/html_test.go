package render

import (
	"bytes"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/ftcheck/ftcheck/model"
	"github.com/ftcheck/ftcheck/patchproto"
)

func htmlOf(t *testing.T, in Input) string {
	t.Helper()
	var b bytes.Buffer
	if err := HTML(&b, in); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

func TestHTMLHasALanePerCPUAndEveryStep(t *testing.T) {
	in := pairChange(t)
	page := htmlOf(t, in)
	for _, want := range []string{
		"VIOLATION of torn-pair", in.Result.Violation.Message[:28], "a note", " states, ",
		`<th class="lane" data-lane="0">hart0</th>`, `<th class="lane" data-lane="1">hart1</th>`, `<th class="lane" data-lane="2">patcher</th>`,
		"jalr ra,-1864(ra)", "8b8080e7", "v1 of v0..v1", "v0 (boot)", "task preempted", "park in stop_machine",
		"stop_machine: release CPUs", "ftrace_update_ftrace_func: patch_insn_write",
	} {
		if !strings.Contains(page, want) {
			t.Errorf("page lacks %q", want)
		}
	}
	rows := regexp.MustCompile(`<tr id="step-(\d+)" class="step k-[a-z-]+( violation)?"`).FindAllStringSubmatch(page, -1)
	if len(rows) != len(in.Result.Trace) {
		t.Fatalf("%d step rows, want %d", len(rows), len(in.Result.Trace))
	}
	for i, r := range rows {
		if r[1] != fmt.Sprint(i+1) || (r[2] != "") != (i == len(rows)-1) {
			t.Errorf("row %d: %q (only the last row is the violation)", i+1, r[0])
		}
	}
	// Each step sits in its own lane: one active cell per row.
	if n := strings.Count(page, `<td class="active">`); n != len(rows) {
		t.Errorf("%d active cells for %d rows", n, len(rows))
	}
	if !strings.Contains(page, `<a href="#step-13">`) {
		t.Error("the violating fetch does not link to the store that wrote its version")
	}
}

func TestHTMLIsSelfContained(t *testing.T) {
	page := htmlOf(t, pairChange(t))
	for _, bad := range []string{"<link", " src=", "@import", "url(http", "fetch(", "XMLHttpRequest", "@font-face"} {
		if strings.Contains(page, bad) {
			t.Errorf("page contains %q: it must load nothing", bad)
		}
	}
	// The only URL is the SVG namespace, an identifier that is never fetched.
	urls := regexp.MustCompile(`https?://[^"'\s)]+`).FindAllString(page, -1)
	for _, u := range urls {
		if u != "http://www.w3.org/2000/svg" {
			t.Errorf("page names %s", u)
		}
	}
}

func TestHTMLEscapesEverything(t *testing.T) {
	page := htmlOf(t, nasty(t))
	if n := strings.Count(page, "<script>"); n != 1 {
		t.Errorf("%d <script> tags, want only the page's own", n)
	}
	if n := strings.Count(page, "</script>"); n != 1 {
		t.Errorf("%d </script>, want only the page's own", n)
	}
	for _, bad := range []string{"<b>bold</b>", "torn-pair<i>", `alert("x")`} {
		if strings.Contains(page, bad) {
			t.Errorf("page contains unescaped %q", bad)
		}
	}
	if !strings.Contains(page, "&lt;b&gt;bold&lt;/b&gt;") {
		t.Error("escaped text missing")
	}
}

func TestHTMLSummaryForSafeAndIncomplete(t *testing.T) {
	safe := explored(t, "riscv-jalr", patchproto.Options{Op: "disable", Memory: "sc"}, model.Bounds{})
	cut := explored(t, "riscv-jalr", patchproto.Options{Op: "disable", Memory: "sc"}, model.Bounds{MaxStates: 50})
	for _, c := range []struct {
		in   Input
		want []string
	}{
		{safe, []string{"no violation", "search complete", `<body class="safe">`, "no counterexample"}},
		{cut, []string{"INCOMPLETE", "NOT a proof of safety", `<body class="incomplete">`, "not a proof of safety", "states queued"}},
	} {
		page := htmlOf(t, c.in)
		for _, w := range c.want {
			if !strings.Contains(page, w) {
				t.Errorf("%s page lacks %q", c.in.Result.Outcome, w)
			}
		}
		if strings.Contains(page, "<table") {
			t.Errorf("%s page draws lanes", c.in.Result.Outcome)
		}
	}
}
