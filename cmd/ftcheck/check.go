package main

import (
	"fmt"
	"io"

	"github.com/ftcheck/ftcheck/patchproto"
)

// cmdCheck parses and assembles scenario files, for every combination
// of their parameters, without exploring: a quick way to find every
// mistake in a file being written.
func cmdCheck(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "-help" {
		fmt.Fprintln(stderr, "usage: ftcheck check FILE [FILE...]   parse and assemble scenario files without exploring")
		if len(args) == 0 {
			return exitUsage
		}
		return exitSafe
	}
	code := exitSafe
	for _, file := range args {
		p, err := patchproto.Load(file)
		if err != nil {
			fmt.Fprintln(stderr, err)
			code = exitUsage
			continue
		}
		n, problems := p.Scenario().CheckAll()
		for _, e := range problems {
			fmt.Fprintln(stderr, e)
		}
		if len(problems) > 0 {
			code = exitUsage
			continue
		}
		fmt.Fprintf(stdout, "%s: %s: ok (%d configuration(s) assembled)\n", file, p.Name, n)
	}
	return code
}
