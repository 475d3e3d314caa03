package render

import (
	_ "embed"
	"html/template"
	"io"
	"strconv"
	"strings"

	"github.com/ftcheck/ftcheck/model"
)

//go:embed page.html.tmpl
var pageSource string

// page is parsed once: html/template escapes every field for its context
// (text, attribute, script), so instruction text, kernel function names
// and messages can hold any characters.
var page = template.Must(template.New("page").Funcs(template.FuncMap{
	"versionClass": func(v int) string {
		if v == 0 {
			return "v0"
		}
		return "vnew"
	},
}).Parse(pageSource))

// htmlPage is what the template sees.
type htmlPage struct {
	Tool, Title, Headline, Outcome string
	Message, Bounds, Counts        string
	Notes                          []string
	Minimize                       string
	History                        string // porcupine's page, linked
	Lanes                          []lane
	Rows                           []htmlRow
	Edges                          []edge
}

type htmlRow struct {
	*step
	Links string // step numbers linked by an edge, for the hover highlight
}

// HTML writes one self-contained page: the verdict, bounds and counts at
// the top, then (for a violation) the trace with a lane per CPU and one
// for the patcher, time flowing down. It loads nothing from the network.
func HTML(w io.Writer, in Input) error {
	p := htmlPage{
		Tool: in.Tool, Title: in.title(), Headline: in.headline(), Outcome: in.Result.Outcome.String(),
		Bounds: in.Bounds, Counts: in.counts(), Notes: in.Notes, History: in.History,
	}
	if v := in.Result.Violation; v != nil {
		p.Message = v.Message
	}
	if m := in.Result.Minimize; m != nil {
		p.Minimize = strconv.Itoa(m.States) + " states, " + strconv.Itoa(m.Transitions) + " transitions"
	}
	if in.Result.Outcome == model.Violated && len(in.Result.Trace) > 0 {
		s := in.story()
		p.Lanes, p.Edges = s.Lanes, s.Edges
		for _, st := range s.Steps {
			p.Rows = append(p.Rows, htmlRow{step: st, Links: links(st)})
		}
	}
	return page.Execute(w, p)
}

func links(st *step) string {
	var ns []string
	for _, e := range st.In {
		ns = append(ns, strconv.Itoa(e.From))
	}
	for _, e := range st.Out {
		ns = append(ns, strconv.Itoa(e.To))
	}
	return strings.Join(ns, " ")
}
