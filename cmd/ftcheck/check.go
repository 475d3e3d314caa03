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
	fs := newCmdFlags("check", commandHelp("check", `
Reads each file as explore would and assembles it in every combination of
its parameters, without a search: every mistake is reported as
file:line:col. Exit status 0 when every file builds, 2 otherwise.
`[1:]))
	files, err := fs.parse(args, stdout, stderr)
	if err != nil {
		return exitCodeOf(err)
	}
	if len(files) == 0 {
		return fs.usageError(stderr, "give a scenario FILE")
	}
	if hint := builtinHint(files); hint != "" {
		return fs.usageError(stderr, "%s", hint)
	}
	code := exitSafe
	for _, file := range files {
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
		if all := p.Scenario().AllCombinations(); all > n {
			fmt.Fprintf(stdout, "%s: %s: ok (%d of its %d configurations assembled: ftcheck check assembles the first %d)\n", file, p.Name, n, all, n)
			continue
		}
		fmt.Fprintf(stdout, "%s: %s: ok (%d configuration(s) assembled)\n", file, p.Name, n)
	}
	return code
}
