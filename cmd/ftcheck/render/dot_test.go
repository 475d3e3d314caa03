package render

import (
	"bytes"
	"context"
	"errors"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/ftcheck/ftcheck/model"
	"github.com/ftcheck/ftcheck/patchproto"
)

func dotOf(t *testing.T, in Input) string {
	t.Helper()
	var b bytes.Buffer
	if err := DOT(&b, in); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

func TestDOTClustersAndEdges(t *testing.T) {
	g := dotOf(t, pairChange(t))
	for _, want := range []string{
		"digraph ftcheck {", `label="hart0"`, `label="hart1"`, `label="patcher"`,
		"s1 -> s2 -> s3 -> s4 -> s5 -> s6 -> s7 -> s10 -> s16 -> s17 -> s18 [weight=10];", // hart0's program order
		"s8 -> s11 -> s12 -> s13 -> s14 -> s15 [weight=10];",                              // the patcher's
		`s13 -> s18 [color="#d35400"`, `label="v1 of ftrace_call+4"`,
		`s8 -> s9 [`, `s8 -> s10 [`, `s15 -> s16 [`, `penwidth=2`,
	} {
		if !strings.Contains(g, want) {
			t.Errorf("graph lacks %q\n%s", want, g)
		}
	}
	if n := strings.Count(g, "subgraph cluster_"); n != 3 {
		t.Errorf("%d clusters, want 3", n)
	}
}

func TestDOTIPIEdges(t *testing.T) {
	in := ipiTrace(t, 2)
	g := dotOf(t, in)
	if !strings.Contains(g, `label="IPI ftrace_sync_ipi"`) || !strings.Contains(g, `label="IPI ipi_remote_fence_i"`) {
		t.Errorf("no IPI edges:\n%s", g)
	}
}

func TestDOTQuote(t *testing.T) {
	for in, want := range map[string]string{
		`plain`:      `"plain"`,
		`a "b" c`:    `"a \"b\" c"`,
		`back\slash`: `"back\\slash"`,
		"two\nlines": `"two\llines"`,
		`\"`:         `"\\\""`,
	} {
		if got := quote(in); got != want {
			t.Errorf("quote(%q) = %s, want %s", in, got, want)
		}
	}
}

// TestDOTIsValidGraphviz runs dot on every kind of graph we write,
// including one whose labels try to break out of their strings (a label
// that escaped would be a syntax error or a warning on stderr).
func TestDOTIsValidGraphviz(t *testing.T) {
	if !HaveDot() {
		t.Skip("Graphviz's dot is not installed (apt-get install graphviz); DOT syntax not checked")
	}
	inputs := map[string]Input{
		"pair-change": pairChange(t),
		"ipi":         ipiTrace(t, 2),
		"nasty":       nasty(t),
		"safe":        explored(t, "riscv-jalr", patchproto.Options{Op: "disable", Memory: "sc"}, model.Bounds{}),
	}
	for name, in := range inputs {
		g := dotOf(t, in)
		ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
		cmd := exec.CommandContext(ctx, "dot", "-Tsvg")
		cmd.Stdin = strings.NewReader(g)
		var out, stderr bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &stderr
		err := cmd.Run()
		cancel()
		if err != nil || stderr.Len() > 0 {
			t.Errorf("%s: dot -Tsvg: %v\n%s\n%s", name, err, stderr.String(), g)
			continue
		}
		if !strings.Contains(out.String(), "<svg") {
			t.Errorf("%s: dot wrote no SVG", name)
		}
	}
}

func TestSVGWithAndWithoutDot(t *testing.T) {
	in := pairChange(t)
	if HaveDot() {
		var b bytes.Buffer
		if err := SVG(&b, in); err != nil || !strings.Contains(b.String(), "<svg") || !strings.Contains(b.String(), "VIOLATION of torn") {
			t.Errorf("SVG: %v\n%.300s", err, b.String())
		}
	}
	t.Setenv("PATH", t.TempDir()) // no dot anywhere
	if err := SVG(&bytes.Buffer{}, in); !errors.Is(err, ErrNoGraphviz) || !strings.Contains(err.Error(), "apt-get install graphviz") {
		t.Errorf("SVG without dot: %v, want ErrNoGraphviz naming the package", err)
	}
}
