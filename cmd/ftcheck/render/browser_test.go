package render

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// chromium runs headless Chromium on a page with everything that could
// reach the network or a profile turned off, and returns its stdout and
// stderr (console messages go to stderr with --enable-logging).
func chromium(t *testing.T, bin, page string, extra ...string) (string, string) {
	t.Helper()
	args := []string{"--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
		"--disable-background-networking", "--disable-component-update", "--disable-sync",
		"--user-data-dir=" + t.TempDir(), "--enable-logging=stderr", "--v=0"}
	args = append(append(args, extra...), "file://"+page)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, args...)
	var out, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("chromium %s: %v\n%s", strings.Join(extra, " "), err, stderr.String())
	}
	return out.String(), stderr.String()
}

// consoleErrors are the lines where the page's script failed or wrote to
// the console (the page writes nothing there when it works).
func consoleErrors(stderr string) []string {
	var bad []string
	for _, l := range strings.Split(stderr, "\n") {
		if strings.Contains(l, "Uncaught") || strings.Contains(l, "CONSOLE") {
			bad = append(bad, l)
		}
	}
	return bad
}

// TestHTMLInChromium loads the 2023 panic's page in a real browser: every
// step is in the DOM, the script ran (it marks the body and draws one
// arrow per cross-CPU edge) without console errors, and a screenshot is
// saved for a human to look at.
func TestHTMLInChromium(t *testing.T) {
	bin, err := exec.LookPath("chromium")
	if err != nil {
		t.Skip("chromium is not installed (apt-get install chromium); the HTML view is not checked in a browser")
	}
	in := pairChange(t)
	page := filepath.Join(t.TempDir(), "riscv-pair-change.html")
	var b bytes.Buffer
	if err := HTML(&b, in); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(page, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	steps, edges := len(in.Result.Trace), len(in.story().Edges)

	dom, stderr := chromium(t, bin, page, "--dump-dom")
	if bad := consoleErrors(stderr); len(bad) > 0 {
		t.Errorf("console errors:\n%s", strings.Join(bad, "\n"))
	}
	if n := len(regexp.MustCompile(`<tr id="step-\d+"`).FindAllString(dom, -1)); n != steps {
		t.Errorf("%d steps in the DOM, want %d", n, steps)
	}
	if want := `data-rendered="18 steps, 4 edges"`; steps != 18 || edges != 4 || !strings.Contains(dom, want) {
		t.Errorf("the script did not finish (want %s):\n%.2000s", want, dom)
	}
	if n := strings.Count(dom, "data-edge="); n != edges {
		t.Errorf("%d arrows drawn, want %d", n, edges)
	}

	dir := os.Getenv("FTCHECK_SCREENSHOT_DIR")
	if dir == "" {
		dir = filepath.Join(os.TempDir(), "ftcheck-views")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	shot := filepath.Join(dir, "riscv-pair-change.png")
	_, stderr = chromium(t, bin, page, "--hide-scrollbars", "--window-size=1400,1700", "--screenshot="+shot)
	if bad := consoleErrors(stderr); len(bad) > 0 {
		t.Errorf("console errors:\n%s", strings.Join(bad, "\n"))
	}
	png, err := os.ReadFile(shot)
	if err != nil || len(png) < 10000 || !bytes.HasPrefix(png, []byte("\x89PNG")) {
		t.Fatalf("screenshot %s: %v (%d bytes)", shot, err, len(png))
	}
	t.Logf("screenshot: %s", shot)
}
