package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/ftcheck/ftcheck/cmd/ftcheck/render"
	"github.com/ftcheck/ftcheck/model"
)

// viewFlags are explore's options for drawing its result (docs/views.md).
type viewFlags struct {
	html, dot, svg string
	format         string
}

func registerViewFlags(fs *flag.FlagSet) *viewFlags {
	v := &viewFlags{}
	fs.StringVar(&v.html, "html", "", "also write the result as a self-contained HTML page, one lane per CPU, to `FILE`")
	fs.StringVar(&v.dot, "dot", "", "also write the trace as a Graphviz graph to `FILE`")
	fs.StringVar(&v.svg, "svg", "", "also write the trace as SVG to `FILE` (needs Graphviz's dot)")
	fs.StringVar(&v.format, "format", "text", "stdout format: text, or email (72 columns, one column per CPU)")
	return v
}

// check runs before the search, so that a typo in a path or a missing
// dot does not cost a long search.
func (v *viewFlags) check(asJSON bool) error {
	switch v.format {
	case "text", "email":
	default:
		return fmt.Errorf("--format %q: want text or email", v.format)
	}
	if asJSON && v.format != "text" {
		return errors.New("--json and --format email both choose stdout's format; give one")
	}
	seen := map[string]string{}
	for _, o := range v.outputs() {
		if o.path == "" {
			continue
		}
		if err := checkOutputPath(o.path); err != nil {
			return fmt.Errorf("--%s %s: %v", o.flag, o.path, err)
		}
		if other, dup := seen[filepath.Clean(o.path)]; dup {
			return fmt.Errorf("--%s and --%s name the same file %s", other, o.flag, o.path)
		}
		seen[filepath.Clean(o.path)] = o.flag
	}
	if v.html != "" {
		h := historyPath(v.html)
		if other, dup := seen[filepath.Clean(h)]; dup {
			return fmt.Errorf("--%s %s is where --html %s puts a failing history; choose another name", other, h, v.html)
		}
	}
	if v.svg != "" && !render.HaveDot() {
		return fmt.Errorf("--svg: %v (or use --dot and render it elsewhere)", render.ErrNoGraphviz)
	}
	return nil
}

type viewOutput struct {
	flag, path string
	draw       func(io.Writer, render.Input) error
}

func (v *viewFlags) outputs() []viewOutput {
	return []viewOutput{{"html", v.html, render.HTML}, {"dot", v.dot, render.DOT}, {"svg", v.svg, render.SVG}}
}

// checkOutputPath reports the mistakes that os.Create would only report
// after the search: a missing directory, a directory given as the file.
func checkOutputPath(path string) error {
	if fi, err := os.Stat(path); err == nil && fi.IsDir() {
		return errors.New("is a directory, not a file")
	}
	dir := filepath.Dir(path)
	fi, err := os.Stat(dir)
	if err != nil {
		return fmt.Errorf("directory %s does not exist", dir)
	}
	if !fi.IsDir() {
		return fmt.Errorf("%s is not a directory", dir)
	}
	return nil
}

// writeStdout writes the email format if asked; false leaves stdout to
// the text report.
func (v *viewFlags) writeStdout(stdout io.Writer, rep Report, sys *model.System) (bool, error) {
	if v.format != "email" {
		return false, nil
	}
	return true, render.Email(stdout, viewInput(rep, sys))
}

// writeFiles draws each requested view into a buffer first, so that a
// failing renderer leaves no half-written file.
func (v *viewFlags) writeFiles(rep Report, sys *model.System) error {
	in := viewInput(rep, sys)
	if v.html != "" {
		if err := writeHistory(v.html, rep, &in); err != nil {
			return fmt.Errorf("--html: %v", err)
		}
	}
	for _, o := range v.outputs() {
		if o.path == "" {
			continue
		}
		var buf bytes.Buffer
		if err := o.draw(&buf, in); err != nil {
			return fmt.Errorf("--%s: %v", o.flag, err)
		}
		if err := os.WriteFile(o.path, buf.Bytes(), 0o644); err != nil {
			return fmt.Errorf("--%s: %v", o.flag, err)
		}
	}
	return nil
}

// historyVisualizer is a violation's detail that can draw itself: the
// stale-dest check's history, drawn by porcupine.
type historyVisualizer interface {
	Visualize(w io.Writer) error
}

// historyPath is where --html FILE puts porcupine's view of a failing
// history: FILE with .history.html for its .html.
func historyPath(html string) string {
	return strings.TrimSuffix(html, ".html") + ".history.html"
}

// writeHistory writes porcupine's page for a violation that carries a
// history, next to the lanes page, and links it from there.
func writeHistory(html string, rep Report, in *render.Input) error {
	v := rep.Result.Violation
	if v == nil {
		return nil
	}
	h, ok := v.Detail.(historyVisualizer)
	if !ok {
		return nil
	}
	var buf bytes.Buffer
	if err := h.Visualize(&buf); err != nil {
		return err
	}
	path := historyPath(html)
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		return err
	}
	in.History = filepath.Base(path)
	return nil
}

// viewInput gives the renderers the result and what the trace alone does
// not carry: symbols, the patcher's program, the boot text.
func viewInput(rep Report, sys *model.System) render.Input {
	boot := sys.Initial.Fetch
	return render.Input{
		Tool: rep.Tool, Protocol: rep.Protocol, Variant: rep.Options.Variant, Op: rep.Options.Op,
		Bounds: "memory " + rep.Options.Memory + "; " + describeBounds(rep), Notes: viewNotes(rep, sys), Result: rep.Result,
		Harts: len(sys.Initial.Harts), Symbols: sys.Symbols, Patch: sys.Patch, Handlers: sys.Handlers,
		BootWord: func(addr uint64) (uint32, bool) {
			if !boot.Contains(addr) {
				return 0, false
			}
			w, _ := boot.Clone().Fetch(0, addr, 0) // choice 0 of the initial state is v0
			return w, true
		},
	}
}

// viewNotes are the text report's caveats on the counts (writeText says
// them inline; the same words here).
func viewNotes(rep Report, sys *model.System) []string {
	var notes []string
	if rep.Options.Preempt > 0 && !sys.PreemptionMatters() {
		notes = append(notes, "no stop_machine here: a preempted task is a task not yet scheduled, which the interleavings cover")
	}
	switch {
	case rep.Reduced && rep.Symmetric:
		notes = append(notes, "partial-order and symmetry reduction on: counts are of the reduced state graph")
	case rep.Reduced:
		notes = append(notes, "partial-order reduction on: counts are of the reduced state graph")
	case rep.Symmetric:
		notes = append(notes, "symmetry reduction on: states equal up to hart numbering merged")
	}
	return notes
}
