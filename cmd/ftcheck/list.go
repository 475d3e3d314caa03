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
	if len(args) > 0 {
		fmt.Fprintf(stderr, "ftcheck list: takes no arguments (got %q)\n", strings.Join(args, " "))
		return exitUsage
	}
	w := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(w, "protocols:")
	for _, p := range patchproto.All() {
		fmt.Fprintf(w, "  %s\t%s\t[variants: %s; ops: %s]\n", p.Name, p.Doc,
			strings.Join(p.VariantNames(), ", "), strings.Join(p.Ops, ", "))
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
