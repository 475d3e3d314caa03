package main

import (
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/ftcheck/ftcheck/patchproto"
)

// cmdShow prints a built-in protocol's scenario file: what ftcheck
// explores, and a starting point to copy and edit.
func cmdShow(args []string, stdout, stderr io.Writer) int {
	fs := newCmdFlags("show", commandHelp("show", ""))
	proto := fs.String("protocol", "", "built-in protocol whose scenario file to print (see ftcheck list)")
	operands, err := fs.parse(args, stdout, stderr)
	if err != nil {
		return exitCodeOf(err)
	}
	switch {
	case len(operands) > 0:
		if hint := builtinHint(operands); hint != "" {
			return fs.usageError(stderr, "%s", hint)
		}
		return fs.usageError(stderr, "takes no file (got %q): ftcheck show --protocol NAME", operands[0])
	case *proto == "":
		return fs.usageError(stderr, "give --protocol NAME")
	}
	p, err := patchproto.Lookup(*proto)
	if err != nil {
		return fs.usageError(stderr, "--protocol: %v", err)
	}
	stdout.Write(p.Text)
	return exitSafe
}

// builtinHint is the hint for an operand that is no file but (nearly)
// the name of a built-in protocol, as in `ftcheck show riscv-jalr` or
// `ftcheck explore riscv-jalr`; "" when every operand is a file or is
// nothing like a protocol name.
func builtinHint(operands []string) string {
	var names []string
	for _, p := range patchproto.All() {
		names = append(names, p.Name)
	}
	for _, op := range operands {
		if _, err := os.Stat(op); err == nil || strings.ContainsAny(op, "./") {
			continue
		}
		if s := closest(op, names); s != "" {
			return fmt.Sprintf("%s: no such file; did you mean --protocol %s?", op, s)
		}
	}
	return ""
}
