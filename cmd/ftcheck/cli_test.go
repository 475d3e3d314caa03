package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// `ftcheck help CMD` and `ftcheck CMD --help` print the same text, on
// stdout, with exit 0, for every command of the table; the top-level
// usage lists every command.
func TestHelpIsTheSameBothWays(t *testing.T) {
	_, usage, _ := ftcheck("help")
	for _, c := range commands {
		if !strings.Contains(usage, "ftcheck "+c.name) {
			t.Errorf("the usage does not list %s:\n%s", c.name, usage)
		}
		if c.name == "help" {
			continue
		}
		code1, out1, err1 := ftcheck("help", c.name)
		code2, out2, err2 := ftcheck(c.name, "--help")
		code3, out3, _ := ftcheck(c.name, "-h")
		if code1 != exitSafe || code2 != exitSafe || code3 != exitSafe || err1 != "" || err2 != "" {
			t.Errorf("%s: help exits %d/%d/%d, stderr %q %q", c.name, code1, code2, code3, err1, err2)
		}
		if out1 != out2 || out2 != out3 || !strings.HasPrefix(out1, "usage: ftcheck "+c.name) {
			t.Errorf("%s: help CMD, CMD --help and CMD -h differ or do not start with the usage:\n%s\n---\n%s", c.name, out1, out2)
		}
		if strings.Contains(out1, "\n  -") && !strings.Contains(out1, "\n  --") {
			t.Errorf("%s: options printed with one dash:\n%s", c.name, out1)
		}
	}
	if code, _, errOut := ftcheck("help", "explor"); code != exitUsage || !strings.Contains(errOut, "did you mean explore?") {
		t.Errorf("help explor: exit %d, %q", code, errOut)
	}
}

func TestVersion(t *testing.T) {
	for _, arg := range []string{"--version", "-version", "version"} {
		code, out, _ := ftcheck(arg)
		if code != exitSafe || !strings.HasPrefix(out, toolVersion+" (revision ") {
			t.Errorf("%s: exit %d, %q", arg, code, out)
		}
	}
}

// A mistake in the command line is one line on stderr — what is wrong, a
// hint, where to look — and exit 2; never the table of options.
func TestFlagErrorsAreOneLine(t *testing.T) {
	scen := filepath.Join(t.TempDir(), "x.scenario")
	if err := os.WriteFile(scen, []byte("protocol riscv-jalr\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"explore", "--protocol", "riscv-jalr", "--timout", "5s"}, "ftcheck explore: unknown flag --timout: did you mean --timeout? (see ftcheck explore --help)"},
		{[]string{"explore", "--protocol", "riscv-jalr", "--timeout", "5"}, "ftcheck explore: --timeout 5: use a unit: 5s"},
		{[]string{"test", "--timeout", "10", "x"}, "ftcheck test: --timeout 10: use a unit: 10s"},
		{[]string{"litmus", "--timeout=2", "x"}, "ftcheck litmus: --timeout 2: use a unit: 2s"},
		{[]string{"explore", "--protocol", "riscv-jalr", "--timeout", "soon"}, `--timeout "soon": not a duration`},
		{[]string{"explore", "--protocol", "riscv-jalr", "--harts", "two"}, `--harts "two": not a whole number`},
		{[]string{"explore", "--protocol"}, "--protocol needs a value"},
		{[]string{"explore", "--json=maybe", "--protocol", "riscv-jalr"}, "--json=maybe: want true or false"},
		{[]string{"merge", "--jsn", "a.json"}, "unknown flag --jsn: did you mean --json?"},
		{[]string{"show", "riscv-jalr"}, "ftcheck show: riscv-jalr: no such file; did you mean --protocol riscv-jalr?"},
		{[]string{"explore", "riscv-jalr"}, "ftcheck explore: riscv-jalr: no such file; did you mean --protocol riscv-jalr?"},
		{[]string{"explore", "riscv-jarl"}, "did you mean --protocol riscv-jalr?"},
		{[]string{"check", "x86-int3"}, "did you mean --protocol x86-int3?"},
		{[]string{"explor"}, `ftcheck: unknown command "explor": did you mean explore?`},
		{[]string{"list", "protocols"}, `ftcheck list: takes no arguments (got "protocols")`},
		{[]string{"explore", scen, "--protocol", "riscv-jalr"}, "give scenario files or --protocol, not both"},
	} {
		code, out, errOut := ftcheck(c.args...)
		if code != exitUsage || !strings.Contains(errOut, c.want) || out != "" {
			t.Errorf("%v: exit %d, stdout %q, stderr %q; want 2 and %q", c.args, code, out, errOut, c.want)
		}
		if n := strings.Count(errOut, "\n"); n != 1 {
			t.Errorf("%v: %d lines on stderr, want one:\n%s", c.args, n, errOut)
		}
	}
}

// Flags may follow the files, for every command that takes files.
func TestFlagsAfterFiles(t *testing.T) {
	scen := filepath.Join(t.TempDir(), "pair.scenario")
	if code, out, _ := ftcheck("show", "--protocol", "riscv-pair"); code != exitSafe {
		t.Fatal("show riscv-pair failed")
	} else if err := os.WriteFile(scen, []byte(out), 0o644); err != nil {
		t.Fatal(err)
	}
	code, before, _ := ftcheck("explore", "--json", "--op", "change", scen)
	code2, after, _ := ftcheck("explore", scen, "--op", "change", "--json")
	if code != exitViolation || code2 != code || !strings.HasPrefix(before, "{") || !strings.HasPrefix(after, "{") {
		t.Fatalf("explore with flags before and after the file: exit %d and %d\n%s", code, code2, after)
	}
	report := filepath.Join(t.TempDir(), "r.json")
	if err := os.WriteFile(report, []byte(after), 0o644); err != nil {
		t.Fatal(err)
	}
	if code, _, errOut := ftcheck("replay", report, "--help"); code != exitSafe || errOut != "" {
		t.Errorf("replay FILE --help: exit %d, %q", code, errOut)
	}
	if code, _, errOut := ftcheck("check", scen, "--bogus"); code != exitUsage || !strings.Contains(errOut, "unknown flag --bogus") {
		t.Errorf("check FILE --bogus: exit %d, %q", code, errOut)
	}
	dir := writeTree(t, map[string]string{"a.scenario": "protocol riscv-pair\nset op = change\nexpect violated torn-pair\n"})
	if code, out, errOut := ftcheck("test", dir, "--jobs", "1", "--progress=false"); code != exitSafe || errOut != "" {
		t.Errorf("test DIR --jobs 1: exit %d\n%s%s", code, out, errOut)
	}
	// `--` ends the flags: a file may then start with a dash.
	if code, _, errOut := ftcheck("check", "--", "-no-such.scenario"); code != exitUsage || !strings.Contains(errOut, "-no-such.scenario") {
		t.Errorf("check -- -FILE: exit %d, %q", code, errOut)
	}
}
