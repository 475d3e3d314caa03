package main

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/ftcheck/ftcheck/memmodel"
	"github.com/ftcheck/ftcheck/patchproto"
)

func cmdList(args []string, stdout, stderr io.Writer) int {
	fs := newCmdFlags("list", commandHelp("list", ""))
	operands, err := fs.parse(args, stdout, stderr)
	if err != nil {
		return exitCodeOf(err)
	}
	if len(operands) > 0 {
		return fs.usageError(stderr, "takes no arguments (got %q)", strings.Join(operands, " "))
	}
	w := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(w, "protocols:")
	for _, p := range patchproto.All() {
		var knobs []string
		if vs := p.VariantNames(); len(vs) > 0 {
			knobs = append(knobs, "variants: "+strings.Join(vs, ", "))
		}
		if len(p.Ops) > 0 {
			knobs = append(knobs, "ops: "+strings.Join(p.Ops, ", "))
		}
		fmt.Fprintf(w, "  %s\t%s\t[%s]\n", p.Name, p.Doc, strings.Join(knobs, "; "))
	}
	fmt.Fprintln(w, "checks:")
	for _, c := range patchproto.Checks {
		fmt.Fprintf(w, "  %s\t%s\n", c.Name, c.Doc)
	}
	fmt.Fprintln(w, "memory models:")
	for _, m := range memmodel.Models {
		fmt.Fprintf(w, "  %s\t%s\n", m.Name, m.Doc)
	}
	w.Flush()
	return exitSafe
}
