package render

import (
	"bufio"
	"fmt"
	"io"
	"strings"
)

// edgeColors match the HTML view's arrows.
var edgeColors = map[string]string{"version": "#d35400", "ipi": "#1e8449", "park": "#2e5c9a", "unpark": "#2e5c9a"}

// DOT writes the trace as a Graphviz digraph: a cluster per CPU and one
// for the patcher, program-order edges inside each, and the cross-CPU
// edges that explain the race (store to the fetch of its version, IPI
// send to take, stop_machine request to parks, release to unparks). A
// result without a trace is a graph with one note node.
func DOT(w io.Writer, in Input) error {
	bw := bufio.NewWriter(w)
	p := func(format string, a ...any) { fmt.Fprintf(bw, format, a...) }
	p("digraph ftcheck {\n")
	p("  graph [rankdir=TB, fontname=\"Helvetica\", labelloc=t, label=%s, newrank=true, nodesep=0.3, ranksep=0.25];\n",
		quoteCentered(in.headline()+"\n"+in.title()+"\n"+in.counts()))
	p("  node [shape=box, style=\"rounded,filled\", fillcolor=white, fontname=\"Courier\", fontsize=10];\n")
	p("  edge [fontname=\"Helvetica\", fontsize=9];\n")
	if len(in.Result.Trace) == 0 {
		p("  summary [shape=note, label=%s];\n}\n", quote(summaryText(&in)))
		return bw.Flush()
	}
	s := in.story()
	for i, l := range s.Lanes {
		var ids []string
		for _, st := range s.Steps {
			if st.Lane == l.Index {
				ids = append(ids, nodeID(st.N))
			}
		}
		if len(ids) == 0 {
			continue
		}
		p("  subgraph cluster_%d {\n    label=%s; style=rounded; color=\"#c9ced6\";\n", i, quote(l.Name))
		for _, st := range s.Steps {
			if st.Lane == l.Index {
				p("    %s [label=%s%s];\n", nodeID(st.N), quote(dotLabel(st)), nodeStyle(st))
			}
		}
		if len(ids) > 1 {
			p("    %s [weight=10];\n", strings.Join(ids, " -> "))
		}
		p("  }\n")
	}
	for _, e := range s.Edges {
		p("  %s -> %s [color=%s, fontcolor=%s, label=%s, style=%s];\n",
			nodeID(e.From), nodeID(e.To), quote(edgeColors[e.Kind]), quote(edgeColors[e.Kind]), quote(e.Label), edgeStyle(e.Kind))
	}
	p("}\n")
	return bw.Flush()
}

func nodeID(n int) string { return fmt.Sprintf("s%d", n) }

// dotLabel is the step in a few lines: number, instruction or action,
// version fetched, effect.
func dotLabel(st *step) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d", st.N)
	if st.Symbol != "" {
		b.WriteString("  " + st.Symbol)
	}
	b.WriteString("\n")
	if st.Insn != "" {
		b.WriteString(st.Insn + "  [" + st.Word + " v" + fmt.Sprint(st.VersionN) + "]\n")
	}
	for _, l := range wrap(st.Effect, 40) {
		b.WriteString(l + "\n")
	}
	if st.Why != "" {
		for _, l := range wrap("("+st.Why+")", 40) {
			b.WriteString(l + "\n")
		}
	}
	if st.Violation != nil {
		b.WriteString("VIOLATION: " + st.Violation.Check + "\n")
	}
	return b.String()
}

func nodeStyle(st *step) string {
	switch {
	case st.Violation != nil:
		return `, color="#c62828", fillcolor="#fde8e8", penwidth=2`
	case st.Kind == kindStore || st.Kind == kindAtomic:
		return `, color="#d35400", fillcolor="#fff7ef"`
	case st.VersionN > 0:
		return `, fillcolor="#fdebd0"`
	case st.Kind == kindPreempt || st.Kind == kindResume:
		return `, style="rounded,dashed,filled", fillcolor="#f5f0fb"`
	}
	return ""
}

func edgeStyle(kind string) string {
	if kind == "version" {
		return "bold"
	}
	return "solid"
}

func summaryText(in *Input) string {
	s := in.headline() + "\n" + in.Bounds
	if v := in.Result.Violation; v != nil {
		s += "\n" + v.Message
	}
	return s
}

// quote makes a DOT double-quoted string. Inside one a backslash starts
// an escape (\n, \l, \N for the node name), so literal backslashes are
// doubled and quotes escaped; newlines become \l, which ends a line and
// left-justifies it (instructions line up).
func quote(s string) string { return quoteLines(s, `\l`) }

// quoteCentered is quote with centred lines, for titles.
func quoteCentered(s string) string { return quoteLines(s, `\n`) }

func quoteLines(s, newline string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch r {
		case '"':
			b.WriteString(`\"`)
		case '\\':
			b.WriteString(`\\`)
		case '\n':
			b.WriteString(newline)
		case '\r':
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}
