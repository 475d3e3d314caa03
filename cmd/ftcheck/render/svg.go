package render

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os/exec"
	"time"
)

// ErrNoGraphviz means Graphviz's dot is not installed; SVG needs it and
// nothing else does.
var ErrNoGraphviz = errors.New("dot (Graphviz) is not installed; on Debian: apt-get install graphviz")

// dotTimeout bounds one dot run: traces are small, so a stuck dot is a
// broken install, not a big graph.
const dotTimeout = 30 * time.Second

// HaveDot reports whether SVG can run.
func HaveDot() bool {
	_, err := exec.LookPath("dot")
	return err == nil
}

// SVG renders the DOT graph of the trace to SVG with Graphviz's dot.
func SVG(w io.Writer, in Input) error {
	path, err := exec.LookPath("dot")
	if err != nil {
		return ErrNoGraphviz
	}
	var src bytes.Buffer
	if err := DOT(&src, in); err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(context.Background(), dotTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, path, "-Tsvg")
	cmd.Stdin = &src
	var out, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("dot -Tsvg: %v: %s", err, bytes.TrimSpace(stderr.Bytes()))
	}
	_, err = w.Write(out.Bytes())
	return err
}
