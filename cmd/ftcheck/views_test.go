package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/ftcheck/ftcheck/cmd/ftcheck/render"
)

func TestExploreWritesTheViews(t *testing.T) {
	dir := t.TempDir()
	html, dot := filepath.Join(dir, "t.html"), filepath.Join(dir, "t.dot")
	args := []string{"explore", "--protocol", "riscv-pair", "--op", "change", "--progress=false", "--html", html, "--dot", dot}
	svg := filepath.Join(dir, "t.svg")
	if render.HaveDot() {
		args = append(args, "--svg", svg)
	}
	code, out, errOut := ftcheck(args...)
	if code != exitViolation || !strings.Contains(out, "minimal counterexample (18 steps") {
		t.Fatalf("exit %d\n%s\n%s", code, out, errOut)
	}
	for path, want := range map[string]string{html: `id="step-18"`, dot: "s13 -> s18"} {
		b, err := os.ReadFile(path)
		if err != nil || !strings.Contains(string(b), want) {
			t.Errorf("%s: %v, lacks %q", path, err, want)
		}
	}
	if render.HaveDot() {
		if b, err := os.ReadFile(svg); err != nil || !strings.Contains(string(b), "<svg") {
			t.Errorf("%s: %v", svg, err)
		}
	}
}

func TestExploreFormatEmail(t *testing.T) {
	code, out, _ := ftcheck("explore", "--protocol", "riscv-pair", "--progress=false", "--format", "email")
	if code != exitViolation || !strings.Contains(out, "| patcher") || !strings.Contains(out, "<-- torn-pair") {
		t.Fatalf("exit %d\n%s", code, out)
	}
	for _, l := range strings.Split(out, "\n") {
		if utf8.RuneCountInString(l) > 72 {
			t.Errorf("line over 72 columns: %q", l)
		}
	}
	// A safe result is a summary, still in the exit status of the search.
	code, out, _ = ftcheck("explore", "--protocol", "riscv-jalr", "--memory", "sc", "--check", "torn-pair,stale-fetch", "--progress=false", "--format", "email")
	if code != exitSafe || !strings.Contains(out, "no violation") {
		t.Fatalf("exit %d\n%s", code, out)
	}
}

func TestExploreViewErrorsExitTwo(t *testing.T) {
	dir := t.TempDir()
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--html", filepath.Join(dir, "no", "such", "dir", "x.html")}, "does not exist"},
		{[]string{"--dot", dir}, "is a directory"},
		{[]string{"--format", "pdf"}, "want text or email"},
		{[]string{"--json", "--format", "email"}, "give one"},
		{[]string{"--html", filepath.Join(dir, "a"), "--dot", filepath.Join(dir, "a")}, "same file"},
	} {
		args := append([]string{"explore", "--protocol", "riscv-pair", "--progress=false"}, c.args...)
		code, _, errOut := ftcheck(args...)
		if code != exitUsage || !strings.Contains(errOut, c.want) {
			t.Errorf("%v: exit %d, stderr %q; want 2 and %q", c.args, code, errOut, c.want)
		}
	}
}

func TestExploreSVGWithoutDotSaysWhatToInstall(t *testing.T) {
	t.Setenv("PATH", t.TempDir())
	code, _, errOut := ftcheck("explore", "--protocol", "riscv-pair", "--progress=false", "--svg", filepath.Join(t.TempDir(), "x.svg"))
	if code != exitUsage || !strings.Contains(errOut, "apt-get install graphviz") {
		t.Fatalf("exit %d, stderr %q", code, errOut)
	}
}
