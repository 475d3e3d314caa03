package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// An instruction-fetch test through the command line: the verdict file
// agrees, a disagreeing one exits 1, and a malformed header exits 2 with
// its position.
func TestLitmusIFetchCommand(t *testing.T) {
	dir := t.TempDir()
	sm := "AArch64 SM+cachesync-isb\n{ 0:X0=instr:\"NOP\"; 0:X1=P0:L0; }\n P0 ;\n STR W0,[X1] ;\n DC CVAU,X1 ;\n DSB ISH ;\n IC IVAU,X1 ;\n DSB ISH ;\n ISB ;\nL0: B L1 ;\n MOV W9,#1 ;\nL1: ;\nexists (0:X9=0)\n"
	write := func(name, text string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	test := write("SM+cachesync-isb.litmus", sm)
	for _, c := range []struct {
		kinds, agreement string
		exit             int
	}{
		{"SM+cachesync-isb Forbidden\n", "agree 1/1 compared", 0},
		{"SM+cachesync-isb Allowed\n", "agree 0/1 compared", 1},
	} {
		var out, errb bytes.Buffer
		code := cmdLitmus([]string{"--expect", write("kinds.txt", c.kinds), test}, &out, &errb)
		if code != c.exit {
			t.Errorf("kinds %q: exit %d, want %d\n%s%s", c.kinds, code, c.exit, out.String(), errb.String())
		}
		if !strings.Contains(out.String(), c.agreement) {
			t.Errorf("kinds %q: output lacks %q:\n%s", c.kinds, c.agreement, out.String())
		}
	}
	bad := write("bad.litmus", strings.Replace(sm, "\n{", "\nCacheType=XDC\n{", 1))
	var out, errb bytes.Buffer
	if code := cmdLitmus([]string{bad}, &out, &errb); code != 2 || !strings.Contains(errb.String(), "bad.litmus:2:11:") {
		t.Errorf("malformed CacheType: exit %d, stderr %q", code, errb.String())
	}
}

// `ftcheck litmus /dev/zero` read /dev/zero as an index file until the
// scanner gave up, and a FIFO blocked forever; both are now refused at
// once with exit 2.
func TestLitmusRefusesDevicesAndFIFOs(t *testing.T) {
	paths := []string{}
	if _, err := os.Stat("/dev/zero"); err == nil {
		paths = append(paths, "/dev/zero")
	}
	fifo := filepath.Join(t.TempDir(), "t.litmus")
	if err := syscall.Mkfifo(fifo, 0o644); err == nil {
		paths = append(paths, fifo)
	}
	if len(paths) == 0 {
		t.Skip("neither /dev/zero nor mkfifo here")
	}
	for _, p := range paths {
		done := make(chan int, 1)
		var out, errb bytes.Buffer
		go func() { done <- cmdLitmus([]string{p}, &out, &errb) }()
		select {
		case code := <-done:
			if code != 2 || !strings.Contains(errb.String(), p+":1:1: is a") {
				t.Errorf("%s: exit %d, stderr %q", p, code, errb.String())
			}
		case <-time.After(10 * time.Second):
			t.Fatalf("%s: still reading after 10s", p)
		}
	}
}

// litmusRun runs `ftcheck litmus` on files written into a fresh folder.
func litmusRun(t *testing.T, files map[string]string, args ...string) (code int, stdout, stderr string, dir string) {
	t.Helper()
	dir = t.TempDir()
	for name, text := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for i, a := range args {
		args[i] = strings.ReplaceAll(a, "$DIR", dir)
	}
	var out, errb bytes.Buffer
	code = cmdLitmus(args, &out, &errb)
	return code, out.String(), errb.String(), dir
}

const (
	litmusSB = "RISCV SB\n{0:x6=x; 0:x8=y; 1:x6=y; 1:x8=x; 0:x5=1; 1:x5=1;}\n P0 | P1 ;\n" +
		" sw x5,0(x6) | sw x5,0(x6) ;\n lw x7,0(x8) | lw x7,0(x8) ;\nexists (0:x7=0 /\\ 1:x7=0)\n"
	// litmusSlow has 1,680 coherence orders: far more than the 64
	// candidate steps after which a 1ns timeout is noticed.
	litmusSlow = "RISCV W3\n{0:x6=x; 1:x6=x; 2:x6=x; 0:x1=1; 0:x2=2; 0:x3=3; 1:x1=4; 1:x2=5; 1:x3=6; 2:x1=7; 2:x2=8; 2:x3=9;}\n" +
		" P0 | P1 | P2 ;\n sw x1,0(x6) | sw x1,0(x6) | sw x1,0(x6) ;\n sw x2,0(x6) | sw x2,0(x6) | sw x2,0(x6) ;\n" +
		" sw x3,0(x6) | sw x3,0(x6) | sw x3,0(x6) ;\nexists (x=9)\n"
	litmusCSR = "RISCV U\n{}\n P0 ;\n csrrw x1,x2,x3 ;\nexists (x=1)\n"
)

func TestLitmusModelNames(t *testing.T) {
	code, _, errb, _ := litmusRun(t, map[string]string{"SB.litmus": litmusSB}, "--model", "rvwmo2", "$DIR")
	if code != exitUsage || !strings.Contains(errb, `unknown model "rvwmo2"`) ||
		!strings.Contains(errb, "armv8, armv8-ifetch, rvwmo, sc, tso") || !strings.Contains(errb, "riscv.cat") {
		t.Errorf("unknown model: exit %d, stderr %q", code, errb)
	}
	// herd's cat names select the model that transcribes them, and the
	// output names the model used.
	for alias, m := range map[string]string{"riscv.cat": "rvwmo", "x86tso.cat": "tso", "aarch64.cat": "armv8", "sc.cat": "sc"} {
		code, out, errb, _ := litmusRun(t, map[string]string{"SB.litmus": litmusSB}, "--model", alias, "$DIR")
		if code != exitSafe || !strings.Contains(out, "model: "+m+" (1 test)") {
			t.Errorf("--model %s: exit %d\n%s%s", alias, code, out, errb)
		}
	}
	// SB's relaxed outcome is the model's business: SC forbids it.
	if _, out, _, _ := litmusRun(t, map[string]string{"SB.litmus": litmusSB}, "--model", "sc.cat", "$DIR"); !strings.Contains(out, "No  Forbidden") {
		t.Errorf("SB under sc.cat:\n%s", out)
	}
}

// A run that decided nothing, or less than everything, must not look
// like a pass: exit 3 (incomplete) or 2 (input the checker refuses), and
// the summary counts what was compared.
func TestLitmusExitStatus(t *testing.T) {
	kinds := "SB Allowed\nW3 Allowed\nU Allowed\n"
	cases := []struct {
		name  string
		files map[string]string
		args  []string
		exit  int
		out   []string // substrings of stdout
		err   []string // substrings of stderr
	}{
		{"all decided", map[string]string{"SB.litmus": litmusSB}, []string{"$DIR"}, exitSafe,
			[]string{"decided 1/1 tests\n"}, nil},
		{"empty folder", map[string]string{}, []string{"$DIR"}, exitIncomplete,
			[]string{"0 tests:", "decided 0/0 tests"}, []string{"no .litmus files in"}},
		{"empty folder, expect", map[string]string{"k.txt": kinds}, []string{"--expect", "$DIR/k.txt", "$DIR"}, exitIncomplete,
			[]string{"agree 0/0 compared"}, nil},
		{"every test timed out", map[string]string{"W3.litmus": litmusSlow}, []string{"--timeout", "1ns", "$DIR"}, exitIncomplete,
			[]string{"decided 0/1 tests (1 not decided: 1 timed out)"}, []string{"W3.litmus: not decided: timed out"}},
		{"one of two timed out", map[string]string{"W3.litmus": litmusSlow, "SB.litmus": litmusSB, "k.txt": kinds},
			[]string{"--timeout", "1ns", "--expect", "$DIR/k.txt", "$DIR/SB.litmus", "$DIR/W3.litmus"}, exitIncomplete,
			[]string{"agree 1/1 compared, 0 decided without a verdict (1 not decided: 1 timed out)"}, nil},
		{"every test refused", map[string]string{"U.litmus": litmusCSR, "k.txt": kinds}, []string{"--expect", "$DIR/k.txt", "$DIR/U.litmus"}, exitUsage,
			[]string{"agree 0/0 compared, 0 decided without a verdict (1 not decided: 1 unsupported instruction or feature)", "RISCV          1         0       0         -"},
			[]string{"U.litmus:4:2: not supported: instruction csrrw"}},
		{"some refused", map[string]string{"U.litmus": litmusCSR, "SB.litmus": litmusSB}, []string{"$DIR"}, exitUsage,
			[]string{"decided 1/2 tests (1 not decided: 1 unsupported instruction or feature)"}, nil},
		{"verdict file matches nothing", map[string]string{"SB.litmus": litmusSB, "k.txt": "MP Allowed\n"}, []string{"--expect", "$DIR/k.txt", "$DIR/SB.litmus"}, exitIncomplete,
			[]string{"agree 0/0 compared, 1 decided without a verdict"}, nil},
		{"disagreement beats a timeout", map[string]string{"W3.litmus": litmusSlow, "SB.litmus": litmusSB, "k.txt": "SB Forbidden\n"},
			[]string{"--timeout", "1ns", "--expect", "$DIR/k.txt", "$DIR/SB.litmus", "$DIR/W3.litmus"}, exitViolation,
			[]string{"agree 0/1 compared"}, nil},
		{"malformed file", map[string]string{"B.litmus": "RISCV B\n{ 0:x5=1; 0:x5=2; }\n P0 ;\n nop ;\nexists (x=1)\n"}, []string{"$DIR"}, exitUsage,
			[]string{"1 not decided: 1 input errors"}, []string{"B.litmus:2:11: 0:x5 is initialised twice (first at 2:3)"}},
	}
	for _, c := range cases {
		code, out, errb, _ := litmusRun(t, c.files, c.args...)
		if code != c.exit {
			t.Errorf("%s: exit %d, want %d\n%s%s", c.name, code, c.exit, out, errb)
		}
		for _, w := range c.out {
			if !strings.Contains(out, w) {
				t.Errorf("%s: stdout lacks %q:\n%s", c.name, w, out)
			}
		}
		for _, w := range c.err {
			if !strings.Contains(errb, w) {
				t.Errorf("%s: stderr lacks %q:\n%s", c.name, w, errb)
			}
		}
		if strings.Contains(out, "100.00%") && strings.Contains(out, " 0 compared") {
			t.Errorf("%s: 100%% agreement of nothing:\n%s", c.name, out)
		}
	}
}

// Three million nested `~` overflowed the stack (a fatal error); the
// 1 MiB file limit now keeps such a file out, and a million levels, just
// under the limit, which took seconds and most of the stack, are an input
// error at their position. The file is generated, not committed.
func TestLitmusDeepConditionIsAnError(t *testing.T) {
	deep := "RISCV D\n{}\n P0 ;\n nop ;\nexists (" + strings.Repeat("~", 1_000_000) + "x=1)\n"
	code, _, errb, _ := litmusRun(t, map[string]string{"D.litmus": deep}, "$DIR")
	if code != exitUsage || !strings.Contains(errb, "D.litmus:5:207: condition nested deeper than 200") {
		t.Errorf("exit %d, stderr %q", code, errb)
	}
}

func TestLitmusHerdFormat(t *testing.T) {
	code, out, errb, _ := litmusRun(t, map[string]string{"SB.litmus": litmusSB, "U.litmus": litmusCSR}, "--format", "herd", "$DIR")
	want := "Test SB Allowed\nStates 4\n0:x7=0; 1:x7=0;\n0:x7=0; 1:x7=1;\n0:x7=1; 1:x7=0;\n0:x7=1; 1:x7=1;\nOk\n" +
		"Witnesses\nPositive: 1 Negative: 3\nCondition exists (0:x7=0 /\\ 1:x7=0)\nObservation SB Sometimes 1 3\nTime SB "
	if !strings.HasPrefix(out, want) || !strings.HasSuffix(out, "\n\n") {
		t.Errorf("herd log:\n%s\nwant it to start with\n%s", out, want)
	}
	// Only herd's log on stdout: the refused test and the summary go to
	// stderr, and the exit status is the same as for text.
	if strings.Contains(out, "U") && strings.Contains(out, "csrrw") || strings.Contains(out, "tests:") {
		t.Errorf("stdout has more than herd's log:\n%s", out)
	}
	if code != exitUsage || !strings.Contains(errb, "U.litmus:4:2: not supported") || !strings.Contains(errb, "decided 1/2 tests") {
		t.Errorf("exit %d, stderr %q", code, errb)
	}
	if code, _, errb, _ := litmusRun(t, nil, "--format", "xml", "x"); code != exitUsage || !strings.Contains(errb, `unknown --format "xml"`) {
		t.Errorf("bad format: exit %d, %q", code, errb)
	}
}
