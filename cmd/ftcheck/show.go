package main

import (
	"errors"
	"flag"
	"fmt"
	"io"

	"github.com/ftcheck/ftcheck/patchproto"
)

// cmdShow prints a built-in protocol's scenario file: what ftcheck
// explores, and a starting point to copy and edit.
func cmdShow(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("show", flag.ContinueOnError)
	fs.SetOutput(stderr)
	proto := fs.String("protocol", "", "built-in protocol whose scenario file to print (see ftcheck list)")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: ftcheck show --protocol NAME   print a built-in protocol's scenario file")
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitSafe
		}
		return exitUsage
	}
	if fs.NArg() > 0 || *proto == "" {
		fs.Usage()
		return exitUsage
	}
	p, err := patchproto.Lookup(*proto)
	if err != nil {
		fmt.Fprintf(stderr, "ftcheck show: --protocol: %v\n", err)
		return exitUsage
	}
	stdout.Write(p.Text)
	return exitSafe
}
