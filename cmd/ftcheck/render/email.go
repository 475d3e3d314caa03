package render

import (
	"bufio"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"
)

// minColumn is the narrowest lane worth drawing side by side: below it
// most instructions wrap, and one row per step reads better.
const minColumn = 16

// Email writes the result as plain text for a mailing-list reply: every
// line at most EmailWidth columns, the trace drawn the way reviewers draw
// races, one column per CPU ("hart0 | patcher"), or one row per step with
// the CPU in front when the columns would not fit.
func Email(w io.Writer, in Input) error {
	bw := bufio.NewWriter(w)
	out := func(lines ...string) {
		for _, l := range lines {
			bw.WriteString(strings.TrimRight(l, " ") + "\n")
		}
	}
	out(wrapHanging("ftcheck: "+in.headline(), EmailWidth, "  ")...)
	out(wrapHanging(in.title(), EmailWidth, "  ")...)
	out("")
	if v := in.Result.Violation; v != nil {
		out(wrap(v.Message, EmailWidth)...)
		out("")
	}
	out(wrapHanging("bounds: "+in.Bounds, EmailWidth, "        ")...)
	out(wrapHanging("search: "+in.counts(), EmailWidth, "        ")...)
	for _, n := range in.Notes {
		for _, l := range wrap(n, EmailWidth-8) {
			out("        " + l)
		}
	}
	if len(in.Result.Trace) > 0 && in.Result.Violation != nil {
		s := in.story()
		out("")
		out(wrap(fmt.Sprintf("Minimal counterexample, %d steps (no violating execution within the bounds is shorter). [vN] marks a fetch of a word the patcher rewrote: v0 is the boot text, vN@S the version step S wrote.", len(s.Steps)), EmailWidth)...)
		out("")
		if !emailColumns(s, out) {
			emailRows(s, out)
		}
	}
	return bw.Flush()
}

// emailColumns draws one column per lane; false if they do not fit.
func emailColumns(s *story, out func(...string)) bool {
	numW := len(strconv.Itoa(len(s.Steps))) + 1
	cols := len(s.Lanes)
	whys := whyChanges(s)
	widths := columnWidths(s, whys, EmailWidth-numW-3*(cols-1))
	if widths == nil {
		return false
	}
	row := func(num string, cells []string) string {
		var b strings.Builder
		b.WriteString(pad(num, numW))
		for i, c := range cells {
			if i > 0 {
				b.WriteString(" | ")
			}
			b.WriteString(pad(c, widths[i]))
		}
		return b.String()
	}
	names := make([]string, cols)
	rules := make([]string, cols)
	for i, l := range s.Lanes {
		names[i] = l.Name
		rules[i] = strings.Repeat("-", widths[i])
	}
	out(row("", names), strings.ReplaceAll(row("", rules), " | ", "-+-"))
	for _, st := range s.Steps {
		col := laneColumn(s, st.Lane)
		lines := cellLines(st, whys[st.N], widths[col])
		for k, l := range lines {
			cells := make([]string, cols)
			cells[col] = l
			num := ""
			if k == 0 {
				num = strconv.Itoa(st.N)
			}
			out(row(num, cells))
		}
	}
	return true
}

// columnWidths shares avail columns among the lanes so that the table
// is as short as it can be: each lane starts at minColumn (less if its
// widest line is shorter), and each further column goes where it saves
// the most wrapped lines, so a hart that only parks does not squeeze the
// patcher. nil if even the minimums do not fit.
func columnWidths(s *story, whys map[int]bool, avail int) []int {
	n := len(s.Lanes)
	height := func(lane, width int) int {
		h := 0
		for _, st := range s.Steps {
			if laneColumn(s, st.Lane) == lane {
				h += len(cellLines(st, whys[st.N], width))
			}
		}
		return h
	}
	widths := make([]int, n)
	used := 0
	for i, l := range s.Lanes {
		natural := utf8.RuneCountInString(l.Name)
		for _, st := range s.Steps {
			if laneColumn(s, st.Lane) == i {
				for _, line := range cellLines(st, whys[st.N], avail) {
					natural = max(natural, utf8.RuneCountInString(line))
				}
			}
		}
		widths[i] = min(natural, minColumn)
		used += widths[i]
	}
	if used > avail {
		return nil
	}
	for spare := avail - used; spare > 0; {
		// The best gain per column over every lane and every widening
		// that fits (one column alone may save nothing where three do).
		best, bestAdd, bestRate := -1, 0, 0.0
		for i := range widths {
			h := height(i, widths[i])
			for add := 1; add <= spare; add++ {
				if rate := float64(h-height(i, widths[i]+add)) / float64(add); rate > bestRate {
					best, bestAdd, bestRate = i, add, rate
				}
			}
		}
		if best < 0 {
			widths[n-1] += spare // nothing wraps any more; pad the last lane
			break
		}
		widths[best] += bestAdd
		spare -= bestAdd
	}
	return widths
}

// emailRows draws one row per step: number, CPU, then the cell's text.
func emailRows(s *story, out func(...string)) {
	numW := len(strconv.Itoa(len(s.Steps))) + 1
	actW := 0
	for _, l := range s.Lanes {
		actW = max(actW, len(l.Name)+2)
	}
	textW := EmailWidth - numW - actW
	whys := whyChanges(s)
	for _, st := range s.Steps {
		for k, l := range cellLines(st, whys[st.N], textW) {
			num, actor := "", ""
			if k == 0 {
				num, actor = strconv.Itoa(st.N), s.Lanes[laneColumn(s, st.Lane)].Name
			}
			out(pad(num, numW) + pad(actor, actW) + l)
		}
	}
}

func laneColumn(s *story, lane int) int {
	for i, l := range s.Lanes {
		if l.Index == lane {
			return i
		}
	}
	return len(s.Lanes) - 1
}

// whyChanges says, per step number, whether to print the step's kernel
// function: only where it changes within the lane, as a reviewer would
// write it once above a run of steps.
func whyChanges(s *story) map[int]bool {
	last := map[int]string{}
	show := map[int]bool{}
	for _, st := range s.Steps {
		show[st.N] = st.Why != "" && st.Why != last[st.Lane]
		last[st.Lane] = st.Why
	}
	return show
}

// cellLines is one step in at most width columns per line: the
// instruction (with the version it was fetched from, once the word has
// been patched), then its effect, one clause per line.
func cellLines(st *step, showWhy bool, width int) []string {
	var lines []string
	// add wraps s below indent, later lines hanging further by hang.
	add := func(indent, s, hang string) {
		for _, l := range wrapHanging(s, width-len(indent), hang) {
			lines = append(lines, indent+l)
		}
	}
	if st.Insn != "" || st.Word != "" {
		// A non-breaking mark keeps "jalr t0,640(t0)" on one line
		// when the symbol before it has to go on its own.
		head := strings.ReplaceAll(st.Insn, " ", keepTogether)
		if st.Symbol != "" {
			head = st.Symbol + ": " + head
		}
		if st.Patched || st.Stale {
			head += " " + versionTag(st)
		}
		add("", head, "  ")
		for _, clause := range strings.Split(st.Effect, "; ") {
			add("  ", clause, "  ")
		}
	} else {
		add("", st.Effect, "  ")
	}
	if showWhy {
		add("  ", "("+st.Why+")", " ")
	}
	for _, e := range st.In {
		if e.Kind != "version" {
			add("  ", fmt.Sprintf("<- %s, step"+keepTogether+"%d", e.Label, e.From), "   ")
		}
	}
	if st.Violation != nil {
		add("", "<-- "+st.Violation.Check, "    ")
	}
	for i, l := range lines {
		lines[i] = strings.ReplaceAll(l, keepTogether, " ")
	}
	return lines
}

// keepTogether stands for a space wrap must not break at (one rune, so
// widths are unchanged; not a Unicode space, so strings.Fields keeps it).
const keepTogether = "\x00"

// versionTag is "[v0]", or "[v1@13]" for a version step 13 wrote.
func versionTag(st *step) string {
	tag := "v" + strconv.Itoa(st.VersionN)
	for _, e := range st.In {
		if e.Kind == "version" {
			tag += "@" + strconv.Itoa(e.From)
			break
		}
	}
	if st.Stale {
		tag += " stale"
	}
	return "[" + tag + "]"
}
