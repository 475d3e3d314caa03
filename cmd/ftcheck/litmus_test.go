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
		{"SM+cachesync-isb Forbidden\n", "agreement: 1/1", 0},
		{"SM+cachesync-isb Allowed\n", "agreement: 0/1", 1},
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
